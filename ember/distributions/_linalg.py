"""Differentiable Cholesky factorisation and triangular solves for the multivariate families.

NOTE: private to ember.distributions while ember.linalg lacks them; the forward passes are
NumPy's (batched over leading dimensions), the backward passes are written with ember ops (and
these solves), so gradients of gradients work too.
"""
import numpy as np

import ember


def _array(t):
    return t.detach().cpu().numpy()


def _wrap(arr, like):
    return ember.as_tensor(np.ascontiguousarray(arr), dtype=like.dtype, device=like.device)


def _np_solve_triangular(a, b, upper):
    # Batched triangular solve; NumPy has no triangular kernel, a general solve is exact enough here.
    shape = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    a = np.broadcast_to(a, shape + a.shape[-2:])
    b = np.broadcast_to(b, shape + b.shape[-2:])
    tri = np.triu(a) if upper else np.tril(a)
    return np.linalg.solve(tri, b)


class _SolveTriangular(ember.autograd.Function):
    @staticmethod
    def forward(ctx, A, B, upper):
        X = _wrap(_np_solve_triangular(_array(A), _array(B), upper), B)
        ctx.upper = upper
        ctx.save_for_backward(A, X)
        return X

    @staticmethod
    def backward(ctx, grad):
        A, X = ctx.saved_tensors
        gB = solve_triangular(A.mT, grad, upper=not ctx.upper)
        gA = -(gB @ X.mT)
        gA = gA.triu() if ctx.upper else gA.tril()
        return _unbroadcast(gA, A.shape), _unbroadcast(gB, X.shape), None


def _unbroadcast(g, shape):
    while g.dim() > len(shape):
        g = g.sum(0)
    for i, n in enumerate(shape):
        if n == 1 and g.shape[i] != 1:
            g = g.sum(i, keepdim=True)
    return g


def solve_triangular(A, B, upper):
    """X with A X = B for triangular A (lower unless ``upper``)."""
    return _SolveTriangular.apply(A, B, upper)


class _Cholesky(ember.autograd.Function):
    @staticmethod
    def forward(ctx, A):
        try:
            L = np.linalg.cholesky(_array(A))
        except np.linalg.LinAlgError:
            raise ValueError('cholesky: the input is not positive-definite') from None
        L = _wrap(L, A)
        ctx.save_for_backward(L)
        return L

    @staticmethod
    def backward(ctx, grad):
        # A = L L^T:  grad_A = sym(L^-T Phi(L^T grad_L) L^-1), Phi = lower triangle, halved diagonal
        L, = ctx.saved_tensors
        P = L.mT @ grad
        P = P.tril() - 0.5 * ember.diag_embed(P.diagonal(dim1=-2, dim2=-1))
        S = solve_triangular(L.mT, solve_triangular(L.mT, P, upper=True).mT, upper=True).mT
        return 0.5 * (S + S.mT)


def cholesky(A):
    """Lower Cholesky factor of symmetric positive-definite A (batched)."""
    return _Cholesky.apply(A)
