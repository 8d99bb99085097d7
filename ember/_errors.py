"""The exception types PyTorch exposes at top level (``torch.OutOfMemoryError`` and friends)."""


class AcceleratorError(RuntimeError):
    """Raised when an accelerator's runtime reports an error (a failed kernel launch, an illegal memory
    address). It is a :class:`RuntimeError`, so existing ``except RuntimeError`` clauses catch it.

    Example::

        >>> issubclass(ember.AcceleratorError, RuntimeError)
        True
    """


class OutOfMemoryError(RuntimeError):
    """Raised when a device runs out of memory for an allocation. ``ember.cuda.OutOfMemoryError`` is this class,
    and it is a :class:`RuntimeError`.

    Example::

        >>> ember.cuda.OutOfMemoryError is ember.OutOfMemoryError
        True
        >>> try:
        ...     raise ember.OutOfMemoryError('CUDA out of memory')
        ... except RuntimeError as error:
        ...     print(type(error).__name__, error)
        OutOfMemoryError CUDA out of memory
    """


class FatalError(Exception):
    """Raised for an unrecoverable internal error. It derives from :class:`Exception`, not
    :class:`RuntimeError`.

    Example::

        >>> issubclass(ember.FatalError, Exception), issubclass(ember.FatalError, RuntimeError)
        (True, False)
    """


for _cls in (AcceleratorError, OutOfMemoryError, FatalError):
    _cls.__module__ = 'ember'
