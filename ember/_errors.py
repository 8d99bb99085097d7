"""The exception types PyTorch exposes at top level (``torch.OutOfMemoryError`` and friends)."""


class AcceleratorError(RuntimeError):
    """An error reported by an accelerator's runtime (a failed kernel launch, an illegal address)."""


class OutOfMemoryError(RuntimeError):
    """A device ran out of memory (``ember.cuda.OutOfMemoryError`` is this class)."""


class FatalError(Exception):
    """An unrecoverable internal error."""


for _cls in (AcceleratorError, OutOfMemoryError, FatalError):
    _cls.__module__ = 'ember'
