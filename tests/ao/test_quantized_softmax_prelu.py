"""Quantized Softmax and PReLU: outputs bit for bit as PyTorch's kernels on 64 random cases
(tests/fixtures/quantized/activation_cases.json, recorded by activation_cases.py), conversion and errors."""
import json
import pathlib
import warnings

import pytest

import ember
from ember import nn
from tests.fixtures.quantized import activation_cases

RECORD = json.loads((pathlib.Path(__file__).parents[1] / 'fixtures' / 'quantized' /
                     'activation_cases.json').read_text())
Q = ember.ao.quantization
nnq = ember.ao.nn.quantized


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        yield


def test_outputs_match_pytorch_bit_for_bit():
    got = activation_cases.run(ember)
    assert len(got) == len(RECORD)
    for i, (g, e) in enumerate(zip(got, RECORD)):
        assert g == e, i


def test_prelu_conversion_and_errors():
    model = nn.Sequential(Q.QuantStub(), nn.PReLU(3), Q.DeQuantStub()).eval()
    model.qconfig = Q.QConfig(activation=Q.default_observer, weight=Q.MinMaxObserver.with_args(dtype=ember.quint8))
    prepared = Q.prepare(model)
    prepared(ember.randn(2, 3, 4))
    converted = Q.convert(prepared)
    assert converted[1]._get_name() == 'QuantizedPReLU' and converted[1].weight.dtype is ember.quint8
    assert converted(ember.randn(2, 3, 4)).shape == (2, 3, 4)
    m = nnq.PReLU(0.1, 0)
    with pytest.raises(RuntimeError, match='^Found dtype QUInt8 but expected QInt8$'):
        m(ember.quantize_per_tensor(ember.randn(2, 2), 0.1, 0, ember.qint8))
    soft = nnq.Softmax()
    with pytest.warns(UserWarning, match='Implicit dimension choice for softmax has been deprecated'):
        out = soft(ember.quantize_per_tensor(ember.randn(2, 3), 0.1, 0, ember.quint8))
    assert out.shape == (2, 3)


def test_against_pytorch_directly():
    torch = pytest.importorskip('torch')
    assert activation_cases.run(ember) == activation_cases.run(torch)
