"""LDL^T factorisation of symmetric (or Hermitian) matrices: ``linalg.ldl_factor(_ex)``, ``ldl_solve``.

LAPACK's sytf2/sytrs with Bunch-Kaufman pivoting on the lower triangle, written in NumPy for real
matrices (where ``hermitian`` changes nothing): the
same compact ``LD`` (L below the diagonal, the 1x1 and 2x2 blocks of D on it) and the same
1-based ``pivots`` (negative for a 2x2 block). PyTorch defines no derivative for them.
"""
import math

import numpy as np

from ember.backend import to_numpy
from ember.autograd.function import Primitive
from ember.ops._linalg_util import check_matrix, check_square, matrices, named, refuse_low_precision
from ember.ops.inplace import write_out
from ember.ops._registry import op

_ALPHA = (1 + math.sqrt(17)) / 8   # Bunch-Kaufman's threshold, as LAPACK's


def _sytf2(a):
    """One real symmetric matrix: (LD, pivots, info)."""
    a = np.tril(np.array(a))
    n = a.shape[0]
    piv = np.zeros(n, np.int32)
    info = 0
    k = 0
    while k < n:
        kstep = 1
        absakk = abs(a[k, k])
        if k < n - 1:
            imax = k + 1 + int(np.argmax(np.abs(a[k + 1:, k])))
            colmax = abs(a[imax, k])
        else:
            imax, colmax = k, 0.0
        if max(absakk, colmax) == 0:
            info = info or k + 1
            kp = k
        else:
            if absakk >= _ALPHA * colmax:
                kp = k
            else:
                row = np.abs(a[imax, k:imax])
                rowmax = row.max() if row.size else 0.0
                if imax < n - 1:
                    rowmax = max(rowmax, np.abs(a[imax + 1:, imax]).max())
                if absakk >= _ALPHA * colmax * (colmax / rowmax):
                    kp = k
                elif abs(a[imax, imax]) >= _ALPHA * rowmax:
                    kp = imax
                else:
                    kp, kstep = imax, 2
            kk = k + kstep - 1
            if kp != kk:  # symmetric interchange of rows and columns kk and kp in the trailing block
                a[kp + 1:, [kk, kp]] = a[kp + 1:, [kp, kk]]
                seg = a[kk + 1:kp, kk].copy()
                a[kk + 1:kp, kk] = a[kp, kk + 1:kp]
                a[kp, kk + 1:kp] = seg
                a[[kk, kp], [kk, kp]] = a[[kp, kk], [kp, kk]]
                if kstep == 2:
                    a[[k + 1, kp], k] = a[[kp, k + 1], k]
            if kstep == 1:
                if k < n - 1:
                    d11 = 1 / a[k, k]
                    col = a[k + 1:, k]
                    a[k + 1:, k + 1:] -= np.tril(d11 * np.outer(col, col))
                    a[k + 1:, k] = col * d11
            elif k < n - 2:
                d21 = a[k + 1, k]
                d11 = a[k + 1, k + 1] / d21
                d22 = a[k, k] / d21
                t = 1 / (d11 * d22 - 1)
                c0, c1 = a[k + 2:, k].copy(), a[k + 2:, k + 1].copy()
                wk = (t / d21) * (d11 * c0 - c1)
                wkp1 = (t / d21) * (d22 * c1 - c0)
                a[k + 2:, k + 2:] -= np.tril(np.outer(c0, wk) + np.outer(c1, wkp1))
                a[k + 2:, k], a[k + 2:, k + 1] = wk, wkp1
        if kstep == 1:
            piv[k] = kp + 1
        else:
            piv[k] = piv[k + 1] = -(kp + 1)
        k += kstep
    return a, piv, info


def _sytrs(a, piv, b):
    """Solve A X = B for one matrix from its ``_sytf2`` factors."""
    b = np.array(b, dtype=np.result_type(a, b))
    n = a.shape[0]
    k = 0
    while k < n:  # L D Y = P^T B
        if piv[k] > 0:
            kp = piv[k] - 1
            b[[k, kp]] = b[[kp, k]]
            b[k + 1:] -= np.outer(a[k + 1:, k], b[k])
            b[k] /= a[k, k]
            k += 1
        else:
            kp = -piv[k] - 1
            b[[k + 1, kp]] = b[[kp, k + 1]]
            b[k + 2:] -= np.outer(a[k + 2:, k], b[k]) + np.outer(a[k + 2:, k + 1], b[k + 1])
            akm1k = a[k + 1, k]
            akm1 = a[k, k] / akm1k
            ak = a[k + 1, k + 1] / akm1k
            denom = akm1 * ak - 1
            bkm1 = b[k] / akm1k
            bk = b[k + 1] / akm1k
            b[k] = (ak * bkm1 - bk) / denom
            b[k + 1] = (akm1 * bk - bkm1) / denom
            k += 2
    k = n - 1
    while k >= 0:  # L^T P^T X = Y
        if piv[k] > 0:
            b[k] -= a[k + 1:, k] @ b[k + 1:]
            kp = piv[k] - 1
            b[[k, kp]] = b[[kp, k]]
            k -= 1
        else:
            b[k] -= a[k + 1:, k] @ b[k + 1:]
            b[k - 1] -= a[k + 1:, k - 1] @ b[k + 1:]
            kp = -piv[k] - 1
            b[[k, kp]] = b[[kp, k]]
            k -= 2
    return b


class LdlFactor(Primitive):
    node_name = 'LinalgLdlFactorExBackward0'

    @staticmethod
    def forward(ctx, a):
        parts = [_sytf2(m) for m in matrices(a)]
        batch = a.shape[:-2]
        n = a.shape[-1]
        ld = np.stack([p[0] for p in parts]).reshape(a.shape) if parts else np.zeros(a.shape, a.dtype)
        piv = np.stack([p[1] for p in parts]).reshape(batch + (n,)) if parts else np.zeros(batch + (n,), np.int32)
        info = np.array([p[2] for p in parts], np.int32).reshape(batch)
        return ctx.xp.asarray(ld), ctx.xp.asarray(piv), ctx.xp.asarray(info)

    @staticmethod
    def backward(ctx, *grads):
        raise RuntimeError("derivative for aten::linalg_ldl_factor_ex is not implemented")


class LdlSolve(Primitive):
    node_name = 'LinalgLdlSolveBackward0'

    @staticmethod
    def forward(ctx, ld, piv, b):
        ld, piv, b = to_numpy(ld), to_numpy(piv), to_numpy(b)  # LAPACK's sytrs runs on the host
        shape = np.broadcast_shapes(ld.shape[:-2], b.shape[:-2])
        lds = np.broadcast_to(ld, shape + ld.shape[-2:]).reshape((-1,) + ld.shape[-2:])
        pivs = np.broadcast_to(piv, shape + piv.shape[-1:]).reshape((-1, piv.shape[-1]))
        bs = np.broadcast_to(b, shape + b.shape[-2:]).reshape((-1,) + b.shape[-2:])
        out = [_sytrs(x, p, y) for x, p, y in zip(lds, pivs, bs)]
        res = np.stack(out) if out else np.zeros(bs.shape, b.dtype)
        return ctx.xp.asarray(res.reshape(shape + b.shape[-2:]))

    @staticmethod
    def backward(ctx, *grads):
        raise RuntimeError("derivative for aten::linalg_ldl_solve is not implemented")


@op('linalg')
def ldl_factor_ex(A, *, hermitian=False, check_errors=False, out=None):
    r"""Computes the LDL factorisation like :func:`ember.linalg.ldl_factor`, also returning an error code.

    ``info`` is zero where the factorisation succeeded.

    Args:
        A (Tensor): a square matrix or a batch of them, shape ``(*, n, n)``.

    Keyword args:
        hermitian (bool, optional): treat complex ``A`` as Hermitian rather than symmetric. Default: ``False``.
        check_errors (bool, optional): raise an error when ``info`` reports a failure instead of returning it. Default: ``False``.
        out (tuple, optional): tensors to write the results into.

    Returns:
        a named tuple ``(LD, pivots, info)``.

    Example::

        >>> A = ember.tensor([[4., 2.], [2., 3.]])
        >>> LD, pivots, info = ember.linalg.ldl_factor_ex(A)
        >>> info
        tensor(0, dtype=ember.int32)
    """
    check_square('torch.linalg.ldl_factor_ex', A)
    if A.numel():       # (an empty matrix never reaches the kernel)
        refuse_low_precision('ldl_factor_kernel_cpu', A)
    LD, piv, info = LdlFactor.apply(_real(A, 'torch.linalg.ldl_factor', hermitian))
    if check_errors and info._data.any():
        _singular('torch.linalg.ldl_factor_ex', info._data)
    return write_out('linalg_ldl_factor_ex', named('linalg_ldl_factor_ex', ('LD', 'pivots', 'info'))(LD, piv, info), out)


def _real(A, name, hermitian):
    if A.dtype.is_complex:  # for real matrices symmetric and Hermitian are the same
        raise NotImplementedError(f"{name}: complex matrices (hermitian={hermitian}) are not supported yet")
    return A


def _singular(name, info):
    from ember.ops.linalg import LinAlgError
    k = int(info.reshape(-1)[np.flatnonzero(info.reshape(-1))[0]])
    raise LinAlgError(f"{name}: The factorization could not be completed because the input matrix is singular "
                      f"(D[{k},{k}] is exactly zero).")


@op('linalg')
def ldl_factor(A, *, hermitian=False, out=None):
    r"""Computes a compact LDL factorisation of a symmetric (or Hermitian) matrix.

    The result is meant for :func:`ember.linalg.ldl_solve`: ``LD`` packs the unit-lower-triangular
    ``L`` and the block-diagonal ``D`` in one matrix, and ``pivots`` records the symmetric row
    interchanges. Only the lower triangle of ``A`` is read.

    Args:
        A (Tensor): a square matrix or a batch of them, shape ``(*, n, n)``.

    Keyword args:
        hermitian (bool, optional): treat complex ``A`` as Hermitian rather than symmetric. Default: ``False``.
        out (tuple, optional): tensors to write the results into.

    Returns:
        a named tuple ``(LD, pivots)``.

    Example::

        >>> A = ember.tensor([[4., 2.], [2., 3.]])
        >>> LD, pivots = ember.linalg.ldl_factor(A)
        >>> ember.linalg.ldl_solve(LD, pivots, ember.tensor([[6.], [5.]]))
        tensor([[1.],
                [1.]])
    """
    check_square('torch.linalg.ldl_factor', A)
    if A.numel():
        refuse_low_precision('ldl_factor_kernel_cpu', A)
    LD, piv, info = LdlFactor.apply(_real(A, 'torch.linalg.ldl_factor', hermitian))
    if info._data.any():
        _singular('torch.linalg.ldl_factor', info._data)
    return write_out('linalg_ldl_factor', named('linalg_ldl_factor', ('LD', 'pivots'))(LD, piv), out)


@op('linalg')
def ldl_solve(LD, pivots, B, *, hermitian=False, out=None):
    r"""Solves ``A X = B`` given the LDL factorisation of ``A``.

    The factorisation is the one :func:`ember.linalg.ldl_factor` returns; it can be reused for many
    right-hand sides.

    Args:
        LD (Tensor): the packed factors, shape ``(*, n, n)``.
        pivots (Tensor): the pivots from the factorisation, shape ``(*, n)``.
        B (Tensor): the right-hand sides, shape ``(*, n, k)``.

    Keyword args:
        hermitian (bool, optional): the factorisation is of a Hermitian matrix. Default: ``False``.
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> A = ember.tensor([[4., 2.], [2., 3.]])
        >>> LD, pivots = ember.linalg.ldl_factor(A)
        >>> ember.linalg.ldl_solve(LD, pivots, ember.tensor([[6.], [5.]]))
        tensor([[1.],
                [1.]])
    """
    check_square('torch.linalg.ldl_solve', LD)
    check_matrix('torch.linalg.ldl_solve', B, 'B')
    if B.shape[-2] != LD.shape[-1]:
        raise RuntimeError(f"torch.linalg.ldl_solve: Incompatible shapes of A and B for the equation AX = B "
                           f"({LD.shape[-2]}x{LD.shape[-1]} and {B.shape[-2]}x{B.shape[-1]})")
    refuse_low_precision('ldl_solve_kernel_cpu', LD)
    return write_out('linalg_ldl_solve', LdlSolve.apply(_real(LD, 'torch.linalg.ldl_solve', hermitian), pivots, B), out)
