/*
 * webnn.h: the C API of swift-webnn, a WebNN implementation with a Vulkan backend.
 *
 * Link with the shared library the package builds (`swift build -c release --product webnn_c`
 * gives .build/release/libwebnn_c.so):
 *
 *     cc -std=c11 app.c -Iinclude -L.build/release -lwebnn_c -Wl,-rpath,.build/release
 *
 * Conventions
 * - Every object is an opaque handle: a context, a graph builder, an operand, a graph or a
 *   tensor. Handles are registry ids, not pointers: a null, destroyed, stale or made-up handle,
 *   or a handle of the wrong kind, is reported as an error and never dereferenced.
 * - Every function that can fail returns a webnn_status. WEBNN_OK is 0; any other value is the
 *   WebNN error kind of the failure, and webnn_last_error_message() holds its text.
 * - Out-parameters are written only on success.
 * - Strings the library returns through `char **` are NUL-terminated UTF-8 allocated by the
 *   library; release them with webnn_free().
 * - Data types are the specification's names: "float32", "float16", "int32", "uint32",
 *   "int64", "uint64", "int8", "uint8", and for constants "int4" and "uint4". Shapes are
 *   arrays of int64_t with their rank; rank 0 is a scalar and its shape pointer may be NULL.
 * - Tensor data is little-endian, row-major, exactly the byte length of its type and shape
 *   (4-bit types packed two per byte, low nibble first).
 * - All functions are thread-safe. The last error is kept per thread.
 *
 * Ownership
 * - Destroying a context destroys everything made on it (builders, operands, graphs, tensors)
 *   and invalidates their handles. Destroying a builder invalidates its operands; a graph it
 *   built stays valid.
 *
 * Example: y = relu(x)
 *
 *     webnn_context ctx;
 *     webnn_builder b;
 *     webnn_operand x, y;
 *     webnn_graph g;
 *     int64_t shape[] = {4};
 *     webnn_context_create("default", 0, &ctx);
 *     webnn_builder_create(ctx, &b);
 *     webnn_builder_input(b, "x", "float32", shape, 1, &x);
 *     webnn_builder_op(b, "relu", &x, 1, NULL, &y);
 *     const char *out_name = "y";
 *     webnn_builder_build(b, 1, &out_name, &y, &g);
 *     float in[4] = {-1, 2, -3, 4}, out[4];
 *     const char *in_name = "x";
 *     const void *in_data = in;
 *     size_t in_size = sizeof in, out_size = sizeof out;
 *     void *out_data = out;
 *     if (webnn_compute(ctx, g, 1, &in_name, &in_data, &in_size, 1, &out_name, &out_data, &out_size))
 *       fprintf(stderr, "%s\n", webnn_last_error_message());
 *     webnn_context_destroy(ctx);  // also destroys b, x, y and g
 */
#ifndef WEBNN_H
#define WEBNN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A device on which graphs are built and tensors live (MLContext). */
typedef struct webnn_context_s *webnn_context;
/** Builds one graph, one operator call at a time (MLGraphBuilder). */
typedef struct webnn_builder_s *webnn_builder;
/** A value in a graph under construction (MLOperand); belongs to its builder. */
typedef struct webnn_operand_s *webnn_operand;
/** A compiled graph (MLGraph). */
typedef struct webnn_graph_s *webnn_graph;
/** Device memory a graph reads or writes (MLTensor). */
typedef struct webnn_tensor_s *webnn_tensor;

/** The result of a call: WEBNN_OK or the WebNN error kind of the failure. */
typedef enum webnn_status {
  /** Success. */
  WEBNN_OK = 0,
  /** A bad argument: null, destroyed or wrong-kind handle, data type, shape, size, option. */
  WEBNN_TYPE_ERROR = 1,
  /** Data the call cannot use, where the specification names DataError. */
  WEBNN_DATA_ERROR = 2,
  /** A device operation that failed, or a graph file that could not be read. */
  WEBNN_OPERATION_ERROR = 3,
  /** Something the device or this implementation cannot do. */
  WEBNN_NOT_SUPPORTED_ERROR = 4,
  /** A call on an object in the wrong state: a built builder, a destroyed graph, a lost context. */
  WEBNN_INVALID_STATE_ERROR = 5,
  /** An unexpected failure. */
  WEBNN_UNKNOWN_ERROR = 6
} webnn_status;

/** Tensor usage flags for webnn_tensor_create(). */
enum {
  /** The host may read the tensor (webnn_tensor_read). */
  WEBNN_TENSOR_READABLE = 1,
  /** The host may write the tensor (webnn_tensor_write). */
  WEBNN_TENSOR_WRITABLE = 2
};

/* ---- Library and errors ---------------------------------------------------------------- */

/** The library's version, such as "0.1.0". Static storage; never free it. */
const char *webnn_version(void);

/**
 * The name of a status: "OK", "TypeError", "DataError", "OperationError", "NotSupportedError",
 * "InvalidStateError" or "UnknownError"; "UnknownError" for any value outside the enum.
 * Static storage; never free it.
 */
const char *webnn_status_name(webnn_status status);

/** The kind of the last failing call on this thread; WEBNN_OK when none has failed. */
webnn_status webnn_last_error_kind(void);

/**
 * The message of the last failing call on this thread ("" when none has failed), naming the
 * function, the argument and the problem. Valid until the next failing call on this thread.
 */
const char *webnn_last_error_message(void);

/** Forgets this thread's last error, so that webnn_last_error_kind() gives WEBNN_OK. */
void webnn_clear_error(void);

/** Frees a string the library returned through a `char **`. NULL is ignored. */
void webnn_free(void *pointer);

/**
 * Every operator the builder knows, as a JSON array of
 * {"name", "parameters": [...], "options": [...], "decomposed"}. Each parameter is
 * {"name", "kind"} with kind one of "operand", "operandList", "integer", "integerList",
 * "double", "floatList", "number", "boolean", "string", "enumeration", "enumerationList" or
 * "splits"; enumerations add "values", operands add "dataTypes" and "ranks" ([min, max]).
 * Parameters are positional and required, options optional, both in the specification's order.
 */
webnn_status webnn_operators_json(char **out_json);

/* ---- Contexts -------------------------------------------------------------------------- */

/**
 * Opens a context. power_preference is "default", "high-performance" or "low-power" (NULL
 * means "default"); accelerated = 0 prefers a CPU device (on a machine without a GPU, Mesa's
 * lavapipe is chosen either way). Blocks while the device opens.
 * Errors: TypeError for an unknown preference, NotSupportedError without a usable device.
 */
webnn_status webnn_context_create(const char *power_preference, int accelerated, webnn_context *out);

/** Destroys the context and everything made on it; their handles become invalid. */
webnn_status webnn_context_destroy(webnn_context context);

/** {"deviceName": "...", "accelerated": true|false, "lost": false} for the context. */
webnn_status webnn_context_info_json(webnn_context context, char **out_json);

/**
 * opSupportLimits() as JSON: {"preferredInputLayout", "maxTensorByteLength", "input",
 * "constant", "output", "<operator>": {"<argument>": {"dataTypes": [...],
 * "rankRange": {"min", "max"}}}}.
 */
webnn_status webnn_context_op_support_limits(webnn_context context, char **out_json);

/* ---- Graph building -------------------------------------------------------------------- */

/** A graph builder on the context. */
webnn_status webnn_builder_create(webnn_context context, webnn_builder *out);

/** Destroys the builder and invalidates its operands. */
webnn_status webnn_builder_destroy(webnn_builder builder);

/** Declares a named graph input of data_type and shape. */
webnn_status webnn_builder_input(webnn_builder builder, const char *name, const char *data_type,
                                 const int64_t *shape, size_t rank, webnn_operand *out);

/**
 * A constant holding a copy of byte_length bytes of data, which must be exactly the byte
 * length of data_type and shape.
 */
webnn_status webnn_builder_constant(webnn_builder builder, const char *data_type, const int64_t *shape,
                                    size_t rank, const void *data, size_t byte_length, webnn_operand *out);

/**
 * Calls the builder operator `op` (its specification name, such as "conv2d" or
 * "layerNormalization") for an operator with one result.
 *
 * operands: the operands of the call. Those that options_json does not name fill the
 * operator's operand parameters in order (an operand-list parameter, as concat's inputs, takes
 * all that remain); an option or parameter that takes an operand is written in options_json as
 * an index into operands (a list of indices for a list of operands).
 * options_json: NULL or a JSON object of the other arguments by their specification name,
 * positional ones included: {"axis": 1}, {"strides": [2, 2], "bias": 2, "label": "conv1"}.
 * Errors: TypeError for an unknown operator, argument or operand, a bad value, an operand
 * that no parameter took, or an operator with several results (use webnn_builder_op_multi).
 */
webnn_status webnn_builder_op(webnn_builder builder, const char *op, const webnn_operand *operands, size_t count,
                              const char *options_json, webnn_operand *out);

/**
 * webnn_builder_op() for operators with any number of results (split, gru, lstm, ...):
 * writes up to capacity result handles to outs and their number to out_count. Fails with
 * TypeError, writing nothing, when capacity is too small (the results stay unused in the
 * builder; build drops them).
 */
webnn_status webnn_builder_op_multi(webnn_builder builder, const char *op, const webnn_operand *operands,
                                    size_t count, const char *options_json, webnn_operand *outs, size_t capacity,
                                    size_t *out_count);

/** {"dataType": "float32", "shape": [2, 2]} of an operand. */
webnn_status webnn_operand_json(webnn_operand operand, char **out_json);

/**
 * Compiles the graph that computes the named operands (count names and operands). Blocks
 * while kernels compile. A builder builds once.
 */
webnn_status webnn_builder_build(webnn_builder builder, size_t count, const char *const *names,
                                 const webnn_operand *operands, webnn_graph *out);

/* ---- Graph files ----------------------------------------------------------------------- */

/**
 * Loads and compiles a graph file: the .webnn text form, its .json twin (webnn-graph-json),
 * each with its weights found beside it, or an .onnx model.
 * options_json: NULL or {"weights": "path", "dimensions": {"batch": 1},
 * "inputShapes": {"x": [1, 3, 224, 224]}}: an explicit weights file (.safetensors, or .weights
 * with its manifest), sizes of dynamic dimensions, and (ONNX) whole input shapes.
 * Errors: OperationError for a file that cannot be read or parsed, TypeError for a graph the
 * builder rejects; the message names the file and the position.
 */
webnn_status webnn_graph_load(webnn_context context, const char *path, const char *options_json, webnn_graph *out);

/**
 * Compiles a graph from a webnn-graph-json document held in memory (NUL-terminated);
 * weights_path is NULL or the weights its @weights constants refer to; options_json as for
 * webnn_graph_load ("dimensions").
 */
webnn_status webnn_graph_from_json(webnn_context context, const char *json, const char *weights_path,
                                   const char *options_json, webnn_graph *out);

/**
 * Writes a graph built with webnn_builder_build() as a graph file: the .webnn text form, or
 * JSON when path ends in .json, with its larger constants in a .safetensors file beside it.
 * Errors: NotSupportedError for a graph loaded from an ONNX model.
 */
webnn_status webnn_graph_save(webnn_graph graph, const char *path);

/**
 * The graph's inputs and outputs with their data types and shapes, and the backend's counts:
 * {"inputs": {"x": {"dataType", "shape"}}, "outputs": {...}, "statistics": {"dispatches": 3,
 * "recordings": 1, ...}}.
 */
webnn_status webnn_graph_json(webnn_graph graph, char **out_json);

/** Destroys the graph; its handle becomes invalid. */
webnn_status webnn_graph_destroy(webnn_graph graph);

/* ---- Tensors and execution ------------------------------------------------------------- */

/** A zero-filled tensor; usage is WEBNN_TENSOR_READABLE and/or WEBNN_TENSOR_WRITABLE. */
webnn_status webnn_tensor_create(webnn_context context, const char *data_type, const int64_t *shape, size_t rank,
                                 uint32_t usage, webnn_tensor *out);

/** Replaces a writable tensor's contents; byte_length must be its exact byte length. */
webnn_status webnn_tensor_write(webnn_context context, webnn_tensor tensor, const void *data, size_t byte_length);

/**
 * Copies a readable tensor's contents into buffer (exactly its byte length), after every
 * dispatch queued before; blocks until then.
 */
webnn_status webnn_tensor_read(webnn_context context, webnn_tensor tensor, void *buffer, size_t byte_length);

/** Destroys the tensor; its handle becomes invalid. */
webnn_status webnn_tensor_destroy(webnn_tensor tensor);

/**
 * Queues one run of graph with every input and output bound to a tensor by name; returns
 * before the work finishes (webnn_tensor_read waits for it).
 */
webnn_status webnn_dispatch(webnn_context context, webnn_graph graph, size_t input_count,
                            const char *const *input_names, const webnn_tensor *inputs, size_t output_count,
                            const char *const *output_names, const webnn_tensor *outputs);

/**
 * Runs graph once and waits: input_data[i] (input_sizes[i] bytes) feeds the input named
 * input_names[i] (every input exactly once); each output named in output_names (any subset)
 * is copied into output_data[i], whose size output_sizes[i] must be its exact byte length.
 * The graph keeps one tensor per input and output between calls, so repeated computes neither
 * allocate nor re-record. Calls on one graph from several threads run one at a time.
 */
webnn_status webnn_compute(webnn_context context, webnn_graph graph, size_t input_count,
                           const char *const *input_names, const void *const *input_data, const size_t *input_sizes,
                           size_t output_count, const char *const *output_names, void *const *output_data,
                           const size_t *output_sizes);

#ifdef __cplusplus
}
#endif

#endif /* WEBNN_H */
