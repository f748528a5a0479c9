"""Operators against NumPy on random shapes and data types."""

import math

import numpy as np
import pytest

from conftest import run

FLOATS = ["float32", "float16"]
TOLERANCE = {"float32": 1e-5, "float16": 2e-3}


def random_shape(rng, rank=None):
    rank = int(rng.integers(1, 5)) if rank is None else rank
    return [int(d) for d in rng.integers(1, 6, size=rank)]


def random_array(rng, shape, dtype, low=-3, high=3):
    if dtype.startswith("float"):
        return rng.uniform(low, high, size=shape).astype(dtype)
    return rng.integers(low, high, size=shape).astype(dtype)


def close(actual, expected, dtype):
    assert actual.dtype == np.dtype(dtype)
    assert actual.shape == np.asarray(expected).shape
    tolerance = TOLERANCE.get(dtype, 0)
    scale = max(1.0, float(np.max(np.abs(expected.astype(np.float64))))) if expected.size else 1.0
    assert np.allclose(actual.astype(np.float64), expected.astype(np.float64), atol=tolerance * scale,
                       rtol=tolerance, equal_nan=True), (actual, expected)


BINARY = {
    "add": np.add, "sub": np.subtract, "mul": np.multiply, "max": np.maximum, "min": np.minimum,
}
BINARY_COMPARE = {
    "equal": np.equal, "not_equal": np.not_equal, "greater": np.greater, "greater_or_equal": np.greater_equal,
    "lesser": np.less, "lesser_or_equal": np.less_equal,
}
UNARY = {
    "abs": np.abs, "neg": np.negative, "ceil": np.ceil, "floor": np.floor, "exp": np.exp, "sin": np.sin,
    "cos": np.cos, "tanh": np.tanh, "relu": lambda x: np.maximum(x, 0), "sigmoid": lambda x: 1 / (1 + np.exp(-x)),
    "identity": lambda x: x, "sign": np.sign, "softsign": lambda x: x / (1 + np.abs(x)),
    "softplus": lambda x: np.log1p(np.exp(x)), "erf": np.vectorize(math.erf), "round_even": np.round,
    "hard_swish": lambda x: x * np.clip(x / 6 + 0.5, 0, 1),
}


@pytest.mark.parametrize("op", sorted(BINARY))
@pytest.mark.parametrize("dtype", ["float32", "float16", "int32"])
def test_binary_with_broadcasting(ctx, rng, op, dtype):
    for _ in range(3):
        shape = random_shape(rng)
        other = [1 if rng.random() < 0.4 else d for d in shape][int(rng.integers(0, len(shape))):]
        a, b = random_array(rng, shape, dtype), random_array(rng, other, dtype)
        close(run(ctx, lambda g, x, y: getattr(g, op)(x, y), [a, b]), BINARY[op](a, b), dtype)


@pytest.mark.parametrize("op", sorted(BINARY_COMPARE))
@pytest.mark.parametrize("dtype", ["int32", "float32", "float16"])
def test_comparisons_give_uint8(ctx, rng, op, dtype):
    # Whole numbers in every type, so that equal values occur.
    a = random_array(rng, [3, 4], "int32").astype(dtype)
    b = random_array(rng, [4], "int32").astype(dtype)
    result = run(ctx, lambda g, x, y: getattr(g, op)(x, y), [a, b])
    assert result.dtype == np.uint8 and np.array_equal(result, BINARY_COMPARE[op](a, b).astype(np.uint8))


@pytest.mark.parametrize("op", sorted(UNARY))
@pytest.mark.parametrize("dtype", FLOATS)
def test_unary(ctx, rng, op, dtype):
    x = random_array(rng, random_shape(rng), dtype)
    expected = UNARY[op](x.astype(np.float64))
    close(run(ctx, lambda g, a: getattr(g, op)(a), [x]), expected.astype(dtype), dtype)


@pytest.mark.parametrize("dtype", FLOATS)
def test_positive_domain_unary(ctx, rng, dtype):
    x = random_array(rng, random_shape(rng), dtype, 0.5, 4)
    for op, reference in (("sqrt", np.sqrt), ("log", np.log), ("reciprocal", np.reciprocal)):
        close(run(ctx, lambda g, a: getattr(g, op)(a), [x]), reference(x.astype(np.float64)).astype(dtype), dtype)
    y = random_array(rng, x.shape, dtype, -2, 2)
    close(run(ctx, lambda g, a, b: g.pow(a, b), [x, y]), np.power(x.astype(np.float64), y).astype(dtype), dtype)
    close(run(ctx, lambda g, a, b: g.div(b, a), [x, y]), (y.astype(np.float64) / x).astype(dtype), dtype)


@pytest.mark.parametrize("dtype", FLOATS)
def test_activations_with_options(ctx, rng, dtype):
    x = random_array(rng, [2, 5], dtype)
    f = x.astype(np.float64)
    close(run(ctx, lambda g, a: g.clamp(a, min_value=-1, max_value=0.5), [x]), np.clip(f, -1, 0.5).astype(dtype), dtype)
    close(run(ctx, lambda g, a: g.elu(a, alpha=0.7), [x]), np.where(f > 0, f, 0.7 * np.expm1(f)).astype(dtype), dtype)
    close(run(ctx, lambda g, a: g.leaky_relu(a), [x]), np.where(f > 0, f, 0.01 * f).astype(dtype), dtype)
    close(run(ctx, lambda g, a: g.hard_sigmoid(a), [x]), np.clip(0.2 * f + 0.5, 0, 1).astype(dtype), dtype)
    close(run(ctx, lambda g, a: g.linear(a, alpha=2, beta=1), [x]), (2 * f + 1).astype(dtype), dtype)
    e = np.exp(f - f.max(axis=1, keepdims=True))
    close(run(ctx, lambda g, a: g.softmax(a, 1), [x]), (e / e.sum(axis=1, keepdims=True)).astype(dtype), dtype)


REDUCTIONS = {
    "reduce_sum": np.sum, "reduce_mean": np.mean, "reduce_max": np.max, "reduce_min": np.min,
    "reduce_product": np.prod, "reduce_l1": lambda x, **k: np.sum(np.abs(x), **k),
    "reduce_l2": lambda x, **k: np.sqrt(np.sum(x * x, **k)), "reduce_sum_square": lambda x, **k: np.sum(x * x, **k),
    "reduce_log_sum_exp": lambda x, **k: np.log(np.sum(np.exp(x), **k)),
}


@pytest.mark.parametrize("op", sorted(REDUCTIONS))
@pytest.mark.parametrize("keep", [False, True])
@pytest.mark.parametrize("dtype", FLOATS)
def test_reductions(ctx, rng, op, keep, dtype):
    x = random_array(rng, random_shape(rng, 3), dtype, -1, 1)
    axes = sorted(set(int(a) for a in rng.integers(0, 3, size=2)))
    expected = REDUCTIONS[op](x.astype(np.float64), axis=tuple(axes), keepdims=keep)
    close(run(ctx, lambda g, a: getattr(g, op)(a, axes=axes, keep_dimensions=keep), [x]),
          np.asarray(expected, dtype=dtype), dtype)
    # No axes: every axis (the specification's default).
    close(run(ctx, lambda g, a: getattr(g, op)(a), [x]), np.asarray(REDUCTIONS[op](x.astype(np.float64)),
                                                                        dtype=dtype), dtype)


@pytest.mark.parametrize("dtype", FLOATS)
def test_matmul_and_gemm(ctx, rng, dtype):
    a = random_array(rng, [2, 3, 4], dtype, -1, 1)
    b = random_array(rng, [4, 5], dtype, -1, 1)
    close(run(ctx, lambda g, x, y: g.matmul(x, y), [a, b]), np.matmul(a.astype(np.float64), b).astype(dtype), dtype)
    p = random_array(rng, [4, 3], dtype, -1, 1)
    q = random_array(rng, [5, 4], dtype, -1, 1)
    c = random_array(rng, [5], dtype, -1, 1)
    expected = 0.5 * (p.T.astype(np.float64) @ q.T) + 2 * c
    close(run(ctx, lambda g, x, y, z: g.gemm(x, y, z, 0.5, 2.0, a_transpose=True, b_transpose=True), [p, q, c]),
          expected.astype(dtype), dtype)


@pytest.mark.parametrize("dtype", ["float32", "int32", "uint8", "int64"])
def test_data_movement(ctx, rng, dtype):
    x = random_array(rng, [2, 3, 4], dtype, 0, 9)
    close(run(ctx, lambda g, a: g.transpose(a, [2, 0, 1]), [x]), x.transpose(2, 0, 1), dtype)
    close(run(ctx, lambda g, a: g.transpose(a), [x]), x.transpose(), dtype)
    close(run(ctx, lambda g, a: g.reshape(a, [4, 6]), [x]), x.reshape(4, 6), dtype)
    close(run(ctx, lambda g, a: g.concat([a, a], 1), [x]), np.concatenate([x, x], 1), dtype)
    close(run(ctx, lambda g, a: g.slice(a, [0, 1, 1], [2, 2, 2]), [x]), x[:, 1:3, 1:3], dtype)
    close(run(ctx, lambda g, a: g.slice(a, [0, 0, 0], [2, 3, 4], strides=[1, 2, 2]), [x]), x[:, ::2, ::2], dtype)
    close(run(ctx, lambda g, a: g.expand(a, [2, 2, 3, 4]), [x]), np.broadcast_to(x, (2, 2, 3, 4)), dtype)
    close(run(ctx, lambda g, a: g.tile(a, [1, 2, 1]), [x]), np.tile(x, (1, 2, 1)), dtype)
    close(run(ctx, lambda g, a: g.reverse(a, axes=[1]), [x]), x[:, ::-1], dtype)
    close(run(ctx, lambda g, a: g.squeeze(g.unsqueeze(a, [0]), [0]), [x]), x, dtype)


def test_pad_in_both_spellings(ctx, rng):
    x = random_array(rng, [2, 3], "float32")
    expected = np.pad(x, ((1, 0), (2, 1)), constant_values=5)
    close(run(ctx, lambda g, a: g.pad(a, [1, 2], [0, 1], value=5), [x]), expected, "float32")
    close(run(ctx, lambda g, a: g.pad(a, [1, 2, 0, 1], value=5), [x]), expected, "float32")
    close(run(ctx, lambda g, a: g.pad(a, [0, 1], [0, 1], mode="edge"), [x]), np.pad(x, ((0, 0), (1, 1)), "edge"),
          "float32")


def test_cast_where_gather_and_arg_max(ctx, rng):
    x = random_array(rng, [3, 4], "float32")
    close(run(ctx, lambda g, a: g.cast(a, "int32"), [x]), x.astype(np.int32), "int32")
    condition = (rng.random((3, 4)) < 0.5).astype(np.uint8)
    y = random_array(rng, [3, 4], "float32")
    close(run(ctx, lambda g, c, a, b: g.where_(c, a, b), [condition, x, y]), np.where(condition, x, y), "float32")
    indices = np.array([2, 0, 2], dtype=np.int32)
    close(run(ctx, lambda g, a, i: g.gather(a, i, axis=1), [x, indices]), x[:, indices], "float32")
    result = run(ctx, lambda g, a: g.arg_max(a, 1, output_data_type="int32"), [x])
    assert result.dtype == np.int32 and np.array_equal(result, np.argmax(x, 1))
    result = run(ctx, lambda g, a: g.arg_min(a, 0, keep_dimensions=True), [x])
    assert result.dtype == np.int32 and np.array_equal(result, np.argmin(x, 0)[None])
    close(run(ctx, lambda g, a: g.triangular(a, upper=False, diagonal=1), [x]), np.tril(x, 1), "float32")
    close(run(ctx, lambda g, a: g.cumulative_sum(a, 1), [x]), np.cumsum(x, 1), "float32")


def test_normalizations(ctx, rng):
    x = random_array(rng, [2, 3, 4, 4], "float32")
    mean, var = rng.random(3).astype(np.float32), rng.random(3).astype(np.float32) + 0.5
    expected = (x - mean[None, :, None, None]) / np.sqrt(var[None, :, None, None] + 1e-5)
    close(run(ctx, lambda g, a, m, v: g.batch_normalization(a, m, v), [x, mean, var]), expected, "float32")
    scale = rng.random((3, 4, 4)).astype(np.float32)
    mu = x.mean(axis=(1, 2, 3), keepdims=True)
    sigma = x.var(axis=(1, 2, 3), keepdims=True)
    close(run(ctx, lambda g, a, s: g.layer_normalization(a, s), [x, scale]), (x - mu) / np.sqrt(sigma + 1e-5) * scale,
          "float32")
    mu = x.mean(axis=(2, 3), keepdims=True)
    sigma = x.var(axis=(2, 3), keepdims=True)
    close(run(ctx, lambda g, a: g.instance_normalization(a), [x]), (x - mu) / np.sqrt(sigma + 1e-5), "float32")


def conv2d_reference(x, w, bias, stride, pads):
    x = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[1]), (pads[2], pads[3])))
    n, c, h, wd = x.shape
    o, _, kh, kw = w.shape
    oh, ow = (h - kh) // stride + 1, (wd - kw) // stride + 1
    out = np.zeros((n, o, oh, ow))
    for i in range(oh):
        for j in range(ow):
            patch = x[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
            out[:, :, i, j] = np.tensordot(patch, w, axes=([1, 2, 3], [1, 2, 3]))
    return out + bias[None, :, None, None]


def test_conv2d_and_pools_with_pywebnn_keywords(ctx, rng):
    x = random_array(rng, [1, 2, 7, 7], "float32", -1, 1)
    w = random_array(rng, [3, 2, 3, 3], "float32", -1, 1)
    bias = random_array(rng, [3], "float32", -1, 1)
    expected = conv2d_reference(x.astype(np.float64), w, bias, 2, [1, 1, 1, 1])
    close(run(ctx, lambda g, a, f, b: g.conv2d(a, f, strides=[2, 2], pads=[1, 1, 1, 1], bias=b), [x, w, bias]),
          expected.astype(np.float32), "float32")
    windows = x.reshape(1, 2, 7, 1, 7, 1)[:, :, :6, :, :6, :].reshape(1, 2, 3, 2, 3, 2)
    close(run(ctx, lambda g, a: g.max_pool2d(a, [2, 2], [2, 2]), [x]), windows.max(axis=(3, 5)), "float32")
    close(run(ctx, lambda g, a: g.average_pool2d(a, window_dimensions=[2, 2], strides=[2, 2]), [x]),
          windows.mean(axis=(3, 5)), "float32")
    # No window: the whole input, as the specification says (pywebnn's default was 1 x 1).
    close(run(ctx, lambda g, a: g.global_average_pool(a), [x]), x.mean(axis=(2, 3), keepdims=True), "float32")


def test_quantization_round_trip(ctx, rng):
    x = random_array(rng, [2, 4], "float32", -2, 2)
    scale = np.array([0.05], dtype=np.float32)
    zero = np.array([3], dtype=np.int8)

    def build(g, a):
        s, z = g.constant(scale), g.constant(zero)
        return g.dequantize_linear(g.quantize_linear(a, s, z), s, z)

    expected = (np.clip(np.round(x / 0.05) + 3, -128, 127) - 3) * 0.05
    close(run(ctx, build, [x]), expected.astype(np.float32), "float32")


# Gathers and scatters. Scatter indices are distinct, since the specification leaves the
# order of duplicate writes open.

@pytest.mark.parametrize("dtype", ["float32", "int32"])
def test_gather_elements_and_nd(ctx, rng, dtype):
    for _ in range(3):
        shape = random_shape(rng, int(rng.integers(1, 4)))
        axis = int(rng.integers(0, len(shape)))
        x = random_array(rng, shape, dtype, -9, 9)
        index_shape = list(shape)
        index_shape[axis] = int(rng.integers(1, 5))
        indices = rng.integers(0, shape[axis], size=index_shape).astype(np.int32)
        close(run(ctx, lambda g, a, i: g.gather_elements(a, i, axis=axis), [x, indices]),
              np.take_along_axis(x, indices, axis), dtype)

        k = int(rng.integers(1, len(shape) + 1))
        batch = random_shape(rng, int(rng.integers(1, 3)))
        nd = np.stack([rng.integers(0, shape[j], size=batch) for j in range(k)], axis=-1).astype(np.int32)
        expected = x[tuple(nd[..., j] for j in range(k))]
        close(run(ctx, lambda g, a, i: g.gather_nd(a, i), [x, nd]), expected, dtype)


@pytest.mark.parametrize("dtype", ["float32", "int32"])
def test_scatter_elements_and_nd(ctx, rng, dtype):
    for _ in range(3):
        shape = random_shape(rng, int(rng.integers(1, 4)))
        axis = int(rng.integers(0, len(shape)))
        x = random_array(rng, shape, dtype, -9, 9)
        index_shape = list(shape)
        index_shape[axis] = int(rng.integers(1, shape[axis] + 1))
        # Distinct positions along the axis for every other coordinate.
        order = np.argsort(rng.random(shape), axis=axis)
        indices = np.take(order, range(index_shape[axis]), axis=axis).astype(np.int32)
        updates = random_array(rng, index_shape, dtype, -9, 9)
        expected = x.copy()
        np.put_along_axis(expected, indices, updates, axis)
        close(run(ctx, lambda g, a, i, u: g.scatter_elements(a, i, u, axis=axis), [x, indices, updates]),
              expected, dtype)

        k = int(rng.integers(1, len(shape) + 1))
        cells = int(np.prod(shape[:k]))
        count = int(rng.integers(1, cells + 1))
        flat = rng.permutation(cells)[:count]
        nd = np.stack(np.unravel_index(flat, shape[:k]), axis=-1).astype(np.int32)
        updates = random_array(rng, [count] + shape[k:], dtype, -9, 9)
        expected = x.copy()
        expected[tuple(nd[:, j] for j in range(k))] = updates
        close(run(ctx, lambda g, a, i, u: g.scatter_nd(a, i, u), [x, nd, updates]), expected, dtype)


def l2_pool_reference(x, window, strides, pads):
    x = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (pads[0], pads[1]), (pads[2], pads[3])))
    (kh, kw), (sh, sw) = window, strides
    oh, ow = (x.shape[2] - kh) // sh + 1, (x.shape[3] - kw) // sw + 1
    out = np.zeros(x.shape[:2] + (oh, ow))
    for i in range(oh):
        for j in range(ow):
            patch = x[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw]
            out[:, :, i, j] = np.sqrt(np.sum(patch * patch, axis=(2, 3)))
    return out


@pytest.mark.parametrize("dtype", FLOATS)
def test_l2_pool2d(ctx, rng, dtype):
    for _ in range(3):
        shape = [int(rng.integers(1, 3)), int(rng.integers(1, 4)), int(rng.integers(3, 8)), int(rng.integers(3, 8))]
        x = random_array(rng, shape, dtype, -2, 2)
        window = [int(rng.integers(1, 4)), int(rng.integers(1, 4))]
        strides = [int(rng.integers(1, 3)), int(rng.integers(1, 3))]
        pads = [int(p) for p in rng.integers(0, 2, size=4)]
        expected = l2_pool_reference(x, window, strides, pads).astype(dtype)
        close(run(ctx, lambda g, a: g.l2_pool2d(a, window, strides, padding=pads), [x]), expected, dtype)
    # No window: the whole of H and W.
    close(run(ctx, lambda g, a: g.l2_pool2d(a), [x]), l2_pool_reference(x, shape[2:], [1, 1], [0] * 4).astype(dtype),
          dtype)


def resample_reference(x, out_sizes, axes, mode):
    """Half-pixel sampling: x_in = clamp((x_out + 0.5) / scale - 0.5, 0, in - 1), scale = out / in;
    nearest takes ceil(x_in - 0.5), linear interpolates between floor(x_in) and ceil(x_in)."""
    y = x.astype(np.float64)
    for axis, out in zip(axes, out_sizes):
        size = y.shape[axis]
        position = np.clip((np.arange(out) + 0.5) * size / out - 0.5, 0, size - 1)
        if mode == "nearest-neighbor":
            y = np.take(y, np.ceil(position - 0.5).astype(int), axis=axis)
        else:
            low, high = np.floor(position).astype(int), np.ceil(position).astype(int)
            weight = (position - low).reshape([-1 if a == axis else 1 for a in range(4)])
            y = np.take(y, low, axis=axis) * (1 - weight) + np.take(y, high, axis=axis) * weight
    return y


@pytest.mark.parametrize("mode", ["nearest-neighbor", "linear"])
@pytest.mark.parametrize("dtype", FLOATS)
def test_resample2d(ctx, rng, mode, dtype):
    for _ in range(3):
        shape = [int(d) for d in rng.integers(1, 4, size=2)] + [2 * int(d) for d in rng.integers(1, 4, size=2)]
        x = random_array(rng, shape, dtype, -2, 2)
        # Scales whose products are whole numbers, so scale == out / in exactly.
        scales = [float(rng.choice([0.5, 1.0, 1.5, 2.0, 3.0])) for _ in range(2)]
        sizes = [int(d * s) for d, s in zip(shape[2:], scales)]
        expected = resample_reference(x, sizes, [2, 3], mode).astype(dtype)
        close(run(ctx, lambda g, a: g.resample2d(a, mode=mode, scales=scales), [x]), expected, dtype)
        sizes = [int(d) for d in rng.integers(1, 9, size=2)]
        expected = resample_reference(x, sizes, [2, 3], mode).astype(dtype)
        close(run(ctx, lambda g, a: g.resample2d(a, mode=mode, sizes=sizes), [x]), expected, dtype)
        # Other axes: H and W of an nhwc tensor.
        nhwc = np.ascontiguousarray(x.transpose(0, 2, 3, 1))
        expected = resample_reference(nhwc, sizes, [1, 2], mode).astype(dtype)
        close(run(ctx, lambda g, a: g.resample2d(a, mode=mode, sizes=sizes, axes=[1, 2]), [nhwc]), expected, dtype)


# Recurrent networks, as the specification's emulation computes them: gates sliced out of the
# weights in layout order, the backward direction reading the steps last to first, and each
# direction's output of step t at sequence[t], as the WPT vectors in shared/wpt have it (not
# stacked in the order the backward steps were computed).

ACTIVATIONS = {"sigmoid": lambda v: 1 / (1 + np.exp(-v)), "tanh": np.tanh, "relu": lambda v: np.maximum(v, 0)}


def gru_cell_reference(x, h, w, r, b, rb, reset_after, layout, activations):
    f, g = (ACTIVATIONS[a] for a in activations)
    n_h = h.shape[-1]
    gates = {name: slice(i * n_h, (i + 1) * n_h) for i, name in enumerate(layout)}
    b = np.zeros(3 * n_h) if b is None else b
    rb = np.zeros(3 * n_h) if rb is None else rb

    def part(name, weight, value, bias):
        return value @ weight[gates[name]].T + bias[gates[name]]

    z = f(part("z", w, x, b) + part("z", r, h, rb))
    reset = f(part("r", w, x, b) + part("r", r, h, rb))
    if reset_after:
        n = g(part("n", w, x, b) + reset * part("n", r, h, rb))
    else:
        n = g(part("n", w, x, b) + part("n", r, reset * h, rb))
    return (1 - z) * n + z * h


def lstm_cell_reference(x, h, c, w, r, b, rb, p, layout, activations):
    f, g, act = (ACTIVATIONS[a] for a in activations)
    n_h = h.shape[-1]
    gates = {name: slice(i * n_h, (i + 1) * n_h) for i, name in enumerate(layout)}
    b = np.zeros(4 * n_h) if b is None else b
    rb = np.zeros(4 * n_h) if rb is None else rb
    p = np.zeros(3 * n_h) if p is None else p
    peep = {name: p[i * n_h:(i + 1) * n_h] for i, name in enumerate("iof")}

    def part(name):
        return x @ w[gates[name]].T + b[gates[name]] + h @ r[gates[name]].T + rb[gates[name]]

    i = f(part("i") + peep["i"] * c)
    forget = f(part("f") + peep["f"] * c)
    cell = forget * c + i * g(part("g"))
    o = f(part("o") + peep["o"] * cell)
    return o * act(cell), cell


def recurrent_reference(cell, x, start, direction, per_direction):
    """Runs `cell(x_t, *states, *per_direction(d))` over the steps; `start` lists the initial
    states, each [directions, batch, hidden]. Returns the final states and the sequence."""
    steps = x.shape[0]
    directions = 2 if direction == "both" else 1
    states = [[s[d] for s in start] for d in range(directions)]
    sequence = np.zeros((steps,) + start[0].shape)
    for step in range(steps):
        for d in range(directions):
            t = steps - step - 1 if d == 1 or direction == "backward" else step
            result = cell(x[t], *states[d], *per_direction(d))
            states[d] = list(result) if isinstance(result, tuple) else [result]
            sequence[t, d] = states[d][0]
    finals = [np.stack([states[d][k] for d in range(directions)]) for k in range(len(start))]
    return finals, sequence


def optional(rng, present, shape, dtype):
    return random_array(rng, shape, dtype, -1, 1) if present else None


@pytest.mark.parametrize("direction", ["forward", "backward", "both"])
@pytest.mark.parametrize("reset_after", [True, False])
@pytest.mark.parametrize("dtype", FLOATS)
def test_gru(ctx, rng, direction, reset_after, dtype):
    for layout in ("zrn", "rzn"):
        steps, batch, n_in, n_h = (int(v) for v in rng.integers(1, 5, size=4))
        nd = 2 if direction == "both" else 1
        x = random_array(rng, [steps, batch, n_in], dtype, -1, 1)
        w = random_array(rng, [nd, 3 * n_h, n_in], dtype, -1, 1)
        r = random_array(rng, [nd, 3 * n_h, n_h], dtype, -1, 1)
        b, rb = optional(rng, True, [nd, 3 * n_h], dtype), optional(rng, layout == "zrn", [nd, 3 * n_h], dtype)
        h0 = optional(rng, layout == "rzn", [nd, batch, n_h], dtype)
        activations = ["sigmoid", "tanh"] if layout == "zrn" else ["sigmoid", "relu"]
        wide = [v.astype(np.float64) if v is not None else None for v in (x, w, r, b, rb, h0)]
        start = np.zeros((nd, batch, n_h)) if h0 is None else wide[5]
        per = (lambda d: (wide[1][d], wide[2][d], None if b is None else wide[3][d],
                          None if rb is None else wide[4][d], reset_after, layout, activations))
        (hidden,), sequence = recurrent_reference(gru_cell_reference, wide[0], [start], direction, per)
        operands = [v for v in (x, w, r, b, rb, h0) if v is not None]

        def build(g, *ops):
            ops = list(ops)
            xi, wi, ri = ops[:3]
            rest = ops[3:]
            bi = rest.pop(0) if b is not None else None
            rbi = rest.pop(0) if rb is not None else None
            hi = rest.pop(0) if h0 is not None else None
            outputs = g.gru(xi, wi, ri, steps, n_h, bias=bi, recurrent_bias=rbi, initial_hidden_state=hi,
                            reset_after=reset_after, return_sequence=True, direction=direction, layout=layout,
                            activations=activations)
            assert [o.shape for o in outputs] == [[nd, batch, n_h], [steps, nd, batch, n_h]]
            return g.concat([g.reshape(outputs[0], [nd * batch * n_h]),
                             g.reshape(outputs[1], [steps * nd * batch * n_h])], 0)

        expected = np.concatenate([hidden.ravel(), sequence.ravel()]).astype(dtype)
        close(run(ctx, build, operands), expected, dtype)


def pick(present, ops):
    """The operands of `ops` (in order) for the names in `present`, None for the others."""
    ops = list(ops)
    return [ops.pop(0) if there else None for there in present]


@pytest.mark.parametrize("direction", ["forward", "backward", "both"])
@pytest.mark.parametrize("dtype", FLOATS)
def test_lstm(ctx, rng, direction, dtype):
    for layout, everything in (("iofg", False), ("ifgo", True)):
        steps, batch, n_in, n_h = (int(v) for v in rng.integers(1, 5, size=4))
        nd = 2 if direction == "both" else 1
        x = random_array(rng, [steps, batch, n_in], dtype, -1, 1)
        w = random_array(rng, [nd, 4 * n_h, n_in], dtype, -1, 1)
        r = random_array(rng, [nd, 4 * n_h, n_h], dtype, -1, 1)
        b = optional(rng, True, [nd, 4 * n_h], dtype)
        rb, p = optional(rng, everything, [nd, 4 * n_h], dtype), optional(rng, everything, [nd, 3 * n_h], dtype)
        h0, c0 = (optional(rng, everything, [nd, batch, n_h], dtype) for _ in range(2))
        activations = ["sigmoid", "tanh", "tanh"] if not everything else ["sigmoid", "relu", "tanh"]
        given = [x, w, r, b, rb, p, h0, c0]
        wx, ww, wr, wb, wrb, wp, wh0, wc0 = (None if v is None else v.astype(np.float64) for v in given)
        start = [np.zeros((nd, batch, n_h)) if v is None else v for v in (wh0, wc0)]
        per = (lambda d: (ww[d], wr[d], None if wb is None else wb[d], None if wrb is None else wrb[d],
                          None if wp is None else wp[d], layout, activations))
        (hidden, cell), sequence = recurrent_reference(lstm_cell_reference, wx, start, direction, per)

        def build(g, xi, wi, ri, *rest):
            bi, rbi, pi, hi, ci = pick([v is not None for v in given[3:]], rest)
            outputs = g.lstm(xi, wi, ri, steps, n_h, bias=bi, recurrent_bias=rbi, peephole_weight=pi,
                             initial_hidden_state=hi, initial_cell_state=ci, return_sequence=True,
                             direction=direction, layout=layout, activations=activations)
            assert [o.shape for o in outputs] == [[nd, batch, n_h], [nd, batch, n_h], [steps, nd, batch, n_h]]
            return g.concat([g.reshape(o, [int(np.prod(o.shape))]) for o in outputs], 0)

        expected = np.concatenate([hidden.ravel(), cell.ravel(), sequence.ravel()]).astype(dtype)
        close(run(ctx, build, [v for v in given if v is not None]), expected, dtype)


@pytest.mark.parametrize("dtype", FLOATS)
def test_gru_cell_and_lstm_cell(ctx, rng, dtype):
    for reset_after in (True, False):
        batch, n_in, n_h = (int(v) for v in rng.integers(1, 5, size=3))
        x, h = random_array(rng, [batch, n_in], dtype, -1, 1), random_array(rng, [batch, n_h], dtype, -1, 1)
        w, r = random_array(rng, [3 * n_h, n_in], dtype, -1, 1), random_array(rng, [3 * n_h, n_h], dtype, -1, 1)
        b, rb = random_array(rng, [3 * n_h], dtype, -1, 1), random_array(rng, [3 * n_h], dtype, -1, 1)
        wide = [v.astype(np.float64) for v in (x, h, w, r, b, rb)]
        expected = gru_cell_reference(*wide, reset_after, "zrn", ["sigmoid", "tanh"])
        close(run(ctx, lambda g, *o: g.gru_cell(*o[:4], n_h, bias=o[4], recurrent_bias=o[5], reset_after=reset_after),
                  [x, w, r, h, b, rb]), expected.astype(dtype), dtype)

    batch, n_in, n_h = (int(v) for v in rng.integers(1, 5, size=3))
    x = random_array(rng, [batch, n_in], dtype, -1, 1)
    h, c = random_array(rng, [batch, n_h], dtype, -1, 1), random_array(rng, [batch, n_h], dtype, -1, 1)
    w, r = random_array(rng, [4 * n_h, n_in], dtype, -1, 1), random_array(rng, [4 * n_h, n_h], dtype, -1, 1)
    b, rb = random_array(rng, [4 * n_h], dtype, -1, 1), random_array(rng, [4 * n_h], dtype, -1, 1)
    p = random_array(rng, [3 * n_h], dtype, -1, 1)
    wide = [v.astype(np.float64) for v in (x, h, c, w, r, b, rb, p)]
    hidden, cell = lstm_cell_reference(*wide, "iofg", ["sigmoid", "tanh", "tanh"])

    def build(g, xi, wi, ri, hi, ci, bi, rbi, pi):
        outputs = g.lstm_cell(xi, wi, ri, hi, ci, n_h, bias=bi, recurrent_bias=rbi, peephole_weight=pi)
        return g.concat([g.reshape(o, [batch * n_h]) for o in outputs], 0)

    close(run(ctx, build, [x, w, r, h, c, b, rb, p]), np.concatenate([hidden.ravel(), cell.ravel()]).astype(dtype),
          dtype)


@pytest.mark.parametrize("dtype", FLOATS)
def test_remaining_element_wise_and_predicates(ctx, rng, dtype):
    """The operators no table above covers: tan, gelu, prelu, the logical operators on uint8,
    isNaN/isInfinite, reduceLogSum and the global max pool."""
    x = random_array(rng, [3, 4, 5], dtype, -1.2, 1.2)
    f = x.astype(np.float64)
    close(run(ctx, lambda g, a: g.tan(a), [x]), np.tan(f).astype(dtype), dtype)
    gelu = 0.5 * f * (1 + np.vectorize(math.erf)(f / math.sqrt(2)))
    close(run(ctx, lambda g, a: g.gelu(a), [x]), gelu.astype(dtype), dtype)
    slope = random_array(rng, [5], dtype, 0.1, 0.9)
    close(run(ctx, lambda g, a, s: g.prelu(a, s), [x, slope]), np.where(f > 0, f, f * slope).astype(dtype), dtype)

    positive = random_array(rng, [3, 4, 5], dtype, 0.5, 2)
    expected = np.log(np.sum(positive.astype(np.float64), axis=(1, 2)))
    close(run(ctx, lambda g, a: g.reduce_log_sum(a, axes=[1, 2]), [positive]), expected.astype(dtype), dtype)

    pooled = run(ctx, lambda g, a: g.global_max_pool(a), [x.reshape(1, 3, 4, 5)])
    assert np.array_equal(pooled.reshape(3), x.reshape(3, 20).max(axis=1))

    special = x.copy()
    special.flat[::7] = np.nan
    special.flat[3::11] = np.inf
    special.flat[5::13] = -np.inf
    for op, reference in (("is_nan", np.isnan), ("is_infinite", np.isinf)):
        result = run(ctx, lambda g, a: getattr(g, op)(a), [special])
        assert result.dtype == np.uint8 and np.array_equal(result, reference(special).astype(np.uint8)), op


def test_logical_operators(ctx, rng):
    a = rng.integers(0, 3, size=[4, 6]).astype(np.uint8)
    b = rng.integers(0, 2, size=[6]).astype(np.uint8)
    for op, reference in (("logical_and", np.logical_and), ("logical_or", np.logical_or),
                          ("logical_xor", np.logical_xor)):
        result = run(ctx, lambda g, x, y: getattr(g, op)(x, y), [a, b])
        assert result.dtype == np.uint8 and np.array_equal(result, reference(a, b).astype(np.uint8)), op
    result = run(ctx, lambda g, x: g.logical_not(x), [a])
    assert np.array_equal(result, np.logical_not(a).astype(np.uint8))


@pytest.mark.parametrize("dtype", ["float32", "int32"])
def test_split(ctx, rng, dtype):
    x = random_array(rng, [2, 7, 3], dtype)
    builder = ctx.create_graph_builder()
    parts = builder.split(builder.input("x", [2, 7, 3], dtype), [2, 5], axis=1)
    graph = builder.build({"a": parts[0], "b": parts[1]})
    result = ctx.compute(graph, {"x": x})
    assert np.array_equal(result["a"], x[:, :2]) and np.array_equal(result["b"], x[:, 2:])
    evenly = run(ctx, lambda g, a: g.split(a, 3, axis=2)[1], [x])
    assert np.array_equal(evenly, x[:, :, 1:2])


@pytest.mark.parametrize("stride", [1, 2])
def test_conv_transpose2d(ctx, rng, stride):
    x = random_array(rng, [1, 3, 4, 5], "float32")
    w = random_array(rng, [3, 2, 3, 3], "float32")  # the default filter layout, iohw
    expected = np.zeros([1, 2, (4 - 1) * stride + 3, (5 - 1) * stride + 3])
    for i in range(4):
        for j in range(5):
            patch = np.einsum("c,cokl->okl", x[0, :, i, j].astype(np.float64), w.astype(np.float64))
            expected[0, :, i * stride:i * stride + 3, j * stride:j * stride + 3] += patch
    result = run(ctx, lambda g, a, b: g.conv_transpose2d(a, b, strides=[stride, stride]), [x, w])
    close(result, expected.astype(np.float32), "float32")
