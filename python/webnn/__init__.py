"""The W3C WebNN API for Python, on swift-webnn's Vulkan backend, with pywebnn's interface.

>>> import numpy as np, webnn
>>> ctx = webnn.ML().create_context(accelerated=False)
>>> builder = ctx.create_graph_builder()
>>> x = builder.input("x", [2], "float32")
>>> graph = builder.build({"y": builder.relu(x)})
>>> ctx.compute(graph, {"x": np.array([-1, 2], dtype=np.float32)})["y"]
array([0., 2.], dtype=float32)
"""

from ._api import ML, MLContext, MLGraph, MLTensor, load
from ._builder import OPERATORS, MLGraphBuilder, MLOperand
from ._errors import (DataError, InvalidStateError, MLError, MLTypeError, NotSupportedError, OperationError,
                      UnknownError)
from ._lib import lib as _lib

__version__ = _lib.webnn_version().decode()

__all__ = [
    "ML", "MLContext", "MLGraph", "MLGraphBuilder", "MLOperand", "MLTensor", "load", "OPERATORS", "MLError",
    "MLTypeError", "DataError", "OperationError", "NotSupportedError", "InvalidStateError", "UnknownError",
]
