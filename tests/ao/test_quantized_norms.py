"""Quantized LayerNorm, GroupNorm and InstanceNorm1d/2d/3d: outputs bit for bit as PyTorch's kernel on random
cases (quint8 and qint8, affine or not, several eps; tests/fixtures/quantized/norm_cases.json recorded by
norm_cases.py), reprs, state_dict, conversion from float modules."""
import json
import pathlib
import warnings

import pytest

import ember
from ember import nn
from tests.fixtures.quantized import norm_cases

RECORD = json.loads((pathlib.Path(__file__).parents[1] / 'fixtures' / 'quantized' / 'norm_cases.json').read_text())
Q = ember.ao.quantization
nnq = ember.ao.nn.quantized


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        yield


def test_outputs_match_pytorch_bit_for_bit():
    got = norm_cases.run(ember)
    assert sorted(got) == sorted(RECORD)
    for case, expected in RECORD.items():
        assert got[case] == expected, case


def test_state_dict_and_repr():
    ln = nnq.LayerNorm([4], nn.Parameter(ember.ones(4)), nn.Parameter(ember.zeros(4)), 0.1, 3)
    assert repr(ln) == 'QuantizedLayerNorm((4,), eps=1e-05, elementwise_affine=True, bias=True)'
    assert list(ln.state_dict()) == ['weight', 'bias', 'scale', 'zero_point']
    inorm = nnq.InstanceNorm2d(3, None, None, 0.1, 3)
    assert list(inorm.state_dict()) == ['scale', 'zero_point']
    gn = nnq.GroupNorm(2, 4, nn.Parameter(ember.ones(4)), nn.Parameter(ember.zeros(4)), 0.1, 3)
    assert repr(gn) == 'QuantizedGroupNorm(2, 4, eps=1e-05, affine=True, bias=True)'
    with pytest.raises(TypeError, match="cannot assign 'ember.FloatTensor' as parameter 'weight'"):
        nnq.LayerNorm([4], ember.ones(4), None, 0.1, 3)


def test_static_quantization_converts_norm_layers():
    model = nn.Sequential(Q.QuantStub(), nn.Conv2d(2, 4, 1), nn.GroupNorm(2, 4), nn.InstanceNorm2d(4),
                          nn.LayerNorm([3, 3]), Q.DeQuantStub()).eval()
    model.qconfig = Q.default_qconfig
    prepared = Q.prepare(model)
    x = ember.randn(2, 2, 3, 3)
    prepared(x)
    converted = Q.convert(prepared)
    assert [m._get_name() for m in converted][1:5] == ['QuantizedConv2d', 'QuantizedGroupNorm',
                                                       'QuantizedInstanceNorm2d', 'QuantizedLayerNorm']
    assert float(converted[4].scale) == float(prepared[4].activation_post_process.calculate_qparams()[0])
    out = converted(x)
    assert out.shape == (2, 4, 3, 3) and not out.is_quantized


def test_against_pytorch_directly():
    torch = pytest.importorskip('torch')
    assert norm_cases.run(ember) == norm_cases.run(torch)
