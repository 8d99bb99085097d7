"""Spatial transformers: ``F.affine_grid`` (sampling grids from affine matrices) and ``F.grid_sample``
(reading an image at arbitrary normalized positions), for 4-D and 5-D inputs.

Both are composed from ember ops (gathers, floors, products), so gradients reach the input and the
grid, and second derivatives follow. Positions are in [-1, 1] across each spatial extent: with
``align_corners=True`` -1 and 1 are the centres of the corner pixels, otherwise their outer edges.
"""
import math

from ember._dtype import int64
from ember._tensor import _scalar_type_name
from ember.autograd import _saved_attrs as _sa
from ember.autograd.function import Primitive
from ember.ops._registry import op
from ember.ops.creation import linspace, ones
from ember.ops.index import where
from ember.ops.shape import stack
from ember import _user_warnings

_ALIGN_WARNING = ('Default grid_sample and affine_grid behavior has changed to align_corners=False since 1.3.0. Please '
                  'specify align_corners=True if the old behavior is desired. See the documentation of grid_sample for '
                  'details.')


def _base_coords(size, align_corners, like):
    coords = linspace(-1, 1, size, dtype=like.dtype, device=like.device)
    if not align_corners and size > 0:
        # multiplied, then divided, as PyTorch's kernel rounds (a grid point that lands one rounding
        # away from a pixel boundary changes which pixels grid_sample's gradient reads)
        coords = coords * (size - 1) / size
    return coords


@op('F')
def affine_grid(theta, size, align_corners=None):
    """The sampling grid ``(N, H, W, 2)`` (``(N, D, H, W, 3)``) that ``theta`` (N x 2 x 3, or N x 3 x 4)
    maps the output positions to, for ``grid_sample`` with output ``size``.

    Example::

        >>> theta = ember.tensor([[[1., 0., 0.], [0., 1., 0.]]])
        >>> F.affine_grid(theta, [1, 1, 2, 2], align_corners=False)
        tensor([[[[-0.5000, -0.5000],
                  [ 0.5000, -0.5000]],
        <BLANKLINE>
                 [[-0.5000,  0.5000],
                  [ 0.5000,  0.5000]]]])
    """
    if align_corners is None:
        _user_warnings.warn(_ALIGN_WARNING)
        align_corners = False
    if not theta.is_floating_point():
        raise ValueError(f'Expected theta to have floating point type, but got {theta.dtype}')
    size = tuple(size)
    if len(size) == 4:
        if theta.dim() != 3 or tuple(theta.shape[-2:]) != (2, 3):
            raise ValueError(f'Expected a batch of 2D affine matrices of shape Nx2x3 for size {size}. Got '
                             f'{theta.shape}.')
        spatial = size[-2:]
    elif len(size) == 5:
        if theta.dim() != 3 or tuple(theta.shape[-2:]) != (3, 4):
            raise ValueError(f'Expected a batch of 3D affine matrices of shape Nx3x4 for size {size}. Got '
                             f'{theta.shape}.')
        spatial = size[-3:]
    else:
        raise NotImplementedError(f'affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, '
                                  f'respectively. Got size {size}.')
    if min(size) <= 0:
        raise ValueError(f'Expected non-zero, positive output size. Got {size}')
    if size[0] != theta.shape[0]:
        n = len(spatial)
        raise RuntimeError(f'Expected size for first two dimensions of batch2 tensor to be: [{size[0]}, {n + 1}] but '
                           f'got: [{theta.shape[0]}, {n + 1}].')
    from ember.ops import _one_node
    return _one_node.one_node(AffineGridGenerator, lambda t: _affine_grid_value(t, size, align_corners), (theta,),
                              size, bool(align_corners))


def _affine_base(spatial, align_corners, like):
    """The homogeneous base positions ``(1, prod(spatial), n + 1)``: (x, y[, z], 1), x running along the
    last spatial dim."""
    n = len(spatial)
    axes = [_base_coords(s, align_corners, like) for s in spatial]
    parts = []
    for k in range(n):                       # coordinate k (x, y, z) varies along spatial dim n-1-k
        d = n - 1 - k
        shape = [1] * n
        shape[d] = spatial[d]
        parts.append(axes[d].reshape(shape).expand(spatial))
    parts.append(ones(spatial, dtype=like.dtype, device=like.device))
    return stack(parts, -1).reshape(1, math.prod(spatial), n + 1)


def _affine_grid_value(theta, size, align_corners):
    spatial = size[2:]
    base = _affine_base(spatial, align_corners, theta)
    grid = base.expand(size[0], -1, -1).bmm(theta.transpose(1, 2))
    return grid.reshape((size[0],) + tuple(spatial) + (len(spatial),))


class AffineGridGenerator(Primitive):
    """``affine_grid``'s one node, as PyTorch's: theta's gradient is the base positions' products with
    ``grad``."""
    node_name = 'AffineGridGeneratorBackward0'
    saved_attrs = {'size': _sa.field('size'), 'align_corners': _sa.field('align_corners')}

    @staticmethod
    def forward(ctx, theta, size, align_corners, value):
        ctx.size = size
        ctx.align_corners = align_corners
        return value

    @staticmethod
    def backward(ctx, g):
        size = ctx.size
        spatial = size[2:]
        base = _affine_base(spatial, ctx.align_corners, g).expand(size[0], -1, -1)
        flat = g.reshape(size[0], math.prod(spatial), len(spatial))
        return base.transpose(1, 2).bmm(flat).transpose(1, 2), None, None, None


def _unnormalize(coord, size, align_corners):
    if align_corners:
        return (coord + 1) / 2 * (size - 1)
    return ((coord + 1) * size - 1) / 2


def _reflect(coord, twice_low, twice_high):
    if twice_low == twice_high:
        return coord * 0
    low = twice_low / 2
    span = (twice_high - twice_low) / 2
    coord = (coord - low).abs()
    extra = coord.fmod(span)
    flips = (coord / span).floor()
    return where(flips.fmod(2) == 0, extra + low, span - extra + low)


def _apply_padding(coord, size, padding_mode, align_corners):
    if padding_mode == 'border':
        return coord.clamp(0, size - 1)
    if padding_mode == 'reflection':
        if align_corners:
            coord = _reflect(coord, 0, 2 * (size - 1))
        else:
            coord = _reflect(coord, -1, 2 * size - 1)
        return coord.clamp(0, size - 1)
    return coord


def _gather(flat, idx, sizes, out_shape):
    """Values of ``flat`` (N, C, prod(sizes)) at integer-valued float positions ``idx`` (one per dim);
    zero where a position falls outside."""
    n_batch, channels = flat.shape[:2]
    valid = None
    linear = None
    for i, s in zip(idx, sizes):
        inside = (i >= 0) & (i <= s - 1)
        valid = inside if valid is None else valid & inside
        clamped = i.clamp(0, s - 1).to(int64)
        linear = clamped if linear is None else linear * s + clamped
    linear = linear.reshape(n_batch, 1, -1).expand(n_batch, channels, -1)
    values = flat.gather(2, linear).reshape((n_batch, channels) + out_shape)
    return values * valid.unsqueeze(1).to(flat.dtype)


def _cubic_weights(t):
    a = -0.75
    w0 = ((a * (t + 1) - 5 * a) * (t + 1) + 8 * a) * (t + 1) - 4 * a
    w1 = ((a + 2) * t - (a + 3)) * t * t + 1
    s = 1 - t
    w2 = ((a + 2) * s - (a + 3)) * s * s + 1
    w3 = ((a * (s + 1) - 5 * a) * (s + 1) + 8 * a) * (s + 1) - 4 * a
    return (w0, w1, w2, w3)


@op('F')
def grid_sample(input, grid, mode='bilinear', padding_mode='zeros', align_corners=None):
    """Sample ``input`` (N, C, H, W) or (N, C, D, H, W) at the normalized positions of ``grid``
    (N, H_out, W_out, 2) or (N, D_out, H_out, W_out, 3); ``grid[..., 0]`` is x (width).

    ``mode``: 'bilinear' (trilinear for 5-D), 'nearest' or 'bicubic' (4-D only);
    ``padding_mode``: 'zeros', 'border' or 'reflection' for positions outside the input.

    Example::

        >>> image = ember.arange(4.).reshape(1, 1, 2, 2)
        >>> grid = ember.tensor([[[[0., 0.], [-1., -1.], [1., 1.]]]])
        >>> F.grid_sample(image, grid, align_corners=True)
        tensor([[[[1.5000, 0.0000, 3.0000]]]])
    """
    if mode not in ('bilinear', 'nearest', 'bicubic'):
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', but "
                         f"got: '{mode}'")
    if padding_mode not in ('zeros', 'border', 'reflection'):
        raise ValueError(f"nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or "
                         f"'reflection', but got: '{padding_mode}'")
    if align_corners is None:
        _user_warnings.warn(_ALIGN_WARNING)
        align_corners = False
    try:
        batches = input.shape[0] != grid.shape[0]
    except AttributeError:      # not tensors: PyTorch's argument error (the try costs nothing otherwise)
        from ember.ops import _argparse
        _argparse.refuse_from_stack()
        raise
    if batches:
        raise RuntimeError(f'grid_sampler(): expected grid and input to have same batch size, but got input with sizes '
                           f'{list(input.shape)} and grid with sizes {list(grid.shape)}')
    if input.dim() not in (4, 5) or grid.dim() != input.dim():
        raise RuntimeError(f'grid_sampler(): expected 4D or 5D input and grid with same number of dimensions, but got '
                           f'input with sizes {list(input.shape)} and grid with sizes {list(grid.shape)}')
    n = input.dim() - 2
    if grid.shape[-1] != n:
        raise RuntimeError(f'grid_sampler(): expected grid to have size {n} in last dimension, but got grid with sizes '
                           f'{list(grid.shape)}')
    if mode == 'bicubic' and n != 2:
        raise RuntimeError('grid_sampler(): bicubic interpolation only supports 4D input')
    if input.dtype != grid.dtype:
        raise RuntimeError(f'expected scalar type {_scalar_type_name(input.dtype)} but found '
                           f'{_scalar_type_name(grid.dtype)}')
    from ember.ops import _one_node
    return _one_node.one_node_keeping_graph(_GRID_SAMPLER_NODES[n], lambda x, at: _grid_sample_value(x, at, mode, padding_mode, align_corners),
                              (input, grid), mode, padding_mode, bool(align_corners))


class _GridSampler(Primitive):
    """``grid_sample`` as PyTorch's one node (``GridSampler2DBackward0``/``GridSampler3DBackward0``): ``forward``
    hands back the value of the composite sampling; the backward differentiates that composite (so every
    order of derivatives follows)."""
    saved_names = ('input', 'grid')
    # grad_fn._saved_*, read lazily (the modes as PyTorch's integers)
    saved_attrs = {'align_corners': _sa.item('modes', 2), 'grid': _sa.saved(1), 'input': _sa.saved(0),
                   'interpolation_mode': lambda node: ('bilinear', 'nearest', 'bicubic').index(node.modes[0]),
                   'padding_mode': lambda node: ('zeros', 'border', 'reflection').index(node.modes[1])}

    @staticmethod
    def forward(ctx, input, grid, mode, padding_mode, align_corners, value):
        from ember.ops import _one_node
        ctx.modes = (mode, padding_mode, align_corners)
        ctx.recorded = value
        ctx.save_for_backward(input, grid)
        return _one_node.value_of(value)

    @staticmethod
    def backward(ctx, g):
        from ember.ops import _one_node
        input, grid = ctx.saved_tensors
        mode, padding_mode, align_corners = ctx.modes
        need = ctx.needs_input_grad[:2]
        gi, gg = _one_node.recorded_grads(ctx, lambda x, at: _grid_sample_value(x, at, mode, padding_mode, align_corners),
                                          (input, grid), need, g)
        if need[1] and gg is None:      # (nearest: the grid gets a zero gradient, as in PyTorch)
            gg = grid.new_zeros(grid.shape)
        return gi, gg, None, None, None, None


_GRID_SAMPLER_NODES = {n: type(f'GridSampler{n}D', (_GridSampler,), {'node_name': f'GridSampler{n}DBackward0',
                                                                     'saved_attrs': _GridSampler.saved_attrs})
                       for n in (2, 3)}


def _grid_sample_value(input, grid, mode, padding_mode, align_corners):
    n = input.dim() - 2
    sizes = tuple(input.shape[2:])
    out_shape = tuple(grid.shape[1:-1])
    flat = input.reshape(input.shape[0], input.shape[1], math.prod(sizes))
    coords = [_unnormalize(grid[..., n - 1 - d], sizes[d], align_corners) for d in range(n)]   # per spatial dim
    if mode == 'bicubic':
        return _bicubic(flat, coords, sizes, out_shape, padding_mode, align_corners)
    coords = [_apply_padding(c, s, padding_mode, align_corners) for c, s in zip(coords, sizes)]
    if mode == 'nearest':
        return _gather(flat, [c.detach().round() for c in coords], sizes, out_shape)
    lows = [c.detach().floor() for c in coords]
    fracs = [c - lo for c, lo in zip(coords, lows)]
    out = None
    for corner in range(2 ** n):
        idx, weight = [], None
        for d in range(n):
            up = (corner >> (n - 1 - d)) & 1
            idx.append(lows[d] + up)
            w = fracs[d] if up else 1 - fracs[d]
            weight = w if weight is None else weight * w
        term = _gather(flat, idx, sizes, out_shape) * weight.unsqueeze(1)
        out = term if out is None else out + term
    return out


def _bicubic(flat, coords, sizes, out_shape, padding_mode, align_corners):
    lows = [c.detach().floor() for c in coords]
    weights = [_cubic_weights(c - lo) for c, lo in zip(coords, lows)]
    out = None
    for i in range(4):          # rows (y)
        for j in range(4):      # columns (x)
            idx = [_apply_padding(lows[0] - 1 + i, sizes[0], padding_mode, align_corners),
                   _apply_padding(lows[1] - 1 + j, sizes[1], padding_mode, align_corners)]
            if padding_mode == 'reflection':    # reflected taps land between pixels only through rounding error
                idx = [v.round() for v in idx]
            term = _gather(flat, idx, sizes, out_shape) * (weights[0][i] * weights[1][j]).unsqueeze(1)
            out = term if out is None else out + term
    return out
