"""PyTorch's lower-level ``torch.*`` forms of nn functions: integer enums instead of strings, and
the ``native_*`` variants that also return what their kernels save for backward (batch statistics,
dropout masks, bag bookkeeping).

Each is a thin layer over the functional form whose row is in the op table, so values and
gradients are the functional ones; the extra outputs are computed beside it without recording.
"""
import math

import numpy as np

from ember._tensor import Tensor
from ember.autograd import _saved_attrs as _sa
from ember.autograd.function import Primitive
from ember.autograd import grad_mode
from ember.numerics import ENABLED as _PYTORCH_BITS
from ember.ops import _layer_norm_bits
from ember._capture_flag import is_capturing
from ember.ops._registry import op
from ember.ops._util import require_tensor
from ember.ops.inplace import write_out
from ember.ops.torch_nn_spellings import _F, _reduction

_INTERPOLATION = {0: 'bilinear', 1: 'nearest', 2: 'bicubic'}
_PADDING = {0: 'zeros', 1: 'border', 2: 'reflection'}
_BAG_MODES = {0: 'sum', 1: 'mean', 2: 'max'}


def _int_tensor(values, like):
    from ember.ops.creation import tensor
    return tensor(np.asarray(values, dtype=np.int64), device=like.device)


# ------------------------------------------------------------------------------------ sampling
@op('ember')
def grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners):
    """``F.grid_sample`` with integer modes: interpolation 0 bilinear, 1 nearest, 2 bicubic;
    padding 0 zeros, 1 border, 2 reflection.

    Example:
        >>> x = ember.arange(4.).reshape(1, 1, 2, 2)
        >>> ember.grid_sampler(x, ember.zeros(1, 1, 1, 2), 0, 0, True)
        tensor([[[[1.5000]]]])
    """
    try:
        mode, padding = _INTERPOLATION[interpolation_mode], _PADDING[padding_mode]
    except KeyError:
        raise RuntimeError(f"grid_sampler(): unknown interpolation mode {interpolation_mode} or padding mode "
                           f"{padding_mode}") from None
    return _F().grid_sample(input, grid, mode, padding, bool(align_corners))


def _grid_sampler_nd(input, grid, interpolation_mode, padding_mode, align_corners, dims):
    if input.ndim != dims or grid.ndim != dims:
        raise RuntimeError(f"grid_sampler(): expected {dims}D input and grid with same number of dimensions, but got "
                           f"input with sizes {list(input.shape)} and grid with sizes {list(grid.shape)}")
    return grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners)


@op('ember')
def grid_sampler_2d(input, grid, interpolation_mode, padding_mode, align_corners):
    """:func:`grid_sampler` for 4-D ``(N, C, H, W)`` input only.

    Example:
        >>> ember.grid_sampler_2d(ember.ones(1, 1, 2, 2), ember.zeros(1, 1, 1, 2), 1, 0, False).shape
        ember.Size([1, 1, 1, 1])
    """
    return _grid_sampler_nd(input, grid, interpolation_mode, padding_mode, align_corners, 4)


@op('ember')
def grid_sampler_3d(input, grid, interpolation_mode, padding_mode, align_corners):
    """:func:`grid_sampler` for 5-D ``(N, C, D, H, W)`` input only.

    Example:
        >>> ember.grid_sampler_3d(ember.ones(1, 1, 2, 2, 2), ember.zeros(1, 1, 1, 1, 3), 0, 0, False)
        tensor([[[[[1.]]]]])
    """
    return _grid_sampler_nd(input, grid, interpolation_mode, padding_mode, align_corners, 5)


@op('ember')
def affine_grid_generator(theta, size, align_corners):
    """``F.affine_grid(theta, size, align_corners)`` with ``align_corners`` required.

    Example:
        >>> ember.affine_grid_generator(ember.eye(2, 3)[None], [1, 1, 1, 2], False)
        tensor([[[[-0.5000,  0.0000],
                  [ 0.5000,  0.0000]]]])
    """
    return _F().affine_grid(theta, size, bool(align_corners))


# ------------------------------------------------------------------------------------ pooling
@op('ember')
def max_pool1d_with_indices(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    """``F.max_pool1d(..., return_indices=True)``: the maxima and where they were (``stride=()`` means the kernel size).

    Example:
        >>> ember.max_pool1d_with_indices(ember.tensor([[1., 3., 2., 0.]]), 2)
        (tensor([[3., 2.]]), tensor([[1, 2]]))
    """
    from ember.ops.torch_nn_spellings import _pool_stride
    return _F().max_pool1d(input, kernel_size, _pool_stride(stride), padding, dilation, ceil_mode, return_indices=True)


@op('ember')
def adaptive_max_pool1d(input, output_size):
    """``F.adaptive_max_pool1d(..., return_indices=True)``: the maxima and their indices.

    Example:
        >>> ember.adaptive_max_pool1d(ember.tensor([[1., 3., 2., 0.]]), 2)
        (tensor([[3., 2.]]), tensor([[1, 2]]))
    """
    return _F().adaptive_max_pool1d(input, output_size, return_indices=True)


# ------------------------------------------------------------------------------------ losses
class _OmittedMean(int):
    """The default ``reduction=1`` of :func:`ctc_loss`, told apart from an explicit 1: PyTorch's
    ``torch.ctc_loss`` shows mean as its default but returns the per-sequence losses when
    ``reduction`` is left out, and scripts see those."""


_OMITTED_MEAN = _OmittedMean(1)


@op('ember')
def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction=_OMITTED_MEAN, zero_infinity=False):
    """``F.ctc_loss`` with an integer ``reduction`` (0 none, 1 mean, 2 sum). Left out, ``reduction``
    gives the per-sequence losses, as PyTorch's ``torch.ctc_loss`` does.

    Example:
        >>> lp = ember.full((3, 1, 2), 0.5).log()
        >>> ember.ctc_loss(lp, ember.tensor([[1]]), [3], [1], 0, 2)
        tensor(0.2877)
    """
    if isinstance(reduction, str):
        raise TypeError("ctc_loss(): argument 'reduction' must be int, not str")
    reduction = 'none' if reduction is _OMITTED_MEAN else _reduction(reduction)
    return _F().ctc_loss(log_probs, targets, input_lengths, target_lengths, blank, reduction,
                         zero_infinity)


# ------------------------------------------------------------------------------------ embeddings
@op('ember')
def embedding_renorm_(input, indices, max_norm, norm_type):
    """Rescale, in place, the rows of ``input`` named by ``indices`` whose ``norm_type``-norm exceeds
    ``max_norm`` so it becomes ``max_norm``; returns ``input``.

    Example:
        >>> w = ember.tensor([[3., 4.], [0.3, 0.4]])
        >>> ember.embedding_renorm_(w, ember.tensor([0, 1]), 1.0, 2.0)
        tensor([[0.6000, 0.8000],
                [0.3000, 0.4000]])
    """
    from ember.ops.embedding import _renorm_
    with grad_mode.no_grad():
        _renorm_(input, indices, max_norm, norm_type)
    return input


@op('ember')
def embedding_bag(weight, indices, offsets, scale_grad_by_freq=False, mode=0, sparse=False, per_sample_weights=None,
                  include_last_offset=False, padding_idx=None):
    """``F.embedding_bag`` with the table first and an integer ``mode`` (0 sum, 1 mean, 2 max).

    Returns ``(output, offset2bag, bag_size, max_indices)`` as PyTorch's CPU kernel does: the bag of
    each index (left empty by the plain sum), each bag's count of non-padding indices (zeros for
    sum), and for max the table row that gave each output element (for mean, the bag sizes again).

    Example:
        >>> w = ember.tensor([[1., 2.], [3., 4.], [5., 6.]])
        >>> ember.embedding_bag(w, ember.tensor([0, 2, 1]), ember.tensor([0, 2]), mode=1)[0]
        tensor([[3., 4.],
                [3., 4.]])
    """
    if mode not in _BAG_MODES:
        raise RuntimeError("`mode` must be sum, mean, or max.")
    name = _BAG_MODES[mode]
    out = _F().embedding_bag(indices, weight, offsets, None, 2, scale_grad_by_freq, name, sparse, per_sample_weights,
                             include_last_offset, padding_idx)
    return (out, *_bag_bookkeeping(weight, indices, offsets, name, include_last_offset, padding_idx, out.shape[0],
                                   per_sample_weights is not None))


def _bag_bookkeeping(weight, indices, offsets, mode, include_last_offset, padding_idx, bags, weighted):
    idx = indices.detach().cpu().numpy().astype(np.int64).reshape(-1)
    starts = offsets.detach().cpu().numpy().astype(np.int64).reshape(-1)[:bags]
    bag_of = np.searchsorted(starts, np.arange(idx.size), side='right') - 1
    keep = np.ones(idx.size, bool) if padding_idx is None else idx != (padding_idx % weight.shape[0])
    sizes = np.bincount(bag_of[keep], minlength=bags)[:bags]
    # NOTE: PyTorch's plain sum kernel skips the per-index bag list (returned empty) and the sizes
    offset2bag = bag_of if (mode != 'sum' or (padding_idx is not None and not weighted)) else np.zeros(0, np.int64)
    if mode == 'sum':     # NOTE: one zero per offset, also with include_last_offset (as PyTorch)
        sizes = np.zeros(offsets.numel(), np.int64)
        max_indices = sizes
    elif mode == 'mean':
        max_indices = sizes
    else:
        rows = weight.detach().cpu().numpy()
        max_indices = np.zeros((bags, rows.shape[1]), np.int64)
        for b in range(bags):       # NOTE: one step per bag (not per element), as the bags differ in size
            members = idx[(bag_of == b) & keep]
            if members.size:
                max_indices[b] = members[rows[members].argmax(0)]
    return _int_tensor(offset2bag, weight), _int_tensor(sizes, weight), _int_tensor(max_indices, weight)


# ------------------------------------------------------------------------------------ convolution
@op('ember')
def convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding, groups):
    """Convolution of any rank (1-3 spatial dims from ``input``'s rank), plain or ``transposed``,
    with every argument given: ``F.conv{1,2,3}d`` or ``F.conv_transpose{1,2,3}d``.

    Example:
        >>> x, w = ember.ones(1, 1, 4), ember.ones(1, 1, 2)
        >>> ember.convolution(x, w, None, [1], [0], [1], False, [0], 1)
        tensor([[[2., 2., 2.]]])
    """
    dims = input.ndim - 2
    if dims not in (1, 2, 3):
        raise RuntimeError(f"Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: "
                           f"{list(input.shape)}")
    F = _F()
    if transposed:
        fn = (F.conv_transpose1d, F.conv_transpose2d, F.conv_transpose3d)[dims - 1]
        result = fn(input, weight, bias, stride, padding, output_padding, groups, dilation)
    else:
        fn = (F.conv1d, F.conv2d, F.conv3d)[dims - 1]
        result = fn(input, weight, bias, stride, padding, dilation, groups)
    if bias is None and result.grad_fn is not None and result.grad_fn.name() == 'ConvolutionBackward0':
        # PyTorch's node shows the bias=None given here as no bias sizes (F.conv*d's own calls show (0,))
        _sa.show_as_given(result, 'bias_sym_sizes_opt', None)
    return result


@op('ember', 'F')
def conv_tbc(input, weight, bias, pad=0):
    """1-D convolution on time-first input: ``input`` is ``(time, batch, in_channels)``, ``weight``
    ``(kernel_width, in_channels, out_channels)``, ``bias`` ``(out_channels,)``; ``pad`` zeros on both
    ends of time. Returns ``(time + 2 * pad - kernel_width + 1, batch, out_channels)``.

    Example:
        >>> ember.conv_tbc(ember.ones(4, 1, 2), ember.ones(3, 2, 1), ember.zeros(1)).flatten()
        tensor([6., 6.])
    """
    if input.ndim != 3:
        raise RuntimeError("Input must have 3 dims: time, batch, in_channel")
    if weight.ndim != 3:
        raise RuntimeError("Weight tensor must have 3 dims: kernel_width, in_channels, out_channels.")
    if bias.ndim != 1:
        raise RuntimeError("Bias must be 1-D")
    if input.shape[2] != weight.shape[1]:
        raise RuntimeError("Input dim 2 (input channels) is not == dim 1 in the weight tensor")
    if weight.shape[2] != bias.shape[0]:
        raise RuntimeError("Bias size must equal dim 2 in the weight tensor (output channels).")
    from ember.ops import _one_node
    return _one_node.one_node(ConvTbc, lambda x, w, b: _F().conv1d(x.permute(1, 2, 0), w.permute(2, 1, 0), b, 1,
                                                                   pad).permute(2, 0, 1), (input, weight, bias), pad)


class ConvTbc(Primitive):
    """``conv_tbc``'s one node, as PyTorch's: the gradients of the 1-D convolution it is (``ember.nn.grad``'s),
    in time-first layout; the bias's is ``grad`` summed over time and batch."""
    node_name = 'ConvTbcBackward0'
    saved_names = ('self', 'weight', 'bias')
    saved_attrs = {'self': _sa.saved(0), 'weight': _sa.saved(1), 'bias': _sa.saved(2), 'pad': _sa.field('pad')}

    @staticmethod
    def forward(ctx, x, weight, bias, pad, value):
        ctx.pad = pad
        ctx.save_for_backward(x, weight, bias)
        return value

    @staticmethod
    def backward(ctx, g):
        from ember.nn import grad as conv_grad
        x, weight, bias = ctx.saved_tensors
        need = ctx.needs_input_grad
        g1 = g.permute(1, 2, 0)
        w = weight.permute(2, 1, 0)
        gx = (conv_grad.conv1d_input(tuple(x.permute(1, 2, 0).shape), w, g1, 1, ctx.pad).permute(2, 0, 1)
              if need[0] else None)
        gw = (conv_grad.conv1d_weight(x.permute(1, 2, 0), tuple(w.shape), g1, 1, ctx.pad).permute(2, 1, 0)
              if need[1] else None)
        gb = g.sum((0, 1)) if need[2] else None
        return gx, gw, gb, None, None


# ------------------------------------------------------------------------------------ normalization
def _stats(input, axes, eps):
    """Mean and 1/sqrt(biased variance + eps) over ``axes``, kept as dims, recorded like any ember op."""
    mean = input.mean(axes, keepdim=True)
    var = input.var(axes, unbiased=False, keepdim=True)
    return mean, (var + eps).rsqrt()


@op('ember')
def native_layer_norm(input, normalized_shape, weight, bias, eps):
    """``F.layer_norm`` that also returns the mean and the reciprocal standard deviation it used
    (shaped like ``input`` with the normalized dims kept as 1).

    Example:
        >>> y, mean, rstd = ember.native_layer_norm(ember.tensor([[1., 3.]]), [2], None, None, 0.0)
        >>> y, mean, rstd
        (tensor([[-1.,  1.]]), tensor([[2.]]), tensor([[1.]]))
    """
    y = _F().layer_norm(input, normalized_shape, weight, bias, eps)
    k = len((normalized_shape,) if isinstance(normalized_shape, int) else normalized_shape)
    x = input._data
    if type(x) is np.ndarray and x.dtype == np.float32 and x.size and _PYTORCH_BITS[0] and not is_capturing():
        # the statistics PyTorch's float32 kernel computes (and F.layer_norm used): its bits (a captured
        # graph records them as ops instead)
        stats_shape = x.shape[:x.ndim - k] + (1,) * k
        mean, rstd = _layer_norm_bits.stats(np.ascontiguousarray(x).reshape(-1, math.prod(x.shape[x.ndim - k:])), eps)
        return y, Tensor._make(mean.reshape(stats_shape), input._device), Tensor._make(rstd.reshape(stats_shape), input._device)
    with grad_mode.no_grad():
        mean, rstd = _stats(input, tuple(range(input.ndim - k, input.ndim)), eps)
    return y, mean, rstd


@op('ember')
def native_group_norm(input, weight, bias, N, C, HxW, group, eps):
    """``F.group_norm`` for input of ``N`` samples, ``C`` channels and ``HxW`` positions each, also
    returning each (sample, group)'s mean and reciprocal standard deviation, shaped ``(N, group)``.

    Example:
        >>> y, mean, rstd = ember.native_group_norm(ember.tensor([[[1.], [3.]]]), None, None, 1, 2, 1, 1, 0.0)
        >>> y.flatten(), mean, rstd
        (tensor([-1.,  1.]), tensor([[2.]]), tensor([[1.]]))
    """
    if input.numel() != N * C * HxW:
        raise RuntimeError("Expected X.numel() == N * C * HxW to be true, but got false.")
    y = _F().group_norm(input, group, weight, bias, eps)
    mean, rstd = _stats(input.reshape(N, group, -1), (2,), eps)
    return y, mean.reshape(N, group), rstd.reshape(N, group)


@op('ember')
def native_batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps, *, out=None):
    """``F.batch_norm`` that also returns the batch mean and reciprocal standard deviation per
    channel it normalised with (empty tensors in evaluation mode, which uses the running statistics).

    Example:
        >>> y, mean, invstd = ember.native_batch_norm(ember.tensor([[1.], [3.]]), None, None, None, None,
        ...                                           True, 0.1, 0.0)
        >>> y, mean, invstd
        (tensor([[-1.],
                [ 1.]]), tensor([2.]), tensor([1.]))
    """
    if not training and (running_mean is None or running_var is None):
        raise RuntimeError("running_mean must be defined in evaluation mode")
    y = _F().batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)
    with grad_mode.no_grad():
        if training:
            axes = (0, *range(2, input.ndim))
            mean, invstd = (s.reshape(-1) for s in _stats(input, axes, eps))
        else:
            mean, invstd = (Tensor._make(input._xp.zeros(0, input._data.dtype), input._device) for _ in range(2))
    result = (y, mean, invstd)
    return result if out is None else write_out('native_batch_norm', result, out)


@op('ember', 'F')
def native_channel_shuffle(input, groups):
    """``F.channel_shuffle``: interleave the channels of ``(N, C, *)`` from ``groups`` groups.

    Example:
        >>> ember.native_channel_shuffle(ember.arange(4.).reshape(1, 4, 1), 2).flatten()
        tensor([0., 2., 1., 3.])
    """
    require_tensor(input, 'native_channel_shuffle')
    if input.ndim <= 2:
        raise RuntimeError(f"channel_shuffle expects input with > 2 dims, but got input with sizes {list(input.shape)}")
    from ember.ops._draw_gradients import recorded
    # PyTorch gives this op no derivative: its result records a NotImplemented node whose backward raises
    # ("derivative for aten::native_channel_shuffle is not implemented"); F.channel_shuffle differentiates
    with grad_mode.no_grad():
        result = _F().channel_shuffle(input, groups)
    return recorded(result, 'NotImplemented', input, op='native_channel_shuffle')


# ------------------------------------------------------------------------------------ dropout
@op('ember')
def native_dropout(input, p, train):
    """Dropout that also returns its keep-mask (``bool``): ``(input * mask / (1 - p), mask)``.
    ``train=None`` counts as training; out of training the input comes back with an all-true mask.

    Example:
        >>> ember.native_dropout(ember.ones(3), 0.5, False)
        (tensor([1., 1., 1.]), tensor([True, True, True]))
    """
    if p < 0 or p > 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={1 - p}")
    from ember.ops import _one_node
    return _one_node.one_node(NativeDropout, lambda x: _native_dropout_value(x, p, train), (input,), p, train)


def _native_dropout_value(input, p, train):
    xp = input._xp
    if train is False or p == 0 or input.numel() == 0:
        return input.clone(), Tensor._make(xp.ones(tuple(input.shape), bool), input._device)
    from ember.ops.dropout import _as_tensor, _keep
    if p == 1:
        keep = np.zeros(tuple(input.shape), input._data.dtype)
        scale = keep
    else:
        keep = _keep(input, p, tuple(input.shape))
        scale = keep / keep.dtype.type(1 - p)
    return input * _as_tensor(scale, input), _as_tensor(keep != 0, input)


class NativeDropout(Primitive):
    """``native_dropout``'s one node, as PyTorch's: the gradient is ``grad`` times the mask, scaled by
    ``1 / (1 - p)`` in training (0 for p = 1) and by 1 otherwise."""
    node_name = 'NativeDropoutBackward0'
    saved_names = ('result1',)
    saved_attrs = {'p': _sa.field('p'), 'result1': _sa.saved(0)}

    @staticmethod
    def forward(ctx, x, p, train, value):
        out, mask = value
        ctx.p = p
        ctx.scale = (1.0 if train is False else 0.0 if p == 1 else 1.0 / (1.0 - p))
        ctx.save_for_backward(mask)
        ctx.mark_non_differentiable(mask)
        return out, mask

    @staticmethod
    def backward(ctx, g, _):
        mask, = ctx.saved_tensors
        # (the mask is a constant: no history, so the gradient is recorded only where g is, as PyTorch's)
        return g * mask.detach().to(g.dtype) * ctx.scale, None, None, None
