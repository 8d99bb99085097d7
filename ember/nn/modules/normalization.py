"""Normalization layers: BatchNorm1d/2d/3d, InstanceNorm1d/2d/3d, LayerNorm, GroupNorm,
LocalResponseNorm.  The math is in ember/ops/norm.py; these hold the affine parameters and the
running statistics (buffers ``running_mean``, ``running_var``, ``num_batches_tracked``).
"""
import numbers
import warnings

from ember._dtype import int64
from ember.nn import functional as F
from ember.nn import init
from ember.nn.modules.module import Module
from ember.nn.parameter import Parameter
from ember.ops.creation import empty, ones, tensor, zeros

__all__ = ['BatchNorm1d', 'BatchNorm2d', 'BatchNorm3d', 'InstanceNorm1d', 'InstanceNorm2d', 'InstanceNorm3d',
           'LayerNorm', 'GroupNorm', 'LocalResponseNorm', 'CrossMapLRN2d']


class _NormBase(Module):
    """Affine parameters and running statistics shared by batch and instance norm."""
    _version = 2
    __constants__ = ['track_running_stats', 'momentum', 'eps', 'num_features', 'affine']

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, device=None,
                 dtype=None, bias=True):
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        if affine:
            self.weight = Parameter(empty(num_features, device=device, dtype=dtype))
            if bias:
                self.bias = Parameter(empty(num_features, device=device, dtype=dtype))
            else:
                self.register_parameter('bias', None)
        else:
            self.register_parameter('weight', None)
            self.register_parameter('bias', None)
        if track_running_stats:
            self.register_buffer('running_mean', zeros(num_features, device=device, dtype=dtype))
            self.register_buffer('running_var', ones(num_features, device=device, dtype=dtype))
            self.register_buffer('num_batches_tracked', tensor(0, dtype=int64, device=device))
        else:
            self.register_buffer('running_mean', None)
            self.register_buffer('running_var', None)
            self.register_buffer('num_batches_tracked', None)
        self.reset_parameters()

    def reset_running_stats(self):
        if self.track_running_stats:
            self.running_mean.zero_()
            self.running_var.fill_(1)
            self.num_batches_tracked.zero_()

    def reset_parameters(self):
        self.reset_running_stats()
        if self.affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def _check_input_dim(self, input):
        raise NotImplementedError

    def extra_repr(self):
        return (f'{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, '
                f'bias={self.bias is not None}, track_running_stats={self.track_running_stats}')

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        version = local_metadata.get('version', None)
        if (version is None or version < 2) and self.track_running_stats:
            # checkpoints before version 2 had no num_batches_tracked: it starts at 0
            key = prefix + 'num_batches_tracked'
            if key not in state_dict:
                state_dict[key] = self.num_batches_tracked if self.num_batches_tracked is not None \
                    else tensor(0, dtype=int64)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                                      error_msgs)


class _BatchNorm(_NormBase):
    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, device=None,
                 dtype=None, *, bias=True):
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype, bias=bias)

    def forward(self, input):
        self._check_input_dim(input)
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats and self.num_batches_tracked is not None:
            self.num_batches_tracked.add_(1)
            if self.momentum is None:   # cumulative moving average over all batches seen
                factor = 1.0 / float(self.num_batches_tracked)
        # batch statistics in training, and in eval when there are no running statistics to use
        use_batch = self.training or (self.running_mean is None and self.running_var is None)
        # running statistics are only handed over when they are to be used or updated
        hand_over = not self.training or self.track_running_stats
        return F.batch_norm(input, self.running_mean if hand_over else None, self.running_var if hand_over else None,
                            self.weight, self.bias, use_batch, factor, self.eps)


class BatchNorm1d(_BatchNorm):
    """Batch normalization over (N, C) or (N, C, L) input.

    >>> BatchNorm1d(3)
    BatchNorm1d(3, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
    """

    def _check_input_dim(self, input):
        if input.dim() != 2 and input.dim() != 3:
            raise ValueError(f"expected 2D or 3D input (got {input.dim()}D input)")


class BatchNorm2d(_BatchNorm):
    """Batch normalization over (N, C, H, W) input: per channel, over batch and space.

    Example::

        >>> bn = nn.BatchNorm2d(2)
        >>> x = ember.arange(8.).reshape(2, 2, 1, 2)
        >>> bn(x).flatten()
        tensor([-1.2127, -0.7276, -1.2127, -0.7276,  0.7276,  1.2127,  0.7276,  1.2127],
               grad_fn=<ViewBackward0>)
        >>> bn.running_mean, bn.num_batches_tracked
        (tensor([0.2500, 0.4500]), tensor(1))
    """

    def _check_input_dim(self, input):
        if input.dim() != 4:
            raise ValueError(f"expected 4D input (got {input.dim()}D input)")


class BatchNorm3d(_BatchNorm):
    """Applies Batch Normalization over a 5-D input (a mini-batch of 3-D inputs with channels), as described in
    "Batch Normalization: Accelerating Deep Network Training by Reducing Internal Covariate Shift": ``y = (x -
    mean) / sqrt(var + eps) * gamma + beta`` per channel, with running estimates used in evaluation mode.

    Args:
        num_features (int): ``C`` from an expected input of size ``(N, C, D, H, W)``.
        eps (float): a value added to the denominator for numerical stability. Default: ``1e-5``.
        momentum (float, optional): the weight of the new batch in the running estimates (``None`` for a
            cumulative average). Default: ``0.1``.
        affine (bool): whether the module has learnable affine parameters. Default: ``True``.
        track_running_stats (bool): whether the module tracks running estimates (otherwise batch statistics are
            used in both modes). Default: ``True``.

    Shape:
        - Input: ``(N, C, D, H, W)``.
        - Output: ``(N, C, D, H, W)``, same shape as the input.

    Example::

        >>> m = nn.BatchNorm3d(2)
        >>> x = ember.arange(16.).view(2, 2, 2, 2, 1)
        >>> m(x).flatten()[:4]
        tensor([-1.3242, -1.0835, -0.8427, -0.6019], grad_fn=<SliceBackward0>)
        >>> m.running_mean
        tensor([0.5500, 0.9500])
    """
    def _check_input_dim(self, input):
        if input.dim() != 5:
            raise ValueError(f"expected 5D input (got {input.dim()}D input)")


class _InstanceNorm(_NormBase):
    _no_batch_dim = 2

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=False, track_running_stats=False, device=None,
                 dtype=None, *, bias=True):
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype, bias=bias)

    def _check_input_dim(self, input):
        n = self._no_batch_dim
        if input.dim() not in (n, n + 1):
            raise ValueError(f"expected {n}D or {n + 1}D input (got {input.dim()}D input)")

    def _instance_norm(self, input):
        return F.instance_norm(input, self.running_mean, self.running_var, self.weight, self.bias,
                               self.training or not self.track_running_stats,
                               self.momentum if self.momentum is not None else 0.0, self.eps)

    def forward(self, input):
        self._check_input_dim(input)
        feature_dim = input.dim() - self._no_batch_dim
        if input.size(feature_dim) != self.num_features:
            if self.affine:
                raise ValueError(f"expected input's size at dim={feature_dim} to match num_features "
                                 f"({self.num_features}), but got: {input.size(feature_dim)}.")
            warnings.warn(f"input's size at dim={feature_dim} does not match num_features. You can silence this "
                          "warning by not passing in num_features, which is not used because affine=False",
                          stacklevel=2)
        if input.dim() == self._no_batch_dim:
            return self._instance_norm(input.unsqueeze(0)).squeeze(0)
        return self._instance_norm(input)


class InstanceNorm1d(_InstanceNorm):
    """Instance normalization over (N, C, L) or (C, L): each sample and channel on its own.

    Example::

        >>> nn.InstanceNorm1d(2)(ember.tensor([[[1., 2., 3.], [4., 4., 4.]]]))
        tensor([[[-1.2247,  0.0000,  1.2247],
                 [ 0.0000,  0.0000,  0.0000]]])
    """
    _no_batch_dim = 2


class InstanceNorm2d(_InstanceNorm):
    """Applies Instance Normalization over a 4-D input: each channel of each sample is normalized by its own mean
    and variance (from "Instance Normalization: The Missing Ingredient for Fast Stylization").

    Args:
        num_features (int): ``C`` from an expected input of size ``(N, C, H, W)`` or ``(C, H, W)``.
        eps (float): a value added to the denominator for numerical stability. Default: ``1e-5``.
        momentum (float, optional): the weight of the new batch in the running estimates. Default: ``0.1``.
        affine (bool): whether the module has learnable per-channel affine parameters. Default: ``False``.
        track_running_stats (bool): whether the module tracks running estimates for evaluation mode. Default:
            ``False``.

    Shape:
        - Input: ``(N, C, H, W)`` or ``(C, H, W)``.
        - Output: same shape as the input.

    Example::

        >>> m = nn.InstanceNorm2d(2)
        >>> m(ember.tensor([[[[1., 3.]], [[2., 2.]]]]))
        tensor([[[[-1.0000,  1.0000]],
        <BLANKLINE>
                 [[ 0.0000,  0.0000]]]])
    """
    _no_batch_dim = 3


class InstanceNorm3d(_InstanceNorm):
    """Applies Instance Normalization over a 5-D input: each channel of each sample is normalized by its own mean
    and variance.

    Args:
        num_features (int): ``C`` from an expected input of size ``(N, C, D, H, W)`` or ``(C, D, H, W)``.
        eps (float): a value added to the denominator for numerical stability. Default: ``1e-5``.
        momentum (float, optional): the weight of the new batch in the running estimates. Default: ``0.1``.
        affine (bool): whether the module has learnable per-channel affine parameters. Default: ``False``.
        track_running_stats (bool): whether the module tracks running estimates for evaluation mode. Default:
            ``False``.

    Shape:
        - Input: ``(N, C, D, H, W)`` or ``(C, D, H, W)``.
        - Output: same shape as the input.

    Example::

        >>> m = nn.InstanceNorm3d(1)
        >>> m(ember.tensor([[[[[1., 3.]]]]])).flatten()
        tensor([-1.0000,  1.0000])
    """
    _no_batch_dim = 4


def _affine_parameters(module, affine, bias, shape, device, dtype):
    """Register ``weight`` (and ``bias`` when asked) of ``shape``, or None for both when not affine."""
    weight = Parameter(empty(shape, device=device, dtype=dtype)) if affine else None
    module.register_parameter('weight', weight)
    module.register_parameter('bias', Parameter(empty(shape, device=device, dtype=dtype))
                              if affine and bias else None)


def _reset_affine(module):
    """PyTorch's start for a norm's affine part: weight ones, bias zeros."""
    if module.weight is not None:
        init.ones_(module.weight)
    if module.bias is not None:
        init.zeros_(module.bias)


class LayerNorm(Module):
    """Normalization over the trailing ``normalized_shape`` dims of each sample.

    >>> LayerNorm(4)
    LayerNorm((4,), eps=1e-05, elementwise_affine=True, bias=True)
    """
    __constants__ = ['normalized_shape', 'eps', 'elementwise_affine']

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True, device=None, dtype=None):
        super().__init__()
        if isinstance(normalized_shape, numbers.Integral):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        _affine_parameters(self, elementwise_affine, bias, self.normalized_shape, device, dtype)
        self.reset_parameters()

    def reset_parameters(self):
        _reset_affine(self)

    def forward(self, input):
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f'{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, '
                f'bias={self.bias is not None}')


class GroupNorm(Module):
    """Normalization over groups of channels of each sample.

    >>> GroupNorm(2, 4)
    GroupNorm(2, 4, eps=1e-05, affine=True, bias=True)
    """
    __constants__ = ['num_groups', 'num_channels', 'eps', 'affine']

    def __init__(self, num_groups, num_channels, eps=1e-5, affine=True, device=None, dtype=None, *, bias=True):
        super().__init__()
        if num_channels % num_groups != 0:
            raise ValueError(f'num_channels ({num_channels}) must be divisible by num_groups ({num_groups})')
        self.num_groups = num_groups
        self.num_channels = num_channels
        self.eps = eps
        self.affine = affine
        _affine_parameters(self, affine, bias, num_channels, device, dtype)
        self.reset_parameters()

    def reset_parameters(self):
        _reset_affine(self)

    def forward(self, input):
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f'{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, '
                f'bias={self.bias is not None}')


class _CrossChannelNorm(Module):
    """What the cross-channel normalizations hold: the window ``size`` and ``alpha``, ``beta``, ``k``."""
    __constants__ = ['size', 'alpha', 'beta', 'k']

    def __init__(self, size, alpha, beta, k):
        super().__init__()
        self.size = size
        self.alpha = alpha
        self.beta = beta
        self.k = k

    def extra_repr(self):
        return f'{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}'


class LocalResponseNorm(_CrossChannelNorm):
    """Normalization across neighbouring channels (AlexNet's LRN).

    Example::

        >>> nn.LocalResponseNorm(2)(ember.arange(1., 5.).reshape(1, 4, 1))
        tensor([[[1.0000],
                 [1.9996],
                 [2.9985],
                 [3.9963]]])
    """

    def __init__(self, size, alpha=1e-4, beta=0.75, k=1.0):
        super().__init__(size, alpha, beta, k)

    def forward(self, input):
        return F.local_response_norm(input, self.size, self.alpha, self.beta, self.k)


class CrossMapLRN2d(_CrossChannelNorm):
    """The legacy cross-channel LRN of 4-D ``(N, C, H, W)`` input: ``x * (k + alpha / size * s) ** -beta``
    with ``s`` a running sum of squares over neighbouring channels, computed (forward and backward)
    exactly as PyTorch's ``CrossMapLRN2d`` does, which differs slightly from :class:`LocalResponseNorm`.

    Args:
        size: how many neighbouring channels the sum spans.
        alpha: multiplicative factor. Default: 0.0001
        beta: exponent. Default: 0.75
        k: additive factor. Default: 1

    Shape:
        - Input: ``(N, C, H, W)``
        - Output: same as input

    Example:
        >>> lrn = nn.CrossMapLRN2d(3, alpha=1.0)
        >>> lrn(ember.ones(1, 3, 1, 1)).flatten()
        tensor([0.6817, 0.5946, 0.5946])
    """

    def __init__(self, size, alpha=1e-4, beta=0.75, k=1):
        super().__init__(size, alpha, beta, k)

    def forward(self, input):
        from ember.ops.cross_map_lrn import cross_map_lrn2d
        return cross_map_lrn2d(input, self.size, self.alpha, self.beta, self.k)


def __getattr__(name):  # PyTorch's names for this file that ember defines elsewhere (see _other_homes)
    from ember.nn.modules._other_homes import lookup
    return lookup(__name__, name)


def __dir__():
    from ember.nn.modules._other_homes import names
    return sorted(set(globals()) | set(names(__name__)))
