/*
 * The C API's test program: builds and runs graphs through webnn.h, and checks that every kind
 * of bad input (null, made-up, destroyed, stale and wrong-kind handles, wrong sizes, malformed
 * JSON, unknown operators and names) gives an error code and a message instead of a crash.
 * `make test` runs it directly and under valgrind. It prints "N passed, M failed" and exits 1
 * when a check failed.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "webnn.h"

static int passed, failed;

#define CHECK(condition, ...)                                  \
  do {                                                         \
    if (condition) {                                           \
      passed++;                                                \
    } else {                                                   \
      failed++;                                                \
      fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);     \
      fprintf(stderr, __VA_ARGS__);                            \
      fprintf(stderr, " (last error: %s: %s)\n",               \
              webnn_status_name(webnn_last_error_kind()),      \
              webnn_last_error_message());                     \
    }                                                          \
  } while (0)

/* A call that must succeed. */
#define OK(call) CHECK((call) == WEBNN_OK, "%s", #call)

/* A call that must fail with `status` and a message containing `text`. */
#define FAILS(call, status, text)                                                        \
  do {                                                                                   \
    webnn_clear_error();                                                                 \
    webnn_status got_ = (call);                                                          \
    CHECK(got_ == (status) && webnn_last_error_kind() == (status) &&                     \
              strstr(webnn_last_error_message(), (text)) != NULL,                        \
          "%s: expected %s containing \"%s\", got %s", #call, webnn_status_name(status), \
          (text), webnn_status_name(got_));                                              \
  } while (0)

static int close_to(const float *a, const float *b, size_t n, float tolerance) {
  for (size_t i = 0; i < n; i++)
    if (fabsf(a[i] - b[i]) > tolerance) return 0;
  return 1;
}

/* Runs one single-input, single-output graph through webnn_compute. */
static webnn_status compute1(webnn_context ctx, webnn_graph g, const char *in_name, const void *in, size_t in_size,
                             const char *out_name, void *out, size_t out_size) {
  const void *in_data[] = {in};
  void *out_data[] = {out};
  return webnn_compute(ctx, g, 1, &in_name, in_data, &in_size, 1, &out_name, out_data, &out_size);
}

static void test_library(void) {
  CHECK(strlen(webnn_version()) > 0, "version");
  CHECK(strcmp(webnn_status_name(WEBNN_OK), "OK") == 0, "status name OK");
  CHECK(strcmp(webnn_status_name(WEBNN_TYPE_ERROR), "TypeError") == 0, "status name TypeError");
  CHECK(strcmp(webnn_status_name(WEBNN_INVALID_STATE_ERROR), "InvalidStateError") == 0, "status name");
  CHECK(strcmp(webnn_status_name((webnn_status)99), "UnknownError") == 0, "out-of-range status name");
  char *json = NULL;
  OK(webnn_operators_json(&json));
  CHECK(json && strstr(json, "\"name\":\"conv2d\"") && strstr(json, "\"name\":\"lstm\""), "operator list");
  webnn_free(json);
  FAILS(webnn_operators_json(NULL), WEBNN_TYPE_ERROR, "out_json");
  webnn_free(NULL);
}

static void test_contexts(void) {
  webnn_context ctx = NULL;
  FAILS(webnn_context_create("fastest", 1, &ctx), WEBNN_TYPE_ERROR, "power_preference");
  CHECK(ctx == NULL, "no handle written on failure");
  FAILS(webnn_context_create("default", 1, NULL), WEBNN_TYPE_ERROR, "out");
  OK(webnn_context_create(NULL, 0, &ctx));
  char *json = NULL;
  OK(webnn_context_info_json(ctx, &json));
  CHECK(json && strstr(json, "\"deviceName\""), "context info");
  webnn_free(json);
  OK(webnn_context_op_support_limits(ctx, &json));
  CHECK(json && strstr(json, "\"maxTensorByteLength\"") && strstr(json, "\"conv2d\":{"), "op support limits");
  webnn_free(json);
  OK(webnn_context_destroy(ctx));
  FAILS(webnn_context_destroy(ctx), WEBNN_TYPE_ERROR, "was destroyed");
  FAILS(webnn_context_info_json(ctx, &json), WEBNN_TYPE_ERROR, "was destroyed");
  FAILS(webnn_context_destroy(NULL), WEBNN_TYPE_ERROR, "null context handle");
  FAILS(webnn_context_destroy((webnn_context)(uintptr_t)0x7fff12345678), WEBNN_TYPE_ERROR, "not a context handle");
}

/* relu(x . w + b) with w, b constants, and softmax over it; computed twice. */
static void test_build_and_compute(webnn_context ctx) {
  webnn_builder b;
  OK(webnn_builder_create(ctx, &b));
  int64_t x_shape[] = {1, 4}, w_shape[] = {4, 3}, b_shape[] = {3};
  float w[] = {1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1}, bias[] = {-6, 0, -6};
  webnn_operand x, wc, bc, mm, sum, relu, probs;
  OK(webnn_builder_input(b, "x", "float32", x_shape, 2, &x));
  OK(webnn_builder_constant(b, "float32", w_shape, 2, w, sizeof w, &wc));
  OK(webnn_builder_constant(b, "float32", b_shape, 1, bias, sizeof bias, &bc));
  webnn_operand pair[] = {x, wc};
  OK(webnn_builder_op(b, "matmul", pair, 2, NULL, &mm));
  webnn_operand add_args[] = {mm, bc};
  OK(webnn_builder_op(b, "add", add_args, 2, "{\"label\": \"logits\"}", &sum));
  OK(webnn_builder_op(b, "relu", &sum, 1, NULL, &relu));
  OK(webnn_builder_op(b, "softmax", &relu, 1, "{\"axis\": 1}", &probs));
  char *json = NULL;
  OK(webnn_operand_json(probs, &json));
  CHECK(json && strcmp(json, "{\"dataType\":\"float32\",\"shape\":[1,3]}") == 0, "operand json %s", json);
  webnn_free(json);

  const char *names[] = {"probs", "relu"};
  webnn_operand outs[] = {probs, relu};
  webnn_graph g;
  OK(webnn_builder_build(b, 2, names, outs, &g));
  FAILS(webnn_builder_build(b, 2, names, outs, &g), WEBNN_INVALID_STATE_ERROR, "already built");
  FAILS(webnn_builder_op(b, "relu", &x, 1, NULL, &relu), WEBNN_INVALID_STATE_ERROR, "already built");

  OK(webnn_graph_json(g, &json));
  CHECK(json && strstr(json, "\"inputs\":{\"x\":{\"dataType\":\"float32\",\"shape\":[1,4]}}"), "graph json %s", json);
  webnn_free(json);

  float in[] = {1, 2, 3, 4}, p[3], r[3];
  const char *in_name = "x";
  const void *in_data[] = {in};
  size_t in_size = sizeof in, out_sizes[] = {sizeof p, sizeof r};
  void *out_data[] = {p, r};
  for (int run = 0; run < 2; run++) {
    OK(webnn_compute(ctx, g, 1, &in_name, in_data, &in_size, 2, names, out_data, out_sizes));
    float expected_relu[] = {0, 6, 1};
    float expected_p[] = {0.0024561f, 0.9908675f, 0.0066764f};
    CHECK(close_to(r, expected_relu, 3, 1e-5f), "relu output %g %g %g", r[0], r[1], r[2]);
    CHECK(close_to(p, expected_p, 3, 1e-4f), "softmax output %g %g %g", p[0], p[1], p[2]);
  }
  OK(webnn_graph_json(g, &json));
  CHECK(json && strstr(json, "\"recordings\":1"), "the compute tensors are reused: %s", json);
  webnn_free(json);

  /* Bad computes. */
  size_t short_size = 8;
  FAILS(webnn_compute(ctx, g, 1, &in_name, in_data, &short_size, 2, names, out_data, out_sizes), WEBNN_TYPE_ERROR,
        "needs 16");
  const char *bad_name = "nope";
  FAILS(webnn_compute(ctx, g, 1, &bad_name, in_data, &in_size, 2, names, out_data, out_sizes), WEBNN_TYPE_ERROR,
        "no input \"nope\"");
  FAILS(webnn_compute(ctx, g, 0, NULL, NULL, NULL, 2, names, out_data, out_sizes), WEBNN_TYPE_ERROR, "not given");
  size_t bad_out[] = {4, sizeof r};
  FAILS(webnn_compute(ctx, g, 1, &in_name, in_data, &in_size, 2, names, out_data, bad_out), WEBNN_TYPE_ERROR,
        "output_data[0]");
  FAILS(webnn_compute(ctx, g, 1, &in_name, NULL, &in_size, 2, names, out_data, out_sizes), WEBNN_TYPE_ERROR,
        "input_data");
  FAILS(webnn_compute(ctx, (webnn_graph)b, 1, &in_name, in_data, &in_size, 0, NULL, NULL, NULL), WEBNN_TYPE_ERROR,
        "expected a graph handle, got a builder handle");

  /* Operands die with their builder; the graph does not. */
  OK(webnn_builder_destroy(b));
  FAILS(webnn_operand_json(probs, &json), WEBNN_TYPE_ERROR, "was destroyed");
  OK(compute1(ctx, g, "x", in, sizeof in, "relu", r, sizeof r));
  OK(webnn_graph_destroy(g));
  FAILS(compute1(ctx, g, "x", in, sizeof in, "relu", r, sizeof r), WEBNN_TYPE_ERROR, "was destroyed");
}

/* conv2d with a bias option given by operand index, concat over an operand list, split. */
static void test_operand_arguments(webnn_context ctx) {
  webnn_builder b;
  OK(webnn_builder_create(ctx, &b));
  int64_t x_shape[] = {1, 1, 3, 3}, w_shape[] = {2, 1, 2, 2}, b_shape[] = {2};
  float w[8] = {1, 1, 1, 1, 0, 0, 0, 1}, bias[2] = {10, 20};
  webnn_operand x, wc, bc, conv, cat, parts[4];
  OK(webnn_builder_input(b, "x", "float32", x_shape, 4, &x));
  OK(webnn_builder_constant(b, "float32", w_shape, 4, w, sizeof w, &wc));
  OK(webnn_builder_constant(b, "float32", b_shape, 1, bias, sizeof bias, &bc));
  webnn_operand conv_args[] = {x, wc, bc};
  FAILS(webnn_builder_op(b, "conv2d", conv_args, 3, NULL, &conv), WEBNN_TYPE_ERROR, "operands[2]");
  FAILS(webnn_builder_op(b, "conv2d", conv_args, 3, "{\"bias\": 7}", &conv), WEBNN_TYPE_ERROR, "not an index");
  FAILS(webnn_builder_op(b, "conv2d", conv_args, 3, "{\"bias\": 2, \"stride\": [1, 1]}", &conv), WEBNN_TYPE_ERROR,
        "stride");
  OK(webnn_builder_op(b, "conv2d", conv_args, 3, "{\"bias\": 2, \"label\": \"c1\"}", &conv));
  webnn_operand cat_args[] = {conv, conv};
  OK(webnn_builder_op(b, "concat", cat_args, 2, "{\"axis\": 1}", &cat));
  size_t count = 0;
  FAILS(webnn_builder_op(b, "split", &cat, 1, "{\"splits\": 4, \"axis\": 1}", &parts[0]), WEBNN_TYPE_ERROR,
        "webnn_builder_op_multi");
  FAILS(webnn_builder_op_multi(b, "split", &cat, 1, "{\"splits\": 4, \"axis\": 1}", parts, 2, &count),
        WEBNN_TYPE_ERROR, "capacity");
  OK(webnn_builder_op_multi(b, "split", &cat, 1, "{\"splits\": 4, \"axis\": 1}", parts, 4, &count));
  CHECK(count == 4, "split gives 4 results, got %zu", count);
  const char *names[] = {"p1", "p2"};
  webnn_operand outs[] = {parts[1], parts[2]};
  webnn_graph g;
  OK(webnn_builder_build(b, 2, names, outs, &g));
  float in[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9}, p1[4], p2[4];
  const char *in_name = "x";
  const void *in_data[] = {in};
  void *out_data[] = {p1, p2};
  size_t in_size = sizeof in, out_sizes[] = {sizeof p1, sizeof p2};
  OK(webnn_compute(ctx, g, 1, &in_name, in_data, &in_size, 2, names, out_data, out_sizes));
  /* Channel 1 of the conv (w = [0 0; 0 1], bias 20) and channel 0 again (box sum + 10). */
  float e1[] = {25, 26, 28, 29}, e2[] = {22, 26, 34, 38};
  CHECK(close_to(p1, e1, 4, 1e-4f), "conv channel 1: %g %g %g %g", p1[0], p1[1], p1[2], p1[3]);
  CHECK(close_to(p2, e2, 4, 1e-4f), "conv channel 0: %g %g %g %g", p2[0], p2[1], p2[2], p2[3]);
  OK(webnn_graph_destroy(g));
  OK(webnn_builder_destroy(b));
}

/* Bad builder input: sizes, types, names, JSON, unknown operators, wrong-kind handles. */
static void test_builder_errors(webnn_context ctx) {
  webnn_builder b;
  webnn_operand x, y;
  OK(webnn_builder_create(ctx, &b));
  int64_t shape[] = {2, 2}, negative[] = {2, -1};
  float data[4] = {0};
  FAILS(webnn_builder_input(b, "x", "float33", shape, 2, &x), WEBNN_TYPE_ERROR, "unknown data type");
  FAILS(webnn_builder_input(b, "x", "float32", negative, 2, &x), WEBNN_TYPE_ERROR, "out of range");
  FAILS(webnn_builder_input(b, NULL, "float32", shape, 2, &x), WEBNN_TYPE_ERROR, "name");
  FAILS(webnn_builder_input(b, "x", "float32", NULL, 2, &x), WEBNN_TYPE_ERROR, "null pointer");
  OK(webnn_builder_input(b, "x", "float32", shape, 2, &x));
  FAILS(webnn_builder_input(b, "x", "float32", shape, 2, &y), WEBNN_TYPE_ERROR, "already used");
  FAILS(webnn_builder_constant(b, "float32", shape, 2, data, 12, &y), WEBNN_TYPE_ERROR, "needs 16");
  FAILS(webnn_builder_constant(b, "float32", shape, 2, NULL, 16, &y), WEBNN_TYPE_ERROR, "null pointer");
  FAILS(webnn_builder_op(b, "frobnicate", &x, 1, NULL, &y), WEBNN_TYPE_ERROR, "no operator named");
  FAILS(webnn_builder_op(b, "softmax", &x, 1, "{\"axis\": ", &y), WEBNN_TYPE_ERROR, "malformed JSON");
  FAILS(webnn_builder_op(b, "softmax", &x, 1, "[1, 2]", &y), WEBNN_TYPE_ERROR, "not a JSON object");
  FAILS(webnn_builder_op(b, "softmax", &x, 1, "{\"axis\": \"one\"}", &y), WEBNN_TYPE_ERROR, "axis");
  FAILS(webnn_builder_op(b, "softmax", &x, 1, "{\"axis\": 5}", &y), WEBNN_TYPE_ERROR, "softmax");
  FAILS(webnn_builder_op(b, "relu", NULL, 1, NULL, &y), WEBNN_TYPE_ERROR, "null pointer");
  FAILS(webnn_builder_op(b, "relu", &x, 1, NULL, NULL), WEBNN_TYPE_ERROR, "out");
  FAILS(webnn_builder_op(b, NULL, &x, 1, NULL, &y), WEBNN_TYPE_ERROR, "op");
  webnn_operand stale = (webnn_operand)(uintptr_t)999999999;
  FAILS(webnn_builder_op(b, "relu", &stale, 1, NULL, &y), WEBNN_TYPE_ERROR, "not a operand handle");
  webnn_operand as_operand = (webnn_operand)ctx;
  FAILS(webnn_builder_op(b, "relu", &as_operand, 1, NULL, &y), WEBNN_TYPE_ERROR, "got a context handle");
  FAILS(webnn_builder_input((webnn_builder)ctx, "z", "float32", shape, 2, &y), WEBNN_TYPE_ERROR,
        "expected a builder handle");
  const char *name = "y";
  FAILS(webnn_builder_build(b, 1, &name, &x, NULL), WEBNN_TYPE_ERROR, "out");
  webnn_graph g;
  FAILS(webnn_builder_build(b, 1, &name, &x, &g), WEBNN_TYPE_ERROR, "computed by an operator");
  FAILS(webnn_builder_build(b, 0, NULL, NULL, &g), WEBNN_TYPE_ERROR, "at least one output");

  /* An operand of another builder. */
  webnn_builder other;
  webnn_operand foreign;
  OK(webnn_builder_create(ctx, &other));
  OK(webnn_builder_input(other, "f", "float32", shape, 2, &foreign));
  webnn_operand mixed[] = {x, foreign};
  FAILS(webnn_builder_op(b, "add", mixed, 2, NULL, &y), WEBNN_TYPE_ERROR, "another MLGraphBuilder");
  OK(webnn_builder_destroy(other));
  OK(webnn_builder_destroy(b));
  FAILS(webnn_builder_destroy(b), WEBNN_TYPE_ERROR, "was destroyed");
}

/* Tensors and dispatch, with their bad cases. */
static void test_tensors(webnn_context ctx) {
  webnn_builder b;
  webnn_operand x, y;
  webnn_graph g;
  int64_t shape[] = {4};
  OK(webnn_builder_create(ctx, &b));
  OK(webnn_builder_input(b, "x", "int32", shape, 1, &x));
  OK(webnn_builder_op(b, "neg", &x, 1, NULL, &y));
  const char *out_name = "y", *in_name = "x";
  OK(webnn_builder_build(b, 1, &out_name, &y, &g));
  OK(webnn_builder_destroy(b));

  webnn_tensor in, out, wrong;
  OK(webnn_tensor_create(ctx, "int32", shape, 1, WEBNN_TENSOR_WRITABLE, &in));
  OK(webnn_tensor_create(ctx, "int32", shape, 1, WEBNN_TENSOR_READABLE, &out));
  OK(webnn_tensor_create(ctx, "float32", shape, 1, WEBNN_TENSOR_READABLE | WEBNN_TENSOR_WRITABLE, &wrong));
  FAILS(webnn_tensor_create(ctx, "int32", shape, 1, 8, &in), WEBNN_TYPE_ERROR, "usage");
  int32_t values[4] = {1, -2, 3, -4}, result[4] = {0};
  OK(webnn_tensor_write(ctx, in, values, sizeof values));
  FAILS(webnn_tensor_write(ctx, in, values, 12), WEBNN_TYPE_ERROR, "needs 16");
  FAILS(webnn_tensor_write(ctx, out, values, sizeof values), WEBNN_TYPE_ERROR, "not writable");
  FAILS(webnn_tensor_read(ctx, in, result, sizeof result), WEBNN_TYPE_ERROR, "not readable");
  FAILS(webnn_tensor_read(ctx, out, result, 15), WEBNN_TYPE_ERROR, "needs 16");
  FAILS(webnn_tensor_read(ctx, out, NULL, sizeof result), WEBNN_TYPE_ERROR, "null buffer");
  FAILS(webnn_dispatch(ctx, g, 1, &in_name, &wrong, 1, &out_name, &out), WEBNN_TYPE_ERROR, "the graph expects");
  FAILS(webnn_dispatch(ctx, g, 1, &in_name, &in, 1, &out_name, &in), WEBNN_TYPE_ERROR, "more than once");
  FAILS(webnn_dispatch(ctx, g, 0, NULL, NULL, 1, &out_name, &out), WEBNN_TYPE_ERROR, "do not match");
  OK(webnn_dispatch(ctx, g, 1, &in_name, &in, 1, &out_name, &out));
  OK(webnn_tensor_read(ctx, out, result, sizeof result));
  CHECK(result[0] == -1 && result[1] == 2 && result[2] == -3 && result[3] == 4, "neg: %d %d %d %d", result[0],
        result[1], result[2], result[3]);
  OK(webnn_tensor_destroy(wrong));
  FAILS(webnn_tensor_write(ctx, wrong, values, sizeof values), WEBNN_TYPE_ERROR, "was destroyed");
  FAILS(webnn_tensor_destroy(wrong), WEBNN_TYPE_ERROR, "was destroyed");
  FAILS(webnn_tensor_read(ctx, (webnn_tensor)g, result, sizeof result), WEBNN_TYPE_ERROR, "got a graph handle");

  /* A tensor of another context. */
  webnn_context other;
  webnn_tensor foreign;
  OK(webnn_context_create("default", 0, &other));
  OK(webnn_tensor_create(other, "int32", shape, 1, WEBNN_TENSOR_READABLE, &foreign));
  FAILS(webnn_dispatch(ctx, g, 1, &in_name, &in, 1, &out_name, &foreign), WEBNN_TYPE_ERROR, "another context");
  OK(webnn_context_destroy(other));
  FAILS(webnn_tensor_read(other, foreign, result, sizeof result), WEBNN_TYPE_ERROR, "was destroyed");
  FAILS(webnn_tensor_destroy(foreign), WEBNN_TYPE_ERROR, "was destroyed");
  OK(webnn_tensor_destroy(in));
  OK(webnn_tensor_destroy(out));
  OK(webnn_graph_destroy(g));
}

/* A webnn-graph-json document in memory, saved as a file and loaded back. */
static void test_graph_documents(webnn_context ctx) {
  const char *doc =
      "{\"format\": \"webnn-graph-json\", \"version\": 2, \"name\": \"scale\","
      " \"inputs\": {\"x\": {\"dataType\": \"float32\", \"shape\": [2]}},"
      " \"consts\": {\"two\": {\"dataType\": \"float32\", \"shape\": [2],"
      "   \"init\": {\"kind\": \"inlineBytes\", \"bytes\": [0, 0, 0, 64, 0, 0, 64, 64]}}},"
      " \"nodes\": [{\"id\": \"n0\", \"op\": \"mul\", \"inputs\": [\"x\", \"two\"], \"options\": {},"
      "   \"outputs\": [\"y\"]}],"
      " \"outputs\": {\"y\": \"y\"}}";
  webnn_graph g, loaded;
  OK(webnn_graph_from_json(ctx, doc, NULL, NULL, &g));
  float in[2] = {3, 4}, out[2];
  OK(compute1(ctx, g, "x", in, sizeof in, "y", out, sizeof out));
  CHECK(out[0] == 6 && out[1] == 12, "json graph: %g %g", out[0], out[1]);
  FAILS(webnn_graph_from_json(ctx, "{\"nodes\": [", NULL, NULL, &g), WEBNN_TYPE_ERROR, "json");
  FAILS(webnn_graph_from_json(ctx, doc, NULL, "{\"dims\": {}}", &g), WEBNN_TYPE_ERROR, "unknown member");
  FAILS(webnn_graph_from_json(ctx, doc, "/nonexistent/w.safetensors", NULL, &g), WEBNN_OPERATION_ERROR,
        "w.safetensors");

  char dir[] = "/tmp/webnn-capi-XXXXXX";
  CHECK(mkdtemp(dir) != NULL, "mkdtemp");
  char path[256];
  snprintf(path, sizeof path, "%s/scale.webnn", dir);
  OK(webnn_graph_save(g, path));
  OK(webnn_graph_load(ctx, path, NULL, &loaded));
  out[0] = out[1] = 0;
  OK(compute1(ctx, loaded, "x", in, sizeof in, "y", out, sizeof out));
  CHECK(out[0] == 6 && out[1] == 12, "saved and loaded graph: %g %g", out[0], out[1]);
  remove(path);
  remove(dir);
  FAILS(webnn_graph_load(ctx, path, NULL, &loaded), WEBNN_OPERATION_ERROR, "cannot read");
  FAILS(webnn_graph_load(ctx, "model.txt", NULL, &loaded), WEBNN_TYPE_ERROR, "unknown graph file kind");
  FAILS(webnn_graph_save(g, "/nonexistent-dir/x.webnn"), WEBNN_OPERATION_ERROR, "x.webnn");
  OK(webnn_graph_destroy(loaded));
  OK(webnn_graph_destroy(g));
}

/* Threads share a context, each builds and computes its own graph; last errors stay per thread. */
typedef struct {
  webnn_context ctx;
  int index;
  int ok;
} worker_args;

static void *worker(void *raw) {
  worker_args *args = raw;
  args->ok = 0;
  webnn_builder b;
  webnn_operand x, c, y;
  webnn_graph g;
  int64_t shape[] = {8};
  float k = (float)args->index, in[8], out[8];
  if (webnn_builder_create(args->ctx, &b)) return NULL;
  if (webnn_builder_input(b, "x", "float32", shape, 1, &x)) return NULL;
  if (webnn_builder_constant(b, "float32", NULL, 0, &k, sizeof k, &c)) return NULL;
  webnn_operand args2[] = {x, c};
  if (webnn_builder_op(b, "add", args2, 2, NULL, &y)) return NULL;
  const char *name = "y";
  if (webnn_builder_build(b, 1, &name, &y, &g)) return NULL;
  /* This thread fails on purpose; the others must not see it. */
  if (args->index == 0 && webnn_builder_op(b, "relu", &x, 1, NULL, &y) != WEBNN_INVALID_STATE_ERROR) return NULL;
  for (int run = 0; run < 5; run++) {
    for (int i = 0; i < 8; i++) in[i] = (float)(i * run);
    if (compute1(args->ctx, g, "x", in, sizeof in, "y", out, sizeof out)) return NULL;
    for (int i = 0; i < 8; i++)
      if (out[i] != in[i] + k) return NULL;
  }
  webnn_graph_destroy(g);
  webnn_builder_destroy(b);
  args->ok = args->index == 0 ? webnn_last_error_kind() == WEBNN_INVALID_STATE_ERROR
                              : webnn_last_error_kind() == WEBNN_OK;
  return NULL;
}

static void test_threads(webnn_context ctx) {
  enum { N = 4 };
  pthread_t threads[N];
  worker_args args[N];
  for (int i = 0; i < N; i++) {
    args[i] = (worker_args){ctx, i, 0};
    CHECK(pthread_create(&threads[i], NULL, worker, &args[i]) == 0, "pthread_create");
  }
  for (int i = 0; i < N; i++) {
    pthread_join(threads[i], NULL);
    CHECK(args[i].ok, "thread %d built, computed and kept its own last error", i);
  }
}

/* Destroying a context invalidates everything made on it. */
static void test_context_teardown(void) {
  webnn_context ctx;
  webnn_builder b;
  webnn_operand x, y;
  webnn_graph g;
  webnn_tensor t;
  int64_t shape[] = {2};
  OK(webnn_context_create("low-power", 1, &ctx));
  OK(webnn_builder_create(ctx, &b));
  OK(webnn_builder_input(b, "x", "float32", shape, 1, &x));
  OK(webnn_builder_op(b, "abs", &x, 1, NULL, &y));
  const char *name = "y";
  OK(webnn_builder_build(b, 1, &name, &y, &g));
  OK(webnn_tensor_create(ctx, "float32", shape, 1, WEBNN_TENSOR_READABLE, &t));
  OK(webnn_context_destroy(ctx));
  char *json = NULL;
  float buffer[2];
  FAILS(webnn_graph_json(g, &json), WEBNN_TYPE_ERROR, "was destroyed");
  FAILS(webnn_tensor_read(ctx, t, buffer, sizeof buffer), WEBNN_TYPE_ERROR, "was destroyed");
  FAILS(webnn_builder_op(b, "abs", &x, 1, NULL, &y), WEBNN_TYPE_ERROR, "was destroyed");
  FAILS(webnn_operand_json(y, &json), WEBNN_TYPE_ERROR, "was destroyed");
  FAILS(webnn_graph_destroy(g), WEBNN_TYPE_ERROR, "was destroyed");
  FAILS(webnn_builder_create(ctx, &b), WEBNN_TYPE_ERROR, "was destroyed");
}

int main(void) {
  test_library();
  test_contexts();
  webnn_context ctx;
  if (webnn_context_create("default", 0, &ctx) != WEBNN_OK) {
    fprintf(stderr, "no context: %s\n", webnn_last_error_message());
    return 1;
  }
  test_build_and_compute(ctx);
  test_operand_arguments(ctx);
  test_builder_errors(ctx);
  test_tensors(ctx);
  test_graph_documents(ctx);
  test_threads(ctx);
  OK(webnn_context_destroy(ctx));
  test_context_teardown();
  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
