"""State dicts cross between PyTorch and ember: one saved by ``torch.save`` after 3 steps (recorded by
``record_pytorch.py``) loads into ember's optimizer and continues as PyTorch continued; one saved by ember
loads into PyTorch (when it is installed) and continues the same way there."""
from pathlib import Path

import numpy as np
import pytest

import ember
from tests.optim import _problem as P
from tests.optim._recorded_cases import SAVED, config_of

FIXTURES = Path(__file__).parent.parent / 'fixtures' / 'optim'


def _params_at(lib, flat):
    w1 = lib.tensor(flat[:4], dtype=lib.float64, requires_grad=True)
    w2 = lib.tensor([flat[4:6], flat[6:]], dtype=lib.float64, requires_grad=True)
    return w1, w2


@pytest.mark.parametrize('name', SAVED)
def test_pytorch_state_dict_loads_and_continues(name):
    saved = ember.load(FIXTURES / f'{name}_3steps.pt')
    trajectory = saved['trajectory']
    defaults, groups = config_of(name)
    params = _params_at(ember, trajectory[2])
    opt = P.make_optimizer(getattr(ember.optim, name), params, defaults, groups)
    opt.load_state_dict(saved['state_dict'])
    np.testing.assert_allclose(P.run(opt, params, 2), trajectory[3:5], rtol=0, atol=1e-10)


@pytest.mark.parametrize('name', SAVED)
def test_ember_state_dict_loads_into_pytorch_and_continues(name, tmp_path):
    torch = pytest.importorskip('torch')
    if getattr(torch, '__name__', '') != 'torch' or not hasattr(torch, '_C'):
        pytest.skip('needs the real PyTorch')
    defaults, groups = config_of(name)
    params = P.make_params(ember)
    opt = P.make_optimizer(getattr(ember.optim, name), params, defaults, groups)
    P.run(opt, params, 3)
    at_3 = P.flat(params)
    ember.save(opt.state_dict(), tmp_path / 'opt.pt')
    expected = P.run(opt, params, 2)
    t_params = _params_at(torch, at_3)
    t_opt = P.make_optimizer(getattr(torch.optim, name), t_params, defaults, groups)
    t_opt.load_state_dict(torch.load(tmp_path / 'opt.pt'))
    np.testing.assert_allclose(P.run(t_opt, t_params, 2), expected, rtol=0, atol=1e-10)
