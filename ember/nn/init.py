"""nn.init: in-place initialisers for parameters, with PyTorch's names, fan rules and gains.

Every function fills its tensor under ``no_grad`` and returns it; all accept ``generator=``.

>>> w = ember.empty(512, 784)
>>> _ = kaiming_uniform_(w, a=math.sqrt(5))   # what nn.Linear does
"""
import math
import warnings

import numpy as np

from ember import backend
from ember.autograd.grad_mode import no_grad

__all__ = ['calculate_gain', 'uniform_', 'normal_', 'trunc_normal_', 'constant_', 'ones_', 'zeros_', 'eye_',
           'dirac_', 'xavier_uniform_', 'xavier_normal_', 'kaiming_uniform_', 'kaiming_normal_', 'orthogonal_',
           'sparse_', 'uniform', 'normal', 'constant', 'eye', 'dirac', 'xavier_uniform', 'xavier_normal',
           'kaiming_uniform', 'kaiming_normal', 'orthogonal', 'sparse']

_LINEAR_FNS = ('linear', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d')


def calculate_gain(nonlinearity, param=None):
    """The recommended gain for a nonlinearity (used by the xavier/kaiming initialisers).

    >>> calculate_gain('tanh')
    1.6666666666666667
    """
    if nonlinearity in _LINEAR_FNS or nonlinearity == 'sigmoid':
        return 1
    if nonlinearity == 'tanh':
        return 5.0 / 3
    if nonlinearity == 'relu':
        return math.sqrt(2.0)
    if nonlinearity == 'leaky_relu':
        if param is None:
            negative_slope = 0.01
        elif not isinstance(param, bool) and isinstance(param, (int, float)):
            negative_slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + negative_slope ** 2))
    if nonlinearity == 'selu':
        return 3.0 / 4   # keeps the variance of self-normalising networks (PyTorch's choice)
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _calculate_fan_in_and_fan_out(tensor):
    if tensor.ndim < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions")
    receptive_field = 1
    for s in tensor.shape[2:]:
        receptive_field *= s
    return tensor.shape[1] * receptive_field, tensor.shape[0] * receptive_field


def _calculate_correct_fan(tensor, mode):
    mode = mode.lower()
    valid = ['fan_in', 'fan_out']
    if mode not in valid:
        raise ValueError(f"Mode {mode} not supported, please use one of {valid}")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == 'fan_in' else fan_out


def uniform_(tensor, a=0.0, b=1.0, generator=None):
    """Fills ``tensor`` in place with values drawn from the uniform distribution on ``[a, b)``, and returns it.
    After the same seed the values are PyTorch's.

    Args:
        tensor (Tensor): an n-dimensional tensor.
        a (float): the lower bound of the uniform distribution. Default: ``0.0``.
        b (float): the upper bound of the uniform distribution. Default: ``1.0``.
        generator (:class:`ember.Generator`, optional): the generator to sample from. Default: ``None``.

    Example::

        >>> _ = ember.manual_seed(0)
        >>> w = ember.empty(2, 3)
        >>> nn.init.uniform_(w, -0.1, 0.1)
        tensor([[-0.0007,  0.0536, -0.0823],
                [-0.0736, -0.0385,  0.0268]])
    """
    with no_grad():
        return tensor.uniform_(a, b, generator=generator)


def normal_(tensor, mean=0.0, std=1.0, generator=None):
    """Fills ``tensor`` in place with values drawn from the normal distribution with mean ``mean`` and standard
    deviation ``std``, and returns it.

    Args:
        tensor (Tensor): an n-dimensional tensor.
        mean (float): the mean of the normal distribution. Default: ``0.0``.
        std (float): the standard deviation of the normal distribution. Default: ``1.0``.
        generator (:class:`ember.Generator`, optional): the generator to sample from. Default: ``None``.

    Example::

        >>> _ = ember.manual_seed(0)
        >>> nn.init.normal_(ember.empty(2, 3), std=0.02)
        tensor([[ 0.0308, -0.0059, -0.0436],
                [ 0.0114, -0.0217, -0.0280]])
    """
    with no_grad():
        return tensor.normal_(mean, std, generator=generator)


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
    """Normal(mean, std) values restricted to [a, b], by rejection as PyTorch draws them: when
    [a, b] holds more than 30 % of the mass, redraw the whole tensor's normals and keep the ones
    that replace rejected values; otherwise propose uniforms on [a, b] and accept each with
    the normal density relative to its peak.

    Example::

        >>> _ = ember.manual_seed(0)
        >>> nn.init.trunc_normal_(ember.empty(2, 3), std=0.02, a=-0.04, b=0.04)
        tensor([[ 0.0308, -0.0059, -0.0144],
                [ 0.0114, -0.0217, -0.0280]])
    """
    def cdf(x):
        return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0

    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The distribution of values may "
                      "be incorrect.", stacklevel=2)
    from ember.ops.creation import empty_like
    from ember.ops.index import where
    with no_grad():
        if cdf((b - mean) / std) - cdf((a - mean) / std) > 0.3:
            # the bounds as the tensor's dtype, so rejection agrees with the stored values
            lo, hi = (float(np.asarray(v, tensor._data.dtype)) for v in (a, b))
            result = tensor.normal_(mean, std, generator=generator)
            while True:
                rejected = (result < lo) | (result > hi)
                if not rejected.any():
                    break
                result = where(rejected, empty_like(result).normal_(mean, std, generator=generator), result)
            if result is not tensor:
                tensor.copy_(result)
            return tensor
        mode = max(a, min(mean, b))
        log_peak = -0.5 * ((mode - mean) / std) ** 2

        def log_density(x):
            return x.sub_(mean).div_(std).pow_(2).mul_(-0.5).sub_(log_peak)

        accept_buf = empty_like(tensor)
        tensor.uniform_(a, b, generator=generator)
        candidates = log_density(tensor.clone())
        pending = accept_buf.uniform_(generator=generator).log_().gt(candidates)
        result = tensor
        while pending.any():
            candidates = empty_like(tensor).uniform_(a, b, generator=generator)
            result = where(pending, candidates, result)
            log_density(candidates)
            pending = where(pending, accept_buf.uniform_(generator=generator).log_().gt(candidates), pending)
        if result is not tensor:
            tensor.copy_(result)
        return tensor


def constant_(tensor, val):
    """Fills ``tensor`` in place with the value ``val``, and returns it.

    Args:
        tensor (Tensor): an n-dimensional tensor.
        val (float): the value to fill the tensor with.

    Example::

        >>> nn.init.constant_(ember.empty(2, 3), 0.3)
        tensor([[0.3000, 0.3000, 0.3000],
                [0.3000, 0.3000, 0.3000]])
    """
    with no_grad():
        try:
            return tensor.fill_(val)
        except (TypeError, ValueError):     # a value fill_ does not take: fill_'s own error, as in PyTorch
            from ember.ops import _argparse
            error = _argparse.explain('Tensor', 'fill_', (val,), {})
            if error is None:
                raise
            raise error from None


def ones_(tensor):
    """Fills ``tensor`` in place with the scalar value ``1``, and returns it.

    Args:
        tensor (Tensor): an n-dimensional tensor.

    Example::

        >>> nn.init.ones_(ember.empty(2, 3))
        tensor([[1., 1., 1.],
                [1., 1., 1.]])
    """
    return constant_(tensor, 1.0)


def zeros_(tensor):
    """Fills ``tensor`` in place with the scalar value ``0``, and returns it.

    Args:
        tensor (Tensor): an n-dimensional tensor.

    Example::

        >>> nn.init.zeros_(ember.empty(2, 3))
        tensor([[0., 0., 0.],
                [0., 0., 0.]])
    """
    with no_grad():
        return tensor.zero_()


def _write(tensor, array):
    """Replace the tensor's values with a host array (one version bump, no graph)."""
    with no_grad():
        from ember.ops.inplace import check_inplace
        check_inplace(tensor)
        if tensor._device.type == 'meta':   # a 'meta' tensor has no values to write
            return tensor
        values = array.astype(tensor._data.dtype)
        if backend.is_device_array(tensor._data):
            backend.write_into(tensor._data, values, tensor._device)
        else:
            tensor._data[...] = values
        tensor._version_counter.value += 1
    return tensor


def eye_(tensor):
    """The identity matrix (ones on the diagonal of a 2-D tensor).

    Example::

        >>> nn.init.eye_(ember.empty(2, 3))
        tensor([[1., 0., 0.],
                [0., 1., 0.]])
    """
    if tensor.ndim != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    return _write(tensor, np.eye(*tensor.shape))


def dirac_(tensor, groups=1):
    """The Dirac delta for convolution weights: a conv with it copies its input channels.

    Example::

        >>> w = nn.init.dirac_(ember.empty(2, 2, 3))
        >>> w[0]
        tensor([[0., 1., 0.],
                [0., 0., 0.]])
        >>> F.conv1d(ember.tensor([[[1., 2., 3.], [4., 5., 6.]]]), w, padding=1)
        tensor([[[1., 2., 3.],
                 [4., 5., 6.]]])
    """
    ndim = tensor.ndim
    if ndim not in (3, 4, 5):
        raise ValueError("Only tensors with 3, 4, or 5 dimensions are supported")
    shape = tuple(tensor.shape)
    if shape[0] % groups != 0:
        raise ValueError("dim 0 must be divisible by groups")
    out_per_group = shape[0] // groups
    min_dim = min(out_per_group, shape[1])
    arr = np.zeros(shape)
    g, d = np.meshgrid(np.arange(groups), np.arange(min_dim), indexing='ij')
    centre = tuple(np.full(g.size, s // 2) for s in shape[2:])
    arr[(g.ravel() * out_per_group + d.ravel(), d.ravel()) + centre] = 1
    return _write(tensor, arr)


def xavier_uniform_(tensor, gain=1.0, generator=None):
    """Fills ``tensor`` in place with Xavier/Glorot uniform values (from "Understanding the difficulty of training
    deep feedforward neural networks"): ``U(-a, a)`` with ``a = gain * sqrt(6 / (fan_in + fan_out))``.

    Args:
        tensor (Tensor): an n-dimensional tensor (at least 2 dimensions).
        gain (float): an optional scaling factor. Default: ``1.0``.
        generator (:class:`ember.Generator`, optional): the generator to sample from. Default: ``None``.

    Example::

        >>> _ = ember.manual_seed(0)
        >>> nn.init.xavier_uniform_(ember.empty(2, 3), gain=nn.init.calculate_gain('relu'))
        tensor([[-0.0116,  0.8311, -1.2751],
                [-1.1401, -0.5967,  0.4154]])
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    a = math.sqrt(3.0) * std
    return uniform_(tensor, -a, a, generator)


def xavier_normal_(tensor, gain=1.0, generator=None):
    """Fills ``tensor`` in place with Xavier/Glorot normal values: ``N(0, std**2)`` with ``std = gain * sqrt(2 /
    (fan_in + fan_out))``.

    Args:
        tensor (Tensor): an n-dimensional tensor (at least 2 dimensions).
        gain (float): an optional scaling factor. Default: ``1.0``.
        generator (:class:`ember.Generator`, optional): the generator to sample from. Default: ``None``.

    Example::

        >>> _ = ember.manual_seed(0)
        >>> nn.init.xavier_normal_(ember.empty(2, 3))
        tensor([[ 0.9746, -0.1856, -1.3780],
                [ 0.3595, -0.6859, -0.8845]])
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(tensor, 0.0, std, generator)


def kaiming_uniform_(tensor, a=0, mode='fan_in', nonlinearity='leaky_relu', generator=None):
    """U(-bound, bound) with bound = gain * sqrt(3 / fan) (He et al., 2015).

    Example::

        >>> _ = ember.manual_seed(0)
        >>> nn.init.kaiming_uniform_(ember.empty(2, 3), mode='fan_in', nonlinearity='relu')
        tensor([[-0.0106,  0.7586, -1.1640],
                [-1.0408, -0.5447,  0.3792]])
    """
    if 0 in tuple(tensor.shape):
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    fan = _calculate_correct_fan(tensor, mode)
    std = calculate_gain(nonlinearity, a) / math.sqrt(fan)
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor, a=0, mode='fan_in', nonlinearity='leaky_relu', generator=None):
    """Fills ``tensor`` in place with Kaiming/He normal values (from "Delving deep into rectifiers"): ``N(0,
    std**2)`` with ``std = gain / sqrt(fan_mode)``.

    Args:
        tensor (Tensor): an n-dimensional tensor (at least 2 dimensions).
        a (float): the negative slope of the rectifier used after this layer (only with ``'leaky_relu'``).
            Default: ``0``.
        mode (str): ``'fan_in'`` (default) keeps the variance of the forward pass; ``'fan_out'`` that of the
            backward pass.
        nonlinearity (str): the non-linear function (``nn.functional`` name), ``'relu'`` or ``'leaky_relu'``
            recommended. Default: ``'leaky_relu'``.
        generator (:class:`ember.Generator`, optional): the generator to sample from. Default: ``None``.

    Example::

        >>> _ = ember.manual_seed(0)
        >>> nn.init.kaiming_normal_(ember.empty(2, 3), mode='fan_out', nonlinearity='relu')
        tensor([[ 1.5410, -0.2934, -2.1788],
                [ 0.5684, -1.0845, -1.3986]])
    """
    if 0 in tuple(tensor.shape):
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    fan = _calculate_correct_fan(tensor, mode)
    std = calculate_gain(nonlinearity, a) / math.sqrt(fan)
    return normal_(tensor, 0.0, std, generator)


def orthogonal_(tensor, gain=1, generator=None):
    """A (semi-)orthogonal matrix from the QR decomposition of a Gaussian one, signs fixed so the
    result is uniformly distributed.

    Example::

        >>> _ = ember.manual_seed(0)
        >>> w = nn.init.orthogonal_(ember.empty(2, 3))
        >>> w
        tensor([[ 0.5740, -0.1093, -0.8115],
                [-0.3454, -0.9309, -0.1189]])
        >>> ember.allclose(w @ w.T, ember.eye(2), atol=1e-6)
        True
    """
    if tensor.ndim < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0:
        return tensor
    from ember.ops.random import normal
    rows = tensor.shape[0]
    cols = tensor.numel() // rows
    flat = normal(0.0, 1.0, (rows, cols), generator=generator, dtype=tensor.dtype, device='cpu').numpy()
    if rows < cols:
        flat = flat.T
    q, r = np.linalg.qr(flat)
    q = q * np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    return _write(tensor, (q * gain).reshape(tuple(tensor.shape)))


def sparse_(tensor, sparsity, std=0.01, generator=None):
    """Normal(0, std) values with a ``sparsity`` fraction of each column set to zero.

    Example::

        >>> _ = ember.manual_seed(0)
        >>> nn.init.sparse_(ember.empty(3, 2), sparsity=0.5, std=0.1)
        tensor([[ 0.0000,  0.0000],
                [-0.2179,  0.0000],
                [ 0.0000, -0.1399]])
    """
    if tensor.ndim != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    from ember.ops.random import randperm
    rows, cols = tensor.shape
    num_zeros = int(math.ceil(sparsity * rows))
    normal_(tensor, 0.0, std, generator)
    arr = backend.to_numpy(tensor._data).copy()   # a parameter (requires grad) or a CUDA tensor too
    # NOTE: PyTorch draws each column's rows to zero with randperm on the default generator
    # (not ``generator``); doing the same keeps seeded runs identical
    for col in range(cols):
        arr[randperm(rows).numpy()[:num_zeros], col] = 0
    return _write(tensor, arr)


# what the deprecated aliases' examples pass besides a tensor (the shape dirac_ needs)
_DEPRECATED_EXAMPLE_ARGS = {'constant': ', 0.5', 'sparse': ', 0.5'}
_DEPRECATED_EXAMPLE_SHAPES = {'dirac': '2, 2, 3'}


def _deprecated(fn):
    name = fn.__name__[:-1]

    def deprecated_init(*args, **kwargs):
        warnings.warn(f"`nn.init.{name}` is now deprecated in favor of `nn.init.{fn.__name__}`.", FutureWarning,
                      stacklevel=2)
        return fn(*args, **kwargs)
    deprecated_init.__name__ = name
    extra = _DEPRECATED_EXAMPLE_ARGS.get(name, '')
    deprecated_init.__doc__ = f"""Deprecated alias of :func:`{fn.__name__}` (warns): call ``{fn.__name__}`` instead.

    Example::

        >>> import warnings
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter('always')
        ...     w = nn.init.{name}(ember.empty({_DEPRECATED_EXAMPLE_SHAPES.get(name, '3, 3')}){extra})
        >>> print(caught[0].message)
        `nn.init.{name}` is now deprecated in favor of `nn.init.{fn.__name__}`.
    """
    return deprecated_init


uniform = _deprecated(uniform_)
normal = _deprecated(normal_)
constant = _deprecated(constant_)
eye = _deprecated(eye_)
dirac = _deprecated(dirac_)
xavier_uniform = _deprecated(xavier_uniform_)
xavier_normal = _deprecated(xavier_normal_)
kaiming_uniform = _deprecated(kaiming_uniform_)
kaiming_normal = _deprecated(kaiming_normal_)
orthogonal = _deprecated(orthogonal_)
sparse = _deprecated(sparse_)
