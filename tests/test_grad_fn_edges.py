"""Each node's next_functions are PyTorch's, three levels deep (names and edges): an argument PyTorch never
differentiates (an index, a mask, a condition, a loss's class weights) has no edge, a Python number has a
(None, 0) one, and an in-place write into a view leaves CopySlices with the base's edge and the in-place op's
other inputs'. Compared with trees recorded from PyTorch (tests/fixtures/grad_fn_edges/record.py) for the
op-table samples that pass integer or bool tensors and for in-place writes into views, and for every sample of
every differentiable row, each output's where the row's call returns several (tests/_grad_fn_edges.output_tree)."""
import json
import pathlib
import warnings

import numpy as np
import pytest

import ember

from tests._grad_fn_edges import INPLACE_CASES, LINEAR_CASES, LINEAR_ERROR_CASES, edge_tree, linear_error, \
    linear_record, output_tree, takes_index_tensors
from tests._grad_fn_names import ember_inputs, recorded_call, row_keys, sample_key
from tests._op_harness import pick
from tests.op_db import OPS
from tests.test_grad_fn_names import SKIP as NAME_SKIP

RECORDED = json.loads((pathlib.Path(__file__).parent / 'fixtures' / 'grad_fn_edges' / 'trees.json').read_text())

# Rows whose recorded tree ember does not reproduce, each with why (strict xfails: a row that comes to match
# must leave this list).
SKIP = {key: why for why, keys in [
] for key in keys.split()}

OPS_BY_KEY = dict(zip(row_keys(OPS), OPS))


def _rows():
    for key, samples in sorted(RECORDED['rows'].items()):
        marks = [pytest.mark.xfail(strict=True, reason=SKIP[key])] if key in SKIP else []
        yield pytest.param(key, samples, id=key, marks=marks)


@pytest.mark.parametrize('key,recorded', list(_rows()))
def test_next_functions_match_pytorch(key, recorded):
    info = OPS_BY_KEY[key]
    wrong = []
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        for sample in info.samples(np.random.default_rng(2)):
            expected = recorded.get(sample_key(sample))
            if expected is None or not takes_index_tensors(sample):
                continue
            args, kwargs = ember_inputs(sample)
            got = output_tree(pick(recorded_call(info)(*args, **kwargs), info.output_index))
            if got != expected:
                wrong.append(f'{sample_key(sample)}:\n  ember   {json.dumps(got)}\n  PyTorch {json.dumps(expected)}')
    assert not wrong, '\n'.join(wrong)


def test_skip_list_names_recorded_rows():
    assert not set(SKIP) - set(RECORDED['rows'])


# Every differentiable row's samples, three levels deep (nodes, edges and the nodes they lead to, each output's where
# the call returns several; tests/fixtures/grad_fn_edges/record.py's 'rows_all'). Rows ember does not match yet, as strict
# xfails (a row that comes to match must leave): those whose node or edges differ (ember's top node and its edges,
# then PyTorch's), SKIP's rows above and the rows whose top node differs (tests/test_grad_fn_names.py's SKIP, for the
# reasons given there)
SKIP_ALL_DIFFERS = {
}

_SKIP_ALL_REASONS = {**{key: f'not yet matched: {what}' for key, what in SKIP_ALL_DIFFERS.items()},
                     **SKIP, **NAME_SKIP}


def _rows_all():
    for key, samples in sorted(RECORDED['rows_all'].items()):
        marks = [pytest.mark.xfail(strict=True, reason=_SKIP_ALL_REASONS[key])] if key in _SKIP_ALL_REASONS else []
        yield pytest.param(key, samples, id=key, marks=marks)


@pytest.mark.parametrize('key,recorded', list(_rows_all()))
def test_trees_match_pytorch_on_every_row(key, recorded):
    info = OPS_BY_KEY[key]
    wrong = []
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        for sample in info.samples(np.random.default_rng(2)):
            sk = sample_key(sample)
            if sk not in recorded:
                continue    # a sample PyTorch refuses
            args, kwargs = ember_inputs(sample)
            got = output_tree(pick(recorded_call(info)(*args, **kwargs), info.output_index))
            if got != recorded[sk]:
                wrong.append(f'{sk}:\n  ember   {json.dumps(got)}\n  PyTorch {json.dumps(recorded[sk])}')
    assert not wrong, '\n'.join(wrong)


def test_every_row_skip_list_names_recorded_rows():
    assert not set(SKIP_ALL_DIFFERS) - set(RECORDED['rows_all'])
    assert not set(SKIP_ALL_DIFFERS) & set(NAME_SKIP)


@pytest.mark.parametrize('name', sorted(INPLACE_CASES))
def test_copy_slices_edges_match_pytorch(name):
    assert edge_tree(INPLACE_CASES[name](ember)) == RECORDED['inplace'][name]


@pytest.mark.parametrize('name', sorted(LINEAR_CASES))
def test_linear_graph_matches_pytorch(name):
    # a view over addmm (contiguous rows, 1-D bias), matmul's fold or bmm under an _unsafe_view, the bias added
    # after matmul: the nodes, edges, layout and the top node's saved sizes PyTorch's decomposition gives
    assert linear_record(ember, LINEAR_CASES[name]) == RECORDED['linear'][name]


@pytest.mark.parametrize('name', sorted(LINEAR_ERROR_CASES))
def test_linear_error_matches_pytorch(name):
    assert linear_error(ember, LINEAR_ERROR_CASES[name]) == RECORDED['linear_errors'][name]


@pytest.mark.parametrize('layout', ['transposed', 'batch_permuted'])
@pytest.mark.parametrize('bias', [True, False])
@pytest.mark.parametrize('w_grad', [True, False])
def test_linear_off_the_fold_has_the_folded_gradients(layout, bias, w_grad):
    # matmul + add (or bmm) on a batch that does not fold gives what addmm on its contiguous copy gives
    rng = np.random.default_rng(0)
    x0, w0, b0, g = (rng.standard_normal(s).astype(np.float32) for s in ((2, 3, 4, 5), (6, 5), (6,), (2, 3, 4, 6)))
    results = []
    for permuted in (False, True):
        x = ember.tensor(x0, requires_grad=True)
        w = ember.tensor(w0, requires_grad=w_grad)
        b = ember.tensor(b0, requires_grad=True) if bias else None
        xin = x
        if permuted:
            xin = (x.transpose(-1, -2).contiguous().transpose(-1, -2) if layout == 'transposed'
                   else x.transpose(0, 1).contiguous().transpose(0, 1))
        y = ember.nn.functional.linear(xin, w, b)
        y.backward(ember.tensor(g))
        results.append([y.detach().numpy()] + [t.grad.numpy() for t in (x, w, b) if t is not None and t.requires_grad])
    for a, b_ in zip(*results):
        np.testing.assert_allclose(a, b_, rtol=1e-5, atol=1e-5)


def test_linear_bias_added_after_matmul_differentiates_twice():
    x = ember.tensor(np.linspace(-1, 1, 24).reshape(2, 4, 3), dtype=ember.float64).transpose(1, 2)
    x.requires_grad_()
    w = ember.tensor(np.linspace(0.5, 1.5, 8).reshape(2, 4), dtype=ember.float64, requires_grad=True)
    for b in (ember.tensor([0.3, -0.2], dtype=ember.float64, requires_grad=True),
              ember.tensor([0.3], dtype=ember.float64, requires_grad=True)):
        f = ember.nn.functional.linear
        assert f(x, w, b).grad_fn.name() == 'AddBackward0'
        assert ember.autograd.gradcheck(f, (x, w, b))
        assert ember.autograd.gradgradcheck(f, (x, w, b))


def test_index_edges_are_left_out_without_changing_gradients():
    x = ember.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], requires_grad=True)
    index = ember.tensor([2, 0, 2])
    y = ember.index_select(x, 0, index)
    assert len(y.grad_fn.next_functions) == 1
    (y * ember.tensor([[1.0], [2.0], [3.0]])).sum().backward()
    assert x.grad.tolist() == [[2.0, 2.0], [0.0, 0.0], [4.0, 4.0]]
    # the condition of where has no edge; a number operand has PyTorch's (None, 0)
    cond = ember.tensor([True, False])
    w = ember.where(cond, ember.tensor([1.0, 2.0], requires_grad=True), 0.5)
    assert [f is None for f, _ in w.grad_fn.next_functions] == [False, True]
    # second order still works through a node whose index edge is gone
    z = ember.tensor([1.0, 2.0, 3.0], requires_grad=True)
    g, = ember.autograd.grad((ember.gather(z * z, 0, ember.tensor([0, 2, 2]))).sum(), z, create_graph=True)
    assert g.tolist() == [2.0, 0.0, 12.0]
    g.sum().backward()
    assert z.grad.tolist() == [2.0, 0.0, 4.0]


def _write_into_views(a, w):
    x = a * 1.5
    x[:, 0].mul_(w[:3])
    x[1:].add_(w)
    x.view(4, 3)[1].addcmul_(w[:3], w[1:])
    x.T[2].div_(w[1:])
    x[0].exp_()
    return x * x


def test_copy_slices_through_the_op_node_differentiates_twice():
    # CopySlices runs the in-place op's own node; first and second derivatives stay right
    a = ember.tensor(np.linspace(0.2, 1.3, 12).reshape(3, 4), dtype=ember.float64, requires_grad=True)
    w = ember.tensor([0.7, 1.1, 1.6, 0.9], dtype=ember.float64, requires_grad=True)
    assert ember.autograd.gradcheck(_write_into_views, (a, w))
    assert ember.autograd.gradgradcheck(_write_into_views, (a, w))
    x = a.clone()
    x[:, 0].mul_(w[:3])
    assert [f.name() for f, _ in x.grad_fn.next_functions] == ['CloneBackward0', 'SliceBackward0']


def test_copy_gives_the_overwritten_value_a_zero_gradient():
    # PyTorch's CopyBackwards: zeros for the tensor written into, the gradient itself for the source
    a = ember.tensor([1.0, 2.0], requires_grad=True)
    b = ember.tensor([3.0, 4.0], requires_grad=True)
    x = a * 2
    x.copy_(b)
    assert x.grad_fn.name() == 'ember::autograd::CopyBackwards'
    ga, gb = ember.autograd.grad((x * x).sum(), (a, b))
    assert ga.tolist() == [0.0, 0.0] and gb.tolist() == [6.0, 8.0]
