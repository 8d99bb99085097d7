"""``ember.lobpcg``: a few extreme eigenpairs of a symmetric (generalized) eigenproblem
``A x = λ B x`` by Locally Optimal Block Preconditioned Conjugate Gradient iterations.

Two update rules, as in PyTorch: ``"basic"`` (Knyazev 2001: Rayleigh-Ritz on ``[X, P, W]`` with a
Cholesky-based B-orthonormalisation) and ``"ortho"`` (Duersch et al. 2018: the search directions
are explicitly B-orthogonalised against the current basis by repeated SVQB, which is robust).
The random initial block comes from ember's default generator drawn per matrix as PyTorch
draws it, so a seeded run follows PyTorch's iterations.

Gradients: for ``B=None`` with real inputs the eigenvalues and eigenvectors are differentiable
with respect to ``A``; the part of the eigenvector derivative outside the computed eigenspace
solves a projected shifted system (the Sylvester equation of the partial eigenproblem), written
with differentiable ops so that second derivatives exist too.
"""
import ember
from ember.autograd.function import Function
from ember.ops._registry import op

_FEPS = {'float32': 1.2e-07, 'float64': 2.23e-16}


def _times(A, X):
    """``A @ X`` where ``A=None`` stands for the identity."""
    return X if A is None else ember.matmul(A, X)


def _quadratic_form(A, S):
    """``S^T A S`` (``A=None``: the identity)."""
    return ember.matmul(S.mT, _times(A, S))


def _sorted_eigh(M, largest=False):
    """Eigenpairs of a symmetric matrix, ascending, or descending when ``largest``."""
    E, Z = ember.linalg.eigh(M)
    if largest:
        E, Z = ember.flip(E, dims=(-1,)), ember.flip(Z, dims=(-1,))
    return E, Z


class LOBPCG:
    """The state of one LOBPCG run, as a ``tracker`` sees it at each step.

    Inputs: ``A``, ``B``, ``iK`` and the dictionaries ``iparams`` (``m``, ``n``, ``k``, ``niter``, and
    ``ortho_*`` settings), ``fparams`` (``tol``, ``ortho_tol*``), ``bparams`` (``largest``,
    ``ortho_use_drop``). Iteration state: ``X`` (eigenvector estimates), ``E`` (eigenvalue estimates),
    ``R`` (residuals), ``S`` (the search basis) and the dictionaries ``ivars`` (``istep``,
    ``converged_count``, ...), ``fvars``, ``bvars`` and ``tvars`` (``rerr``: each pair's relative
    residual). A tracker may set ``bvars["force_stop"] = True`` to stop the iterations.
    """

    def __init__(self, A, B, X, iK, iparams, fparams, bparams, method, tracker):
        self.A, self.B, self.iK = A, B, iK
        self.iparams, self.fparams, self.bparams = iparams, fparams, bparams
        self.method, self.tracker = method, tracker
        m, n = iparams['m'], iparams['n']
        self.X = X
        self.E = ember.zeros((n,), dtype=X.dtype, device=X.device)
        self.R = ember.zeros((m, n), dtype=X.dtype, device=X.device)
        self.S = ember.zeros((m, 3 * n), dtype=X.dtype, device=X.device)
        self.tvars = {}
        self.ivars = {'istep': 0}
        self.fvars = {'_': 0.0}
        self.bvars = {'_': False}

    def __str__(self):
        fields = ('iparams', 'fparams', 'bparams', 'ivars', 'fvars', 'bvars', 'tvars', 'A', 'B', 'iK', 'X', 'E')
        return 'LOBPCG:\n' + ''.join(f'  {f}={getattr(self, f)}\n' for f in fields)

    def update(self):
        """One step: on the first, record the norms the convergence test scales by."""
        if self.ivars['istep'] == 0:
            x_norm = float(ember.norm(self.X))
            self.fvars['X_norm'] = x_norm
            self.fvars['A_norm'] = float(ember.norm(_times(self.A, self.X))) / x_norm
            self.fvars['B_norm'] = float(ember.norm(_times(self.B, self.X))) / x_norm
            self.ivars['iterations_left'] = self.iparams['niter']
            self.ivars['converged_count'] = 0
            self.ivars['converged_end'] = 0
        if self.method == 'ortho':
            self._update_ortho()
        else:
            self._update_basic()
        self.ivars['iterations_left'] -= 1
        self.ivars['istep'] += 1

    def update_residual(self):
        """``R = A X - B X diag(E)``."""
        self.R = _times(self.A, self.X) - _times(self.B, self.X) * self.E

    def update_converged_count(self):
        """Count the leading pairs whose backward-stable relative residual is below ``tol``
        (Duersch et al. 2018, section 4.3); pairs converge in order, so counting stops at the
        first one that has not."""
        prev = self.ivars['converged_count']
        E, X, R = self.E, self.X, self.R
        scale = ember.norm(X, 2, (0,)) * (self.fvars['A_norm'] + ember.abs(E[:X.shape[-1]]) * self.fvars['B_norm'])
        rerr = ember.norm(R, 2, (0,)) / scale
        count = 0
        for ok in (rerr < self.fparams['tol']).tolist():
            if not ok:
                break
            count += 1
        if count < prev:
            raise AssertionError(f'the number of converged eigenpairs (was {prev}, got {count}) cannot decrease')
        self.ivars['converged_count'] = count
        self.tvars['rerr'] = rerr
        return count

    def stop_iteration(self):
        """True once the tracker forces a stop, ``niter`` steps ran, or ``k`` pairs converged."""
        return (self.bvars.get('force_stop', False) or self.ivars['iterations_left'] == 0
                or self.ivars['converged_count'] >= self.iparams['k'])

    def run(self):
        """Iterate until :meth:`stop_iteration`, calling the tracker after every step."""
        self.update()
        self.call_tracker()
        while not self.stop_iteration():
            self.update()
            self.call_tracker()

    def call_tracker(self):
        if self.tracker is not None:
            self.tracker(self)

    def _update_basic(self):
        n, largest = self.iparams['n'], self.bparams['largest']
        nc, ns = self.ivars['converged_count'], self.ivars['converged_end']
        if self.ivars['istep'] == 0:
            Ri = self._rayleigh_ritz_transform(self.X)
            E, Z = _sorted_eigh(_quadratic_form(_quadratic_form(self.A, self.X), Ri), largest)
            self.X[:] = self.X @ (Ri @ Z)   # in place, as PyTorch's basic method does
            self.E[:] = E
            n_p = 0
            self.update_residual()
            nc = self.update_converged_count()
            self.S[..., :n] = self.X
            W = _times(self.iK, self.R)
        else:
            S_ = self.S[:, nc:ns]
            Ri = self._rayleigh_ritz_transform(S_)
            E_, Z = _sorted_eigh(_quadratic_form(_quadratic_form(self.A, S_), Ri), largest)
            self.X[:, nc:] = S_ @ (Ri @ Z[:, :n - nc])
            self.E[nc:] = E_[:n - nc]
            P = S_ @ (Ri @ Z[:, n:2 * n - nc])
            n_p = P.shape[-1]
            self.update_residual()
            nc = self.update_converged_count()
            self.S[..., :n] = self.X
            self.S[:, n:n + n_p] = P
            W = _times(self.iK, self.R[:, nc:])
        ns = self.ivars['converged_end'] = n + n_p + W.shape[-1]
        self.S[:, n + n_p:ns] = W

    def _update_ortho(self):
        n, largest = self.iparams['n'], self.bparams['largest']
        nc, ns = self.ivars['converged_count'], self.ivars['converged_end']
        if self.ivars['istep'] == 0:
            Ri = self._rayleigh_ritz_transform(self.X)
            _, Z = _sorted_eigh(_quadratic_form(_quadratic_form(self.A, self.X), Ri), largest)
            self.X = self.X @ (Ri @ Z)
            self.update_residual()
            n_p = 0
            nc = self.update_converged_count()
            self.S[:, :n] = self.X
            W = self._get_ortho(self.R, self.X)
        else:
            S_ = self.S[:, nc:ns]
            # the basis is B-orthonormal already, so Rayleigh-Ritz needs no transform
            E_, Z = _sorted_eigh(_quadratic_form(self.A, S_), largest)
            self.X[:, nc:] = S_ @ Z[:, :n - nc]
            self.E[nc:] = E_[:n - nc]
            P = S_ @ (Z[:, n - nc:] @ ember.linalg.qr(Z[:n - nc, n - nc:].mT).Q)
            n_p = P.shape[-1]
            self.update_residual()
            nc = self.update_converged_count()
            self.S[:, :n] = self.X
            self.S[:, n:n + n_p] = P
            W = self._get_ortho(self.R[:, nc:], self.S[:, :n + n_p])
        ns = self.ivars['converged_end'] = n + n_p + W.shape[-1]
        self.S[:, n + n_p:ns] = W

    def _rayleigh_ritz_transform(self, S):
        """The upper-triangular ``Ri`` that turns ``(S^T A S) C = (S^T B S) C E`` into the standard
        problem ``(Ri^T S^T A S Ri) Z = Z E`` with ``C = Ri Z``: a Cholesky factor of ``S^T B S``,
        scaled by its diagonal first for accuracy."""
        SBS = _quadratic_form(self.B, S)
        d = SBS.diagonal(0, -2, -1) ** -0.5
        R = ember.linalg.cholesky(SBS * d * d.reshape(-1, 1), upper=True)
        return ember.linalg.solve_triangular(R, d.diag_embed(), upper=True, left=False)

    def _get_svqb(self, U, drop, tau):
        """B-orthonormal columns spanning U's (SVQB, Duersch 2015 Algorithm 4); with ``drop``,
        directions whose weight is below ``tau`` (relative) are dropped instead of lifted."""
        if U.numel() == 0:
            return U
        UBU = _quadratic_form(self.B, U)
        d = UBU.diagonal(0, -2, -1)
        nonzero = ember.where(d.abs() != 0.0)[0]
        if len(nonzero) < len(d):   # exactly zero columns would divide by zero below
            U = U[:, nonzero]
            if U.numel() == 0:
                return U
            UBU = _quadratic_form(self.B, U)
            d = UBU.diagonal(0, -2, -1)
        d_col = (d ** -0.5).reshape(-1, 1)
        E, Z = _sorted_eigh((UBU * d_col) * d_col.mT)
        threshold = tau * E.abs().max()
        if drop:
            keep = ember.where(E > threshold)[0]
            E, Z, d_col = E[keep], Z[:, keep], d_col[keep]
        else:
            E[ember.where(E < threshold)[0]] = threshold
        return (U * d_col.mT) @ (Z * E ** -0.5)

    def _get_ortho(self, U, V):
        """U's directions made B-orthonormal and B-orthogonal to the basis V (Duersch 2015,
        Algorithm 3, or 6 with ``ortho_use_drop``); may come back with fewer columns, even none."""
        m = self.iparams['m']
        tau_ortho = self.fparams['ortho_tol']
        tau_drop, tau_replace = self.fparams['ortho_tol_drop'], self.fparams['ortho_tol_replace']
        i_max, j_max = self.iparams['ortho_i_max'], self.iparams['ortho_j_max']
        use_drop = self.bparams['ortho_use_drop']
        for key in [k for k in self.fvars if k.startswith('ortho_') and k.endswith('_rerr')]:
            self.fvars.pop(key)
        self.ivars.pop('ortho_i', 0)
        self.ivars.pop('ortho_j', 0)
        BV_norm = ember.norm(_times(self.B, V))
        BU = _times(self.B, U)
        VBU = V.mT @ BU
        i = j = 0
        for i in range(i_max):
            U = U - V @ VBU
            drop, tau_svqb = False, tau_drop
            for j in range(j_max):
                if use_drop:
                    U = self._get_svqb(U, drop, tau_svqb)
                    drop, tau_svqb = True, tau_replace
                else:
                    U = self._get_svqb(U, False, tau_replace)
                if U.numel() == 0:   # every direction lay in V's span
                    self.ivars['ortho_i'], self.ivars['ortho_j'] = i, j
                    return U
                BU = _times(self.B, U)
                UBU = U.mT @ BU
                residual = UBU - ember.eye(UBU.shape[-1], dtype=UBU.dtype, device=UBU.device)
                rerr = float(ember.norm(residual)) / float(ember.norm(BU) * ember.norm(U))
                self.fvars[f'ortho_UBUmI_rerr[{i}, {j}]'] = rerr
                if rerr < tau_ortho:
                    break
            VBU = V.mT @ BU
            rerr = float(ember.norm(VBU)) / float(BV_norm * ember.norm(U))
            self.fvars[f'ortho_VBU_rerr[{i}]'] = rerr
            if rerr < tau_ortho:
                break
            if m < U.shape[-1] + V.shape[-1]:
                raise ValueError(f'Overdetermined shape of U: #B-cols(={self.B.shape[-1]}) >= '
                                 f'#U-cols(={U.shape[-1]}) + #V-cols(={V.shape[-1]}) must hold')
        self.ivars['ortho_i'], self.ivars['ortho_j'] = i, j
        return U


def _floating_dtype(A):
    return A.dtype if A.dtype in (ember.float16, ember.float32, ember.float64) else ember.float32


def _solve(A, k, B, X, n, iK, niter, tol, largest, method, tracker, ortho_iparams, ortho_fparams, ortho_bparams):
    if A.shape[-2] != A.shape[-1]:
        raise AssertionError(f'A must be square, got shape {A.shape}')
    if B is not None and A.shape != B.shape:
        raise AssertionError(f'A and B must have same shape, got {A.shape} vs {B.shape}')
    dtype, device = _floating_dtype(A), A.device
    if tol is None:
        tol = _FEPS[str(dtype).split('.')[-1]] ** 0.5
    m = A.shape[-1]
    k = (1 if X is None else X.shape[-1]) if k is None else k
    n = (k if n is None else n) if X is None else X.shape[-1]
    if m < 3 * n:
        raise ValueError(f'LOBPCG algorithm is not applicable when the number of A rows (={m}) '
                         f'is smaller than 3 x the number of requested eigenpairs (={n})')
    method = 'ortho' if method is None else method
    iparams = {'m': m, 'n': n, 'k': k, 'niter': 1000 if niter is None else niter}
    fparams = {'tol': tol}
    bparams = {'largest': True if largest is None else largest}
    if method == 'ortho':
        iparams.update(ortho_iparams or {})
        fparams.update(ortho_fparams or {})
        bparams.update(ortho_bparams or {})
        iparams.setdefault('ortho_i_max', 3)
        iparams.setdefault('ortho_j_max', 3)
        for key in ('ortho_tol', 'ortho_tol_drop', 'ortho_tol_replace'):
            fparams.setdefault(key, tol)
        bparams.setdefault('ortho_use_drop', False)

    def one(A_, B_, X_):
        X_ = ember.randn((m, n), dtype=dtype, device=device) if X_ is None else X_
        if not (X_.ndim == 2 and tuple(X_.shape) == (m, n)):
            raise AssertionError(f'X shape mismatch: got {X_.shape}, expected {(m, n)}')
        worker = LOBPCG(A_, B_, X_, iK, iparams, fparams, bparams, method, tracker)
        worker.run()
        return worker.E[:k], worker.X[:, :k]

    if A.ndim == 2:
        return one(A, B, X)
    batch = A.shape[:-2]
    count = 1
    for s in batch:
        count *= s
    bA = A.reshape((count, m, m))
    bB = None if B is None else B.reshape((count, m, m))
    bX = None if X is None else X.reshape((count,) + X.shape[-2:])
    E = ember.empty((count, k), dtype=dtype, device=device)
    V = ember.empty((count, m, k), dtype=dtype, device=device)
    for b in range(count):
        iparams['batch_index'] = b
        E[b], V[b] = one(bA[b], None if bB is None else bB[b], None if bX is None else bX[b])
    return E.reshape(batch + (k,)), V.reshape(batch + (m, k))


def _eigenpairs_backward(D_grad, U_grad, A, D, U):
    """The gradient with respect to symmetric ``A`` of a loss through k of its eigenpairs ``(D, U)``.

    Within span(U): ``U (diag(D_grad) + (U^T U_grad) * F) U^T`` with ``F_ij = 1 / (d_j - d_i)``.
    Outside it, eigenvector j moves by ``-(A - d_j)^+ dA u_j`` restricted to the complement; with
    the projector ``P = I - U U^T`` that pseudo-inverse is ``P K_j^-1 P`` where
    ``K_j = P (A - d_j) P + U U^T`` (the identity on span(U)), so each column needs one solve.
    """
    m, k = A.shape[-1], D.shape[-1]
    gaps = D.unsqueeze(-2) - D.unsqueeze(-1)
    eye_k = ember.eye(k, dtype=A.dtype, device=A.device)
    inv_gaps = (gaps + eye_k).reciprocal() * (1 - eye_k)
    inner = ember.diag_embed(D_grad) + (U.mT @ U_grad) * inv_gaps
    grad = U @ inner @ U.mT
    if k == m:
        return grad
    eye_m = ember.eye(m, dtype=A.dtype, device=A.device)
    UUt = U @ U.mT
    P = eye_m - UUt
    shifted = A.unsqueeze(-3) - D[..., :, None, None] * eye_m        # (..., k, m, m)
    K = P.unsqueeze(-3) @ shifted @ P.unsqueeze(-3) + UUt.unsqueeze(-3)
    rhs = (P @ U_grad).mT.unsqueeze(-1)                               # (..., k, m, 1)
    X = ember.linalg.solve(K, rhs).squeeze(-1).mT                      # (..., m, k)
    return grad - (P @ X) @ U.mT


class LOBPCGAutogradFunction(Function):
    @staticmethod
    def forward(ctx, A, k, B, X, n, iK, niter, tol, largest, method, tracker, oi, of, ob):
        D, U = _solve(A.contiguous(), k, B, X, n, iK, niter, tol, largest, method, tracker, oi, of, ob)
        ctx.save_for_backward(A, D, U)
        ctx.has_B = B is not None
        return D, U

    @staticmethod
    def backward(ctx, D_grad, U_grad):
        A, D, U = ctx.saved_tensors
        if A.is_complex():
            raise ValueError('lobpcg.backward does not support complex input yet. '
                             'Note that lobpcg.forward does though.')
        if ctx.has_B:
            raise ValueError('lobpcg.backward does not support backward with B != I yet.')
        D_grad = ember.zeros_like(D) if D_grad is None else D_grad
        U_grad = ember.zeros_like(U) if U_grad is None else U_grad
        return (_eigenpairs_backward(D_grad, U_grad, A, D, U),) + (None,) * 13


@op('ember')
def lobpcg(A, k=None, B=None, X=None, n=None, iK=None, niter=None, tol=None, largest=None, method=None,
           tracker=None, ortho_iparams=None, ortho_fparams=None, ortho_bparams=None):
    r"""Find the ``k`` largest (or smallest) eigenvalues and eigenvectors of the symmetric positive
    definite generalized eigenproblem ``A x = λ B x`` with matrix-free LOBPCG iterations.

    ``method="basic"`` is Knyazev's original LOBPCG (cheapest per step, but its Cholesky step may
    fail on a nearly singular basis); ``method="ortho"`` (the default) orthogonalises the search
    basis explicitly and is the robust choice. Batches of matrices are solved one by one.

    Gradients flow to ``A`` (real, ``B=None`` only); as ``A`` is assumed symmetric, it is replaced by
    ``(A + A^T) / 2`` when it requires grad, so that ``A.grad`` is symmetric too. The method needs
    ``A``'s size to be at least three times ``n``.

    Args:
        A (Tensor): the matrix, of size ``(*, m, m)``.
        k (int, optional): how many eigenpairs to return. Default: the number of columns of ``X``,
            or 1.
        B (Tensor, optional): the right-hand matrix, of size ``(*, m, m)``. Default: the identity.
        X (Tensor, optional): the initial eigenvector estimates, ``(*, m, n)`` with ``k <= n <= m``.
            Default: a random ``(m, n)`` block from the default generator.
        n (int, optional): the block size when ``X`` is not given (ignored if it is). Default: ``k``.
        iK (Tensor, optional): a preconditioner, of size ``(*, m, m)``.
        niter (int, optional): the most iterations to run; ``-1`` runs until convergence.
            Default: 1000.
        tol (float, optional): the relative residual under which a pair counts as converged.
            Default: the square root of the dtype's machine epsilon.
        largest (bool, optional): the largest eigenvalues when ``True``, the smallest otherwise.
            Default: ``True``.
        method (str, optional): ``"ortho"`` or ``"basic"``. Default: ``"ortho"``.
        tracker (callable, optional): called with the :class:`LOBPCG` state after every step; setting
            ``state.bvars["force_stop"] = True`` ends the iterations.
        ortho_iparams, ortho_fparams, ortho_bparams (dict, optional): settings for ``"ortho"``:
            ``ortho_i_max``/``ortho_j_max`` (outer and inner orthogonalisation rounds, 3 each),
            ``ortho_tol``/``ortho_tol_drop``/``ortho_tol_replace`` (default ``tol``) and
            ``ortho_use_drop`` (drop nearly dependent directions; default ``False``).

    Returns:
        ``(E, X)``: the eigenvalues, ``(*, k)``, and the eigenvectors as columns, ``(*, m, k)``.

    Example::

        >>> A = ember.diag(ember.arange(1., 10.))
        >>> E, X = ember.lobpcg(A, k=2, X=ember.eye(9, 3) + 0.1)
        >>> E
        tensor([9.0000, 8.0000])
        >>> X.abs().argmax(dim=0)
        tensor([8, 7])
    """
    args = (k, B, X, n, iK, niter, tol, largest, method, tracker, ortho_iparams, ortho_fparams, ortho_bparams)
    if A.requires_grad or (B is not None and B.requires_grad):
        A_sym = (A + A.mT) / 2
        B_sym = None if B is None else (B + B.mT) / 2
        return LOBPCGAutogradFunction.apply(A_sym, k, B_sym, *args[2:])
    return _solve(A, *args)
