"""F.interpolate(..., antialias=True) for bilinear, bicubic and lanczos: PyTorch's values (recorded by
tests/fixtures/record_interpolate_antialias.py), its errors, and gradients through the resampling."""
import json
import pathlib

import numpy as np
import pytest

import ember
import ember.nn.functional as F
from tests.fixtures.record_interpolate_antialias import CASES, inputs

RECORDED = json.loads(pathlib.Path(__file__).with_name('fixtures').joinpath('interpolate_antialias.json').read_text())


@pytest.mark.parametrize('k', range(len(CASES)))
def test_values_as_pytorch(k):
    mode, _, kw = CASES[k]
    x = ember.tensor(inputs()[k])
    y = F.interpolate(x, mode=mode, antialias=True, **kw)
    assert list(y.shape) == RECORDED[k]['shape']
    np.testing.assert_allclose(y.numpy().ravel(), RECORDED[k]['values'], rtol=0, atol=1e-12)
    assert y.dtype is ember.float64


def test_float32_and_the_recorded_node():
    x = ember.tensor(inputs()[0], dtype=ember.float32, requires_grad=True)
    y = F.interpolate(x, size=(3, 4), mode='bicubic', antialias=True)
    assert y.dtype is ember.float32 and y.grad_fn.name() == 'UpsampleBicubic2DAaBackward0'
    assert F.interpolate(x, size=(3, 4), mode='bilinear', antialias=True).grad_fn.name() == \
        'UpsampleBilinear2DAaBackward0'


def test_gradients():
    x = ember.tensor(inputs()[2][:, :, :6, :4], requires_grad=True)
    assert ember.autograd.gradcheck(lambda t: F.interpolate(t, size=(3, 3), mode='bicubic', antialias=True), (x,))
    assert ember.autograd.gradgradcheck(lambda t: F.interpolate(t, scale_factor=1.5, mode='lanczos', antialias=True),
                                        (x,))


def test_errors_as_pytorch():
    x = ember.randn(1, 1, 4, 4)
    with pytest.raises(ValueError, match="^Lanczos mode requires antialias=True$"):
        F.interpolate(x, scale_factor=0.5, mode='lanczos')
    with pytest.raises(ValueError, match="^Lanczos mode does not support align_corners=True$"):
        F.interpolate(x, scale_factor=0.5, mode='lanczos', antialias=True, align_corners=True)
    for bad in (dict(input=x, mode='nearest'), dict(input=x[0], mode='linear'),
                dict(input=ember.randn(1, 1, 4, 4, 4), mode='trilinear')):
        with pytest.raises(ValueError, match="Anti-alias option is restricted to bilinear, bicubic, and lanczos modes "
                                             "and requires a 4-D tensor as input"):
            F.interpolate(scale_factor=0.5, antialias=True, **bad)
    with pytest.raises(ValueError, match="^recompute_scale_factor is not meaningful with an explicit size.$"):
        F.interpolate(x, size=4, mode='bilinear', recompute_scale_factor=True)
