"""Quantization-aware training as PyTorch's: FusedMovingAvgObsFakeQuantize (the x86 QAT qconfigs' fake
quantization) bit for bit (fused_fake_quant_cases.json), and eager conv + BatchNorm QAT trained five steps with
BatchNorm freezing and observers disabled on the way (qat_conv_bn_cases.json): both recorded from PyTorch by the
scripts of the same names."""
import json
import pathlib
import warnings

import numpy as np
import pytest

import ember
from tests.fixtures.quantized import fused_fake_quant_cases, qat_conv_bn_cases

FIXTURES = pathlib.Path(__file__).parents[1] / 'fixtures' / 'quantized'


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        yield


def test_fused_fake_quantize_matches_pytorch_bit_for_bit():
    """Running minima/maxima, scales and zero points (FBGEMM's choice: symmetric ranges centred on zero, tiny
    scales raised to 6.1e-5) and outputs, with the observer and fake quantization switched off in turn."""
    record = json.loads((FIXTURES / 'fused_fake_quant_cases.json').read_text())
    got = fused_fake_quant_cases.run(ember)
    assert len(got) == len(record)
    for g, e in zip(got, record):
        assert g == e, e[:2]


def test_symmetric_per_channel_scale_keeps_both_ends_in_range():
    """qint8 per-channel symmetric: the scale covers max(-min / 128, max / 127), so a maximum larger than the
    minimum's magnitude is not clipped (the Python observers' max(|min|, max) / 127.5 would clip it)."""
    fq = ember.ao.quantization.default_fused_per_channel_wt_fake_quant()
    w = ember.tensor([[-0.3311, 0.3876], [-0.5, 0.25]])
    out = fq(w)
    np.testing.assert_allclose(fq.scale.numpy(), np.float32([0.3876 / 127, 0.5 / 128]), rtol=1e-6)
    assert fq.zero_point.tolist() == [0, 0]
    # both channels' extreme values land exactly on the grid's ends
    np.testing.assert_allclose([out[0, 1].item(), out[1, 0].item()], [0.3876, -0.5], rtol=1e-6)
    np.testing.assert_allclose(out.numpy(), w.numpy(), atol=fq.scale.numpy().max() / 2 + 1e-7)


def test_fused_fake_quantize_gradient_passes_inside_the_range():
    fq = ember.ao.quantization.FusedMovingAvgObsFakeQuantize(quant_min=0, quant_max=255)
    fq(ember.tensor([0.0, 1.0]))
    fq.disable_observer()
    x = ember.tensor([-1.0, 0.5, 2.0], requires_grad=True)
    fq(x).sum().backward()
    assert x.grad.tolist() == [0.0, 1.0, 0.0]


def test_per_channel_fused_fake_quantize_only_on_axis_0():
    fq = ember.ao.quantization.FusedMovingAvgObsFakeQuantize(
        observer=ember.ao.quantization.MovingAveragePerChannelMinMaxObserver, quant_min=-128, quant_max=127,
        dtype=ember.qint8, qscheme=ember.per_channel_symmetric, ch_axis=1)
    with pytest.raises(RuntimeError, match='^Per-channel FakeQuant in fused_moving_avg_obs_fake_quant is only '
                                           'supported on axis == 0$'):
        fq(ember.randn(2, 3))


@pytest.mark.parametrize('path', ['approximate', 'slow_path'])
def test_eager_conv_bn_qat_trains_as_pytorch(path):
    """ConvBn1d, ConvBnReLU2d and ConvBn2d (the one-pass BatchNorm folding, or the two-convolution forward) and
    a QAT Linear: losses, every
    parameter, running statistic, observer and fake-quantization parameter after five SGD steps (BatchNorm
    frozen after three, observers after four), the fake-quantized output and the converted model's output."""
    record = json.loads((FIXTURES / 'qat_conv_bn_cases.json').read_text())[path]
    got = qat_conv_bn_cases.run(ember, slow_path=path == 'slow_path')
    assert got['types'] == record['types']
    np.testing.assert_allclose(got['losses'], record['losses'], rtol=1e-5)
    assert sorted(got['state']) == sorted(record['state'])
    for key, expected in record['state'].items():
        np.testing.assert_allclose(np.array(got['state'][key], np.float64), np.array(expected, np.float64),
                                   rtol=1e-5, atol=1e-6, err_msg=key)
    for key in ('fake_quantized', 'converted'):
        np.testing.assert_allclose(np.array(got[key], np.float32), np.array(record[key], np.float32),
                                   rtol=0, atol=1e-5, err_msg=key)


def test_against_pytorch_directly():
    torch = pytest.importorskip('torch')
    assert fused_fake_quant_cases.run(ember) == fused_fake_quant_cases.run(torch)
