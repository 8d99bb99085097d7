"""einsum of two operands sharing summed letters records PyTorch's graph (each operand's unsqueezes and
permutes, the pair's permutes and reshapes, BmmBackward0, the product's view and permute, the last view), of two
operands summing nothing (each lined up, then MulBackward0), of one operand (a permute, then SumBackward1) and of
three or more (pairs contracted in opt_einsum's order), diagonals (DiagonalBackward0 and movedim's permute) and
letters summed inside one operand included:
node names, saved attributes and edges to the leaves as recorded from PyTorch 2.13
(tests/fixtures/einsum_steps/graphs.json), with no node for an operand that does not require grad. Values
and gradients keep the bits of ember's one fused einsum node (a product's gradients: to rounding), and second
derivatives go through the steps."""
import json
import pathlib

import numpy as np
import pytest

import ember
from ember.autograd import gradcheck, gradgradcheck
from ember.ops import linalg

from tests._einsum_step_cases import CASES, graph, inner_sums, results

RECORDED = json.loads((pathlib.Path(__file__).parent / 'fixtures' / 'einsum_steps' / 'graphs.json').read_text())
GRAPHS, VALUES = RECORDED['graphs'], RECORDED['values']


def _operands(shapes, grads, seed=0, dtype=np.float32):
    rng = np.random.default_rng(seed)
    return [ember.from_numpy(rng.standard_normal(s).astype(dtype)).requires_grad_(g) for s, g in zip(shapes, grads)]


@pytest.mark.parametrize('case,expected', list(zip(CASES, GRAPHS)), ids=[f'{c[0]}-{c[2]}' for c in CASES])
def test_graph_is_pytorchs(case, expected):
    eq, shapes, grads = case
    got = graph(ember.einsum(eq, *_operands(shapes, grads)).grad_fn)
    assert json.loads(json.dumps(got)) == expected


def test_live_pytorch_values_match_the_recorded_ones():
    torch = pytest.importorskip('torch')
    for index, expected in VALUES.items():
        assert results(torch, *CASES[int(index)]) == expected


@pytest.mark.parametrize('case', CASES, ids=[f'{c[0]}-{c[2]}' for c in CASES])
def test_values_and_gradients_keep_the_fused_bits(case, monkeypatch):
    # (where a letter is summed inside one of two operands the steps compute as PyTorch does: to rounding)
    eq, shapes, grads = case
    results = []
    for steps in (True, False):
        if not steps:
            monkeypatch.setattr(linalg, '_records_steps', lambda a, b: False)
        ops = _operands(shapes, grads)
        y = ember.einsum(eq, *ops)
        g = ember.from_numpy(np.random.default_rng(1).standard_normal(tuple(y.shape)).astype(np.float32))
        y.backward(g)
        results.append([y.detach().numpy()] + [op.grad.numpy() for op in ops if op.requires_grad])
    lhs, rhs = eq.replace('...', '').split('->') if '->' in eq else (eq, None)
    if inner_sums(eq, shapes):
        # PyTorch's arithmetic (the sum inside the operand, then the product): equal to rounding
        assert all(np.allclose(x, z, rtol=1e-5, atol=1e-5) for x, z in zip(*results))
        return
    assert np.array_equal(results[0][0], results[1][0])
    if len(shapes) == 2 and rhs is not None and set(lhs) - {','} <= set(rhs):
        # a product's broadcast gradient is reduced by MulBackward0 (PyTorch's sum), not by the fused node's
        # einsum: equal to rounding
        assert all(np.allclose(x, z, rtol=1e-5, atol=1e-6) for x, z in zip(*results))
    else:
        assert all(np.array_equal(x, z) for x, z in zip(*results))


@pytest.mark.parametrize('index', sorted(VALUES, key=int))
def test_inner_sums_give_pytorchs_bits(index):
    # three or more operands, or a letter summed inside one of two: the value and gradients are PyTorch's
    # (recorded from 2.13), but where PyTorch's small batched products sum in another order than NumPy's
    # in-order einsum (a few ulp: NEAR)
    eq, shapes, grads = CASES[int(index)]
    got = results(ember, eq, shapes, grads)
    if eq in NEAR:
        for x, z in zip(got, VALUES[index]):
            np.testing.assert_allclose(np.float32(x), np.float32(z), rtol=2e-6, atol=1e-6)
    else:
        assert got == VALUES[index]


NEAR = {'bij,bjk->bi', 'bn,anm,bm->ba', 'ab,bc,cd,de->ae', 'ij,ik,il->jkl'}


def test_strides_are_pytorchs():
    # recorded from PyTorch 2.13: its product laid out as the output (the operands swapped where its would be)
    for eq, shapes, stride in (('ij,jk->ki', [(3, 4), (4, 5)], (3, 1)), ('bqd,bkd->qbk', [(2, 3, 4), (2, 5, 4)], (5, 15, 1)),
                               ('ijk,jkl->li', [(2, 3, 4), (3, 4, 5)], (2, 1))):
        assert ember.einsum(eq, *_operands(shapes, (True, True))).stride() == stride, eq


@pytest.mark.parametrize('eq,shapes', [('ij,jk->ki', [(2, 3), (3, 4)]), ('bqd,bkd->qbk', [(2, 3, 2), (2, 2, 2)]),
                                       ('ij,j->i', [(3, 4), (4,)]), ('i,j->ji', [(3,), (2,)]),
                                       ('ijk->kj', [(2, 3, 2)]), ('ii->i', [(3, 3)]), ('ij,jj->i', [(2, 3), (3, 3)]),
                                       ('ab,cb->', [(3, 2), (2, 2)])])
def test_first_and_second_derivatives(eq, shapes):
    for dtype in (np.float64, np.complex128):
        ops = _operands(shapes, (True,) * len(shapes), dtype=dtype)
        assert gradcheck(lambda *o: ember.einsum(eq, *o), ops)
        assert gradgradcheck(lambda *o: ember.einsum(eq, *o), ops)


def test_live_pytorch_graphs_match_the_recorded_ones():
    torch = pytest.importorskip('torch')
    for (eq, shapes, grads), expected in zip(CASES, GRAPHS):
        ops = [torch.ones(*s, requires_grad=g) for s, g in zip(shapes, grads)]
        assert json.loads(json.dumps(graph(torch.einsum(eq, *ops).grad_fn))) == expected, eq
