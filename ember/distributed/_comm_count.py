"""Counting collectives for ``CommDebugMode``: the modes active now, and the operator each collective is
counted as. ``ember.distributed``'s collectives count as PyTorch's c10d operators (``all_reduce`` as
``c10d.allreduce_``, ...); those DTensor runs count as the functional collectives
(``c10d_functional.all_reduce``, ...), their c10d call inside not counted again."""
import threading

ACTIVE = []                 # the CommDebugModes entered, outermost first
_state = threading.local()

# ember.distributed's function -> PyTorch's c10d operator for it
C10D_NAMES = {
    'all_reduce': 'allreduce_', 'broadcast': 'broadcast_', 'all_gather': 'allgather_',
    'all_gather_into_tensor': '_allgather_base_', 'reduce_scatter': 'reduce_scatter_',
    'reduce_scatter_tensor': '_reduce_scatter_base_', 'all_to_all': 'alltoall_',
    'all_to_all_single': 'alltoall_base_', 'gather': 'gather_', 'scatter': 'scatter_', 'reduce': 'reduce_',
}


def record(op):
    """Count the collective ``op`` (an operator packet) in every active mode."""
    if getattr(_state, 'inside', 0):
        return
    for mode in ACTIVE:
        mode._count(op)


def record_c10d(function_name):
    """Count a call of ``ember.distributed.<function_name>`` (a no-op when no mode is active)."""
    if ACTIVE and function_name in C10D_NAMES and not getattr(_state, 'inside', 0):
        record(_c10d_namespace().op(C10D_NAMES[function_name]))


class inside_functional:
    """While a functional collective runs: the collective it calls is part of it (not counted again)."""

    def __enter__(self):
        _state.inside = getattr(_state, 'inside', 0) + 1

    def __exit__(self, *exc):
        _state.inside -= 1


class _C10dOp:
    """``ember.ops.c10d.<name>``: PyTorch's c10d operator name for one of ``ember.distributed``'s
    collectives (the key ``CommDebugMode`` counts it under); calling it calls that collective."""

    def __init__(self, name, function_name):
        self._name, self._function = name, function_name

    def __call__(self, *args, **kwargs):
        import ember.distributed as dist
        return getattr(dist, self._function)(*args, **kwargs)

    def name(self):
        return f'c10d::{self._name}'

    def __repr__(self):
        return f'c10d.{self._name}'

    def __eq__(self, other):
        return type(other) is _C10dOp and other._name == self._name

    def __hash__(self):
        return hash(('c10d', self._name))


class _C10dNamespace:
    def __init__(self):
        self._ops = {op: _C10dOp(op, fn) for fn, op in C10D_NAMES.items()}

    def op(self, name):
        return self._ops[name]

    def __getattr__(self, name):
        if name.startswith('__') or name not in self._ops:
            raise AttributeError(f"'_OpNamespace' 'c10d' object has no attribute '{name}'")
        return self._ops[name]

    def __repr__(self):
        return "_OpNamespace('c10d')"


def _c10d_namespace():
    from ember.library import _namespaces
    ns = _namespaces._NAMESPACES.get('c10d')
    if not isinstance(ns, _C10dNamespace):
        ns = _namespaces._NAMESPACES['c10d'] = _C10dNamespace()
    return ns
