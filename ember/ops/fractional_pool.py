"""Fractional max pooling (Graham 2014): ``F.fractional_max_pool2d``/``3d``.

Windows of ``kernel_size`` start at pseudo-random, increasing offsets chosen so that the output
has ``output_size`` (or ``output_ratio`` of the input) positions per dim. The offsets come from one
uniform sample per (batch, channel, dim) (``_random_samples``, drawn from ember's generator as
PyTorch draws them), turned into intervals with PyTorch's formula in the input's precision, so a
seeded run picks the same windows.
"""
import math

import numpy as np

from ember._tensor import Tensor
from ember.autograd import _saved_attrs as _sa
from ember.autograd.function import Primitive
from ember.ops import _float8
from ember.backend import to_numpy
from ember.ops._registry import op
from ember.ops._util import python_check, python_reads
from ember.autograd import grad_mode
from ember.ops.pooling import _max_pool_grad, _running_argmax


def _intervals(samples, size, out, pool, dtype):
    """Window starts (..., out) from uniform ``samples`` (...), computed in ``dtype`` as PyTorch does."""
    starts = np.empty(samples.shape + (out,), dtype=np.int64)
    if out > 1:
        alpha = dtype.type(size - pool) / dtype.type(out - 1)
        i = np.arange(out - 1, dtype=dtype)
        s = samples.astype(dtype)[..., None]
        starts[..., :out - 1] = ((i + s) * alpha).astype(np.int64) - (s * alpha).astype(np.int64)
    if out > 0:
        starts[..., out - 1] = size - pool
    return starts


class FractionalMaxPool(Primitive):
    node_name = 'FractionalMaxPool2DBackward0'
    _nondiff_args = (1,)   # the random samples: no edge, as PyTorch's node
    saved_attrs = {'kernel_size': _sa.item('window', 0), 'output_size': _sa.item('window', 1),
                   'result1': _sa.array_field('index'), 'self': _sa.saved(0)}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, x, samples, kernel, out):
        _float8.check_kernel(f'fractional_max_pool{len(kernel)}d_out_frame', x.dtype)    # (PyTorch refuses float8)
        xp = ctx.xp
        n = len(kernel)
        sizes = x.shape[-n:]
        lead = x.shape[:-n]
        dtype = np.dtype(x.dtype) if np.dtype(x.dtype).kind == 'f' else np.dtype(np.float32)
        samp = to_numpy(samples).astype(dtype).reshape(lead + (n,))
        # PyTorch's sample order: the last spatial dim first for 2-d (W, H), in order for 3-d (T, H, W)
        order = [1, 0] if n == 2 else [0, 1, 2]
        starts = [_intervals(samp[..., order[d]], sizes[d], out[d], kernel[d], dtype) for d in range(n)]
        flat = x.reshape(lead + (math.prod(sizes),))
        strides = [math.prod(sizes[d + 1:]) for d in range(n)]
        base = 0
        for d in range(n):
            shape = lead + tuple(out[e] if e == d else 1 for e in range(n))
            base = base + starts[d].reshape(lead + (out[d],)).reshape(shape) * strides[d]
        base = xp.asarray(base.reshape(lead + (-1,)))
        offsets = [sum(o * s for o, s in zip(k, strides)) for k in np.ndindex(*kernel)]

        def candidates():
            for k, off in enumerate(offsets):
                yield k, xp.take_along_axis(flat, base + off, axis=-1)
        y, local = _running_argmax(xp, candidates(), len(offsets))
        index = base + xp.asarray(np.array(offsets, dtype=np.int64))[local.astype(np.int64)]
        y = y.reshape(lead + tuple(out))
        index = index.reshape(lead + tuple(out))
        ctx.mark_non_differentiable(index)
        ctx.index, ctx.args = index, (x.shape, n)
        ctx.window = (tuple(kernel), tuple(out))
        ctx.save_for_backward(x)    # (for grad_fn._saved_self only, as PyTorch keeps it)
        return y, index

    @staticmethod
    def backward(ctx, g, _g_index):
        shape, n = ctx.args
        index = Tensor._make(ctx.index, g.device)
        x = ctx.saved_tensors[0] if grad_mode._state.enabled else None   # (to link a recorded graph)
        return _max_pool_grad(ctx.name(), g, index, shape, n, True, x), None, None, None


class FractionalMaxPool3D(FractionalMaxPool):
    node_name = 'FractionalMaxPool3DBackward0'
    saved_attrs = FractionalMaxPool.saved_attrs


_NAMES = {2: ('height', 'width'), 3: ('time', 'height', 'width')}


def _fractional(n, input, kernel_size, output_size, output_ratio, _random_samples):
    name = f'fractional_max_pool{n}d'
    if output_size is None and output_ratio is None:
        raise python_check(ValueError(f'{name} requires specifying either an output_size or an output_ratio'))
    kernel = (kernel_size,) * n if isinstance(kernel_size, int) else tuple(kernel_size)
    if output_size is None:
        # PyTorch's two spellings differ: the 2-d one checks len() first (so a bare number raises
        # TypeError), the 3-d one broadcasts a number to three; neither repeats a one-element tuple
        # (IndexError), and the 3-d one reads only the first three of a longer sequence
        try:
            too_long = n == 2 and len(output_ratio) > n
        except TypeError as error:      # (a bare number: Python's own error, as PyTorch's)
            raise python_check(error) from None
        if too_long:
            raise python_check(ValueError(f'{name} requires output_ratio to either be a single Int or tuple of '
                                          f'Ints.'))
        python_reads(input, 'size')        # what PyTorch's function reads next
        ratio = (output_ratio,) * n if isinstance(output_ratio, (int, float)) else tuple(output_ratio)
        if len(ratio) < n:
            raise IndexError('tuple index out of range')
        out = tuple(int(input.size(d - n) * ratio[d]) for d in range(n))
    else:
        python_reads(input, 'dim')         # what PyTorch's function reads first
        out = (output_size,) * n if isinstance(output_size, int) else tuple(output_size)
    if _random_samples is None:
        from ember.ops.random import rand
        batch = 1 if input.dim() == n + 1 else input.size(0)
        _random_samples = rand(batch, input.size(-n - 1), n, dtype=input.dtype, device=input.device)
    where = f'{name}_out()' if n == 3 else f'{name}()'
    for d in range(n):
        size = input.shape[input.dim() - n + d]
        # PyTorch's 3-d kernel also refuses the case where the last window ends exactly at the edge
        if out[d] + kernel[d] - 1 > size or (n == 3 and out[d] + kernel[d] - 1 == size):
            raise RuntimeError(f'{where}: pool {_NAMES[n][d]} {kernel[d]} too large relative to input '
                               f'{_NAMES[n][d]} {size}')
    primitive = FractionalMaxPool if n == 2 else FractionalMaxPool3D
    samples = _random_samples.detach().reshape(tuple(input.shape[:input.dim() - n]) + (n,))
    return primitive.apply(input, samples, kernel, out)


@op('F')
def fractional_max_pool2d_with_indices(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                                       _random_samples=None):
    """:func:`fractional_max_pool2d` that always returns ``(output, indices)``; ``return_indices`` is ignored, as
    in PyTorch.

    The window offsets are drawn from the default generator unless ``_random_samples`` (shape ``(N, C, 2)``,
    values in ``[0, 1)``) gives them.

    Example::

        >>> out, idx = F.fractional_max_pool2d_with_indices(ember.arange(16.).reshape(1, 1, 4, 4), 2, output_size=2)
        >>> out
        tensor([[[[ 5.,  7.],
                  [13., 15.]]]])
    """
    return _fractional(2, input, kernel_size, output_size, output_ratio, _random_samples)


@op('F')
def fractional_max_pool2d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                          _random_samples=None):
    """Max pooling over pseudo-randomly placed ``kernel_size`` windows of (N, C, H, W) or (C, H, W) input,
    to ``output_size`` or ``output_ratio`` (in (0, 1)) of the input size.

    Example::

        >>> F.fractional_max_pool2d(ember.arange(25.).reshape(1, 1, 5, 5), 2, output_size=3)
        tensor([[[[ 6.,  8.,  9.],
                  [11., 13., 14.],
                  [21., 23., 24.]]]])
    """
    out, index = _fractional(2, input, kernel_size, output_size, output_ratio, _random_samples)
    return (out, index) if return_indices else out


@op('F')
def fractional_max_pool3d_with_indices(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                                       _random_samples=None):
    """:func:`fractional_max_pool3d` that always returns ``(output, indices)``; ``return_indices`` is ignored, as
    in PyTorch.

    The window offsets are drawn from the default generator unless ``_random_samples`` (shape ``(N, C, 3)``,
    values in ``[0, 1)``) gives them.

    Example::

        >>> out, idx = F.fractional_max_pool3d_with_indices(ember.arange(64.).reshape(1, 1, 4, 4, 4), 2, output_size=2)
        >>> out.shape
        ember.Size([1, 1, 2, 2, 2])
    """
    return _fractional(3, input, kernel_size, output_size, output_ratio, _random_samples)


@op('F')
def fractional_max_pool3d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                          _random_samples=None):
    """Fractional max pooling of (N, C, T, H, W) or (C, T, H, W) input (see ``fractional_max_pool2d``).

    Example::

        >>> F.fractional_max_pool3d(ember.arange(64.).reshape(1, 1, 4, 4, 4), 2, output_ratio=0.5).flatten()
        tensor([21., 23., 29., 31., 53., 55., 61., 63.])
    """
    out, index = _fractional(3, input, kernel_size, output_size, output_ratio, _random_samples)
    return (out, index) if return_indices else out
