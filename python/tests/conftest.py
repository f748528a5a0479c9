import numpy as np
import pytest

import webnn


@pytest.fixture(scope="session")
def ctx():
    context = webnn.ML().create_context(power_preference="default", accelerated=False)
    yield context
    context.destroy()


_SUMMARY = pytest.StashKey[list]()


def pytest_configure(config):
    config.stash[_SUMMARY] = []


@pytest.fixture
def summary_lines(request):
    """Lines to print at the end of the run, even when the tests pass (pytest -q hides print)."""
    return request.config.stash[_SUMMARY]


def pytest_terminal_summary(terminalreporter, config):
    for line in config.stash[_SUMMARY]:
        terminalreporter.write_line(line)


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


def run(ctx, build, inputs):
    """Builds a graph with `build(builder, operands)` over inputs named x0, x1, ... and computes it."""
    builder = ctx.create_graph_builder()
    operands = [builder.input(f"x{i}", list(a.shape), a.dtype.name) for i, a in enumerate(inputs)]
    graph = builder.build({"y": build(builder, *operands)})
    return ctx.compute(graph, {f"x{i}": a for i, a in enumerate(inputs)})["y"]
