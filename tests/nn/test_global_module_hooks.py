"""Hooks for every module at once (torch.nn.modules.module.register_module_*), in PyTorch's order:
global before the module's own; always_call hooks run when forward raises."""
import warnings

import pytest

import ember
import ember.nn as nn
from ember.nn.modules import module as M


@pytest.fixture(autouse=True)
def no_global_hooks_left():
    yield
    from ember.nn.modules import _global_hooks as G
    assert not (G.forward_pre_hooks or G.forward_hooks or G.backward_hooks or G.backward_pre_hooks)
    assert G.ACTIVE[0] is False


def test_forward_hooks_run_for_every_module_before_its_own():
    calls = []
    h1 = M.register_module_forward_pre_hook(lambda m, a: calls.append(('pre', type(m).__name__)))
    h2 = M.register_module_forward_hook(lambda m, a, o: calls.append(('fwd', type(m).__name__)))
    lin = nn.Linear(2, 2)
    lin.register_forward_hook(lambda m, a, o: calls.append(('local', type(m).__name__)))
    try:
        lin(ember.ones(1, 2))
    finally:
        h1.remove()
        h2.remove()
    assert calls == [('pre', 'Linear'), ('fwd', 'Linear'), ('local', 'Linear')]
    lin(ember.ones(1, 2))
    assert calls[-1] == ('local', 'Linear') and len(calls) == 4


def test_global_hooks_can_replace_args_and_outputs():
    h1 = M.register_module_forward_pre_hook(lambda m, a: (a[0] * 2,))
    h2 = M.register_module_forward_hook(lambda m, a, kw, o: o + 1, with_kwargs=True)
    try:
        out = nn.Identity()(ember.tensor([1.]))
    finally:
        h1.remove()
        h2.remove()
    assert out.tolist() == [3.]


def test_registration_hooks_see_parameters_buffers_and_submodules():
    seen = []
    handles = [M.register_module_parameter_registration_hook(lambda m, n, p: seen.append(('p', n))),
               M.register_module_buffer_registration_hook(lambda m, n, b: seen.append(('b', n))),
               M.register_module_module_registration_hook(lambda m, n, c: seen.append(('m', n)))]
    try:
        nn.Sequential(nn.Linear(1, 1), nn.BatchNorm1d(1))
    finally:
        for h in handles:
            h.remove()
    assert seen == [('p', 'weight'), ('p', 'bias'), ('p', 'weight'), ('p', 'bias'), ('b', 'running_mean'),
                    ('b', 'running_var'), ('b', 'num_batches_tracked'), ('m', '0'), ('m', '1')]
    replacements = []

    def replace(module, name, param):
        replacements.append(nn.Parameter(param.detach().clone()))
        return replacements[-1]

    h = M.register_module_parameter_registration_hook(replace)
    try:
        lin = nn.Linear(3, 3)
    finally:
        h.remove()
    assert lin.weight is replacements[0] and lin.bias is replacements[1]


def test_full_backward_hooks_for_every_module():
    names = []
    h = M.register_module_full_backward_hook(lambda m, gi, go: names.append(type(m).__name__))
    try:
        x = ember.ones(1, 2, requires_grad=True)
        nn.Sequential(nn.Linear(2, 2), nn.ReLU())(x).sum().backward()
    finally:
        h.remove()
    assert names == ['ReLU', 'Linear', 'Sequential']
    with pytest.raises(RuntimeError, match='^Cannot use both regular backward hooks and full backward hooks as a '
                                           'global Module hook. Please use only one of them.$'):
        M.register_module_backward_hook(lambda m, gi, go: None)


class Failing(nn.Module):
    def forward(self, x):
        raise ValueError('boom')


def test_always_call_hooks_run_when_forward_raises():
    outputs = []
    h = M.register_module_forward_hook(lambda m, a, o: outputs.append(o), always_call=True)
    mod = Failing()
    mod.register_forward_hook(lambda m, a, o: outputs.append('own'), always_call=True)
    mod.register_forward_hook(lambda m, a, o: outputs.append('not always'))
    try:
        with pytest.raises(ValueError, match='boom'):
            mod(1)
    finally:
        h.remove()
    assert outputs == [None, 'own']
    h = M.register_module_forward_hook(lambda m, a, o: 1 / 0, always_call=True)
    try:
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter('always')
            with pytest.raises(ValueError, match='boom'):
                Failing()(1)
    finally:
        h.remove()
    assert [str(x.message) for x in w] == [
        'global module forward hook with ``always_call=True`` raised an exception that was silenced as another '
        'error was raised in forward: division by zero']
