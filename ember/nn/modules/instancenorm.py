"""Instance normalization: InstanceNorm1d/2d/3d and their lazy forms (PyTorch's
``torch.nn.modules.instancenorm``); math in ember/ops/norm.py."""
import warnings

from ember.nn import functional as F
from ember.nn.modules.batchnorm import _LazyNormBase, _NormBase

__all__ = ['InstanceNorm1d', 'InstanceNorm2d', 'InstanceNorm3d', 'LazyInstanceNorm1d', 'LazyInstanceNorm2d',
           'LazyInstanceNorm3d']


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


class LazyInstanceNorm1d(_LazyNormBase, _InstanceNorm):
    """A :class:`nn.InstanceNorm1d` whose ``num_features`` is the channel count of its first input: it becomes an
    ``InstanceNorm1d`` on that first call.

    Args:
        eps (float, optional): added to the variance for stability. Default: ``1e-5``.
        momentum (float, optional): the running statistics' update factor. Default: ``0.1``.
        affine (bool, optional): learnable per-channel scale and shift. Default: ``False``.
        track_running_stats (bool, optional): keep running statistics. Default: ``False``.

    Shape:
        - Input: ``(N, C, L)`` or ``(C, L)``; output: the same shape.

    Example::

        >>> m = nn.LazyInstanceNorm1d()
        >>> with ember.no_grad():
        ...     y = m(ember.arange(8.).view(1, 2, 4))
        >>> type(m).__name__, m.num_features
        ('InstanceNorm1d', 2)
        >>> y
        tensor([[[-1.3416, -0.4472,  0.4472,  1.3416],
                 [-1.3416, -0.4472,  0.4472,  1.3416]]])
    """
    cls_to_become = InstanceNorm1d
    _no_batch_dim = 2


class LazyInstanceNorm2d(_LazyNormBase, _InstanceNorm):
    """A :class:`nn.InstanceNorm2d` whose ``num_features`` is inferred from the input's second dimension at the
    first forward call, which creates its parameters and buffers and turns the module into a plain
    :class:`nn.InstanceNorm2d`.

    Args:
        eps (float): a value added to the denominator for numerical stability. Default: ``1e-5``.
        momentum (float, optional): the weight of the new batch in the running estimates. Default: ``0.1``.
        affine (bool): whether the module has learnable affine parameters. Default: ``False``.
        track_running_stats (bool): whether the module tracks running estimates. Default: ``False``.

    Example::

        >>> m = nn.LazyInstanceNorm2d()
        >>> _ = m(ember.randn(2, 3, 4, 4))
        >>> type(m).__name__, m.num_features
        ('InstanceNorm2d', 3)
    """
    cls_to_become = InstanceNorm2d
    _no_batch_dim = 3


class LazyInstanceNorm3d(_LazyNormBase, _InstanceNorm):
    """A :class:`nn.InstanceNorm3d` whose ``num_features`` is inferred from the input's second dimension at the
    first forward call, which creates its parameters and buffers and turns the module into a plain
    :class:`nn.InstanceNorm3d`.

    Args:
        eps (float): a value added to the denominator for numerical stability. Default: ``1e-5``.
        momentum (float, optional): the weight of the new batch in the running estimates. Default: ``0.1``.
        affine (bool): whether the module has learnable affine parameters. Default: ``False``.
        track_running_stats (bool): whether the module tracks running estimates. Default: ``False``.

    Example::

        >>> m = nn.LazyInstanceNorm3d()
        >>> _ = m(ember.randn(2, 3, 2, 2, 2))
        >>> type(m).__name__, m.num_features
        ('InstanceNorm3d', 3)
    """
    cls_to_become = InstanceNorm3d
    _no_batch_dim = 4
