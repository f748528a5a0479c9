"""Small networks end to end: a CNN against a NumPy forward pass."""

import numpy as np

from test_ops_numpy import close, conv2d_reference


def test_small_cnn_matches_numpy(ctx):
    rng = np.random.default_rng(7)
    x = rng.uniform(-1, 1, (2, 3, 12, 12)).astype(np.float32)
    w1 = rng.normal(0, 0.3, (8, 3, 3, 3)).astype(np.float32)
    b1 = rng.normal(0, 0.1, 8).astype(np.float32)
    w2 = rng.normal(0, 0.3, (16, 8, 3, 3)).astype(np.float32)
    b2 = rng.normal(0, 0.1, 16).astype(np.float32)
    fc = rng.normal(0, 0.3, (16, 10)).astype(np.float32)

    builder = ctx.create_graph_builder()
    inp = builder.input("image", list(x.shape), "float32")
    h = builder.relu(builder.conv2d(inp, builder.constant(w1), pads=[1, 1, 1, 1], bias=builder.constant(b1)))
    h = builder.max_pool2d(h, [2, 2], [2, 2])
    h = builder.relu(builder.conv2d(h, builder.constant(w2), strides=[2, 2], bias=builder.constant(b2)))
    h = builder.reshape(builder.global_average_pool(h), [2, 16])
    logits = builder.matmul(h, builder.constant(fc))
    graph = builder.build({"probabilities": builder.softmax(logits, 1)})

    r = np.maximum(conv2d_reference(x.astype(np.float64), w1, b1, 1, [1, 1, 1, 1]), 0)
    r = r.reshape(2, 8, 6, 2, 6, 2).max(axis=(3, 5))
    r = np.maximum(conv2d_reference(r, w2, b2, 2, [0, 0, 0, 0]), 0).mean(axis=(2, 3))
    z = r @ fc
    e = np.exp(z - z.max(axis=1, keepdims=True))
    expected = (e / e.sum(axis=1, keepdims=True)).astype(np.float32)
    for _ in range(2):
        close(ctx.compute(graph, {"image": x})["probabilities"], expected, "float32")
