"""einsum's products of two operands as PyTorch computes them: a pair sharing summed letters is one batched
matrix product (BLAS's sums, as ember's bmm and PyTorch's bmm give), laid out as PyTorch's result (strides
recorded from PyTorch 2.13); small matrices keep the in-order sums PyTorch's own bmm loop makes below 400
multiply-adds a matrix. Operands of several dtypes promote in products and are refused by batched ones, as
PyTorch's are."""
import numpy as np
import pytest

import ember


def _randn(rng, *shape, requires_grad=False):
    return ember.from_numpy(rng.standard_normal(shape, dtype=np.float32)).requires_grad_(requires_grad)


def _same_bits(x, y):
    return x.shape == y.shape and np.array_equal(x.detach().numpy(), y.detach().numpy())


def test_batched_products_are_bmms_forward_and_backward():
    rng = np.random.default_rng(0)
    a, b = _randn(rng, 4, 24, 64, requires_grad=True), _randn(rng, 4, 64, 20, requires_grad=True)
    y = ember.einsum('bij,bjk->bik', a, b)
    assert _same_bits(y, ember.bmm(a, b))
    g = _randn(rng, 4, 24, 20)
    y.backward(g)
    assert _same_bits(a.grad, ember.bmm(g, b.transpose(1, 2))) and _same_bits(b.grad, ember.bmm(a.transpose(1, 2), g))
    q, k = _randn(rng, 2, 3, 16, 32), _randn(rng, 2, 3, 16, 32)
    assert _same_bits(ember.einsum('bhqd,bhkd->bhqk', q, k), q @ k.transpose(-1, -2))
    x, w = _randn(rng, 40, 48), _randn(rng, 48, 30)
    assert _same_bits(ember.einsum('ij,jk->ik', x, w), x @ w)


def test_products_are_laid_out_as_pytorchs():
    # (PyTorch multiplies the operands the other way round where the second one's dims all come first)
    cases = {('ij,jk->ki', (30, 40), (40, 50)): ((50, 30), (30, 1)),
             ('ijk,jkl->li', (20, 30, 40), (30, 40, 25)): ((25, 20), (20, 1)),
             ('bqd,bkd->qbk', (2, 20, 24), (2, 20, 24)): ((20, 2, 20), (20, 400, 1)),
             ('bij,bjk->bik', (2, 30, 40), (2, 40, 50)): ((2, 30, 50), (1500, 50, 1))}
    for (eq, sa, sb), (shape, stride) in cases.items():
        y = ember.einsum(eq, ember.ones(*sa), ember.ones(*sb))
        assert (tuple(y.shape), y.stride()) == (shape, stride), eq
        assert (y == sa[-1] if eq != 'ijk,jkl->li' else y == 1200).all()


def test_small_matrices_sum_in_order():
    rng = np.random.default_rng(1)
    a, b = _randn(rng, 100, 2, 3), _randn(rng, 100, 3, 2)
    an, bn = a.numpy(), b.numpy()
    want = an[:, :, 0:1] * bn[:, 0:1, :]
    for j in (1, 2):
        want = want + an[:, :, j:j + 1] * bn[:, j:j + 1, :]
    assert np.array_equal(ember.einsum('bij,bjk->bik', a, b).numpy(), want)


def test_mixed_dtypes_promote_in_products_and_are_refused_by_batched_ones():
    # recorded from PyTorch 2.13 (its bmm names the left operand's dtype first, after its swap)
    f64 = ember.float64
    for eq, a, b, message in (('ij,jk->ik', ember.ones(2, 3), ember.ones(3, 4, dtype=f64), 'Float but found Double'),
                              ('ij,jk->ki', ember.ones(2, 3), ember.ones(3, 4, dtype=f64), 'Double but found Float'),
                              ('ij,jk->ik', ember.ones(2, 3), ember.ones(3, 4, dtype=ember.int64), 'Float but found Long')):
        with pytest.raises(RuntimeError, match=f'^expected scalar type {message}$'):
            ember.einsum(eq, a, b)
    # summed dims of size 1 leave a product, which promotes; a 0-dim operand promotes as the others do
    assert ember.einsum('i,i->', ember.ones(1), ember.ones(1, dtype=f64)).dtype is f64
    assert ember.einsum('ij,j->i', ember.ones(2, 1), ember.ones(1, dtype=f64)).dtype is f64
    x = ember.ones(3, 2, requires_grad=True)
    y = ember.einsum(',ca->ca', ember.tensor(2., dtype=f64), x)
    assert y.dtype is f64
    y.sum().backward()
    assert x.grad.dtype is ember.float32 and x.grad.tolist() == [[2., 2.]] * 3
