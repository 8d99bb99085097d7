"""float32 var, std, var_mean and std_mean against PyTorch 2.13's recorded bits
(tests/fixtures/moment_bits/recorded.npz, written by its record.py): whole and partial reductions,
corrections 0..2, keepdim, inputs far from zero."""
import warnings
from pathlib import Path

import numpy as np
import pytest

import ember
from tests.fixtures.moment_bits.record import CASES, CORRECTIONS, KEYS, inputs

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
