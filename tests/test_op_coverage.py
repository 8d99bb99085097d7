"""Every public op has a row in the op table (tests/opinfo), or is listed here as not an op.

A new function exported from ``ember`` (or ``ember.nn.functional``) fails this test until it gets
an ``OpInfo`` row (by ``name`` or ``aliases``) or, if it is not a tensor operation, a line in the
allowlist below saying why.
"""
import importlib
import inspect

import pytest

import ember
from tests.op_db import OPS

COVERED = {op.name for op in OPS} | {alias for op in OPS for alias in op.aliases}

# Public callables of ``ember`` that are not tensor operations, so the op table has no row for them.
# Each has its own tests where noted.
NOT_OPS = {
    # classes and types (tests/test_creation.py covers the legacy constructors)
    'Tensor', 'Size', 'dtype', 'device', 'Generator',
    'FloatTensor', 'DoubleTensor', 'HalfTensor', 'LongTensor', 'IntTensor', 'ShortTensor', 'CharTensor',
    'ByteTensor', 'BoolTensor',
    # creation from data or shapes: no input tensor to differentiate (tests/test_creation.py)
    'tensor', 'as_tensor', 'asarray', 'from_numpy', 'scalar_tensor', 'zeros', 'ones', 'empty', 'full',
    'zeros_like', 'ones_like', 'empty_like', 'full_like', 'arange', 'range', 'linspace', 'logspace', 'eye',
    # random sampling and generator state (tests/test_random.py)
    'manual_seed', 'seed', 'initial_seed', 'get_rng_state', 'set_rng_state', 'rand', 'randn', 'rand_like',
    'randn_like', 'randint', 'randint_like', 'randperm', 'normal', 'bernoulli', 'multinomial', 'poisson',
    # grad-mode switches (tests/autograd/test_grad_mode.py)
    'no_grad', 'enable_grad', 'set_grad_enabled', 'inference_mode', 'is_grad_enabled',
    'is_inference_mode_enabled',
    # predicates and metadata returning Python values, not tensors
    'is_tensor', 'is_storage', 'is_floating_point', 'is_complex', 'is_nonzero', 'numel', 'typename',
    # dtype and shape utilities
    'get_default_dtype', 'set_default_dtype', 'promote_types', 'broadcast_shapes',
    # printing options (tests/test_tensor_str.py)
    'set_printoptions', 'get_printoptions', 'printoptions',
    # serialization (tests/test_serialization.py)
    'save', 'load',
}

# Public names of ``ember.nn.functional`` that are not ops (utilities, re-exported modules' helpers).
F_NOT_OPS = {
    'Tensor',
}


def _public_callables(module):
    names = []
    for name in dir(module):
        if name.startswith('_'):
            continue
        obj = getattr(module, name)
        if inspect.ismodule(obj) or not callable(obj):
            continue
        names.append(name)
    return names


def test_every_ember_op_has_a_row():
    missing = sorted(n for n in _public_callables(ember) if n not in COVERED and n not in NOT_OPS)
    assert not missing, f"ember.* ops without an op-table row (add one in tests/opinfo/ or to NOT_OPS): {missing}"


def test_allowlist_is_honest():
    """Allowlisted names exist, and a name with a row is not also excused."""
    exported = set(_public_callables(ember))
    stale = sorted(NOT_OPS - exported - {'save', 'load'})  # serialization may land later
    assert not stale, f"NOT_OPS names that ember does not export: {stale}"
    both = sorted(NOT_OPS & COVERED)
    assert not both, f"names both in NOT_OPS and in the op table: {both}"


def _functional():
    try:
        return importlib.import_module('ember.nn.functional')
    except ImportError:
        return None


def test_every_functional_op_has_a_row():
    F = _functional()
    if F is None:
        pytest.skip('ember.nn.functional is not importable yet')
    missing = sorted(n for n in _public_callables(F)
                     if n not in COVERED and n not in F_NOT_OPS and not isinstance(getattr(F, n), type))
    assert not missing, f"ember.nn.functional ops without an op-table row: {missing}"
