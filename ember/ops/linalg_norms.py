"""Norms and what is built on the singular values: ``linalg.norm``/``vector_norm``/``matrix_norm``,
``cond``, ``matrix_rank``, ``pinv``, ``lstsq``; written with ember ops, so they differentiate as
their pieces do."""
import math

import numpy as np

from ember.autograd import _saved_attrs as _sa
from ember.autograd.function import Primitive
from ember.ops._linalg_util import check_epsilon_type, check_float, check_matrix, named
from ember.ops.inplace import write_out
from ember.ops._registry import op
from ember.ops.linalg_decomp import eigvalsh, svdvals


def _cast(A, dtype):
    return A if dtype is None else A.to(dtype)


@op('linalg', name='vector_norm')
def linalg_vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None, out=None):
    r"""Computes a vector norm.

    ``ord`` gives the p-norm ``sum(abs(x) ** ord) ** (1 / ord)``; ``inf`` and ``-inf`` are the largest
    and smallest absolute value and ``0`` counts the non-zero entries. With ``dim=None`` the whole
    tensor is treated as one vector.

    Args:
        x (Tensor): the input tensor.
        ord (int, float, inf, -inf, optional): which norm. Default: ``2``.
        dim (int or Tuple[int], optional): the dimension(s) to reduce. Default: ``None`` (all).
        keepdim (bool, optional): keep the reduced dimensions with size one. Default: ``False``.

    Keyword args:
        dtype (ember.dtype, optional): compute in, and return, this dtype. Default: ``None``.
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> x = ember.tensor([3., -4.])
        >>> ember.linalg.vector_norm(x)
        tensor(5.)
        >>> ember.linalg.vector_norm(x, ord=1)
        tensor(7.)
        >>> ember.linalg.vector_norm(x, ord=float('inf'))
        tensor(4.)
    """
    from ember.ops.reduce import vector_norm
    if isinstance(ord, str):
        raise TypeError(f"linalg_vector_norm(): argument 'ord' must be Number, not str")
    return write_out('linalg_vector_norm', vector_norm(x, ord, dim, keepdim, dtype=dtype), out)


def _matrix_dims(dim):
    if not (isinstance(dim, (tuple, list)) and len(dim) == 2):
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {dim if isinstance(dim, int) else ' '.join(str(d) for d in dim)}")
    return tuple(dim)


@op('linalg')
def matrix_norm(A, ord='fro', dim=(-2, -1), keepdim=False, *, dtype=None, out=None):
    r"""Computes a matrix norm over two dimensions.

    ``ord`` chooses the norm: ``'fro'`` (Frobenius), ``'nuc'`` (sum of singular values), ``2`` and
    ``-2`` (largest and smallest singular value), ``1`` and ``-1`` (max and min column sum of absolute
    values), ``inf`` and ``-inf`` (max and min row sum).

    Args:
        A (Tensor): the input, with at least two dimensions.
        ord (int, inf, -inf, 'fro', 'nuc', optional): which norm. Default: ``'fro'``.
        dim (Tuple[int, int], optional): the two dimensions holding the matrices. Default: ``(-2, -1)``.
        keepdim (bool, optional): keep the reduced dimensions with size one. Default: ``False``.

    Keyword args:
        dtype (ember.dtype, optional): compute in, and return, this dtype. Default: ``None``.
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> A = ember.tensor([[3., 0.], [0., 4.]])
        >>> ember.linalg.matrix_norm(A)
        tensor(5.)
        >>> ember.linalg.matrix_norm(A, ord=1)
        tensor(4.)
        >>> ember.linalg.matrix_norm(A, ord='nuc')
        tensor(7.)
    """
    from ember.ops._util import wrap_dim
    from ember.ops.reduce import vector_norm
    if isinstance(ord, str) and ord not in ('fro', 'nuc'):      # (checked before the input, as in PyTorch)
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    check_matrix('linalg.matrix_norm', A)
    d0, d1 = (wrap_dim(d, A.ndim) for d in _matrix_dims(dim))
    if d0 == d1:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({dim[0]}, {dim[1]})")
    if ord in ('nuc', 2, -2):       # (PyTorch's check for its singular-value norms, naming matrix_norm)
        check_float('linalg.matrix_norm', A)
    A = _cast(A, dtype)
    if ord == 'fro':
        res = vector_norm(A, 2, (int(d0), int(d1)), keepdim)   # (its node shows the dims wrapped, as PyTorch's)
    elif ord in ('nuc', 2, -2):
        # PyTorch's steps: the two dims moved last, the singular values reduced, a kept result put back in place
        s = svdvals(A.movedim((d0, d1), (-2, -1)))
        res = s.sum(-1, keepdim) if ord == 'nuc' else (s.amax(-1, keepdim) if ord == 2 else s.amin(-1, keepdim))
        if keepdim:
            back = [d for d in range(A.ndim) if d not in (d0, d1)] + [int(d0), int(d1)]
            res = res.unsqueeze(-1).permute([back.index(d) for d in range(A.ndim)])
    elif ord in (1, -1, math.inf, -math.inf):
        # the 1-norms of the columns (of the rows for inf), then their largest or smallest, as PyTorch's steps
        # (its max/min step over the dim wrapped, so the node shows it); each 1-norm a vector norm
        # (LinalgVectorNormBackward0 under the max/min, PyTorch's graph and, over the columns, its bits)
        inner, outer_ = (d0, d1) if ord in (1, -1) else (d1, d0)
        outer_ = int(outer_) - (not keepdim and inner < outer_)
        sums = vector_norm(A, 1, int(inner), keepdim)
        res = sums.amax(outer_, keepdim) if ord > 0 else sums.amin(outer_, keepdim)
    else:
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    return write_out('linalg_matrix_norm', res, out)


@op('linalg', name='norm')
def linalg_norm(input, ord=None, dim=None, keepdim=False, *, out=None, dtype=None):
    r"""Computes a vector or a matrix norm.

    With ``dim`` an int, or ``ord`` unset and ``dim`` unset on a tensor of any rank, it is a vector norm
    (:func:`ember.linalg.vector_norm`); with a 2-tuple ``dim``, or ``ord`` given on a 2-D tensor, a
    matrix norm (:func:`ember.linalg.matrix_norm`).

    Args:
        input (Tensor): the input tensor.
        ord (int, float, inf, -inf, str, optional): which norm. Default: ``None`` (2-norm of vectors, Frobenius norm of matrices).
        dim (int or Tuple[int], optional): the dimension(s) to reduce. Default: ``None``.
        keepdim (bool, optional): keep the reduced dimensions with size one. Default: ``False``.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.
        dtype (ember.dtype, optional): compute in, and return, this dtype. Default: ``None``.

    Example::

        >>> ember.linalg.norm(ember.tensor([3., 4.]))
        tensor(5.)
        >>> A = ember.tensor([[3., 0.], [0., 4.]])
        >>> ember.linalg.norm(A, ord='nuc')
        tensor(7.)
    """
    if isinstance(dim, int):
        dim = (dim,)
    if dim is not None and len(dim) not in (1, 2):
        raise RuntimeError(f"linalg.norm: If dim is specified, it must be of length 1 or 2. Got {list(dim)}")
    if dim is not None and len(dim) == 2:
        return write_out('linalg_norm', matrix_norm(input, 'fro' if ord is None else ord, dim, keepdim, dtype=dtype), out)
    if dim is None and ord is not None:
        if input.ndim not in (1, 2):
            raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got "
                               f"{input.ndim}D.")
        if input.ndim == 2:
            return write_out('linalg_norm', matrix_norm(input, ord, (-2, -1), keepdim, dtype=dtype), out)
    if isinstance(ord, str):
        raise RuntimeError(f"linalg.norm: If dim is specified, it must be of length 1 or 2. Got {list(dim or ())}"
                           if dim is None else f"linalg.vector_norm: ord {ord} requires dim to be a 2-tuple")
    return linalg_vector_norm(input, 2 if ord is None else ord, dim, keepdim, dtype=dtype, out=out)


@op('ember')
def nuclear_norm(input, dim=None, keepdim=False, *, out=None):
    """The nuclear norm (sum of singular values) of a matrix, or of the matrices spanned by the two dimensions
    ``dim``; deprecated in PyTorch in favour of :func:`ember.linalg.matrix_norm` with ``ord='nuc'``.

    Args:
        input (Tensor): the input tensor.
        dim (tuple of two ints, optional): the matrix dimensions. Default: the last two of a 2-D input.
        keepdim (bool, optional): keep the reduced dimensions with size 1. Default: ``False``.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.nuclear_norm(ember.tensor([[3., 0.], [0., -4.]]))
        tensor(7.)
    """
    return matrix_norm(input, 'nuc', (-2, -1) if dim is None else dim, keepdim, out=out)


@op('ember')
def frobenius_norm(input, dim, keepdim=False, *, out=None):
    """The Frobenius norm ``sqrt(sum(|x|**2))`` over the dimensions ``dim``; deprecated in PyTorch in favour of
    :func:`ember.linalg.matrix_norm` / :func:`ember.linalg.vector_norm`.

    Args:
        input (Tensor): the input tensor.
        dim (int or sequence of ints): the dimensions to reduce.
        keepdim (bool, optional): keep the reduced dimensions with size 1. Default: ``False``.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.frobenius_norm(ember.tensor([[3., 4.], [0., 0.]]), (0, 1))
        tensor(5.)
        >>> ember.frobenius_norm(ember.tensor([[3., 4.], [0., 0.]]), [0])
        tensor([3., 4.])
    """
    from ember.ops.reduce import legacy_norm
    return write_out('frobenius_norm', legacy_norm(input, 2.0, dim, keepdim), out)   # (PyTorch's at::norm step)


# ------------------------------------------------------------ rank, cond, pinv
def _tolerance(A, s_max, atol, rtol):
    """max(atol, rtol * sigma_max); rtol is eps * max(m, n) unless given, or zero when only a positive atol is."""
    from ember._tensor import Tensor
    from ember.ops.arith import maximum

    def per_matrix(t):  # a tensor of tolerances has the batch shape: one per matrix
        return t.unsqueeze(-1) if isinstance(t, Tensor) else t
    if rtol is None:
        positive_atol = atol is not None and bool((atol > 0).any() if isinstance(atol, Tensor) else atol > 0)
        rtol = 0.0 if positive_atol else float(np.finfo(A._data.dtype).eps) * max(A.shape[-2], A.shape[-1])
    tol = s_max * per_matrix(rtol)
    return tol if atol is None else maximum(tol, per_matrix(atol) if isinstance(atol, Tensor) else
                                            tol.new_full((), float(atol)))


@op('linalg')
def matrix_rank(A, *, atol=None, rtol=None, hermitian=False, out=None):
    r"""Computes the numerical rank of a matrix.

    The rank counts singular values (eigenvalue magnitudes when ``hermitian=True``) above
    ``max(atol, rtol * largest)``. With neither tolerance given, ``rtol`` is machine precision times
    ``max(m, n)``.

    Args:
        A (Tensor): a matrix or a batch of matrices, shape ``(*, m, n)``.

    Keyword args:
        atol (float or Tensor, optional): absolute tolerance. Default: ``None``.
        rtol (float or Tensor, optional): relative tolerance. Default: ``None``.
        hermitian (bool, optional): ``A`` is Hermitian, so the faster eigenvalue route can be used. Default: ``False``.
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> ember.linalg.matrix_rank(ember.ones(3, 3))
        tensor(1)
        >>> ember.linalg.matrix_rank(ember.eye(3))
        tensor(3)
    """
    check_matrix('torch.linalg.matrix_rank', A, 'input')
    if rtol is None:        # (PyTorch's default relative tolerance reads A's machine epsilon)
        check_epsilon_type(A)
    from ember.autograd.grad_mode import no_grad
    with no_grad():
        s = eigvalsh(A).abs() if hermitian else svdvals(A)
        s_max = s.amax(-1, keepdim=True) if s.shape[-1] else s.new_zeros(tuple(s.shape[:-1]) + (1,))
        tol_ = _tolerance(A, s_max, atol, rtol)
        from ember import int64
        return write_out('linalg_matrix_rank', (s > tol_).sum(-1).to(int64), out)


class Pinv(Primitive):
    """The pseudo-inverse X of A, from its SVD (or eigendecomposition for Hermitian A)."""
    _profile_name = 'aten::linalg_pinv'
    node_name = 'LinalgPinvBackward0'

    @staticmethod
    def forward(ctx, a, tol, hermitian):
        xp = ctx.xp
        if hermitian:
            w, v = xp.linalg.eigh(a)
            keep = xp.abs(w) > tol
            winv = xp.where(keep, 1 / xp.where(keep, w, 1), 0)
            x = xp.matmul(v * winv[..., None, :], xp.conj(xp.swapaxes(v, -1, -2)))
        else:
            u, s, vh = xp.linalg.svd(a, full_matrices=False)
            keep = s > tol
            sinv = xp.where(keep, 1 / xp.where(keep, s, 1), 0)
            x = xp.matmul(xp.conj(xp.swapaxes(vh, -1, -2)) * sinv[..., None, :], xp.conj(xp.swapaxes(u, -1, -2)))
        x = x.astype(a.dtype, copy=False)
        ctx.save_for_backward(a, x)
        return x

    @staticmethod
    def backward(ctx, g):
        # for A of locally constant rank, dX = -X dA X + X X^H dA^H (I - A X) + (I - X A) dA^H X^H X
        A, X = ctx.saved_tensors
        XH = X.mH
        ga = -XH.matmul(g).matmul(XH)
        left = g.mH - A.matmul(X).matmul(g.mH)    # (I - A X) g^H
        right = g.mH - g.mH.matmul(X).matmul(A)   # g^H (I - X A)
        return ga + left.matmul(X).matmul(XH) + XH.matmul(X).matmul(right), None, None


@op('linalg')
def pinv(A, *, atol=None, rtol=None, hermitian=False, out=None):
    r"""Computes the Moore-Penrose pseudo-inverse of a matrix.

    Singular values below ``max(atol, rtol * largest)`` are treated as zero, which makes the
    result well defined for rectangular and rank-deficient matrices.

    Args:
        A (Tensor): a matrix or a batch of matrices, shape ``(*, m, n)``.

    Keyword args:
        atol (float or Tensor, optional): absolute tolerance. Default: ``None``.
        rtol (float or Tensor, optional): relative tolerance. Default: machine precision times ``max(m, n)`` when ``atol`` is also unset.
        hermitian (bool, optional): ``A`` is Hermitian, so an eigenvalue decomposition can be used. Default: ``False``.
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> A = ember.tensor([[2., 0.], [0., 4.], [0., 0.]])
        >>> ember.linalg.pinv(A)
        tensor([[0.5000, 0.0000, 0.0000],
                [0.0000, 0.2500, 0.0000]])
    """
    if rtol is None and isinstance(atol, (int, float)):
        check_epsilon_type(A)       # (PyTorch's default relative tolerance beside a number atol: A's epsilon)
    if A.ndim < 2 or not (A.dtype.is_floating_point or A.dtype.is_complex) or A.dtype.itemsize < 4:
        from ember._tensor import _scalar_type_name
        raise RuntimeError(f"linalg.pinv({_scalar_type_name(A.dtype)}{{{list(A.shape)}}}): expected a tensor with 2 "
                           "or more dimensions of float, double, cfloat or cdouble types")
    from ember.autograd.grad_mode import no_grad
    with no_grad():
        s = eigvalsh(A).abs() if hermitian else svdvals(A)
        s_max = s.amax(-1, keepdim=True) if s.shape[-1] else s.new_zeros(tuple(s.shape[:-1]) + (1,))
        tol = _tolerance(A, s_max, atol, rtol)
    return write_out('linalg_pinv', Pinv.apply(A, tol._data, bool(hermitian)), out)


@op('ember', 'Tensor')
def pinverse(input, rcond=1e-15):
    """Computes the pseudoinverse (Moore-Penrose inverse) of a matrix, or of each matrix in a batch. Alias of
    :func:`ember.linalg.pinv` (whose argument is ``rtol``).

    Args:
        input (Tensor): the input tensor.
        rcond (float, optional): singular values below ``rcond`` times the largest are treated as zero. Default:
            ``1e-15``.

    Example::

        >>> ember.pinverse(ember.tensor([[1., 2.], [3., 4.], [5., 6.]]))
        tensor([[-1.3333, -0.3333,  0.6667],
                [ 1.0833,  0.3333, -0.4167]])
    """
    return pinv(input, rtol=rcond)


@op('linalg')
def cond(A, p=None, *, out=None):
    r"""Computes the condition number of a matrix.

    With the default ``p`` this is the ratio of the largest to the smallest singular value; other
    values of ``p`` use ``norm(A, p) * norm(inv(A), p)`` and need square, invertible matrices.

    Args:
        A (Tensor): a matrix or a batch of matrices, shape ``(*, m, n)``.
        p (int, float, inf, -inf, 'fro', 'nuc', optional): the norm to use. Default: ``None`` (the 2-norm).

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> A = ember.tensor([[1., 0.], [0., 4.]])
        >>> ember.linalg.cond(A)
        tensor(4.)
        >>> ember.linalg.cond(A, p=1)
        tensor(4.)
    """
    from ember.ops.linalg_solve import inv_ex
    # (checked in PyTorch's order: a named norm needs square matrices before its name is checked)
    if isinstance(p, str):
        check_matrix(f'linalg.cond(ord={p})', A)
        _check_square_for_cond(A, p)
    elif A.ndim < 2:
        raise RuntimeError("linalg.cond: The input tensor must have at least 2 dimensions.")
    if p is not None and p not in (2, -2, 1, -1, math.inf, -math.inf, 'fro', 'nuc'):
        raise RuntimeError(f"linalg.cond got an invalid norm type: {p}")
    if A.numel() == 0:      # (no condition number for empty matrices: PyTorch's zero for each)
        return write_out('linalg_cond', A.new_zeros(A.shape[:-2], dtype=A.dtype.to_real()), out)
    # PyTorch's steps, so the graph ends in its node: SqueezeBackward1, MulBackward0 ('nuc'), NanToNumBackward0
    if p in (None, 2, -2):
        check_float('linalg.svd', A)
        s = svdvals(A)          # (in descending order: the largest first, the smallest last)
        s_max, s_min = s.narrow(-1, 0, 1), s.narrow(-1, -1, 1)
        return write_out('linalg_cond', (s_max / s_min if p != -2 else s_min / s_max).squeeze(-1), out)
    _check_square_for_cond(A, p)
    check_float('linalg.svd' if p == 'nuc' else 'linalg.inv', A)        # (PyTorch's first step that refuses)
    if p == 'nuc':
        # the nuclear norms from the singular values, the inverse's as their reciprocals (PyTorch's steps: one
        # LinalgSvdBackward0, no inverse): infinite for a singular matrix, NaN for a zero one
        s = svdvals(A)
        return write_out('linalg_cond', s.sum(-1) * s.reciprocal().sum(-1), out)
    Ainv, info = inv_ex(A)
    # a singular matrix's inverse is read as infinite (masked always, as PyTorch: MaskedFillBackward0 in the graph)
    Ainv = Ainv.masked_fill((info > 0).unsqueeze(-1).unsqueeze(-1), math.inf)
    # (0 * inf, a zero matrix's, and a NaN taken as infinite)
    res = (matrix_norm(A, p) * matrix_norm(Ainv, p)).nan_to_num_(math.inf, math.inf, -math.inf)
    return write_out('linalg_cond', res, out)


def _check_square_for_cond(A, p):
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"linalg.cond(ord={p}): A must be batches of square matrices, but they are "
                           f"{A.shape[-2]} by {A.shape[-1]} matrices")


# ----------------------------------------------------------------------- lstsq
_DRIVERS = ('gels', 'gelsy', 'gelsd', 'gelss')


@op('linalg')
def lstsq(A, B, rcond=None, *, driver=None):
    r"""Computes a least-squares solution of ``A X = B``.

    For each matrix in the batch it finds the ``X`` that minimises the norm of ``A X - B``. Which
    fields of the result are filled depends on ``driver``: ``residuals`` only for tall full-rank
    problems, ``rank`` and ``singular_values`` only with the rank-revealing drivers.

    Args:
        A (Tensor): the coefficient matrices, shape ``(*, m, n)``.
        B (Tensor): the right-hand sides, shape ``(*, m, k)``.
        rcond (float, optional): singular values below ``rcond`` times the largest are treated as zero. Default: machine precision times ``max(m, n)``.

    Keyword args:
        driver (str, optional): the LAPACK-style algorithm: ``'gels'``, ``'gelsy'``, ``'gelsd'`` or ``'gelss'``. Default: ``'gelsy'``.

    Returns:
        a named tuple ``(solution, residuals, rank, singular_values)``.

    Example::

        >>> A = ember.tensor([[1., 0.], [0., 2.], [0., 0.]])
        >>> B = ember.tensor([[1.], [4.], [0.]])
        >>> ember.linalg.lstsq(A, B).solution
        tensor([[1.],
                [2.]])
    """
    from ember._tensor import Tensor
    from ember.ops.creation import empty
    if A.ndim < 2:
        raise RuntimeError("torch.linalg.lstsq: input must have at least 2 dimensions.")
    if B.ndim < 1:
        raise RuntimeError("torch.linalg.lstsq: other must have at least 1 dimension.")
    if A.dtype != B.dtype:
        from ember._tensor import _scalar_type_name as tn
        raise RuntimeError(f"torch.linalg.lstsq: Expected input and other to have the same dtype, but got input's "
                           f"dtype {tn(A.dtype)} and other's dtype {tn(B.dtype)}")
    check_float('torch.linalg.lstsq', A)
    if driver is not None and driver not in _DRIVERS:
        raise RuntimeError("torch.linalg.lstsq: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)")
    driver = driver or 'gelsy'
    vector = B.ndim == A.ndim - 1
    B2 = B.unsqueeze(-1) if vector else B
    if B2.shape[-2] != A.shape[-2]:
        raise RuntimeError("torch.linalg.lstsq: input.size(-2) should match other.size(-2)")
    m, n = A.shape[-2:]
    eps = float(np.finfo(A._data.dtype).eps)
    rtol = eps * max(m, n) if rcond is None or rcond < 0 else rcond
    rank = (matrix_rank(A, rtol=rtol) if driver != 'gels'
            else Tensor._make(np.zeros((0,), np.int64), A.device))
    s = svdvals(A.detach()) if driver in ('gelsd', 'gelss') else empty(0, dtype=A.dtype, device=A.device)
    full = driver != 'gelsy' and m > n and (driver == 'gels' or bool((rank._data == n).all()))
    from ember.ops import _one_node
    rtol = rtol if driver != 'gels' else 0.0
    X, residuals = _one_node.one_node(LinalgLstsqNode, lambda a, b: _lstsq_value(a, b, rtol, vector, full), (A, B),
                                      rtol, vector, full)
    return named('linalg_lstsq', ('solution', 'residuals', 'rank', 'singular_values'))(X, residuals, rank, s)


def _lstsq_value(A, B, rtol, vector, full):
    """The minimum-norm solution pinv(A) B (whatever the driver) and, for a tall full-rank A, the residuals' squared
    norms (else an empty tensor)."""
    from ember.ops.creation import empty
    B2 = B.unsqueeze(-1) if vector else B
    X = pinv(A, rtol=rtol).matmul(B2)
    residuals = ((A.matmul(X) - B2).abs() ** 2).sum(-2) if full else empty(0, dtype=A.dtype, device=A.device)
    # (a vector's residuals keep their one column, as PyTorch's)
    return (X.squeeze(-1) if vector else X), residuals


class LinalgLstsqNode(Primitive):
    """``linalg.lstsq``'s one node for the solution and the residuals, as PyTorch records it (the rank and the
    singular values have none); their gradients are those of ember's composite, pinv(A) B and the residuals' sum
    of squares, which are PyTorch's."""
    node_name = 'LinalgLstsqBackward0'
    saved_attrs = {'b': _sa.saved(1), 'self': _sa.saved(0), 'solution': _sa.saved(2)}  # grad_fn._saved_*, lazily

    @staticmethod
    def forward(ctx, A, B, rtol, vector, full, value):
        ctx.args = (rtol, vector, full)
        ctx.save_for_backward(A, B, value[0])
        return value

    @staticmethod
    def backward(ctx, g_solution, g_residuals):
        from ember.ops import _one_node
        A, B, _ = ctx.saved_tensors
        rtol, vector, full = ctx.args
        if full:
            grads = _one_node.composite_grads(lambda a, b: _lstsq_value(a, b, rtol, vector, full), (A, B),
                                              ctx.needs_input_grad[:2], (g_solution, g_residuals))
        else:       # (the residuals are empty: nothing flows from them)
            grads = _one_node.composite_grads(lambda a, b: _lstsq_value(a, b, rtol, vector, full)[0], (A, B),
                                              ctx.needs_input_grad[:2], g_solution)
        return grads + (None, None, None, None)
