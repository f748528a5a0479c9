"""ML, MLContext, MLGraph and MLTensor over the C API; the builder is in _builder.py."""

import ctypes
import json
import weakref

import numpy as np

from . import _lib
from ._errors import MLTypeError, NotSupportedError
from ._lib import check, lib

# The WebNN data types NumPy can hold; int4 and uint4 travel as packed uint8 bytes.
NUMPY_TYPES = {
    "float32": np.float32, "float16": np.float16, "int32": np.int32, "uint32": np.uint32,
    "int64": np.int64, "uint64": np.uint64, "int8": np.int8, "uint8": np.uint8,
}
PACKED_TYPES = ("int4", "uint4")


def data_type_of(array: np.ndarray) -> str:
    """The WebNN data type for a NumPy array: its own, float64 as float32, bool as uint8."""
    if array.dtype == np.float64:
        return "float32"
    if array.dtype == np.bool_:
        return "uint8"
    name = array.dtype.name
    if name not in NUMPY_TYPES:
        raise MLTypeError(f"arrays of dtype {name} have no WebNN data type")
    return name


def element_count(shape) -> int:
    count = 1
    for d in shape:
        count *= int(d)
    return count


def byte_length(data_type: str, shape) -> int:
    if data_type in PACKED_TYPES:
        return (element_count(shape) + 1) // 2
    return element_count(shape) * np.dtype(NUMPY_TYPES[data_type]).itemsize


def host_array(value, data_type: str, shape, what: str) -> np.ndarray:
    """`value` (any array-like) as a C-contiguous array of `data_type` and exactly `shape`."""
    if data_type in PACKED_TYPES:
        array = np.ascontiguousarray(np.asarray(value, dtype=np.uint8)).reshape(-1)
        if array.size != byte_length(data_type, shape):
            raise MLTypeError(f"{what}: {data_type} {list(shape)} needs {byte_length(data_type, shape)} packed bytes")
        return array
    # np.asarray with order="C" rather than np.ascontiguousarray, which turns a 0-D array (a
    # scalar tensor) into shape [1].
    array = np.asarray(value, dtype=NUMPY_TYPES[data_type], order="C")
    if list(array.shape) != [int(d) for d in shape]:
        raise MLTypeError(f"{what}: shape {list(array.shape)} given, {list(shape)} expected")
    return array


def empty_array(data_type: str, shape) -> np.ndarray:
    if data_type in PACKED_TYPES:
        return np.empty(byte_length(data_type, shape), dtype=np.uint8)
    return np.empty([int(d) for d in shape], dtype=NUMPY_TYPES[data_type])


class ML:
    """The entry point: opens contexts.

    >>> ctx = webnn.ML().create_context(power_preference="default", accelerated=False)
    """

    def create_context(self, power_preference: str = "default", accelerated: bool = True, **_ignored) -> "MLContext":
        """A context on the device that best fits the preference ("default", "high-performance",
        "low-power"); accelerated=False prefers a CPU device. pywebnn's device_type and backend
        keywords are accepted and ignored: there is one backend, Vulkan."""
        handle = ctypes.c_void_p()
        check(lib.webnn_context_create(power_preference.encode(), 1 if accelerated else 0, ctypes.byref(handle)))
        return MLContext(handle.value, power_preference)


class MLContext:
    """A device on which graphs are built and tensors live."""

    def __init__(self, handle: int, power_preference: str):
        self._handle = handle
        self._power_preference = power_preference
        self._finalizer = weakref.finalize(self, lib.webnn_context_destroy, handle)

    @property
    def handle(self) -> int:
        return self._handle

    @property
    def power_preference(self) -> str:
        return self._power_preference

    def _info(self) -> dict:
        return json.loads(_lib.call_json(lib.webnn_context_info_json, self._handle))

    @property
    def accelerated(self) -> bool:
        """Whether the device is an accelerator rather than a CPU implementation (lavapipe: False)."""
        return self._info()["accelerated"]

    @property
    def device_name(self) -> str:
        return self._info()["deviceName"]

    def create_graph_builder(self) -> "MLGraphBuilder":
        from ._builder import MLGraphBuilder

        return MLGraphBuilder(self)

    def compute(self, graph: "MLGraph", inputs: dict, outputs: dict = None) -> dict:
        """Runs the graph once and waits. Inputs are any array-likes of the inputs' shapes; the
        result maps every output name to a NumPy array of the output's own data type. Arrays in
        `outputs` (C-contiguous, of the right dtype and shape) are filled in place instead."""
        names = list(inputs)
        arrays = []
        for name in names:
            if name not in graph.inputs:
                raise MLTypeError(f"compute: the graph has no input {name!r} (it has {sorted(graph.inputs)})")
            d = graph.inputs[name]
            arrays.append(host_array(inputs[name], d["dataType"], d["shape"], f"compute: inputs[{name!r}]"))
        results = {}
        for name, d in graph.outputs.items():
            given = (outputs or {}).get(name)
            if given is not None:
                if not (isinstance(given, np.ndarray) and given.flags.c_contiguous
                        and given.nbytes == byte_length(d["dataType"], d["shape"])
                        and (d["dataType"] in PACKED_TYPES or given.dtype == NUMPY_TYPES[d["dataType"]])):
                    raise MLTypeError(f"compute: outputs[{name!r}] is not a C-contiguous {d['dataType']} {d['shape']}")
                results[name] = given
            else:
                results[name] = empty_array(d["dataType"], d["shape"])
        out_names = list(results)
        in_data = (ctypes.c_void_p * max(len(arrays), 1))(*[a.ctypes.data for a in arrays])
        in_sizes = (ctypes.c_size_t * max(len(arrays), 1))(*[a.nbytes for a in arrays])
        out_data = (ctypes.c_void_p * max(len(out_names), 1))(*[results[n].ctypes.data for n in out_names])
        out_sizes = (ctypes.c_size_t * max(len(out_names), 1))(*[results[n].nbytes for n in out_names])
        check(lib.webnn_compute(
            self._handle, graph._handle, len(names), _lib.names_array(names), in_data, in_sizes,
            len(out_names), _lib.names_array(out_names), out_data, out_sizes))
        return results

    def dispatch(self, graph: "MLGraph", inputs: dict, outputs: dict) -> None:
        """Queues one run with every input and output bound to an MLTensor; returns at once."""
        in_names, out_names = list(inputs), list(outputs)
        check(lib.webnn_dispatch(
            self._handle, graph._handle,
            len(in_names), _lib.names_array(in_names), _lib.handles_array([inputs[n]._handle for n in in_names]),
            len(out_names), _lib.names_array(out_names), _lib.handles_array([outputs[n]._handle for n in out_names])))

    def create_tensor(self, shape, data_type: str, readable: bool = False, writable: bool = False,
                      exportable_to_gpu: bool = False) -> "MLTensor":
        """A zero-filled tensor. readable and writable default to False, as in the
        specification's MLTensorDescriptor."""
        if exportable_to_gpu:
            raise NotSupportedError("create_tensor: exportable_to_gpu tensors are not supported")
        dims, rank = _lib.shape_array(shape)
        handle = ctypes.c_void_p()
        usage = (1 if readable else 0) | (2 if writable else 0)
        check(lib.webnn_tensor_create(self._handle, data_type.encode(), dims, rank, usage, ctypes.byref(handle)))
        return MLTensor(self, handle.value, data_type, [int(d) for d in shape], readable, writable)

    def read_tensor(self, tensor: "MLTensor") -> np.ndarray:
        """The tensor's contents once queued work is done, as an array of its own data type."""
        result = empty_array(tensor.data_type, tensor.shape)
        check(lib.webnn_tensor_read(self._handle, tensor._handle, result.ctypes.data, result.nbytes))
        return result

    def write_tensor(self, tensor: "MLTensor", data) -> None:
        """Replaces the tensor's contents with `data`, any array-like of its shape."""
        array = host_array(data, tensor.data_type, tensor.shape, "write_tensor: data")
        check(lib.webnn_tensor_write(self._handle, tensor._handle, array.ctypes.data, array.nbytes))

    def op_support_limits(self) -> dict:
        """opSupportLimits(): preferredInputLayout, maxTensorByteLength, input, constant,
        output, and per operator per argument {"dataTypes": [...], "rankRange": {...}}."""
        return json.loads(_lib.call_json(lib.webnn_context_op_support_limits, self._handle))

    def load(self, path, weights_path=None, dimensions=None, input_shapes=None) -> "MLGraph":
        """Loads and compiles a graph file: .webnn (text), .json (webnn-graph-json) with its
        weights beside it or at weights_path, or an .onnx model; dimensions sizes dynamic
        dimensions, input_shapes fixes ONNX input shapes."""
        options = {}
        if weights_path is not None:
            options["weights"] = str(weights_path)
        if dimensions:
            options["dimensions"] = {k: int(v) for k, v in dimensions.items()}
        if input_shapes:
            options["inputShapes"] = {k: [int(d) for d in v] for k, v in input_shapes.items()}
        handle = ctypes.c_void_p()
        check(lib.webnn_graph_load(self._handle, str(path).encode(), json.dumps(options).encode(),
                                   ctypes.byref(handle)))
        return MLGraph(self, handle.value)

    def load_onnx(self, path, input_shapes=None, dimensions=None) -> "MLGraph":
        """Imports an ONNX model (see load)."""
        return self.load(path, dimensions=dimensions, input_shapes=input_shapes)

    def graph_from_json(self, document, weights_path=None, dimensions=None) -> "MLGraph":
        """Compiles a webnn-graph-json document given as text or as a dict."""
        text = document if isinstance(document, str) else json.dumps(document)
        options = {"dimensions": {k: int(v) for k, v in (dimensions or {}).items()}}
        handle = ctypes.c_void_p()
        check(lib.webnn_graph_from_json(
            self._handle, text.encode(), None if weights_path is None else str(weights_path).encode(),
            json.dumps(options).encode(), ctypes.byref(handle)))
        return MLGraph(self, handle.value)

    def destroy(self) -> None:
        """Destroys the context and everything made on it. Later calls raise MLTypeError."""
        if self._finalizer.alive:
            self._finalizer()

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.destroy()


class MLGraph:
    """A compiled graph: run it with MLContext.compute or MLContext.dispatch."""

    def __init__(self, context: MLContext, handle: int):
        self._context = context  # keeps the context alive as long as the graph
        self._handle = handle
        description = self._describe()
        self.inputs = description["inputs"]
        self.outputs = description["outputs"]
        # Destroying the context releases the graph's handle too; the C API ignores the stale one.
        self._finalizer = weakref.finalize(self, lib.webnn_graph_destroy, handle)

    def _describe(self) -> dict:
        return json.loads(_lib.call_json(lib.webnn_graph_json, self._handle))

    @property
    def context(self) -> MLContext:
        return self._context

    @property
    def statistics(self) -> dict:
        """The backend's counts: dispatches per run, pipelines, recordings of its command buffer."""
        return self._describe()["statistics"]

    def get_input_names(self) -> list:
        return sorted(self.inputs)

    def get_output_names(self) -> list:
        return sorted(self.outputs)

    def save(self, path, *, quantized: bool = False) -> None:
        """Writes the graph as a .webnn text file (or JSON for .json), its larger constants in a
        .safetensors file beside it."""
        if quantized:
            raise NotSupportedError("save: quantized=True is not supported")
        check(lib.webnn_graph_save(self._handle, str(path).encode()))

    @staticmethod
    def load(path, manifest_path=None, weights_path=None, context: MLContext = None) -> "MLGraph":
        """Loads a graph file on `context`, or on a default context made for it. A manifest must
        lie beside its .weights blob (named <stem>.manifest.json or manifest.json)."""
        if manifest_path is not None and weights_path is None:
            raise MLTypeError("load: manifest_path needs weights_path (the .weights blob)")
        return (context or _default_context()).load(path, weights_path=weights_path)

    def destroy(self) -> None:
        if self._finalizer.alive:
            self._finalizer()


class MLTensor:
    """Device memory a graph reads or writes."""

    def __init__(self, context, handle, data_type, shape, readable, writable):
        self._context = context
        self._handle = handle
        self.data_type = data_type
        self.shape = shape
        self.readable = readable
        self.writable = writable
        self.exportable_to_gpu = False
        self._finalizer = weakref.finalize(self, lib.webnn_tensor_destroy, handle)

    @property
    def size(self) -> int:
        return element_count(self.shape)

    def destroy(self) -> None:
        if self._finalizer.alive:
            self._finalizer()


_default = None


def _default_context() -> MLContext:
    global _default
    if _default is None:
        _default = ML().create_context()
    return _default


def load(path, context: MLContext = None, **options) -> MLGraph:
    """Loads a .webnn, .json or .onnx graph file (see MLContext.load)."""
    return (context or _default_context()).load(path, **options)
