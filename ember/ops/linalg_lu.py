"""LU factorisation with partial pivoting: ``linalg.lu_factor(_ex)``, ``lu``, ``lu_solve``, ``lu_unpack``.

NumPy has no LU, so the factorisation is LAPACK's getf2 written over the batch: one pass per
column, each vectorised over every matrix (same pivots, same 1-based ``pivots`` and ``info``).
"""
import numpy as np

from ember.backend import to_numpy
from ember.autograd.function import Primitive
from ember.ops._linalg_util import batch_prefix, check_float, check_matrix, named, refuse_low_precision
from ember.ops.inplace import write_out
from ember.ops._registry import op
from ember.ops.linalg_solve import solve_triangular
from ember.autograd import _saved_attrs as _sa


def _getrf(a):
    """(LU packed, 1-based pivots, info) for a stack of matrices ``a`` of shape (b, m, n)."""
    lu = np.array(a, copy=True)
    b, m, n = lu.shape
    k = min(m, n)
    piv = np.zeros((b, k), np.int32)
    info = np.zeros(b, np.int32)
    rows = np.arange(b)
    with np.errstate(invalid='ignore'):
        for j in range(k):
            p = j + np.argmax(np.abs(lu[:, j:, j]), axis=1)
            piv[:, j] = p + 1
            top = lu[rows, j].copy()
            lu[rows, j] = lu[rows, p]
            lu[rows, p] = top
            pivot = lu[:, j, j]
            zero = pivot == 0
            info[(info == 0) & zero] = j + 1  # LAPACK records the first zero pivot and carries on
            lu[:, j + 1:, j] /= np.where(zero, 1, pivot)[:, None]
            lu[:, j + 1:, j + 1:] -= lu[:, j + 1:, j, None] * lu[:, j, None, j + 1:]
    return lu, piv, info


def _permutation(piv, m, dtype):
    """P (with A = P L U) from LAPACK's row interchanges, for a stack of pivot vectors (b, k)."""
    b, k = piv.shape
    perm = np.tile(np.arange(m), (b, 1))
    rows = np.arange(b)
    for j in range(k):
        p = piv[:, j] - 1
        top = perm[rows, j].copy()
        perm[rows, j] = perm[rows, p]
        perm[rows, p] = top
    P = np.zeros((b, m, m), dtype)
    P[rows[:, None], perm, np.arange(m)[None, :]] = 1
    return P


def _perm_tensor(pivots, m, like):
    from ember._tensor import Tensor
    piv = to_numpy(pivots._data).reshape((-1, pivots.shape[-1]))  # built on the host, then moved
    if piv.size and (piv.min() < 1 or piv.max() > m):
        raise RuntimeError("lu_unpack: pivots must be between 1 and LU.size(-2) inclusive.")
    P = _permutation(piv, m, like._data.dtype).reshape(tuple(pivots.shape[:-1]) + (m, m))
    from ember.backend import move
    return Tensor._make(move(P, like.device), like.device)


def _split(LU):
    m, n = LU.shape[-2:]
    k = min(m, n)
    from ember.ops.creation import eye
    L = LU[..., :, :k].tril(-1) + eye(m, k, dtype=LU.dtype, device=LU.device)
    U = LU[..., :k, :].triu()
    return L, U


class LuUnpack(Primitive):
    """lu_unpack's L and U from the packed factors, as PyTorch's one node (LuUnpackBackward0): the gradient is
    gL's strict lower triangle and gU's upper one, put back where each came from."""
    node_name = 'LuUnpackBackward0'
    saved_attrs = {'LU_data_sym_argsize_minus_1': _sa.item('shape', 1),
                   'LU_data_sym_argsize_minus_2': _sa.item('shape', 0)}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, LU, value):
        ctx.shape = LU.shape[-2:]
        return value

    @staticmethod
    def backward(ctx, gL, gU):
        from ember.nn.functional import pad
        m, n = ctx.shape
        k = min(m, n)
        g = gL.tril(-1)
        g = pad(g, (0, n - k)) if n > k else g          # (L is m x k: no columns past k)
        u = gU.triu()
        return g + (pad(u, (0, 0, 0, m - k)) if m > k else u), None   # (U is k x n: no rows past k)


def _square_backward(L, U, gL, gU):
    """gA' for A' = L U (square): L^-H [tril(L^H gL, -1) + triu(gU U^H)] U^-H."""
    gR = L.mH.matmul(gL).tril(-1) + gU.matmul(U.mH).triu()
    g = solve_triangular(L.mH, gR, upper=True, unitriangular=True)
    return solve_triangular(U.mH, g, upper=False, left=False)


def _pivots(node):
    """The 1-based pivots the forward kept (``ctx.piv``, one row per matrix), shaped as the batch."""
    from ember._tensor import Tensor
    from ember.backend import move
    LU = node._read_saved(0)
    return Tensor._make(move(node.piv.reshape(tuple(LU.shape[:-2]) + node.piv.shape[-1:]), LU.device), LU.device)


class LuFactor(Primitive):
    _profile_name = 'aten::linalg_lu_factor'
    node_name = 'LinalgLuFactorExBackward0'
    saved_attrs = {'LU': _sa.saved(0), 'pivot': _sa.const(True), 'pivots': _sa.kept_tensor(_pivots)}  # grad_fn._saved_*

    @staticmethod
    def forward(ctx, a):
        batch = a.shape[:-2]
        lu, piv, info = _getrf(to_numpy(a).reshape((-1,) + a.shape[-2:]))  # LAPACK on the host
        lu = ctx.xp.asarray(lu.reshape(a.shape))
        ctx.save_for_backward(lu)
        ctx.piv = piv
        return lu, ctx.xp.asarray(piv.reshape(batch + piv.shape[-1:])), ctx.xp.asarray(info.reshape(batch))

    @staticmethod
    def backward(ctx, g, _piv, _info):
        from ember.ops.shape import cat
        LU, = ctx.saved_tensors
        m, n = LU.shape[-2:]
        L, U = _split(LU)
        gL, gU = _split(g)
        gL = gL.tril(-1)
        if m == n:
            ga = _square_backward(L, U, gL, gU)
        elif m < n:  # wide: A = P L [U1 | U2]
            U1, U2, gU1, gU2 = U[..., :m], U[..., m:], gU[..., :m], gU[..., m:]
            ga2 = solve_triangular(L.mH, gU2, upper=True, unitriangular=True)
            ga = cat([_square_backward(L, U1, gL - ga2.matmul(U2.mH), gU1), ga2], -1)
        else:  # tall: A = P [L1; L2] U
            L1, L2, gL1, gL2 = L[..., :n, :], L[..., n:, :], gL[..., :n, :], gL[..., n:, :]
            ga2 = solve_triangular(U.mH, gL2, upper=False, left=False)
            ga = cat([_square_backward(L1, U, gL1, gU - L2.mH.matmul(ga2)), ga2], -2)
        from ember._tensor import Tensor
        from ember.backend import move
        P = _permutation(ctx.piv, m, LU._data.dtype).reshape(tuple(LU.shape[:-2]) + (m, m))
        return Tensor._make(move(P, LU.device), LU.device).matmul(ga)


def _factor(name, A, pivot):
    if A.ndim < 2:      # (the factorisation PyTorch's lu_factor and lu_factor_ex share names itself)
        raise RuntimeError(f"{'linalg.lu' if name == 'linalg.lu' else 'torch.lu_factor'}: Expected tensor with 2 or "
                           f"more dimensions. Got size: {list(A.shape)} instead")
    if not (A.dtype.is_floating_point or A.dtype.is_complex):
        from ember._tensor import _scalar_type_name
        raise NotImplementedError(f"\"lu_cpu\" not implemented for '{_scalar_type_name(A.dtype)}'")
    if A.numel():       # (an empty matrix never reaches the kernel)
        refuse_low_precision('lu_cpu', A)
    if not pivot:
        raise RuntimeError("linalg.lu_factor: LU without pivoting is not implemented on the CPU")
    return LuFactor.apply(A)


@op('linalg')
def lu_factor_ex(A, *, pivot=True, check_errors=False, out=None):
    r"""Computes the LU factorisation like :func:`ember.linalg.lu_factor`, also returning an error code.

    ``info`` is zero on success and ``k > 0`` when ``U[k-1, k-1]`` is exactly zero (the matrix is
    singular; the factorisation is still returned).

    Args:
        A (Tensor): a matrix or a batch of matrices, shape ``(*, m, n)``.

    Keyword args:
        pivot (bool, optional): use partial pivoting; only ``True`` is supported on the CPU. Default: ``True``.
        check_errors (bool, optional): raise an error when ``info`` reports a failure instead of returning it. Default: ``False``.
        out (tuple, optional): tensors to write the results into.

    Returns:
        a named tuple ``(LU, pivots, info)``.

    Example::

        >>> A = ember.tensor([[2., 4.], [1., 3.]])
        >>> ember.linalg.lu_factor_ex(A).info
        tensor(0, dtype=ember.int32)
    """
    LU, piv, info = _factor('torch.linalg.lu_factor_ex', A, pivot)
    if check_errors and info._data.any():
        _raise_singular('torch.linalg.lu_factor_ex', A, info._data)
    return write_out('linalg_lu_factor_ex', named('linalg_lu_factor_ex', ('LU', 'pivots', 'info'))(LU, piv, info), out)


def _raise_singular(name, A, info):
    b = int(np.flatnonzero(info.reshape(-1))[0])
    k = int(info.reshape(-1)[b])
    raise RuntimeError(f"{name}: {batch_prefix(A, b)}U[{k},{k}] is zero and using it on lu_solve would result in a "
                       "division by zero. If you still want to perform the factorization, consider calling "
                       "linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)")


@op('linalg')
def lu_factor(A, *, pivot=True, out=None):
    r"""Computes a compact LU factorisation of a matrix with partial pivoting.

    ``LU`` packs ``L`` (below the diagonal, whose ones are implicit) and ``U``; ``pivots`` holds the
    1-based row interchanges. Pass both to :func:`ember.linalg.lu_solve` or :func:`ember.lu_unpack`.

    Args:
        A (Tensor): a matrix or a batch of matrices, shape ``(*, m, n)``.

    Keyword args:
        pivot (bool, optional): use partial pivoting; only ``True`` is supported on the CPU. Default: ``True``.
        out (tuple, optional): tensors to write the results into.

    Returns:
        a named tuple ``(LU, pivots)``.

    Example::

        >>> A = ember.tensor([[2., 4.], [1., 3.]])
        >>> ember.linalg.lu_factor(A)
        ember.return_types.linalg_lu_factor(
        LU=tensor([[2.0000, 4.0000],
                [0.5000, 1.0000]]),
        pivots=tensor([1, 2], dtype=ember.int32))
    """
    LU, piv, info = _factor('torch.linalg.lu_factor', A, pivot)
    if info._data.any():
        _raise_singular('torch.linalg.lu_factor', A, info._data)
    return write_out('linalg_lu_factor', named('linalg_lu_factor', ('LU', 'pivots'))(LU, piv), out)


@op('ember')
def lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True, *, out=None):
    """Splits the packed LU factorisation of :func:`ember.linalg.lu_factor` into ``P``, ``L`` and ``U`` with ``A =
    P @ L @ U``.

    Args:
        LU_data (Tensor): the packed factors, ``(*, m, n)``.
        LU_pivots (Tensor): the pivots, ``(*, min(m, n))``, 1-based as LAPACK gives them.
        unpack_data (bool, optional): compute ``L`` and ``U`` (else empty tensors). Default: ``True``.
        unpack_pivots (bool, optional): compute ``P`` (else an empty tensor). Default: ``True``.

    Keyword args:
        out (tuple of three Tensors, optional): the output tuple.

    Example::

        >>> A = ember.tensor([[1., 2.], [3., 4.]])
        >>> P, L, U = ember.lu_unpack(*ember.linalg.lu_factor(A))
        >>> L
        tensor([[1.0000, 0.0000],
                [0.3333, 1.0000]])
        >>> U
        tensor([[3.0000, 4.0000],
                [0.0000, 0.6667]])
        >>> ember.allclose(P @ L @ U, A)
        True
    """
    from ember.ops.creation import empty
    m = LU_data.shape[-2]
    P = _perm_tensor(LU_pivots, m, LU_data) if unpack_pivots else empty(0, dtype=LU_data.dtype)
    if unpack_data:
        from ember.ops import _one_node
        L, U = _one_node.one_node(LuUnpack, _split, (LU_data,))
    else:
        L = empty(0, dtype=LU_data.dtype)
        U = empty(0, dtype=LU_data.dtype)
    return write_out('linalg_lu_unpack', named('lu_unpack', ('P', 'L', 'U'))(P, L, U), out)


@op('linalg')
def lu(A, *, pivot=True, out=None):
    r"""Computes the LU factorisation of a matrix with partial pivoting.

    Returns ``P``, ``L`` and ``U`` with ``A = P @ L @ U``: ``P`` a permutation matrix, ``L``
    unit-lower-triangular and ``U`` upper-triangular. Rectangular and batched inputs are accepted.

    Args:
        A (Tensor): a matrix or a batch of matrices, shape ``(*, m, n)``.

    Keyword args:
        pivot (bool, optional): use partial pivoting; only ``True`` is supported on the CPU. Default: ``True``.
        out (tuple, optional): tensors to write the results into.

    Returns:
        a named tuple ``(P, L, U)``.

    Example::

        >>> A = ember.tensor([[2., 4.], [1., 3.]])
        >>> ember.linalg.lu(A)
        ember.return_types.linalg_lu(
        P=tensor([[1., 0.],
                [0., 1.]]),
        L=tensor([[1.0000, 0.0000],
                [0.5000, 1.0000]]),
        U=tensor([[2., 4.],
                [0., 1.]]))
    """
    from ember.ops import _one_node
    P, L, U = _one_node.one_node(LinalgLuNode, lambda a: _lu_value(a, pivot), (A,), pivot)
    return write_out('linalg_lu', named('linalg_lu', ('P', 'L', 'U'))(P, L, U), out)


def _lu_value(A, pivot):
    LU, piv, _ = _factor('linalg.lu', A, pivot)
    return tuple(lu_unpack(LU, piv))


class LinalgLuNode(Primitive):
    """``linalg.lu``'s one node for ``L`` and ``U`` (``P`` has none), as PyTorch records it; ember factors and
    unpacks, and the gradient is that composite's own."""
    node_name = 'LinalgLuBackward0'
    saved_attrs = {'L': _sa.saved(2), 'P': _sa.saved(1), 'U': _sa.saved(3),
                   'pivot': _sa.item('args', 0)}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, A, pivot, value):
        ctx.args = (pivot,)
        ctx.mark_non_differentiable(value[0])
        ctx.save_for_backward(A, *value)
        return value

    @staticmethod
    def backward(ctx, g_P, g_L, g_U):
        from ember.ops import _one_node
        A = ctx.saved_tensors[0]
        pivot, = ctx.args
        grads = _one_node.composite_grads(lambda a: _lu_value(a, pivot)[1:], (A,), ctx.needs_input_grad[:1],
                                          (g_L, g_U))
        return grads + (None, None)


@op('linalg')
def lu_solve(LU, pivots, B, *, left=True, adjoint=False, out=None):
    r"""Solves ``A X = B`` given the LU factorisation of ``A``.

    The factorisation comes from :func:`ember.linalg.lu_factor` and can be reused for many
    right-hand sides.

    Args:
        LU (Tensor): the packed factors, shape ``(*, n, n)``.
        pivots (Tensor): the pivots, shape ``(*, n)``.
        B (Tensor): the right-hand sides, shape ``(*, n, k)`` (``(*, k, n)`` when ``left=False``).

    Keyword args:
        left (bool, optional): solve ``A X = B`` when ``True``, ``X A = B`` when ``False``. Default: ``True``.
        adjoint (bool, optional): solve with the conjugate transpose of ``A`` instead. Default: ``False``.
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> A = ember.tensor([[2., 4.], [1., 3.]])
        >>> LU, pivots = ember.linalg.lu_factor(A)
        >>> ember.linalg.lu_solve(LU, pivots, ember.tensor([[6.], [4.]]))
        tensor([[1.],
                [1.]])
    """
    check_matrix('linalg.lu_solve', LU, 'LU')
    check_matrix('linalg.lu_solve', B, 'B')
    n = LU.shape[-1]
    if LU.shape[-2] != n:
        raise RuntimeError(f"linalg.lu_solve: A must be batches of square matrices, but they are {LU.shape[-2]} by "
                           f"{n} matrices")
    if (B.shape[-2] if left else B.shape[-1]) != n:
        raise RuntimeError(f"linalg.lu_solve: Incompatible shapes of A and B for the equation "
                           f"{'AX = B' if left else 'XA = B'} ({n}x{n} and {B.shape[-2]}x{B.shape[-1]})")
    if LU.dtype is B.dtype:
        refuse_low_precision('linalg.lu_solve_cpu', LU)
    from ember.ops import _one_node
    x = _one_node.one_node(LuSolve, lambda lu, p, b: _lu_solve_steps(lu, p, b, left, adjoint), (LU, pivots, B),
                           left, adjoint)
    return write_out('linalg_lu_solve', x, out)


def _lu_solve_steps(LU, pivots, B, left, adjoint):
    """lu_solve's value by triangular solves (differentiable: LuSolve's backward differentiates it)."""
    if not left:  # X A = B  <=>  A^H X^H = B^H
        return _lu_solve_steps(LU, pivots, B.mH, True, not adjoint).mH
    P = _perm_tensor(pivots, LU.shape[-1], LU)
    L, U = _split(LU)
    if adjoint:  # A^H X = B with A = P L U:  X = P L^-H U^-H B
        y = solve_triangular(U.mH, B, upper=False)
        return P.matmul(solve_triangular(L.mH, y, upper=True, unitriangular=True))
    y = solve_triangular(L, P.mT.matmul(B), upper=False, unitriangular=True)
    return solve_triangular(U, y, upper=True)


class LuSolve(Primitive):
    """lu_solve as PyTorch's one node (LinalgLuSolveBackward0), keeping the factors, the pivots and the result;
    the gradients are those of the triangular solves the value comes from."""
    node_name = 'LinalgLuSolveBackward0'
    _nondiff_args = (1,)   # the pivots: no edge, as PyTorch's node
    saved_attrs = {'LU': _sa.saved(0), 'adjoint': _sa.item('args', 1), 'left': _sa.item('args', 0),
                   'pivots': _sa.saved(1), 'result': _sa.saved(2)}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, LU, pivots, B, left, adjoint, value):
        ctx.args = (left, adjoint)
        ctx.save_for_backward(LU, pivots, value, B)     # (B for the backward alone: PyTorch's node shows none)
        return value

    @staticmethod
    def backward(ctx, g):
        from ember.ops._one_node import composite_grads
        LU, pivots, _, B = ctx.saved_tensors
        left, adjoint = ctx.args
        need = ctx.needs_input_grad
        gLU, gB = composite_grads(lambda lu, b: _lu_solve_steps(lu, pivots, b, left, adjoint), (LU, B),
                                  (need[0], need[2]), g)
        return gLU, None, gB, None, None, None


@op('ember.lu', 'Tensor.lu', name='lu')
def torch_lu(A, pivot=True, get_infos=False, out=None):
    """The LU factorisation of ``A`` with partial pivoting, packed as ``(LU, pivots)`` (and ``infos`` when
    ``get_infos``); deprecated in PyTorch in favour of :func:`ember.linalg.lu_factor`.

    Args:
        A (Tensor): the matrix or batch of matrices, ``(*, m, n)``.
        pivot (bool, optional): pivot (only ``True`` is supported on the CPU). Default: ``True``.
        get_infos (bool, optional): also return the LAPACK status of each matrix. Default: ``False``.
        out (tuple, optional): the output tuple.

    Example::

        >>> LU, pivots = ember.lu(ember.tensor([[1., 2.], [3., 4.]]))
        >>> LU
        tensor([[3.0000, 4.0000],
                [0.3333, 0.6667]])
        >>> pivots
        tensor([2, 2], dtype=ember.int32)
    """
    LU, piv, info = _factor('torch.linalg.lu_factor_ex', A, pivot)
    if not get_infos and info._data.any():
        _raise_singular('torch.linalg.lu_factor', A, info._data)
    res = (LU, piv, info) if get_infos else (LU, piv)
    return write_out('lu', res, out)


@op('ember.lu_solve', 'Tensor.lu_solve', name='lu_solve')
def torch_lu_solve(input, LU_data, LU_pivots, *, out=None):
    """Solves ``A X = B`` from ``A``'s packed LU factorisation; deprecated in PyTorch in favour of
    :func:`ember.linalg.lu_solve`.

    Args:
        input (Tensor): the right-hand side ``B``, ``(*, m, k)``.
        LU_data (Tensor): the packed factors from :func:`ember.linalg.lu_factor`.
        LU_pivots (Tensor): their pivots.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> A = ember.tensor([[2., 1.], [1., 3.]])
        >>> ember.lu_solve(ember.tensor([[3.], [5.]]), *ember.linalg.lu_factor(A))
        tensor([[0.8000],
                [1.4000]])
    """
    return lu_solve(LU_data, LU_pivots, input, out=out)

