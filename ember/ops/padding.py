"""F.pad: constant padding (one Primitive, negative pads crop) and reflect/replicate/circular
padding (index gathers along each padded dimension, so gradients of any order come for free)."""
from operator import index as _index

import numpy as np

from ember.autograd import _saved_attrs as _sa
from ember import backend
from ember._tensor import Tensor
from ember.autograd.function import Primitive
from ember.ops import _argparse
from ember.ops._registry import op


class ConstantPadNd(Primitive):
    node_name = 'ConstantPadNdBackward0'
    saved_attrs = {'pad': _sa.constant_pad}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, x, pads, value):
        """``pads`` is ((before, after), ...) for every dimension of ``x``; negatives crop."""
        xp = ctx.xp
        ctx.pads = pads
        crop = tuple(slice(max(-b, 0), x.shape[d] - max(-a, 0)) for d, (b, a) in enumerate(pads))
        x = x[crop]
        grow = [(max(b, 0), max(a, 0)) for b, a in pads]
        if not any(b or a for b, a in grow):
            return x.copy()
        out = xp.full(tuple(s + b + a for s, (b, a) in zip(x.shape, grow)), value, dtype=x.dtype)
        out[tuple(slice(b, b + s) for s, (b, _) in zip(x.shape, grow))] = x
        return out

    @staticmethod
    def backward(ctx, g):
        # the gradient of padding is cropping: the same op with the pads negated
        return ConstantPadNd.apply(g, tuple((-b, -a) for b, a in ctx.pads), 0), None, None


_SUPPORTED = ("Supported combinations for non-constant padding:\n"
              "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
              "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
              "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")


def _source_index(mode, n, before, after):
    """Where each output position along a dimension reads from."""
    pos = np.arange(-before, n + after)
    if mode == 'replicate':
        return np.clip(pos, 0, n - 1)
    if mode == 'circular':
        return pos % n
    # reflect: mirror about the first and last elements (which are not repeated)
    period = 2 * (n - 1)
    pos = np.abs(pos) % period if period else np.zeros_like(pos)
    return np.where(pos >= n, period - pos, pos)


@op('F')
def pad(input, pad, mode='constant', value=None):
    """Pad the last ``len(pad) // 2`` dimensions: ``pad = (left, right, top, bottom, ...)``.

    >>> F.pad(ember.ones(1, 2), (1, 1))
    tensor([[0., 1., 1., 0.]])
    """
    try:
        pad = tuple(map(_index, pad))       # (ints: 1.5 is refused, as in PyTorch)
    except TypeError:       # PyTorch's argument error for the call
        _argparse.refuse_from_stack()
        raise
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    ndim = input.ndim
    npairs = len(pad) // 2
    if mode == 'constant':
        if npairs > ndim:
            raise RuntimeError("Padding length should be less than or equal to two times the input dimension but "
                               f"got padding length {len(pad)} and input of dimension {ndim}")
        pairs = [(0, 0)] * ndim
        for i in range(npairs):
            d = ndim - 1 - i
            b, a = pad[2 * i], pad[2 * i + 1]
            if input.shape[d] + b + a < 0:
                raise RuntimeError("narrow(): length must be non-negative.")
            pairs[d] = (b, a)
        fill = 0 if value is None else value
        if input.dtype.category < 2:
            fill = int(fill)
        return ConstantPadNd.apply(input, tuple(pairs), fill)
    if mode not in ('reflect', 'replicate', 'circular'):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    if npairs not in (1, 2, 3) or ndim not in (npairs + 1, npairs + 2):
        raise NotImplementedError(f"Padding size {len(pad)} is not supported for {ndim}D input tensor.\n"
                                  + _SUPPORTED)
    out = input
    for i in range(npairs):
        d = ndim - 1 - i
        b, a = pad[2 * i], pad[2 * i + 1]
        n = input.shape[d]
        if mode == 'reflect' and (b >= n or a >= n):
            arg = 4 + 2 * i
            raise RuntimeError(f"Argument #{arg}: Padding size should be less than the corresponding input "
                               f"dimension, but got: padding ({b}, {a}) at dimension {d} of input "
                               f"{list(input.shape)}")
        if mode == 'circular' and (b > n or a > n):
            raise RuntimeError("Padding value causes wrapping around more than once.")
        if mode == 'replicate' and any(s == 0 for s in input.shape[ndim - npairs:]):
            raise RuntimeError(f"Expected {ndim - npairs + 1}D or {ndim - npairs + 2}D (batch mode) tensor with "
                               f"possibly 0 batch size and other non-zero dimensions for input, but got: "
                               f"{list(input.shape)}")
        if b == 0 and a == 0:
            continue
        idx = _source_index(mode, n, b, a)
        index = Tensor._make(backend.move(idx, input._device), input._device)
        out = out.index_select(d, index)
    return out if out is not input else input.clone()
