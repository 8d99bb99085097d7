"""Rows for ember.linalg's factorisations, solves, norms and the torch-level names built on them."""
import functools

import numpy as np

import ember
from ember.ops.linalg import LinAlgError
from tests.opinfo import Const, ErrorInput, OpInfo, Raw, Sample

L = ember.linalg


def _wc(rng, *shape):
    """A well-conditioned (diagonally dominant) matrix."""
    return np.eye(shape[-1]) * 3 + rng.standard_normal(shape) * 0.5


def _sym(a):
    return a + np.swapaxes(a, -1, -2)


def _spd_np(a):
    return a @ np.swapaxes(a, -1, -2) + a.shape[-1] * np.eye(a.shape[-1])


def _spd(a):
    """Positive-definite matrices made from any square input (so gradcheck may perturb every entry)."""
    return a.matmul(a.mT) + a.shape[-1] * ember.eye(a.shape[-1], dtype=a.dtype)


def _z(*shape):
    return np.zeros(shape)


def _err(*cases):
    return lambda: [ErrorInput(Sample(*args, **(kw[0] if kw else {})), exc, msg) for args, exc, msg, *kw in cases]


def _square_samples(rng):
    return [Sample(_wc(rng, 3, 3)), Sample(_wc(rng, 2, 3, 3)), Sample(_wc(rng, 1, 1))]


def _rect_samples(rng):
    n = rng.standard_normal
    return [Sample(n((4, 3))), Sample(n((3, 5))), Sample(n((2, 3, 3)))]


def _solve_samples(rng):
    n = rng.standard_normal
    return [Sample(_wc(rng, 3, 3), n((3, 2))), Sample(_wc(rng, 2, 3, 3), n((2, 3))),
            Sample(_wc(rng, 3, 3), n(3)), Sample(_wc(rng, 2, 3, 3), n((3, 1))),
            Sample(_wc(rng, 3, 3), n((2, 3)), left=False)]


def _np_solve(A, B, left=True):
    if not left:
        return np.swapaxes(np.linalg.solve(np.swapaxes(A, -1, -2), np.swapaxes(B, -1, -2)), -1, -2)
    if B.ndim == 1 or (B.ndim == A.ndim - 1 and B.shape == A.shape[:-1]):
        return np.linalg.solve(A, B[..., None])[..., 0]
    return np.linalg.solve(A, B)


def _tri_samples(rng):
    n = rng.standard_normal
    return [Sample(_wc(rng, 3, 3), n((3, 2)), upper=True), Sample(_wc(rng, 2, 3, 3), n((3, 4)), upper=False),
            Sample(_wc(rng, 3, 3), n((2, 3)), upper=True, left=False),
            Sample(_wc(rng, 3, 3), n((3, 2)), upper=False, unitriangular=True)]


def _np_tri(A, B, upper, left=True, unitriangular=False):
    T = np.triu(A) if upper else np.tril(A)
    if unitriangular:
        T = T.copy()
        T[..., range(T.shape[-1]), range(T.shape[-1])] = 1
    return _np_solve(T, B, left)


def _chol(upper=False):
    return lambda a, **kw: L.cholesky(_spd(a), upper=upper, **kw)


def _np_chol(upper=False):
    def ref(a):
        c = np.linalg.cholesky(_spd_np(a))
        return np.swapaxes(c, -1, -2) if upper else c
    return ref


def _np_lu_factor(a):
    """LU with partial pivoting, one matrix at a time, in plain NumPy loops (the reference)."""
    a = np.array(a, dtype=np.float64)
    flat = a.reshape((-1,) + a.shape[-2:])
    k = min(a.shape[-2:])
    lus, pivs = [], []
    for m in flat:
        m = m.copy()
        piv = []
        for j in range(k):
            p = j + int(np.argmax(np.abs(m[j:, j])))
            piv.append(p + 1)
            m[[j, p]] = m[[p, j]]
            m[j + 1:, j] /= m[j, j]
            m[j + 1:, j + 1:] -= np.outer(m[j + 1:, j], m[j, j + 1:])
        lus.append(m)
        pivs.append(piv)
    return np.stack(lus).reshape(a.shape), np.array(pivs, np.int32).reshape(a.shape[:-2] + (k,))


def _np_lu(a):
    lu, piv = _np_lu_factor(a)
    m, n = a.shape[-2:]
    k = min(m, n)
    Lm = np.tril(lu[..., :, :k], -1) + np.eye(m, k)
    Um = np.triu(lu[..., :k, :])
    flatp = piv.reshape(-1, k)
    Ps = []
    for p in flatp:
        perm = list(range(m))
        for j, q in enumerate(p):
            perm[j], perm[q - 1] = perm[q - 1], perm[j]
        P = np.zeros((m, m))
        P[perm, range(m)] = 1
        Ps.append(P)
    return np.stack(Ps).reshape(a.shape[:-2] + (m, m)), Lm, Um


def _lu_solve(A, B, **kw):
    LU, piv = L.lu_factor(A)
    return L.lu_solve(LU, piv, B, **kw)


def _lu_solve_samples(rng):
    n = rng.standard_normal
    return [Sample(_wc(rng, 3, 3), n((3, 2))), Sample(_wc(rng, 2, 3, 3), n((2, 3, 1)), adjoint=True),
            Sample(_wc(rng, 3, 3), n((2, 3)), left=False)]


def _np_lu_solve(A, B, left=True, adjoint=False):
    if adjoint:
        A = np.swapaxes(A, -1, -2)
    return _np_solve(A, B, left)


def _pinv_samples(rng):
    n = rng.standard_normal
    return [Sample(n((4, 3))), Sample(n((2, 3, 5)))]


def _np_pinv(a, rtol=None):
    return np.linalg.pinv(a, rcond=rtol if rtol is not None else 1e-15)


def _pinv_h(a):
    return L.pinv(a + a.mT, hermitian=True)


def _np_pinv_h(a):
    return np.linalg.pinv(_sym(a), hermitian=True)


def _norm_samples(rng):
    n = rng.standard_normal
    return [Sample(n((3, 4))), Sample(n((2, 3, 4)), 'fro', (0, 2)), Sample(n((3, 4)), 'nuc'), Sample(n((4, 3)), 2),
            Sample(n((3, 4)), -2), Sample(n((3, 4)), 1), Sample(n((3, 4)), -1), Sample(n((3, 4)), np.inf),
            Sample(n((2, 3, 4)), -np.inf, keepdim=True), Sample(n((2, 3, 4)), 'nuc', (-1, 0), keepdim=True)]


def _np_matrix_norm(a, ord='fro', dim=(-2, -1), keepdim=False):
    return np.linalg.norm(a, ord, tuple(dim), keepdims=keepdim)


def _lnorm_samples(rng):
    n = rng.standard_normal
    return [Sample(n((3, 4))), Sample(n((2, 3, 4))), Sample(n(5), 3), Sample(n((3, 4)), 'nuc'),
            Sample(n((3, 4)), 2), Sample(n((2, 3, 4)), None, 1), Sample(n((2, 3, 4)), np.inf, (0, 2), True),
            Sample(n((2, 3, 4)), 0.5, -1)]


def _np_lnorm(a, ord=None, dim=None, keepdim=False):
    if dim is None and ord is None:
        return np.asarray(np.linalg.norm(a.reshape(-1), keepdims=keepdim).reshape((1,) * a.ndim if keepdim else ()))
    if isinstance(dim, int):
        dim = (dim,)
    if dim is None:
        dim = tuple(range(a.ndim))
    if len(dim) == 1 and ord not in (None, 2) and not isinstance(ord, str):
        return np.sum(np.abs(a) ** ord, axis=dim, keepdims=keepdim) ** (1 / ord)
    return np.asarray(np.linalg.norm(a, ord, dim, keepdims=keepdim))


def _vnorm_samples(rng):
    n = rng.standard_normal
    return [Sample(n((3, 4))), Sample(n((2, 3, 4)), 1, (0, 2)), Sample(n(5), np.inf), Sample(n((3, 4)), 3, 1, True)]


def _np_vnorm(a, ord=2, dim=None, keepdim=False):
    dim = tuple(range(a.ndim)) if dim is None else ((dim,) if isinstance(dim, int) else tuple(dim))
    if ord == np.inf:
        return np.abs(a).max(dim, keepdims=keepdim)
    return np.sum(np.abs(a) ** ord, axis=dim, keepdims=keepdim) ** (1 / ord)


def _cond_samples(rng):
    n = rng.standard_normal
    return [Sample(n((3, 3))), Sample(n((4, 3))), Sample(_wc(rng, 3, 3), 'fro'), Sample(_wc(rng, 2, 3, 3), 1),
            Sample(_wc(rng, 3, 3), -np.inf), Sample(n((3, 3)), -2), Sample(_wc(rng, 3, 3), 'nuc')]


def _np_cond(a, p=None):
    return np.asarray(np.linalg.cond(a, p))


def _lstsq(A, B, **kw):
    return L.lstsq(A, B, **kw).solution


def _lstsq_samples(rng):
    n = rng.standard_normal
    return [Sample(n((5, 3)), n((5, 2))), Sample(n((2, 5, 3)), n((2, 5))), Sample(n((3, 4)), n((3, 2)), driver='gelsd')]


def _np_lstsq(A, B, **kw):
    vec = B.ndim == A.ndim - 1
    X = np.linalg.pinv(A) @ (B[..., None] if vec else B)
    return X[..., 0] if vec else X


def _householder_samples(rng):
    n = rng.standard_normal
    return [Sample(n((4, 3)), n(3)), Sample(n((2, 4, 2)), n((2, 1))), Sample(n((3, 3)), n(2))]


def _np_householder(A, tau):
    m, n = A.shape[-2:]
    flatA = A.reshape((-1, m, n))
    flatt = tau.reshape((-1, tau.shape[-1]))
    out = []
    for a, t in zip(flatA, flatt):
        Q = np.eye(m)
        for i in range(len(t)):
            v = np.zeros(m)
            v[i] = 1
            v[i + 1:] = a[i + 1:, i]
            Q = Q @ (np.eye(m) - t[i] * np.outer(v, v))
        out.append(Q[:, :n])
    return np.stack(out).reshape(A.shape)


def _np_ormqr(A, tau, C, left=True, transpose=False):
    m = A.shape[-2]
    Afull = np.concatenate([A, np.zeros(A.shape[:-1] + (m - A.shape[-1],))], -1) if A.shape[-1] < m else A
    Q = _np_householder(Afull, np.concatenate([tau, np.zeros(tau.shape[:-1] + (m - tau.shape[-1],))], -1))
    if transpose:
        Q = np.swapaxes(Q, -1, -2)
    return Q @ C if left else C @ Q


def _ormqr_samples(rng):
    n = rng.standard_normal
    return [Sample(n((4, 3)), n(3), n((4, 2))), Sample(n((4, 3)), n(2), n((2, 4)), left=False, transpose=True),
            Sample(n((4, 2)), n(2), n((4, 3)), transpose=True)]


def _np_vander(x, N=None):
    N = x.shape[-1] if N is None else N
    return x[..., None] ** np.arange(N)


def _multi_dot_samples(rng):
    n = rng.standard_normal
    return [Sample([n((2, 3)), n((3, 4)), n((4, 2))]), Sample([n(3), n((3, 4)), n(4)]), Sample([n(3), n((3, 2))])]


def _np_multi_dot(ts):
    return np.asarray(np.linalg.multi_dot(ts))


def _kron_samples(rng):
    n = rng.standard_normal
    return [Sample(n((2, 3)), n((3, 2))), Sample(n(3), n((2, 2))), Sample(n((2, 1, 2)), n((3, 2)))]


def _np_kron(a, b):
    return np.kron(a, b)


def _np_expm(a):
    """exp(A) by eigendecomposition of the (diagonalisable) sample matrices: an independent route."""
    w, v = np.linalg.eig(a)
    return (v * np.exp(w)[..., None, :] @ np.linalg.inv(v)).real


def _expm_samples(rng):
    n = rng.standard_normal
    return [Sample(n((3, 3))), Sample(n((2, 2, 2)) * 3), Sample(n((4, 4)) * 0.01)]


def _tensorinv_samples(rng):
    return [Sample(_wc(rng, 4, 4).reshape(4, 2, 2), 1), Sample(_wc(rng, 6, 6).reshape(2, 3, 6), 2)]


def _tensorsolve_samples(rng):
    return [Sample(_wc(rng, 6, 6).reshape(2, 3, 6), rng.standard_normal((2, 3))),
            Sample(np.moveaxis(_wc(rng, 6, 6).reshape(2, 3, 6), 2, 0), rng.standard_normal((2, 3)), (0,))]


def _np_tensorsolve(A, B, dims=None):
    if dims is not None:
        A = np.moveaxis(A, dims, range(A.ndim - len(dims), A.ndim))
    return np.linalg.tensorsolve(A, B)


def _np_logdet(a):
    sign, logabs = np.linalg.slogdet(a)
    return np.where(sign < 0, np.nan, logabs)


def _rows():
    return [
        OpInfo('linalg.solve', L.solve, _solve_samples, ref=_np_solve, error_inputs=_err(
            ((_z(2, 2), _z(3)), RuntimeError,
             'linalg.solve: Incompatible shapes of A and B for the equation AX = B (2x2 and 3x1)'),
            ((_z(2, 3), _z(2)), RuntimeError,
             'linalg.solve: A must be batches of square matrices, but they are 2 by 3 matrices'),
            ((_z(2, 2), _z(2)), LinAlgError, 'torch.linalg.solve: The solver failed because the input matrix is '
                                             'singular.'),
            ((np.stack([np.eye(2), _z(2, 2)]), _z(2, 2)), LinAlgError,
             'torch.linalg.solve: (Batch element 1): The solver failed because the input matrix is singular.'))),
        OpInfo('linalg.solve_ex', lambda A, B, **kw: L.solve_ex(A, B, **kw)[0], _solve_samples, ref=_np_solve,
               called=L.solve_ex),
        OpInfo('linalg.solve_triangular', L.solve_triangular, _tri_samples, ref=_np_tri, error_inputs=_err(
            ((np.eye(2), _z(3, 2)), RuntimeError, 'linalg.solve_triangular: Incompatible shapes of A and B for the '
                                                  'equation AX = B (2x2 and 3x2)', {'upper': True}))),
        OpInfo('triangular_solve', ember.triangular_solve,
               lambda rng: [Sample(rng.standard_normal((3, 2)), _wc(rng, 3, 3)),
                            Sample(rng.standard_normal((2, 3, 2)), _wc(rng, 3, 3), upper=False, transpose=True)],
               ref=lambda b, A, upper=True, transpose=False: (
                   _np_tri(np.swapaxes(A, -1, -2) if transpose else A, b, upper != transpose),
                   np.broadcast_to(A, b.shape[:-2] + A.shape[-2:]))),     # (the copy has the solution's batch)
        OpInfo('linalg.inv', L.inv, _square_samples, ref=np.linalg.inv),
        OpInfo('linalg.inv_ex', lambda A: L.inv_ex(A).inverse, _square_samples, ref=np.linalg.inv, called=L.inv_ex),
        OpInfo('linalg.cholesky', _chol(), lambda rng: [Sample(rng.standard_normal((3, 3))),
                                                        Sample(rng.standard_normal((2, 4, 4)))],
               ref=_np_chol()),
        OpInfo('linalg.cholesky_errors', L.cholesky, lambda rng: [Sample(_spd_np(rng.standard_normal((3, 3))))],
               ref=np.linalg.cholesky, grad=False, error_inputs=lambda: [
                   ErrorInput(Sample(np.array([[1.0, 2.0], [2.0, 1.0]])), LinAlgError,
                              'linalg.cholesky: The factorization could not be completed because the input is not '
                              'positive-definite (the leading minor of order 2 is not positive-definite).'),
                   ErrorInput(Sample(_z(2, 3)), RuntimeError,
                              'linalg.cholesky: A must be batches of square matrices, but they are 2 by 3 matrices')]),
        OpInfo('linalg.cholesky_ex', lambda a: L.cholesky_ex(_spd(a), upper=True).L,
               lambda rng: [Sample(rng.standard_normal((3, 3)))], ref=_np_chol(True),
               called=functools.partial(L.cholesky_ex, upper=True)),
        OpInfo('cholesky', lambda a, upper=False: ember.cholesky(_spd(a), upper),
               lambda rng: [Sample(rng.standard_normal((3, 3))), Sample(rng.standard_normal((2, 3, 3)), True)],
               ref=lambda a, upper=False: _np_chol(upper)(a)),
        OpInfo('cholesky_solve', lambda B, a, upper=False: ember.cholesky_solve(B, L.cholesky(_spd(a), upper=upper),
                                                                                   upper),
               lambda rng: [Sample(rng.standard_normal((3, 2)), rng.standard_normal((3, 3))),
                            Sample(rng.standard_normal((2, 3, 1)), rng.standard_normal((3, 3)), True)],
               ref=lambda B, a, upper=False: np.linalg.solve(_spd_np(a), B), called=ember.cholesky_solve),
        OpInfo('cholesky_inverse', lambda a, upper=False: ember.cholesky_inverse(L.cholesky(_spd(a), upper=upper),
                                                                                   upper),
               lambda rng: [Sample(rng.standard_normal((3, 3))), Sample(rng.standard_normal((3, 3)), True)],
               ref=lambda a, upper=False: np.linalg.inv(_spd_np(a)), called=ember.cholesky_inverse),
        OpInfo('linalg.qr', L.qr, lambda rng: [Sample(rng.standard_normal((4, 3))), Sample(rng.standard_normal((3, 5))),
                                              Sample(rng.standard_normal((2, 3, 3)), 'complete')],
               ref=lambda a, mode='reduced': np.linalg.qr(a, mode), error_inputs=_err(
                   ((_z(2, 3), 'x'), RuntimeError, "qr received unrecognized mode 'x' but expected one of 'reduced' "
                                                   "(default), 'r', or 'complete'"))),
        OpInfo('linalg.qr_r', lambda a: L.qr(a, 'r').R, lambda rng: [Sample(rng.standard_normal((4, 3)))],
               ref=lambda a: np.linalg.qr(a, 'r'), grad=False),
        OpInfo('qr', ember.qr, lambda rng: [Sample(rng.standard_normal((4, 3))),
                                            Sample(rng.standard_normal((3, 4)), False)],
               ref=lambda a, some=True: np.linalg.qr(a, 'reduced' if some else 'complete')),
        OpInfo('linalg.svd', L.svd, lambda rng: [Sample(rng.standard_normal((4, 3)), False),
                                                Sample(rng.standard_normal((2, 3, 5)), False)],
               ref=lambda a, full_matrices=True: np.linalg.svd(a, full_matrices), atol=1e-4, grad_atol=1e-4),
        # the extra singular vectors of full_matrices=True are not unique, so only the values are checked
        OpInfo('linalg.svd_full', L.svd, lambda rng: [Sample(rng.standard_normal((4, 3))),
                                                     Sample(rng.standard_normal((2, 2, 3)))],
               ref=lambda a: np.linalg.svd(a), grad=False),
        OpInfo('svd', ember.svd, lambda rng: [Sample(rng.standard_normal((4, 3))),
                                              Sample(rng.standard_normal((2, 3, 4)))],
               ref=lambda a, some=True: (lambda u, s, vh: (u, s, np.swapaxes(vh, -1, -2)))(
                   *np.linalg.svd(a, full_matrices=not some)), grad_atol=1e-4),
        OpInfo('svd_some_false', lambda a: ember.svd(a, some=False), lambda rng: [Sample(rng.standard_normal((3, 4)))],
               ref=lambda a: (lambda u, s, vh: (u, s, vh.T))(*np.linalg.svd(a)), grad=False),
        OpInfo('svd_no_uv', lambda a: ember.svd(a, compute_uv=False)[1],
               lambda rng: [Sample(rng.standard_normal((4, 3)))], ref=lambda a: np.linalg.svd(a, compute_uv=False)),
        OpInfo('linalg.svdvals', L.svdvals, _rect_samples, ref=lambda a: np.linalg.svd(a, compute_uv=False),
               error_inputs=_err(((_z(3),), RuntimeError,
                                  'linalg.svd: The input tensor A must have at least 2 dimensions.'))),
        OpInfo('linalg.eigh', lambda a, *args: L.eigh(_spd(a), *args),
               lambda rng: [Sample(rng.standard_normal((3, 3))), Sample(rng.standard_normal((2, 4, 4)), 'U')],
               ref=lambda a, *args: np.linalg.eigh(_spd_np(a), *args), atol=1e-4, called=L.eigh),
        OpInfo('linalg.eigh_errors', L.eigh, lambda rng: [Sample(_spd_np(rng.standard_normal((3, 3))))],
               ref=np.linalg.eigh, grad=False, atol=1e-4, error_inputs=lambda: [
                   ErrorInput(Sample(_z(2, 3)), RuntimeError, 'linalg.eigh: A must be batches of square matrices, '
                                                              'but they are 2 by 3 matrices')]),
        OpInfo('linalg.eigvalsh', lambda a: L.eigvalsh(_spd(a)), lambda rng: [Sample(rng.standard_normal((2, 3, 3)))],
               ref=lambda a: np.linalg.eigvalsh(_spd_np(a)), called=L.eigvalsh),
        OpInfo('linalg.eigvals', L.eigvals, lambda rng: [Sample(_sym(rng.standard_normal((3, 3))))],
               ref=lambda a: np.linalg.eigvals(a).astype(complex), grad=False, error_inputs=_err(
                   ((_z(2, 3),), RuntimeError, 'linalg.eigvals: A must be batches of square matrices, but they are 2 '
                                               'by 3 matrices'))),
        OpInfo('linalg.eig', lambda a: L.eig(a).eigenvalues, lambda rng: [Sample(rng.standard_normal((3, 3)))],
               ref=lambda a: np.linalg.eig(a)[0].astype(complex), grad=False),
        OpInfo('linalg.lu_factor', L.lu_factor, lambda rng: [Sample(rng.standard_normal((3, 3))),
                                                            Sample(rng.standard_normal((2, 4, 4)))],
               ref=lambda a: _np_lu_factor(a)[0], output_index=0, error_inputs=_err(
                   ((_z(2, 2),), RuntimeError, 'torch.linalg.lu_factor: U[1,1] is zero and using it on lu_solve would '
                                               'result in a division by zero. If you still want to perform the '
                                               'factorization, consider calling linalg.lu(A, pivot) or '
                                               'linalg.lu_factor_ex(A, pivot)'))),
        OpInfo('linalg.lu_factor_ex', L.lu_factor_ex, lambda rng: [
            Sample(rng.standard_normal((4, 3))), Sample(rng.standard_normal((3, 5)))],
            ref=lambda a: _np_lu_factor(a)[0], output_index=0),
        OpInfo('linalg.lu_factor_pivots', lambda a: L.lu_factor_ex(a)[1:], lambda rng: [
            Sample(rng.standard_normal((4, 4))), Sample(rng.standard_normal((2, 3, 5))), Sample(_z(3, 3))],
            ref=lambda a: (_np_lu_factor(a)[1], np.zeros(a.shape[:-2]) if a.any() else np.ones(())), grad=False),
        OpInfo('linalg.lu', L.lu, lambda rng: [Sample(rng.standard_normal((3, 3))), Sample(rng.standard_normal((4, 3))),
                                              Sample(rng.standard_normal((2, 3, 5)))],
               ref=lambda a: _np_lu(a)[1:], output_index=slice(1, 3)),
        OpInfo('linalg.lu_p', lambda a: L.lu(a).P, lambda rng: [Sample(rng.standard_normal((2, 4, 3)))],
               ref=lambda a: _np_lu(a)[0], grad=False),
        OpInfo('lu', ember.lu, lambda rng: [Sample(rng.standard_normal((3, 3)))], ref=lambda a: _np_lu_factor(a)[0],
               output_index=0),
        OpInfo('lu_unpack', lambda a: ember.lu_unpack(*L.lu_factor(a)), lambda rng: [
            Sample(rng.standard_normal((3, 3))), Sample(rng.standard_normal((2, 3, 4)))],
            ref=lambda a: _np_lu(a)[1:], output_index=slice(1, 3)),
        OpInfo('linalg.lu_solve', _lu_solve, _lu_solve_samples, ref=_np_lu_solve),
        OpInfo('lu_solve', lambda B, A: ember.lu_solve(B, *L.lu_factor(A)),
               lambda rng: [Sample(rng.standard_normal((3, 2)), _wc(rng, 3, 3))], ref=lambda B, A: np.linalg.solve(A, B)),
        OpInfo('linalg.ldl_factor', lambda a: L.ldl_factor(a + a.mT),
               lambda rng: [Sample(rng.standard_normal((4, 4)))], grad=False),
        OpInfo('linalg.ldl_factor_ex', lambda a: L.ldl_factor_ex(a + a.mT).info,
               lambda rng: [Sample(rng.standard_normal((2, 4, 4)))], ref=lambda a: np.zeros(2), grad=False),
        OpInfo('linalg.ldl_solve', lambda a, B: L.ldl_solve(*L.ldl_factor(a + a.mT), B),
               lambda rng: [Sample(rng.standard_normal((4, 4)), rng.standard_normal((4, 2))),
                            Sample(_z(3, 3) + np.eye(3)[::-1], rng.standard_normal((2, 3, 1)))],
               ref=lambda a, B: np.linalg.solve(_sym(a), B), grad=False),
        OpInfo('linalg.pinv', L.pinv, _pinv_samples, ref=_np_pinv, error_inputs=_err(
            ((_z(3),), RuntimeError, 'linalg.pinv(Float{[3]}): expected a tensor with 2 or more dimensions of float, '
                                     'double, cfloat or cdouble types'))),
        OpInfo('linalg.pinv_rtol', L.pinv, lambda rng: [Sample(np.diag([3.0, 1.0, 1e-3]) @ rng.standard_normal((3, 4)),
                                                              rtol=0.01)],
               ref=lambda a, rtol: np.linalg.pinv(a, rcond=rtol), grad=False),
        OpInfo('linalg.pinv_hermitian', _pinv_h, lambda rng: [Sample(rng.standard_normal((3, 3)))], ref=_np_pinv_h),
        OpInfo('pinverse', ember.pinverse, lambda rng: [Sample(rng.standard_normal((4, 3)))], ref=np.linalg.pinv),
        OpInfo('linalg.matrix_rank', L.matrix_rank, lambda rng: [
            Sample(rng.standard_normal((4, 2)) @ rng.standard_normal((2, 5))), Sample(rng.standard_normal((2, 3, 3))),
            Sample(np.diag([1.0, 1e-3, 0.0]), atol=1e-2), Sample(_sym(rng.standard_normal((3, 3))), hermitian=True)],
            ref=lambda a, atol=None, hermitian=False: np.linalg.matrix_rank(a, tol=atol, hermitian=hermitian),
            grad=False),
        OpInfo('linalg.cond', L.cond, _cond_samples, ref=_np_cond, atol=1e-4, error_inputs=_err(
            ((_z(3, 3), 'abc'), RuntimeError, 'linalg.cond got an invalid norm type: abc'),
            ((_z(2, 3), 1), RuntimeError,
             'linalg.cond(ord=1): A must be batches of square matrices, but they are 2 by 3 matrices'))),
        OpInfo('linalg.matrix_norm', L.matrix_norm, _norm_samples, ref=_np_matrix_norm, error_inputs=_err(
            ((_z(3),), RuntimeError, 'linalg.matrix_norm: The input tensor A must have at least 2 dimensions.'),
            ((_z(3, 3), 3), RuntimeError, 'linalg.matrix_norm: Order 3 not supported.'),
            ((_z(3, 3), 'fro', (0,)), RuntimeError, 'linalg.matrix_norm: dim must be a 2-tuple. Got 0'),
            ((_z(3, 3), 'fro', 0), TypeError,
             'linalg_matrix_norm() received an invalid combination of arguments - got (Tensor, str, int), but '
             'expected one of:\n * (Tensor input, Number ord, tuple of ints dim = {-2,-1}, bool keepdim = False, *, '
             'ember.dtype dtype = None, Tensor out = None)\n * (Tensor input, str ord = "fro", tuple of ints dim = '
             '{-2,-1}, bool keepdim = False, *, ember.dtype dtype = None, Tensor out = None)\n'))),
        OpInfo('linalg.norm', L.norm, _lnorm_samples, ref=_np_lnorm, error_inputs=_err(
            ((_z(3, 3, 3), 2), RuntimeError,
             'linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got 3D.'))),
        OpInfo('linalg.vector_norm', L.vector_norm, _vnorm_samples, ref=_np_vnorm, error_inputs=_err(
            ((_z(3), 'fro'), TypeError, "linalg_vector_norm(): argument 'ord' (position 2) must be Number, not str"))),
        OpInfo('nuclear_norm', ember.nuclear_norm, lambda rng: [Sample(rng.standard_normal((3, 4)))],
               ref=lambda a: np.linalg.norm(a, 'nuc')),
        OpInfo('frobenius_norm', ember.frobenius_norm,
               lambda rng: [Sample(rng.standard_normal((2, 3, 4)), dim=(-2, -1))],
               ref=lambda a, dim: np.linalg.norm(a, 'fro', dim)),
        OpInfo('linalg.lstsq', _lstsq, _lstsq_samples, ref=_np_lstsq, atol=1e-4, called=L.lstsq, error_inputs=_err(
            ((_z(3, 2), _z(4, 2)), RuntimeError, 'torch.linalg.lstsq: input.size(-2) should match other.size(-2)'),
            ((_z(3, 2), _z(3, 2)), RuntimeError, 'torch.linalg.lstsq: parameter `driver` should be one of (gels, '
                                                 'gelsy, gelsd, gelss)', {'driver': 'foo'}))),
        OpInfo('linalg.matrix_power', L.matrix_power, lambda rng: [
            Sample(rng.standard_normal((3, 3)), 3), Sample(_wc(rng, 2, 3, 3), -2), Sample(rng.standard_normal((3, 3)), 0),
            Sample(rng.standard_normal((3, 3)), 1)],
            ref=lambda a, n: np.linalg.matrix_power(a, n), error_inputs=_err(
                ((_z(2, 3), 2), RuntimeError,
                 'linalg.matrix_power: A must be batches of square matrices, but they are 2 by 3 matrices'),
                ((_z(2, 2), -1), LinAlgError, 'linalg.inv: The diagonal element 1 is zero, the inversion could not '
                                              'be completed because the input matrix is singular.'))),
        OpInfo('matrix_power', ember.matrix_power, lambda rng: [Sample(rng.standard_normal((2, 3, 3)), 2)],
               ref=lambda a, n: np.linalg.matrix_power(a, n)),
        OpInfo('linalg.matrix_exp', L.matrix_exp, _expm_samples, ref=_np_expm, atol=1e-4, error_inputs=_err(
            ((_z(2, 3),), RuntimeError,
             'linalg.matrix_exp: A must be batches of square matrices, but they are 2 by 3 matrices'))),
        OpInfo('matrix_exp', ember.matrix_exp, lambda rng: [Sample(rng.standard_normal((3, 3)))], ref=_np_expm,
               atol=1e-4),
        OpInfo('linalg.multi_dot', L.multi_dot, _multi_dot_samples, ref=_np_multi_dot, error_inputs=_err(
            (([_z(3)],), RuntimeError, 'multi_dot(): expected at least 2 tensors but got 1'),
            (([_z(3, 2), _z(3, 2)],), RuntimeError,
             'multi_dot(): tensors 0 and 1 with shapes [3, 2] and [3, 2] cannot be multiplied'))),
        OpInfo('chain_matmul', lambda a, b, c: ember.chain_matmul(a, b, c), lambda rng: [
            Sample(rng.standard_normal((2, 3)), rng.standard_normal((3, 4)), rng.standard_normal((4, 2)))],
            ref=lambda a, b, c: a @ b @ c),
        OpInfo('linalg.vecdot', L.vecdot, lambda rng: [Sample(rng.standard_normal((2, 3)), rng.standard_normal(3)),
                                                      Sample(rng.standard_normal((3, 2)), rng.standard_normal((3, 1)),
                                                             dim=0)],
               ref=lambda x, y, dim=-1: (x * y).sum(dim)),
        OpInfo('vdot', ember.vdot, lambda rng: [Sample(rng.standard_normal(4), rng.standard_normal(4))],
               ref=lambda a, b: np.asarray(np.vdot(a, b)), error_inputs=_err(
                   ((_z(2, 3), _z(4)), RuntimeError, '1D tensors expected, but got 2D and 1D tensors'))),
        OpInfo('kron', ember.kron, _kron_samples, ref=_np_kron),
        OpInfo('linalg.vander', L.vander, lambda rng: [Sample(rng.standard_normal(3)),
                                                      Sample(rng.standard_normal((2, 3)), N=5)],
               ref=_np_vander, error_inputs=_err(((_z(3),), RuntimeError, 'N must be greater than 1.', {'N': 1}))),
        OpInfo('linalg.householder_product', L.householder_product, _householder_samples, ref=_np_householder,
               error_inputs=_err(((_z(3, 2), _z(3)), RuntimeError, 'torch.linalg.householder_product: '
                                                                   'input.shape[-1] must be greater than or equal to '
                                                                   'tau.shape[-1]'))),
        OpInfo('orgqr', ember.orgqr, lambda rng: [Sample(rng.standard_normal((4, 3)), rng.standard_normal(3))],
               ref=_np_householder),
        OpInfo('ormqr', ember.ormqr, _ormqr_samples, ref=_np_ormqr),
        OpInfo('geqrf', lambda a: ember.geqrf(a).tau, lambda rng: [Sample(rng.standard_normal((4, 3)))],
               ref=lambda a: np.linalg.qr(a, mode='raw')[1], grad=False),
        OpInfo('linalg.tensorinv', L.tensorinv, _tensorinv_samples,
               ref=lambda a, ind=2: np.linalg.tensorinv(a, ind), error_inputs=_err(
                   ((_z(4, 2, 2), 0), RuntimeError, "Expected a strictly positive integer for 'ind', but got 0"))),
        OpInfo('linalg.tensorsolve', L.tensorsolve, _tensorsolve_samples, ref=_np_tensorsolve),
        OpInfo('linalg.det', L.det, _square_samples, ref=np.linalg.det),
        OpInfo('linalg.slogdet', L.slogdet, _square_samples, ref=lambda a: np.linalg.slogdet(a)),
        OpInfo('logdet', ember.logdet, lambda rng: [Sample(_wc(rng, 3, 3)), Sample(_wc(rng, 2, 2, 2))],
               ref=_np_logdet),
        OpInfo('linalg.cross', L.cross, lambda rng: [Sample(rng.standard_normal((4, 3)), rng.standard_normal((4, 3))),
                                                    Sample(rng.standard_normal((3, 3)), rng.standard_normal(3))],
               ref=lambda a, b, dim=-1: np.cross(a, b, axis=dim), error_inputs=_err(
                   ((_z(3, 2), _z(3, 2)), RuntimeError,
                    'linalg.cross: inputs dimension -1 must have length 3. Got 2 and 2'))),
        OpInfo('linalg.diagonal', L.diagonal, lambda rng: [Sample(rng.standard_normal((2, 3, 4))),
                                                          Sample(rng.standard_normal((3, 4)), offset=1, dim1=1, dim2=0)],
               ref=lambda a, offset=0, dim1=-2, dim2=-1: np.diagonal(a, offset, dim1, dim2)),
        OpInfo('linalg.matmul', L.matmul, lambda rng: [Sample(rng.standard_normal((2, 3, 4)),
                                                              rng.standard_normal((4, 2)))], ref=np.matmul),
    ]


OPS = _rows()
