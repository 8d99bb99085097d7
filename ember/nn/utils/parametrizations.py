"""Built-in parametrizations: ``orthogonal``, ``weight_norm`` and ``spectral_norm`` (see ``parametrize``).

>>> m = weight_norm(ember.nn.Linear(20, 40))
>>> m.parametrizations.weight.original0.shape, m.parametrizations.weight.original1.shape
(ember.Size([40, 1]), ember.Size([40, 20]))
"""
from enum import Enum, auto

import ember
from ember._tensor import Tensor
from ember.autograd import grad_mode
from ember.nn import functional as F
from ember.nn.modules.conv import ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
from ember.nn.modules.module import Module
from ember.nn.utils import parametrize
from ember.ops.weight_norm import _weight_norm, norm_except_dim

__all__ = ['orthogonal', 'weight_norm', 'spectral_norm']


class _WeightNorm(Module):
    def __init__(self, dim=0):
        super().__init__()
        self.dim = -1 if dim is None else dim

    def forward(self, weight_g, weight_v):
        return _weight_norm(weight_v, weight_g, self.dim)

    def right_inverse(self, weight):
        return norm_except_dim(weight, 2, self.dim), weight


def weight_norm(module, name='weight', dim=0):
    """Write ``module.<name>`` as ``g * v / ||v||``: magnitude ``original0`` and direction ``original1``.

    The norm is per slice along ``dim`` (per output channel by default; ``dim=None``: the whole
    tensor). State dicts saved with the older ``nn.utils.weight_norm`` (``weight_g``/``weight_v``)
    load into it.

    Example::

        >>> layer = nn.utils.parametrizations.weight_norm(nn.Linear(3, 2))
        >>> sorted(name for name, _ in layer.named_parameters())
        ['bias', 'parametrizations.weight.original0', 'parametrizations.weight.original1']
        >>> layer.parametrizations.weight.original0.shape
        ember.Size([2, 1])
    """
    parametrize.register_parametrization(module, name, _WeightNorm(dim), unsafe=True)

    def _weight_norm_compat_hook(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                                 error_msgs):
        g_key, v_key = f'{prefix}{name}_g', f'{prefix}{name}_v'
        if g_key in state_dict and v_key in state_dict:
            state_dict[f'{prefix}parametrizations.{name}.original0'] = state_dict.pop(g_key)
            state_dict[f'{prefix}parametrizations.{name}.original1'] = state_dict.pop(v_key)

    module._register_load_state_dict_pre_hook(_weight_norm_compat_hook)
    return module


def _vdot(u, w):
    return (u.conj() * w).sum() if u.is_complex() else (u * w).sum()


class _SpectralNorm(Module):
    def __init__(self, weight, n_power_iterations=1, dim=0, eps=1e-12):
        super().__init__()
        ndim = weight.ndim
        if dim >= ndim or dim < -ndim:
            raise IndexError(f'Dimension out of range (expected to be in range of [-{ndim}, {ndim - 1}] but got {dim})')
        if n_power_iterations <= 0:
            raise ValueError(f'Expected n_power_iterations to be positive, but got '
                             f'n_power_iterations={n_power_iterations}')
        self.dim = dim if dim >= 0 else dim + ndim
        self.eps = eps
        if ndim > 1:
            self.n_power_iterations = n_power_iterations
            weight_mat = self._reshape_weight_to_matrix(weight)
            h, w = weight_mat.shape
            u = weight_mat.new_empty(h).normal_(0, 1)
            v = weight_mat.new_empty(w).normal_(0, 1)
            self.register_buffer('_u', F.normalize(u, dim=0, eps=self.eps))
            self.register_buffer('_v', F.normalize(v, dim=0, eps=self.eps))
            # start from good singular-vector estimates rather than random ones
            self._power_method(weight_mat, 15)

    def _reshape_weight_to_matrix(self, weight):
        if self.dim != 0:
            weight = weight.permute(self.dim, *(d for d in range(weight.dim()) if d != self.dim))
        return weight.flatten(1)

    def _power_method(self, weight_mat, n_power_iterations):
        with grad_mode.no_grad():
            for _ in range(n_power_iterations):
                self._u = F.normalize(weight_mat.mv(self._v), dim=0, eps=self.eps, out=self._u)
                self._v = F.normalize(weight_mat.mH.mv(self._u), dim=0, eps=self.eps, out=self._v)

    def forward(self, weight):
        if weight.ndim == 1:
            return F.normalize(weight, dim=0, eps=self.eps)
        weight_mat = self._reshape_weight_to_matrix(weight)
        if self.training:
            self._power_method(weight_mat, self.n_power_iterations)
        u, v = self._u.clone(), self._v.clone()
        return weight / _vdot(u, weight_mat.mv(v))

    def right_inverse(self, value):
        return value


def spectral_norm(module, name='weight', n_power_iterations=1, eps=1e-12, dim=None):
    """Divide ``module.<name>`` by its largest singular value, estimated by power iteration.

    In training mode each access runs ``n_power_iterations`` more iterations; ``dim`` is the
    output dimension (1 for transposed convolutions, else 0).

    Example::

        >>> _ = ember.manual_seed(0)
        >>> layer = nn.utils.parametrizations.spectral_norm(nn.Linear(4, 3))
        >>> for _ in range(20):
        ...     _ = layer(ember.randn(1, 4))
        >>> round(ember.linalg.matrix_norm(layer.weight, 2).item(), 3)
        1.0
    """
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if dim is None:
        dim = 1 if isinstance(module, (ConvTranspose1d, ConvTranspose2d, ConvTranspose3d)) else 0
    parametrize.register_parametrization(module, name, _SpectralNorm(weight, n_power_iterations, dim, eps))
    return module


class _OrthMaps(Enum):
    matrix_exp = auto()
    cayley = auto()
    householder = auto()


def _is_orthogonal(Q):
    # tolerance grows with the matrix size: rounding accumulates over n products
    k = Q.size(-1)
    eye = ember.eye(k, dtype=Q.dtype, device=Q.device)
    return ember.allclose(Q.mH @ Q, eye, atol=10.0 * Q.size(-2) * ember.finfo(Q.dtype).eps)


def _make_orthogonal(A):
    """The Q of A = QR (A tall) with the signs fixed so that diag(R) is real and non-negative."""
    reflectors, tau = ember.geqrf(A)
    Q = ember.linalg.householder_product(reflectors, tau)
    # geqrf stores R's diagonal on the reflectors' diagonal; flipping Q's columns by its signs
    # makes the factorisation unique
    return Q * reflectors.diagonal(dim1=-2, dim2=-1).sgn().unsqueeze(-2)


class _Orthogonal(Module):
    def __init__(self, weight, orthogonal_map, *, use_trivialization=True):
        super().__init__()
        # unitary matrices need n^2 real parameters; complex Householder reflectors without their
        # tau carry fewer, so they cannot cover the group
        if weight.is_complex() and orthogonal_map == _OrthMaps.householder:
            raise ValueError('The householder parametrization does not support complex tensors.')
        self.shape = weight.shape
        self.orthogonal_map = orthogonal_map
        if use_trivialization:
            self.register_buffer('base', None)

    def forward(self, X):
        wide = X.size(-2) < X.size(-1)
        if wide:
            X = X.mT
        n, k = X.size(-2), X.size(-1)
        if self.orthogonal_map == _OrthMaps.householder:
            reflectors = X.tril(diagonal=-1)
            tau = 2.0 / (1.0 + (reflectors * reflectors).sum(dim=-2))
            Q = ember.linalg.householder_product(reflectors, tau)
            # X's diagonal holds fixed signs (+-1); it is not trained, hence the integer cast
            Q = Q * X.diagonal(dim1=-2, dim2=-1).int().unsqueeze(-2)
        else:
            # the lower triangle (padded to n x n) defines a skew-symmetric/skew-Hermitian A
            L = X.tril()
            if n != k:
                L = ember.cat([L, L.new_zeros(n, n - k).expand(*L.shape[:-2], -1, -1)], dim=-1)
            A = L - L.mH
            if self.orthogonal_map == _OrthMaps.matrix_exp:
                Q = ember.matrix_exp(A)
            else:
                # Cayley transform (I + A/2)(I - A/2)^-1
                eye = ember.eye(n, dtype=A.dtype, device=A.device)
                Q = ember.linalg.solve(ember.add(eye, A, alpha=-0.5), ember.add(eye, A, alpha=0.5))
            Q = Q[..., :k]
        if hasattr(self, 'base'):
            Q = self.base @ Q
        return Q.mT if wide else Q

    def right_inverse(self, Q):
        with grad_mode.no_grad():
            return self._right_inverse(Q)

    def _right_inverse(self, Q):
        if Q.shape != self.shape:
            raise ValueError(f'Expected a matrix or batch of matrices of shape {self.shape}. '
                             f'Got a tensor of shape {Q.shape}.')
        target = Q
        wide = Q.size(-2) < Q.size(-1)
        if wide:
            Q = Q.mT
        n, k = Q.size(-2), Q.size(-1)
        if not hasattr(self, 'base'):
            if self.orthogonal_map != _OrthMaps.householder:
                # no closed form gives the tril X whose exp/Cayley image is a given Q
                raise NotImplementedError('It is not possible to assign to the matrix exponential or the Cayley '
                                          'parametrizations when use_trivialization=False.')
            # QR's reflectors are the Householder parameters; the diagonal stores R's signs, so that
            # forward reproduces Q rather than Q with flipped columns
            reflectors, tau = ember.geqrf(Q)
            diag = reflectors.diagonal(dim1=-2, dim2=-1)
            diag.sign_()
            # LAPACK skips a reflection (tau == 0) exactly; the stored sign must then be inverted
            diag[tau == 0.0] *= -1
            return reflectors.mT if wide else reflectors
        if n == k:
            Q = Q.clone() if _is_orthogonal(Q) else _make_orthogonal(Q)
        else:
            # complete the k columns to a full n x n orthogonal basis with random directions
            extra = ember.randn(*(Q.size()[:-2] + (n, n - k)), dtype=Q.dtype, device=Q.device)
            Q = _make_orthogonal(ember.cat([Q, extra], dim=-1))
        self.base = Q
        # the original becomes -I: householder(-I) and exp/Cayley of 0 are the identity (times base)
        neg_eye = ember.zeros_like(target)
        neg_eye.diagonal(dim1=-2, dim2=-1).fill_(-1.0)
        return neg_eye


def orthogonal(module, name='weight', orthogonal_map=None, *, use_trivialization=True):
    r"""Make ``module.<name>`` an orthogonal (unitary, if complex) matrix or batch of matrices.

    An ``m x n`` result has orthonormal columns when ``m >= n`` and orthonormal rows otherwise;
    tensors with more than two dimensions are batches of ``(..., m, n)`` matrices.

    Args:
        module (nn.Module): the module holding the tensor.
        name (str, optional): the parameter or buffer to constrain. Default: ``"weight"``.
        orthogonal_map (str, optional): ``"matrix_exp"`` (the exponential of a skew-symmetric
            matrix), ``"cayley"`` (the Cayley transform ``(I + A/2)(I - A/2)^{-1}`` of one) or
            ``"householder"`` (a product of Householder reflectors; real tensors only).
            Default: ``"matrix_exp"`` for square or complex matrices, ``"householder"`` otherwise.
        use_trivialization (bool, optional): keep an extra orthogonal ``base`` matrix
            (``module.parametrizations.<name>[0].base``) that the map is applied relative to
            (dynamic trivialization); it speeds up convergence at the cost of memory.
            Default: ``True``.

    With ``use_trivialization=True`` (and with ``"householder"`` in any case), registering keeps
    the tensor's value if it is already orthogonal and otherwise replaces it by the Q of its QR
    decomposition. Without trivialization, ``"matrix_exp"``/``"cayley"`` start from the map
    applied to the current tensor, and assigning to ``module.<name>`` raises.

    Returns:
        The module, with the parametrization registered.

    Example:
        >>> m = orthogonal(nn.Linear(5, 3))
        >>> Q = m.weight
        >>> Q.shape
        ember.Size([3, 5])
        >>> ember.allclose(Q @ Q.T, ember.eye(3), atol=1e-5)
        True
    """
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if weight.ndim < 2:
        raise ValueError(f'Expected a matrix or batch of matrices. Got a tensor of {weight.ndim} dimensions.')
    if orthogonal_map is None:
        square = weight.size(-2) == weight.size(-1)
        orthogonal_map = 'matrix_exp' if square or weight.is_complex() else 'householder'
    orth_map = _OrthMaps.__members__.get(orthogonal_map) if isinstance(orthogonal_map, str) else None
    if orth_map is None:
        raise ValueError('orthogonal_map has to be one of "matrix_exp", "cayley", "householder". '
                         f'Got: {orthogonal_map}')
    parametrize.register_parametrization(
        module, name, _Orthogonal(weight, orth_map, use_trivialization=use_trivialization), unsafe=True)
    return module
