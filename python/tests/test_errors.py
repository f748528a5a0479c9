import numpy as np
import pytest

import webnn


def test_errors_carry_kind_and_message(ctx):
    builder = ctx.create_graph_builder()
    a = builder.input("a", [2, 3], "float32")
    b = builder.input("b", [4, 5], "float32")
    with pytest.raises(webnn.MLTypeError) as info:
        builder.matmul(a, b)
    assert info.value.kind == "TypeError"
    assert "matmul" in str(info.value) and str(info.value).startswith("TypeError: ")
    assert isinstance(info.value, TypeError) and isinstance(info.value, webnn.MLError)


def test_wrong_input_shape_type_and_name(ctx):
    builder = ctx.create_graph_builder()
    x = builder.input("x", [2, 2], "float32")
    graph = builder.build({"y": builder.relu(x)})
    with pytest.raises(webnn.MLTypeError, match="shape"):
        ctx.compute(graph, {"x": np.zeros((3, 2), dtype=np.float32)})
    with pytest.raises(webnn.MLTypeError, match="no input 'z'"):
        ctx.compute(graph, {"z": np.zeros((2, 2), dtype=np.float32)})
    with pytest.raises(webnn.MLTypeError, match="not given"):
        ctx.compute(graph, {})
    with pytest.raises((webnn.MLTypeError, ValueError)):
        ctx.compute(graph, {"x": [["a", "b"], ["c", "d"]]})


def test_bad_builder_calls(ctx):
    builder = ctx.create_graph_builder()
    x = builder.input("x", [2, 2], "float32")
    with pytest.raises(webnn.MLTypeError, match="unknown data type"):
        builder.input("y", [2], "float128")
    with pytest.raises(webnn.MLTypeError, match="already used"):
        builder.input("x", [2], "float32")
    with pytest.raises(webnn.MLTypeError, match="unknown keyword 'strid'"):
        builder.transpose(x, strid=[1])
    with pytest.raises(webnn.MLTypeError, match="missing argument axis"):
        builder.concat([x, x])
    with pytest.raises(webnn.MLTypeError, match="expected an MLOperand"):
        builder.relu(np.zeros(2))
    with pytest.raises(webnn.MLTypeError, match="softmax"):
        builder.softmax(x, 7)
    other = ctx.create_graph_builder()
    with pytest.raises(webnn.MLTypeError, match="another MLGraphBuilder"):
        other.relu(x)
    builder.build({"y": builder.relu(x)})
    with pytest.raises(webnn.InvalidStateError, match="already built"):
        builder.relu(x)


def test_bad_tensors(ctx):
    t = ctx.create_tensor([4], "float32", readable=True)
    with pytest.raises(webnn.MLTypeError, match="not writable"):
        ctx.write_tensor(t, np.zeros(4, dtype=np.float32))
    w = ctx.create_tensor([4], "float32", writable=True)
    with pytest.raises(webnn.MLTypeError, match="not readable"):
        ctx.read_tensor(w)
    with pytest.raises(webnn.MLTypeError, match="shape"):
        ctx.write_tensor(w, np.zeros(5, dtype=np.float32))
    w.destroy()
    with pytest.raises(webnn.MLTypeError, match="destroyed"):
        ctx.write_tensor(w, np.zeros(4, dtype=np.float32))


def test_closed_context():
    ctx = webnn.ML().create_context(accelerated=False)
    builder = ctx.create_graph_builder()
    x = builder.input("x", [2], "float32")
    graph = builder.build({"y": builder.abs(x)})
    ctx.destroy()
    with pytest.raises(webnn.MLTypeError, match="destroyed"):
        ctx.compute(graph, {"x": [1, 2]})
    with pytest.raises(webnn.MLTypeError, match="destroyed"):
        ctx.create_graph_builder()
    with pytest.raises(webnn.MLTypeError, match="destroyed"):
        builder.relu(x)


def test_bad_power_preference_and_files(ctx, tmp_path):
    with pytest.raises(webnn.MLTypeError, match="power_preference"):
        webnn.ML().create_context(power_preference="turbo")
    with pytest.raises(webnn.OperationError, match="cannot read"):
        ctx.load(tmp_path / "missing.webnn")
    (tmp_path / "broken.webnn").write_text("webnn_graph \"x\" v2 { inputs { ")
    with pytest.raises(webnn.OperationError, match="broken.webnn"):
        ctx.load(tmp_path / "broken.webnn")
