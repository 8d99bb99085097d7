"""Quantized sigmoid and tanh bit for bit as PyTorch's kernels (fixed_qparams_cases.json), and FX graph mode
quantization of the fixed-parameter ops with what convert_fx does to the prepared model
(fx_convert_cases.json): both recorded from PyTorch by the scripts of the same names."""
import json
import pathlib
import warnings

import numpy as np
import pytest

import ember
from tests.fixtures.quantized import fixed_qparams_cases, fx_convert_cases

FIXTURES = pathlib.Path(__file__).parents[1] / 'fixtures' / 'quantized'


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        yield


def test_quantized_sigmoid_and_tanh_match_pytorch_bit_for_bit():
    record = json.loads((FIXTURES / 'fixed_qparams_cases.json').read_text())
    got = fixed_qparams_cases.run(ember)
    assert len(got) == len(record)
    for i, (g, e) in enumerate(zip(got, record)):
        assert g == e, (i, e[0])


@pytest.mark.parametrize('dtype, sigmoid_qparams, tanh_qparams', [
    ('quint8', (2 ** -8, 0), (2 ** -7, 128)), ('qint8', (2 ** -8, -128), (2 ** -7, 0)),
    ('qint32', (2 ** -32, 0), (2 ** -31, 0))])
def test_fixed_output_parameters_per_dtype(dtype, sigmoid_qparams, tanh_qparams):
    q = ember.quantize_per_tensor(ember.tensor([-3.0, -0.5, 0.0, 0.25, 4.0]), 0.01, 0, getattr(ember, dtype))
    x = q.dequantize().numpy().astype(np.float64)
    for fn, qparams, expected in ((ember.sigmoid, sigmoid_qparams, 1 / (1 + np.exp(-x))),
                                  (ember.Tensor.tanh, tanh_qparams, np.tanh(x))):
        out = fn(q)
        assert out.dtype is q.dtype and (out.q_scale(), out.q_zero_point()) == qparams
        if dtype != 'qint32':
            np.testing.assert_allclose(out.dequantize().numpy(), expected, atol=qparams[0] / 2 + 1e-7)
    if dtype == 'qint32':   # PyTorch's integers: sigmoid saturates at 2^31 - 1 (0.5), tanh within a float32 ulp
        assert ember.sigmoid(q).int_repr().tolist() == [203692576, 1621524864, 2147483647, 2147483647, 2147483647]
        np.testing.assert_allclose(q.tanh().int_repr().numpy(),
                                   [-2136863872, -992389056, 0, 525958816, 2146043392], rtol=0, atol=64)


def test_quantized_sigmoid_refuses_out_and_float_inputs_are_unchanged():
    q = ember.quantize_per_tensor(ember.tensor([0.5, -1.0]), 0.1, 3, ember.quint8)
    with pytest.raises(NotImplementedError, match="'QuantizedCPU' backend"):
        ember.sigmoid(q, out=ember.empty(2))
    with pytest.raises(NotImplementedError, match="'QuantizedCPU' backend"):
        ember.tanh(q, out=ember.empty(2))
    x = ember.tensor([0.0, 1.0])
    np.testing.assert_allclose(ember.sigmoid(x).numpy(), [0.5, 0.7310586], rtol=1e-6)


@pytest.fixture(scope='module')
def convert_record():
    return json.loads((FIXTURES / 'fx_convert_cases.json').read_text())


@pytest.fixture(scope='module')
def convert_run():
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        return fx_convert_cases.run(ember)


@pytest.mark.parametrize('convert', ['convert_fx', 'convert_to_reference_fx'])
def test_fixed_qparams_ops_convert_as_pytorch(convert_record, convert_run, convert):
    """sigmoid/tanh (modules, functions, methods) run quantized on their inputs' quantized values, softmax as
    QuantizedSoftmax; the converted code and its outputs are PyTorch's."""
    expected, got = convert_record[convert], convert_run[convert]
    assert got['code'] == expected['code']
    assert got['converted_types'] == expected['converted_types']
    assert got['converted_buffers'] == expected['converted_buffers']
    assert got['converted_meta'] == expected['converted_meta']
    for g, e in zip(got['outputs'], expected['outputs'], strict=True):
        g, e = np.array(g, np.float32), np.array(e, np.float32)
        if convert == 'convert_fx':    # integer kernels: PyTorch's values exactly
            np.testing.assert_array_equal(g, e)
        else:
            # the reference model convolves in float32 (dequantize, conv, quantize): ember adds the products in
            # another order than PyTorch's oneDNN kernel (float32 convolutions agree to rounding, not bit for
            # bit), so a sum on a rounding boundary lands one quantization step away and the ops after it
            # (sigmoid, softmax, their requantization) carry that on by a few steps; most values are PyTorch's
            np.testing.assert_allclose(g, e, rtol=0, atol=4 / 256 + 1e-7)
            assert np.mean(g == e) >= 0.6


@pytest.mark.parametrize('convert', ['convert_fx', 'convert_to_reference_fx'])
def test_convert_rewrites_the_prepared_model_as_pytorch(convert_record, convert_run, convert):
    """The prepared model's graph becomes the converted graph (its forward code stays), it gains the
    quantization parameters as buffers and reference modules in place of its weighted ones (so its output
    changes), and the modules that stay float are shared with the converted model."""
    expected, got = convert_record[convert], convert_run[convert]
    assert got['graph_of_prepared'] == expected['graph_of_prepared']
    assert got['prepared_code_kept'] is expected['prepared_code_kept'] is True
    assert got['prepared_types'] == expected['prepared_types']
    assert got['prepared_buffers'] == expected['prepared_buffers']
    assert got['shared'] == expected['shared'] and 'sig' in got['shared']
    assert got['prepared_meta'] == expected['prepared_meta']
    for key in ('prepared_before', 'prepared_after'):
        for g, e in zip(got[key], expected[key], strict=True):
            np.testing.assert_allclose(np.array(g), np.array(e), rtol=0, atol=1e-5)
    assert any(not np.array_equal(b, a) for b, a in zip(map(np.array, got['prepared_before']),
                                                         map(np.array, got['prepared_after'])))


def test_against_pytorch_directly():
    torch = pytest.importorskip('torch')
    assert fixed_qparams_cases.run(ember) == fixed_qparams_cases.run(torch)
