"""Rows for ember/ops/complex.py. The harness feeds real float arrays, so each row reaches the complex
op through view_as_complex and returns real values; gradcheck then checks the complex backward
formulas (conjugate Wirtinger, as PyTorch) through the real and imaginary parts. The grad_fn tests call each
row's public function (``called``) on the real sample, as their recorders call PyTorch's: conj, real and the
resolve ops hand a real tensor back as it is (no node), angle and sgn record their node on it."""
import numpy as np

import ember
from tests.opinfo import OpInfo, Sample

_W = np.array([0.5 - 1.0j, 2.0 + 0.25j, -1.5j])


def _w(x):
    return ember.tensor(_W).to(x.dtype.to_complex())


def _c(x):
    return ember.view_as_complex(x) * _w(x)


def _np_c(x):
    return (x[..., 0] + 1j * x[..., 1]) * _W


def _pairs(rng):
    return [Sample(rng.standard_normal((3, 2))), Sample(rng.standard_normal((4, 3, 2)))]


def _split(z):
    return np.stack([z.real, z.imag], -1)


# complex rows of ops whose real rows live elsewhere (unary.py, stats.py), listed there after them so that
# the real rows keep the keys their recorded PyTorch fixtures use
SGN_COMPLEX = OpInfo('sgn', lambda x: ember.view_as_real(ember.sgn(_c(x))),
                     ref=lambda x: _split(_np_c(x) / np.abs(_np_c(x))), samples=_pairs, noncontig=False,
                     called=ember.sgn)


def _np_renorm(x, p, dim, maxnorm):
    # each row (dim 0) whose p-norm exceeds maxnorm scaled to it
    assert dim == 0
    z = _np_c(x)
    n = (np.abs(z) ** p).sum(1, keepdims=True) ** (1 / p)
    return _split(z * np.where(n > maxnorm, maxnorm / (n + 1e-7), 1.0))


RENORM_COMPLEX = OpInfo('renorm', lambda x, p, dim, maxnorm: ember.view_as_real(ember.renorm(_c(x), p, dim, maxnorm)),
                        ref=_np_renorm, samples=lambda rng: [Sample(rng.standard_normal((4, 3, 2)), 1.0, 0, 1.0),
                                                             Sample(rng.standard_normal((4, 3, 2)), 3.0, 0, 1.0)],
                        noncontig=False, called=ember.renorm)


OPS = [
    OpInfo('view_as_complex', lambda x: _c(x).abs(), ref=lambda x: np.abs(_np_c(x)), samples=_pairs,
           noncontig=False, called=ember.view_as_complex),
    OpInfo('view_as_real', lambda x: ember.view_as_real(_c(x)) * 1.5, ref=lambda x: _split(_np_c(x)) * 1.5,
           samples=_pairs, noncontig=False),
    OpInfo('real', lambda x: ember.real(_c(x)), ref=lambda x: _np_c(x).real, samples=_pairs, noncontig=False,
           called=ember.real),
    OpInfo('imag', lambda x: ember.imag(_c(x)), ref=lambda x: _np_c(x).imag, samples=_pairs, noncontig=False),
    OpInfo('conj', lambda x: ember.view_as_real(ember.conj(_c(x)) * _w(x)),
           ref=lambda x: _split(np.conj(_np_c(x)) * _W), samples=_pairs, noncontig=False, called=ember.conj),
    OpInfo('conj_physical', lambda x: ember.view_as_real(ember.conj_physical(_c(x)) * _w(x)),
           ref=lambda x: _split(np.conj(_np_c(x)) * _W), samples=_pairs, noncontig=False, called=ember.conj_physical),
    OpInfo('angle', lambda x: ember.angle(_c(x)), ref=lambda x: np.angle(_np_c(x)), samples=_pairs,
           noncontig=False, called=ember.angle),
    OpInfo('polar', lambda r, t: ember.view_as_real(ember.polar(r, t)),
           ref=lambda r, t: np.stack([r * np.cos(t), r * np.sin(t)], -1),
           samples=lambda rng: [Sample(rng.uniform(0.5, 2, (3, 4)), rng.standard_normal((3, 4)))], called=ember.polar),
    OpInfo('resolve_conj', lambda x: ember.resolve_conj(_c(x)).abs(), ref=lambda x: np.abs(_np_c(x)),
           samples=_pairs, noncontig=False, called=ember.resolve_conj),
    OpInfo('resolve_neg', lambda x: ember.resolve_neg(_c(x)).abs(), ref=lambda x: np.abs(_np_c(x)),
           samples=_pairs, noncontig=False, called=ember.resolve_neg),
]
