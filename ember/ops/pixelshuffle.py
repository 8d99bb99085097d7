"""Pixel and channel shuffles: pure rearrangements, each the other's (or its own) gradient."""
from ember.autograd import _saved_attrs as _sa
from ember.autograd.function import Primitive
from ember.ops import _argparse, _float8
from ember.ops._registry import op
from ember.ops._util import require_tensor


def _shuffle(x, r):
    *lead, c, h, w = x.shape
    oc = c // (r * r)
    y = x.reshape(*lead, oc, r, r, h, w)
    n = len(lead)
    # (..., oc, r1, r2, h, w) -> (..., oc, h, r1, w, r2)
    y = y.transpose(*range(n), n, n + 3, n + 1, n + 4, n + 2)
    return y.reshape(*lead, oc, h * r, w * r)


def _unshuffle(x, r):
    *lead, c, h, w = x.shape
    y = x.reshape(*lead, c, h // r, r, w // r, r)
    n = len(lead)
    # (..., c, oh, r1, ow, r2) -> (..., c, r1, r2, oh, ow)
    y = y.transpose(*range(n), n, n + 2, n + 4, n + 1, n + 3)
    return y.reshape(*lead, c * r * r, h // r, w // r)


class PixelShuffle(Primitive):
    node_name = 'PixelShuffleBackward0'
    saved_attrs = {'upscale_factor': _sa.field('r')}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, x, r):
        _float8.check_kernel('pixel_shuffle', x.dtype)      # (PyTorch refuses float8)
        ctx.r = r
        return ctx.xp.ascontiguousarray(_shuffle(x, r))

    @staticmethod
    def backward(ctx, g):
        return PixelUnshuffle.apply(g, ctx.r), None


class PixelUnshuffle(Primitive):
    node_name = 'PixelUnshuffleBackward0'
    saved_attrs = {'downscale_factor': _sa.field('r')}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, x, r):
        _float8.check_kernel('pixel_unshuffle', x.dtype)    # (PyTorch refuses float8)
        ctx.r = r
        return ctx.xp.ascontiguousarray(_unshuffle(x, r))

    @staticmethod
    def backward(ctx, g):
        return PixelShuffle.apply(g, ctx.r), None


def _check_dims(name, input):
    if input.ndim < 3:
        raise RuntimeError(f"{name} expects input to have at least 3 dimensions, but got input with {input.ndim} "
                           "dimension(s)")


@op('ember', 'F')
def pixel_shuffle(input, upscale_factor):
    """(*, C*r^2, H, W) -> (*, C, H*r, W*r).

    Example::

        >>> F.pixel_shuffle(ember.arange(4.).reshape(1, 4, 1, 1), 2)
        tensor([[[[0., 1.],
                  [2., 3.]]]])
    """
    require_tensor(input, 'pixel_shuffle')
    _check_dims('pixel_shuffle', input)
    if upscale_factor.__class__ is not int:
        _argparse.refuse_from_stack()   # (int() would take 2.0; PyTorch takes an int)
    r = int(upscale_factor)
    if r <= 0:
        raise RuntimeError(f"pixel_shuffle expects a positive upscale_factor, but got {r}")
    c = input.shape[-3]
    if c % (r * r):
        raise RuntimeError("pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of "
                           f"upscale_factor, but input.size(-3)={c} is not divisible by {r * r}")
    return PixelShuffle.apply(input, r)


@op('ember', 'F')
def pixel_unshuffle(input, downscale_factor):
    """(*, C, H*r, W*r) -> (*, C*r^2, H, W).

    Example::

        >>> F.pixel_unshuffle(ember.arange(4.).reshape(1, 1, 2, 2), 2).flatten()
        tensor([0., 1., 2., 3.])
    """
    require_tensor(input, 'pixel_unshuffle')
    _check_dims('pixel_unshuffle', input)
    if downscale_factor.__class__ is not int:
        _argparse.refuse_from_stack()   # (as pixel_shuffle's)
    r = int(downscale_factor)
    if r <= 0:
        raise RuntimeError(f"pixel_unshuffle expects a positive downscale_factor, but got {r}")
    h, w = input.shape[-2:]
    if h % r:
        raise RuntimeError(f"pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)={h}"
                           f" is not divisible by {r}")
    if w % r:
        raise RuntimeError(f"pixel_unshuffle expects width to be divisible by downscale_factor, but input.size(-1)={w} "
                           f"is not divisible by {r}")
    return PixelUnshuffle.apply(input, r)


class ChannelShuffle(Primitive):
    node_name = 'ChannelShuffleBackward0'
    saved_attrs = {'groups': _sa.field('groups')}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, x, groups):
        _float8.check_kernel('channel_shuffle', x.dtype)    # (PyTorch refuses float8)
        n, c = x.shape[:2]
        ctx.groups = groups
        y = x.reshape(n, groups, c // groups, *x.shape[2:]).swapaxes(1, 2)
        return ctx.xp.ascontiguousarray(y).reshape(x.shape)

    @staticmethod
    def backward(ctx, g):
        # undoing a shuffle into `groups` groups is a shuffle into C // groups groups
        return ChannelShuffle.apply(g, g.shape[1] // ctx.groups), None


@op('ember', 'F')
def channel_shuffle(input, groups):
    """Interleave the channels of ``(N, C, *)`` from ``groups`` groups (ShuffleNet).

    Example::

        >>> F.channel_shuffle(ember.arange(4.).reshape(1, 4, 1, 1), 2).flatten()
        tensor([0., 2., 1., 3.])
    """
    require_tensor(input, 'channel_shuffle')
    if input.ndim <= 2:
        raise RuntimeError(f"channel_shuffle expects input to have at least 3 dimensions, but got input with "
                           f"{input.ndim} dims")
    if groups <= 0:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value of groups:{groups}")
    c = input.shape[1]
    if c % groups:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {c} channels and {groups} groups.")
    return ChannelShuffle.apply(input, int(groups))
