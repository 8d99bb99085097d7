"""The rest of ``torch.linalg`` built from other ops: ``matrix_power``, ``matrix_exp``, ``multi_dot``,
``vecdot``, ``vander``, ``householder_product``, ``tensorinv``/``tensorsolve``, the ``linalg`` forms
of ``det``/``slogdet``/``cross``/``diagonal``, and ``torch``'s ``logdet``, ``kron``, ``vdot``,
``chain_matmul``, ``geqrf``/``orgqr``/``ormqr``."""
import math

import numpy as np

from ember.ops._float8 import refuse_float8 as _refuse_float8
from ember import _formats

from ember.autograd import _saved_attrs as _sa
from ember.autograd.function import Primitive, _renamed_node
from ember.ops._linalg_util import check_float, check_matrix, eye_like, named, refuse_low_precision
from ember.ops.inplace import write_out
from ember.ops._registry import op
from ember.ops.linalg import cross as _torch_cross, det as _det, matmul, slogdet_checked


@op('linalg', name='det')
def linalg_det(A, *, out=None):
    r"""Computes the determinant of a square matrix or of each matrix in a batch.

    Args:
        A (Tensor): a square matrix or a batch of them, shape ``(*, n, n)``.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> A = ember.tensor([[2., 1.], [1., 3.]])
        >>> ember.linalg.det(A)
        tensor(5.)
    """
    return write_out('linalg_det', _det(A), out)


@op('linalg', name='slogdet')
def linalg_slogdet(A, *, out=None):
    r"""Computes the sign and the natural log of the absolute value of a determinant.

    This stays finite where the determinant itself would overflow or underflow. For a singular
    matrix ``sign`` is ``0`` and ``logabsdet`` is ``-inf``; for complex inputs ``sign`` has
    modulus one.

    Args:
        A (Tensor): a square matrix or a batch of them, shape ``(*, n, n)``.

    Keyword args:
        out (tuple, optional): tensors to write the results into.

    Returns:
        a named tuple ``(sign, logabsdet)``.

    Example::

        >>> A = ember.tensor([[2., 1.], [1., 3.]])
        >>> ember.linalg.slogdet(A)
        ember.return_types.linalg_slogdet(
        sign=tensor(1.),
        logabsdet=tensor(1.6094))
    """
    sign, logabsdet = slogdet_checked('linalg.slogdet', A)
    return write_out('linalg_slogdet', named('linalg_slogdet', ('sign', 'logabsdet'))(sign, logabsdet), out)


@op('ember', 'Tensor')
def logdet(input):
    """log(det A): NaN for a negative determinant, -inf for a singular matrix.

    Example::

        >>> ember.logdet(ember.tensor([[2., 0.], [0., 3.]]))
        tensor(1.7918)
    """
    from ember.ops.index import where
    sign, logabsdet = slogdet_checked('logdet', input)
    # PyTorch's composite, so the graph is its own (WhereBackward0 over LinalgSlogdetBackward0): a singular
    # matrix's logabsdet is already -inf; a complex determinant's log is log(sign) + log|det|
    if input.dtype.is_complex:
        return sign.log() + logabsdet
    return where(sign == -1, math.nan, logabsdet)


@op('linalg', name='cross')
def linalg_cross(input, other, *, dim=-1, out=None):
    r"""Computes the cross product of two batches of 3-vectors.

    The inputs broadcast against each other; ``dim`` must have size 3 in both.

    Args:
        input (Tensor): the first vectors.
        other (Tensor): the second vectors.

    Keyword args:
        dim (int, optional): the dimension holding the vectors. Default: ``-1``.
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> x = ember.tensor([1., 0., 0.])
        >>> y = ember.tensor([0., 1., 0.])
        >>> ember.linalg.cross(x, y)
        tensor([0., 0., 1.])
    """
    _refuse_float8('cross', input)
    nd = max(input.ndim, other.ndim)
    if -nd <= dim < nd:  # PyTorch's message names dim as given
        sizes = [t.shape[dim] if -t.ndim <= dim < t.ndim else 1 for t in (input, other)]
        if sizes != [3, 3] and not (1 in sizes and 3 in sizes):
            raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got {sizes[0]} and "
                               f"{sizes[1]}")
    return write_out('linalg_cross', _torch_cross(input, other, dim), out)


@op('linalg', name='diagonal')
def linalg_diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    r"""Returns a view of the diagonals of a batch of matrices.

    The same as :func:`ember.diagonal` with defaults suited to matrices: the result's last dimension
    holds the diagonal of the last two dimensions of ``A``.

    Args:
        A (Tensor): the input, with at least two dimensions.

    Keyword args:
        offset (int, optional): which diagonal: ``0`` the main one, positive above it, negative below. Default: ``0``.
        dim1 (int, optional): first dimension of the matrices. Default: ``-2``.
        dim2 (int, optional): second dimension of the matrices. Default: ``-1``.

    Example::

        >>> A = ember.arange(9).reshape(3, 3)
        >>> ember.linalg.diagonal(A)
        tensor([0, 4, 8])
        >>> ember.linalg.diagonal(A, offset=1)
        tensor([1, 5])
    """
    return A.diagonal(offset, dim1, dim2)


@op('linalg', name='matmul')
def linalg_matmul(input, other, *, out=None):
    r"""Computes the matrix product of two tensors.

    An alias of :func:`ember.matmul`, with the same broadcasting rules for vectors and batches.

    Args:
        input (Tensor): the first operand.
        other (Tensor): the second operand.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> A = ember.tensor([[1., 2.], [3., 4.]])
        >>> ember.linalg.matmul(A, ember.eye(2))
        tensor([[1., 2.],
                [3., 4.]])
    """
    return write_out('linalg_matmul', matmul(input, other), out)


@op('linalg')
def vecdot(x, y, *, dim=-1, out=None):
    r"""Computes the dot product of vectors along a dimension.

    The inputs broadcast; for complex inputs the first is conjugated, giving ``sum(x.conj() * y)``.

    Args:
        x (Tensor): the first vectors.
        y (Tensor): the second vectors.

    Keyword args:
        dim (int, optional): the dimension to reduce. Default: ``-1``.
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> x = ember.tensor([1., 2., 3.])
        >>> y = ember.tensor([4., 5., 6.])
        >>> ember.linalg.vecdot(x, y)
        tensor(32.)
    """
    if x.ndim == 1 and y.ndim == 1 and x.shape != y.shape:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{x.shape[0]}] and src [{y.shape[0]}] to have "
                           f"the same number of elements, but got {x.shape[0]} and {y.shape[0]} elements respectively")
    return write_out('linalg_vecdot', (x.conj() * y).sum(dim), out)


@op('ember', 'Tensor')
def vdot(input, other, *, out=None):
    """Computes the dot product of two 1-D tensors, conjugating the first for complex tensors: ``sum(conj(input) *
    other)``.

    Args:
        input (Tensor): first 1-D tensor (conjugated when complex).
        other (Tensor): second 1-D tensor.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.vdot(ember.tensor([2, 3]), ember.tensor([2, 1]))
        tensor(7)
        >>> ember.vdot(ember.tensor([1 + 2j, 3 - 1j]), ember.tensor([2 + 3j, 4 - 1j]))
        tensor(21.+0.j)
    """
    if input.ndim != 1 or other.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.ndim}D and {other.ndim}D tensors")
    _refuse_float8('dot', input)
    if input.shape != other.shape or input.dtype is not other.dtype:
        from ember.ops.linalg import dot
        return dot(input.conj(), other)    # refused there, with PyTorch's message
    return write_out('linalg_vdot', Vdot.apply(input, other), out)


class Vdot(Primitive):
    node_name = 'VdotBackward0'

    @staticmethod
    def forward(ctx, a, b):
        from ember.ops.linalg import _same_dtype
        ctx.save_for_backward(a, b)
        return _same_dtype(ctx.xp.asarray(ctx.xp.dot(ctx.xp.conj(a), b)), a)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        if g.is_complex():
            return g.conj() * b, g * a
        return g * b, g * a


# ------------------------------------------------------------- powers, exp
@op('ember', 'Tensor', name='matrix_power')
def torch_matrix_power(input, n, *, out=None):
    """The ``n``-th power of a square matrix (or batch): see :func:`ember.linalg.matrix_power`.

    Example::

        >>> ember.matrix_power(ember.tensor([[1., 1.], [0., 1.]]), 3)
        tensor([[1., 3.],
                [0., 1.]])
    """
    return matrix_power(input, n, out=out)


@op('linalg')
def matrix_power(A, n, *, out=None):
    r"""Raises a square matrix to an integer power.

    ``n = 0`` gives the identity and negative ``n`` the power of the inverse, which needs an
    invertible matrix.

    Args:
        A (Tensor): a square matrix or a batch of them, shape ``(*, n, n)``.
        n (int): the exponent.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> A = ember.tensor([[1., 1.], [0., 1.]])
        >>> ember.linalg.matrix_power(A, 3)
        tensor([[1., 3.],
                [0., 1.]])
        >>> ember.linalg.matrix_power(A, -1)
        tensor([[ 1., -1.],
                [ 0.,  1.]])
    """
    _check_square_any('linalg.matrix_power', A)
    if n < 0:
        from ember.ops.linalg_solve import inv
        check_float('linalg.inv', A)
        A, n = inv(A), -n
    if n == 0:
        # as PyTorch: a contiguous copy of A overwritten by the identity (CopyBackwards: A's gradient is zero)
        result = A.clone(memory_format=_formats.contiguous_format).copy_(eye_like(A).expand(tuple(A.shape)))
        return write_out('linalg_matrix_power', result, out)
    if n == 3:   # as PyTorch: (A @ A) @ A, not binary powering's A @ (A @ A)
        return write_out('linalg_matrix_power', A.matmul(A).matmul(A), out)
    result, base = None, A
    while n:  # binary powering: log2(n) products
        if n & 1:
            result = base if result is None else result.matmul(base)
        n >>= 1
        if n:
            base = base.matmul(base)
    return write_out('linalg_matrix_power', result if result is not A else A.clone(), out)


def _check_square_any(name, A):
    from ember.ops.linalg import _check_square
    _check_square(name, A)


def _expm(xp, a):
    """exp(A) by scaling and squaring a degree-18 Taylor series (error far below the dtype's epsilon)."""
    norm = xp.abs(a).sum(-2).max(-1) if a.size else xp.zeros(a.shape[:-2])
    s = int(max(0, math.ceil(math.log2(float(norm.max()) / 0.5)))) if a.size and float(norm.max()) > 0.5 else 0
    x = a / (2.0 ** s)
    n = a.shape[-1]
    eye = xp.broadcast_to(xp.eye(n, dtype=a.dtype), a.shape)
    result, term = eye.copy(), eye.copy()
    for k in range(1, 19):
        term = xp.matmul(term, x) / k
        result = result + term
    for _ in range(s):
        result = xp.matmul(result, result)
    return result.astype(a.dtype, copy=False)     # (ml_dtypes' bfloat16 products come back as float32)


class MatrixExp(Primitive):
    node_name = 'LinalgMatrixExpBackward0'

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _expm(ctx.xp, a)

    @staticmethod
    def backward(ctx, g):
        # the Frechet derivative's adjoint is the upper-right block of exp([[A^H, G], [0, A^H]])
        from ember.ops.shape import cat
        A, = ctx.saved_tensors
        n = A.shape[-1]
        AH = A.mH
        big = cat([cat([AH, g], -1), cat([g.new_zeros(tuple(g.shape)), AH], -1)], -2)
        return matrix_exp(big)[..., :n, n:]


@op('linalg')
def matrix_exp(A):
    r"""Computes the matrix exponential of a square matrix.

    The exponential is ``I + A + A @ A / 2! + ...``; batches are handled independently.

    Args:
        A (Tensor): a square matrix or a batch of them, shape ``(*, n, n)``.

    Example::

        >>> A = ember.tensor([[0., 1.], [0., 0.]])
        >>> ember.linalg.matrix_exp(A)
        tensor([[1., 1.],
                [0., 1.]])
    """
    _check_square_any('linalg.matrix_exp', A)
    check_float('linalg.matrix_exp', A)
    return MatrixExp.apply(A)


@op('ember', 'Tensor', name='matrix_exp')
def torch_matrix_exp(input):
    """The matrix exponential of a square matrix (or batch): see :func:`ember.linalg.matrix_exp`.

    Example::

        >>> ember.matrix_exp(ember.tensor([[0., 1.], [0., 0.]]))
        tensor([[1., 1.],
                [0., 1.]])
    """
    return matrix_exp(input)


# --------------------------------------------------------------- products
@op('linalg')
def multi_dot(tensors, *, out=None):
    r"""Multiplies a chain of matrices, choosing the cheapest order.

    The first tensor may be a vector (taken as a row) and the last a vector (taken as a column); the
    others must be matrices.

    Args:
        tensors (Sequence[Tensor]): two or more tensors to multiply in turn.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> A = ember.tensor([[1., 2.], [3., 4.]])
        >>> v = ember.tensor([1., 1.])
        >>> ember.linalg.multi_dot([v, A, A, v])
        tensor(54.)
    """
    n = len(tensors)
    if n < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {n}")
    first, last = tensors[0], tensors[-1]
    for i, t in enumerate(tensors):
        want = (1, 2) if i in (0, n - 1) else (2,)
        if t.ndim not in want:
            where = 'first' if i == 0 else ('last' if i == n - 1 else None)
            raise RuntimeError(f"multi_dot(): the {where} tensor must be 1D or 2D but got {t.ndim}D" if where else
                               f"multi_dot(): tensor {i} must be 2D but got {t.ndim}D")
    mats = [first.unsqueeze(0) if first.ndim == 1 else first] + list(tensors[1:-1]) + \
        [last.unsqueeze(1) if last.ndim == 1 else last]
    for i in range(n - 1):
        a, b = mats[i], mats[i + 1]
        if a.shape[-1] != b.shape[0]:
            raise RuntimeError(f"multi_dot(): tensors {i} and {i + 1} with shapes {list(tensors[i].shape)} and "
                               f"{list(tensors[i + 1].shape)} cannot be multiplied")
    result = _chain_product(mats)
    out_shape = ([first.shape[0]] if first.ndim == 2 else []) + ([last.shape[1]] if last.ndim == 2 else [])
    return write_out('linalg_multi_dot', result.view(out_shape), out)     # (PyTorch's view: ViewBackward0)


def _chain_product(mats):
    """The matrices' product in the cheapest order, as PyTorch picks it (its mm nodes, its rounding): two
    multiplied, three by comparing both orders' costs, more by the classic matrix-chain dynamic programme
    (the first cheapest split wins ties)."""
    from ember.ops.linalg import mm
    n = len(mats)
    if n == 2:
        return mm(mats[0], mats[1])
    if n == 3:
        a, b, c, d = mats[0].shape[0], mats[1].shape[0], mats[2].shape[0], mats[2].shape[1]
        if (a * c) * (b + d) > (b * d) * (a + c):
            return mm(mats[0], mm(mats[1], mats[2]))
        return mm(mm(mats[0], mats[1]), mats[2])
    p = [m.shape[0] for m in mats] + [mats[-1].shape[1]]
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            best = None
            for k in range(i, j):
                q = cost[i][k] + cost[k + 1][j] + p[i] * p[k + 1] * p[j + 1]
                if best is None or q < best:
                    best, split[i][j] = q, k
            cost[i][j] = best

    def product(i, j):
        if i == j:
            return mats[i]
        k = split[i][j]
        return mm(product(i, k), product(k + 1, j))
    return product(0, n - 1)


@op('ember')
def chain_matmul(*matrices, out=None):
    """Returns the product of the given matrices, multiplied in the order that needs the fewest operations.
    Deprecated in PyTorch in favour of :func:`ember.linalg.multi_dot`.

    Args:
        matrices (Tensors...): a sequence of 2-D tensors.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> a = ember.ones(2, 3)
        >>> b = ember.arange(12.).view(3, 4)
        >>> c = ember.ones(4, 1)
        >>> ember.chain_matmul(a, b, c)
        tensor([[66.],
                [66.]])
    """
    if len(matrices) == 1:
        return write_out('chain_matmul', matrices[0].clone(), out)
    return multi_dot(list(matrices), out=out)


@op('ember', 'Tensor', guard=True)
def kron(input, other, *, out=None):
    """Computes the Kronecker product of ``input`` and ``other``: every element of ``input`` multiplies a whole
    copy of ``other``.

    Args:
        input (Tensor): the first tensor.
        other (Tensor): the second tensor.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.kron(ember.eye(2), ember.tensor([[1, 2], [3, 4]]).float())
        tensor([[1., 2., 0., 0.],
                [3., 4., 0., 0.],
                [0., 0., 1., 2.],
                [0., 0., 3., 4.]])
    """
    from ember.ops.shape import UnsafeView
    nd = max(input.ndim, other.ndim)
    sa = (1,) * (nd - input.ndim) + tuple(input.shape)
    sb = (1,) * (nd - other.ndim) + tuple(other.shape)
    # interleave: a's dim i and b's dim i become neighbours, multiply, then merge them (three _unsafe_views and
    # a mul, the nodes PyTorch's graph shows)
    a = UnsafeView.apply(input, tuple(s for d in sa for s in (d, 1)))
    b = UnsafeView.apply(other, tuple(s for d in sb for s in (1, d)))
    return write_out('kron', UnsafeView.apply(a * b, tuple(x * y for x, y in zip(sa, sb))), out)


@op('linalg')
def vander(x, N=None):
    r"""Builds the Vandermonde matrix of a vector.

    Column ``j`` holds ``x ** j`` (increasing powers, unlike NumPy's default). Batches of vectors
    give batches of matrices.

    Args:
        x (Tensor): the points, shape ``(*, n)``.

    Keyword args:
        N (int, optional): the number of columns. Default: ``x.size(-1)``.

    Example::

        >>> ember.linalg.vander(ember.tensor([1, 2, 3]))
        tensor([[1, 1, 1],
                [1, 2, 4],
                [1, 3, 9]])
    """
    if x.dtype.name == 'bool' or (x.dtype.is_floating_point and x.dtype.itemsize < 4):
        from ember._tensor import _scalar_type_name
        raise RuntimeError("linalg.vander supports floating point, complex, and integer tensors, but got "
                           f"{_scalar_type_name(x.dtype)}")
    if N is not None and N <= 1:
        raise RuntimeError("N must be greater than 1.")
    if x.ndim < 1:      # (a 0-d tensor is read as one value: no Vandermonde matrix of one column)
        x = x.unsqueeze(-1)
    n = x.shape[-1] if N is None else N
    if n <= 1:
        raise RuntimeError("N must be greater than 1.")
    from ember.ops.shape import cat
    # the powers 1..n-1 as a running product, after a column of ones, as PyTorch records them (its graph
    # ends in CatBackward0 over CumprodBackward0); integer inputs give int64, as cumprod does
    powers = x.unsqueeze(-1).expand(*x.shape, n - 1).cumprod(-1)
    return cat([powers.new_ones((*x.shape, 1)), powers], -1)


# ------------------------------------------------------------ Householder
def _reflectors(A, tau):
    """Each Householder vector v_i = (0,...,0, 1, A[i+1:, i]) as the columns of one matrix."""
    m, k = A.shape[-2], tau.shape[-1]
    V = A[..., :, :k].tril(-1) + eye_like(A, m, k)
    return V


def _apply_reflectors(V, tau, X, left, transpose):
    """Q X (or X Q, with Q^H for ``transpose``) where Q = H_1 ... H_k, H_i = I - tau_i v_i v_i^H."""
    k = tau.shape[-1]
    order = list(range(k))
    # Q X applies H_k first; Q^H X applies H_1^H first; on the right the orders swap
    if left != transpose:
        order.reverse()
    for i in order:
        v = V[..., :, i:i + 1]
        t = tau[..., i:i + 1].unsqueeze(-1)
        if transpose:
            t = t.conj()
        if left:
            X = X - v.matmul(t * v.mH.matmul(X))
        else:
            X = X - (X.matmul(v) * t).matmul(v.mH)
    return X


@op('linalg', name='householder_product')
def householder_product(A, tau, *, out=None):
    r"""Computes the product of Householder reflectors, such as the ``Q`` of a QR factorisation.

    Column ``i`` of ``A`` below the diagonal holds the vector ``v_i`` of the reflector
    ``I - tau[i] v_i v_i^H`` (with an implicit ``1`` on the diagonal); the result is the first ``n``
    columns of their product. This is the form :func:`ember.geqrf` returns.

    Args:
        A (Tensor): the reflector vectors, shape ``(*, m, n)`` with ``m >= n``.
        tau (Tensor): the reflector scales, shape ``(*, k)`` with ``k <= n``.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> A = ember.tensor([[1., 2.], [3., 4.]], dtype=ember.float64)
        >>> Q = ember.linalg.householder_product(*ember.geqrf(A))
        >>> ember.allclose(Q, ember.linalg.qr(A).Q)
        True
    """
    name = 'torch.linalg.householder_product'
    if A.ndim < 2:
        raise RuntimeError(f"{name}: input must have at least 2 dimensions.")
    if tau.ndim != A.ndim - 1:
        raise RuntimeError(f"{name}: input.dim() must be greater than or equal to tau.dim() + 1")
    m, n = A.shape[-2:]
    if m < n:
        raise RuntimeError(f"{name}: input.shape[-2] must be greater than or equal to input.shape[-1]")
    if n < tau.shape[-1]:
        raise RuntimeError(f"{name}: input.shape[-1] must be greater than or equal to tau.shape[-1]")
    if tau.dtype is A.dtype:
        refuse_low_precision('orgqr_cpu', A)
    from ember.ops import _one_node
    return write_out('linalg_householder_product',
                     _one_node.one_node(HouseholderProductNode, _householder_value, (A, tau)), out)


def _householder_value(A, tau):
    m, n = A.shape[-2:]
    X = eye_like(A, m, n).expand(tuple(A.shape)).clone()
    return _apply_reflectors(_reflectors(A, tau), tau, X, left=True, transpose=False)


class HouseholderProductNode(Primitive):
    """``householder_product``'s (and ``orgqr``'s) one node, as PyTorch records it; ember applies the
    reflectors one by one, and the gradient is that composite's own."""
    node_name = 'LinalgHouseholderProductBackward0'
    saved_names = ('input', 'tau', 'result')
    saved_attrs = {'input': _sa.saved(0), 'result': _sa.saved(2), 'tau': _sa.saved(1)}

    @staticmethod
    def forward(ctx, A, tau, value):
        ctx.save_for_backward(A, tau, value)
        return value

    @staticmethod
    def backward(ctx, g):
        from ember.ops import _one_node
        A, tau, _ = ctx.saved_tensors
        return _one_node.composite_grads(_householder_value, (A, tau), ctx.needs_input_grad[:2], g) + (None,)


@op('ember', 'Tensor')
def orgqr(input, input2, *, out=None):
    """The explicit ``Q`` of a QR factorisation from its Householder form: see
    :func:`ember.linalg.householder_product`.

    Example::

        >>> A = ember.tensor([[2., 1.], [1., 3.]], dtype=ember.float64)
        >>> h, tau = ember.geqrf(A)
        >>> ember.orgqr(h, tau)
        tensor([[-0.8944, -0.4472],
                [-0.4472,  0.8944]], dtype=ember.float64)
    """
    return write_out('orgqr', householder_product(input, input2), out)


@op('ember', 'Tensor')
def ormqr(input, input2, input3, left=True, transpose=False, *, out=None):
    """Multiplies ``input3`` by the ``Q`` of a Householder-form QR factorisation (``input``, ``input2``, as
    :func:`ember.geqrf` returns) without forming ``Q``: ``Q @ C`` (or ``C @ Q`` with ``left=False``, ``Q^H``
    with ``transpose=True``).

    Example::

        >>> A = ember.tensor([[2., 1.], [1., 3.]], dtype=ember.float64)
        >>> h, tau = ember.geqrf(A)
        >>> ember.ormqr(h, tau, ember.eye(2, dtype=ember.float64))
        tensor([[-0.8944, -0.4472],
                [-0.4472,  0.8944]], dtype=ember.float64)
    """
    check_matrix('torch.ormqr', input)
    m = input3.shape[-2] if left else input3.shape[-1]
    if input.shape[-2] != m:
        raise RuntimeError(f"torch.ormqr: input.shape[-2] must be equal to other.shape[{-2 if left else -1}]")
    if input2.dtype is input.dtype and input3.dtype is input.dtype:
        refuse_low_precision('ormqr_cpu', input)
    from ember.ops import _one_node
    left, transpose = bool(left), bool(transpose)
    return write_out('ormqr', _one_node.one_node(OrmqrNode, lambda a, t, c: _ormqr_value(a, t, c, left, transpose),
                                                 (input, input2, input3), left, transpose), out)


def _ormqr_value(A, tau, C, left, transpose):
    return _apply_reflectors(_reflectors(A, tau), tau, C, left, transpose)


class OrmqrNode(Primitive):
    """``ormqr``'s one node, as PyTorch records it; ember applies the reflectors one by one, and the gradient
    is that composite's own."""
    node_name = 'OrmqrBackward0'
    saved_names = ('self', 'input2', 'input3', 'result')
    saved_attrs = {'input2': _sa.saved(1), 'input3': _sa.saved(2), 'left': _sa.item('args', 0),
                   'result': _sa.saved(3), 'self': _sa.saved(0), 'transpose': _sa.item('args', 1)}

    @staticmethod
    def forward(ctx, A, tau, C, left, transpose, value):
        ctx.args = (left, transpose)
        ctx.save_for_backward(A, tau, C, value)
        return value

    @staticmethod
    def backward(ctx, g):
        from ember.ops import _one_node
        A, tau, C, _ = ctx.saved_tensors
        left, transpose = ctx.args
        return _one_node.composite_grads(lambda a, t, c: _ormqr_value(a, t, c, left, transpose), (A, tau, C),
                                         ctx.needs_input_grad[:3], g) + (None, None, None)


@op('ember', 'Tensor')
def geqrf(input, *, out=None):
    """Computes the QR decomposition of ``input`` in LAPACK's compact form: a matrix holding R on and above the
    diagonal and the Householder vectors below it, and the vector ``tau`` of their scales.
    :func:`ember.linalg.householder_product` rebuilds Q from them; most code wants :func:`ember.linalg.qr`.

    Args:
        input (Tensor): a matrix or a batch of matrices, ``(*, m, n)``.

    Keyword args:
        out (tuple, optional): the two output tensors.

    Returns:
        (Tensor, Tensor): the named tuple ``(a, tau)``.

    Example::

        >>> a, tau = ember.geqrf(ember.tensor([[3., 1.], [4., 2.]]))
        >>> a
        tensor([[-5.0000, -2.2000],
                [ 0.5000,  0.4000]])
        >>> tau
        tensor([1.6000, 0.0000])
    """
    from ember._tensor import Tensor
    check_matrix('torch.geqrf', input)
    refuse_low_precision('geqrf_cpu', input)
    from ember.backend import move, to_numpy
    a = to_numpy(input._data)  # LAPACK's geqrf on the host; the results go back to input's device
    stack = a.reshape((-1,) + a.shape[-2:])
    hs, taus = [], []
    for m in stack:
        h, tau = np.linalg.qr(m, mode='raw')
        hs.append(h.T)
        taus.append(tau)
    k = min(a.shape[-2:])
    res = named('geqrf', ('a', 'tau'))(
        Tensor._make(move(np.ascontiguousarray(np.stack(hs).reshape(a.shape)) if stack.shape[0] else a.copy(),
                          input.device), input.device),
        Tensor._make(move(np.stack(taus).reshape(a.shape[:-2] + (k,)) if stack.shape[0] else
                          np.zeros(a.shape[:-2] + (k,), a.dtype), input.device), input.device))
    return write_out('geqrf', res, out)


# -------------------------------------------------------------- tensor forms
@op('linalg')
def tensorinv(A, ind=2, *, out=None):
    r"""Computes the inverse of a tensor with respect to :func:`ember.tensordot`.

    The first ``ind`` dimensions of ``A`` are the output index and the rest the input index;
    their sizes must have equal products. The result has shape ``A.shape[ind:] + A.shape[:ind]``.

    Args:
        A (Tensor): the tensor to invert.
        ind (int, optional): how many leading dimensions form the output index. Default: ``2``.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> A = ember.eye(4).reshape(4, 2, 2)
        >>> Ainv = ember.linalg.tensorinv(A, ind=1)
        >>> Ainv.shape
        ember.Size([2, 2, 4])
        >>> ember.allclose(ember.tensordot(Ainv, A, dims=1), ember.eye(4).reshape(2, 2, 2, 2))
        True
    """
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    out_shape = tuple(A.shape[ind:]) + tuple(A.shape[:ind])
    rows = int(np.prod(A.shape[:ind]))
    cols = int(np.prod(A.shape[ind:]))
    if rows != cols:
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[ind:]) == "
                           f"prod(self.shape[:ind]), but got {cols} != {rows}")
    from ember.ops.linalg_solve import inv
    # PyTorch's inverse is column-major, so its reshape is a _reshape_alias view (ReshapeAliasBackward0)
    return write_out('linalg_tensorinv', _renamed_node(inv(A.reshape(rows, cols)).reshape(out_shape),
                                                       'ReshapeAliasBackward0'), out)


@op('linalg')
def tensorsolve(A, B, dims=None, *, out=None):
    r"""Solves ``tensordot(A, X, dims=X.ndim) = B`` for ``X``.

    ``X`` has shape ``A.shape[B.ndim:]``, and the products of ``B.shape`` and of ``X.shape`` must
    be equal. ``dims`` moves the named dimensions of ``A`` to the end first.

    Args:
        A (Tensor): the coefficient tensor.
        B (Tensor): the right-hand side.
        dims (Tuple[int], optional): dimensions of ``A`` to move to the end before solving. Default: ``None``.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> A = ember.eye(6).reshape(2, 3, 6)
        >>> B = ember.arange(6.).reshape(2, 3)
        >>> ember.linalg.tensorsolve(A, B)
        tensor([0., 1., 2., 3., 4., 5.])
    """
    if dims is not None:
        nd = A.ndim
        dims = [d % nd for d in dims]
        A = A.movedim(dims, list(range(nd - len(dims), nd)))
    rest = tuple(A.shape[B.ndim:])
    n = int(np.prod(rest))
    m = int(B.numel())
    if int(np.prod(A.shape[:B.ndim])) != m or m != n:
        raise RuntimeError("Expected self to satisfy the requirement prod(self.shape[other.ndim:]) == "
                           "prod(self.shape[:other.ndim]), but got "
                           f"{n} != {m}")
    from ember.ops.linalg_solve import solve
    return write_out('linalg_tensorsolve', solve(A.reshape(m, n), B.reshape(m)).reshape(rest), out)

