"""Rows for ember/ops/spectral.py (stft, istft), against a direct NumPy framing + FFT.

Complex results are taken apart with view_as_real and istft's complex input is built from two real
tensors, so gradcheck and gradgradcheck (float64) see real functions of real inputs (the window too)."""
import numpy as np

import ember
from tests.opinfo import OpInfo, Sample


def _np_stft(x, window, n_fft, hop_length, center=True):
    if center:
        x = np.pad(x, [(0, 0)] * (x.ndim - 1) + [(n_fft // 2, n_fft // 2)], mode='reflect')
    n_frames = 1 + (x.shape[-1] - n_fft) // hop_length
    frames = np.stack([x[..., t * hop_length:t * hop_length + n_fft] for t in range(n_frames)], -2)
    spec = np.fft.rfft(frames * window, axis=-1)
    return np.swapaxes(spec, -1, -2)


def _stft(x, window, **kw):
    return ember.view_as_real(ember.stft(x, window=window, return_complex=True, **kw))


def _stft_ref(x, window, n_fft, hop_length, center=True):
    spec = _np_stft(x, window, n_fft, hop_length, center)
    return np.stack([spec.real, spec.imag], -1)


def _istft(re, im, window, **kw):
    return ember.istft(ember.complex(re, im), window=window, **kw)


def _istft_ref(re, im, window, n_fft, hop_length):
    frames = np.fft.irfft(np.swapaxes(re + 1j * im, -1, -2), n=n_fft, axis=-1) * window
    n_frames = frames.shape[-2]
    total = n_fft + hop_length * (n_frames - 1)
    y = np.zeros(frames.shape[:-2] + (total,))
    env = np.zeros(total)
    for t in range(n_frames):
        y[..., t * hop_length:t * hop_length + n_fft] += frames[..., t, :]
        env[t * hop_length:t * hop_length + n_fft] += window ** 2
    return (y / env)[..., n_fft // 2:total - n_fft // 2]


def _stft_samples(rng):
    return [Sample(rng.standard_normal(12), rng.uniform(0.5, 1.5, 4), n_fft=4, hop_length=2),
            Sample(rng.standard_normal((2, 10)), rng.uniform(0.5, 1.5, 6), n_fft=6, hop_length=3, center=False)]


def _istft_samples(rng):
    # an actual STFT's spectrum keeps the DC and Nyquist bins real, as irfft assumes
    def spectrum(shape, n_fft):
        spec = np.fft.rfft(rng.standard_normal(shape[:-2] + (shape[-1], n_fft)), axis=-1)
        spec = np.swapaxes(spec, -1, -2)
        return spec.real.copy(), spec.imag.copy()
    re1, im1 = spectrum((3, 5), 4)
    re2, im2 = spectrum((2, 4, 6), 6)
    return [Sample(re1, im1, rng.uniform(0.5, 1.5, 4), n_fft=4, hop_length=1),
            Sample(re2, im2, rng.uniform(0.5, 1.5, 6), n_fft=6, hop_length=2)]


OPS = [
    OpInfo('stft', _stft, _stft_samples, ref=_stft_ref),
    OpInfo('istft', _istft, _istft_samples, ref=_istft_ref),
]
