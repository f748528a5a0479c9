"""WebNN errors as Python exceptions: the class is the error kind, the message its text."""


class MLError(Exception):
    """A failed WebNN call. `kind` is the specification's error name, `message` the text."""

    kind = "UnknownError"

    def __init__(self, message: str):
        super().__init__(f"{self.kind}: {message}")
        self.message = message


class MLTypeError(MLError, TypeError):
    """A bad argument: a data type, shape, option, name or handle the call does not accept."""

    kind = "TypeError"


class DataError(MLError, ValueError):
    """Data the call cannot use."""

    kind = "DataError"


class OperationError(MLError, RuntimeError):
    """A device operation that failed, or a graph file that could not be read."""

    kind = "OperationError"


class NotSupportedError(MLError, NotImplementedError):
    """Something the device or this implementation cannot do."""

    kind = "NotSupportedError"


class InvalidStateError(MLError, RuntimeError):
    """A call on an object in the wrong state: a built builder, a destroyed graph or context."""

    kind = "InvalidStateError"


class UnknownError(MLError, RuntimeError):
    """An unexpected failure."""

    kind = "UnknownError"


# Indexed by the C API's webnn_status values (1 to 6).
BY_STATUS = [None, MLTypeError, DataError, OperationError, NotSupportedError, InvalidStateError, UnknownError]
