"""The reference for `webnn embed`: builds the same sentence-transformers BERT encoder (BERT,
mean pooling over the attention mask, L2 normalization) as an ONNX graph from the same
model.safetensors, runs it in ONNX Runtime (CPU) on the given token ids and writes the
embeddings.

Usage (with numpy, onnx and onnxruntime: tools/onnxruntime/ort-python.sh sets them up):
  export_minilm_onnx.py MODEL_DIR INPUT_IDS.npy TOKEN_TYPE_IDS.npy ATTENTION_MASK.npy OUT.npy [--onnx FILE]

Only the formats are shared with the Swift side, no code: safetensors is parsed here with
numpy, and the graph follows Hugging Face's BertModel, not the Swift builder calls.
"""

import json
import pathlib
import struct
import sys

import numpy as np
import onnx
import onnxruntime
from onnx import TensorProto, helper, numpy_helper

DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64, "I32": np.int32}


def read_safetensors(path):
    """name -> numpy array: an 8-byte little-endian header length, a JSON header, the data."""
    data = pathlib.Path(path).read_bytes()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + length])
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        raw = data[8 + length + begin : 8 + length + end]
        tensors[name] = np.frombuffer(raw, DTYPES[entry["dtype"]]).reshape(entry["shape"])
    return tensors


def build(model_dir):
    config = json.loads((model_dir / "config.json").read_text())
    weights = read_safetensors(model_dir / "model.safetensors")
    prefix = "bert." if "bert.embeddings.word_embeddings.weight" in weights else ""
    hidden, heads = config["hidden_size"], config["num_attention_heads"]
    eps = config.get("layer_norm_eps", 1e-12)
    nodes, initializers = [], []
    counter = [0]

    def name(stem):
        counter[0] += 1
        return f"{stem}_{counter[0]}"

    def init(stem, array):
        n = name(stem)
        initializers.append(numpy_helper.from_array(np.ascontiguousarray(array), n))
        return n

    def weight(key):
        return init(key, weights[prefix + key])

    def op(kind, inputs, **attributes):
        out = name(kind)
        nodes.append(helper.make_node(kind, inputs, [out], **attributes))
        return out

    def linear(x, key):
        # Hugging Face stores nn.Linear weights [out, in]: y = x · Wᵀ + b.
        return op("Add", [op("MatMul", [x, init(key + ".weight.T", weights[prefix + key + ".weight"].T)]),
                          weight(key + ".bias")])

    def layer_norm(x, key):
        return op("LayerNormalization", [x, weight(key + ".weight"), weight(key + ".bias")], axis=-1, epsilon=eps)

    ids, types, mask = "input_ids", "token_type_ids", "attention_mask"
    length = op("Slice", [op("Shape", [ids]), init("one", np.array([1])), init("two", np.array([2]))])
    positions = op("Slice", [weight("embeddings.position_embeddings.weight"), init("zero", np.array([0])), length,
                             init("axis0", np.array([0]))])
    h = op("Add", [op("Add", [op("Gather", [weight("embeddings.word_embeddings.weight"), ids]), positions]),
                   op("Gather", [weight("embeddings.token_type_embeddings.weight"), types])])
    h = layer_norm(h, "embeddings.LayerNorm")

    # BertModel's extended attention mask: (1 - mask) · float32 min, broadcast over heads and queries.
    mask_f = op("Cast", [mask], to=TensorProto.FLOAT)
    extended = op("Mul", [op("Sub", [init("onef", np.array(1, np.float32)), mask_f]),
                          init("min", np.array(np.finfo(np.float32).min, np.float32))])
    extended = op("Unsqueeze", [extended, init("axes12", np.array([1, 2]))])
    split_shape = init("split", np.array([0, 0, heads, hidden // heads]))
    merge_shape = init("merge", np.array([0, 0, hidden]))
    scale = init("scale", np.array(1 / np.sqrt(hidden // heads), np.float32))
    for layer in range(config["num_hidden_layers"]):
        base = f"encoder.layer.{layer}."

        def heads_of(key, perm):
            return op("Transpose", [op("Reshape", [linear(h, base + key), split_shape])], perm=perm)

        q = heads_of("attention.self.query", [0, 2, 1, 3])
        k = heads_of("attention.self.key", [0, 2, 3, 1])
        v = heads_of("attention.self.value", [0, 2, 1, 3])
        scores = op("Add", [op("Mul", [op("MatMul", [q, k]), scale]), extended])
        context = op("MatMul", [op("Softmax", [scores], axis=-1), v])
        merged = op("Reshape", [op("Transpose", [context], perm=[0, 2, 1, 3]), merge_shape])
        h = layer_norm(op("Add", [linear(merged, base + "attention.output.dense"), h]), base + "attention.output.LayerNorm")
        x = linear(h, base + "intermediate.dense")
        # GELU with erf: 0.5 · x · (1 + erf(x / √2)).
        gelu = op("Mul", [op("Mul", [x, init("half", np.array(0.5, np.float32))]),
                          op("Add", [init("onef", np.array(1, np.float32)),
                                     op("Erf", [op("Div", [x, init("sqrt2", np.array(np.sqrt(2), np.float32))])])])])
        h = layer_norm(op("Add", [linear(gelu, base + "output.dense"), h]), base + "output.LayerNorm")

    # sentence-transformers' Pooling (mean) and Normalize modules.
    mask3 = op("Unsqueeze", [mask_f, init("axis2", np.array([2]))])
    axis1 = init("axis1", np.array([1]))
    summed = op("ReduceSum", [op("Mul", [h, mask3]), axis1], keepdims=0)
    count = op("Max", [op("ReduceSum", [mask3, axis1], keepdims=0), init("tiny", np.array(1e-9, np.float32))])
    mean = op("Div", [summed, count])
    norm = op("Sqrt", [op("ReduceSum", [op("Mul", [mean, mean]), axis1], keepdims=1)])
    out = op("Div", [mean, op("Max", [norm, init("eps12", np.array(1e-12, np.float32))])])
    nodes.append(helper.make_node("Identity", [out], ["embeddings"]))

    dims = ["sentences", "tokens"]
    graph = helper.make_graph(
        nodes, "minilm", [helper.make_tensor_value_info(n, TensorProto.INT64, dims) for n in (ids, types, mask)],
        [helper.make_tensor_value_info("embeddings", TensorProto.FLOAT, ["sentences", hidden])], initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    return model


def main():
    args = sys.argv[1:]
    onnx_path = None
    if "--onnx" in args:
        index = args.index("--onnx")
        onnx_path = args[index + 1]
        del args[index : index + 2]
    if len(args) != 5:
        sys.exit(__doc__)
    model_dir, ids, types, mask, out = args
    model = build(pathlib.Path(model_dir))
    if onnx_path:
        onnx.save(model, onnx_path)
    options = onnxruntime.SessionOptions()
    # No graph rewrites: the plain operators, as the reference should be.
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
    session = onnxruntime.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
    feeds = {name: np.load(path).astype(np.int64) for name, path in
             (("input_ids", ids), ("token_type_ids", types), ("attention_mask", mask))}
    (embeddings,) = session.run(["embeddings"], feeds)
    np.save(out, embeddings.astype(np.float32))


if __name__ == "__main__":
    main()
