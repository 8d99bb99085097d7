"""Rows for ember/ops/torch_nn_natives.py (gradcheck and gradgradcheck in float64). Their values
against PyTorch's are in tests/test_torch_nn_natives.py (recorded outcomes)."""
import numpy as np

from ember.ops import torch_nn_natives as N
from tests.opinfo import Const, OpInfo, Sample
from tests.opinfo.grid_sample import _grid


def _grid_sampler(rng):
    r = rng.standard_normal
    return [Sample(r((1, 2, 3, 4)), _grid(rng, (1, 2, 3, 2), (3, 4)), 0, 0, False),
            Sample(r((1, 1, 4, 3)), _grid(rng, (1, 2, 2, 2), (4, 3)), 2, 2, True),
            Sample(r((1, 1, 2, 3, 2)), _grid(rng, (1, 2, 1, 2, 3), (2, 3, 2)), 0, 1, False)]


def _grid_sampler_2d(rng):
    return [s for s in _grid_sampler(rng) if s.args[0].ndim == 4]


def _grid_sampler_3d(rng):
    return [s for s in _grid_sampler(rng) if s.args[0].ndim == 5]


def _affine(rng):
    return [Sample(rng.standard_normal((2, 2, 3)), [2, 1, 3, 4], False),
            Sample(rng.standard_normal((1, 3, 4)), [1, 2, 2, 3, 2], True)]


def _convolution(rng):
    r = rng.standard_normal
    return [Sample(r((2, 3, 5)), r((4, 3, 2)), r((4,)), [1], [1], [1], False, [0], 1),
            Sample(r((1, 4, 4, 3)), r((4, 2, 2, 2)), None, [2, 1], [0, 1], [1, 1], False, [0, 0], 2),
            Sample(r((1, 2, 4)), r((2, 3, 2)), r((3,)), [2], [1], [1], True, [1], 1)]


def _conv_tbc(rng):
    r = rng.standard_normal
    return [Sample(r((5, 2, 3)), r((3, 3, 4)), r((4,)), 1), Sample(r((4, 1, 2)), r((2, 2, 3)), r((3,)))]


def _conv_tbc_ref(x, w, b, pad=0):
    x = np.pad(x, ((pad, pad), (0, 0), (0, 0)))
    k = w.shape[0]
    return sum(np.einsum('tbc,co->tbo', x[i:x.shape[0] - k + 1 + i], w[i]) for i in range(k)) + b


def _layer_norm(rng):
    r = rng.standard_normal
    return [Sample(r((2, 3, 4)), [4], r((4,)), r((4,)), 1e-5), Sample(r((2, 3, 4)), [3, 4], None, None, 1e-3)]


def _layer_norm_ref(x, shape, w, b, eps):
    axes = tuple(range(x.ndim - len(shape), x.ndim))
    y = (x - x.mean(axes, keepdims=True)) / np.sqrt(x.var(axes, keepdims=True) + eps)
    return y * (1 if w is None else w) + (0 if b is None else b)


def _group_norm(rng):
    r = rng.standard_normal
    return [Sample(r((2, 4, 3)), r((4,)), r((4,)), 2, 4, 3, 2, 1e-5), Sample(r((1, 6, 2, 2)), None, None, 1, 6, 4, 3, 1e-5)]


def _batch_norm(rng):
    r = rng.standard_normal
    return [Sample(r((4, 3)), r((3,)), r((3,)), None, None, True, 0.1, 1e-5),
            Sample(r((2, 3, 4)), r((3,)), None, Const(r((3,))), Const(rng.uniform(0.5, 2, (3,))), False, 0.1, 1e-5)]


def _dropout(rng):
    # gradcheck repeats the call, so the samples draw no random mask: evaluation, and p = 0
    return [Sample(rng.standard_normal((3, 4)), 0.5, False), Sample(rng.standard_normal((5,)), 0.0, True)]


def _channel_shuffle(rng):
    return [Sample(rng.standard_normal((2, 6, 3)), 3), Sample(rng.standard_normal((1, 4, 2, 2)), 2)]


OPS = [
    OpInfo('grid_sampler', N.grid_sampler, _grid_sampler),
    OpInfo('grid_sampler_2d', N.grid_sampler_2d, _grid_sampler_2d),
    OpInfo('grid_sampler_3d', N.grid_sampler_3d, _grid_sampler_3d),
    OpInfo('affine_grid_generator', N.affine_grid_generator, _affine),
    OpInfo('convolution', N.convolution, _convolution, atol=1e-4),
    OpInfo('conv_tbc', N.conv_tbc, _conv_tbc, ref=_conv_tbc_ref, atol=1e-4),
    OpInfo('native_layer_norm', N.native_layer_norm, _layer_norm, ref=_layer_norm_ref, output_index=0, atol=1e-4),
    OpInfo('native_group_norm', N.native_group_norm, _group_norm, output_index=0),
    OpInfo('native_batch_norm', N.native_batch_norm, _batch_norm, output_index=0),
    OpInfo('native_dropout', N.native_dropout, _dropout, ref=lambda x, p, train: x, output_index=0),
    # (PyTorch gives it no derivative: a NotImplemented node whose backward raises; tests/test_torch_nn_natives.py)
    OpInfo('native_channel_shuffle', N.native_channel_shuffle, _channel_shuffle, grad=False),
]
