"""Backward nodes expose PyTorch's ``_saved_*`` attributes (what torchviz's ``show_saved`` draws) and its
``_raw_saved_*`` SavedTensor objects: the same names with the same values (a tensor the same input or output
object where PyTorch's is, or the same values), checked against what PyTorch's nodes give for every op-table
row and sample, each output's node (tests/fixtures/saved_attrs/record.py). Only nodes that ember names as
PyTorch does are compared (the names are tests/test_grad_fn_names.py's business)."""
import collections
import functools
import json
import pathlib
import warnings

import numpy as np
import pytest

import ember
from tests._grad_fn_names import ember_inputs, recorded_call, row_keys, sample_key
from tests._op_harness import pick
from tests._saved_attrs import describe, flat_tensors, matches
from tests.op_db import OPS

RECORDED = json.loads((pathlib.Path(__file__).parent / 'fixtures' / 'saved_attrs' / 'saved.json').read_text())

# (node, row) pairs whose attributes differ from PyTorch's, each saying why; test_known_differences keeps them
# honest (strict xfail: one that comes to match must go from here)
KNOWN = {
    ('LinalgEighBackward0', 'linalg.eigvalsh'): "eigenvectors' signs are LAPACK's choice (NumPy's and PyTorch's "
    "builds choose differently for one matrix of the batch)",
    ('LinalgSvdBackward0', 'svd'): "singular vectors' signs are LAPACK's choice",
    ('LinalgSvdBackward0', 'svd_no_uv'): "singular vectors' signs are LAPACK's choice",
    ('LinalgSvdBackward0', 'linalg.svdvals'): "singular vectors' signs are LAPACK's choice",
    ('MmBackward0', 'svd_lowrank'): "PyTorch's linalg.qr/svd results are column-major (LAPACK's layout) and "
    "ember's C-ordered, so the product's saved strides differ; the factors' signs are LAPACK's choice",
    ('MmBackward0', 'pca_lowrank'): "PyTorch's linalg.qr/svd results are column-major (LAPACK's layout) and "
    "ember's C-ordered, so the product's saved strides differ; the factors' signs are LAPACK's choice",
}


def _entries(recorded, got):
    """(PyTorch's, ember's) per output: one pair, or one per output where the call returns several."""
    if isinstance(recorded, list):
        if not isinstance(got, list) or len(got) != len(recorded):
            return [(r, None) for r in recorded if r is not None]
        return [(r, g) for r, g in zip(recorded, got) if r is not None]
    return [(recorded, got)]


@functools.lru_cache(maxsize=1)
def _compared():
    """(node name -> list of (row, sample, ember's description, PyTorch's), {(row, PyTorch's node name): ember's
    node name} where ember's node is named otherwise)."""
    by_node = collections.defaultdict(list)
    misnamed = {}
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        for key, info in zip(row_keys(OPS), OPS):
            if key not in RECORDED or not info.grad:
                continue
            for sample in info.samples(np.random.default_rng(2)):
                rec = RECORDED[key].get(sample_key(sample))
                if rec is None:
                    continue
                args, kwargs = ember_inputs(sample)
                try:
                    ember.manual_seed(0)    # (as the recorder seeds PyTorch: a random op's mask is the same draw)
                    out = pick(recorded_call(info)(*args, **kwargs), info.output_index)
                except Exception:   # samples ember rejects are other tests' business
                    continue
                got = describe(out, flat_tensors(list(args) + list(kwargs.values()), []),
                               ember._C._autograd.SavedTensor)
                for want, mine in _entries(rec, got):
                    if mine is not None and mine['node'] == want['node']:
                        by_node[want['node']].append((key, sample_key(sample), mine, want))
                    else:
                        misnamed[(key, want['node'])] = None if mine is None else mine['node']
    return by_node, misnamed


def _node_names():
    names = set()
    for row in RECORDED.values():
        for entry in row.values():
            names.update(e['node'] for e in (entry if isinstance(entry, list) else [entry]) if e is not None)
    return sorted(names)


@pytest.mark.parametrize('node', _node_names())
def test_saved_attributes_match_pytorch(node):
    cases = _compared()[0].get(node)
    if not cases:
        pytest.skip('ember names no sample of this row as PyTorch does')
    wrong = [f'{key} {sample}: {got} (PyTorch: {want})' for key, sample, got, want in cases
             if not matches(got, want) and (node, key) not in KNOWN]
    assert not wrong, '\n'.join(wrong)

# rows whose node ember names otherwise (its attributes then cannot be compared): (row, PyTorch's node) -> why;
# none left
MISNAMED = {}


def test_rows_named_otherwise_are_the_known_ones():
    found = _compared()[1]
    assert set(found) == set(MISNAMED), (f'named otherwise, not listed: {sorted(set(found) - set(MISNAMED))}; '
                                         f'listed, now named as PyTorch: {sorted(set(MISNAMED) - set(found))}')


def test_every_known_difference_is_compared():
    compared = {(node, key) for node, cases in _compared()[0].items() for key, _, _, _ in cases}
    assert not set(KNOWN) - compared, f'stale entries in KNOWN: {sorted(set(KNOWN) - compared)}'


@pytest.mark.parametrize('node,row', [pytest.param(*k, marks=pytest.mark.xfail(strict=True, reason=why))
                                      for k, why in sorted(KNOWN.items())])
def test_known_differences(node, row):
    cases = [(sample, got, want) for key, sample, got, want in _compared()[0].get(node, ()) if key == row]
    assert cases and all(matches(got, want) for _, got, want in cases)


@pytest.mark.parametrize('which', ['mlp', 'cnn'])
def test_model_graph_shows_what_pytorch_shows(which):
    # what torchviz's make_dot(show_attrs=True, show_saved=True) labels each node with
    import ember
    from tests._saved_attrs import model_graph
    recorded = json.loads((pathlib.Path(__file__).parent / 'fixtures' / 'saved_attrs' / 'models.json').read_text())
    assert json.loads(json.dumps(model_graph(ember, which))) == recorded[which]


def test_after_backward_saved_tensors_raise_and_sizes_stay_readable():
    import ember
    x = ember.ones(3, 4, requires_grad=True)
    s = x.softmax(-1).sum()
    softmax = s.grad_fn.next_functions[0][0]
    assert softmax._saved_dim == 2 ** 64 - 1    # the -1 passed, as PyTorch shows an int64_t
    assert softmax._saved_result.shape == (3, 4)
    s.backward()
    assert s.grad_fn._saved_self_sym_sizes == (3, 4)       # ints are kept, as PyTorch keeps them
    assert softmax._saved_dim == 2 ** 64 - 1
    with pytest.raises(RuntimeError, match=r'^Trying to backward through the graph a second time \(or directly '
                                           r'access saved tensors after they have already been freed\)'):
        softmax._saved_result
    assert '_saved_result' in dir(softmax) and '_saved_dim' in dir(softmax)


def test_a_node_lists_only_its_own_attributes():
    import ember
    x = ember.ones(2, 3, requires_grad=True)
    node = (x + x).grad_fn
    assert [a for a in dir(node) if a.startswith('_saved_')] == ['_saved_alpha']
    assert node._saved_alpha == 1
    with pytest.raises(AttributeError, match="'AddBackward0' object has no attribute '_saved_dim'"):
        node._saved_dim


# grad_fn._raw_saved_*: PyTorch's SavedTensor, one per saved tensor, taking a pair of hooks of its own
def test_raw_saved_tensor_hooks_pack_at_once_and_unpack_on_each_read():
    import ember
    x = ember.ones(3, requires_grad=True)
    y = x.exp()
    node = y.grad_fn
    raw = node._raw_saved_result
    assert raw is node._raw_saved_result and type(raw).__name__ == 'SavedTensor'
    assert type(raw) is ember._C._autograd.SavedTensor and raw.unpack_hook is None
    calls = []
    raw.register_hooks(lambda t: calls.append(('pack', t.grad_fn)) or t * 2,
                       lambda p: calls.append('unpack') or p)
    assert calls == [('pack', None)]          # a saved output reaches the pack hook without its history
    assert np.allclose(raw.data.numpy(), 2 * np.e)
    assert node._saved_result.grad_fn is node  # given back with it
    y.sum().backward()
    assert calls == [('pack', None), 'unpack', 'unpack'] and np.allclose(x.grad.numpy(), 2 * np.e)
    assert raw.data is None and raw.unpack_hook is None


def test_raw_saved_tensor_refusals_have_pytorchs_words():
    import ember
    x = ember.ones(3, requires_grad=True)
    y = x.exp()
    raw = y.grad_fn._raw_saved_result
    with pytest.raises(TypeError, match=r'^register_hooks\(\): incompatible function arguments\. The following '
                                        r'argument types are supported:\n    1\. \(self: ember\._C\._autograd\.'
                                        r'SavedTensor, arg0: collections\.abc\.Callable, arg1: collections\.abc\.'
                                        r'Callable\) -> None\n\nInvoked with: <ember\._C\._autograd\.SavedTensor '
                                        r'object at 0x[0-9a-f]+>, 1, 2$'):
        raw.register_hooks(1, 2)
    with pytest.raises(RuntimeError, match=r'^Trying to use a saved tensor that has been detached in-place, i\.e\. '
                                           r'with \.detach_\(\)\.This is not supported'):
        raw.unpack()              # (a saved output is given its history only by its node)
    raw.register_hooks(lambda t: t, lambda p: p)
    with pytest.raises(RuntimeError, match=r'^Calling register_hooks on a saved tensor whose hooks have already '
                                           r'been set\. Hint: only one pair of hooks is allowed at a time\.$'):
        raw.register_hooks(lambda t: t, lambda p: p)
    y.sum().backward()
    with pytest.raises(RuntimeError, match=r'^Calling register_hooks on a saved tensor after it has been freed\. '
                                           r'Saved intermediate values of the graph are freed when you call '
                                           r'\.backward\(\) or autograd\.grad\(\)\.'):
        raw.register_hooks(lambda t: t, lambda p: p)
    a, b = ember.ones(2, requires_grad=True), ember.ones(2) * 2
    mul = (a * b).grad_fn             # (self is not saved: b needs no gradient)
    assert mul._saved_self is None and mul._raw_saved_self.data is None
    with pytest.raises(RuntimeError, match=r'^Calling register_hooks on a saved tensor with value None is '
                                           r'forbidden$'):
        mul._raw_saved_self.register_hooks(lambda t: t, lambda p: p)
    mul._raw_saved_other.register_hooks(lambda t: 1, lambda p: p)
    with pytest.raises(TypeError, match=r'^Output of saved tensor unpack_hook expected to be a Tensor but got '
                                        r'result of type int$'):
        mul._saved_other
    with pytest.raises(RuntimeError, match=r'^Trying to create a SavedTensor object from Python is forbidden\.$'):
        ember._C._autograd.SavedTensor()
    c = ember.ones(2, requires_grad=True) * 1
    node = (c * c).grad_fn
    with pytest.raises(RuntimeError, match=r'^A saved tensor pack hook is modifying its input in place\. Tensors '
                                           r'provided as input to pack hook cannot be modified by in-place '
                                           r'operations'):
        node._raw_saved_self.register_hooks(lambda t: t.add_(1), lambda p: p)


def test_raw_saved_input_keeps_its_history_through_the_hooks():
    import ember
    w = ember.tensor([1., 2.], requires_grad=True)
    node = (w * w).grad_fn
    assert node._raw_saved_self.unpack() is w and node._raw_saved_self.data is w
    seen = []
    node._raw_saved_self.register_hooks(lambda t: seen.append(t.requires_grad) or t.numpy().copy(),
                                        lambda p: ember.from_numpy(p) * 3)
    assert seen == [False]                    # an input reaches the pack hook detached
    assert node._raw_saved_self.data.tolist() == [1., 2.]
    assert node._saved_self.tolist() == [3., 6.] and node._saved_self.requires_grad
    # the unpacked input still leads to w: the gradient of a gradient flows through it
    p = w * w * w
    p.grad_fn.next_functions[0][0]._raw_saved_self.register_hooks(lambda t: t.clone(), lambda q: q)
    g, = ember.autograd.grad(p.sum(), w, create_graph=True)
    assert g.tolist() == [3., 12.]
    g.sum().backward()
    assert w.grad.tolist() == [6., 12.]
    # with hooks no version is checked any more (the hooks own the value), as in PyTorch
    c = ember.ones(2, requires_grad=True) * 1
    node = (c * ember.ones(2, requires_grad=True)).grad_fn
    node._raw_saved_self.register_hooks(lambda t: t, lambda q: q)
    c.add_(1)
    assert node._saved_self.tolist() == [2., 2.]


def test_a_python_number_operand_is_saved_as_pytorchs_wrapped_number():
    import ember
    x = ember.ones(2, requires_grad=True)
    assert (x * 2.5).grad_fn._saved_other.dtype == ember.float64
    assert (x * 2).grad_fn._saved_other.dtype == ember.int64
    y = x * 2.5
    y.grad_fn._raw_saved_other.register_hooks(lambda t: t * 2, lambda p: p)
    y.sum().backward()
    assert x.grad.tolist() == [5., 5.]


def test_raw_saved_kept_array_shows_through_hooks():
    import ember
    y = ember.nn.functional.layer_norm(ember.tensor([[1., 2., 4.]], requires_grad=True), [3])
    raw = y.grad_fn._raw_saved_result1
    assert raw.data.tolist() == [[pytest.approx(7 / 3)]]
    raw.register_hooks(lambda t: t.tolist(), lambda p: ember.tensor(p))
    assert raw.data == [[pytest.approx(7 / 3)]] and y.grad_fn._saved_result1.shape == (1, 1)


def test_a_negative_dim_shows_as_given_and_is_a_plain_int_elsewhere():
    import copy
    import pickle
    import ember
    from ember.ops._util import wrap_dim
    x = ember.ones(2, 3, requires_grad=True)
    assert x.sum(-1).grad_fn._saved_dim == (2 ** 64 - 1,)        # PyTorch shows the -1 given
    assert x.transpose(-1, 0).grad_fn._saved_dim0 == 2 ** 64 - 1
    assert x.movedim(-1, 0).grad_fn._saved_dims == (1, 0)         # (an order movedim makes: wrapped)
    d = wrap_dim(-1, 3)
    assert d == 2 and str(d) == '2' and f'{d}' == '2' and hash(d) == hash(2)
    assert type(pickle.loads(pickle.dumps(d))) is int and type(copy.deepcopy(d)) is int
    assert wrap_dim(d, 3) is d                                   # wrapped again by an inner op: still known


def test_raw_saved_list_of_index_tensors_takes_hooks_each():
    import ember
    x = ember.ones(4, 5, requires_grad=True)
    node = x[:, [0, 3, 3]].grad_fn
    assert node.name() == 'IndexBackward0' and node._saved_self_sym_sizes == (4, 5)
    none_entry, idx = node._saved_indices
    assert none_entry is None and idx.tolist() == [0, 3, 3]
    raws = node._raw_saved_indices
    assert type(raws) is tuple and len(raws) == 2 and raws is node._raw_saved_indices
    with pytest.raises(RuntimeError, match='with value None is forbidden'):
        raws[0].register_hooks(lambda t: t, lambda p: p)
    raws[1].register_hooks(lambda t: t.tolist(), lambda p: ember.tensor(p))
    assert raws[1].data == [0, 3, 3] and node._saved_indices[1].tolist() == [0, 3, 3]


def test_user_function_node_shows_its_saved_tensors_as_one_raw_tuple():
    # as PyTorch's node of an autograd.Function: no _saved_* attribute, _raw_saved_tensors one SavedTensor each
    class Twice(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x, None)
            return x * 2

        @staticmethod
        def backward(ctx, g):
            x, _ = ctx.saved_tensors
            return g * x

    x = ember.tensor([1., 3.], requires_grad=True)
    y = Twice.apply(x)
    node = y.grad_fn
    assert [a for a in dir(node) if a.startswith('_saved_') or a.startswith('_raw_saved_')] == ['_raw_saved_tensors']
    with pytest.raises(AttributeError):
        node._saved_self
    raws = node._raw_saved_tensors
    assert type(raws) is tuple and len(raws) == 2 and raws[0].data is x and raws[1].data is None
    raws[0].register_hooks(lambda t: t * 10, lambda p: p)
    y.sum().backward()
    assert x.grad.tolist() == [10., 30.]


def test_a_promoted_input_shows_as_the_tensor_given():
    # as PyTorch's node: x / n keeps n itself (int64), though the division ran on its float copy
    x = ember.ones(3, dtype=ember.float64, requires_grad=True)
    n = ember.tensor([1, 2, 4])
    node = (x / n).grad_fn
    assert node._saved_other is n and node._raw_saved_other.data is n
    y = x * n
    y.sum().backward()
    assert x.grad.tolist() == [1., 2., 4.]
    e = ember.tensor([2, -1])
    node = ember.ldexp(ember.tensor([1., 3.], requires_grad=True), e).grad_fn
    assert node._saved_other is e and node._saved_other.dtype == ember.int64


AFTER_BACKWARD = json.loads((pathlib.Path(__file__).parent / 'fixtures' / 'saved_attrs' /
                             'after_backward.json').read_text())


@pytest.mark.parametrize('key', sorted(AFTER_BACKWARD))
def test_after_backward_attributes_are_pytorchs(key):
    # once backward ran through a node, a saved tensor (or a list of them) raises PyTorch's RuntimeError; numbers,
    # sizes, strides and slots that held nothing stay readable, and dir() still lists every attribute
    from tests._saved_after_backward import after_backward, backward_through
    info = dict(zip(row_keys(OPS), OPS))[key]
    wrong = []
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        for sample in info.samples(np.random.default_rng(2)):
            want = AFTER_BACKWARD[key].get(sample_key(sample))
            if want is None:
                continue
            args, kwargs = ember_inputs(sample)
            ember.manual_seed(0)
            node = backward_through(pick(recorded_call(info)(*args, **kwargs), info.output_index), ember.ones_like)
            got = {'node': node.name().split('::')[-1], 'attrs': after_backward(node)}
            if got != want:
                wrong.append(f'{sample_key(sample)}: {got} (PyTorch: {want})')
    assert not wrong, '\n'.join(wrong)


def test_after_backward_with_retain_graph_everything_stays_readable():
    x = ember.randn(4, 5, requires_grad=True)
    y = x[[0, 2, 0]]
    y.sum().backward(retain_graph=True)
    assert y.grad_fn._saved_indices[0].tolist() == [0, 2, 0]
    y.sum().backward()      # a node that saved nothing for its own backward runs again; its indices go
    with pytest.raises(RuntimeError, match='^Trying to backward through the graph a second time'):
        y.grad_fn._saved_indices
    w = ember.randn(5, 3, requires_grad=True)
    m = x.mm(w)
    m.sum().backward()
    assert m.grad_fn._saved_self_sym_strides == (5, 1) and m.grad_fn._saved_mat2_sym_strides == (3, 1)
