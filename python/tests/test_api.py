import inspect

import numpy as np
import pytest

import webnn
from conftest import run


def test_every_registry_operator_has_a_snake_case_method():
    assert len(webnn.OPERATORS) == 95
    for name in webnn.OPERATORS:
        snake = webnn._builder.snake(name)
        assert callable(getattr(webnn.MLGraphBuilder, snake)), snake


@pytest.mark.parametrize("name", ["where_", "conv2d", "arg_max", "reduce_mean", "gemm", "softmax", "layer_normalization",
                                  "conv_transpose2d", "average_pool2d", "max_pool2d", "batch_normalization",
                                  "hard_sigmoid", "leaky_relu", "is_nan", "scatter_nd", "gather_nd", "reduce_l1",
                                  "global_average_pool", "squeeze", "unsqueeze", "pad", "dequantize_linear"])
def test_pywebnn_method_names_exist(name):
    assert callable(getattr(webnn.MLGraphBuilder, name))


def test_pywebnn_keywords_and_positional_order():
    conv = inspect.signature(webnn.MLGraphBuilder.conv2d)
    assert list(conv.parameters)[1:10] == ["input", "filter", "strides", "dilations", "padding", "groups",
                                           "input_layout", "filter_layout", "bias"]
    gemm = inspect.signature(webnn.MLGraphBuilder.gemm)
    assert list(gemm.parameters)[1:8] == ["a", "b", "c", "alpha", "beta", "a_transpose", "b_transpose"]
    arg_max = inspect.signature(webnn.MLGraphBuilder.arg_max)
    assert "output_data_type" in arg_max.parameters


def test_outputs_keep_their_data_type(ctx):
    builder = ctx.create_graph_builder()
    h = builder.input("h", [3], "float16")
    i = builder.input("i", [3], "int64")
    u = builder.input("u", [3], "uint8")
    graph = builder.build({"h": builder.neg(h), "i": builder.abs(i), "u": builder.identity(u),
                           "e": builder.equal(h, h)})
    out = ctx.compute(graph, {"h": [1, -2, 3], "i": [-5, 6, -7], "u": np.array([1, 2, 255], dtype=np.uint8)})
    assert out["h"].dtype == np.float16 and out["h"].tolist() == [-1, 2, -3]
    assert out["i"].dtype == np.int64 and out["i"].tolist() == [5, 6, 7]
    assert out["u"].dtype == np.uint8 and out["u"].tolist() == [1, 2, 255]
    assert out["e"].dtype == np.uint8 and out["e"].tolist() == [1, 1, 1]


def test_inputs_accept_array_likes(ctx):
    y = run(ctx, lambda b, x: b.relu(x), [np.zeros((2, 2), dtype=np.float32)])
    assert y.shape == (2, 2)
    builder = ctx.create_graph_builder()
    x = builder.input("x", [2, 2], "float32")
    graph = builder.build({"y": builder.add(x, x)})
    assert ctx.compute(graph, {"x": [[1, 2], [3, 4]]})["y"].tolist() == [[2, 4], [6, 8]]
    assert ctx.compute(graph, {"x": np.array([[1, 2], [3, 4]], dtype=np.float64)})["y"].dtype == np.float32


def test_compute_reuses_the_compiled_graph(ctx):
    builder = ctx.create_graph_builder()
    x = builder.input("x", [16], "float32")
    graph = builder.build({"y": builder.sigmoid(builder.mul(x, x))})
    for run_index in range(5):
        data = np.full(16, run_index, dtype=np.float32)
        assert np.allclose(ctx.compute(graph, {"x": data})["y"], 1 / (1 + np.exp(-data * data)), atol=1e-6)
    # One command buffer recording for all five computes: same tensors, same compiled graph.
    assert graph.statistics["recordings"] == 1


def test_dispatch_with_tensors(ctx):
    builder = ctx.create_graph_builder()
    x = builder.input("x", [2, 3], "int32")
    graph = builder.build({"y": builder.reduce_sum(x, axes=[1], keep_dimensions=True)})
    tx = ctx.create_tensor([2, 3], "int32", writable=True)
    ty = ctx.create_tensor([2, 1], "int32", readable=True)
    ctx.write_tensor(tx, [[1, 2, 3], [4, 5, 6]])
    ctx.dispatch(graph, {"x": tx}, {"y": ty})
    result = ctx.read_tensor(ty)
    assert result.dtype == np.int32 and result.tolist() == [[6], [15]]
    assert not tx.readable and ty.readable and ty.size == 2


def test_op_support_limits(ctx):
    limits = ctx.op_support_limits()
    assert limits["preferredInputLayout"] in ("nchw", "nhwc")
    assert "float32" in limits["conv2d"]["input"]["dataTypes"]
    assert limits["input"]["rankRange"]["max"] >= 4


def test_split_and_multiple_results(ctx):
    builder = ctx.create_graph_builder()
    x = builder.input("x", [2, 6], "float32")
    parts = builder.split(x, 3, axis=1)
    assert isinstance(parts, list) and len(parts) == 3 and parts[0].shape == [2, 2]
    graph = builder.build({f"p{i}": builder.identity(p) for i, p in enumerate(parts)})
    data = np.arange(12, dtype=np.float32).reshape(2, 6)
    out = ctx.compute(graph, {"x": data})
    for i in range(3):
        assert np.array_equal(out[f"p{i}"], data[:, 2 * i: 2 * i + 2])


def test_save_and_load(ctx, tmp_path):
    builder = ctx.create_graph_builder()
    x = builder.input("x", [1, 8], "float32")
    w = builder.constant(np.arange(32, dtype=np.float32).reshape(8, 4) / 10)
    graph = builder.build({"y": builder.tanh(builder.matmul(x, w))})
    data = np.linspace(-1, 1, 8, dtype=np.float32).reshape(1, 8)
    expected = ctx.compute(graph, {"x": data})["y"]
    path = tmp_path / "model.webnn"
    graph.save(path)
    assert (tmp_path / "model.safetensors").is_file()
    for loaded in (ctx.load(path), webnn.load(path, context=ctx), webnn.MLGraph.load(str(path), context=ctx)):
        assert np.array_equal(ctx.compute(loaded, {"x": data})["y"], expected)
    graph.save(tmp_path / "model.json")
    assert np.array_equal(ctx.compute(ctx.load(tmp_path / "model.json"), {"x": data})["y"], expected)


def test_graph_names(ctx):
    builder = ctx.create_graph_builder()
    a = builder.input("a", [1], "float32")
    b = builder.input("b", [1], "float32")
    graph = builder.build({"sum": builder.add(a, b), "diff": builder.sub(a, b)})
    assert graph.get_input_names() == ["a", "b"] and graph.get_output_names() == ["diff", "sum"]


def test_scalar_inputs_constants_and_outputs(ctx):
    builder = ctx.create_graph_builder()
    x = builder.input("x", [], "float32")
    graph = builder.build({"y": builder.add(x, builder.constant(np.float32(2)))})
    y = ctx.compute(graph, {"x": np.float32(3)})["y"]
    assert y.shape == () and y.dtype == np.float32 and y == 5
    assert ctx.compute(graph, {"x": 1.5})["y"] == 3.5
