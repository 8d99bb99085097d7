"""The Optimizer base class: construction errors, parameter groups, zero_grad, hooks, state dicts.

Error texts and layouts are PyTorch 2.13's, recorded from it.
"""
import copy
import warnings

import numpy as np
import pytest

import ember
from ember.optim.optimizer import Optimizer, required


def leaf(*values, dtype=ember.float32):
    return ember.tensor(list(values), dtype=dtype, requires_grad=True)


# ------------------------------------------------------------------------------------------ errors
def test_a_tensor_instead_of_a_list_is_rejected_with_pytorchs_message():
    a = ember.tensor([10., 10], requires_grad=True)
    with pytest.raises(TypeError) as e:
        ember.optim.SGD(a, lr=0.1)
    assert str(e.value) == ("params argument given to the optimizer should be an iterable of Tensors or dicts, "
                            "but got ember.FloatTensor")
    with pytest.raises(TypeError, match="but got ember.DoubleTensor$"):
        ember.optim.Adam(a.double())


def test_empty_and_non_tensor_parameter_lists():
    with pytest.raises(ValueError, match="^optimizer got an empty parameter list$"):
        ember.optim.SGD([], lr=0.1)
    with pytest.raises(TypeError, match="^optimizer can only optimize Tensors, but one of the params is float$"):
        ember.optim.SGD([1.0], lr=0.1)


def test_non_leaf_tensors_cannot_be_optimized_unless_they_retain_grad():
    b = leaf(2.)
    with pytest.raises(ValueError, match="^can't optimize a non-leaf Tensor$"):
        ember.optim.SGD([b * 2], lr=0.1)
    x = b * 2
    x.retain_grad()
    ember.optim.SGD([x], lr=0.1)


def test_parameter_in_two_groups_and_duplicate_warning():
    a = leaf(1.)
    with pytest.raises(ValueError, match="^some parameters appear in more than one parameter group$"):
        ember.optim.SGD([{'params': [a]}, {'params': [a]}], lr=0.1)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter('always')
        ember.optim.SGD([a, a], lr=0.1)
    assert [str(x.message) for x in w] == [
        "optimizer contains a parameter group with duplicate parameters; in future, this will cause an error; "
        "see github.com/pytorch/pytorch/issues/40967 for more information"]


def test_add_param_group():
    a, b = leaf(1.), leaf(2.)
    opt = ember.optim.SGD([a], lr=0.1)
    with pytest.raises(TypeError, match=r"^param_group must be a dict, but got <class 'list'>$"):
        opt.add_param_group([b])
    with pytest.raises(ValueError, match="^some parameters appear in more than one parameter group$"):
        opt.add_param_group({'params': a})
    with pytest.raises(TypeError, match="^optimizer parameters need to be organized in ordered collections"):
        opt.add_param_group({'params': {b}})
    opt.add_param_group({'params': b, 'momentum': 0.5})   # a lone tensor is wrapped in a list
    group = opt.param_groups[1]
    assert group['params'] == [b] and group['params'][0] is b
    assert list(group) == ['params', 'momentum', 'lr', 'dampening', 'weight_decay', 'nesterov', 'maximize',
                           'foreach', 'differentiable', 'fused']
    assert group['momentum'] == 0.5 and group['lr'] == 0.1


def test_required_defaults_and_custom_optimizer():
    a = leaf(1.)

    class Custom(Optimizer):
        def __init__(self, params):
            super().__init__(params, dict(lr=required, k=3))

        def step(self, closure=None):
            for group in self.param_groups:
                for p in group['params']:
                    self.state[p]['calls'] = self.state[p].get('calls', 0) + 1
    with pytest.raises(ValueError, match="^parameter group didn't specify a value of required optimization "
                                         "parameter lr$"):
        Custom([a])
    opt = Custom([{'params': [a], 'lr': 1}])
    assert opt.param_groups[0] == {'params': [a], 'lr': 1, 'k': 3}
    assert repr(required) == '<required parameter>'
    calls = []
    opt.register_step_post_hook(lambda o, args, kwargs: calls.append('post'))
    opt.step()
    assert calls == ['post'] and opt.state[a] == {'calls': 1}


def test_named_parameters():
    a, b = leaf(1.), leaf(2.)
    with pytest.raises(ValueError, match="^all optimizer params should be with/without names. Some param names "
                                         "are missing$"):
        ember.optim.SGD([('w', a), b], lr=0.1)
    opt = ember.optim.SGD([('w', a), ('v', b)], lr=0.1)
    groups = opt.state_dict()['param_groups']
    assert groups == [{'param_names': ['w', 'v'], 'lr': 0.1, 'momentum': 0, 'dampening': 0, 'weight_decay': 0,
                       'nesterov': False, 'maximize': False, 'foreach': None, 'differentiable': False,
                       'fused': None, 'params': [0, 1]}]
    with pytest.raises(ValueError, match="^all optimizer param groups should be with/without names. cannot add "
                                         "param group without names to the optimizer$"):
        opt.add_param_group({'params': [leaf(3.)]})


def test_invalid_learning_rate_and_tensor_lr():
    a = leaf(1.)
    with pytest.raises(ValueError, match=r"^Invalid learning rate: -0.1$"):
        ember.optim.SGD([a], lr=-0.1)
    with pytest.raises(ValueError, match="^Tensor lr must be 1-element$"):
        ember.optim.SGD([a], lr=ember.tensor([0.1, 0.2]))
    opt = ember.optim.SGD([a], lr=ember.tensor(0.5))
    a.grad = ember.tensor([2.])
    opt.step()
    assert a.tolist() == [0.]


def test_differentiable_is_refused():
    with pytest.raises(RuntimeError, match="differentiable=True"):
        ember.optim.SGD([leaf(1.)], lr=0.1, differentiable=True)


# ------------------------------------------------------------------------------------ zero_grad / step
def test_zero_grad_sets_to_none_or_zeros_in_place():
    a = leaf(1., 2.)
    opt = ember.optim.SGD([a], lr=0.1)
    (a * a).sum().backward()
    opt.zero_grad()
    assert a.grad is None
    (a * a).sum().backward()
    g = a.grad
    opt.zero_grad(set_to_none=False)
    assert a.grad is g and a.grad.tolist() == [0., 0.] and not g.requires_grad


def test_parameters_without_grad_are_skipped_and_state_is_keyed_by_tensor():
    a, b = leaf(1.), leaf(2.)
    opt = ember.optim.SGD([a, b], lr=0.1, momentum=0.9)
    a.grad = ember.tensor([1.])
    opt.step()
    assert a.tolist() == pytest.approx([0.9]) and b.tolist() == [2.]
    assert list(opt.state.keys()) == [a] and list(opt.state[a]) == ['momentum_buffer']
    assert isinstance(opt.state[a]['momentum_buffer'], ember.Tensor)
    assert opt.state[b] == {}   # a defaultdict, like PyTorch's


def test_step_bumps_the_version_counter_so_autograd_sees_the_change():
    a = leaf(1., 2.)
    opt = ember.optim.SGD([a], lr=0.1)
    y = (a * a).sum()          # saves a for backward
    a.grad = ember.tensor([1., 1.])
    before = a._version_counter.value
    opt.step()
    assert a._version_counter.value == before + 1
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.backward()


def test_closure_runs_with_grad_enabled_and_step_returns_its_loss():
    a = leaf(3.)
    opt = ember.optim.SGD([a], lr=0.25)
    seen = []

    def closure():
        seen.append(ember.is_grad_enabled())
        opt.zero_grad()
        loss = (a ** 2).sum()
        loss.backward()
        return loss
    with ember.no_grad():
        loss = opt.step(closure)
    assert seen == [True] and loss.item() == 9.0 and a.tolist() == [1.5]


def test_step_runs_without_recording_a_graph():
    a = leaf(1.)
    opt = ember.optim.Adam([a], lr=0.1)
    a.grad = ember.tensor([1.])
    opt.step()
    assert a.grad_fn is None and a.is_leaf and a.requires_grad
    for value in opt.state[a].values():
        assert not value.requires_grad


# ------------------------------------------------------------------------------------------- hooks
def test_step_pre_and_post_hooks():
    a = leaf(1.)
    opt = ember.optim.SGD([a], lr=0.1)
    calls = []
    h1 = opt.register_step_pre_hook(lambda o, args, kwargs: calls.append(('pre', o is opt, args, kwargs)))
    h2 = opt.register_step_post_hook(lambda o, args, kwargs: calls.append(('post', a.tolist())))
    a.grad = ember.tensor([1.])
    opt.step()
    assert calls == [('pre', True, (), {}), ('post', [pytest.approx(0.9)])]
    h1.remove()
    h2.remove()
    opt.step()
    assert len(calls) == 2


def test_pre_hook_can_replace_arguments_and_bad_results_raise():
    a = leaf(3.)
    opt = ember.optim.SGD([a], lr=0.25)

    def closure():
        opt.zero_grad()
        loss = (a ** 2).sum()
        loss.backward()
        return loss
    handle = opt.register_step_pre_hook(lambda o, args, kwargs: ((closure,), {}))
    assert opt.step().item() == 9.0
    handle.remove()
    opt.register_step_pre_hook(lambda o, args, kwargs: 5)
    with pytest.raises(RuntimeError, match="must return None or a tuple of \\(new_args, new_kwargs\\), but got 5"):
        opt.step()


def test_global_step_hooks():
    from ember.optim.optimizer import register_optimizer_step_post_hook, register_optimizer_step_pre_hook
    a = leaf(1.)
    opt = ember.optim.Adam([a])
    calls = []
    with register_optimizer_step_pre_hook(lambda o, args, kw: calls.append('pre')), \
            register_optimizer_step_post_hook(lambda o, args, kw: calls.append('post')):
        opt.step()
    opt.step()
    assert calls == ['pre', 'post']


def test_state_dict_hooks():
    a = leaf(1.)
    opt = ember.optim.SGD([a], lr=0.1)
    calls = []
    opt.register_state_dict_pre_hook(lambda o: calls.append('pre'))
    opt.register_state_dict_post_hook(lambda o, sd: {**sd, 'extra': 1})
    opt.register_state_dict_pre_hook(lambda o: calls.append('first'), prepend=True)
    assert opt.state_dict()['extra'] == 1 and calls == ['first', 'pre']
    sd = ember.optim.SGD([a], lr=0.5).state_dict()
    opt.register_load_state_dict_pre_hook(lambda o, sd: calls.append('load-pre'))
    opt.register_load_state_dict_post_hook(lambda o: calls.append('load-post'))
    opt.load_state_dict(sd)
    assert calls[-2:] == ['load-pre', 'load-post'] and opt.param_groups[0]['lr'] == 0.5


# -------------------------------------------------------------------------------------- state dict
def test_state_dict_numbers_parameters_across_groups_and_does_not_copy():
    a, b, c = leaf(1.), leaf(2.), leaf(3.)
    opt = ember.optim.SGD([{'params': [a, b]}, {'params': [c], 'lr': 0.5}], lr=0.1, momentum=0.9)
    for p in (a, c):
        p.grad = ember.tensor([1.])
    opt.step()
    sd = opt.state_dict()
    assert [g['params'] for g in sd['param_groups']] == [[0, 1], [2]]
    assert sorted(sd['state']) == [0, 2]
    assert sd['state'][0]['momentum_buffer'] is opt.state[a]['momentum_buffer']
    assert sd['param_groups'][1]['lr'] == 0.5


def test_load_state_dict_validation():
    a, b = leaf(1.), leaf(2.)
    sd = ember.optim.SGD([a], lr=0.1).state_dict()
    with pytest.raises(ValueError, match="^loaded state dict has a different number of parameter groups$"):
        ember.optim.SGD([{'params': [a]}, {'params': [b]}], lr=0.1).load_state_dict(sd)
    with pytest.raises(ValueError, match="^loaded state dict contains a parameter group that doesn't match the "
                                         "size of optimizer's group$"):
        ember.optim.SGD([a, b], lr=0.1).load_state_dict(sd)


def test_load_state_dict_casts_state_to_the_parameters_dtype_but_keeps_step():
    a32 = leaf(1., 2.)
    opt32 = ember.optim.Adam([a32], lr=0.1)
    a32.grad = ember.tensor([1., -1.])
    opt32.step()
    a64 = leaf(1., 2., dtype=ember.float64)
    opt64 = ember.optim.Adam([a64], lr=0.1)
    opt64.load_state_dict(opt32.state_dict())
    state = opt64.state[a64]
    assert state['exp_avg'].dtype == ember.float64 and state['exp_avg_sq'].dtype == ember.float64
    assert state['step'].dtype == ember.float32 and state['step'].item() == 1.0
    np.testing.assert_allclose(state['exp_avg'].tolist(), [0.1, -0.1], rtol=1e-6)
    # options come from the saved groups; the parameters stay the optimizer's own
    assert opt64.param_groups[0]['params'][0] is a64


def test_load_state_dict_with_old_style_integer_step():
    a = leaf(1.)
    opt = ember.optim.Adam([a], lr=0.1)
    a.grad = ember.tensor([1.])
    opt.step()
    sd = copy.deepcopy(opt.state_dict())
    sd['state'][0]['step'] = 1   # PyTorch < 1.12 saved a number
    opt2 = ember.optim.Adam([leaf(1.)], lr=0.1)
    opt2.load_state_dict(sd)
    step = next(iter(opt2.state.values()))['step']
    assert isinstance(step, ember.Tensor) and step.dtype == ember.float32 and step.item() == 1.0


def test_optimizer_deepcopies_and_pickles_its_state():
    a = leaf(1.)
    opt = ember.optim.SGD([a], lr=0.1, momentum=0.9)
    a.grad = ember.tensor([1.])
    opt.step()
    clone = copy.deepcopy(opt)
    assert clone.param_groups[0]['lr'] == 0.1
    (p,) = clone.param_groups[0]['params']
    assert p is not a and clone.state[p]['momentum_buffer'].tolist() == [1.0]



def _convert(value, to_tensor):
    """Recursively rebuild a state dict with another library's tensors (through NumPy)."""
    if hasattr(value, 'detach') and hasattr(value, 'numpy'):
        return to_tensor(value.detach().numpy().copy())
    if isinstance(value, dict):
        return {k: _convert(v, to_tensor) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_convert(v, to_tensor) for v in value)
    return value


@pytest.mark.parametrize('name, kwargs', [('SGD', dict(lr=0.001, momentum=0.9)), ('Adam', dict(lr=0.05, amsgrad=True)),
                                          ('RMSprop', dict(lr=0.01, centered=True, momentum=0.2)),
                                          ('Adagrad', dict(lr=0.1)), ('Adadelta', {}),
                                          ('LBFGS', dict(line_search_fn='strong_wolfe', max_iter=4))])
def test_state_dicts_move_between_pytorch_and_ember(name, kwargs):
    torch = pytest.importorskip('torch')
    from tests.optim import _problem as P

    def closure_for(opt, params):
        def closure():
            opt.zero_grad()
            loss = P.loss(*params)
            loss.backward()
            return loss
        return closure

    def start(lib):
        params = P.make_params(lib)
        opt = getattr(lib.optim, name)(list(params), **kwargs)
        for _ in range(3):
            opt.step(closure_for(opt, params))
        return params, opt

    for src, dst, to_tensor in ((torch, ember, ember.from_numpy), (ember, torch, torch.from_numpy)):
        params, opt = start(src)
        moved = [dst.tensor(p.detach().numpy().copy(), requires_grad=True) for p in params]
        opt2 = getattr(dst.optim, name)(moved, **kwargs)
        opt2.load_state_dict(_convert(copy.deepcopy(opt.state_dict()), to_tensor))
        for _ in range(2):
            opt.step(closure_for(opt, params))
            opt2.step(closure_for(opt2, moved))
        for a, b in zip(params, moved):
            np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=0, atol=1e-12)


def test_hooks_run_once_when_a_subclass_step_calls_super():
    class Logged(ember.optim.SGD):
        def step(self, closure=None):
            return super().step(closure)
    a = leaf(1.)
    opt = Logged([a], lr=0.1)
    calls = []
    opt.register_step_pre_hook(lambda o, args, kwargs: calls.append('pre'))
    opt.register_step_post_hook(lambda o, args, kwargs: calls.append('post'))
    a.grad = ember.tensor([1.])
    opt.step()
    assert calls == ['pre', 'post'] and a.tolist() == [pytest.approx(0.9)]


@pytest.mark.parametrize('name, tensors', [
    ('Adam', 'params and state_steps'), ('AdamW', 'params and state_steps'), ('RMSprop', 'params and state_steps'),
    ('Adadelta', 'params and state_steps'), ('Adamax', 'params and state_steps'), ('RAdam', 'params and state_steps'),
    ('Rprop', 'params and state_steps'), ('NAdam', 'params, mu_products and state_steps'),
    ('ASGD', 'params, mus, etas, and state_steps')])
def test_capturable_is_refused_for_cpu_parameters_at_the_step(name, tensors):
    # capturable keeps optimizer state on the GPU for graph capture; PyTorch refuses it for CPU parameters
    w = leaf(1., 2.)
    opt = getattr(ember.optim, name)([w], capturable=True)
    w.grad = ember.ones(2)
    with pytest.raises(AssertionError, match=rf"^If capturable=True, {tensors} must be on supported devices: "
                                             r"\['cuda'\].$"):
        opt.step()
    assert w.tolist() == [1., 2.]


# --------------------------------------------------------------------------------- 0-d parameters
# three steps on ((w - 3)^2 + (v * w).sum()) from w = 1.5, v = [0.5, -1]; w is 0-d (pyro's scalar sites
# are): PyTorch 2.13's results
_SCALAR_PARAMETER_RUNS = [
    ('SGD', dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.1), 3.731045, [-1.161745, -2.543086]),
    ('Adam', dict(lr=0.1, weight_decay=0.1), 1.799971, [0.199612, -1.300411]),
    ('AdamW', dict(lr=0.1, amsgrad=True), 1.795212, [0.198385, -1.297119]),
    ('Adam', dict(lr=0.1, maximize=True, weight_decay=0.1), 1.200026, [0.798924, -0.700942]),
    ('RMSprop', dict(lr=0.1), 3.820671, [-2.100885, -3.600885]),
    ('RMSprop', dict(lr=0.1, momentum=0.5, centered=True), 4.954243, [-3.359131, -4.859131]),
    ('Adagrad', dict(lr=0.1), 1.728495, [0.266448, -1.233552]),
    ('Adadelta', dict(lr=0.5, weight_decay=0.1), 1.504854, [0.495144, -1.004856]),
    ('Adamax', dict(lr=0.1), 1.800038, [0.20843, -1.29157]),
    ('NAdam', dict(lr=0.1), 1.757289, [0.237173, -1.262827]),
    ('RAdam', dict(lr=0.1), 2.489056, [-0.005098, -1.505098]),
    ('ASGD', dict(lr=0.1), 2.444946, [-0.051001, -1.550956]),
    ('Rprop', dict(lr=0.1), 1.864, [0.136, -1.364]),
    ('Adafactor', dict(lr=0.1), 1.986111, [0.253521, -1.246479]),
]


@pytest.mark.parametrize('name, kwargs, w_end, v_end', _SCALAR_PARAMETER_RUNS)
def test_zero_dim_parameters_step_as_in_pytorch(name, kwargs, w_end, v_end):
    w = ember.tensor(1.5, requires_grad=True)
    v = ember.tensor([0.5, -1.], requires_grad=True)
    opt = getattr(ember.optim, name)([w, v], **kwargs)
    for _ in range(3):
        opt.zero_grad()
        ((w - 3) ** 2 + (v * w).sum()).backward()
        opt.step()
    assert w.shape == () and w.item() == pytest.approx(w_end, abs=2e-6)
    np.testing.assert_allclose(v.tolist(), v_end, atol=2e-6)
