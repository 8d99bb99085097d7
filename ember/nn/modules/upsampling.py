"""Upsample layers over F.interpolate."""
from ember.nn import functional as F
from ember.nn.modules.module import Module

__all__ = ['Upsample', 'UpsamplingNearest2d', 'UpsamplingBilinear2d']


class Upsample(Module):
    """Resize by ``scale_factor`` or to ``size`` (see ``F.interpolate`` for the modes).

    Example::

        >>> x = ember.tensor([[[[1., 2.], [3., 4.]]]])
        >>> nn.Upsample(scale_factor=2, mode='nearest')(x)
        tensor([[[[1., 1., 2., 2.],
                  [1., 1., 2., 2.],
                  [3., 3., 4., 4.],
                  [3., 3., 4., 4.]]]])
        >>> nn.Upsample(size=3, mode='bilinear', align_corners=True)(x)
        tensor([[[[1.0000, 1.5000, 2.0000],
                  [2.0000, 2.5000, 3.0000],
                  [3.0000, 3.5000, 4.0000]]]])
    """
    __constants__ = ['size', 'scale_factor', 'mode', 'align_corners', 'name', 'recompute_scale_factor']

    def __init__(self, size=None, scale_factor=None, mode='nearest', align_corners=None, recompute_scale_factor=None):
        super().__init__()
        self.name = type(self).__name__
        self.size = size
        if isinstance(scale_factor, tuple):
            self.scale_factor = tuple(float(f) for f in scale_factor)
        else:
            self.scale_factor = float(scale_factor) if scale_factor else None
        self.mode = mode
        self.align_corners = align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, input):
        return F.interpolate(input, self.size, self.scale_factor, self.mode, self.align_corners,
                             recompute_scale_factor=self.recompute_scale_factor)

    def extra_repr(self):
        if self.scale_factor is not None:
            info = 'scale_factor=' + repr(self.scale_factor)
        else:
            info = 'size=' + repr(self.size)
        return info + ', mode=' + repr(self.mode)


class UpsamplingNearest2d(Upsample):
    """Applies a 2-D nearest neighbour upsampling to an input of several channels. Deprecated in PyTorch in favour
    of :class:`nn.Upsample` (``mode='nearest'``).

    Args:
        size (int or Tuple[int, int], optional): output spatial sizes.
        scale_factor (float or Tuple[float, float], optional): multiplier for spatial size.

    Shape:
        - Input: ``(N, C, H_in, W_in)``.
        - Output: ``(N, C, H_out, W_out)``.

    Example::

        >>> m = nn.UpsamplingNearest2d(scale_factor=2)
        >>> m(ember.arange(1., 5.).view(1, 1, 2, 2))
        tensor([[[[1., 1., 2., 2.],
                  [1., 1., 2., 2.],
                  [3., 3., 4., 4.],
                  [3., 3., 4., 4.]]]])
    """
    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, mode='nearest')


class UpsamplingBilinear2d(Upsample):
    """Applies a 2-D bilinear upsampling to an input of several channels, with ``align_corners=True``. Deprecated
    in PyTorch in favour of :class:`nn.Upsample` (``mode='bilinear'``).

    Args:
        size (int or Tuple[int, int], optional): output spatial sizes.
        scale_factor (float or Tuple[float, float], optional): multiplier for spatial size.

    Shape:
        - Input: ``(N, C, H_in, W_in)``.
        - Output: ``(N, C, H_out, W_out)``.

    Example::

        >>> m = nn.UpsamplingBilinear2d(scale_factor=2)
        >>> m(ember.arange(1., 5.).view(1, 1, 2, 2))
        tensor([[[[1.0000, 1.3333, 1.6667, 2.0000],
                  [1.6667, 2.0000, 2.3333, 2.6667],
                  [2.3333, 2.6667, 3.0000, 3.3333],
                  [3.0000, 3.3333, 3.6667, 4.0000]]]])
    """
    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, mode='bilinear', align_corners=True)
