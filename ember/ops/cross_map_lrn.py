"""The legacy cross-channel LRN behind ``nn.CrossMapLRN2d``, with PyTorch's forward and backward.

PyTorch's kernel keeps a running sum of squares across channels in which the first channel is
never dropped once the window has moved past it, and its backward is the gradient of the plain
windowed LRN rather than of that forward; models trained with it learned under exactly these
numbers, so both are reproduced here (the backward in ember ops, so it can be differentiated).
"""
from ember.autograd.function import Primitive


def _scale(sq, size, alpha, k, concat):
    """``k + alpha / size * window sums`` of the squares ``sq`` over channels (dim 1), with the first
    channel kept in every sum from channel ``pre_pad`` on, as PyTorch's running sum. Works on arrays
    (``concat=np.concatenate``) and on tensors (``concat=ember.cat``)."""
    channels = sq.shape[1]
    pre_pad = int((size - 1) / 2 + 1)
    half = pre_pad - 1
    zero = sq[:, :1] * 0
    padded = concat([zero] * half + [sq] + [zero] * half, 1)
    total = padded[:, 0:channels]
    for i in range(1, 2 * half + 1):          # NOTE: a loop over the window, not over elements
        total = total + padded[:, i:i + channels]
    if channels > pre_pad:
        total = concat([total[:, :pre_pad], total[:, pre_pad:] + sq[:, :1]], 1)
    return total * (alpha / size) + k


class CrossMapLRN2d(Primitive):
    node_name = 'CrossMapLRN2dBackward'

    @staticmethod
    def forward(ctx, x, size, alpha, beta, k):
        xp = ctx.xp
        ctx.args = (size, alpha, beta, k)
        ctx.save_for_backward(x)
        return x * _scale(x * x, size, alpha, k, xp.concatenate) ** -beta

    @staticmethod
    def backward(ctx, g):
        from ember.ops.shape import cat
        (x,) = ctx.saved_tensors
        size, alpha, beta, k = ctx.args
        scale = _scale(x * x, size, alpha, k, cat)
        powered = scale ** -beta
        ratio = g * x * powered / scale
        channels = x.shape[1]
        before = int(size - (size - 1) / 2)
        after = max(size - 1 - before, 0)
        zero = ratio[:, :1] * 0
        padded = cat([zero] * before + [ratio] + [zero] * after, 1)
        accum = padded[:, 0:channels]
        for i in range(1, size):
            accum = accum + padded[:, i:i + channels]
        return powered * g - x * accum * (2 * alpha * beta / size), None, None, None, None


def cross_map_lrn2d(input, size, alpha=1e-4, beta=0.75, k=1):
    if input.dim() != 4:
        raise ValueError(f"CrossMapLRN2d: Expected input to be 4D, got {input.dim()}D instead.")
    return CrossMapLRN2d.apply(input, size, alpha, beta, k)


__all__ = ['cross_map_lrn2d']
