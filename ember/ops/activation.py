"""Activation functions (ReLU family, softmax family); nn.functional re-exports these."""
from ember._tensor import Tensor
from ember.autograd.function import Primitive
from ember.ops._util import wrap_dim


class Relu(Primitive):
    node_name = 'ReluBackward0'

    @staticmethod
    def forward(ctx, x):
        y = ctx.xp.maximum(x, 0)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g * (y > 0).to(g.dtype)


def relu(input, inplace=False):
    if inplace:
        return relu_(input)
    return Relu.apply(input)


def relu_(input):
    from ember.ops.inplace import apply_inplace

    def fast(t):
        t._xp.maximum(t._data, 0, out=t._data)
    return apply_inplace(input, Relu.apply, fast=fast)


class Softmax(Primitive):
    node_name = 'SoftmaxBackward0'

    @staticmethod
    def forward(ctx, x, dim):
        xp = ctx.xp
        e = xp.exp(x - x.max(axis=dim, keepdims=True))
        y = e / e.sum(axis=dim, keepdims=True)
        ctx.dim = dim
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        gy = g * y
        return gy - y * gy.sum(ctx.dim, keepdim=True), None


class LogSoftmax(Primitive):
    node_name = 'LogSoftmaxBackward0'

    @staticmethod
    def forward(ctx, x, dim):
        xp = ctx.xp
        shifted = x - x.max(axis=dim, keepdims=True)
        y = shifted - xp.log(xp.exp(shifted).sum(axis=dim, keepdims=True))
        ctx.dim = dim
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g - y.exp() * g.sum(ctx.dim, keepdim=True), None


def _softmax_dim(input, dim):
    if dim is None:
        dim = 0 if input.ndim in (0, 1, 3) else 1
    return wrap_dim(dim, input.ndim)


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    if dtype is not None:
        input = input.to(dtype)
    if input.dtype.category < 2:
        raise RuntimeError('"softmax_lastdim_kernel_impl" not implemented for \'Long\'')
    if input.ndim == 0:
        return Softmax.apply(input.reshape(1), 0).reshape(())
    return Softmax.apply(input, _softmax_dim(input, dim))


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    if dtype is not None:
        input = input.to(dtype)
    if input.ndim == 0:
        return LogSoftmax.apply(input.reshape(1), 0).reshape(())
    return LogSoftmax.apply(input, _softmax_dim(input, dim))


class Clamp(Primitive):
    node_name = 'ClampBackward1'
    _promote = True

    @staticmethod
    def forward(ctx, x, lo, hi):
        xp = ctx.xp
        ctx.save_for_backward(x, lo, hi)
        y = x
        if lo is not None:
            y = xp.maximum(y, lo)
        if hi is not None:
            y = xp.minimum(y, hi)
        # NaN stays NaN (numpy's maximum already propagates it)
        return y if y is not x else x.copy()

    @staticmethod
    def backward(ctx, g):
        x, lo, hi = ctx.saved_tensors
        mask = None
        if lo is not None:
            mask = x >= lo
        if hi is not None:
            m = x <= hi
            mask = m if mask is None else mask & m
        glo = ghi = None
        if isinstance(lo, Tensor) and ctx.needs_input_grad[1]:
            glo = g * (x < lo).to(g.dtype)
        if isinstance(hi, Tensor) and ctx.needs_input_grad[2]:
            ghi = g * (x > hi).to(g.dtype)
        return g * mask.to(g.dtype), glo, ghi


def clamp(input, min=None, max=None):
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    return Clamp.apply(input, min, max)


clip = clamp


def clamp_min(input, min):
    return clamp(input, min, None)


def clamp_max(input, max):
    return clamp(input, None, max)


def nan_to_num(input, nan=0.0, posinf=None, neginf=None):
    import numpy as np
    xp = input._xp
    return Tensor._make(xp.nan_to_num(input._data, nan=nan, posinf=posinf, neginf=neginf), input._device)
