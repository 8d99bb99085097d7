"""Randomized low-rank SVD and PCA (``ember.svd_lowrank``, ``ember.pca_lowrank``), after Halko,
Martinsson and Tropp (2009), Algorithms 4.4 and 5.1, in the same steps as PyTorch: the random test
matrix comes from ember's default generator, so the same seed gives PyTorch's numbers.

Everything is composed from differentiable ops (matmul, QR, SVD), so gradients flow through.
"""
from ember.ops._registry import op


def _floating(A):
    import ember
    return A.dtype if A.dtype in (ember.float16, ember.float32, ember.float64) else ember.float32


def _approximate_basis(A, q, niter=2, M=None):
    """An orthonormal ``(*, m, q)`` basis ``Q`` with ``Q Q^H (A - M)`` close to ``A - M``, by
    ``niter`` steps of subspace iteration from a Gaussian test matrix."""
    import ember
    niter = 2 if niter is None else niter
    dtype = A.dtype if A.is_complex() else _floating(A)
    R = ember.randn(A.shape[-1], q, dtype=dtype, device=A.device)

    def times(left, right, right_M=None):
        X = ember.matmul(left, right)
        return X if right_M is None else X - ember.matmul(right_M, right)

    Q = ember.linalg.qr(times(A, R, M)).Q
    for _ in range(niter):
        Q = ember.linalg.qr(times(A.mH, Q, None if M is None else M.mH)).Q
        Q = ember.linalg.qr(times(A, Q, M)).Q
    return Q


def _svd_lowrank(A, q=6, niter=2, M=None):
    import ember
    q = 6 if q is None else q
    m, n = A.shape[-2:]
    if M is not None:
        M = M.broadcast_to(A.size())
    if m < n:  # work on the tall orientation
        A = A.mH
        M = None if M is None else M.mH
    Q = _approximate_basis(A, q, niter=niter, M=M)
    B = ember.matmul(Q.mH, A)
    if M is not None:
        B = B - ember.matmul(Q.mH, M)
    U, S, Vh = ember.linalg.svd(B, full_matrices=False)
    V = Vh.mH
    U = Q.matmul(U)
    if m < n:
        U, V = V, U
    return U, S, V


@op('ember')
def svd_lowrank(A, q=6, niter=2, M=None):
    r"""The singular value decomposition ``A ≈ U diag(S) V^H`` restricted to rank ``q``, found with
    a randomized subspace iteration (of ``A - M`` when ``M`` is given).

    Args:
        A (Tensor): the input, ``(*, m, n)``.
        q (int, optional): a slightly overestimated rank of ``A``. Default: 6.
        niter (int, optional): the number of subspace iterations, non-negative. Default: 2.
        M (Tensor, optional): a mean broadcast to the size of ``A``, subtracted from it.

    Returns:
        (Tensor, Tensor, Tensor): ``U`` ``(*, m, q)``, ``S`` ``(*, q)`` and ``V`` ``(*, n, q)``.

    Example::

        >>> A = ember.tensor([[2., 0.], [0., 1.], [0., 0.]])
        >>> U, S, V = ember.svd_lowrank(A, q=2)
        >>> S
        tensor([2., 1.])
    """
    return _svd_lowrank(A, q=q, niter=niter, M=M)


@op('ember')
def pca_lowrank(A, q=None, center=True, niter=2):
    r"""Principal component analysis by randomized low-rank SVD of the (by default centred) data
    ``A``: ``A ≈ U diag(S) V^T``, ``V``'s columns the principal directions and ``S**2 / (m - 1)``
    the variances along them.

    Args:
        A (Tensor): data, ``(*, m, n)``: ``m`` samples of ``n`` features.
        q (int, optional): a slightly overestimated rank; ``min(6, m, n)`` by default.
        center (bool, optional): subtract the mean of each feature first. Default: ``True``.
        niter (int, optional): the number of subspace iterations, non-negative. Default: 2.

    Returns:
        (Tensor, Tensor, Tensor): ``U`` ``(*, m, q)``, ``S`` ``(*, q)`` and ``V`` ``(*, n, q)``.

    Example::

        >>> A = ember.tensor([[1., 1.], [2., 2.], [3., 3.]])
        >>> U, S, V = ember.pca_lowrank(A, q=1)
        >>> S
        tensor([2.])
    """
    m, n = A.shape[-2:]
    if q is None:
        q = min(6, m, n)
    elif not (q >= 0 and q <= min(m, n)):
        raise ValueError(f"q(={q}) must be non-negative integer and not greater than min(m, n)={min(m, n)}")
    if not niter >= 0:
        raise ValueError(f"niter(={niter}) must be non-negative integer")
    if not center:
        return _svd_lowrank(A, q, niter=niter, M=None)
    return _svd_lowrank(A - A.mean(dim=(-2,), keepdim=True), q, niter=niter, M=None)
