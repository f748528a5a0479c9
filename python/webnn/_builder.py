"""MLGraphBuilder and MLOperand. Every operator method is made from the operator list the C
API reports (webnn_operators_json), named in snake_case as pywebnn names them, with keyword
options in snake_case; an option left out takes the specification's default."""

import ctypes
import inspect
import json
import re

import numpy as np

from . import _lib
from ._api import MLGraph, byte_length, data_type_of, host_array
from ._errors import MLTypeError
from ._lib import check, lib


def snake(name: str) -> str:
    """conv2d, reduceLogSumExp -> reduce_log_sum_exp, isNaN -> is_nan, scatterND -> scatter_nd."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name.replace("NaN", "Nan")).lower()


# pywebnn's positional order of options where it differs from the specification's.
POSITIONAL_OPTIONS = {
    "conv2d": ["strides", "dilations", "padding", "groups", "inputLayout", "filterLayout", "bias"],
    "convTranspose2d": ["strides", "dilations", "padding", "outputPadding", "outputSizes", "groups", "inputLayout",
                        "filterLayout", "bias"],
    "averagePool2d": ["windowDimensions", "strides", "dilations", "padding", "layout"],
    "l2Pool2d": ["windowDimensions", "strides", "dilations", "padding", "layout"],
    "maxPool2d": ["windowDimensions", "strides", "dilations", "padding", "layout"],
    "batchNormalization": ["scale", "bias", "epsilon", "axis"],
    "layerNormalization": ["scale", "bias", "epsilon", "axes"],
}
# pywebnn keywords that differ from the snake_case of the specification's names.
KEYWORD_ALIASES = {"pads": "padding"}
# Methods whose result is a list even with one element.
RETURNS_LIST = {"split", "gru", "lstm", "lstmCell"}


class MLOperand:
    """A value in a graph under construction."""

    def __init__(self, builder, handle, name=None):
        self._builder = builder
        self._handle = handle
        self.name = name
        description = json.loads(_lib.call_json(lib.webnn_operand_json, handle))
        self.data_type = description["dataType"]
        self.shape = description["shape"]

    def __repr__(self):
        return f"MLOperand({self.data_type}, {self.shape}{', ' + repr(self.name) if self.name else ''})"


class MLGraphBuilder:
    """Builds one graph, one operator call at a time; every call is checked at once."""

    def __init__(self, context):
        self._context = context
        handle = ctypes.c_void_p()
        check(lib.webnn_builder_create(context.handle, ctypes.byref(handle)))
        self._handle = handle.value
        self._finalizer = __import__("weakref").finalize(self, lib.webnn_builder_destroy, self._handle)

    def input(self, name: str, shape, data_type: str = "float32") -> MLOperand:
        """A named graph input of `data_type` and `shape`."""
        dims, rank = _lib.shape_array(shape)
        handle = ctypes.c_void_p()
        check(lib.webnn_builder_input(self._handle, name.encode(), data_type.encode(), dims, rank,
                                      ctypes.byref(handle)))
        return MLOperand(self, handle.value, name)

    def constant(self, value, shape=None, data_type: str = None) -> MLOperand:
        """A constant from a NumPy array or any array-like (float64 becomes float32, bool
        uint8); shape and data_type override the array's own. int4/uint4 take packed bytes."""
        array = np.asarray(value)
        data_type = data_type or data_type_of(array)
        shape = list(array.shape) if shape is None else [int(d) for d in shape]
        if data_type not in ("int4", "uint4") and array.size == int(np.prod(shape, dtype=np.int64)):
            array = array.reshape(shape)
        data = host_array(array, data_type, shape, "constant: value")
        dims, rank = _lib.shape_array(shape)
        handle = ctypes.c_void_p()
        check(lib.webnn_builder_constant(self._handle, data_type.encode(), dims, rank, data.ctypes.data,
                                         byte_length(data_type, shape), ctypes.byref(handle)))
        return MLOperand(self, handle.value)

    def build(self, outputs: dict) -> MLGraph:
        """Compiles the graph that computes `outputs` (name -> operand). A builder builds once."""
        names = list(outputs)
        handle = ctypes.c_void_p()
        check(lib.webnn_builder_build(self._handle, len(names), _lib.names_array(names),
                                      _lib.handles_array([self._operand(outputs[n], f"outputs[{n!r}]")._handle
                                                          for n in names]),
                                      ctypes.byref(handle)))
        return MLGraph(self._context, handle.value)

    def _operand(self, value, what):
        if not isinstance(value, MLOperand):
            raise MLTypeError(f"{what}: expected an MLOperand, got {type(value).__name__}")
        return value

    def _call(self, op: str, arguments: dict) -> list:
        """Calls `op` with arguments by specification name; operands travel by index."""
        schema = OPERATORS[op]
        kinds = {p["name"]: p["kind"] for p in schema["parameters"] + schema["options"]}
        handles, options = [], {}
        for name, value in arguments.items():
            if value is None:
                continue
            kind = kinds[name]
            if kind == "operand":
                handles.append(self._operand(value, f"{snake(op)}: {snake(name)}")._handle)
                options[name] = len(handles) - 1
            elif kind == "operandList":
                indices = []
                for item in value:
                    handles.append(self._operand(item, f"{snake(op)}: {snake(name)}")._handle)
                    indices.append(len(handles) - 1)
                options[name] = indices
            else:
                options[name] = plain(value)
        capacity = 64
        outs = (ctypes.c_void_p * capacity)()
        count = ctypes.c_size_t()
        check(lib.webnn_builder_op_multi(self._handle, op.encode(), _lib.handles_array(handles), len(handles),
                                         json.dumps(options).encode(), outs, capacity, ctypes.byref(count)))
        return [MLOperand(self, outs[i]) for i in range(count.value)]

    # pywebnn's extra methods, made of specification operators.

    def where_(self, condition, true_value, false_value, label=None):
        """where(condition, trueValue, falseValue) under pywebnn's name."""
        return self.where(condition, true_value, false_value, label=label)

    def global_average_pool(self, input, layout=None):
        """averagePool2d over the whole window (the specification's default window)."""
        return self.average_pool2d(input, layout=layout)

    def global_max_pool(self, input, layout=None):
        """maxPool2d over the whole window."""
        return self.max_pool2d(input, layout=layout)

    def squeeze(self, input, axes=None):
        """reshape without the given size-1 axes (all of them by default)."""
        rank = len(input.shape)
        drop = {a % rank for a in axes} if axes is not None else {i for i, d in enumerate(input.shape) if d == 1}
        return self.reshape(input, [d for i, d in enumerate(input.shape) if i not in drop])

    def unsqueeze(self, input, axes):
        """reshape with size-1 axes inserted at `axes` (of the result)."""
        shape = list(input.shape)
        rank = len(shape) + len(axes)
        for axis in sorted(a % rank for a in axes):
            shape.insert(axis, 1)
        return self.reshape(input, shape)


def plain(value):
    """Options as JSON values: NumPy scalars and arrays as Python numbers and lists."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return "NaN" if value != value else ("Infinity" if value > 0 else "-Infinity")
    return value


def _method(schema):
    op = schema["name"]
    required = [p["name"] for p in schema["parameters"]]
    options = [o["name"] for o in schema["options"] if o["name"] != "label"]
    ordered = POSITIONAL_OPTIONS.get(op, options)
    ordered = ordered + [o for o in options if o not in ordered]
    by_keyword = {snake(n): n for n in required + options}
    by_keyword.update({k: v for k, v in KEYWORD_ALIASES.items() if v in options})
    for o in schema["options"]:
        for alias in o.get("aliases", []):
            by_keyword[snake(alias)] = o["name"]
    positional = required + ordered

    def method(self, *args, label=None, **kwargs):
        if len(args) > len(positional):
            raise MLTypeError(f"{snake(op)}: takes at most {len(positional)} arguments, {len(args)} given")
        arguments = dict(zip(positional, args))
        for keyword, value in kwargs.items():
            name = by_keyword.get(keyword)
            if name is None:
                raise MLTypeError(f"{snake(op)}: unknown keyword {keyword!r} (it takes {sorted(by_keyword)})")
            if name in arguments:
                raise MLTypeError(f"{snake(op)}: {keyword} given twice")
            arguments[name] = value
        for name in required:
            if arguments.get(name) is None:
                raise MLTypeError(f"{snake(op)}: missing argument {snake(name)}")
        if label is not None:
            arguments["label"] = label
        results = self._call(op, arguments)
        return results if op in RETURNS_LIST else results[0]

    parameters = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_ONLY)]
    parameters += [inspect.Parameter(snake(n), inspect.Parameter.POSITIONAL_OR_KEYWORD) for n in required]
    parameters += [inspect.Parameter(snake(n), inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None)
                   for n in ordered]
    parameters.append(inspect.Parameter("label", inspect.Parameter.KEYWORD_ONLY, default=None))
    method.__signature__ = inspect.Signature(parameters)
    method.__name__ = snake(op)
    method.__qualname__ = f"MLGraphBuilder.{snake(op)}"
    method.__doc__ = (f"The WebNN operator {op}. Options left as None take the specification's defaults "
                      f"(operator list: webnn_operators_json).")
    return method


OPERATORS = {schema["name"]: schema for schema in json.loads(_lib.call_json(lib.webnn_operators_json))}
for _schema in OPERATORS.values():
    setattr(MLGraphBuilder, snake(_schema["name"]), _method(_schema))


def _pad(self, input, beginning_padding=None, ending_padding=None, mode=None, value=None, label=None,
         padding=None):
    """pad(input, beginningPadding, endingPadding, mode, value); pywebnn's single flat
    `padding` list (beginnings, then endings) is accepted too."""
    flat = padding if padding is not None else (beginning_padding if ending_padding is None else None)
    if flat is not None:
        flat = list(flat)
        if len(flat) % 2:
            raise MLTypeError("pad: padding must list a beginning and an ending per axis")
        beginning_padding, ending_padding = flat[: len(flat) // 2], flat[len(flat) // 2:]
    return self._call("pad", {"input": input, "beginningPadding": beginning_padding,
                              "endingPadding": ending_padding, "mode": mode, "value": value, "label": label})[0]


MLGraphBuilder.pad = _pad
