"""swap_in_optimizer_params_and_state (optim/_stateless.py): the block steps other parameters with other state,
then the optimizer's own come back (checked against what PyTorch 2.13 gives for the same run)."""
import copy

import pytest

import ember
from ember.optim import swap_in_optimizer_params_and_state


def _live():
    w = ember.tensor([1.0, 2.0], requires_grad=True)
    opt = ember.optim.SGD([w], lr=0.1, momentum=0.9)
    w.grad = ember.tensor([1.0, 1.0])
    opt.step()
    return w, opt


def test_steps_the_swapped_in_parameters_with_their_state_then_restores():
    w, opt = _live()
    saved = copy.deepcopy(opt.state_dict())
    saved['state'][0]['momentum_buffer'] = ember.tensor([10.0, 10.0])
    saved['param_groups'][0]['lr'] = 0.5
    other = ember.tensor([0.0, 0.0], requires_grad=True)
    other.grad = ember.tensor([2.0, 2.0])
    with swap_in_optimizer_params_and_state(opt, {'w': other}, saved):
        assert opt.param_groups[0]['params'][0] is other and opt.param_groups[0]['lr'] == 0.5
        opt.step()
    # buf = 0.9 * 10 + 2 = 11; other -= 0.5 * 11 (PyTorch 2.13 gives the same)
    assert other.tolist() == [-5.5, -5.5]
    assert opt.param_groups[0]['params'][0] is w and opt.param_groups[0]['lr'] == 0.1
    assert opt.state[w]['momentum_buffer'].tolist() == [1.0, 1.0] and w.tolist() == pytest.approx([0.9, 1.9])


def test_errors():
    w = ember.tensor([1.0], requires_grad=True)
    opt = ember.optim.SGD([w], lr=0.1, momentum=0.9)
    with pytest.raises(RuntimeError, match="^swap_in_optimizer_params_and_state requires initialized optimizer "
                                           "state.$"):
        with swap_in_optimizer_params_and_state(opt, {}, {}):
            pass
    w, opt = _live()
    sd = opt.state_dict()
    with pytest.raises(RuntimeError, match="has a different number of parameter groups"):
        with swap_in_optimizer_params_and_state(opt, {'w': w}, {'state': {}, 'param_groups': []}):
            pass
    bad = copy.deepcopy(sd)
    bad['param_groups'][0]['extra'] = 1
    with pytest.raises(RuntimeError, match=r"Keys only in swap-in: \['extra'\]. Keys only in live: \[\]."):
        with swap_in_optimizer_params_and_state(opt, {'w': w}, bad):
            pass
    bad = copy.deepcopy(sd)
    bad['state'][5] = {}
    with pytest.raises(RuntimeError, match=r"got extra keys \[5\].$"):
        with swap_in_optimizer_params_and_state(opt, {'w': w}, bad):
            pass
