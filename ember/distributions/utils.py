"""Helpers shared by the distributions: broadcasting parameters, probabilities <-> logits,
cached properties."""
from functools import update_wrapper
from numbers import Number

import ember
import ember.nn.functional as F

__all__ = ['broadcast_all', 'logits_to_probs', 'probs_to_logits', 'clamp_probs', 'lazy_property',
           'tril_matrix_to_vec', 'vec_to_tril_matrix']

euler_constant = 0.57721566490153286060


def broadcast_all(*values):
    """Broadcast numbers and tensors to one shape; numbers become tensors of the default dtype
    (or of the tensors' dtype when some argument is a tensor)."""
    if not all(isinstance(v, (ember.Tensor, Number)) for v in values):
        raise ValueError('Input arguments must all be instances of Number, '
                         'ember.Tensor or objects implementing __torch_function__.')
    if not all(isinstance(v, ember.Tensor) for v in values):
        options = dict(dtype=ember.get_default_dtype())
        for v in values:
            if isinstance(v, ember.Tensor):
                options = dict(dtype=v.dtype, device=v.device)
                break
        values = [v if isinstance(v, ember.Tensor) else ember.tensor(v, **options) for v in values]
    return ember.broadcast_tensors(*values)


def _standard_normal(shape, dtype, device):
    return ember.empty(shape, dtype=dtype, device=device).normal_()


def _sample_log1p(x):
    """``log1p`` of values drawn for a sample, as PyTorch's CPU kernel computes it (SLEEF's vector
    function: its last bit differs from the correctly rounded ``ember.log1p`` for about 1 % of
    inputs), so that samplers built on it give PyTorch's numbers.  ``x`` carries no gradient."""
    if x.device.type == 'cpu' and x.dtype in (ember.float32, ember.float64):
        from ember._random.sleef_log1p import log1p32, log1p64
        fn = log1p32 if x.dtype == ember.float32 else log1p64
        return ember.from_numpy(fn(x.detach().numpy()))
    return ember.log1p(x)


def _sum_rightmost(value, dim):
    """Sum out the ``dim`` rightmost dimensions."""
    if dim == 0:
        return value
    return value.reshape(value.shape[:-dim] + (-1,)).sum(-1)


def logits_to_probs(logits, is_binary=False):
    """Probabilities from logits: sigmoid for binary, softmax over the last dimension otherwise."""
    if is_binary:
        return ember.sigmoid(logits)
    return F.softmax(logits, dim=-1)


def clamp_probs(probs):
    """Keep probabilities inside (0, 1) by the dtype's machine epsilon."""
    eps = ember.finfo(probs.dtype).eps
    return probs.clamp(min=eps, max=1 - eps)


def probs_to_logits(probs, is_binary=False):
    """Logits from probabilities (log-odds for binary, log-probabilities otherwise)."""
    ps_clamped = clamp_probs(probs)
    if is_binary:
        return ember.log(ps_clamped) - ember.log1p(-ps_clamped)
    return ember.log(ps_clamped)


class lazy_property:
    """A property computed once on first access and then stored on the instance."""

    def __init__(self, wrapped):
        self.wrapped = wrapped
        update_wrapper(self, wrapped)

    def __get__(self, instance, obj_type=None):
        if instance is None:
            return _lazy_property_and_property(self.wrapped)
        with ember.enable_grad():
            value = self.wrapped(instance)
        setattr(instance, self.wrapped.__name__, value)
        return value


class _lazy_property_and_property(lazy_property, property):
    """Seen on the class, a lazy_property also looks like a property (for introspection)."""

    def __init__(self, wrapped):
        property.__init__(self, wrapped)


def tril_matrix_to_vec(mat, diag=0):
    """The lower triangle (from diagonal ``diag``) of the last two dimensions, row by row."""
    n = mat.shape[-1]
    if diag < -n or diag >= n:
        raise ValueError(f'diag ({diag}) provided is outside [{-n}, {n - 1}].')
    rows, cols = ember.tril_indices(n, n, offset=diag)
    return mat[..., rows, cols]


def vec_to_tril_matrix(vec, diag=0):
    """Inverse of :func:`tril_matrix_to_vec`."""
    import math
    n = (-(1 + 2 * diag) + ((1 + 2 * diag) ** 2 + 8 * vec.shape[-1] + 4 * abs(diag) * (diag + 1)) ** 0.5) / 2
    eps = ember.finfo(vec.dtype).eps
    if not math.isclose(n, round(n), rel_tol=eps):
        raise ValueError(f'The size of last dimension is {vec.shape[-1]} which cannot be expressed as '
                         'the lower triangular part of a square D x D matrix.')
    n = round(n)
    mat = vec.new_zeros(vec.shape[:-1] + (n, n))
    rows, cols = ember.tril_indices(n, n, offset=diag)
    mat[..., rows, cols] = vec
    return mat


def _expand_probs_or_logits(dist, new, shape):
    """Give ``new`` the ``probs``/``logits`` that ``dist`` holds, expanded to ``shape`` (both when
    both have been computed; ``_param`` follows the one given at construction, logits last)."""
    for name in ('probs', 'logits'):
        if name in dist.__dict__:
            setattr(new, name, dist.__dict__[name].expand(shape))
            new._param = new.__dict__[name]
