"""Rows for ember/ops/unary.py."""
import numpy as np

import ember
from tests.opinfo import ErrorInput, OpInfo, Sample, positive, unit
from tests.opinfo.complex import SGN_COMPLEX


def _std(rng):
    return [Sample(rng.standard_normal((3, 4))), Sample(rng.standard_normal(())), Sample(rng.standard_normal((2, 3, 2)))]


def _pos(rng):
    return [Sample(positive(rng, (3, 4))), Sample(positive(rng, ()))]


def _unit(rng):
    return [Sample(unit(rng, (3, 4)))]


def _gt1(rng):
    return [Sample(positive(rng, (3, 4), 1.2, 3.0))]


OPS = [
    OpInfo('neg', ember.neg, _std, ref=np.negative, aliases=('negative',)),
    OpInfo('exp', ember.exp, _std, ref=np.exp),
    OpInfo('exp2', ember.exp2, _std, ref=np.exp2),
    OpInfo('expm1', ember.expm1, _std, ref=np.expm1),
    OpInfo('log', ember.log, _pos, ref=np.log),
    OpInfo('log2', ember.log2, _pos, ref=np.log2),
    OpInfo('log10', ember.log10, _pos, ref=np.log10),
    OpInfo('log1p', ember.log1p, _pos, ref=np.log1p),
    OpInfo('sqrt', ember.sqrt, _pos, ref=np.sqrt),
    OpInfo('rsqrt', ember.rsqrt, _pos, ref=lambda x: 1 / np.sqrt(x)),
    OpInfo('sin', ember.sin, _std, ref=np.sin),
    OpInfo('cos', ember.cos, _std, ref=np.cos),
    OpInfo('tan', ember.tan, _unit, ref=np.tan),
    OpInfo('asin', ember.asin, _unit, ref=np.arcsin, aliases=('arcsin',)),
    OpInfo('acos', ember.acos, _unit, ref=np.arccos, aliases=('arccos',)),
    OpInfo('atan', ember.atan, _std, ref=np.arctan, aliases=('arctan',)),
    OpInfo('sinh', ember.sinh, _std, ref=np.sinh),
    OpInfo('cosh', ember.cosh, _std, ref=np.cosh),
    OpInfo('tanh', ember.tanh, _std, ref=np.tanh),
    OpInfo('asinh', ember.asinh, _std, ref=np.arcsinh, aliases=('arcsinh',)),
    OpInfo('acosh', ember.acosh, _gt1, ref=np.arccosh, aliases=('arccosh',)),
    OpInfo('atanh', ember.atanh, _unit, ref=np.arctanh, aliases=('arctanh',)),
    OpInfo('sigmoid', ember.sigmoid, _std, ref=lambda x: 1 / (1 + np.exp(-x))),
    OpInfo('reciprocal', ember.reciprocal, _pos, ref=np.reciprocal),
    OpInfo('abs', ember.abs, _std, ref=np.abs, aliases=('absolute',)),
    OpInfo('erf', ember.erf, _std, ref=None),
    OpInfo('erfc', ember.erfc, _std, ref=None),
    OpInfo('erfinv', ember.erfinv, _unit, ref=None),
    OpInfo('sign', ember.sign, _std, ref=np.sign),
    OpInfo('sgn', ember.sgn, _std, ref=np.sign),
    SGN_COMPLEX,
    OpInfo('floor', ember.floor, _std, ref=np.floor),
    OpInfo('ceil', ember.ceil, _std, ref=np.ceil),
    OpInfo('trunc', ember.trunc, _std, ref=np.trunc, aliases=('fix',)),
    OpInfo('round', ember.round, _std, ref=np.round),
    # decimals: its own kernel in PyTorch (x * 10**d rounded, then divided; for d < 0 divided, rounded, multiplied)
    OpInfo('round', ember.round, lambda rng: [Sample(rng.standard_normal((3, 4)) * 50, decimals=2),
                                              Sample(rng.standard_normal((2, 3)) * 500, decimals=-1)],
           ref=lambda x, decimals: np.round(x, decimals), error_inputs=lambda: [
               ErrorInput(Sample(np.arange(3), decimals=1), NotImplementedError,
                          '"round_cpu" not implemented for \'Long\'')]),
    OpInfo('frac', ember.frac, _std, ref=lambda x: x - np.trunc(x)),
    OpInfo('logit', ember.logit, lambda rng: [Sample(rng.uniform(0.1, 0.9, (3, 4)))], ref=lambda x: np.log(x / (1 - x))),
    OpInfo('sinc', ember.sinc, lambda rng: [Sample(rng.uniform(0.1, 2, (3, 4)))], ref=np.sinc),
]
