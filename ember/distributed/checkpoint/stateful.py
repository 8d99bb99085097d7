"""Objects that checkpoint themselves: anything with ``state_dict()`` and ``load_state_dict()``."""
from typing import Protocol, runtime_checkable

__all__ = ['Stateful']


@runtime_checkable
class Stateful(Protocol):
    """An object a checkpoint saves through its ``state_dict()`` and restores with ``load_state_dict()``
    (modules and optimizers are)."""

    def state_dict(self):
        ...

    def load_state_dict(self, state_dict):
        ...


def is_stateful(value):
    """True for objects a checkpoint saves through ``state_dict()`` (not tensors). A plain attribute check:
    ``isinstance(x, Stateful)`` would give the classes it inspects an empty ``__annotations__``."""
    from ember._tensor import Tensor
    if isinstance(value, Tensor) or isinstance(value, type):
        return False
    return callable(getattr(value, 'state_dict', None)) and callable(getattr(value, 'load_state_dict', None))
