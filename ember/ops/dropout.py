"""Dropout family: a random keep-mask multiplied in (one MulBackward0 node, as PyTorch's CPU path).

As in PyTorch on the CPU, the mask is ``empty(shape).bernoulli_(1 - p)`` from the default
generator (one double uniform per element), divided by ``1 - p`` in the input's dtype, so a
seeded run drops exactly PyTorch's elements.  Masks for CUDA tensors are drawn on the host and
moved, which keeps them reproducible for a seed.
"""
import math
import sys
import warnings

import numpy as np

from ember.ops._float8 import refuse_float8 as _refuse_float8
from ember import backend
from ember._formats import preserved_strides
from ember._tensor import Tensor
from ember.ops._registry import op
from ember.ops._util import python_reads, require_tensor


def _check_p(p, training=True, native='dropout'):
    """PyTorch's checks: ``p`` in its Python function, then ``training`` by the parser of the C
    function ``native`` it hands both to (as argument 3, ``train``, a bool and nothing else)."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if training.__class__ is not bool:
        from ember.ops._argparse import type_name
        raise TypeError(f"{native}(): argument 'train' (position 3) must be bool, not {type_name(training)}")


def _keep(input, p, shape):
    """Bernoulli(1 - p) keep-mask of ``shape`` (broadcastable to ``input``) as a host array of
    the input's dtype."""
    from ember._random import draw
    from ember._random.generator import default_generator
    if input._device.type == 'meta':   # no values: nothing to draw (the generator is left as it is)
        return backend.meta_array(shape, input._data.dtype)
    n = int(np.prod(shape, dtype=np.int64))
    flat = draw.bernoulli_scalar(default_generator, n, 1 - p)
    batching = sys.modules.get('ember.func._batched_tensor')     # (loaded once vmap has run)
    if shape == tuple(input.shape) and not (batching is not None and isinstance(input, batching.BatchedTensor)):
        # (a vmapped input has no memory of its own to follow: its values are the batch's)
        # PyTorch draws into empty_like(input), which keeps a transposed or permuted input's strides,
        # and fills it in memory order: the draws land where the input's memory order puts them
        data = input._data
        strides = preserved_strides(data.shape, data.strides, data.itemsize)
        if strides is not None:
            return np.ascontiguousarray(np.lib.stride_tricks.as_strided(
                flat, shape, tuple(s * flat.itemsize for s in strides))).astype(data.dtype)
    return flat.reshape(shape).astype(input._data.dtype)


def _as_tensor(arr, input):
    return Tensor._make(backend.move(arr, input._device), input._device)


def _apply_mask(input, mask, inplace):
    if inplace:
        return input.mul_(mask)
    return input * mask


def _dropout_impl(input, p, training, inplace, feature):
    try:
        if not training or p == 0 or input.numel() == 0:
            return input
        if p < 1:
            _refuse_float8('bernoulli_scalar_cpu_', input)     # (the mask is drawn in the input's dtype)
    except AttributeError:      # not a tensor: PyTorch's argument error for the op called
        from ember.ops import _argparse
        _argparse.refuse_from_stack()
        raise
    shape = tuple(input.shape)
    if feature:
        shape = shape[:2] + (1,) * (len(shape) - 2)
    if p == 1:      # everything dropped: times a 0-dim zero, as PyTorch (the node keeps that zero)
        mask = Tensor._make(input._xp.zeros((), input._data.dtype), input._device)
        return _apply_mask(input, mask, inplace)
    keep = _keep(input, p, shape)
    # PyTorch divides by the number 1 - p in float32 for float16/bfloat16 (never by its 16-bit rounding)
    wide = keep.dtype.type if keep.dtype.itemsize > 2 else np.float32
    mask = _as_tensor((keep.astype(wide, copy=False) / wide(1 - p)).astype(keep.dtype, copy=False), input)
    return _apply_mask(input, mask, inplace)


@op('F')
def dropout(input, p=0.5, training=True, inplace=False):
    """Zero each element with probability ``p`` and scale the rest by ``1/(1-p)`` (training only).

    Example::

        >>> F.dropout(ember.ones(8), p=0.5)
        tensor([0., 0., 2., 0., 0., 0., 2., 2.])
        >>> F.dropout(ember.ones(8), p=0.5, training=False)
        tensor([1., 1., 1., 1., 1., 1., 1., 1.])
    """
    _check_p(p, training)
    return _dropout_impl(input, p, training, inplace, feature=False)


def _feature(input, p, training, inplace, batched):
    _check_p(p, training, 'feature_dropout')
    if training and 0 < p < 1:
        _refuse_float8('bernoulli_scalar_cpu_', input)
    if batched:
        return _dropout_impl(input, p, training, inplace, feature=True)
    x = input.unsqueeze(0)
    out = _dropout_impl(x, p, training, False, feature=True).squeeze(0)
    if inplace:
        return input.copy_(out) if out is not input else input
    return out


@op('F')
def dropout1d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, L) or (C, L) inputs.

    Example::

        >>> F.dropout1d(ember.ones(1, 4, 2), p=0.5)
        tensor([[[0., 0.],
                 [0., 0.],
                 [2., 2.],
                 [0., 0.]]])
    """
    python_reads(input, 'dim')
    _check_p(p)
    if input.ndim not in (2, 3):
        raise RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a {input.ndim}D input. Note that "
                           "dropout1d exists to provide channel-wise dropout on inputs with 1 spatial dimension, a "
                           "channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).")
    return _feature(input, p, training, inplace, batched=input.ndim == 3)


@op('F')
def dropout2d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, H, W) inputs.

    Example::

        >>> F.dropout2d(ember.ones(1, 4, 1, 2), p=0.5)
        tensor([[[[0., 0.]],
        <BLANKLINE>
                 [[0., 0.]],
        <BLANKLINE>
                 [[2., 2.]],
        <BLANKLINE>
                 [[0., 0.]]]])
    """
    python_reads(input, 'dim')
    _check_p(p)
    ndim = input.ndim
    if ndim not in (3, 4):
        warnings.warn(f"dropout2d: Received a {ndim}-D input to dropout2d, which is deprecated and will result in "
                      "an error in a future release. To retain the behavior and silence this warning, please use "
                      "dropout instead. Note that dropout2d exists to provide channel-wise dropout on inputs with 2 "
                      "spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 3D or 4D "
                      "inputs).", stacklevel=2)
    if ndim == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout "
                      "behavior is desired - input is interpreted as shape (N, C, L), where C is the channel dim. "
                      "This behavior will change in a future release to interpret the input as one without a "
                      "batch dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout behavior, "
                      "please switch to using dropout1d instead.", stacklevel=2)
    # PyTorch drops features of the input as it is, whatever its rank (a 2-D one element by element)
    return _feature(input, p, training, inplace, batched=True)


@op('F')
def dropout3d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, D, H, W) inputs.

    Example::

        >>> F.dropout3d(ember.ones(1, 4, 1, 1, 2), p=0.5).flatten()
        tensor([0., 0., 0., 0., 2., 2., 0., 0.])
    """
    python_reads(input, 'dim')
    _check_p(p)
    ndim = input.ndim
    if ndim not in (4, 5):
        warnings.warn(f"dropout3d: Received a {ndim}-D input to dropout3d, which is deprecated and will result in "
                      "an error in a future release. To retain the behavior and silence this warning, please use "
                      "dropout instead. Note that dropout3d exists to provide channel-wise dropout on inputs with 3 "
                      "spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 4D or 5D "
                      "inputs).", stacklevel=2)
    return _feature(input, p, training, inplace, batched=ndim == 5)


_ALPHA = 1.7580993408473766   # -SELU's negative saturation value, SELU scale * alpha


def _alpha_impl(input, p, training, inplace, feature):
    _check_p(p, training, 'feature_alpha_dropout' if feature else 'alpha_dropout')
    if training and 0 < p < 1 and input.numel():
        _refuse_float8('bernoulli_scalar_cpu_', input)
    if not training or p == 0 or input.numel() == 0:
        return input
    shape = tuple(input.shape)
    if feature:
        shape = shape[:2] + (1,) * (len(shape) - 2)
    if p == 1:
        zero = Tensor._make(input._xp.zeros(shape, input._data.dtype), input._device)
        return _apply_mask(input, zero, inplace)
    keep = _keep(input, p, shape)
    # keeps the SELU fixed point: mean 0 / variance 1 in, mean 0 / variance 1 out; each step
    # rounds in the input's dtype, as PyTorch's separate in-place ops do
    a = 1.0 / math.sqrt((_ALPHA * _ALPHA * p + 1) * (1 - p))
    t = keep.dtype.type
    b = _as_tensor(((keep - t(1)) * t(_ALPHA * a)) + t(_ALPHA * a * p), input)
    mask = _as_tensor(keep * t(a), input)
    if inplace:
        return input.mul_(mask).add_(b)
    return input * mask + b


@op('F')
def alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Alpha dropout for SELU networks: drops elements to SELU's negative saturation value and rescales so that the
    mean and variance of the input are kept.

    Args:
        input (Tensor): the input tensor.
        p (float, optional): the probability of dropping an element. Default: 0.5.
        training (bool, optional): apply dropout only when ``True``. Default: ``False``.
        inplace (bool, optional): overwrite ``input``. Default: ``False``.

    Example::

        >>> x = ember.ones(6)
        >>> F.alpha_dropout(x, 0.5)
        tensor([1., 1., 1., 1., 1., 1.])
        >>> F.alpha_dropout(x, 0.5, training=True)
        tensor([-0.7792, -0.7792,  1.6656, -0.7792, -0.7792, -0.7792])
    """
    require_tensor(input)
    return _alpha_impl(input, p, training, inplace, feature=False)


@op('F')
def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Alpha dropout of whole channels: every element of a dropped ``(sample, channel)`` takes SELU's negative
    saturation value, then all are rescaled to keep the mean and variance.

    Args:
        input (Tensor): input of shape ``(N, C, *)``.
        p (float, optional): the probability of dropping a channel. Default: 0.5.
        training (bool, optional): apply dropout only when ``True``. Default: ``False``.
        inplace (bool, optional): overwrite ``input``. Default: ``False``.

    Example::

        >>> F.feature_alpha_dropout(ember.ones(1, 4, 2), 0.5, training=True)
        tensor([[[-0.7792, -0.7792],
                 [-0.7792, -0.7792],
                 [ 1.6656,  1.6656],
                 [-0.7792, -0.7792]]])
    """
    require_tensor(input)
    return _alpha_impl(input, p, training, inplace, feature=True)
