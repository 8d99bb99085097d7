"""DataParallel and the nn.parallel pieces without an accelerator, as PyTorch's CPU build behaves (checked
against PyTorch 2.13 CPU): the module runs directly; scatter, replicate, parallel_apply, gather and the
functional data_parallel raise PyTorch's errors."""
import pytest

import ember
from ember import nn
from ember.nn.parallel import data_parallel, gather, parallel_apply, replicate, scatter

pytestmark = pytest.mark.skipif(ember.cuda.is_available(), reason='behaviour without an accelerator')


def test_data_parallel_runs_the_module_itself():
    ember.manual_seed(0)
    m = nn.Linear(3, 2)
    dp = nn.DataParallel(m)
    x = ember.randn(4, 3)
    assert dp.device_ids == [] and dp.module is m
    for name in ('dim', 'output_device', 'src_device_obj'):    # set only when devices are found
        assert not hasattr(dp, name)
    y = dp(x)
    assert ember.equal(y, m(x)) and y.grad_fn is not None
    assert list(dp.state_dict()) == ['module.weight', 'module.bias']
    assert repr(dp) == 'DataParallel(\n  (module): Linear(in_features=3, out_features=2, bias=True)\n)'
    y.sum().backward()
    assert m.weight.grad is not None


def test_scatter_replicate_apply_gather_and_data_parallel_need_an_accelerator():
    x = ember.randn(4, 3)
    with pytest.raises(ValueError, match='^Expected a non cpu device, but got: cpu$'):
        scatter(x, ['cpu'])
    with pytest.raises(AssertionError, match='^Gather function not implemented for CPU tensors$'):
        gather([x, x], 'cpu')
    with pytest.raises(RuntimeError, match='^device type could not be determined$'):
        data_parallel(nn.Linear(3, 2), x)
    with pytest.raises(ValueError, match='^Expected a non cpu device, but got: cpu$'):
        replicate(nn.Linear(3, 2), ['cpu'])
    with pytest.raises(RuntimeError, match='^Cannot access accelerator device when none is available.$'):
        parallel_apply([nn.Linear(3, 2)], [(x,)])
