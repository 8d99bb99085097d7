"""Every registered op has a row in the op table (tests/opinfo), or is listed here as not an op.

The op registry (``ember.ops._registry``) knows every op and where it is exported. A newly
registered op fails this test until it gets an ``OpInfo`` row (by ``name`` or ``aliases``) or, if it
is not a differentiable tensor operation, a line in the allowlist below saying why. In-place
variants (``name_``) are covered by their out-of-place row (``test_ops.py`` checks they agree).
"""
import importlib
import inspect

import pytest

import ember
from ember.ops._registry import REGISTRY, exported
from tests.op_db import OPS

COVERED = {op.name for op in OPS} | {alias for op in OPS for alias in op.aliases}

# Public callables of ``ember`` that are not tensor operations, so the op table has no row for them.
# Each has its own tests where noted.
NOT_OPS = {
    # creation from data or shapes: no input tensor to differentiate (tests/test_creation.py)
    'tensor', 'as_tensor', 'asarray', 'from_numpy', 'scalar_tensor', 'zeros', 'ones', 'empty', 'full',
    'zeros_like', 'ones_like', 'empty_like', 'full_like', 'arange', 'range', 'linspace', 'logspace', 'eye',
    # random sampling and generator state (tests/test_random.py)
    'manual_seed', 'seed', 'initial_seed', 'get_rng_state', 'set_rng_state', 'rand', 'randn', 'rand_like',
    'randn_like', 'randint', 'randint_like', 'randperm', 'normal', 'bernoulli', 'multinomial', 'poisson', 'binomial',
    '_standard_gamma', '_sample_dirichlet',   # their gradients: tests/test_distributions*.py rsample
    # the sample gradients those backwards use, themselves without derivatives as in PyTorch
    # (tests/distributions/test_sample_gradients.py pins their values)
    '_standard_gamma_grad', '_dirichlet_grad',
    # predicates returning Python values, not tensors
    'is_nonzero', 'is_conj', 'is_neg',      # (tests/test_complex.py)
    # shape utilities on sizes, not tensors
    'broadcast_shapes',
    # PyTorch's top-level spellings of nn functions, covered by their F rows
    # (tests/test_torch_nn_spellings.py checks the spellings agree)
    'dropout_', 'alpha_dropout_', 'feature_dropout', 'feature_dropout_', 'feature_alpha_dropout_', 'constant_pad_nd',
    # predicates, constructors and index lists, no values to differentiate
    # (tests/fixtures/printed/extras.py compares them with PyTorch's printed results)
    'is_same_size', 'is_signed', 'is_inference', 'get_device', 'detach', 'detach_', 'isin', 'nonzero_static',
    'unravel_index', 'empty_strided', 'empty_permuted', 'frombuffer',
    # Tensor-only helpers that write values or describe memory, not differentiable ops
    # (tests/test_top_level.py::test_tensor_method_extras)
    'apply_', 'map_', 'map2_', 'fill_diagonal_', 'resize_', 'resize_as_', 'new_empty_strided', 'dim_order', 'is_pinned',
    'pin_memory',
    # window functions: made from a length, no tensor input (tests/test_windows.py)
    'hann_window', 'hamming_window', 'blackman_window', 'bartlett_window', 'kaiser_window',
    # index lists and dtype questions, no tensor input (tests/test_arrange.py)
    'tril_indices', 'triu_indices', 'result_type', 'can_cast',
    # in-place writes of a value (tests/test_shape_ops.py, tests/test_indexing.py)
    'fill_', 'zero_', 'copy_',
    # the in-place view form of as_strided, whose row covers its values and gradient
    # (tests/fixtures/printed/storage.py compares it with PyTorch)
    'as_strided_',
    # rescales rows of an embedding table in place without recording, as PyTorch's (no gradient)
    # (tests/test_torch_nn_natives.py compares it with PyTorch)
    'embedding_renorm_',
    # a fingerprint of the values' bits as uint64, not differentiable (tests/test_tensor_misc.py)
    'hash_tensor',
}

# Public names of ``ember.nn.functional`` that are not ops (utilities, re-exported modules' helpers).
F_NOT_OPS = {
    'Tensor', 'assert_int_or_pair',
}


def _registered(namespace):
    """Names registered into ``namespace`` whose op has neither a row nor an allowlist entry."""
    missing = []
    for name, entry in exported(namespace).items():
        # an in-place variant is covered by its out-of-place op's row
        key = entry.name if name in entry.inplace_exports.get(namespace, ()) else name
        if key not in COVERED and f'{namespace}.{key}' not in COVERED and key not in NOT_OPS:
            missing.append(name)
    return sorted(missing)


def test_every_ember_op_has_a_row():
    missing = _registered('ember')
    assert not missing, f"ember.* ops without an op-table row (add one in tests/opinfo/ or to NOT_OPS): {missing}"


def test_every_tensor_method_op_has_a_row():
    missing = _registered('Tensor')
    assert not missing, f"Tensor methods without an op-table row: {missing}"


def test_every_functional_op_has_a_row():
    missing = [n for n in _registered('F') if n not in F_NOT_OPS]
    assert not missing, f"ember.nn.functional ops without an op-table row: {missing}"


def test_every_linalg_fft_special_op_has_a_row():
    missing = [f'{ns}.{n}' for ns in ('linalg', 'fft', 'special') for n in _registered(ns)]
    assert not missing, f"linalg/fft/special ops without an op-table row: {missing}"


def test_allowlist_is_honest():
    """Allowlisted names are registered ops, and a name with a row is not also excused."""
    registered = set(exported('ember')) | set(exported('Tensor'))
    stale = sorted(NOT_OPS - registered)
    assert not stale, f"NOT_OPS names that are not registered ember ops: {stale}"
    both = sorted(NOT_OPS & COVERED)
    assert not both, f"names both in NOT_OPS and in the op table: {both}"


def test_every_export_comes_from_the_registry():
    """What the registry says is exactly what users find: every exported name is the registered function,
    or its copy named after the export (an alias: ``ember.arctan`` runs ``atan``'s code, named ``arctan``)."""
    import ember.nn.functional as F
    from ember.ops._registry import ORIGINAL_OF
    for namespace, target in (('ember', ember), ('Tensor', ember.Tensor), ('F', F)):
        for name, entry in exported(namespace).items():
            got = getattr(target, name)
            assert got.__name__ == name or getattr(entry.fn, 'same_function_for_every_name', False), (namespace, name)
            # the function, or behind its __torch_function__ wrapper once dispatch is on
            found = [ORIGINAL_OF.get(f, f) for f in (got, getattr(got, '__wrapped__', None)) if f is not None]
            if name in entry.inplace_exports.get(namespace, ()):
                assert any(f.__name__ == entry.name + '_' for f in found), (namespace, name)
            else:
                assert any(f is entry.fn for f in found), (namespace, name)
    assert len(REGISTRY) > 300


def test_no_name_is_bound_by_two_registrations():
    """Each exported name has one registration: with two (a generic in-place variant and a dedicated op, or two
    modules registering one method), which one users get would depend on the order modules are imported in
    (``Tensor.swapaxes_`` became the generic in-place copy, which cannot change a tensor's shape)."""
    from collections import defaultdict
    bound = defaultdict(list)
    for entry in REGISTRY:
        for namespace, names in entry.exports.items():
            for name in names:
                bound[namespace, name].append(entry.name)
        for namespace, names in entry.inplace_exports.items():
            for name in names:
                bound[namespace, name].append(entry.name + ' (in-place variant)')
    twice = {key: who for key, who in bound.items() if len(who) > 1}
    assert not twice, twice
