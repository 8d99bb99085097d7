"""``ember.utils.deterministic.fill_uninitialized_memory``: whether, in deterministic mode
(``ember.use_deterministic_algorithms(True)``), memory no operation wrote is filled with a recognisable
value (NaN, or an integer type's largest value) as PyTorch fills it. On by default."""
import sys
import types

from ember import _global_flags


class _Deterministic(types.ModuleType):
    @property
    def fill_uninitialized_memory(self):
        """Whether deterministic mode fills uninitialised memory (default ``True``)."""
        return _global_flags._deterministic['fill_uninitialized_memory']

    @fill_uninitialized_memory.setter
    def fill_uninitialized_memory(self, mode):
        if not isinstance(mode, bool):
            raise RuntimeError(f"expected a bool, but got {type(mode).__name__}")
        _global_flags._deterministic['fill_uninitialized_memory'] = mode


sys.modules[__name__].__class__ = _Deterministic
