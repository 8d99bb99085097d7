"""Writing into a tensor on a device that is not the current one, as PyTorch allows (CuPy writes only into
arrays of its current device; ember makes the tensor's device current for the write and restores the
caller's): initialisers, in-place random fills, a module built with ``device='cuda:1'``."""
import numpy as np

import ember
import ember.nn as nn
from ember.nn import init


def _on_second_device(shape=(3, 3)):
    t = ember.empty(*shape, device='cuda:1')
    ember.cuda.set_device(0)
    return t


def test_initialisers_write_into_a_tensor_on_another_device():
    for fill in (init.uniform_, init.normal_, init.kaiming_uniform_, init.xavier_normal_, init.trunc_normal_,
                 init.orthogonal_, init.eye_, lambda t: init.sparse_(t, 0.5)):
        t = _on_second_device()
        fill(t)
        assert t.device == ember.device('cuda:1') and ember.cuda.current_device() == 0
        assert np.isfinite(t.cpu().numpy()).all() and t.cpu().abs().sum().item() > 0


def test_random_fills_and_a_module_built_on_another_device():
    t = _on_second_device((100,))
    ember.manual_seed(0)
    t.uniform_(2.0, 3.0)
    assert t.device == ember.device('cuda:1') and ember.cuda.current_device() == 0
    assert 2.0 <= t.cpu().min().item() and t.cpu().max().item() < 3.0
    ember.manual_seed(0)
    assert ember.equal(t.cpu(), ember.empty(100).uniform_(2.0, 3.0))   # the host generator's numbers
    ember.manual_seed(0)
    m = nn.Linear(4, 2, device='cuda:1')
    assert m.weight.device == ember.device('cuda:1') and ember.cuda.current_device() == 0
    ember.manual_seed(0)
    assert ember.equal(m.weight.cpu(), nn.Linear(4, 2).weight.detach())


def test_a_second_backward_accumulates_into_a_gradient_on_another_device():
    # PyTorch's DDP tutorial runs rank 1 with cuda:0 current: gradients on cuda:1 accumulate across backwards
    w = ember.ones(3, device='cuda:1', requires_grad=True)
    ember.cuda.set_device(0)
    for _ in range(2):
        (w * ember.arange(3., device='cuda:1')).sum().backward()
    assert w.grad.device == ember.device('cuda:1') and ember.cuda.current_device() == 0
    assert w.grad.cpu().tolist() == [0.0, 2.0, 4.0]
