"""ember.svd_lowrank / ember.pca_lowrank against PyTorch 2.13's recorded results
(tests/fixtures/signal/record_lowrank.py): the same seed draws the same test matrix, so singular
values and the sign-free products U diag(S) V^H and V V^H agree. Gradients: tests/opinfo/lowrank.py."""
import json
import os

import numpy as np
import pytest

import ember

with open(os.path.join(os.path.dirname(__file__), 'fixtures', 'signal', 'lowrank.json')) as _f:
    _R = json.load(_f)


@pytest.mark.parametrize('case,expected', _R['cases'], ids=[f'{c[0]}-{c[1]}' for c, _ in _R['cases']])
def test_lowrank_matches_pytorch(case, expected):
    fn, seed, dtype, transpose, kw = case
    x = ember.tensor(_R['A'], dtype=getattr(ember, dtype))
    x = x.T if transpose else x
    kw = dict(kw)
    if kw.get('M') == 'mean':
        kw['M'] = x.mean(0)
    ember.manual_seed(seed)
    U, S, V = getattr(ember, fn)(x, **kw)
    tol = 1e-4 if dtype == 'float32' else 1e-9
    S_want, product, projector = (np.array(e) for e in expected)
    np.testing.assert_allclose(S.numpy(), S_want, rtol=tol, atol=tol * S_want[0])
    np.testing.assert_allclose((U @ ember.diag_embed(S) @ V.mH).numpy(), product, atol=tol * S_want[0])
    # directions of vanishing singular values are arbitrary; compare the well-determined ones
    # (each of ember's must lie in PyTorch's subspace)
    Vk = V.numpy()[:, S_want > 1e-6 * S_want[0]]
    np.testing.assert_allclose(projector @ Vk, Vk, atol=tol * 10)


@pytest.mark.parametrize('kw,message', _R['errors'])
def test_pca_lowrank_errors(kw, message):
    with pytest.raises(ValueError) as info:
        ember.pca_lowrank(ember.tensor(_R['A']), **kw)
    assert str(info.value) == message


def test_svd_lowrank_batched():
    ember.manual_seed(0)
    A = ember.randn(3, 6, 2, dtype=ember.float64) @ ember.randn(3, 2, 5, dtype=ember.float64)
    U, S, V = ember.svd_lowrank(A, q=3)
    assert U.shape == (3, 6, 3) and S.shape == (3, 3) and V.shape == (3, 5, 3)
    np.testing.assert_allclose((U @ ember.diag_embed(S) @ V.mH).numpy(), A.numpy(), atol=1e-10)
