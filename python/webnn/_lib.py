"""The C API (webnn.h) through ctypes: the library, its prototypes and status checking."""

import ctypes
import os
from pathlib import Path

from ._errors import BY_STATUS, UnknownError

c_handle = ctypes.c_void_p
c_str = ctypes.c_char_p
c_size = ctypes.c_size_t
c_int64_p = ctypes.POINTER(ctypes.c_int64)
c_out_str = ctypes.POINTER(ctypes.c_void_p)


def _load() -> ctypes.CDLL:
    # WEBNN_LIBRARY wins (a library built elsewhere); otherwise the one installed with the package.
    path = os.environ.get("WEBNN_LIBRARY") or str(Path(__file__).with_name("libwebnn_c.so"))
    return ctypes.CDLL(path)


lib = _load()

_PROTOTYPES = {
    "webnn_version": (c_str, []),
    "webnn_status_name": (c_str, [ctypes.c_int]),
    "webnn_last_error_kind": (ctypes.c_int, []),
    "webnn_last_error_message": (c_str, []),
    "webnn_clear_error": (None, []),
    "webnn_free": (None, [ctypes.c_void_p]),
    "webnn_operators_json": (ctypes.c_int, [c_out_str]),
    "webnn_context_create": (ctypes.c_int, [c_str, ctypes.c_int, ctypes.POINTER(c_handle)]),
    "webnn_context_destroy": (ctypes.c_int, [c_handle]),
    "webnn_context_info_json": (ctypes.c_int, [c_handle, c_out_str]),
    "webnn_context_op_support_limits": (ctypes.c_int, [c_handle, c_out_str]),
    "webnn_builder_create": (ctypes.c_int, [c_handle, ctypes.POINTER(c_handle)]),
    "webnn_builder_destroy": (ctypes.c_int, [c_handle]),
    "webnn_builder_input": (ctypes.c_int, [c_handle, c_str, c_str, c_int64_p, c_size, ctypes.POINTER(c_handle)]),
    "webnn_builder_constant": (
        ctypes.c_int,
        [c_handle, c_str, c_int64_p, c_size, ctypes.c_void_p, c_size, ctypes.POINTER(c_handle)],
    ),
    "webnn_builder_op_multi": (
        ctypes.c_int,
        [c_handle, c_str, ctypes.POINTER(c_handle), c_size, c_str, ctypes.POINTER(c_handle), c_size,
         ctypes.POINTER(c_size)],
    ),
    "webnn_operand_json": (ctypes.c_int, [c_handle, c_out_str]),
    "webnn_builder_build": (
        ctypes.c_int, [c_handle, c_size, ctypes.POINTER(c_str), ctypes.POINTER(c_handle), ctypes.POINTER(c_handle)]
    ),
    "webnn_graph_load": (ctypes.c_int, [c_handle, c_str, c_str, ctypes.POINTER(c_handle)]),
    "webnn_graph_from_json": (ctypes.c_int, [c_handle, c_str, c_str, c_str, ctypes.POINTER(c_handle)]),
    "webnn_graph_save": (ctypes.c_int, [c_handle, c_str]),
    "webnn_graph_json": (ctypes.c_int, [c_handle, c_out_str]),
    "webnn_graph_destroy": (ctypes.c_int, [c_handle]),
    "webnn_tensor_create": (
        ctypes.c_int, [c_handle, c_str, c_int64_p, c_size, ctypes.c_uint32, ctypes.POINTER(c_handle)]
    ),
    "webnn_tensor_write": (ctypes.c_int, [c_handle, c_handle, ctypes.c_void_p, c_size]),
    "webnn_tensor_read": (ctypes.c_int, [c_handle, c_handle, ctypes.c_void_p, c_size]),
    "webnn_tensor_destroy": (ctypes.c_int, [c_handle]),
    "webnn_dispatch": (
        ctypes.c_int,
        [c_handle, c_handle, c_size, ctypes.POINTER(c_str), ctypes.POINTER(c_handle), c_size, ctypes.POINTER(c_str),
         ctypes.POINTER(c_handle)],
    ),
    "webnn_compute": (
        ctypes.c_int,
        [c_handle, c_handle, c_size, ctypes.POINTER(c_str), ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(c_size),
         c_size, ctypes.POINTER(c_str), ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(c_size)],
    ),
}

for _name, (_restype, _argtypes) in _PROTOTYPES.items():
    _function = getattr(lib, _name)
    _function.restype = _restype
    _function.argtypes = _argtypes


def check(status: int) -> None:
    """Raises the exception of a failed call's status, with this thread's last error message."""
    if status == 0:
        return
    message = lib.webnn_last_error_message().decode("utf-8", "replace")
    kind = BY_STATUS[status] if 0 < status < len(BY_STATUS) else UnknownError
    raise kind(message)


def call_json(function, *arguments) -> str:
    """Calls a function that hands back a JSON string, and frees the string."""
    out = ctypes.c_void_p()
    check(function(*arguments, ctypes.byref(out)))
    try:
        return ctypes.string_at(out.value).decode("utf-8")
    finally:
        lib.webnn_free(out)


def shape_array(shape):
    dims = [int(d) for d in shape]
    return (ctypes.c_int64 * max(len(dims), 1))(*dims), len(dims)


def names_array(names):
    return (c_str * max(len(names), 1))(*[n.encode("utf-8") for n in names])


def handles_array(handles):
    return (c_handle * max(len(handles), 1))(*handles)
