"""F.pad: constant padding (one Primitive, negative pads crop); reflect and replicate padding (index gathers
along each padded dimension, recorded as PyTorch's one ``ReflectionPad{1,2,3}DBackward0`` /
``ReplicationPad{1,2,3}DBackward0`` node, whose backward scatters the gradient back with ember's ops, so
gradients of any order follow); circular padding, where autograd records it, as PyTorch runs it (slices of the
output copied in place, so its history is PyTorch's ``CopySlices`` and ``SliceBackward0`` nodes), else by
gathers too."""
from operator import index as _index

import numpy as np

from ember.autograd import _saved_attrs as _sa, grad_mode
from ember import backend
from ember._tensor import Tensor
from ember.autograd.function import Primitive
from ember.ops import _argparse, _input_link, _one_node
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


class _GatherPad(Primitive):
    """Reflect or replicate padding as one node: ``forward`` hands back the value gathered outside."""
    saved_names = ('self',)
    saved_attrs = {'padding': _sa.field('padding', list), 'self': _sa.saved(0)}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, x, padding, mode, value):
        ctx.padding = padding
        ctx.mode = mode
        ctx.save_for_backward(x)
        return value

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        # each gather's gradient scatters-adds back, the last padded dimension's (gathered first) last
        steps = list(_gathers(ctx.mode, x.shape, ctx.padding, x._device))
        for d, index in reversed(steps):
            shape = list(g.shape)
            shape[d] = x.shape[d]
            g = g.new_zeros(shape).index_add(d, index, g)
        # (PyTorch's backward takes the input, with zero derivative in it)
        return _input_link.link(g, x, ctx.name()[:-1] + 'Backward0'), None, None, None


_GATHER_NODES = {(mode, n): type(f'{name}{n}D', (_GatherPad,), {'node_name': f'{name}{n}DBackward0',
                                                              'saved_attrs': _GatherPad.saved_attrs})
                 for mode, name in (('reflect', 'ReflectionPad'), ('replicate', 'ReplicationPad')) for n in (1, 2, 3)}


def _gathers(mode, shape, pad, device):
    """(dim, index tensor) of each gather the padding makes, the last dimension's first."""
    ndim = len(shape)
    for i in range(len(pad) // 2):
        d = ndim - 1 - i
        b, a = pad[2 * i], pad[2 * i + 1]
        if b or a:
            yield d, Tensor._make(backend.move(_source_index(mode, shape[d], b, a), device), device)


def _gather_pad(input, pad, mode):
    out = input
    for d, index in _gathers(mode, input.shape, pad, input._device):
        out = out.index_select(d, index)
    return out if out is not input else input.clone()


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
    if mode == 'circular':
        if grad_mode._state.enabled and input.requires_grad and type(input) is Tensor:   # (not under vmap)
            return _circular_pad(input, pad)     # recorded: PyTorch's history of slice copies
        return _gather_pad(input, pad, mode)     # the same values, in one gather per dimension
    return _one_node.one_node(_GATHER_NODES[mode, npairs], lambda x: _gather_pad(x, pad, mode), (input,), pad, mode)


def _circular_pad(input, pad):
    """Circular padding as PyTorch computes it: the input copied into the middle of a new tensor, then each
    padded dimension's wrapped edges copied in from the output itself (so the history is the same chain of
    in-place slice copies)."""
    ndim = input.ndim
    dims = [(ndim - 1 - i, pad[2 * i], pad[2 * i + 1]) for i in range(len(pad) // 2)]
    shape = list(input.shape)
    for d, b, a in dims:
        shape[d] += b + a
        if shape[d] < 0:
            raise RuntimeError("Negative padding value is resulting in an empty dimension")
    out = input.new_empty(shape)
    out_part, in_part = out, input
    for d, b, a in dims:
        out_part = out_part.narrow(d, max(b, 0), shape[d] - max(a, 0) - max(b, 0))
        in_part = in_part.narrow(d, max(-b, 0), input.shape[d] - max(-a, 0) - max(-b, 0))
    out_part.copy_(in_part)
    for d, b, a in dims:
        if b > 0:
            end = shape[d] - max(a, 0)
            out.narrow(d, 0, b).copy_(out.narrow(d, end - b, b))
        if a > 0:
            out.narrow(d, shape[d] - a, a).copy_(out.narrow(d, max(b, 0), a))
    return out
