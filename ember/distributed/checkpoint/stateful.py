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
