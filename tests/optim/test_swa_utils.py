"""swa_utils (swa_utils.py): averaged models, update_bn and SWALR against PyTorch 2.13's recorded results."""
import numpy as np
import pytest

import ember
from ember.optim import swa_utils
from tests.optim import _swa_cases as C
from tests.optim._recorded_swa import RECORDED


def _close(got, expected):
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        if isinstance(e, list):
            _close(g, e)
        else:
            assert g == pytest.approx(e, abs=1e-12), (got, expected)


@pytest.mark.parametrize('kind', C.AVERAGE_KINDS)
def test_averaged_model_matches_pytorch(kind):
    _close(C.averaged_states(ember, swa_utils, kind), RECORDED['averaged'][kind])


def test_update_bn_recomputes_running_statistics():
    _close(C.bn_after_update(ember, swa_utils), RECORDED['update_bn'])


def test_update_bn_without_batchnorm_leaves_the_model_alone():
    model = ember.nn.Linear(2, 2)
    model.eval()
    swa_utils.update_bn(iter(()), model)
    assert not model.training


@pytest.mark.parametrize('name', sorted(C.SWALR_CASES))
def test_swalr_matches_pytorch(name):
    _close(C.swalr_lrs(ember, swa_utils, C.SWALR_CASES[name]), RECORDED['swalr'][name])


def test_swalr_state_dict_round_trip():
    opt = ember.optim.SGD([ember.tensor([1.], requires_grad=True)], lr=0.1)
    sched = swa_utils.SWALR(opt, swa_lr=0.01, anneal_epochs=3, anneal_strategy='linear')
    opt.step()
    sched.step()
    sd = sched.state_dict()
    assert 'anneal_func' not in sd and 'optimizer' not in sd and sd['_anneal_strategy'] == 'linear'
    opt2 = ember.optim.SGD([ember.tensor([1.], requires_grad=True)], lr=0.1)
    sched2 = swa_utils.SWALR(opt2, swa_lr=0.5, anneal_strategy='cos')
    sched2.load_state_dict(sd)
    assert sched2.anneal_func is swa_utils.SWALR._linear_anneal and sched2.anneal_epochs == 3


def test_errors():
    opt = ember.optim.SGD([ember.tensor([1.], requires_grad=True)], lr=0.1)
    with pytest.raises(ValueError, match=r"^anneal_strategy must be one of 'cos' or 'linear', instead got exp$"):
        swa_utils.SWALR(opt, 0.1, anneal_strategy='exp')
    with pytest.raises(ValueError, match=r"^anneal_epochs must be equal or greater than 0, got -1$"):
        swa_utils.SWALR(opt, 0.1, anneal_epochs=-1)
    with pytest.raises(ValueError, match=r"^swa_lr must have the same length as optimizer.param_groups"):
        swa_utils.SWALR(opt, [0.1, 0.2])
    with pytest.raises(ValueError, match=r"^Invalid decay value 1.5 provided. Please provide a value in \[0,1\] "
                                         r"range.$"):
        swa_utils.get_ema_avg_fn(1.5)
    with pytest.raises(ValueError, match=r"^Invalid decay value -0.1 provided"):
        swa_utils.get_ema_multi_avg_fn(-0.1)
    with pytest.raises(AssertionError, match="^Only one of avg_fn and multi_avg_fn should be provided$"):
        swa_utils.AveragedModel(ember.nn.Linear(1, 1), avg_fn=swa_utils.get_swa_avg_fn(),
                                multi_avg_fn=swa_utils.get_swa_multi_avg_fn())


def test_averaged_model_forwards_and_is_a_copy():
    model = ember.nn.Linear(2, 1)
    swa = swa_utils.AveragedModel(model)
    x = ember.ones(3, 2)
    np.testing.assert_allclose(swa(x).tolist(), model(x).tolist())
    assert swa.module is not model and swa.module.weight is not model.weight
    assert swa.n_averaged.dtype == ember.long and int(swa.n_averaged) == 0
    assert list(swa.state_dict()) == ['n_averaged', 'module.weight', 'module.bias']


def test_integer_buffers_take_the_non_floating_branch():
    # an EMA over an integer buffer (use_buffers=True) is computed out of place and copied back
    averaged = [ember.tensor([10])]
    swa_utils.get_ema_multi_avg_fn(0.5)(averaged, [ember.tensor([20])], 1)
    assert averaged[0].tolist() == [15] and averaged[0].dtype == ember.int64
    # a running mean cannot divide integers in place: PyTorch raises too
    with pytest.raises(RuntimeError):
        swa_utils.get_swa_multi_avg_fn()([ember.tensor([4, 8])], [ember.tensor([8, 16])], ember.tensor(1))
