"""ember.stft / ember.istft against PyTorch 2.13's recorded results and errors
(tests/fixtures/signal/record_stft.py writes stft.json); gradients: the op table (tests/opinfo/spectral.py)."""
import json
import os
import warnings

import numpy as np
import pytest

import ember

with open(os.path.join(os.path.dirname(__file__), 'fixtures', 'signal', 'stft.json')) as _f:
    _R = json.load(_f)


def _window(name):
    fn, n = _R['windows'][name]
    return getattr(ember, fn)(n, dtype=ember.float64)


def _prepare(signal, window, kw):
    kw = dict(kw)
    x = ember.tensor(_R['signals'][signal], dtype=ember.float64)
    if kw.pop('complex', False):
        x = x.to(ember.complex128)
    if kw.pop('int', False):
        x = x.int()
    if 'reshape' in kw:
        x = x.reshape(kw.pop('reshape'))
    if window is not None:
        kw['window'] = _window(window)
    return x, kw


def _inverse_args(spec, window, ikw):
    ikw = dict(ikw)
    if ikw.pop('real_view', False):
        spec = ember.view_as_real(spec)
    if 'frames' in ikw:
        spec = spec[..., :ikw.pop('frames')]
    if window is not None:
        ikw['window'] = _window(window)
    if ikw.pop('complex_window', False):
        ikw['window'] = ikw['window'].to(ember.complex128)
    return spec, ikw


def _as_real(t):
    return (ember.view_as_real(t) if t.is_complex() else t).numpy()


@pytest.mark.filterwarnings('ignore::UserWarning')
@pytest.mark.parametrize('signal,window,kw,expected', _R['stft'])
def test_stft_matches_pytorch(signal, window, kw, expected):
    x, call = _prepare(signal, window, kw)
    got = ember.stft(x, **call)
    assert got.is_complex() == call['return_complex']
    np.testing.assert_allclose(_as_real(got), np.array(expected), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(_as_real(x.stft(**call)), np.array(expected), rtol=1e-12, atol=1e-12)


@pytest.mark.filterwarnings('ignore::UserWarning')
@pytest.mark.parametrize('signal,window,kw,ikw,expected', _R['istft'])
def test_istft_matches_pytorch(signal, window, kw, ikw, expected):
    x, call = _prepare(signal, window, kw)
    spec, icall = _inverse_args(ember.stft(x, return_complex=True, **call), window, ikw)
    got = ember.istft(spec, **icall)
    np.testing.assert_allclose(_as_real(got), np.array(expected), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(_as_real(spec.istft(**icall)), np.array(expected), rtol=1e-12, atol=1e-12)


_ERRORS = {'RuntimeError': RuntimeError, 'NotImplementedError': NotImplementedError}


@pytest.mark.filterwarnings('ignore::UserWarning')
@pytest.mark.parametrize('signal,window,kw,error,message', _R['stft_errors'])
def test_stft_errors(signal, window, kw, error, message):
    x, call = _prepare(signal, window, kw)
    with pytest.raises(_ERRORS[error]) as info:
        ember.stft(x, **call)
    assert str(info.value) == message.replace('torch.', 'ember.')


@pytest.mark.filterwarnings('ignore::UserWarning')
@pytest.mark.parametrize('signal,window,kw,ikw,error,message', _R['istft_errors'])
def test_istft_errors(signal, window, kw, ikw, error, message):
    x, call = _prepare(signal, window, kw)
    spec, icall = _inverse_args(ember.stft(x, return_complex=True, **call), window, ikw)
    with pytest.raises(_ERRORS[error]) as info:
        ember.istft(spec, **icall)
    assert str(info.value) == message.replace('torch.', 'ember.')


def test_stft_round_trip_and_warnings():
    x = ember.randn(3, 40, dtype=ember.float64)
    w = ember.hann_window(16, dtype=ember.float64)
    spec = ember.stft(x, 16, hop_length=4, window=w, return_complex=True)
    assert spec.shape == (3, 9, 11)
    np.testing.assert_allclose(ember.istft(spec, 16, hop_length=4, window=w, length=40).numpy(), x.numpy(),
                               atol=1e-12)
    with warnings.catch_warnings(record=True):
        warnings.simplefilter('always')
        ember.stft(x, 16, return_complex=False, window=w)  # the deprecated real view still works
