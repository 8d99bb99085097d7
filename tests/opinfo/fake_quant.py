"""Rows for ember/ops/fake_quant.py. Fake quantization is a staircase, so finite differences cannot
check its straight-through gradient (gradcheck is off); tests/fixtures/printed/quantized.py pins the
gradients, values and errors against PyTorch's."""
import numpy as np

import ember
from tests.opinfo import OpInfo, Raw, Sample


def _ref_per_tensor(x, scale, zero_point, quant_min, quant_max):
    q = np.clip(np.rint(x / scale) + zero_point, quant_min, quant_max)
    return ((q - zero_point) * scale).astype(x.dtype)


def _ref_per_channel(x, scale, zero_point, axis, quant_min, quant_max):
    shape = [1] * x.ndim
    shape[axis] = -1
    scale, zero_point = scale.numpy().reshape(shape), zero_point.numpy().reshape(shape)
    q = np.clip(np.rint(x / scale) + zero_point, quant_min, quant_max)
    return ((q - zero_point) * scale).astype(x.dtype)


def _channel_args(n):
    return (Raw(ember.tensor(np.linspace(0.05, 0.2, n), dtype=ember.float32)),
            Raw(ember.tensor(np.arange(n) - 1, dtype=ember.int32)))


OPS = [
    OpInfo('fake_quantize_per_tensor_affine', ember.fake_quantize_per_tensor_affine,
           lambda rng: [Sample(rng.standard_normal((3, 4)), 0.1, 3, -128, 127),
                        Sample(rng.standard_normal(7), 0.05, 0, -10, 10),
                        Sample(rng.standard_normal((2, 3)) * 5, 0.25, 100, 0, 255)],
           ref=_ref_per_tensor, grad=False, gradgrad=False, atol=1e-6),
    OpInfo('fake_quantize_per_channel_affine', ember.fake_quantize_per_channel_affine,
           lambda rng: [Sample(rng.standard_normal((3, 4)), *_channel_args(3), 0, -128, 127),
                        Sample(rng.standard_normal((2, 5)), *_channel_args(5), 1, -10, 10)],
           ref=_ref_per_channel, grad=False, gradgrad=False, atol=1e-6),
]
