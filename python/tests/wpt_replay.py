"""The WebNN conformance vectors (../shared/wpt, see its README.md) replayed through the Python
package, with the rules of the Swift runner (tools/WPTConformance) so that the two count alike:

* inputs marked constant become builder.constant, the others builder.input;
* every builder call goes through the package's generic operator entry (MLGraphBuilder._call,
  which is webnn_builder_op_multi): positional arguments name the operator's parameters in
  order, options are bound by their name or an older spelling (roundingType, type), and a
  string is an operand reference exactly where the operator's schema takes an operand;
* an operand or requested output type that opSupportLimits() leaves out, or a
  NotSupportedError while building, makes the case unsupported rather than failed;
* the outputs are compared with the case's one tolerance (ULP or ATOL, WPT's utils.js rules:
  compare() below), a splat output on its first 1000 elements;
* EXPECTED_FAILURES must still fail (a pass is an "unexpected pass" failure), and
  SPEC_REJECTIONS pass only when building raises TypeError.

    python wpt_replay.py [FILTER]     # prints the summary; FILTER as `webnn wpt --filter`
"""

import json
import math
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

import webnn
from webnn._api import NUMPY_TYPES
from webnn._builder import OPERATORS

ROOT = Path(__file__).resolve().parents[2]
ENVIRONMENT_VARIABLE = "WEBNN_WPT_DIR"

# The cases whose expected data is wrong (shared/wpt/README.md, "Known defects"); the same list
# as tools/WPTConformance/WPTExpectedFailures.swift.
_NO_SQUARE_ROOT = ("wrong expected data: 4 of 18 expected values lack the square root "
                   "(a known upstream WPT bug, fixed later)")
EXPECTED_FAILURES = {
    ("pooling", "l2Pool2d float32 4D tensor options.roundingType=ceil"): _NO_SQUARE_ROOT,
    ("pooling", "l2Pool2d float32 4D tensor options.outputSizes ignores options.roundingType=floor"): _NO_SQUARE_ROOT,
    ("subgraph", "batchNormalization options.axis=0 + gelu"):
        "wrong expected data: computed with an approximate erf; an exact erf is 35 ULP off against a tolerance of 24",
}
# Cases the current specification rejects although the (older) vectors expect values.
SPEC_REJECTIONS = {
    ("pad", "pad float32 4D tensor options.mode='symmetric'"): "pad mode 'symmetric' was removed from the spec (#843)",
}

DATA_TYPES = ["float32", "float16", "int32", "uint32", "int64", "uint64", "int8", "uint8", "int4", "uint4"]
INTEGER_BITS = {"int32": 32, "uint32": 32, "int64": 64, "uint64": 64, "int8": 8, "uint8": 8, "int4": 4, "uint4": 4}
UNSIGNED = {32: np.uint32, 64: np.uint64, 8: np.uint8}


def default_directory() -> Path:
    """$WEBNN_WPT_DIR when set and non-empty, else ../shared/wpt relative to the repository root
    (the Swift runner's default, relative to the directory it runs in: the root under make)."""
    return Path(os.environ.get(ENVIRONMENT_VARIABLE) or ROOT.parent / "shared" / "wpt")


class Unsupported(Exception):
    """The case cannot run here (not a failure)."""


class CaseFileError(Exception):
    """A problem in the case file's structure."""


# ---- Tensor data ------------------------------------------------------------------------

def number(value) -> float:
    """A JSON number, or one of the strings NaN, Infinity, -Infinity and -0."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise CaseFileError(f"bad number {value!r}")
    try:
        return float(value)
    except ValueError:
        raise CaseFileError(f"bad number {value!r}") from None


@dataclass
class Tensor:
    shape: list
    data_type: str
    data: list  # floats (NaN, ±Infinity and -0 decoded); integers are exact
    float16_bits: list = None
    splat: bool = False
    constant: bool = False

    @property
    def count(self) -> int:
        return math.prod(self.shape)

    @staticmethod
    def parse(raw: dict, is_input: bool) -> "Tensor":
        if raw.get("dataType") not in DATA_TYPES:
            raise CaseFileError(f"unknown dataType {raw.get('dataType')!r}")
        data = raw["data"] if isinstance(raw["data"], list) else [raw["data"]]
        t = Tensor([int(d) for d in raw["shape"]], raw["dataType"], [number(v) for v in data],
                   raw.get("float16Bits"), bool(raw.get("splat", False)),
                   is_input and bool(raw.get("constant", False)))
        if t.float16_bits is not None and len(t.float16_bits) != len(t.data):
            raise CaseFileError("float16Bits and data differ in length")
        if len(t.data) != (1 if t.splat else t.count):
            raise CaseFileError(f"shape {t.shape} has {t.count} elements, data has {len(t.data)}")
        return t

    def values(self) -> np.ndarray:
        """The data as float64, a splat repeated to fill the tensor."""
        data = np.array(self.data, dtype=np.float64)
        return np.repeat(data, self.count) if self.splat else data

    def half_bits(self) -> np.ndarray:
        """binary16 bits: float16Bits when given, else double -> float -> half (round to even)."""
        if self.float16_bits is not None:
            bits = np.array(self.float16_bits, dtype=np.uint16)
            return np.repeat(bits, self.count) if self.splat else bits
        with np.errstate(over="ignore", invalid="ignore"):
            return self.values().astype(np.float32).astype(np.float16).view(np.uint16)


def wrapped_integer(value: float) -> int:
    """A JavaScript typed-array store: NaN and ±Infinity become 0, others truncate toward zero
    and wrap modulo 2^64 (the caller keeps the low bits it needs)."""
    return int(value) % (1 << 64) if math.isfinite(value) else 0


def encode(t: Tensor) -> np.ndarray:
    """The tensor as the package takes it: an array of its type and shape, 4-bit types as
    packed bytes (two per byte, low nibble first)."""
    if t.data_type == "float32":
        with np.errstate(over="ignore", invalid="ignore"):
            return t.values().astype(np.float32).reshape(t.shape)
    if t.data_type == "float16":
        return t.half_bits().view(np.float16).reshape(t.shape)
    bits = INTEGER_BITS[t.data_type]
    mask = (1 << bits) - 1
    raw = [wrapped_integer(v) & mask for v in (t.data * t.count if t.splat else t.data)]
    if bits == 4:
        packed = np.zeros((t.count + 1) // 2, dtype=np.uint8)
        for i, nibble in enumerate(raw):
            packed[i // 2] |= nibble if i % 2 == 0 else nibble << 4
        return packed
    return np.array(raw, dtype=UNSIGNED[bits]).view(NUMPY_TYPES[t.data_type]).reshape(t.shape)


def elements(array: np.ndarray, data_type: str, count: int):
    """The first `count` elements of an output: float arrays (float32, float16), or Python ints
    for integer types (exact at 64 bits; 4-bit types unpacked and sign-extended)."""
    flat = array.reshape(-1)
    if data_type in ("float32", "float16"):
        return flat[:count]
    if data_type in ("int4", "uint4"):
        nibbles = [(int(flat[i // 2]) >> (4 * (i % 2))) & 0xF for i in range(count)]
        return [n - 16 if data_type == "int4" and n >= 8 else n for n in nibbles]
    return [int(v) for v in flat[:count]]


# ---- Comparison (shared/wpt/README.md, "Tolerance semantics") ------------------------------

def sign_magnitude(bits: np.ndarray) -> np.ndarray:
    """s(x) = sign(x) * bits(|x|) for float32 bits."""
    magnitude = (bits & np.uint32(0x7FFFFFFF)).astype(np.int64)
    return np.where(bits & np.uint32(0x80000000), -magnitude, magnitude)


def compare(actual, expected: Tensor, metric: str, count: int) -> np.ndarray:
    """The error of each of the first `count` elements in the metric's unit: 0 for an exact
    match (NaN vs NaN included, any payload), +inf when only one side is NaN.

    ULP float32: |s(actual) - s(expected)|, expected rounded to float32 first. ULP float16: the
    raw uint16 distance to float16Bits (or the rounded value); ±0 vs ±0 is 0. Integers:
    |actual - expected| exactly, whatever the metric. ATOL: |actual - expected| in float64."""
    e = expected.values()[:count]
    if expected.data_type in ("float32", "float16"):
        a = np.asarray(actual)
        a64 = a.astype(np.float64)
        if expected.data_type == "float32":
            with np.errstate(over="ignore", invalid="ignore"):
                e_rounded = e.astype(np.float32)
            e_nan = np.isnan(e)
            distance = np.abs(sign_magnitude(a.view(np.uint32)) - sign_magnitude(e_rounded.view(np.uint32)))
        else:
            e_bits = expected.half_bits()[:count]
            e_rounded = e_bits.view(np.float16)
            e_nan = np.isnan(e_rounded) if expected.float16_bits is not None else np.isnan(e)
            distance = np.abs(a.view(np.uint16).astype(np.int64) - e_bits.astype(np.int64))
        with np.errstate(invalid="ignore"):
            error = np.abs(a64 - e) if metric == "ATOL" else distance.astype(np.float64)
            error = np.where(a == e_rounded, 0.0, error)
        a_nan = np.isnan(a)
        return np.where(a_nan | e_nan, np.where(a_nan & e_nan, 0.0, math.inf), error)
    errors = np.empty(count)
    for i, (a, v) in enumerate(zip(actual, e)):
        if math.isnan(v):
            errors[i] = math.inf
        elif math.isfinite(v) and v == int(v):
            errors[i] = float(abs(a - int(v)))  # exact in Python ints, beyond 2^53 too
        else:
            errors[i] = abs(float(a) - v)
    return errors


def passes(error: float, tolerance) -> bool:
    """None: WPT would not check the value."""
    return tolerance is None or error <= tolerance


# ---- Cases ---------------------------------------------------------------------------------

@dataclass
class Case:
    file: str
    name: str
    data_type: str
    inputs: dict  # name -> Tensor, sorted by name
    operators: list  # {"name", "positional", "named", "outputs", "outputs_is_array"}
    expected: dict  # name -> Tensor, sorted by name
    metric: str
    tolerance: float

    @property
    def identifier(self) -> str:
        return f"{self.file}/{self.name}"

    @property
    def operator_names(self) -> list:
        return list(dict.fromkeys(op["name"] for op in self.operators))

    @staticmethod
    def parse(raw: dict, file: str) -> "Case":
        inputs = {k: Tensor.parse(raw["inputs"][k], True) for k in sorted(raw.get("inputs") or {})}
        expected = {k: Tensor.parse(raw["expectedOutputs"][k], False) for k in sorted(raw["expectedOutputs"])}
        if not expected:
            raise CaseFileError("no expected outputs")
        operators = []
        for op in raw["operators"]:
            positional, named = [], {}
            for argument in op.get("arguments", []):
                if argument is None:  # holes in WPT argument arrays are skipped
                    continue
                # Every key is the next positional argument, in WPT order (the file keeps it).
                for key, value in argument.items():
                    if value is None:
                        continue
                    if key == "options" and isinstance(value, dict):
                        named.update({k: v for k, v in value.items() if v is not None})
                    elif isinstance(value, dict):
                        raise CaseFileError(f"{op['name']}: {key}: a dictionary where a value was expected")
                    else:
                        positional.append(value)
            outputs = op["outputs"]
            operators.append(dict(name=op["name"], positional=positional, named=named,
                                  outputs=[outputs] if isinstance(outputs, str) else list(outputs),
                                  outputs_is_array=not isinstance(outputs, str)))
        tolerance = raw["tolerance"]
        if tolerance.get("metric") not in ("ULP", "ATOL"):
            raise CaseFileError(f"tolerance: unknown metric {tolerance.get('metric')!r}")
        value = tolerance.get("value")
        return Case(file, raw["name"], raw.get("dataType") or next(iter(expected.values())).data_type, inputs,
                    operators, expected, tolerance["metric"], None if value is None else number(value))


def load(directory: Path):
    """(cases, problems): every case of every *.json but index.json, sorted by file name, and
    (identifier, message) for what could not be read or parsed."""
    cases, problems = [], []
    try:
        paths = sorted(p for p in Path(directory).iterdir() if p.suffix == ".json" and p.name != "index.json")
    except OSError as error:
        return [], [("(directory)", f"cannot list the case directory {directory}: {error}")]
    if not paths:
        return [], [("(directory)", f"no case files (*.json) in {directory}")]
    for path in paths:
        try:
            root = json.loads(path.read_text())
            file = root.get("file", path.stem)
            raw_cases = root["cases"]
        except (OSError, ValueError, KeyError, AttributeError) as error:
            problems.append((f"{path.stem}/(file)", f"cannot read {path}: {error!r}"))
            continue
        for index, raw in enumerate(raw_cases):
            try:
                cases.append(Case.parse(raw, file))
            except (CaseFileError, KeyError, TypeError, ValueError) as error:
                problems.append((f"{file}/{raw.get('name', f'case #{index}')}", f"cannot parse the case: {error!r}"))
    return cases, problems


def matches(case: Case, pattern) -> bool:
    """A case-insensitive substring of file/name, or the exact name of one of its operators."""
    if not pattern:
        return True
    pattern = pattern.strip().lower()
    return pattern in case.identifier.lower() or pattern in (n.lower() for n in case.operator_names)


# ---- Running -------------------------------------------------------------------------------

def _parameter_table(schema):
    """Argument name (current or older spelling) -> its parameter or option."""
    table = {}
    for p in schema["parameters"] + schema["options"]:
        table.setdefault(p["name"], p)
        for alias in p.get("aliases", []):
            table.setdefault(alias, p)
    return table


class Replay:
    """Builds one case's graph on a builder, keeping every named operand."""

    def __init__(self, builder, limits):
        self.builder = builder
        self.limits = limits
        self.operands = {}

    def add_inputs(self, inputs: dict):
        for name, t in inputs.items():
            allowed = self.limits["constant" if t.constant else "input"]["dataTypes"]
            if t.data_type not in allowed:
                raise Unsupported(f"opSupportLimits(): graph {'constants' if t.constant else 'inputs'} "
                                  f"do not list {t.data_type} ({name})")
            self.operands[name] = (self.builder.constant(encode(t), t.shape, t.data_type) if t.constant
                                   else self.builder.input(name, t.shape, t.data_type))

    def bind(self, op: str, positional: list, named: dict) -> dict:
        """Arguments by their parameters' current names (OperatorRegistry.bind)."""
        schema = OPERATORS[op]
        if len(positional) > len(schema["parameters"]):
            raise webnn.MLTypeError(f"{op}: {len(positional)} positional arguments given, "
                                    f"{op} takes {len(schema['parameters'])}")
        arguments = {p["name"]: v for p, v in zip(schema["parameters"], positional)}
        table = _parameter_table(schema)
        for key in sorted(named):
            parameter = table.get(key)
            if parameter is None:
                raise webnn.MLTypeError(f"{op}: {key}: {op} has no such parameter or option")
            if parameter["name"] in arguments:
                raise webnn.MLTypeError(f"{op}: {parameter['name']}: given twice")
            arguments[parameter["name"]] = named[key]
        return arguments

    def operand(self, op: str, parameter: str, value):
        if not isinstance(value, str) or value not in self.operands:
            raise CaseFileError(f"{op}: {parameter}: {value!r} names no input or earlier output")
        return self.operands[value]

    def apply(self, call: dict):
        op = call["name"]
        if op not in OPERATORS:
            raise Unsupported(f"MLGraphBuilder has no method for {op}")
        arguments = self.bind(op, call["positional"], call["named"])
        schema = OPERATORS[op]
        op_limits = self.limits.get(op, {})
        kinds = {p["name"]: p for p in schema["parameters"] + schema["options"]}
        for name, value in list(arguments.items()):
            parameter = kinds[name]
            if parameter["kind"] in ("operand", "operandList"):
                items = value if parameter["kind"] == "operandList" else [value]
                if not isinstance(items, list):
                    raise CaseFileError(f"{op}: {name}: expected a list of operand names")
                resolved = [self.operand(op, name, item) for item in items]
                for operand in resolved:
                    if name in op_limits and operand.data_type not in op_limits[name]["dataTypes"]:
                        raise Unsupported(f"opSupportLimits(): {op} {name} does not list {operand.data_type}")
                arguments[name] = resolved if parameter["kind"] == "operandList" else resolved[0]
            elif (parameter["kind"] == "enumeration" and sorted(parameter.get("values", [])) == sorted(DATA_TYPES)
                  and value in DATA_TYPES and "output" in op_limits
                  and value not in op_limits["output"]["dataTypes"]):
                raise Unsupported(f"opSupportLimits(): {op} output does not list {value}")
        results = self.builder._call(op, arguments)
        outputs = call["outputs"]
        if call["outputs_is_array"] and len(results) < len(outputs):
            raise CaseFileError(f"{op}: {len(outputs)} output names for {len(results)} results")
        if not call["outputs_is_array"] and len(results) != 1:
            raise CaseFileError(f"{op}: {len(results)} results but a single output name")
        self.operands.update(zip(outputs, results))


@dataclass
class Result:
    identifier: str
    status: str  # passed, failed, unsupported, expectedFailure
    message: str = ""
    operators: list = field(default_factory=list)


def _describe(data_type, shape):
    return f"{data_type} {list(shape)}"


def execute(ctx, case: Case, limits) -> str:
    """Builds, runs and compares one case: "" when every element is within tolerance, else the
    first bad element. Raises Unsupported, CaseFileError, webnn.MLError (building: a
    rejection) or RuntimeError (a later phase)."""
    try:
        builder = ctx.create_graph_builder()
        replay = Replay(builder, limits)
        replay.add_inputs(case.inputs)
        for call in case.operators:
            replay.apply(call)
        outputs = {}
        for name, t in case.expected.items():
            operand = replay.operands.get(name)
            if operand is None:
                raise CaseFileError(f'expected output "{name}" is not produced by any operator')
            if operand.data_type != t.data_type or list(operand.shape) != t.shape:
                raise RuntimeError(f"output {name}: the graph gives {_describe(operand.data_type, operand.shape)}, "
                                   f"expected {_describe(t.data_type, t.shape)}")
            outputs[name] = operand
        graph = builder.build(outputs)
    except webnn.NotSupportedError as error:
        raise Unsupported(f"NotSupportedError while building: {error.message}") from None
    try:
        try:
            inputs = {n: encode(t) for n, t in case.inputs.items() if not t.constant and n in graph.inputs}
            results = ctx.compute(graph, inputs)
        except webnn.MLError as error:
            raise RuntimeError(f"running the graph failed: {error}") from None
    finally:
        graph.destroy()

    bad, checked, first = 0, 0, None
    for name, t in case.expected.items():
        count = min(t.count, 1000) if t.splat else t.count
        actual = elements(results[name], t.data_type, count)
        errors = compare(actual, t, case.metric, count)
        checked += count
        failing = list(np.flatnonzero(~(errors <= case.tolerance))) if case.tolerance is not None else []
        bad += len(failing)
        if failing and first is None:
            i = failing[0]
            first = (f"{name}[{i}] = {actual[i]}, expected {t.values()[i]} "
                     f"(error {errors[i]:.6g} {case.metric} > {case.tolerance})")
    return f"{bad} of {checked} elements out of tolerance; first: {first}" if bad else ""


def run_case(ctx, case: Case, limits) -> Result:
    """One case's result, with the spec-rejection and expected-failure lists applied."""
    key = (case.file, case.name)
    result = Result(case.identifier, "failed", operators=case.operator_names)
    try:
        message = execute(ctx, case, limits)
        result.status, result.message = ("failed", message) if message else ("passed", "")
    except Unsupported as error:
        result.status, result.message = "unsupported", str(error)
    except CaseFileError as error:
        result.message = f"invalid case: {error}"
    except webnn.MLError as error:
        result.message = f"building the graph failed: {error}"
        if key in SPEC_REJECTIONS and isinstance(error, webnn.MLTypeError):
            result.status = "passed"
            result.message = f"rejected with TypeError as the current spec requires ({SPEC_REJECTIONS[key]})"
    except RuntimeError as error:
        result.message = str(error)
    if key in SPEC_REJECTIONS and result.status == "passed" and not result.message.startswith("rejected"):
        result.status = "failed"
        result.message = f"the current spec rejects this case ({SPEC_REJECTIONS[key]}), but it built and ran"
    if key in EXPECTED_FAILURES:
        if result.status == "failed":
            result.status = "expectedFailure"
            result.message = f"{EXPECTED_FAILURES[key]} | {result.message}"
        elif result.status == "passed":
            result.status = "failed"
            result.message = (f"unexpected pass: the case is listed as an expected failure ({EXPECTED_FAILURES[key]}); "
                              "remove it from the list")
    return result


@dataclass
class Report:
    directory: Path
    results: list
    notes: list
    seconds: float

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.results)

    @property
    def failures(self) -> list:
        return [r for r in self.results if r.status == "failed"]

    @property
    def summary_line(self) -> str:
        """`N passed, N failed, N skipped` (skipped: unsupported and expected failures), as the
        Swift runner prints it."""
        skipped = self.count("unsupported") + self.count("expectedFailure")
        return f"{self.count('passed')} passed, {self.count('failed')} failed, {skipped} skipped"

    def text(self) -> str:
        lines = [f"WPT conformance (Python package) in {self.directory}: {len(self.results)} cases, "
                 f"{self.count('unsupported')} unsupported, {self.count('expectedFailure')} expected failures, "
                 f"{self.seconds:.1f} s"]
        lines += [f"FAILED {r.identifier}: {r.message}" for r in self.failures]
        lines += [f"unsupported {r.identifier}: {r.message}" for r in self.results if r.status == "unsupported"]
        lines += [f"xfail {r.identifier}: {r.message}" for r in self.results if r.status == "expectedFailure"]
        lines += [f"note: {n}" for n in self.notes]
        lines.append(self.summary_line)
        return "\n".join(lines)


def run(ctx, directory=None, pattern=None) -> Report:
    """Runs every case of `directory` (default: default_directory()) that `pattern` selects."""
    directory = Path(directory) if directory is not None else default_directory()
    start = time.perf_counter()
    cases, problems = load(directory)
    limits = ctx.op_support_limits()
    results = [Result(identifier, "failed", message) for identifier, message in problems
               if not pattern or pattern.strip().lower() in identifier.lower()]
    results += [run_case(ctx, case, limits) for case in cases if matches(case, pattern)]
    notes = []
    if not pattern:
        seen = {(c.file, c.name) for c in cases}
        notes = [f"expected-failure entry {f}/{n} matches no case" for f, n in EXPECTED_FAILURES if (f, n) not in seen]
    return Report(directory, results, notes, time.perf_counter() - start)


if __name__ == "__main__":
    context = webnn.ML().create_context(accelerated=False)
    report = run(context, pattern=sys.argv[1] if len(sys.argv) > 1 else None)
    print(report.text())
    sys.exit(1 if report.failures else 0)
