"""float32 var, std, var_mean, std_mean and LayerNorm against PyTorch 2.13's recorded bits
(tests/fixtures/moment_bits/recorded.npz, written by its record.py): whole and partial reductions,
corrections 0..2, keepdim, inputs far from zero; LayerNorm rows of 1..5000 values with and without
weight and bias."""
import warnings
from pathlib import Path

import numpy as np
import pytest

import ember
import ember.nn.functional as F
from tests.fixtures.moment_bits.record import CASES, CORRECTIONS, KEYS, LN_AFFINE, LN_SIZES, digest, \
    inputs, ln_inputs

REC = np.load(Path(__file__).parent / 'fixtures' / 'moment_bits' / 'recorded.npz')


@pytest.mark.parametrize('case', range(len(CASES)))
def test_moments_bits(case):
    x = ember.from_numpy(inputs(case))
    dims = CASES[case][1]
    kw = {} if dims is None else {'dim': dims}
    for c in CORRECTIONS:
        for keep in (False, True):
            with warnings.catch_warnings():
                warnings.simplefilter('ignore')     # no degrees of freedom left: PyTorch warns too
                v, m = ember.var_mean(x, correction=c, keepdim=keep, **kw)
                s, m2 = ember.std_mean(x, correction=c, keepdim=keep, **kw)
                got = (x.var(correction=c, keepdim=keep, **kw), x.std(correction=c, keepdim=keep, **kw), v, m, s, m2)
            for key, value in zip(KEYS, got):
                assert value.dtype == ember.float32
            flat = np.concatenate([value.numpy().ravel() for value in got])
            np.testing.assert_array_equal(flat, REC[f'{case}_{c}'], strict=True, err_msg=f'case {case}, correction {c}')


def test_var_mean_mean_is_not_mean():
    """The recording shows why: var_mean's mean differs from ``mean``'s in some cases."""
    x = ember.from_numpy(inputs(CASES.index(((64, 10), 1, 1000.0))))
    assert not np.array_equal(ember.var_mean(x, dim=1)[1].numpy(), x.mean(1).numpy())


@pytest.mark.parametrize('case', range(len(LN_SIZES) * len(LN_AFFINE)))
def test_layer_norm_bits(case):
    x, w, b = ln_inputs(case)
    xt = ember.from_numpy(x)
    wt = None if w is None else ember.from_numpy(w)
    bt = None if b is None else ember.from_numpy(b)
    y, mean, rstd = ember.native_layer_norm(xt, [x.shape[1]], wt, bt, 1e-5)
    assert np.array_equal(digest(y.numpy()), REC['ln_y_sha'][case]), 'LayerNorm output: not PyTorch\'s bits'
    np.testing.assert_array_equal(mean.numpy().ravel(), REC['ln_stats'][case, 0], strict=True)
    np.testing.assert_array_equal(rstd.numpy().ravel(), REC['ln_stats'][case, 1], strict=True)
    module = ember.nn.LayerNorm(x.shape[1], elementwise_affine=w is not None, bias=b is not None)
    if w is not None:
        with ember.no_grad():
            module.weight.copy_(wt)
            if b is not None:
                module.bias.copy_(bt)
    assert np.array_equal(digest(module(xt).detach().numpy()), REC['ln_y_sha'][case])
    assert np.array_equal(digest(F.layer_norm(xt.requires_grad_(), [x.shape[1]], wt, bt).detach().numpy()),
                          REC['ln_y_sha'][case])
