"""F.interpolate: resampling along each spatial dimension in turn.

Every mode is separable, so the N-d resize is a sequence of 1-d resizes: nearest modes gather
rows; linear and cubic modes blend two or four gathered rows with per-position weights; 'area'
is adaptive average pooling, as in PyTorch.  All are ember ops, so gradients of any order work.
Source positions follow PyTorch's formulas exactly (nearest in float32, as ATen computes it).
"""
import math
from operator import index as _index

import numpy as np

from ember import backend
from ember._tensor import Tensor
from ember.autograd.function import Primitive
from ember.ops._antialias import interpolation_weights
from ember.ops import _half, _one_node, _upsample_f32
from ember import _formats
from ember._threads import get_num_threads
from ember._capture_flag import is_capturing
from ember.ops._registry import op
from ember.ops._util import python_reads
from ember import _user_warnings
from ember.autograd import _saved_attrs as _sa

_MODES = ('nearest', 'linear', 'bilinear', 'bicubic', 'trilinear', 'area', 'nearest-exact', 'lanczos')
_NEEDS = {'linear': 3, 'bilinear': 4, 'bicubic': 4, 'trilinear': 5}


def _const(arr, like):
    return Tensor._make(backend.move(arr, like._device), like._device)


def _scale(in_size, out_size, scale_factor, align_corners):
    """ATen's area_pixel_compute_scale: source step per output step."""
    if align_corners:
        return (in_size - 1) / (out_size - 1) if out_size > 1 else 0.0
    if scale_factor is not None and scale_factor > 0:
        return 1.0 / scale_factor
    return in_size / out_size


def _nearest_index(in_size, out_size, scale_factor, exact, shortcuts):
    dst = np.arange(out_size)
    # ATen's same-size and double-size shortcuts; with a scale_factor its 1-d and 3-d kernels skip
    # them while the 2-d one keeps them (observed on PyTorch 2.x CPU)
    if (shortcuts or scale_factor is None) and out_size == in_size:
        return dst
    if (shortcuts or scale_factor is None) and out_size == 2 * in_size and not exact:
        return dst >> 1
    f32 = np.float32
    scale = f32(1.0 / scale_factor) if scale_factor else f32(in_size) / f32(out_size)
    if exact:
        # ATen: floorf((dst + 0.5) * scale) -- a double product rounded to float, then floored
        src = np.floor(((dst + 0.5) * np.float64(scale)).astype(f32))
    else:
        src = np.floor(dst.astype(f32) * scale)   # int * float in float arithmetic
    src = src.astype(np.int64)
    return np.minimum(src, in_size - 1)


def _along(x, dim, index):
    return x.index_select(dim, _const(index, x))


def _weights(w, x, dim, rounded_to=None):
    """Interpolation weights ``w`` along ``dim``, shaped to broadcast against ``x``; with ``rounded_to`` (a
    NumPy dtype) first rounded to it, as PyTorch keeps a half-precision input's weights in its dtype."""
    shape = [1] * x.ndim
    shape[dim] = len(w)
    if rounded_to is not None:
        w = w.astype(rounded_to)
    return _const(w.astype(x._data.dtype).reshape(shape), x)


def _linear_terms(n, out_size, scale_factor, align_corners):
    scale = _scale(n, out_size, scale_factor, align_corners)
    dst = np.arange(out_size, dtype=np.float64)
    src = dst * scale if align_corners else np.maximum(scale * (dst + 0.5) - 0.5, 0.0)
    i0 = np.minimum(src.astype(np.int64), n - 1)
    i1 = np.minimum(i0 + 1, n - 1)
    l1 = src - i0
    return [(i0, 1.0 - l1), (i1, l1)]


def _cubic_coeffs(t, A=-0.75):
    def near(v):   # |v| <= 1
        return ((A + 2) * v - (A + 3)) * v * v + 1

    def far(v):    # 1 < |v| < 2
        return ((A * v - 5 * A) * v + 8 * A) * v - 4 * A
    return far(t + 1), near(t), near(1 - t), far(2 - t)


def _cubic_terms(n, out_size, scale_factor, align_corners):
    scale = _scale(n, out_size, scale_factor, align_corners)
    dst = np.arange(out_size, dtype=np.float64)
    src = dst * scale if align_corners else scale * (dst + 0.5) - 0.5
    base = np.floor(src).astype(np.int64)
    return [(np.clip(base + k, 0, n - 1), c) for k, c in zip(range(-1, 3), _cubic_coeffs(src - base))]


def _terms(mode, n_in, n_out, scale_factor, align_corners, shortcuts):
    """One spatial dimension's resize as the rows it reads and their weights: ``[(index, weights), ...]``,
    the output the sum of ``x.index_select(dim, index) * weights`` in turn (weights None: the rows as read)."""
    if mode in ('nearest', 'nearest-exact'):
        return [(_nearest_index(n_in, n_out, scale_factor, mode == 'nearest-exact', shortcuts), None)]
    if mode == 'bicubic':
        return _cubic_terms(n_in, n_out, scale_factor, align_corners)
    return _linear_terms(n_in, n_out, scale_factor, align_corners)


_NATIVE_NAMES = {'nearest': 'upsample_nearest', 'nearest-exact': '_upsample_nearest_exact',
                 'linear': 'upsample_linear', 'bilinear': 'upsample_bilinear', 'bicubic': 'upsample_bicubic',
                 'trilinear': 'upsample_trilinear'}


def _refuse(input, mode, align_corners, output_size, scale_factors):
    """PyTorch's argument error from the C function its interpolate hands the sizes or scale
    factors to, when its parser refuses them; nothing when it takes them."""
    from ember.ops import _argparse
    n = input.ndim - 2
    if mode == 'area':      # (its adaptive average pooling takes the sizes)
        if output_size is not None and isinstance(output_size[0], float):
            raise TypeError(f"adaptive_avg_pool{n}d(): argument 'output_size' (position 2) must be tuple of ints, "
                            "but found element of type float at pos 0")
        return
    if mode not in _NATIVE_NAMES:
        return
    name = f"{_NATIVE_NAMES[mode]}{n}d"
    args = (input, output_size, scale_factors) if mode in ('nearest', 'nearest-exact') else \
        (input, output_size, bool(align_corners), scale_factors)
    error = _argparse.explain('nn', name, args, {})
    if error is not None:
        raise error
    for i, s in enumerate(scale_factors or ()):
        if not isinstance(s, (int, float, np.integer, np.floating)):    # (the parser read only the first)
            raise TypeError(f"{name}(): argument 'scale_factors' must be tuple of floats, but found element of type "
                            f"{_argparse.type_name(s)} at pos {i + 1}")


def _out_sizes(input, size, scale_factor, recompute_scale_factor, mode='nearest', align_corners=None):
    spatial = input.ndim - 2
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        if isinstance(size, (list, tuple)):
            if len(size) != spatial:
                raise ValueError("Input and output must have the same number of spatial dimensions, but got input "
                                 f"with spatial dimensions of {list(input.shape[2:])} and output size of {size}. "
                                 "Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in "
                                 "(o1, o2, ...,oK) format.")
            try:
                sizes = [_index(s) for s in size]   # (integers: 2.0 is refused, as PyTorch's interpolate does)
            except TypeError:
                raise TypeError("expected size to be one of int or Tuple[int] or Tuple[int, int] or Tuple[int, int, "
                                f"int], but got size with types {[type(s) for s in size]}") from None
        else:
            if size.__class__ is not int:   # (PyTorch hands [size] * dims to its C function)
                _refuse(input, mode, align_corners, [size] * spatial, None)
            sizes = [int(size)] * spatial
        return sizes, [None] * spatial
    if scale_factor is None:
        raise ValueError("either size or scale_factor should be defined")
    if isinstance(scale_factor, (list, tuple)):
        if len(scale_factor) != spatial:
            raise ValueError("Input and scale_factor must have the same number of spatial dimensions, but got "
                             f"input with spatial dimensions of {list(input.shape[2:])} and scale_factor of shape "
                             f"{scale_factor}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and "
                             "scale_factor in (s1, s2, ...,sK) format.")
        try:
            factors = [float(s) for s in scale_factor]
        except (TypeError, ValueError):
            _refuse(input, mode, align_corners, None, scale_factor)
            raise
    else:
        if scale_factor.__class__ is not float and scale_factor.__class__ is not int:
            _refuse(input, mode, align_corners, None, [scale_factor] * spatial)
        factors = [float(scale_factor)] * spatial
    sizes = [int(math.floor(float(input.shape[i + 2]) * f)) for i, f in enumerate(factors)]
    if recompute_scale_factor:
        factors = [None] * spatial
    return sizes, factors


@op('F')
def interpolate(input, size=None, scale_factor=None, mode='nearest', align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """Resize the spatial dimensions of an (N, C, d1, ...) tensor.

    >>> F.interpolate(ember.tensor([[[1., 2.]]]), scale_factor=2).tolist()
    [[[1.0, 1.0, 2.0, 2.0]]]
    """
    python_reads(input, 'dim')
    if mode in ('nearest', 'area', 'nearest-exact'):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating modes: "
                             "linear | bilinear | bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    if mode == 'lanczos':
        if not antialias:
            raise ValueError("Lanczos mode requires antialias=True")
        if align_corners:
            raise ValueError("Lanczos mode does not support align_corners=True")
    if antialias and not (mode in ('bilinear', 'bicubic', 'lanczos') and input.ndim == 4):
        raise ValueError("Anti-alias option is restricted to bilinear, bicubic, and lanczos modes and requires a 4-D "
                         "tensor as input")
    if mode not in _MODES or input.ndim not in (3, 4, 5):
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.ndim}D) "
                                  "for the modes: nearest | linear | bilinear | bicubic | trilinear | lanczos | area "
                                  f"| nearest-exact (got {mode})")
    need = _NEEDS.get(mode)
    if need is not None and input.ndim != need:
        raise NotImplementedError(f"Got {input.ndim}D input, but {mode} mode needs {need}D input")
    sizes, factors = _out_sizes(input, size, scale_factor, recompute_scale_factor, mode, align_corners)
    if any(s <= 0 for s in sizes) or any(s <= 0 for s in input.shape[2:]):
        names = 'DHW'[3 - len(sizes):]
        ins = ', '.join(f'{n}: {s}' for n, s in zip(names, input.shape[2:]))
        outs = ', '.join(f'{n}: {s}' for n, s in zip(names, sizes))
        raise RuntimeError(f"Input and output sizes should be greater than 0, but got input ({ins}) output ({outs})")
    if recompute_scale_factor and size is not None:
        raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
    if antialias:
        return _antialiased(input, sizes, factors, mode, bool(align_corners))
    if mode == 'area':   # PyTorch's area mode is adaptive average pooling (its sums and divisions)
        from ember.ops import pooling
        return (pooling.adaptive_avg_pool1d, pooling.adaptive_avg_pool2d,
                pooling.adaptive_avg_pool3d)[len(sizes) - 1](input, sizes)
    rounded = input._data.dtype if mode == 'bicubic' and input.dtype in _half._HALF else None
    return _one_node.one_node(_RESAMPLE_NODES[mode, len(sizes)], lambda x: _resampled(x, sizes, factors, mode, align_corners),
                              (input,), _resample_meta(input, sizes, factors, align_corners), mode, rounded)


def _resampled(input, sizes, factors, mode, align_corners):
    """The resized value: PyTorch's float32 (float64) bits where ember reproduces its kernels, else the op-by-op
    resize."""
    # (a traced graph, as ONNX export records one, keeps the op-by-op form its exporters know)
    exact = mode in _EXACT_MODES and type(input._data) is np.ndarray and not is_capturing()
    if exact and input._data.dtype == np.float64 and (mode == 'bicubic'
                                                      or not _uses_channels_last_kernel(input, sizes, mode)):
        # (float64 through PyTorch's generic kernel; its channels-last one still rounds differently here)
        return _exact_float32(input, sizes, factors, mode, bool(align_corners))
    if exact and input._data.dtype == np.float32:
        return _exact_float32(input, sizes, factors, mode, bool(align_corners))
    if exact and input.dtype in _half._HALF:
        return _exact_float32(input, sizes, factors, mode, bool(align_corners), input._data.dtype)
    if mode not in ('nearest', 'nearest-exact') and input.dtype in _half._HALF:
        # PyTorch interpolates float16/bfloat16 in float32 and rounds once; its bicubic kernel keeps the
        # weights in the half type
        half = input._data.dtype if mode == 'bicubic' else None
        return _half.in_float32(lambda x: _resize(x, sizes, factors, mode, align_corners, half), input)
    return _resize(input, sizes, factors, mode, align_corners)


class _Resample(Primitive):
    """An upsampling recorded as PyTorch's one node (``UpsampleBilinear2DBackward0``, ...): ``forward`` hands
    back the value resized outside (PyTorch's float32 bits, or the op-by-op resize); the gradient is the
    resize's adjoint."""

    @staticmethod
    def forward(ctx, x, meta, mode, rounded_to, value):
        ctx.meta = meta     # (input shape, output size, scale factors, align_corners): grad_fn._saved_*
        ctx.mode = mode
        ctx.rounded_to = rounded_to
        return value

    @staticmethod
    def backward(ctx, g):
        shape, sizes, factors, align_corners = ctx.meta
        mode = ctx.mode

        def adjoint(t):
            return _resize_adjoint(t, shape, sizes, factors, mode, align_corners, ctx.rounded_to)
        # (a half-precision input is resized in float32, but for the nearest modes, which only read rows)
        return (adjoint(g) if mode in ('nearest', 'nearest-exact') else _half.in_float32(adjoint, g),
                None, None, None, None)


def _resample_attrs(n, align_corners=True):
    """What PyTorch's upsample node of ``n`` spatial dims shows (grad_fn._saved_*), read from ``ctx.meta``."""
    scales = ('scales',) if n == 1 else ('scales_d', 'scales_h', 'scales_w')[3 - n:]
    attrs = {'output_size': _sa.item('meta', 1), 'self_sym_sizes': _sa.item('meta', 0)}
    if align_corners:
        attrs['align_corners'] = _sa.item('meta', 3)
    attrs.update({name: (lambda node, i=i: node.meta[2][i]) for i, name in enumerate(scales)})
    return attrs


_RESAMPLE_NODES = {(mode, n): type(f'{name}{n}D', (_Resample,), {'node_name': f'{name}{n}DBackward0',
                                                                   'saved_attrs': _resample_attrs(n, linear)})
                   for mode, name, dims, linear in (('nearest', 'UpsampleNearest', (1, 2, 3), False),
                                                    ('nearest-exact', 'UpsampleNearestExact', (1, 2, 3), False),
                                                    ('linear', 'UpsampleLinear', (1,), True),
                                                    ('bilinear', 'UpsampleBilinear', (2,), True),
                                                    ('trilinear', 'UpsampleTrilinear', (3,), True),
                                                    ('bicubic', 'UpsampleBicubic', (2,), True))
                   for n in dims}
_EXACT_MODES = ('linear', 'bilinear', 'trilinear', 'bicubic')


def _uses_channels_last_kernel(input, sizes, mode):
    """Whether PyTorch's CPU build resizes this input with its channels-last kernel (see
    ``_upsample_f32``)."""
    channels = input.shape[1]
    if mode == 'trilinear':
        return channels > 3 and _formats.is_in_format(input._data, _formats.channels_last_3d)
    if mode != 'bilinear':
        return False
    if channels > 3 and _formats.is_in_format(input._data, _formats.channels_last):
        return True
    return sum(sizes) <= 128 or (channels == 3 and get_num_threads() == 1)


def _exact_float32(input, sizes, factors, mode, align_corners, half=None):
    """``input`` resized with PyTorch's float32 (or float64) arithmetic (``half``: the NumPy type of a float16/bfloat16
    input, which PyTorch resizes in float32 -- its generic kernel with weights in the half type --
    rounding once)."""
    x = input._data if half is None else input._data.astype(np.float32)
    t = x.dtype.type
    spatial = [(x.shape[2 + k], sizes[k], align_corners, factors[k], t) for k in range(len(sizes))]
    if mode == 'bicubic':
        plans = [_upsample_f32.cubic_weights(*s) for s in spatial]
        out = _upsample_f32.generic(x, plans if half is None else _upsample_f32.rounded(plans, half), cubic=True)
    else:
        plans = [_upsample_f32.linear_weights(*s) for s in spatial]
        if _uses_channels_last_kernel(input, sizes, mode):
            out = _upsample_f32.channels_last(x, plans, reduced=half is not None)
        else:
            out = _upsample_f32.generic(x, plans if half is None else _upsample_f32.rounded(plans, half))
    if half is not None:
        out = out.astype(half)
    return Tensor._make(out, input._device)


def _resample_meta(input, sizes, factors, align_corners):
    return tuple(input.shape), tuple(sizes), tuple(factors), align_corners


def _resize(input, sizes, factors, mode, align_corners, rounded_to=None):
    """``input`` resized to ``sizes`` one spatial dimension after the other (``rounded_to``: see
    ``_weights``)."""
    out = input
    for i, (n_out, f) in enumerate(zip(sizes, factors)):
        dim = i + 2
        step = None
        for index, w in _terms(mode, input.shape[dim], n_out, f, align_corners, input.ndim == 4):
            term = _along(out, dim, index) if w is None else _along(out, dim, index) * _weights(w, out, dim, rounded_to)
            step = term if step is None else step + term
        out = step
    return out if out is not input else input.clone()


def _resize_adjoint(g, in_shape, sizes, factors, mode, align_corners, rounded_to=None):
    """The gradient of :func:`_resize`: its steps undone last first, each scatter-adding the weighted gradient
    back to the rows it read (ember ops, so it differentiates again)."""
    for i in reversed(range(len(sizes))):
        dim = i + 2
        shape = list(g.shape)
        shape[dim] = in_shape[dim]
        back = None
        for index, w in _terms(mode, in_shape[dim], sizes[i], factors[i], align_corners, len(in_shape) == 4):
            part = g.new_zeros(shape).index_add(dim, _const(index, g),
                                                g if w is None else g * _weights(w, g, dim, rounded_to))
            back = part if back is None else back + part
        g = back
    return g


class UpsampleAntialiased(Primitive):
    """Both spatial axes of an (N, C, H, W) tensor resampled by constant weight matrices: ``wh @ x @ ww.T``."""

    saved_attrs = _resample_attrs(2)  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, x, wh, ww, meta):
        ctx.weights = (wh, ww)
        ctx.meta = meta
        return ctx.xp.matmul(ctx.xp.matmul(wh, x), ww.T)

    @staticmethod
    def backward(ctx, g):
        wh, ww = (_const(w, g) for w in ctx.weights)
        return wh.t().matmul(g).matmul(ww), None, None, None


class UpsampleBilinear2DAa(UpsampleAntialiased):
    _profile_name = 'aten::_upsample_bilinear2d_aa'
    node_name = 'UpsampleBilinear2DAaBackward0'
    saved_attrs = UpsampleAntialiased.saved_attrs


class UpsampleBicubic2DAa(UpsampleAntialiased):
    _profile_name = 'aten::_upsample_bicubic2d_aa'
    node_name = 'UpsampleBicubic2DAaBackward0'
    saved_attrs = UpsampleAntialiased.saved_attrs


class UpsampleLanczos2DAa(UpsampleAntialiased):
    node_name = 'UpsampleLanczos2DAaBackward0'
    saved_attrs = UpsampleAntialiased.saved_attrs


_ANTIALIASED = {'bilinear': UpsampleBilinear2DAa, 'bicubic': UpsampleBicubic2DAa, 'lanczos': UpsampleLanczos2DAa}


def _antialiased(input, sizes, factors, mode, align_corners):
    if not (input.is_floating_point() or input.is_complex()):
        raise NotImplementedError("ember's antialiased interpolate takes floating-point tensors (PyTorch also resizes "
                                  "uint8 ones in fixed point); convert the input with .float() first")
    dtype = input._data.dtype
    wh, ww = (interpolation_weights(input.shape[2 + i], sizes[i], mode, factors[i], align_corners).astype(dtype)
              for i in range(2))
    return _ANTIALIASED[mode].apply(input, backend.move(wh, input._device), backend.move(ww, input._device),
                                    _resample_meta(input, sizes, factors, align_corners))


@op('F')
def upsample(input, size=None, scale_factor=None, mode='nearest', align_corners=None):
    """Deprecated spelling of :func:`interpolate` (warns): resizes ``input`` to ``size`` or by ``scale_factor``.

    Args:
        input (Tensor): the input tensor, ``(N, C, *spatial)``.
        size (int or tuple of ints, optional): the output spatial size.
        scale_factor (float or tuple of floats, optional): the multiplier for the spatial size.
        mode (str, optional): ``'nearest'``, ``'linear'``, ``'bilinear'``, ``'bicubic'``, ``'trilinear'`` or
            ``'area'``. Default: ``'nearest'``.
        align_corners (bool, optional): for the linear modes, align the corner pixels of input and output.
            Default: ``None``.

    Example::

        >>> F.upsample(ember.tensor([[[1., 2.]]]), scale_factor=2)
        tensor([[[1., 1., 2., 2.]]])
        >>> F.upsample(ember.tensor([[[1., 2.]]]), scale_factor=2, mode='linear')
        tensor([[[1.0000, 1.2500, 1.7500, 2.0000]]])
    """
    _user_warnings.warn("`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` instead.")
    return interpolate(input, size, scale_factor, mode, align_corners)


@op('F')
def upsample_nearest(input, size=None, scale_factor=None):
    """Deprecated spelling of ``interpolate(..., mode='nearest')`` (warns).

    Args:
        input (Tensor): the input tensor, ``(N, C, *spatial)``.
        size (int or tuple of ints, optional): the output spatial size.
        scale_factor (float or tuple of floats, optional): the multiplier for the spatial size.

    Example::

        >>> F.upsample_nearest(ember.tensor([[[1., 2.]]]), size=3)
        tensor([[[1., 1., 2.]]])
    """
    _user_warnings.warn("`nn.functional.upsample_nearest` is deprecated. Use `nn.functional.interpolate` instead.")
    return interpolate(input, size, scale_factor, mode='nearest')


@op('F')
def upsample_bilinear(input, size=None, scale_factor=None):
    """Deprecated spelling of ``interpolate(..., mode='bilinear', align_corners=True)`` (warns).

    Args:
        input (Tensor): input of shape ``(N, C, H, W)``.
        size (int or tuple of ints, optional): the output spatial size.
        scale_factor (float or tuple of floats, optional): the multiplier for the spatial size.

    Example::

        >>> F.upsample_bilinear(ember.tensor([[[[1., 2.], [3., 4.]]]]), size=3)
        tensor([[[[1.0000, 1.5000, 2.0000],
                  [2.0000, 2.5000, 3.0000],
                  [3.0000, 3.5000, 4.0000]]]])
    """
    _user_warnings.warn("`nn.functional.upsample_bilinear` is deprecated. Use `nn.functional.interpolate` instead.")
    return interpolate(input, size, scale_factor, mode='bilinear', align_corners=True)
