"""How ``ember.einsum`` orders the pairwise contractions of three or more operands.

With the ``opt_einsum`` package installed (``pip install opt-einsum``), ``einsum`` asks it for a cheap
order (``strategy``: ``'auto'``, ``'greedy'`` or ``'optimal'``); without it, or with ``enabled = False``,
operands are contracted from left to right, as PyTorch does. The order changes speed and memory, and
rounding in the last bits; not the mathematical result.
"""
import contextlib
import sys
import types

_NOT_LOADED = object()
_opt_einsum = _NOT_LOADED   # the package, loaded on first use (importing it costs milliseconds); None: absent

_STRATEGIES = ('auto', 'greedy', 'optimal')


def _package():
    global _opt_einsum
    if _opt_einsum is _NOT_LOADED:
        try:
            import opt_einsum
        except ImportError:
            opt_einsum = None
        _opt_einsum = opt_einsum
    return _opt_einsum


def is_available():
    """Whether the ``opt_einsum`` package is installed (and so used by ``einsum``).

    Example::

        >>> ember.backends.opt_einsum.is_available() in (True, False)
        True
    """
    if _opt_einsum is _NOT_LOADED:
        from importlib.util import find_spec     # (installed, without importing it yet)
        return find_spec('opt_einsum') is not None
    return _opt_einsum is not None


def get_opt_einsum():
    """The ``opt_einsum`` package, or None when it is not installed."""
    return _package()


_state = {'enabled': is_available(), 'strategy': 'auto' if is_available() else None}


def _set_enabled(value):
    if not is_available() and value:
        raise ValueError(
            f"opt_einsum is not available, so setting `enabled` to {value} will not reap the benefits of "
            "calculating an optimal path for einsum. torch.einsum will fall back to contracting from left to "
            "right. To enable this optimal path calculation, please install opt-einsum.")
    _state['enabled'] = value


def _set_strategy(value):
    if not is_available():
        raise ValueError(
            f"opt_einsum is not available, so setting `strategy` to {value} will not be meaningful. "
            "torch.einsum will bypass path calculation and simply contract from left to right. Please install "
            "opt_einsum or unset `strategy`.")
    if not _state['enabled']:
        raise ValueError(
            f"opt_einsum is not enabled, so setting a `strategy` to {value} will not be meaningful. "
            "torch.einsum will bypass path calculation and simply contract from left to right. Please set "
            "`enabled` to `True` as well or unset `strategy`.")
    if value not in _STRATEGIES:
        raise ValueError(f"`strategy` must be one of the following: [auto, greedy, optimal] but is {value}")
    _state['strategy'] = value


def set_flags(_enabled=None, _strategy=None):
    """Set ``enabled`` and/or ``strategy``; returns the previous ``(enabled, strategy)``."""
    orig = (_state['enabled'], _state['strategy'] if is_available() else None)
    if _enabled is not None:
        _set_enabled(_enabled)
    if _strategy is not None:
        _set_strategy(_strategy)
    return orig


@contextlib.contextmanager
def flags(enabled=None, strategy=None):
    """``enabled``/``strategy`` as given inside a ``with`` block, restored after it."""
    orig = set_flags(enabled, strategy)
    try:
        yield
    finally:
        set_flags(*orig)


def path_given():
    """Whether ``einsum`` hands PyTorch's contraction a path (opt_einsum installed and enabled): each product
    then goes to the end of the operand list; without one, operands are contracted left to right, each
    product going to the front."""
    return bool(_state['enabled']) and _package() is not None


def contraction_path(subscripts, shapes):
    """The order in which ``einsum`` contracts operands of ``shapes``: a list of index pairs, each naming
    the two operands (in the current list) to contract next, their result going to the end of the list."""
    if _state['enabled'] and _package() is not None:
        path, _ = _opt_einsum.contract_path(subscripts, *shapes, shapes=True, optimize=_state['strategy'])
        return [tuple(step) for step in path]
    return [(0, 1)] * (len(shapes) - 1)


class _Module(types.ModuleType):
    """``enabled`` and ``strategy`` as attributes. As in PyTorch, assigning them stores the value as
    given (``strategy = 'auto-hq'``, one of opt_einsum's own strategies, is passed on to it); only
    ``set_flags``/``flags`` check it."""

    @property
    def enabled(self):
        return _state['enabled']

    @enabled.setter
    def enabled(self, value):
        _state['enabled'] = value

    @property
    def strategy(self):
        return _state['strategy']

    @strategy.setter
    def strategy(self, value):
        _state['strategy'] = value


sys.modules[__name__].__class__ = _Module
