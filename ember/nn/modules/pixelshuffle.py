"""PixelShuffle, PixelUnshuffle and ChannelShuffle layers."""
from ember.nn import functional as F
from ember.nn.modules.channelshuffle import ChannelShuffle  # noqa: F401 (its old home)
from ember.nn.modules.module import Module

__all__ = ['PixelShuffle', 'PixelUnshuffle']


class PixelShuffle(Module):
    """(*, C*r^2, H, W) -> (*, C, H*r, W*r) (sub-pixel convolution's rearrangement).

    Example::

        >>> nn.PixelShuffle(2)(ember.arange(4.).reshape(1, 4, 1, 1))
        tensor([[[[0., 1.],
                  [2., 3.]]]])
    """
    __constants__ = ['upscale_factor']

    def __init__(self, upscale_factor):
        super().__init__()
        self.upscale_factor = upscale_factor

    def forward(self, input):
        return F.pixel_shuffle(input, self.upscale_factor)

    def extra_repr(self):
        return f'upscale_factor={self.upscale_factor}'


class PixelUnshuffle(Module):
    """Reverses :class:`nn.PixelShuffle`: rearranges a tensor of shape ``(*, C, H * r, W * r)`` into ``(*, C *
    r**2, H, W)``, where ``r`` is the downscale factor.

    Args:
        downscale_factor (int): factor to decrease spatial resolution by.

    Shape:
        - Input: ``(*, C_in, H_in, W_in)``.
        - Output: ``(*, C_in * r**2, H_in / r, W_in / r)``.

    Example::

        >>> pixel_unshuffle = nn.PixelUnshuffle(3)
        >>> pixel_unshuffle(ember.zeros(1, 1, 12, 12)).size()
        ember.Size([1, 9, 4, 4])
    """
    __constants__ = ['downscale_factor']

    def __init__(self, downscale_factor):
        super().__init__()
        self.downscale_factor = downscale_factor

    def forward(self, input):
        return F.pixel_unshuffle(input, self.downscale_factor)

    def extra_repr(self):
        return f'downscale_factor={self.downscale_factor}'
