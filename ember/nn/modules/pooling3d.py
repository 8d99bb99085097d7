"""The 3-d pooling layers beyond MaxPool3d/AvgPool3d: AdaptiveMaxPool3d, LPPool3d, MaxUnpool3d."""
from ember.nn import functional as F
from ember.nn.modules.pooling import _AdaptiveMaxPoolNd, _LPPoolNd, _MaxUnpoolNd

__all__ = ['AdaptiveMaxPool3d', 'LPPool3d', 'MaxUnpool3d']


def _triple(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v,) * 3


class AdaptiveMaxPool3d(_AdaptiveMaxPoolNd):
    """Max pooling of (N, C, D, H, W) input to ``output_size``.

    >>> AdaptiveMaxPool3d(2)
    AdaptiveMaxPool3d(output_size=2)
    """

    def forward(self, input):
        return F.adaptive_max_pool3d(input, self.output_size, self.return_indices)


class LPPool3d(_LPPoolNd):
    """Power-average pooling over 3-d windows: ``(sum x ** p) ** (1 / p)``.

    Example::

        >>> nn.LPPool3d(1, 2)(ember.ones(1, 1, 2, 2, 2))
        tensor([[[[[8.]]]]])
    """

    def forward(self, input):
        return F.lp_pool3d(input, float(self.norm_type), self.kernel_size, self.stride, self.ceil_mode)


class MaxUnpool3d(_MaxUnpoolNd):
    """The partial inverse of MaxPool3d: values back at their indices, zeros elsewhere.

    Example::

        >>> pool, unpool = nn.MaxPool3d(2, return_indices=True), nn.MaxUnpool3d(2)
        >>> out, idx = pool(ember.arange(8.).reshape(1, 1, 2, 2, 2))
        >>> unpool(out, idx).flatten()
        tensor([0., 0., 0., 0., 0., 0., 0., 7.])
    """

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        self.kernel_size = _triple(kernel_size)
        self.stride = _triple(stride if stride is not None else kernel_size)
        self.padding = _triple(padding)

    def forward(self, input, indices, output_size=None):
        return F.max_unpool3d(input, indices, self.kernel_size, self.stride, self.padding, output_size)
