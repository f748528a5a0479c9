#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpora into tools/fuzz/corpus/<target>/ (a few small, valid
files per reader, so that fuzzing starts from inputs that get past the first checks) and the
hand-made hostile files into tools/fuzz/regressions/<target>/ (files that claim huge tensors or
nest without end; HostileFileTests expects every reader to refuse them, and the crashes the
fuzzers found sit beside them). Needs numpy and onnx (the venv of
tools/onnxruntime/ort-python.sh). The output is committed; run this again only to change it."""
import json
import os
import struct
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "corpus")


def write(target, name, data, root=ROOT):
    folder = os.path.join(root, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


# The .webnn text form: every block, every constant initializer, dynamic dimensions, list
# results, named arguments, escapes and the number spellings.
TEXT = {
    "head.webnn": """webnn_graph "head" v1 {
  inputs { x: f32[dyn("batch", 4), 3]; }
  consts { W: f32[3, 2] @bytes([0,0,128,63, 0,0,0,0, 0,0,0,0, 0,0,128,63, 0,0,0,64, 0,0,0,64]); b: f32[2] @scalar(0.5); }
  nodes { y0 = matmul(x, W); y1 = add(y0, b); probs = softmax(y1, axis=1); }
  outputs { probs; }
}
""",
    "conv.webnn": """webnn_graph "conv" v1 {
  inputs { image: f32[1, 1, 4, 4]; }  # NCHW
  consts { k: f32[1, 1, 3, 3] @scalar(0.125); bias: f32[1] @scalar(-1e-1); }
  nodes {
    c = conv2d(image, k, padding=[1, 1, 1, 1], strides=[1, 1], bias=bias);
    r = relu(c);
    p = averagePool2d(r, windowDimensions=[2, 2], strides=[2, 2], layout="nchw");
    [h0, h1] = split(p, 2, axis=3);
    m = clamp(h0, minValue=-Infinity, maxValue=6.5e-1, label="clip \\"it\\"");
    alias = m;
  }
  outputs { alias, h1; }
}
""",
    "quantized.webnn": """webnn_graph "q" v1 @quantized {
  inputs { a: i8[2, 2]; }
  consts { s: f32[] @scalar(0.25); z: i8[] @scalar(0); w: u4[4] @bytes([33, 67]); }
  nodes {
    d = dequantizeLinear(a, s, z);
    t = transpose(d, permutation=[1, 0]);
    g = gather(t, w, axis=0);
    n = reshape(g, [4, 2]);
    e = reduceMean(n, axes=[1], keepDimensions=true);
  }
  outputs { e; }
}
""",
    "weights.webnn": """webnn_graph "w" v1 {
  inputs { ids: i32[2]; mask: u8[2]; }
  consts { table: f32[4, 2] @weights("table"); }
  nodes { e = gather(table, ids); f = cast(mask, "float32"); y = where(mask, e, f); }
  outputs { y; }
}
""",
}


def json_graph(name, inputs, consts, nodes, outputs):
    return json.dumps(
        {
            "format": "webnn-graph-json",
            "version": 2,
            "name": name,
            "quantized": False,
            "inputs": inputs,
            "consts": consts,
            "nodes": nodes,
            "outputs": outputs,
        },
        indent=1,
    )


JSON = {
    "head.json": json_graph(
        "head",
        {"x": {"dataType": "float32", "shape": [{"name": "batch", "maxSize": 4}, 3]}},
        {
            "W": {"dataType": "float32", "shape": [3, 2], "init": {"kind": "inlineBytes", "bytes": [0, 0, 128, 63] * 6}},
            "b": {"dataType": "float32", "shape": [2], "init": {"kind": "scalar", "value": 0.5}},
        },
        [
            {"id": "n0", "op": "matmul", "inputs": ["x", "W"], "options": {}, "outputs": ["y0"]},
            {"id": "n1", "op": "add", "inputs": ["y0", "b"], "options": {}, "outputs": ["y1"]},
            {"id": "n2", "op": "softmax", "inputs": ["y1"], "options": {"axis": 1}, "outputs": ["probs"]},
        ],
        {"probs": "probs"},
    ),
    "split.json": json_graph(
        "split",
        {"x": {"dataType": "f16", "shape": [2, 4]}},
        {"w": {"dataType": "float16", "shape": [], "init": {"kind": "weights", "ref": "w"}}},
        [
            {"op": "split", "inputs": ["x", [1, 3]], "options": {"axis": 1}, "outputs": ["a", "b"]},
            {"op": "clamp", "inputs": ["b"], "options": {"minValue": "-Infinity", "maxValue": 6, "label": "c\u00e9\\n"}, "outputs": ["c"]},
            {"op": "concat", "inputs": [["a", "c"], 1], "options": {}, "outputs": ["d"]},
        ],
        {"d": "d", "a": "a"},
    ),
    "pool.json": json_graph(
        "pool",
        {"x": {"dataType": "float32", "shape": [1, 2, 4, 4]}},
        {},
        [
            {"op": "maxPool2d", "inputs": ["x"], "options": {"windowDimensions": [2, 2], "outputSizeRounding": "ceil", "dilations": None}, "outputs": ["p"]},
            {"op": "reduceSum", "inputs": ["p"], "options": {"axes": [2, 3], "keepDimensions": True}, "outputs": ["s"]},
        ],
        {"s": "s"},
    ),
}


def safetensors(tensors, metadata=None):
    header = {}
    data = b""
    for name, array, dtype in tensors:
        raw = array.tobytes()
        header[name] = {"dtype": dtype, "shape": list(array.shape), "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    if metadata is not None:
        header["__metadata__"] = metadata
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + data


SAFETENSORS = {
    "f32.safetensors": safetensors([("w", np.arange(6, dtype="<f4").reshape(2, 3), "F32"), ("b", np.ones(3, "<f4"), "F32")]),
    "mixed.safetensors": safetensors(
        [
            ("half", np.array([1.5, -2], "<f2"), "F16"),
            ("brain", np.array([0x3F80, 0xC000], "<u2"), "BF16"),
            ("ids", np.array([[1, 2]], "<i8"), "I64"),
            ("flags", np.array([1, 0, 1], "u1"), "BOOL"),
            ("scalar", np.array(3.0, "<f8"), "F64"),
            ("empty", np.zeros((0, 4), "<i4"), "I32"),
        ],
        {"format": "pt"},
    ),
}


def npy(array, version=None):
    import io

    buffer = io.BytesIO()
    if version is None:
        np.save(buffer, array, allow_pickle=False)
    else:
        np.lib.format.write_array(buffer, array, version=version, allow_pickle=False)
    return buffer.getvalue()


NPY = {
    "f32.npy": npy(np.arange(6, dtype="<f4").reshape(2, 3)),
    "f16.npy": npy(np.array([0.5, -1, 65504], "<f2")),
    "i64-big-endian.npy": npy(np.array([[1, -2], [3, 4]], ">i8")),
    "scalar-u8.npy": npy(np.array(7, "u1")),
    "bool.npy": npy(np.array([True, False, True])),
    "v2-i32.npy": npy(np.array([1, 2, 3], "<i4"), version=(2, 0)),
    "empty-u32.npy": npy(np.zeros((0, 3), "<u4")),
}


def onnx_model(nodes, inputs, outputs, initializers=(), opset=17):
    graph = helper.make_graph(nodes, "g", inputs, outputs, initializer=list(initializers))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="seed")
    return model.SerializeToString()


f32 = TensorProto.FLOAT
ONNX = {
    "add.onnx": onnx_model(
        [helper.make_node("Add", ["x", "y"], ["z"])],
        [helper.make_tensor_value_info("x", f32, [2, 3]), helper.make_tensor_value_info("y", f32, [3])],
        [helper.make_tensor_value_info("z", f32, [2, 3])],
    ),
    "conv-relu.onnx": onnx_model(
        [
            helper.make_node("Conv", ["x", "w", "b"], ["c"], pads=[1, 1, 1, 1], strides=[1, 1]),
            helper.make_node("Relu", ["c"], ["r"]),
            helper.make_node("GlobalAveragePool", ["r"], ["y"]),
        ],
        [helper.make_tensor_value_info("x", f32, ["batch", 1, 4, 4])],
        [helper.make_tensor_value_info("y", f32, ["batch", 2, 1, 1])],
        [
            numpy_helper.from_array(np.full((2, 1, 3, 3), 0.1, "f4"), "w"),
            helper.make_tensor("b", f32, [2], [0.5, -0.5]),
        ],
    ),
    "shape-folding.onnx": onnx_model(
        [
            helper.make_node("Shape", ["x"], ["s"]),
            helper.make_node("Constant", [], ["two"], value=helper.make_tensor("two", TensorProto.INT64, [1], [2])),
            helper.make_node("Concat", ["two", "s"], ["s2"], axis=0),
            helper.make_node("ConstantOfShape", ["s2"], ["ones"], value=helper.make_tensor("v", f32, [1], [1])),
            helper.make_node("Reshape", ["x", "flat"], ["xf"]),
            helper.make_node("MatMul", ["ones", "w"], ["m"]),
            helper.make_node("Gather", ["xf", "idx"], ["g"], axis=0),
            helper.make_node("Softmax", ["g"], ["y"], axis=-1),
        ],
        [helper.make_tensor_value_info("x", f32, [2, 2])],
        [helper.make_tensor_value_info("y", f32, [2]), helper.make_tensor_value_info("m", f32, [2, 2, 2])],
        [
            helper.make_tensor("flat", TensorProto.INT64, [1], [4]),
            numpy_helper.from_array(np.eye(2, dtype="f4"), "w"),
            helper.make_tensor("idx", TensorProto.INT64, [2], [0, 3]),
        ],
    ),
    "int8-types.onnx": onnx_model(
        [
            helper.make_node("DequantizeLinear", ["q", "scale", "zero"], ["d"]),
            helper.make_node("Cast", ["d"], ["h"], to=TensorProto.FLOAT16),
            helper.make_node("Where", ["cond", "h", "h"], ["y"]),
        ],
        [helper.make_tensor_value_info("q", TensorProto.INT8, [4]), helper.make_tensor_value_info("cond", TensorProto.BOOL, [4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT16, [4])],
        [helper.make_tensor("scale", f32, [], [0.5]), helper.make_tensor("zero", TensorProto.INT8, [], [1])],
        opset=13,
    ),
}

# The builder target reads its input as a stream of choices; any bytes are a program.
BUILDER = {f"seed-{i}": bytes(np.random.default_rng(i).integers(0, 256, 96, dtype=np.uint8)) for i in range(8)}

# Hostile files: each claims a tensor far larger than its bytes, or nests deeper than a parser's
# stack should go. Every reader must refuse them with an error before allocating anything.
GIANT = 1 << 40


def npy_header(descr, shape):
    header = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, shape)
    header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode()


def safetensors_header(header):
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text


HUGE_INPUT = 'webnn_graph "g" v1 { inputs { x: f32[1000000000, 1000000000]; } nodes { y = relu(x); } outputs { y; } }\n'
HUGE_SCALAR = (
    'webnn_graph "g" v1 { consts { c: f32[1000000000, 1000000000] @scalar(1); } '
    "nodes { y = relu(c); } outputs { y; } }\n"
)
REGRESSIONS = {
    "webnn-text": {
        "huge-input.webnn": HUGE_INPUT,
        "huge-scalar.webnn": HUGE_SCALAR,
        "large-scalar.webnn": HUGE_SCALAR.replace("1000000000, 1000000000", "65536, 65536"),
        "deep-list.webnn": 'webnn_graph "g" v1 { nodes { y = relu(' + "[" * 20000 + "); } }\n",
    },
    "json-graph": {
        "huge-scalar.json": json_graph(
            "g",
            {},
            {"c": {"dataType": "float32", "shape": [GIANT, GIANT], "init": {"kind": "scalar", "value": 1}}},
            [{"op": "relu", "inputs": ["c"], "outputs": ["y"]}],
            {"y": "y"},
        ),
        "unpaired-surrogate.json": '{"name": "\\ud800\\u0041", "nodes": [], "outputs": {}}',
        "deep-list.json": '{"nodes": ' + "[" * 20000 + "}",
    },
    "npy": {
        "huge-shape.npy": npy_header("<f4", "(%d,)" % GIANT),
        "overflowing-shape.npy": npy_header("<f4", "(%d, %d)" % (1 << 62, 1 << 62)),
    },
    "safetensors": {
        "huge-shape.safetensors": safetensors_header({"w": {"dtype": "F32", "shape": [GIANT], "data_offsets": [0, 4 * GIANT]}}),
        "overflowing-shape.safetensors": safetensors_header(
            {"w": {"dtype": "F32", "shape": [GIANT, GIANT, GIANT], "data_offsets": [0, 0]}}
        ),
        "huge-header-length.safetensors": struct.pack("<Q", 1 << 62) + b"{}",
    },
    "onnx": {
        # dims of 2^40 and no raw_data (nor any *_data field).
        "huge-initializer.onnx": onnx_model(
            [helper.make_node("Relu", ["w"], ["y"])],
            [],
            [helper.make_tensor_value_info("y", f32, [GIANT])],
            [helper.make_tensor("w", f32, [GIANT], [])],
        ),
        "huge-input.onnx": onnx_model(
            [helper.make_node("Relu", ["x"], ["y"])],
            [helper.make_tensor_value_info("x", f32, [1 << 20, 1 << 20])],
            [helper.make_tensor_value_info("y", f32, [1 << 20, 1 << 20])],
        ),
        "huge-constant-of-shape.onnx": onnx_model(
            [
                helper.make_node("ConstantOfShape", ["shape"], ["c"], value=helper.make_tensor("v", f32, [1], [1])),
                helper.make_node("Relu", ["c"], ["y"]),
            ],
            [],
            [helper.make_tensor_value_info("y", f32, [1 << 16, 1 << 16])],
            [helper.make_tensor("shape", TensorProto.INT64, [2], [1 << 16, 1 << 16])],
        ),
    },
}

if __name__ == "__main__":
    for target, files in REGRESSIONS.items():
        for name, data in files.items():
            write(target, name, data, root=os.path.join(HERE, "regressions"))
    for target, files in [("webnn-text", TEXT), ("json-graph", JSON), ("safetensors", SAFETENSORS), ("npy", NPY), ("onnx", ONNX), ("builder", BUILDER)]:
        for name, data in files.items():
            write(target, name, data)
    for name in ONNX:
        onnx.checker.check_model(onnx.load_from_string(open(os.path.join(ROOT, "onnx", name), "rb").read()))
    print("corpora written to", ROOT, file=sys.stderr)
