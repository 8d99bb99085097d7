"""ember.signal.windows against PyTorch 2.13's recorded values and errors
(tests/fixtures/signal/record_windows.py writes windows.json)."""
import json
import os

import numpy as np
import pytest

import ember

with open(os.path.join(os.path.dirname(__file__), 'fixtures', 'signal', 'windows.json')) as _f:
    _RECORDED = json.load(_f)


def _call(name, M, kw):
    kw = dict(kw)
    for key in ('dtype', 'layout'):
        if key in kw:
            kw[key] = getattr(ember, kw[key])
    return getattr(ember.signal.windows, name)(M, **kw)


@pytest.mark.parametrize('name,M,kw,dtype,expected', _RECORDED['values'],
                         ids=[f'{v[0]}-{v[1]}-{v[3]}-{i}' for i, v in enumerate(_RECORDED['values'])])
def test_window_values(name, M, kw, dtype, expected):
    got = _call(name, M, {**kw, 'dtype': dtype})
    assert got.dtype is getattr(ember, dtype) and got.shape == (M,)
    # kaiser's Bessel function may differ from PyTorch's in the last float32 bits; the rest agree closely
    tol = 2e-6 if dtype == 'float32' else 1e-13
    np.testing.assert_allclose(got.numpy(), np.array(expected), rtol=tol, atol=tol)


@pytest.mark.parametrize('name,M,kw,error,message', _RECORDED['errors'])
def test_window_errors(name, M, kw, error, message):
    with pytest.raises({'ValueError': ValueError, 'TypeError': TypeError}[error]) as info:
        _call(name, M, kw)
    assert str(info.value) == message.replace('torch.', 'ember.')


def test_window_factory_arguments():
    w = ember.signal.windows.hann(6, sym=False, dtype=ember.float64, requires_grad=True)
    assert w.requires_grad and w.dtype is ember.float64
    assert ember.signal.windows.cosine(3).dtype is ember.get_default_dtype()
    # the periodic window is the symmetric one of length M + 1 without its last point
    np.testing.assert_allclose(ember.signal.windows.hann(7, sym=False).numpy(),
                               ember.signal.windows.hann(8).numpy()[:7], atol=1e-6)

