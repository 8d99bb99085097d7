"""Orthogonal factorisations: ``linalg.qr``, ``svd``/``svdvals``, ``eigh``/``eigvalsh``, ``eig``/``eigvals``,
and the ``torch.svd``/``torch.qr`` forms.

LAPACK (through NumPy) computes the factors, so their signs and order are PyTorch's; backward
formulas are written with ember ops (differentiable again).
"""
import numpy as np

from ember.autograd import grad_mode
from ember.autograd.function import Primitive
from ember.ops._linalg_util import check_float, check_matrix, check_square, named, refuse_low_precision
from ember.ops._util import bool_refused
from ember.ops.inplace import write_out
from ember.ops._registry import op
from ember.ops.linalg_solve import solve_triangular
from ember.autograd import _saved_attrs as _sa


# ------------------------------------------------------------------------------ QR
def _copyltu(M):
    """The symmetric matrix with M's lower triangle (its diagonal once)."""
    return M.tril() + M.tril(-1).mH


def _qr_tall_backward(Q, R, gQ, gR):
    """A = QR with m >= n (Q: m x n): gA = (gQ + Q copyltu(R gR^H - gQ^H Q)) R^-H."""
    M = R.matmul(gR.mH) - gQ.mH.matmul(Q)
    return solve_triangular(R.mH, gQ + Q.matmul(_copyltu(M)), upper=False, left=False)


class Qr(Primitive):
    node_name = 'LinalgQrBackward0'
    # (A is kept too, for the wide case's backward; PyTorch's node shows Q and R alone)
    saved_attrs = {'Q': _sa.saved(1), 'R': _sa.saved(2), 'mode': _sa.field('mode')}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, a, mode):
        xp = ctx.xp
        if mode == 'r':
            r = xp.linalg.qr(a, mode='r')
            ctx.mode = mode
            return xp.zeros((0,), a.dtype), xp.ascontiguousarray(r)
        # NOTE: save the arrays returned, not LAPACK's: a saved output is recognised by identity (so that
        # the second derivative flows through Q and R), and ascontiguousarray gives a new array whenever
        # the factor is not C-ordered already (on a device, a new array object each call)
        q, r = (xp.ascontiguousarray(f) for f in xp.linalg.qr(a, mode=mode))
        ctx.mode = mode
        ctx.save_for_backward(a, q, r)
        return q, r

    @staticmethod
    def backward(ctx, gQ, gR):
        if ctx.mode == 'r':
            raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed when mode='r'. "
                               "Please use linalg.qr(A, mode='reduced') if you are going to differentiate through "
                               "linalg.qr.")
        A, Q, R = ctx.saved_tensors
        m, n = A.shape[-2:]
        if ctx.mode == 'complete' and m > n:
            raise RuntimeError("The QR decomposition is not differentiable when mode='complete' and nrows > ncols.")
        if m >= n:
            return _qr_tall_backward(Q, R, gQ, gR)
        # wide: A = [X | Y], R = [U | V] with X = QU square; Q depends on X only, V = Q^H Y
        from ember.ops.shape import cat
        Y, U, V, gU, gV = A[..., m:], R[..., :m], R[..., m:], gR[..., :m], gR[..., m:]
        gX = _qr_tall_backward(Q, U, gQ + Y.matmul(gV.mH), gU)
        return cat([gX, Q.matmul(gV)], -1)


@op('linalg')
def qr(A, mode='reduced', *, out=None):
    r"""Computes the QR factorisation of a matrix.

    Returns ``Q`` with orthonormal columns and upper-triangular ``R`` with ``A = Q @ R``.
    ``mode='reduced'`` gives ``Q`` of shape ``(*, m, k)`` with ``k = min(m, n)``, ``'complete'`` a
    square ``Q``, and ``'r'`` only ``R`` (``Q`` is then empty).

    Args:
        A (Tensor): a matrix or a batch of matrices, shape ``(*, m, n)``.
        mode (str, optional): ``'reduced'``, ``'complete'`` or ``'r'``. Default: ``'reduced'``.

    Keyword args:
        out (tuple, optional): tensors to write the results into.

    Returns:
        a named tuple ``(Q, R)``.

    Example::

        >>> A = ember.tensor([[3., 1.], [4., 2.], [0., 0.]])
        >>> Q, R = ember.linalg.qr(A)
        >>> Q.shape, R.shape
        (ember.Size([3, 2]), ember.Size([2, 2]))
        >>> ember.allclose(Q @ R, A)
        True
    """
    if mode not in ('reduced', 'complete', 'r'):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), 'r', "
                           "or 'complete'")
    check_matrix('linalg.qr', A)
    check_float('linalg.qr', A)
    Q, R = Qr.apply(A, mode)
    return write_out('linalg_qr', named('linalg_qr', ('Q', 'R'))(Q, R), out)


@op('ember.qr', 'Tensor.qr', name='qr')
def torch_qr(input, some=True, *, out=None):
    """The QR factorisation ``input = Q R``; deprecated in PyTorch in favour of :func:`ember.linalg.qr`.

    Args:
        input (Tensor): the matrix or batch of matrices, ``(*, m, n)``.
        some (bool, optional): the reduced factorisation (``True``) or the complete one. Default: ``True``.

    Keyword args:
        out (tuple, optional): the output tuple ``(Q, R)``.

    Example::

        >>> Q, R = ember.qr(ember.tensor([[3., 1.], [4., 2.]]))
        >>> R
        tensor([[-5.0000, -2.2000],
                [ 0.0000,  0.4000]])
        >>> ember.allclose(Q @ R, ember.tensor([[3., 1.], [4., 2.]]))
        True
    """
    Q, R = qr(input, 'reduced' if some else 'complete')
    return write_out('qr', named('qr', ('Q', 'R'))(Q, R), out)


# ----------------------------------------------------------------------------- SVD
def _skew(X):
    return X - X.mH


def _svd_backward(U, S, Vh, gU, gS, gVh):
    """Gradient of A = U diag(S) Vh (reduced factors) for real and complex A with distinct singular values."""
    from ember.ops.index import where
    m, n = U.shape[-2], Vh.shape[-1]
    V = Vh.mH
    Sd = S.unsqueeze(-2)        # S as a row: s_j
    if gU is None and gVh is None:
        return (U * gS.unsqueeze(-2)).matmul(Vh)
    S2 = S * S
    E = S2.unsqueeze(-2) - S2.unsqueeze(-1)     # E_ij = s_j^2 - s_i^2
    k = S.shape[-1]
    from ember.ops.creation import eye
    I = eye(k, dtype=S.dtype, device=S.device)
    E = where(I.bool(), 1.0, E)
    inner = gS.diag_embed() if gS is not None else 0
    if gU is not None:
        J = _skew(U.mH.matmul(gU)) / E
        inner = inner + J * Sd
    if gVh is not None:
        gV = gVh.mH
        K = _skew(V.mH.matmul(gV)) / E
        inner = inner + S.unsqueeze(-1) * K
    gA = U.matmul(inner).matmul(Vh)
    if gU is not None and m > k:
        proj = gU - U.matmul(U.mH.matmul(gU))
        gA = gA + (proj / Sd).matmul(Vh)
    if gVh is not None and n > k:
        gV = gVh.mH
        proj = gV - V.matmul(V.mH.matmul(gV))
        gA = gA + (U / Sd).matmul(proj.mH)
    return gA


def _finite_or_refused(xp, a):
    """PyTorch's SVD of non-finite matrices: a NaN anywhere fails (its LAPACK does not converge) with PyTorch's
    LinAlgError naming the first such matrix of a batch; infinities alone give NaN results (LAPACK's
    vectors there are meaningless: ember's are NaN too). Returns the array to decompose (infinities
    zeroed) and the batch positions to fill with NaN, or None."""
    finite = xp.isfinite(a)
    if bool(finite.all()):
        return a, None
    bad = ~finite.all(axis=(-2, -1))
    nan = xp.isnan(a).any(axis=(-2, -1))
    if bool(nan.any()):
        from ember.ops._linalg_util import LinAlgError
        first = int(np.flatnonzero(np.asarray(nan.get() if hasattr(nan, 'get') else nan).reshape(-1))[0])
        where = f"(Batch element {first}): " if a.ndim > 2 else ""
        raise LinAlgError(f"linalg.svd: {where}The algorithm failed to converge because the input matrix contained "
                          "non-finite values.")
    return xp.where(finite, a, 0), (bad if a.ndim > 2 else Ellipsis)


class Svd(Primitive):
    node_name = 'LinalgSvdBackward0'
    saved_attrs = {'S': _sa.saved(1), 'S_sym_argsize_minus_1': lambda node: min(node._input_meta[0][0][-2:]),
                   'U': _sa.saved(0), 'Vh': _sa.saved(2), 'full_matrices': _sa.field('full_matrices')}  # grad_fn._saved_*

    @staticmethod
    def forward(ctx, a, full_matrices, compute_uv):
        xp = ctx.xp
        a, infinite = _finite_or_refused(xp, a)
        if not compute_uv:  # only when no gradient is needed (see svdvals)
            s = xp.linalg.svd(a, compute_uv=False)
            if infinite is not None:
                s[infinite] = np.nan
            return s
        u, s, vh = xp.linalg.svd(a, full_matrices=full_matrices)
        if infinite is not None:
            u[infinite] = s[infinite] = vh[infinite] = np.nan
        ctx.full_matrices = full_matrices
        u, vh = xp.ascontiguousarray(u), xp.ascontiguousarray(vh)
        # save the returned arrays themselves: they come back with their history (double backward)
        ctx.save_for_backward(u, s, vh)
        return u, s, vh

    @staticmethod
    def backward(ctx, gU, gS, gVh):
        U, S, Vh = ctx.saved_tensors
        k = S.shape[-1]
        U, Vh = U[..., :, :k], Vh[..., :k, :]
        # with full_matrices the extra singular vectors are not unique: only the first k enter
        gU = gU[..., :, :k]
        gVh = gVh[..., :k, :]
        return _svd_backward(U, S, Vh, gU, gS, gVh), None, None


def _check_driver(driver):
    if driver is not None:
        raise RuntimeError("torch.linalg.svd: keyword argument `driver=` is only supported on CUDA inputs with "
                           "cuSOLVER backend.")


@op('linalg')
def svd(A, full_matrices=True, *, driver=None, out=None):
    r"""Computes the singular value decomposition of a matrix.

    Returns ``U``, ``S`` and ``Vh`` with ``A = U @ diag(S) @ Vh``; ``S`` is real and in descending
    order. Singular vectors are determined only up to sign (or complex phase).

    Args:
        A (Tensor): a matrix or a batch of matrices, shape ``(*, m, n)``.
        full_matrices (bool, optional): return square ``U`` and ``Vh`` when ``True``; the reduced shapes ``(*, m, k)`` and ``(*, k, n)`` with ``k = min(m, n)`` when ``False``. Default: ``True``.

    Keyword args:
        driver (str, optional): the cuSOLVER algorithm on CUDA; must be ``None`` on the CPU. Default: ``None``.
        out (tuple, optional): tensors to write the results into.

    Returns:
        a named tuple ``(U, S, Vh)``.

    Example::

        >>> A = ember.tensor([[3., 0.], [0., 4.], [0., 0.]])
        >>> U, S, Vh = ember.linalg.svd(A, full_matrices=False)
        >>> S
        tensor([4., 3.])
        >>> ember.allclose(U @ ember.diag(S) @ Vh, A)
        True
    """
    if full_matrices.__class__ is not bool:
        from ember.ops._util import bool_refused
        raise bool_refused(full_matrices, 'linalg_svd', 'full_matrices', 2)
    check_matrix('linalg.svd', A)
    check_float('linalg.svd', A)
    _check_driver(driver)
    U, S, Vh = Svd.apply(A, full_matrices, True)
    return write_out('linalg_svd', named('linalg_svd', ('U', 'S', 'Vh'))(U, S, Vh), out)


@op('linalg')
def svdvals(A, *, driver=None, out=None):
    r"""Computes the singular values of a matrix, in descending order.

    Cheaper than :func:`ember.linalg.svd` when the singular vectors are not needed, and its gradient
    is always well defined.

    Args:
        A (Tensor): a matrix or a batch of matrices, shape ``(*, m, n)``.

    Keyword args:
        driver (str, optional): the cuSOLVER algorithm on CUDA; must be ``None`` on the CPU. Default: ``None``.
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> A = ember.tensor([[3., 0.], [0., 4.]])
        >>> ember.linalg.svdvals(A)
        tensor([4., 3.])
    """
    check_matrix('linalg.svd', A)     # (PyTorch's svdvals is its svd: the errors name linalg.svd)
    check_float('linalg.svd', A)
    _check_driver(driver)
    if A.requires_grad and grad_mode.is_grad_enabled():
        # through the full SVD, as PyTorch: the singular vectors' graph makes double backward right
        return write_out('linalg_svdvals', Svd.apply(A, False, True)[1], out)
    return write_out('linalg_svdvals', Svd.apply(A, False, False), out)


@op('ember', 'Tensor', name='svd')
def torch_svd(input, some=True, compute_uv=True, *, out=None):
    """The singular value decomposition ``input = U diag(S) V^H``, in PyTorch's older form: it returns ``V``
    itself, where :func:`ember.linalg.svd` returns its adjoint ``Vh``.

    Args:
        input (Tensor): a matrix or a batch of matrices, ``(*, m, n)``.
        some (bool, optional): the reduced decomposition (``U`` of ``k = min(m, n)`` columns) rather than the
            full one. Default: ``True``.
        compute_uv (bool, optional): compute ``U`` and ``V``; without them they come back filled with zeros.
            Default: ``True``.

    Keyword args:
        out (tuple, optional): the three output tensors.

    Returns:
        (Tensor, Tensor, Tensor): the named tuple ``(U, S, V)``, singular values in descending order.

    Example::

        >>> U, S, V = ember.svd(ember.tensor([[3., 0.], [0., -2.]]))
        >>> S
        tensor([3., 2.])
        >>> V
        tensor([[ 1., -0.],
                [ 0., -1.]])
        >>> ember.tensor([[1., 2.], [3., 4.]]).svd().S
        tensor([5.4650, 0.3660])
    """
    check_matrix('linalg.svd', input)
    if some.__class__ is not bool or compute_uv.__class__ is not bool:   # (PyTorch's parser takes bools only)
        flag, name, position = (some, 'some', 2) if some.__class__ is not bool else (compute_uv, 'compute_uv', 3)
        raise bool_refused(flag, 'svd', name, position)
    if compute_uv:
        U, S, Vh = svd(input, full_matrices=not some)
        res = named('svd', ('U', 'S', 'V'))(U, S, Vh.mH)
    else:
        from ember.ops.creation import zeros
        m, n = input.shape[-2:]
        S = svdvals(input)
        batch = tuple(input.shape[:-2])
        res = named('svd', ('U', 'S', 'V'))(zeros(batch + (m, m), dtype=input.dtype, device=input.device), S,
                                            zeros(batch + (n, n), dtype=input.dtype, device=input.device))
    return write_out('svd', res, out)


# ---------------------------------------------------------------------- eigh / eig
class Eigh(Primitive):
    _profile_name = 'aten::linalg_eigh'
    node_name = 'LinalgEighBackward0'
    saved_attrs = {'eigenvalues': _sa.saved(0), 'eigenvectors': _sa.saved(1)}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, a, uplo, compute_v):
        xp = ctx.xp
        if not compute_v:  # only when no gradient is needed (see eigvalsh)
            return xp.linalg.eigvalsh(a, UPLO=uplo)
        w, v = xp.linalg.eigh(a, UPLO=uplo)
        v = xp.ascontiguousarray(v)
        ctx.save_for_backward(w, v)
        return w, v

    @staticmethod
    def backward(ctx, gw, gV):
        from ember.ops.creation import eye
        from ember.ops.index import where
        w, V = ctx.saved_tensors
        E = w.unsqueeze(-2) - w.unsqueeze(-1)          # E_ij = w_j - w_i
        I = eye(w.shape[-1], dtype=w.dtype, device=w.device).bool()
        E = where(I, 1.0, E)
        VhgV = V.mH.matmul(gV)
        # only the skew-Hermitian part is gauge invariant (the eigenvectors' phases are free)
        inner = gw.diag_embed() + where(I, 0.0, 0.5 * (VhgV - VhgV.mH) / E)
        return V.matmul(inner).matmul(V.mH), None, None


def _check_eigh_input(A):
    """PyTorch's errors for ``eigh``/``eigvalsh`` (both computed by its eigh kernel, whose name they give)."""
    from ember.ops.linalg import _check_square
    _check_square('linalg.eigh', A)
    if not (A.dtype.is_floating_point or A.dtype.is_complex) or (A.dtype.itemsize <= 2 and A._xp is np):
        from ember._tensor import _scalar_type_name     # (integers, and the half floats LAPACK lacks)
        raise NotImplementedError(f"\"linalg_eigh_cpu\" not implemented for '{_scalar_type_name(A.dtype)}'")


def _uplo(name, UPLO):
    if UPLO not in ('L', 'U'):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")


@op('linalg')
def eigh(A, UPLO='L', *, out=None):
    r"""Computes the eigenvalues and eigenvectors of a Hermitian (or real symmetric) matrix.

    Eigenvalues are real and returned in ascending order; eigenvectors are orthonormal columns,
    each defined up to sign (or complex phase). Only the triangle named by ``UPLO`` is read.

    Args:
        A (Tensor): a square matrix or a batch of them, shape ``(*, n, n)``.
        UPLO ('L', 'U', optional): use the lower or the upper triangle of ``A``. Default: ``'L'``.

    Keyword args:
        out (tuple, optional): tensors to write the results into.

    Returns:
        a named tuple ``(eigenvalues, eigenvectors)``.

    Example::

        >>> A = ember.tensor([[2., 1.], [1., 2.]])
        >>> L, Q = ember.linalg.eigh(A)
        >>> L
        tensor([1., 3.])
        >>> ember.allclose(Q @ ember.diag(L) @ Q.mT, A)
        True
    """
    _check_eigh_input(A)
    _uplo('linalg.eigh', UPLO)
    L, Q = Eigh.apply(A, UPLO, True)
    return write_out('linalg_eigh', named('linalg_eigh', ('eigenvalues', 'eigenvectors'))(L, Q), out)


@op('linalg')
def eigvalsh(A, UPLO='L', *, out=None):
    r"""Computes the eigenvalues of a Hermitian (or real symmetric) matrix.

    The eigenvalues are real and in ascending order. Only the triangle named by ``UPLO`` is read.

    Args:
        A (Tensor): a square matrix or a batch of them, shape ``(*, n, n)``.
        UPLO ('L', 'U', optional): use the lower or the upper triangle of ``A``. Default: ``'L'``.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> A = ember.tensor([[2., 1.], [1., 2.]])
        >>> ember.linalg.eigvalsh(A)
        tensor([1., 3.])
    """
    _check_eigh_input(A)
    _uplo('linalg.eigvalsh', UPLO)
    if A.requires_grad and grad_mode.is_grad_enabled():  # through the eigenvectors, as PyTorch
        return write_out('linalg_eigvalsh', Eigh.apply(A, UPLO, True)[0], out)
    return write_out('linalg_eigvalsh', Eigh.apply(A, UPLO, False), out)


def _eig_forward(name, A):
    check_square(name, A)
    if A.dtype.itemsize == 1 and A.dtype.is_floating_point:   # (float8: no complex counterpart to compute in)
        from ember._tensor import _scalar_type_name
        raise RuntimeError(f"Unknown Complex ScalarType for {_scalar_type_name(A.dtype)}")
    refuse_low_precision('linalg_eig_out_cpu', A)
    if A.requires_grad and grad_mode.is_grad_enabled():
        raise NotImplementedError(f"{name}: gradients through the complex eigendecomposition are not supported "
                                  "yet; use linalg.eigh for symmetric matrices, or call it on A.detach()")
    from ember._tensor import Tensor
    from ember.backend import move, to_numpy
    w, v = np.linalg.eig(to_numpy(A._data))  # on the host, as PyTorch's CUDA eig does (MAGMA)
    ctype = np.complex128 if A._data.dtype in (np.float64, np.complex128) else np.complex64
    return (Tensor._make(move(w.astype(ctype, copy=False), A.device), A.device),
            Tensor._make(move(np.ascontiguousarray(v.astype(ctype, copy=False)), A.device), A.device))


@op('linalg')
def eig(A, *, out=None):
    r"""Computes the eigenvalues and eigenvectors of a square matrix.

    The results are always complex, even for real input, since a real matrix can have complex
    eigenvalues. Eigenvectors are normalised to unit length; they are defined only up to a complex
    phase.

    Args:
        A (Tensor): a square matrix or a batch of them, shape ``(*, n, n)``.

    Keyword args:
        out (tuple, optional): tensors to write the results into.

    Returns:
        a named tuple ``(eigenvalues, eigenvectors)``; column ``k`` of ``eigenvectors`` belongs to ``eigenvalues[..., k]``.

    Example::

        >>> A = ember.tensor([[2., 0.], [0., 3.]])
        >>> L, V = ember.linalg.eig(A)
        >>> L
        tensor([2.+0.j, 3.+0.j])
        >>> V
        tensor([[1.+0.j, 0.+0.j],
                [0.+0.j, 1.+0.j]])
    """
    w, v = _eig_forward('linalg.eig', A)
    return write_out('linalg_eig', named('linalg_eig', ('eigenvalues', 'eigenvectors'))(w, v), out)


@op('linalg')
def eigvals(A, *, out=None):
    r"""Computes the eigenvalues of a square matrix.

    The result is complex, as in :func:`ember.linalg.eig`.

    Args:
        A (Tensor): a square matrix or a batch of them, shape ``(*, n, n)``.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> A = ember.tensor([[2., 0.], [0., 3.]])
        >>> ember.linalg.eigvals(A)
        tensor([2.+0.j, 3.+0.j])
    """
    return write_out('linalg_eigvals', _eig_forward('linalg.eigvals', A)[0], out)
