"""Runs `webnn bench` graphs in ONNX Runtime (CPU) for comparison.

Usage: ort_bench.py DIR

DIR is either one benchmark folder or a folder of them. A benchmark folder holds what
`webnn bench --onnxruntime` wrote:

- graph.json: the WebNN graph as recorded by the Swift side: inputs and constants (name, dataType,
  shape, offset and byteLength in data.bin), nodes (op, inputs, output, dataType, shape,
  attributes named as the WebNN options), outputs, and the warm-up and run counts;
- data.bin: the little-endian bytes of the constants and inputs.

For each folder this converts the graph to an ONNX model with onnx.helper, runs it with the
same inputs for the same warm-up and run counts (timing each InferenceSession.run, which
includes copying the outputs out), and writes:

- ort.json: version, timesMs, minMs, medianMs, sessionMs, outputs (name, dataType, shape,
  offset, byteLength in ort_outputs.bin), or error;
- ort_outputs.bin: the outputs' bytes.
"""

import json
import os
import statistics
import sys
import time
import traceback

import numpy as np
import onnx
import onnxruntime as ort
from onnx import helper, numpy_helper

OPSET = 20

DTYPES = {
    "float32": (np.float32, onnx.TensorProto.FLOAT),
    "float16": (np.float16, onnx.TensorProto.FLOAT16),
    "int32": (np.int32, onnx.TensorProto.INT32),
    "int64": (np.int64, onnx.TensorProto.INT64),
}

BINARY = {"add": "Add", "sub": "Sub", "mul": "Mul", "div": "Div", "max": "Max", "min": "Min"}
UNARY = {
    "abs": "Abs",
    "neg": "Neg",
    "exp": "Exp",
    "sqrt": "Sqrt",
    "erf": "Erf",
    "relu": "Relu",
    "sigmoid": "Sigmoid",
    "tanh": "Tanh",
    "gelu": "Gelu",
}


class Converter:
    """Turns the recorded WebNN nodes into ONNX nodes and initializers."""

    def __init__(self, graph, data):
        self.graph = graph
        self.data = data
        self.nodes = []
        self.initializers = []
        self.dtype_of = {}
        for tensor in graph["inputs"] + graph["constants"]:
            self.dtype_of[tensor["name"]] = tensor["dataType"]
        for node in graph["nodes"]:
            self.dtype_of[node["output"]] = node["dataType"]

    def array(self, tensor):
        dtype = DTYPES[tensor["dataType"]][0]
        start = tensor["offset"]
        raw = self.data[start : start + tensor["byteLength"]]
        return np.frombuffer(raw, dtype=dtype).reshape(tensor["shape"])

    def extra(self, name, value):
        """An initializer the ONNX form needs and WebNN keeps as an option (a shape, a bound)."""
        full = f"{name}_{len(self.initializers)}"
        self.initializers.append(numpy_helper.from_array(np.asarray(value), full))
        return full

    def scalar(self, name, value, like):
        return self.extra(name, np.array(value, dtype=DTYPES[self.dtype_of[like]][0]))

    def add(self, op, inputs, output, **attributes):
        self.nodes.append(helper.make_node(op, inputs, [output], **attributes))

    def convert(self, node):
        op, inputs, output = node["op"], node["inputs"], node["output"]
        a = node["attributes"]
        if op in BINARY:
            self.add(BINARY[op], inputs, output)
        elif op in UNARY:
            self.add(UNARY[op], inputs, output)
        elif op == "clamp":
            low = self.scalar("min", a["minValue"], inputs[0])
            high = self.scalar("max", a["maxValue"], inputs[0])
            self.add("Clip", [inputs[0], low, high], output)
        elif op == "cast":
            self.add("Cast", inputs, output, to=DTYPES[node["dataType"]][1])
        elif op == "matmul":
            self.add("MatMul", inputs, output)
        elif op == "gemm":
            self.add(
                "Gemm",
                inputs,
                output,
                alpha=float(a["alpha"]),
                beta=float(a["beta"]),
                transA=int(a["aTranspose"]),
                transB=int(a["bTranspose"]),
            )
        elif op == "conv2d":
            self.add(
                "Conv",
                inputs,
                output,
                pads=onnx_pads(a["padding"]),
                strides=a["strides"],
                dilations=a["dilations"],
                group=a["groups"],
            )
        elif op in ("maxPool2d", "averagePool2d"):
            self.add(
                "MaxPool" if op == "maxPool2d" else "AveragePool",
                inputs,
                output,
                kernel_shape=a["windowDimensions"],
                strides=a["strides"],
                pads=onnx_pads(a["padding"]),
                dilations=a["dilations"],
            )
        elif op == "softmax":
            self.add("Softmax", inputs, output, axis=a["axis"])
        elif op == "layerNormalization":
            axes = a["axes"]
            rank = len(node["shape"])
            if axes != list(range(axes[0], rank)):
                raise ValueError(f"layerNormalization over {axes}: ONNX normalizes trailing axes only")
            self.add("LayerNormalization", inputs, output, axis=axes[0], epsilon=float(a["epsilon"]))
        elif op == "reduceSum":
            axes = self.extra("axes", np.array(a["axes"], dtype=np.int64))
            self.add("ReduceSum", [inputs[0], axes], output, keepdims=int(a["keepDimensions"]))
        elif op == "reshape":
            shape = self.extra("shape", np.array(a["newShape"], dtype=np.int64))
            self.add("Reshape", [inputs[0], shape], output)
        elif op == "transpose":
            self.add("Transpose", inputs, output, perm=a["permutation"])
        else:
            raise ValueError(f"no ONNX conversion for WebNN operator {op}")

    def model(self):
        g = self.graph
        for tensor in g["constants"]:
            self.initializers.append(numpy_helper.from_array(self.array(tensor), tensor["name"]))
        for node in g["nodes"]:
            self.convert(node)
        for out in g["outputs"]:
            # A graph output named after its operand keeps the WebNN output name.
            self.add("Identity", [out["operand"]], out["name"])

        def info(name, dtype, shape):
            return helper.make_tensor_value_info(name, DTYPES[dtype][1], shape)

        graph = helper.make_graph(
            self.nodes,
            g["name"],
            [info(t["name"], t["dataType"], t["shape"]) for t in g["inputs"]],
            [info(t["name"], t["dataType"], t["shape"]) for t in g["outputs"]],
            initializer=self.initializers,
        )
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
        model.ir_version = 9  # the IR version of opset 20
        onnx.checker.check_model(model)
        return model


def onnx_pads(padding):
    """WebNN [beginH, endH, beginW, endW] -> ONNX [beginH, beginW, endH, endW]."""
    return [padding[0], padding[2], padding[1], padding[3]]


def run_one(folder):
    with open(os.path.join(folder, "graph.json")) as f:
        graph = json.load(f)
    with open(os.path.join(folder, "data.bin"), "rb") as f:
        data = f.read()
    converter = Converter(graph, data)
    model = converter.model()
    start = time.perf_counter()
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    session_ms = (time.perf_counter() - start) * 1000
    feeds = {t["name"]: converter.array(t) for t in graph["inputs"]}
    names = [o["name"] for o in graph["outputs"]]
    for _ in range(graph["warmup"]):
        session.run(names, feeds)
    times = []
    results = None
    for _ in range(graph["runs"]):
        start = time.perf_counter()
        results = session.run(names, feeds)
        times.append((time.perf_counter() - start) * 1000)
    outputs = []
    offset = 0
    with open(os.path.join(folder, "ort_outputs.bin"), "wb") as f:
        for out, value in zip(graph["outputs"], results):
            raw = np.ascontiguousarray(value).astype(DTYPES[out["dataType"]][0], copy=False).tobytes()
            f.write(raw)
            outputs.append(
                {
                    "name": out["name"],
                    "dataType": out["dataType"],
                    "shape": list(value.shape),
                    "offset": offset,
                    "byteLength": len(raw),
                }
            )
            offset += len(raw)
    return {
        "version": ort.__version__,
        "timesMs": times,
        "minMs": min(times),
        "medianMs": statistics.median(times),
        "sessionMs": session_ms,
        "outputs": outputs,
    }


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    root = sys.argv[1]
    if os.path.exists(os.path.join(root, "graph.json")):
        folders = [root]
    else:
        folders = sorted(
            os.path.join(root, name)
            for name in os.listdir(root)
            if os.path.exists(os.path.join(root, name, "graph.json"))
        )
    for folder in folders:
        try:
            result = run_one(folder)
            summary = f"min {result['minMs']:.3f} ms"
        except Exception as error:  # reported per benchmark; the others still run
            traceback.print_exc()
            result = {"version": ort.__version__, "error": f"{type(error).__name__}: {error}"}
            summary = result["error"]
        print(f"ort-bench: {os.path.basename(folder)}: {summary}", file=sys.stderr)
        with open(os.path.join(folder, "ort.json"), "w") as f:
            json.dump(result, f)


if __name__ == "__main__":
    main()
