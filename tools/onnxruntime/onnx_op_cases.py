"""One-node ONNX models for every operator the importer converts, with several attribute
combinations each, run in ONNX Runtime on seeded inputs.

    onnx_op_cases.py OUT_DIR

writes OUT_DIR/<case>.onnx, OUT_DIR/<case>.<input>.npy and OUT_DIR/<case>.out.<output>.npy (the
ONNX Runtime results), and OUT_DIR/cases.json listing them. A case whose model ONNX Runtime
rejects is an error here, not a silent skip. Nothing is rewritten when OUT_DIR/stamp matches
this file's hash.
"""

import hashlib
import json
import os
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

F = TensorProto.FLOAT
I64 = TensorProto.INT64
I32 = TensorProto.INT32
B = TensorProto.BOOL
U8 = TensorProto.UINT8
I8 = TensorProto.INT8
NP = {F: np.float32, I64: np.int64, I32: np.int32, B: np.bool_, U8: np.uint8, I8: np.int8}

CASES = []


def case(name, op, inputs, attrs=None, outputs=("y",), out_type=F, opset=17, out_types=None, nodes=None):
    """inputs: (name, value) pairs in order; value is an np array for an initializer,
    ("in", shape, type, kind) for a graph input, or None for an omitted optional input."""
    CASES.append(dict(name=name, op=op, inputs=inputs, attrs=attrs or {}, outputs=list(outputs),
                      out_types=out_types or [out_type] * len(outputs), opset=opset, nodes=nodes))


def x(shape, type=F, kind="normal"):
    return ("in", tuple(shape), type, kind)


def c(values, dtype=np.int64):
    return np.array(values, dtype=dtype)


def make_value(rng, shape, type, kind):
    if type == B:
        return rng.random(shape) > 0.5
    if type in (I64, I32, U8, I8):
        low, high = {"index": (0, 3), "small": (-3, 4)}.get(kind, (0, 10) if type == U8 else (-5, 6))
        return rng.integers(low, high, size=shape).astype(NP[type])
    if kind == "positive":
        return rng.uniform(0.5, 2.0, size=shape).astype(np.float32)
    if kind == "unit":
        return rng.uniform(-0.9, 0.9, size=shape).astype(np.float32)
    return rng.uniform(-2.0, 2.0, size=shape).astype(np.float32)


def build(spec, rng):
    graph_inputs, initializers, feeds, names = [], [], {}, []
    for name, value in spec["inputs"]:
        if value is None:
            names.append("")
        elif isinstance(value, tuple):
            _, shape, type, kind = value
            graph_inputs.append(helper.make_tensor_value_info(name, type, list(shape)))
            feeds[name] = make_value(rng, shape, type, kind)
            names.append(name)
        else:
            initializers.append(numpy_helper.from_array(value, name))
            names.append(name)
    nodes = spec["nodes"] or [helper.make_node(spec["op"], names, spec["outputs"], **spec["attrs"])]
    outputs = [helper.make_tensor_value_info(o, t, None) for o, t in zip(spec["outputs"], spec["out_types"]) if o]
    graph = helper.make_graph(nodes, spec["name"], graph_inputs, outputs, initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", spec["opset"])])
    model.ir_version = 8
    return model, feeds


# Element-wise binary operators, with broadcasting.
for op in ["Add", "Sub", "Mul", "Div", "Max", "Min"]:
    case(f"{op.lower()}_broadcast", op, [("a", x([2, 3, 4])), ("b", x([3, 1]))])
case("add_scalar_const", "Add", [("a", x([2, 5])), ("b", c(1.5, np.float32))])
case("sum_variadic", "Sum", [("a", x([2, 3])), ("b", x([3])), ("c", x([2, 1]))])
case("mean_variadic", "Mean", [("a", x([2, 3])), ("b", x([2, 3])), ("c", x([3]))])
case("max_variadic", "Max", [("a", x([2, 3])), ("b", x([2, 3])), ("c", x([1]))])
case("min_variadic", "Min", [("a", x([4])), ("b", x([2, 4])), ("c", x([2, 1]))])
case("pow_square", "Pow", [("a", x([2, 3])), ("b", c(2.0, np.float32))])
case("pow_tensor", "Pow", [("a", x([2, 3], kind="positive")), ("b", x([3]))])
case("pow_int_exponent", "Pow", [("a", x([2, 3], kind="positive")), ("b", c([1, 2, 3]))])
case("div_int", "Div", [("a", x([6], I32)), ("b", c([1, 2, 3, -2, 4, 5], np.int32))], out_type=I32)
case("add_int64", "Add", [("a", x([2, 3], I64)), ("b", x([3], I64))], out_type=I64)
for op in ["Equal", "Greater", "GreaterOrEqual", "Less", "LessOrEqual"]:
    case(f"{op.lower()}", op, [("a", x([2, 3], I32, "small")), ("b", x([3], I32, "small"))], out_type=B,
         opset=17)
case("greater_float", "Greater", [("a", x([2, 3])), ("b", x([2, 3]))], out_type=B)
for op in ["And", "Or", "Xor"]:
    case(op.lower(), op, [("a", x([2, 3], B)), ("b", x([3], B))], out_type=B)
case("not", "Not", [("a", x([2, 3], B))], out_type=B)
case("where", "Where", [("c", x([2, 3], B)), ("a", x([2, 3])), ("b", x([3]))])
case("where_int64", "Where", [("c", x([4], B)), ("a", x([4], I64)), ("b", c([7], np.int64))], out_type=I64)
case("prelu", "PRelu", [("a", x([2, 3, 4])), ("s", x([3, 1]))])
case("mod_int", "Mod", [("a", x([8], I32)), ("b", c([3, -3, 3, -3, 2, 5, -4, 7], np.int32))], out_type=I32)
case("mod_fmod", "Mod", [("a", x([6])), ("b", c([1.5, -1.5, 0.7, 2, -2, 3], np.float32))], attrs=dict(fmod=1))

# Unary operators and activations.
for op, kind in [("Relu", "normal"), ("Sigmoid", "normal"), ("Tanh", "normal"), ("Erf", "normal"),
                 ("Softplus", "normal"), ("Softsign", "normal"), ("Exp", "normal"), ("Log", "positive"),
                 ("Abs", "normal"), ("Neg", "normal"), ("Sqrt", "positive"), ("Reciprocal", "positive"),
                 ("Floor", "normal"), ("Ceil", "normal"), ("Round", "normal"), ("Sin", "normal"),
                 ("Cos", "normal"), ("Sign", "normal"), ("Identity", "normal"), ("HardSwish", "normal"),
                 ("Elu", "normal"), ("Selu", "normal"), ("Mish", "normal")]:
    case(op.lower(), op, [("a", x([2, 3, 4], kind=kind))], opset=18)
case("neg_int64", "Neg", [("a", x([5], I64))], out_type=I64)
case("abs_int32", "Abs", [("a", x([5], I32))], out_type=I32)
case("leakyrelu", "LeakyRelu", [("a", x([2, 5]))], attrs=dict(alpha=0.1))
case("leakyrelu_default", "LeakyRelu", [("a", x([2, 5]))])
case("hardsigmoid", "HardSigmoid", [("a", x([2, 5]))], attrs=dict(alpha=0.3, beta=0.4))
case("hardsigmoid_default", "HardSigmoid", [("a", x([2, 5]))])
case("gelu", "Gelu", [("a", x([2, 5]))], opset=20)
case("gelu_tanh", "Gelu", [("a", x([2, 5]))], attrs=dict(approximate="tanh"), opset=20)
case("celu", "Celu", [("a", x([2, 5]))], attrs=dict(alpha=0.5))
case("thresholdedrelu", "ThresholdedRelu", [("a", x([2, 5]))], attrs=dict(alpha=0.5))
case("dropout", "Dropout", [("a", x([2, 5]))])
case("clip_inputs", "Clip", [("a", x([2, 5])), ("lo", c(-0.5, np.float32)), ("hi", c(0.7, np.float32))])
case("clip_min_only", "Clip", [("a", x([2, 5])), ("lo", c(0.1, np.float32))])
case("clip_max_only", "Clip", [("a", x([2, 5])), ("lo", None), ("hi", c(0.2, np.float32))])
case("clip_attributes", "Clip", [("a", x([2, 5]))], attrs=dict(min=-1.0, max=1.0), opset=6 + 4)
case("clip_runtime_bounds", "Clip", [("a", x([2, 5])), ("lo", x([], kind="unit")), ("hi", c(1.5, np.float32))])
case("cast_float_to_int64", "Cast", [("a", x([2, 5]))], attrs=dict(to=I64), out_type=I64)
case("cast_int64_to_float", "Cast", [("a", x([2, 5], I64))], attrs=dict(to=F))
case("cast_float_to_bool", "Cast", [("a", x([6], I32, "small"))], attrs=dict(to=B), out_type=B)
case("cast_bool_to_float", "Cast", [("a", x([6], B))], attrs=dict(to=F))

# Softmax and friends: opset 13 semantics and the older 2-D coercion.
case("softmax_last", "Softmax", [("a", x([2, 3, 4]))])
case("softmax_axis1", "Softmax", [("a", x([2, 3, 4]))], attrs=dict(axis=1))
case("softmax_opset11", "Softmax", [("a", x([2, 3, 4]))], attrs=dict(axis=1), opset=11)
case("softmax_opset11_default", "Softmax", [("a", x([2, 3, 4]))], opset=11)
case("logsoftmax", "LogSoftmax", [("a", x([2, 5]))])

# Matrix products.
case("gemm", "Gemm", [("a", x([3, 4])), ("b", x([4, 5])), ("c", x([5]))])
case("gemm_trans", "Gemm", [("a", x([4, 3])), ("b", x([5, 4])), ("c", x([3, 5]))],
     attrs=dict(transA=1, transB=1, alpha=0.5, beta=2.0))
case("gemm_no_c", "Gemm", [("a", x([3, 4])), ("b", x([4, 2]))])
case("matmul_2d", "MatMul", [("a", x([3, 4])), ("b", x([4, 5]))])
case("matmul_batched", "MatMul", [("a", x([2, 3, 4])), ("b", x([2, 4, 5]))])
case("matmul_broadcast", "MatMul", [("a", x([2, 1, 3, 4])), ("b", x([3, 4, 2]))])
case("matmul_rank3_by_2", "MatMul", [("a", x([2, 3, 4])), ("b", x([4, 5]))])
case("matmul_vec_left", "MatMul", [("a", x([4])), ("b", x([2, 4, 5]))])
case("matmul_vec_right", "MatMul", [("a", x([2, 3, 4])), ("b", x([4]))])
case("matmul_vec_vec", "MatMul", [("a", x([4])), ("b", x([4]))])

# Convolutions.
rng_w = np.random.default_rng(7)
W = lambda *s: rng_w.uniform(-0.5, 0.5, size=s).astype(np.float32)
case("conv_basic", "Conv", [("x", x([1, 3, 7, 7])), ("w", W(4, 3, 3, 3)), ("b", W(4))])
case("conv_strided_padded", "Conv", [("x", x([1, 2, 8, 9])), ("w", W(3, 2, 3, 2))],
     attrs=dict(strides=[2, 1], pads=[1, 0, 2, 1], dilations=[1, 2]))
case("conv_grouped", "Conv", [("x", x([2, 4, 6, 6])), ("w", W(6, 2, 3, 3))], attrs=dict(group=2, pads=[1, 1, 1, 1]))
case("conv_depthwise", "Conv", [("x", x([1, 4, 6, 6])), ("w", W(4, 1, 3, 3)), ("b", W(4))],
     attrs=dict(group=4, strides=[2, 2], pads=[1, 1, 1, 1]))
case("conv_same_upper", "Conv", [("x", x([1, 2, 7, 6])), ("w", W(2, 2, 3, 4))],
     attrs=dict(auto_pad="SAME_UPPER", strides=[2, 2]))
case("conv_same_lower", "Conv", [("x", x([1, 2, 7, 6])), ("w", W(2, 2, 4, 4))], attrs=dict(auto_pad="SAME_LOWER"))
case("conv_valid", "Conv", [("x", x([1, 2, 7, 6])), ("w", W(2, 2, 3, 3))], attrs=dict(auto_pad="VALID"))
case("conv_1d", "Conv", [("x", x([2, 3, 10])), ("w", W(4, 3, 3)), ("b", W(4))], attrs=dict(pads=[2, 1], strides=[2]))
case("conv_runtime_weights", "Conv", [("x", x([1, 2, 5, 5])), ("w", x([3, 2, 3, 3]))])
case("convtranspose_basic", "ConvTranspose", [("x", x([1, 3, 4, 4])), ("w", W(3, 2, 3, 3)), ("b", W(2))])
case("convtranspose_strided", "ConvTranspose", [("x", x([1, 2, 3, 4])), ("w", W(2, 3, 3, 3))],
     attrs=dict(strides=[2, 2], pads=[1, 1, 1, 1], output_padding=[1, 1]))
case("convtranspose_grouped", "ConvTranspose", [("x", x([1, 4, 3, 3])), ("w", W(4, 1, 2, 2))],
     attrs=dict(group=2, strides=[2, 2]))
case("convtranspose_output_shape", "ConvTranspose", [("x", x([1, 2, 3, 3])), ("w", W(2, 2, 3, 3))],
     attrs=dict(strides=[2, 2], output_shape=[6, 6]))
case("convtranspose_1d", "ConvTranspose", [("x", x([1, 2, 5])), ("w", W(2, 3, 3))], attrs=dict(strides=[2]))

# BatchNormalization: folded into a Conv, and on its own.
bn = lambda n: [("s", rng_w.uniform(0.5, 1.5, n).astype(np.float32)), ("bb", W(n)), ("m", W(n)),
                ("v", rng_w.uniform(0.5, 2, n).astype(np.float32))]
case("batchnorm", "BatchNormalization", [("x", x([2, 3, 4, 4]))] + bn(3), attrs=dict(epsilon=1e-3))
case("batchnorm_rank2", "BatchNormalization", [("x", x([4, 3]))] + bn(3))
case("conv_batchnorm_folded", None,
     [("x", x([1, 3, 6, 6])), ("w", W(4, 3, 3, 3)), ("b", W(4))] + bn(4),
     nodes=[helper.make_node("Conv", ["x", "w", "b"], ["t"], pads=[1, 1, 1, 1]),
            helper.make_node("BatchNormalization", ["t", "s", "bb", "m", "v"], ["y"], epsilon=1e-5)])
case("conv_batchnorm_shared", None,
     [("x", x([1, 3, 6, 6])), ("w", W(4, 3, 3, 3))] + bn(4),
     outputs=("y", "t"),
     nodes=[helper.make_node("Conv", ["x", "w"], ["t"]),
            helper.make_node("BatchNormalization", ["t", "s", "bb", "m", "v"], ["y"])])

# Normalization.
case("layernorm", "LayerNormalization", [("x", x([2, 3, 8])), ("s", W(8)), ("b", W(8))])
case("layernorm_axis1", "LayerNormalization", [("x", x([2, 3, 4])), ("s", W(3, 4)), ("b", W(3, 4))],
     attrs=dict(axis=1, epsilon=1e-3))
case("layernorm_no_bias", "LayerNormalization", [("x", x([3, 6])), ("s", W(6))])
case("instancenorm", "InstanceNormalization", [("x", x([2, 3, 4, 5])), ("s", W(3)), ("b", W(3))])
case("instancenorm_rank3", "InstanceNormalization", [("x", x([2, 3, 7])), ("s", W(3)), ("b", W(3))],
     attrs=dict(epsilon=1e-3))

# Shapes and data movement.
case("reshape", "Reshape", [("x", x([2, 3, 4])), ("s", c([4, -1]))])
case("reshape_zero", "Reshape", [("x", x([2, 3, 4])), ("s", c([0, 0, 2, 2]))])
case("reshape_allowzero", "Reshape", [("x", x([2, 3, 4])), ("s", c([6, 4]))], attrs=dict(allowzero=1), opset=14)
case("flatten", "Flatten", [("x", x([2, 3, 4, 5]))], attrs=dict(axis=2))
case("flatten_negative", "Flatten", [("x", x([2, 3, 4]))], attrs=dict(axis=-1))
case("flatten_zero", "Flatten", [("x", x([2, 3]))], attrs=dict(axis=0))
case("squeeze_input", "Squeeze", [("x", x([2, 1, 3, 1])), ("a", c([1, -1]))])
case("squeeze_all", "Squeeze", [("x", x([1, 3, 1]))])
case("squeeze_attribute", "Squeeze", [("x", x([2, 1, 3]))], attrs=dict(axes=[1]), opset=11)
case("unsqueeze_input", "Unsqueeze", [("x", x([2, 3])), ("a", c([0, 3]))])
case("unsqueeze_attribute", "Unsqueeze", [("x", x([2, 3]))], attrs=dict(axes=[-1]), opset=11)
case("transpose", "Transpose", [("x", x([2, 3, 4]))], attrs=dict(perm=[2, 0, 1]))
case("transpose_default", "Transpose", [("x", x([2, 3, 4]))])
case("concat", "Concat", [("a", x([2, 3])), ("b", x([2, 1])), ("c", x([2, 2]))], attrs=dict(axis=-1))
case("concat_axis0", "Concat", [("a", x([1, 3])), ("b", x([2, 3]))], attrs=dict(axis=0))
case("split_equal", "Split", [("x", x([6, 2]))], outputs=("y0", "y1", "y2"))
case("split_input", "Split", [("x", x([2, 7])), ("s", c([2, 5]))], attrs=dict(axis=1), outputs=("y0", "y1"))
case("split_attribute", "Split", [("x", x([2, 6]))], attrs=dict(axis=1, split=[1, 5]), outputs=("y0", "y1"),
     opset=11)
case("split_num_outputs", "Split", [("x", x([7, 2]))], attrs=dict(num_outputs=3), outputs=("y0", "y1", "y2"),
     opset=18)
case("slice", "Slice", [("x", x([5, 6])), ("s", c([1, 0])), ("e", c([4, 5]))])
case("slice_axes_steps", "Slice", [("x", x([5, 6, 4])), ("s", c([0, 1])), ("e", c([6, 100])), ("a", c([1, 2])),
                                   ("t", c([2, 2]))])
case("slice_negative", "Slice", [("x", x([5, 6])), ("s", c([-3])), ("e", c([-1])), ("a", c([1]))])
case("slice_out_of_range", "Slice", [("x", x([5, 6])), ("s", c([-100, 2])), ("e", c([100, 2**62]))])
case("slice_reverse", "Slice", [("x", x([5, 6])), ("s", c([-1])), ("e", c([-2**62])), ("a", c([0])), ("t", c([-1]))])
case("slice_negative_step", "Slice", [("x", x([7, 4])), ("s", c([5, 3])), ("e", c([0, 0])), ("a", c([0, 1])),
                                      ("t", c([-2, -1]))])
case("slice_opset9", "Slice", [("x", x([5, 6]))], attrs=dict(starts=[1, -4], ends=[3, 1000], axes=[0, 1]), opset=9)
case("gather", "Gather", [("x", x([5, 4])), ("i", c([[0, 4], [-1, 2]]))])
case("gather_axis1", "Gather", [("x", x([3, 5, 2])), ("i", c([3, 0, 3]))], attrs=dict(axis=1))
case("gather_scalar_index", "Gather", [("x", x([3, 5])), ("i", c(2))], attrs=dict(axis=1))
case("gather_runtime_int64", "Gather", [("x", x([10, 4])), ("i", x([2, 3], I64, "index"))])
case("gather_runtime_int32", "Gather", [("x", x([3, 6])), ("i", x([4], I32, "index"))], attrs=dict(axis=1))
case("gatherelements", "GatherElements", [("x", x([3, 4])), ("i", c([[0, 1, 2, 0], [2, 2, 1, 0]]))])
case("gatherelements_axis1", "GatherElements", [("x", x([3, 4])), ("i", c([[3, 0], [1, -1], [2, 2]]))],
     attrs=dict(axis=1))
case("gathernd", "GatherND", [("x", x([3, 4, 2])), ("i", c([[0, 1], [2, 3]]))])
case("gathernd_full", "GatherND", [("x", x([3, 4])), ("i", c([[0, 1], [2, 3], [1, 1]]))])
case("scatternd", "ScatterND", [("x", x([4, 3])), ("i", c([[1], [3]])), ("u", x([2, 3]))])
case("scatternd_elements", "ScatterND", [("x", x([4, 3])), ("i", c([[1, 2], [0, 0]])), ("u", x([2]))])
case("scatterelements", "ScatterElements", [("x", x([3, 3])), ("i", c([[1, 0, 2]])), ("u", x([1, 3]))])
case("expand", "Expand", [("x", x([3, 1])), ("s", c([2, 3, 4]))])
case("expand_bidirectional", "Expand", [("x", x([2, 1, 4])), ("s", c([3, 1]))])
case("tile", "Tile", [("x", x([2, 3])), ("r", c([2, 3]))])
case("pad_constant", "Pad", [("x", x([2, 3])), ("p", c([1, 0, 0, 2])), ("v", c(1.5, np.float32))])
case("pad_edge", "Pad", [("x", x([1, 2, 3, 3])), ("p", c([0, 0, 1, 2, 0, 0, 2, 1]))], attrs=dict(mode="edge"))
case("pad_reflect", "Pad", [("x", x([1, 2, 4, 4])), ("p", c([0, 0, 2, 1, 0, 0, 1, 3]))], attrs=dict(mode="reflect"))
case("pad_negative", "Pad", [("x", x([4, 5])), ("p", c([-1, 2, 1, -2]))])
case("pad_axes", "Pad", [("x", x([2, 3, 4])), ("p", c([1, 2])), ("v", None), ("a", c([-1]))], opset=18)
case("pad_attribute", "Pad", [("x", x([2, 3]))], attrs=dict(pads=[0, 1, 1, 0], value=2.0), opset=10)

# Resize.
for mode, ctm, extra in [
        ("nearest", "asymmetric", dict(nearest_mode="floor")),
        ("nearest", "half_pixel", {}),
        ("nearest", "half_pixel", dict(nearest_mode="round_prefer_ceil")),
        ("nearest", "align_corners", dict(nearest_mode="round_prefer_floor")),
        ("linear", "half_pixel", {}),
        ("linear", "pytorch_half_pixel", {}),
        ("linear", "align_corners", {}),
        ("linear", "asymmetric", {}),
        ("cubic", "half_pixel", {}),
        ("cubic", "align_corners", dict(cubic_coeff_a=-0.5, exclude_outside=1))]:
    name = f"resize_{mode}_{ctm}" + ("_" + "_".join(f"{v}" for v in extra.values()) if extra else "")
    case(name + "_scales", "Resize", [("x", x([1, 2, 4, 5])), ("r", None), ("s", c([1, 1, 2, 2], np.float32))],
         attrs=dict(mode=mode, coordinate_transformation_mode=ctm, **extra), opset=13)
    case(name + "_sizes", "Resize", [("x", x([1, 2, 4, 5])), ("r", None), ("s", None), ("z", c([1, 2, 7, 3]))],
         attrs=dict(mode=mode, coordinate_transformation_mode=ctm, **extra), opset=13)
case("resize_nearest_opset10", "Resize", [("x", x([1, 1, 3, 3])), ("s", c([1, 1, 2, 3], np.float32))], opset=10)
case("resize_linear_rank3", "Resize", [("x", x([2, 3, 5])), ("r", None), ("s", c([1, 1, 1.6], np.float32))],
     attrs=dict(mode="linear"), opset=13)
case("upsample_nearest", "Upsample", [("x", x([1, 1, 2, 3])), ("s", c([1, 1, 2, 2], np.float32))], opset=9)

# Pooling.
case("maxpool", "MaxPool", [("x", x([1, 2, 7, 7]))], attrs=dict(kernel_shape=[3, 3], strides=[2, 2]))
case("maxpool_pads_ceil", "MaxPool", [("x", x([1, 2, 6, 7]))],
     attrs=dict(kernel_shape=[3, 2], strides=[2, 2], pads=[1, 0, 1, 1], ceil_mode=1))
case("maxpool_dilated", "MaxPool", [("x", x([1, 1, 8, 8]))], attrs=dict(kernel_shape=[2, 2], dilations=[2, 2]))
case("maxpool_same", "MaxPool", [("x", x([1, 2, 5, 6]))],
     attrs=dict(kernel_shape=[3, 3], strides=[2, 2], auto_pad="SAME_UPPER"))
case("maxpool_1d", "MaxPool", [("x", x([2, 3, 9]))], attrs=dict(kernel_shape=[3], strides=[2]))
case("averagepool", "AveragePool", [("x", x([1, 2, 6, 6]))], attrs=dict(kernel_shape=[2, 2], strides=[2, 2]))
case("averagepool_pads_exclude", "AveragePool", [("x", x([1, 2, 5, 5]))],
     attrs=dict(kernel_shape=[3, 3], pads=[1, 1, 1, 1]))
case("averagepool_pads_include", "AveragePool", [("x", x([1, 2, 5, 5]))],
     attrs=dict(kernel_shape=[3, 3], pads=[1, 1, 1, 1], count_include_pad=1))
case("averagepool_ceil", "AveragePool", [("x", x([1, 1, 7, 7]))],
     attrs=dict(kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1))
case("averagepool_ceil_include", "AveragePool", [("x", x([1, 1, 6, 6]))],
     attrs=dict(kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 0, 0], ceil_mode=1, count_include_pad=1))
case("globalaveragepool", "GlobalAveragePool", [("x", x([2, 3, 4, 5]))])
case("globalmaxpool", "GlobalMaxPool", [("x", x([2, 3, 4, 5]))])
case("lppool", "LpPool", [("x", x([1, 2, 5, 5]))], attrs=dict(kernel_shape=[2, 2], p=2), opset=18)

# Reductions.
for op in ["ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2",
           "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare"]:
    kind = "positive" if op in ("ReduceLogSum", "ReduceProd") else "normal"
    case(f"{op.lower()}_axes_input", op, [("x", x([2, 3, 4], kind=kind)), ("a", c([1]))], opset=18)
    case(f"{op.lower()}_all_nokeep", op, [("x", x([2, 3, 4], kind=kind))], attrs=dict(keepdims=0), opset=18)
    case(f"{op.lower()}_attribute", op, [("x", x([2, 3, 4], kind=kind))], attrs=dict(axes=[0, -1]), opset=11)
case("reducesum_noop", "ReduceSum", [("x", x([2, 3])), ("a", c([], np.int64))], attrs=dict(noop_with_empty_axes=1), opset=13)
case("reducesum_axes13", "ReduceSum", [("x", x([2, 3, 4])), ("a", c([-1, 0]))], attrs=dict(keepdims=0), opset=13)
case("argmax", "ArgMax", [("x", x([3, 4]))], attrs=dict(axis=1), out_type=I64)
case("argmax_nokeep", "ArgMax", [("x", x([3, 4, 2]))], attrs=dict(axis=0, keepdims=0), out_type=I64)
case("argmin", "ArgMin", [("x", x([3, 4]))], attrs=dict(axis=-1, keepdims=0), out_type=I64)
case("cumsum", "CumSum", [("x", x([3, 4])), ("a", c(1))])
case("cumsum_exclusive_reverse", "CumSum", [("x", x([3, 4])), ("a", c(0))], attrs=dict(exclusive=1, reverse=1))
case("cumsum_exclusive", "CumSum", [("x", x([5])), ("a", c(0, np.int32))], attrs=dict(exclusive=1))
case("trilu_upper", "Trilu", [("x", x([4, 5]))])
case("trilu_lower_k", "Trilu", [("x", x([2, 4, 5])), ("k", c(1))], attrs=dict(upper=0))
case("trilu_upper_negative_k", "Trilu", [("x", x([4, 4])), ("k", c(-1))])

# Quantization.
case("dequantize_per_tensor", "DequantizeLinear", [("x", x([2, 5], U8)), ("s", c(0.05, np.float32)),
                                                   ("z", c(3, np.uint8))])
case("dequantize_per_axis", "DequantizeLinear", [("x", x([2, 3, 2], I8)), ("s", c([0.1, 0.2, 0.3], np.float32)),
                                                 ("z", c([0, 1, -1], np.int8))], attrs=dict(axis=1))
case("dequantize_no_zero_point", "DequantizeLinear", [("x", x([4], U8)), ("s", c(0.5, np.float32))])
case("dequantize_constant_weights", "MatMul", [("a", x([2, 3]))], nodes=[
    helper.make_node("DequantizeLinear", ["q", "s", "z"], ["w"], axis=1),
    helper.make_node("MatMul", ["a", "w"], ["y"])],
     )
CASES[-1]["inputs"] += [("q", c([[1, 2], [3, 4], [250, 6]], np.uint8)), ("s", c([0.1, 0.02], np.float32)),
                        ("z", c([2, 4], np.uint8))]
case("quantize_per_tensor", "QuantizeLinear", [("x", x([2, 5])), ("s", c(0.02, np.float32)), ("z", c(100, np.uint8))],
     out_type=U8)
case("quantize_per_axis_int8", "QuantizeLinear", [("x", x([2, 3])), ("s", c([0.1, 0.05, 0.02], np.float32)),
                                                  ("z", c([0, 3, -3], np.int8))], attrs=dict(axis=1), out_type=I8)

# Recurrent networks: ONNX gate orders against WebNN's layouts.
def rnn_weights(gates, nd, hidden, inputs):
    return [("W", W(nd, gates * hidden, inputs)), ("R", W(nd, gates * hidden, hidden)), ("B", W(nd, 2 * gates * hidden))]
case("lstm", "LSTM", [("x", x([3, 2, 4]))] + rnn_weights(4, 1, 5, 4), attrs=dict(hidden_size=5),
     outputs=("y", "yh", "yc"))
case("lstm_bidirectional_initial", "LSTM",
     [("x", x([2, 1, 3]))] + rnn_weights(4, 2, 4, 3) + [("sl", None), ("h0", x([2, 1, 4])), ("c0", x([2, 1, 4]))],
     attrs=dict(hidden_size=4, direction="bidirectional"), outputs=("y", "yh", "yc"))
case("lstm_reverse_peephole", "LSTM",
     [("x", x([3, 2, 2]))] + rnn_weights(4, 1, 3, 2) + [("sl", None), ("h0", None), ("c0", None), ("P", W(1, 9))],
     attrs=dict(hidden_size=3, direction="reverse"), outputs=("", "yh"))
case("gru", "GRU", [("x", x([3, 2, 4]))] + rnn_weights(3, 1, 5, 4), attrs=dict(hidden_size=5), outputs=("y", "yh"))
case("gru_linear_before_reset", "GRU", [("x", x([3, 2, 4]))] + rnn_weights(3, 1, 5, 4),
     attrs=dict(hidden_size=5, linear_before_reset=1), outputs=("y", "yh"))
case("gru_bidirectional", "GRU", [("x", x([2, 2, 3]))] + rnn_weights(3, 2, 4, 3) + [("sl", None), ("h0", x([2, 2, 4]))],
     attrs=dict(hidden_size=4, direction="bidirectional"), outputs=("y", "yh"))

# Shape plumbing that folds at import, and control flow with a known condition.
case("shape_gather_reshape", None, [("x", x([2, 3, 4]))], nodes=[
    helper.make_node("Shape", ["x"], ["s"]),
    helper.make_node("Constant", [], ["i"], value=numpy_helper.from_array(c([0, 1]))),
    helper.make_node("Gather", ["s", "i"], ["g"]),
    helper.make_node("Constant", [], ["m"], value=numpy_helper.from_array(c([-1]))),
    helper.make_node("Concat", ["g", "m"], ["t"], axis=0),
    helper.make_node("Slice", ["t", "z0", "z2"], ["t2"]),
    helper.make_node("Concat", ["t2", "m"], ["t3"], axis=0),
    helper.make_node("Reshape", ["x", "t3"], ["r"]),
    helper.make_node("Size", ["x"], ["n"]),
    helper.make_node("Cast", ["n"], ["nf"], to=F),
    helper.make_node("Div", ["r", "nf"], ["y"])])
CASES[-1]["inputs"] += [("z0", c([0])), ("z2", c([2]))]
case("constant_of_shape_range", None, [("x", x([2, 4]))], nodes=[
    helper.make_node("Shape", ["x"], ["s"]),
    helper.make_node("ConstantOfShape", ["s"], ["ones"], value=numpy_helper.from_array(c([1.0], np.float32))),
    helper.make_node("Constant", [], ["start"], value_float=0.5),
    helper.make_node("Constant", [], ["limit"], value_float=4.5),
    helper.make_node("Constant", [], ["delta"], value_float=1.0),
    helper.make_node("Range", ["start", "limit", "delta"], ["r"]),
    helper.make_node("Add", ["ones", "r"], ["t"]),
    helper.make_node("Mul", ["t", "x"], ["y"])])
case("equal_where_expand_mask", None, [("x", x([2, 4])), ("ids", x([2, 4], I64, "index"))], nodes=[
    helper.make_node("Constant", [], ["zero"], value=numpy_helper.from_array(c(0))),
    helper.make_node("Equal", ["ids", "zero"], ["is_pad"]),
    helper.make_node("Constant", [], ["neg"], value=numpy_helper.from_array(c(-1e4, np.float32))),
    helper.make_node("Where", ["is_pad", "neg", "x"], ["y"])])
if_then = helper.make_graph([helper.make_node("Relu", ["x"], ["tb"])], "then", [],
                            [helper.make_tensor_value_info("tb", F, None)])
if_else = helper.make_graph([helper.make_node("Neg", ["x"], ["eb"])], "else", [],
                            [helper.make_tensor_value_info("eb", F, None)])
case("if_constant_condition", None, [("x", x([2, 3]))], nodes=[
    helper.make_node("Shape", ["x"], ["s"]),
    helper.make_node("ReduceSum", ["s"], ["n"], keepdims=0),
    helper.make_node("Constant", [], ["five"], value=numpy_helper.from_array(c(5))),
    helper.make_node("Greater", ["n", "five"], ["cond"]),
    helper.make_node("If", ["cond"], ["y"], then_branch=if_then, else_branch=if_else)])


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    with open(__file__, "rb") as f:
        stamp = hashlib.sha256(f.read() + ort.__version__.encode()).hexdigest()
    stamp_file = os.path.join(out, "stamp")
    if os.path.exists(stamp_file) and open(stamp_file).read() == stamp:
        return
    manifest = []
    for i, spec in enumerate(CASES):
        rng = np.random.default_rng(1000 + i)
        model, feeds = build(spec, rng)
        path = os.path.join(out, spec["name"] + ".onnx")
        onnx.save(model, path)
        outputs = [o for o in spec["outputs"] if o]
        try:
            options = ort.SessionOptions()
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
            session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
            results = session.run(outputs, feeds)
        except Exception as error:
            sys.exit(f"onnx_op_cases: case {spec['name']}: ONNX Runtime failed: {error}")
        entry = dict(name=spec["name"], model=spec["name"] + ".onnx", inputs={}, outputs={})
        for name, value in feeds.items():
            file = f"{spec['name']}.{name}.npy"
            np.save(os.path.join(out, file), value)
            entry["inputs"][name] = file
        for name, value in zip(outputs, results):
            file = f"{spec['name']}.out.{name}.npy"
            np.save(os.path.join(out, file), np.asarray(value))
            entry["outputs"][name] = file
        manifest.append(entry)
    with open(os.path.join(out, "cases.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    with open(stamp_file, "w") as f:
        f.write(stamp)
    print(f"onnx_op_cases: {len(manifest)} cases in {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
