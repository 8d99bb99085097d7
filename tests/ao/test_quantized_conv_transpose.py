"""Quantized ConvTranspose1d/2d/3d: outputs bit for bit as PyTorch's FBGEMM kernels on 18 random layers
(groups, strides, dilations, paddings, output paddings; tests/fixtures/quantized/conv_transpose_cases.json,
recorded by conv_transpose_cases.py), reprs, state_dict and errors."""
import json
import pathlib
import warnings

import pytest

import ember
from ember import nn
from tests.fixtures.quantized import conv_transpose_cases

RECORD = json.loads((pathlib.Path(__file__).parents[1] / 'fixtures' / 'quantized' /
                     'conv_transpose_cases.json').read_text())
nnq = ember.ao.nn.quantized


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        yield


def test_outputs_match_pytorch_bit_for_bit():
    got = conv_transpose_cases.run(ember)
    assert sorted(got) == sorted(RECORD)
    for case, expected in RECORD.items():
        assert got[case] == expected, case
    assert any(len(v) == 2 for v in RECORD.values())     # a case whose output size is zero: PyTorch's error


def test_module_surface():
    m = nnq.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2)
    assert repr(m) == ('QuantizedConvTranspose2d(4, 6, kernel_size=(3, 3), stride=(2, 2), scale=1.0, zero_point=0, '
                       'padding=(1, 1), output_padding=(1, 1), groups=2)')
    assert list(m.state_dict()) == ['weight', 'bias', 'scale', 'zero_point']
    assert tuple(m.weight().shape) == (4, 3, 3, 3) and m.weight().qscheme() is ember.per_tensor_affine
    x = ember.quantize_per_tensor(ember.rand(1, 4, 5, 5), 0.02, 3, ember.quint8)
    assert m(x).shape == (1, 6, 10, 10)
    fresh = nnq.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2)
    fresh.load_state_dict(m.state_dict())
    assert ember.equal(fresh(x).int_repr(), m(x).int_repr())
    with pytest.raises(ValueError, match='^Only "zeros" padding mode is supported for ConvTranspose1d$'):
        nnq.ConvTranspose1d(2, 3, 3, padding_mode='reflect')
    with pytest.raises(ValueError, match=r'^Input shape must be `\(N, C, L\)`!$'):
        nnq.ConvTranspose1d(2, 3, 3)(x)
    with pytest.raises(RuntimeError, match='^Output dimension is zero for 1 axis; kernel: 3, stride: 1, input '
                                           'padding: 2, output padding: 0, dilation: 1$'):
        nnq.ConvTranspose1d(1, 1, 3, padding=2)(ember.quantize_per_tensor(ember.rand(1, 1, 1), 0.1, 0,
                                                                          ember.quint8))
    conv = nn.ConvTranspose1d(2, 2, 3)
    with pytest.raises(AssertionError, match='must have qconfig defined'):
        nnq.ConvTranspose1d.from_float(conv)


def test_against_pytorch_directly():
    torch = pytest.importorskip('torch')
    assert conv_transpose_cases.run(ember) == conv_transpose_cases.run(torch)


def test_wrong_input_rank_errors_name_pytorchs_shapes():
    q = ember.quantize_per_tensor(ember.rand(1, 2, 3, 3, 3, 3), 0.1, 0, ember.quint8)
    expected = {nnq.Conv1d: '(N, C, L)', nnq.Conv2d: '(N, C, H, W)', nnq.Conv3d: '(N, C, D, H, W)',
                nnq.ConvTranspose1d: '(N, C, L)', nnq.ConvTranspose2d: '(N, C, H, W)',
                nnq.ConvTranspose3d: '(N, C, T, H, W)'}      # (recorded from PyTorch 2.13)
    for cls, shape in expected.items():
        with pytest.raises(ValueError) as info:
            cls(2, 2, 1)(q)
        assert str(info.value) == f'Input shape must be `{shape}`!'
