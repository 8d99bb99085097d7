"""SparseAdam (sparse_adam.py) on sparse embedding gradients in float64 against PyTorch 2.13: the trajectory,
and state dicts crossing both ways (recorded by record_sparse_adam.py)."""
from pathlib import Path

import numpy as np
import pytest

import ember
from tests.optim import _sparse_problem as S

FIXTURE = Path(__file__).resolve().parents[1] / 'fixtures' / 'optim' / 'SparseAdam_3steps.pt'


def _recorded():
    return ember.load(FIXTURE)


def test_trajectory_matches_pytorch():
    emb, opt = S.make(ember, ember.optim.SparseAdam)
    np.testing.assert_allclose(S.run(ember, emb, opt, 5), _recorded()['trajectory'], rtol=0, atol=1e-12)


def test_pytorch_state_dict_loads_and_continues():
    saved = _recorded()
    emb, opt = S.make(ember, ember.optim.SparseAdam)
    with ember.no_grad():
        emb.weight.copy_(ember.tensor(saved['trajectory'][2], dtype=ember.float64))
    opt.load_state_dict(saved['state_dict'])
    np.testing.assert_allclose(S.run(ember, emb, opt, 2, start=3), saved['trajectory'][3:], rtol=0, atol=1e-12)


def test_ember_state_dict_loads_into_pytorch_and_continues(tmp_path):
    torch = pytest.importorskip('torch')
    if getattr(torch, '__name__', '') != 'torch' or not hasattr(torch, '_C'):
        pytest.skip('needs the real PyTorch')
    emb, opt = S.make(ember, ember.optim.SparseAdam)
    S.run(ember, emb, opt, 3)
    ember.save({'state_dict': opt.state_dict(), 'weight': emb.weight.detach()}, tmp_path / 'ember.pt')
    saved = torch.load(tmp_path / 'ember.pt')
    t_emb, t_opt = S.make(torch, torch.optim.SparseAdam)
    with torch.no_grad():
        t_emb.weight.copy_(saved['weight'])
    t_opt.load_state_dict(saved['state_dict'])
    np.testing.assert_allclose(S.run(torch, t_emb, t_opt, 2, start=3), _recorded()['trajectory'][3:], rtol=0,
                               atol=1e-12)
