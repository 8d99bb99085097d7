"""Linear solves: ``linalg.solve``/``solve_ex``/``solve_triangular``/``inv_ex``, Cholesky and its solves.

Forward passes run LAPACK through NumPy; every backward is written with these same ops, so
gradients of gradients work.
"""
import numpy as np

from ember.autograd.function import Primitive
from ember.ops._linalg_util import (LinAlgError, batch_prefix, check_float, check_matrix, check_square, info_tensor,
                                    matrices, named, refuse_low_precision)
from ember.ops._registry import op
from ember.ops.inplace import write_out
from ember.ops.linalg import inv as _inverse
from ember.autograd import _saved_attrs as _sa


def _shape_error(name, A, B):
    return RuntimeError(f"{name}: Incompatible shapes of A and B for the equation AX = B "
                        f"({A.shape[-2]}x{A.shape[-1]} and {B.shape[-2]}x{B.shape[-1]})")


def _is_vector_rhs(A, B):
    """PyTorch's rule: B is a (batch of) vector(s) when 1-D, or when its shape is A's minus the last dim."""
    return B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))


# --------------------------------------------------------------- triangular solve
def _triangular(xp, a, upper, unit):
    t = xp.triu(a) if upper else xp.tril(a)
    if unit:
        n = a.shape[-1]
        idx = xp.arange(n)
        t = t.copy()
        t[..., idx, idx] = 1
    return t


def _substitute(xp, t, b, upper):
    """Back/forward substitution that, like BLAS's trsm, divides by a zero pivot (inf/nan) instead of failing."""
    shape = np.broadcast_shapes(t.shape[:-2], b.shape[:-2])
    t = xp.broadcast_to(t, shape + t.shape[-2:])
    x = xp.array(xp.broadcast_to(b, shape + b.shape[-2:]), dtype=np.result_type(t.dtype, b.dtype))
    n = t.shape[-1]
    order = range(n - 1, -1, -1) if upper else range(n)
    with np.errstate(divide='ignore', invalid='ignore'):
        for i in order:
            if upper:
                x[..., i, :] -= (t[..., i, i + 1:, None] * x[..., i + 1:, :]).sum(-2)
            else:
                x[..., i, :] -= (t[..., i, :i, None] * x[..., :i, :]).sum(-2)
            x[..., i, :] /= t[..., i, i, None]
    return x


class SolveTriangular(Primitive):
    _profile_name = 'aten::linalg_solve_triangular'
    node_name = 'LinalgSolveTriangularBackward0'
    saved_attrs = {'left': _sa.item('args', 1), 'result': _sa.saved(1), 'self': _sa.saved(0),
                   'unitriangular': _sa.item('args', 2), 'upper': _sa.item('args', 0)}  # grad_fn._saved_*
    _promote = True

    @staticmethod
    def forward(ctx, a, b, upper, left, unit):
        xp = ctx.xp
        t = _triangular(xp, a, upper, unit)
        if not left:  # X A = B  <=>  A^T X^T = B^T
            t, b, upper = xp.swapaxes(t, -1, -2), xp.swapaxes(b, -1, -2), not upper
        try:
            x = xp.linalg.solve(t, b)
        except np.linalg.LinAlgError:
            x = _substitute(xp, t, b, upper)
        if not left:
            x = xp.swapaxes(x, -1, -2)
        ctx.args = (upper if left else not upper, left, unit)
        ctx.save_for_backward(a, x)
        return x

    @staticmethod
    def backward(ctx, g):
        a, x = ctx.saved_tensors
        upper, left, unit = ctx.args
        gb = solve_triangular(a.mH, g, upper=not upper, left=left, unitriangular=unit)
        ga = None
        if ctx.needs_input_grad[0]:
            ga = -gb.matmul(x.mH) if left else -x.mH.matmul(gb)
            ga = ga.triu(int(unit)) if upper else ga.tril(-int(unit))
        return ga, gb, None, None, None


@op('linalg')
def solve_triangular(A, B, *, upper, left=True, unitriangular=False, out=None):
    r"""Solves ``A X = B`` for a triangular matrix ``A``.

    Only the triangle named by ``upper`` is read. ``B`` must be a matrix (or a batch of them);
    batch dimensions broadcast.

    Args:
        A (Tensor): a triangular matrix or a batch of them, shape ``(*, n, n)``.
        B (Tensor): the right-hand sides, shape ``(*, n, k)`` (``(*, k, n)`` when ``left=False``).

    Keyword args:
        upper (bool): whether ``A`` is upper or lower triangular. Required.
        left (bool, optional): solve ``A X = B`` when ``True``, ``X A = B`` when ``False``. Default: ``True``.
        unitriangular (bool, optional): take the diagonal of ``A`` to be all ones. Default: ``False``.
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> A = ember.tensor([[2., 1.], [0., 4.]])
        >>> B = ember.tensor([[3.], [4.]])
        >>> ember.linalg.solve_triangular(A, B, upper=True)
        tensor([[1.],
                [1.]])
    """
    check_matrix('linalg.solve_triangular', A)
    check_matrix('linalg.solve_triangular', B, 'B')
    n = A.shape[-1]
    if A.shape[-2] != n:
        raise RuntimeError(f"linalg.solve_triangular: A must be batches of square matrices, but they are "
                           f"{A.shape[-2]} by {n} matrices")
    if (B.shape[-2] if left else B.shape[-1]) != n:
        raise _shape_error('linalg.solve_triangular', A, B)
    refuse_low_precision('triangular_solve_cpu', A)
    return write_out('linalg_solve_triangular', SolveTriangular.apply(A, B, bool(upper), bool(left), bool(unitriangular)), out)


@op('ember', 'Tensor')
def triangular_solve(input, A, upper=True, transpose=False, unitriangular=False, *, out=None):
    """Solves ``A X = b`` for a triangular matrix ``A`` (or batches of them). Deprecated in PyTorch in favour of
    :func:`ember.linalg.solve_triangular`.

    Args:
        input (Tensor): the right-hand side ``b``, of shape ``(*, m, k)``.
        A (Tensor): the triangular coefficient matrix, of shape ``(*, m, m)``.
        upper (bool, optional): whether ``A`` is upper (default) or lower triangular. Default: ``True``.
        transpose (bool, optional): solve ``A^T X = b`` instead. Default: ``False``.
        unitriangular (bool, optional): assume ``A``'s diagonal is all ones and do not read it. Default:
            ``False``.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Returns:
        A named tuple ``(solution, cloned_coefficient)``.

    Example::

        >>> A = ember.tensor([[2., 1.], [0., 4.]])
        >>> b = ember.tensor([[3.], [8.]])
        >>> ember.triangular_solve(b, A).solution
        tensor([[0.5000],
                [2.0000]])
    """
    check_matrix('torch.triangular_solve', A)
    from ember.ops import _one_node
    value = _one_node.one_node(TriangularSolveNode, lambda b, a: _triangular_solve_value(b, a, upper, transpose,
                                                                                        unitriangular),
                               (input, A), bool(upper), bool(transpose), bool(unitriangular))
    return write_out('triangular_solve', named('triangular_solve', ('solution', 'cloned_coefficient'))(*value), out)


def _triangular_solve_value(b, A, upper, transpose, unitriangular):
    """The solution and the coefficient copied to the batch both inputs broadcast to, as PyTorch returns it."""
    if transpose:
        A_used, upper_used = A.mT, not upper
    else:
        A_used, upper_used = A, upper
    x = solve_triangular(A_used, b, upper=upper_used, unitriangular=unitriangular)
    return x, A.expand(x.shape[:-2] + A.shape[-2:]).clone()


class TriangularSolveNode(Primitive):
    """``triangular_solve``'s one node for the solution and the copied coefficient, as PyTorch's: ``b``'s gradient
    solves the adjoint triangular system; ``A``'s is minus the product of that with the solution's adjoint, kept
    to ``A``'s triangle (its strict part where ``unitriangular``), plus the copy's gradient."""
    node_name = 'TriangularSolveBackward0'
    saved_attrs = {'A': _sa.saved(1), 'self': _sa.saved(0), 'solution': _sa.saved(2), 'transpose': _sa.item('args', 1),
                   'unitriangular': _sa.item('args', 2), 'upper': _sa.item('args', 0)}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, b, a, upper, transpose, unitriangular, value):
        ctx.args = (upper, transpose, unitriangular)
        ctx.save_for_backward(b, a, value[0])
        return value

    @staticmethod
    def backward(ctx, g_x, g_coefficient):
        b, a, x = ctx.saved_tensors
        upper, transpose, unitriangular = ctx.args
        gb = triangular_solve(g_x, a.conj(), upper, not transpose, unitriangular).solution
        ga = None
        if ctx.needs_input_grad[1]:
            ga = -x.conj().matmul(gb.mT) if transpose else -gb.matmul(x.mH)
            ga = ga.triu(int(unitriangular)) if upper else ga.tril(-int(unitriangular))
            ga = (ga + g_coefficient).sum_to_size(a.shape)
        return gb.sum_to_size(b.shape), ga, None, None, None, None


# ------------------------------------------------------------------ general solve
def _singular_solve(A):
    for b, m in enumerate(matrices(A._data)):
        if not np.isfinite(m).all() or np.linalg.matrix_rank(m) < m.shape[-1]:
            return LinAlgError(f"torch.linalg.solve: {batch_prefix(A, b)}The solver failed because the input "
                               "matrix is singular.")
    return LinAlgError("torch.linalg.solve: The solver failed because the input matrix is singular.")


class Solve(Primitive):
    _profile_name = 'aten::linalg_solve'
    node_name = 'LinalgSolveExBackward0'
    saved_attrs = {'A': _sa.saved(0), 'LU': _sa.lu_of_saved(0, 'LU'), 'left': _sa.const(True),
                   'pivots': _sa.lu_of_saved(0, 'pivots'), 'result': _sa.saved(1)}  # grad_fn._saved_*, read lazily
    _promote = True

    @staticmethod
    def forward(ctx, a, b):
        x = ctx.xp.linalg.solve(a, b)
        ctx.save_for_backward(a, x)
        return x

    @staticmethod
    def backward(ctx, g):
        a, x = ctx.saved_tensors
        gb = _solve(a.mH, g)
        ga = -gb.matmul(x.mH) if ctx.needs_input_grad[0] else None
        return ga, gb


def _solve(A, B):
    try:
        return Solve.apply(A, B)
    except np.linalg.LinAlgError:
        raise _singular_solve(A) from None


def _solve_checked(A, B, left):
    check_float('linalg.solve', A)
    if B.dtype != A.dtype:
        from ember._tensor import _scalar_type_name as tn
        raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but found A of type "
                           f"{tn(A.dtype)} and B of type {tn(B.dtype)} instead")
    check_square('linalg.solve', A)
    vector = _is_vector_rhs(A, B)
    if vector:
        B = B.unsqueeze(-1)
    if not left:
        if vector:
            raise RuntimeError("linalg.solve: Vector broadcasting of the left hand side is not supported for "
                               "left=False. In this case linalg.solve is equivalent to B / A.squeeze(-1)")
        A, B = A.mT, B.mT
    if B.shape[-2] != A.shape[-1]:
        raise _shape_error('linalg.solve', A, B)
    try:
        np.broadcast_shapes(tuple(A.shape[:-2]), tuple(B.shape[:-2]))
    except ValueError:      # batches that do not broadcast: PyTorch's text, B's sizes first
        from ember.ops._util import broadcast_error
        raise broadcast_error(B.shape[:-2], A.shape[:-2]) from None
    if A.numel():       # (after the shape checks, as PyTorch's LU kernel; an empty matrix never reaches it)
        refuse_low_precision('lu_cpu', A)
    return A, B, vector


def _unvector(X, vector, left):
    if not left:
        X = X.mT
    return X.squeeze(-1) if vector else X


@op('linalg')
def solve(A, B, *, left=True, out=None):
    r"""Solves the square linear system ``A X = B``.

    ``B`` may be a vector or a batch of vectors (when its shape is ``A.shape[:-1]``) or a matrix of
    right-hand sides; batch dimensions broadcast. ``left=False`` solves ``X A = B`` instead. A
    singular ``A`` raises an error.

    Args:
        A (Tensor): a square matrix or a batch of them, shape ``(*, n, n)``.
        B (Tensor): the right-hand side(s), shape ``(*, n)`` or ``(*, n, k)``.

    Keyword args:
        left (bool, optional): solve ``A X = B`` when ``True``, ``X A = B`` when ``False``. Default: ``True``.
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> A = ember.tensor([[2., 1.], [1., 3.]])
        >>> B = ember.tensor([3., 4.])
        >>> ember.linalg.solve(A, B)
        tensor([1., 1.])
    """
    A2, B2, vector = _solve_checked(A, B, left)
    from ember.ops import _one_node
    _result = _one_node.one_node(SolveNode, lambda a, b: _unvector(_solve(A2.detach(), B2.detach()), vector, left),
                                 (A, B), left, vector, False)
    return write_out('linalg_solve', _result, out)


class SolveNode(Primitive):
    """``linalg.solve``'s one node where ember reshapes around :class:`Solve` (a vector right-hand side,
    ``left=False``), as PyTorch's: ``B``'s gradient solves the adjoint system, ``A``'s is minus its
    product with the result's adjoint (``solve_ex``'s adjoint systems, like its own, give NaN where ``A`` is
    singular rather than raising)."""
    node_name = 'LinalgSolveExBackward0'
    saved_names = ('A', 'result')
    saved_attrs = {'A': _sa.saved(0), 'LU': _sa.lu_of_saved(0, 'LU'), 'left': _sa.item('args', 0),
                   'pivots': _sa.lu_of_saved(0, 'pivots'), 'result': _sa.saved(1)}

    @staticmethod
    def forward(ctx, a, b, left, vector, ex, value):
        ctx.args = (left, vector, ex)
        ctx.shapes = (a.shape, b.shape)
        ctx.save_for_backward(a, value)
        return value

    @staticmethod
    def backward(ctx, g):
        a, x = ctx.saved_tensors
        left, vector, ex = ctx.args
        a_shape, b_shape = ctx.shapes
        gb = solve_ex(a.mH, g, left=left).result if ex else solve(a.mH, g, left=left)
        ga = None
        if ctx.needs_input_grad[0]:
            if vector:
                ga = -gb.unsqueeze(-1).matmul(x.unsqueeze(-2).conj())
            else:
                ga = -gb.matmul(x.mH) if left else -x.mH.matmul(gb)
            ga = ga.sum_to_size(a_shape)
        return ga, gb.sum_to_size(b_shape), None, None, None, None


def _pivot_info(A):
    """LAPACK's ``info`` for each matrix of a batch: the 1-based first zero pivot of its LU (0: none)."""
    from ember.ops.linalg_lu import _getrf
    from ember.backend import to_numpy
    return _getrf(to_numpy(matrices(A._data)))[2].reshape(A.shape[:-2])  # LAPACK on the host


def _where_singular(info, A, singular, regular):
    from ember.ops.index import where
    bad = info_tensor(info, A.device).unsqueeze(-1).unsqueeze(-1) != 0
    return where(bad, singular, regular)


@op('linalg')
def solve_ex(A, B, *, left=True, check_errors=False, out=None):
    r"""Solves ``A X = B`` like :func:`ember.linalg.solve`, also returning an error code.

    ``info`` is zero where ``A`` is invertible and positive where it is singular.

    Args:
        A (Tensor): a square matrix or a batch of them, shape ``(*, n, n)``.
        B (Tensor): the right-hand side(s), shape ``(*, n)`` or ``(*, n, k)``.

    Keyword args:
        left (bool, optional): solve ``A X = B`` when ``True``, ``X A = B`` when ``False``. Default: ``True``.
        check_errors (bool, optional): raise an error when ``info`` reports a failure instead of returning it. Default: ``False``.
        out (tuple, optional): tensors to write the results into.

    Returns:
        a named tuple ``(result, info)``.

    Example::

        >>> A = ember.tensor([[2., 1.], [1., 3.]])
        >>> ember.linalg.solve_ex(A, ember.tensor([3., 4.]))
        ember.return_types.linalg_solve_ex(
        result=tensor([1., 1.]),
        info=tensor(0, dtype=ember.int32))
    """
    A2, B2, vector = _solve_checked(A, B, left)
    info = _pivot_info(A2)
    if check_errors and info.any():
        raise _singular_solve(A2)

    def result(A2, B2):
        if info.any():  # the singular matrices' solutions are unspecified: NaN, flagged by info
            X = _solve(_where_singular(info, A2, ember_eye(A2), A2), B2)
            X = _where_singular(info, A2, float('nan'), X)
        else:
            X = _solve(A2, B2)
        return _unvector(X, vector, left)
    from ember.ops import _one_node
    # one node on A and B however B was reshaped around the solve (a vector, left=False), as PyTorch's
    X = _one_node.one_node(SolveNode, lambda a, b: result(*_solve_checked(a, b, left)[:2]), (A, B), left, vector,
                           True)
    res = named('linalg_solve_ex', ('result', 'info'))(X, info_tensor(info, A.device))
    return write_out('linalg_solve_ex', res, out)


def ember_eye(A):
    from ember.ops.creation import eye
    return eye(A.shape[-1], dtype=A.dtype, device=A.device)


@op('linalg')
def inv(A, *, out=None):
    r"""Computes the inverse of a square matrix.

    Batches are inverted independently; a singular matrix raises an error. To solve ``A X = B``
    prefer :func:`ember.linalg.solve`, which is faster and more accurate.

    Args:
        A (Tensor): a square matrix or a batch of them, shape ``(*, n, n)``.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> A = ember.tensor([[2., 0.], [0., 4.]])
        >>> ember.linalg.inv(A)
        tensor([[0.5000, 0.0000],
                [0.0000, 0.2500]])
    """
    check_square('linalg.inv', A)
    return write_out('linalg_inv', _inverse(A), out)


@op('linalg')
def inv_ex(A, *, check_errors=False, out=None):
    r"""Computes the inverse like :func:`ember.linalg.inv`, also returning an error code.

    ``info`` is zero for each invertible matrix and positive where ``A`` is singular.

    Args:
        A (Tensor): a square matrix or a batch of them, shape ``(*, n, n)``.

    Keyword args:
        check_errors (bool, optional): raise an error when ``info`` reports a failure instead of returning it. Default: ``False``.
        out (tuple, optional): tensors to write the results into.

    Returns:
        a named tuple ``(inverse, info)``.

    Example::

        >>> A = ember.tensor([[2., 0.], [0., 4.]])
        >>> ember.linalg.inv_ex(A)
        ember.return_types.linalg_inv_ex(
        inverse=tensor([[0.5000, 0.0000],
                [0.0000, 0.2500]]),
        info=tensor(0, dtype=ember.int32))
    """
    check_square('linalg.inv', A)      # (PyTorch's checks name linalg.inv; its singular-matrix error inv_ex)
    info = _pivot_info(A)
    if check_errors and info.any():
        try:
            _inverse(A)  # raises PyTorch's LinAlgError naming the matrix and its zero pivot
        except LinAlgError as error:    # (named after the function called)
            raise type(error)(str(error).replace('linalg.inv:', 'linalg.inv_ex:', 1)) from None
    if info.any():  # singular matrices' inverses are unspecified: NaN, flagged by info
        Ainv = _where_singular(info, A, float('nan'), _inverse(_where_singular(info, A, ember_eye(A), A)))
    else:
        Ainv = _inverse(A)
    return write_out('linalg_inv_ex', named('linalg_inv_ex', ('inverse', 'info'))(Ainv, info_tensor(info, A.device)), out)


# ----------------------------------------------------------------------- Cholesky
def _potf2(m):
    """LAPACK's unblocked Cholesky on one matrix, stopping at the first non-positive pivot as it does:
    (lower factor with the failed pivot left in place, 1-based order of the failing minor or 0)."""
    a = np.tril(np.array(m, dtype=m.dtype))
    n = a.shape[0]
    for j in range(n):
        ajj = a[j, j].real - np.vdot(a[j, :j], a[j, :j]).real
        if not ajj > 0:
            a[j, j] = ajj
            return a, j + 1
        ajj = np.sqrt(ajj)
        a[j, j] = ajj
        a[j + 1:, j] = (a[j + 1:, j] - a[j + 1:, :j] @ a[j, :j].conj()) / ajj
    return a, 0


class Cholesky(Primitive):
    node_name = 'LinalgCholeskyExBackward0'
    saved_attrs = {'L': _sa.saved(0), 'upper': _sa.field('upper')}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, a, upper):
        xp = ctx.xp
        try:
            L = xp.linalg.cholesky(a)
            info = np.zeros(a.shape[:-2], np.int32)
        except np.linalg.LinAlgError:
            parts = [_potf2(m) for m in matrices(a)]
            L = xp.asarray(np.stack([p[0] for p in parts]).reshape(a.shape))
            info = np.array([p[1] for p in parts], np.int32).reshape(a.shape[:-2])
        out = xp.conj(xp.swapaxes(L, -1, -2)) if upper else L
        out = xp.ascontiguousarray(out)
        ctx.upper = upper
        ctx.save_for_backward(out)
        return out, xp.asarray(info)

    @staticmethod
    def backward(ctx, g, _):
        out, = ctx.saved_tensors
        L, gL = (out.mH, g.mH) if ctx.upper else (out, g)
        phi = L.mH.matmul(gL).tril()
        phi = phi - 0.5 * phi.diagonal(0, -2, -1).diag_embed()
        ga = solve_triangular(L.mH, phi, upper=True)
        ga = solve_triangular(L, ga, upper=False, left=False)
        return 0.5 * (ga + ga.mH), None


def _chol_with_info(name, A, upper):
    check_square(name, A)
    if A.numel():       # (an empty matrix never reaches the kernel)
        if A.dtype.itemsize == 1 and A.dtype.is_floating_point and A._xp is np:
            # float8: PyTorch's linalg.cholesky first takes the triangle the kernel reads, whose copy refuses it
            refuse_low_precision('triu' if upper else 'tril', A)
        refuse_low_precision('cholesky_cpu', A)
    return Cholesky.apply(A, bool(upper))


def _chol_error(name, A, info):
    b = int(np.flatnonzero(info.reshape(-1))[0])
    order = int(info.reshape(-1)[b])
    return LinAlgError(f"{name}: {batch_prefix(A, b)}The factorization could not be completed because the input is "
                       f"not positive-definite (the leading minor of order {order} is not positive-definite).")


@op('linalg')
def cholesky(A, *, upper=False, out=None):
    r"""Computes the Cholesky factor of a Hermitian positive-definite matrix.

    Returns the lower-triangular ``L`` with ``A = L @ L.mH`` (or the upper-triangular ``U`` with
    ``A = U.mH @ U`` when ``upper=True``). Batches of matrices are factored independently; a
    matrix that is not positive-definite raises an error.

    Args:
        A (Tensor): a square matrix or a batch of them, shape ``(*, n, n)``.

    Keyword args:
        upper (bool, optional): return the upper-triangular factor instead. Default: ``False``.
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> A = ember.tensor([[4., 2.], [2., 5.]])
        >>> L = ember.linalg.cholesky(A)
        >>> L
        tensor([[2., 0.],
                [1., 2.]])
        >>> L @ L.mT
        tensor([[4., 2.],
                [2., 5.]])
    """
    L, info = _chol_with_info('linalg.cholesky', A, upper)
    if info._data.any():
        raise _chol_error('linalg.cholesky', A, info._data)
    return write_out('linalg_cholesky', L, out)


@op('linalg')
def cholesky_ex(A, *, upper=False, check_errors=False, out=None):
    r"""Computes the Cholesky factor like :func:`ember.linalg.cholesky`, also returning an error code.

    Returns a named tuple ``(L, info)``. ``info`` is zero where the factorisation succeeded and
    ``k > 0`` where the leading minor of order ``k`` is not positive-definite, so failures can be
    checked without an exception.

    Args:
        A (Tensor): a square matrix or a batch of them, shape ``(*, n, n)``.

    Keyword args:
        upper (bool, optional): return the upper-triangular factor instead. Default: ``False``.
        check_errors (bool, optional): raise an error when ``info`` reports a failure instead of returning it. Default: ``False``.
        out (tuple, optional): tensors to write the results into.

    Example::

        >>> A = ember.tensor([[4., 2.], [2., 5.]])
        >>> ember.linalg.cholesky_ex(A)
        ember.return_types.linalg_cholesky_ex(
        L=tensor([[2., 0.],
                [1., 2.]]),
        info=tensor(0, dtype=ember.int32))
    """
    L, info = _chol_with_info('linalg.cholesky', A, upper)
    if check_errors and info._data.any():
        raise _chol_error('linalg.cholesky_ex', A, info._data)
    return write_out('linalg_cholesky_ex', named('linalg_cholesky_ex', ('L', 'info'))(L, info), out)


@op('ember.cholesky', 'Tensor.cholesky', name='cholesky')
def torch_cholesky(input, upper=False, *, out=None):
    """Computes the Cholesky decomposition of a symmetric positive-definite matrix, or of each matrix in a batch.
    Deprecated in PyTorch in favour of :func:`ember.linalg.cholesky` (which has no ``upper`` flag by position).

    Args:
        input (Tensor): the input tensor.
        upper (bool, optional): return the upper-triangular ``U`` with ``A = U^T U`` instead of the lower ``L``
            with ``A = L L^T``. Default: ``False``.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> A = ember.tensor([[4., 2.], [2., 3.]])
        >>> ember.cholesky(A)
        tensor([[2.0000, 0.0000],
                [1.0000, 1.4142]])
        >>> ember.cholesky(A, upper=True)
        tensor([[2.0000, 1.0000],
                [0.0000, 1.4142]])
    """
    if input.numel() and input.dtype.itemsize == 1 and input.dtype.is_floating_point:
        refuse_low_precision('cholesky_cpu', input)     # (the old function reaches its kernel directly: float8)
    return cholesky(input, upper=upper, out=out)


@op('ember', 'Tensor')
def cholesky_solve(input, input2, upper=False, *, out=None):
    """Solves A X = B given A's Cholesky factor ``input2`` (lower, or upper with ``upper=True``).

    Example::

        >>> A = ember.tensor([[4., 2.], [2., 3.]])
        >>> L = ember.linalg.cholesky(A)
        >>> ember.cholesky_solve(ember.tensor([[2.], [1.]]), L)
        tensor([[0.5000],
                [0.0000]])
    """
    check_matrix('linalg.cholesky_solve', input, 'B')
    if input2.ndim >= 2 and input2.shape[-1] == input2.shape[-2] and input2.dtype is input.dtype:
        refuse_low_precision('cholesky_solve_cpu', input)     # (other inputs: the checks that refuse them first)
    from ember.ops import _one_node
    return write_out('cholesky_solve', _one_node.one_node(
        CholeskySolveNode, lambda b, f: _cholesky_solve_value(b, f, upper), (input, input2), bool(upper)), out)


def _cholesky_solve_value(b, factor, upper):
    L = factor.mH if upper else factor
    return solve_triangular(L.mH, solve_triangular(L, b, upper=False), upper=True)


class CholeskySolveNode(Primitive):
    """``cholesky_solve``'s one node (ember solves with two triangular solves), as PyTorch's: ``B``'s gradient
    solves with the same factor; the factor's is minus the symmetrised product of that and the result's
    adjoint, on the factor's side."""
    node_name = 'CholeskySolveBackward0'
    saved_names = ('self', 'input2', 'result')
    saved_attrs = {'input2': _sa.saved(1), 'result': _sa.saved(2), 'self': _sa.saved(0), 'upper': _sa.field('upper')}

    @staticmethod
    def forward(ctx, b, factor, upper, value):
        ctx.upper = upper
        ctx.shapes = (b.shape, factor.shape)
        ctx.save_for_backward(b, factor, value)
        return value

    @staticmethod
    def backward(ctx, g):
        _, factor, x = ctx.saved_tensors
        upper = ctx.upper
        gb = cholesky_solve(g, factor, upper)
        gf = None
        if ctx.needs_input_grad[1]:
            common = gb.matmul(x.mH)
            common = common + common.mH
            gf = (-factor.matmul(common) if upper else -common.matmul(factor)).sum_to_size(ctx.shapes[1])
        return (gb.sum_to_size(ctx.shapes[0]) if ctx.needs_input_grad[0] else None), gf, None, None


@op('ember', 'Tensor')
def cholesky_inverse(input, upper=False, *, out=None):
    """The inverse of A from its Cholesky factor.

    Example::

        >>> L = ember.linalg.cholesky(ember.tensor([[4., 2.], [2., 3.]]))
        >>> ember.cholesky_inverse(L)
        tensor([[ 0.3750, -0.2500],
                [-0.2500,  0.5000]])
    """
    check_matrix('cholesky_inverse', input)
    if input.shape[-1] == input.shape[-2]:
        refuse_low_precision('cholesky_inverse_out_cpu', input)
    from ember.ops import _one_node
    return write_out('cholesky_inverse', _one_node.one_node(
        CholeskyInverseNode, lambda f: cholesky_solve(ember_eye(f).expand(tuple(f.shape)), f, upper), (input,),
        bool(upper)), out)


class CholeskyInverseNode(Primitive):
    """``cholesky_inverse``'s one node (ember solves against the identity), as PyTorch's: the factor's gradient
    is minus the inverse-sandwiched symmetrised gradient times the factor, on the factor's side."""
    node_name = 'CholeskyInverseBackward0'
    saved_names = ('self', 'result')
    saved_attrs = {'result': _sa.saved(1), 'self': _sa.saved(0), 'upper': _sa.field('upper')}

    @staticmethod
    def forward(ctx, factor, upper, value):
        ctx.upper = upper
        ctx.save_for_backward(factor, value)
        return value

    @staticmethod
    def backward(ctx, g):
        factor, inverse = ctx.saved_tensors
        common = inverse.matmul((g + g.mH).matmul(inverse))
        return (-factor.matmul(common) if ctx.upper else -common.matmul(factor)), None, None
