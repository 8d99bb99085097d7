"""A Parameter's ``__dict__`` holds what a user set on it, as in PyTorch: nothing of autograd's (its gradient,
accumulator, view base). accelerate rebuilds parameters as ``type(p)(p.to(device), **p.__dict__)``
(``init_empty_weights``, ``set_module_tensor_to_device``)."""
import copy
import pickle

import pytest

import ember
from ember import nn


def _trained_weight():
    layer = nn.Linear(3, 2)
    layer(ember.ones(1, 3)).sum().backward()
    return layer.weight


def test_a_parameters_dict_is_empty_as_in_pytorch():
    for p in (nn.Parameter(ember.ones(2)), nn.Linear(2, 2).weight, _trained_weight(),
              copy.deepcopy(_trained_weight()), nn.Parameter(ember.ones(2), requires_grad=False)):
        assert dict(p.__dict__) == {} and dict(vars(p)) == {} and len(p.__dict__) == 0
        assert '_grad' not in p.__dict__ and list(p.__dict__) == []


def test_a_parameters_dict_shows_and_takes_user_attributes():
    p = _trained_weight()
    p.note = 'frozen'
    p.__dict__['extra'] = 3
    assert dict(p.__dict__) == {'note': 'frozen', 'extra': 3} and p.extra == 3
    assert p.__dict__ == {'note': 'frozen', 'extra': 3}
    del p.__dict__['extra']
    assert not hasattr(p, 'extra') and p.grad is not None     # the gradient is still there, only hidden
    p.__dict__.update(tag=1)
    assert p.tag == 1 and p.__dict__.copy() == {'note': 'frozen', 'tag': 1}
    p.grad = None
    p.grad_dtype = ember.float64                               # (a property in PyTorch, not an attribute)
    assert 'grad_dtype' not in p.__dict__ and '_grad_dtype' not in p.__dict__


def test_rebuilding_a_parameter_from_its_dict():
    # accelerate's register_empty_parameter: the keyword arguments are the parameter's __dict__
    p = _trained_weight()
    kwargs = p.__dict__
    kwargs['requires_grad'] = False
    rebuilt = type(p)(p.detach().to('meta'), **kwargs)
    assert type(rebuilt) is nn.Parameter and rebuilt.device.type == 'meta' and not rebuilt.requires_grad
    assert p.requires_grad and p.grad is not None


def test_replacing_a_parameters_dict_keeps_its_gradient():
    p = _trained_weight()
    grad = p.grad
    p.__dict__ = {'a': 1}
    assert p.a == 1 and p.grad is grad and dict(vars(p)) == {'a': 1}


def test_user_attributes_survive_pickling():
    p = _trained_weight()
    p.note = 'kept'
    q = pickle.loads(pickle.dumps(p))
    assert q.note == 'kept' and dict(q.__dict__) == {'note': 'kept'} and ember.equal(q, p)


def test_deepcopy_of_a_parameter_copies_values_and_requires_grad_only():
    # PyTorch's Parameter.__deepcopy__: no .grad, no attributes (a plain tensor's deepcopy keeps both)
    p = _trained_weight()
    p.note = 'dropped'
    q = copy.deepcopy(p)
    assert type(q) is nn.Parameter and q is not p and ember.equal(q, p) and q.requires_grad
    assert q.grad is None and not hasattr(q, 'note') and dict(q.__dict__) == {}
    q.data.add_(1)
    assert not ember.equal(q, p)
    frozen = nn.Parameter(ember.ones(2), requires_grad=False)
    assert not copy.deepcopy(frozen).requires_grad
    shared = {'a': p, 'b': p}
    copied = copy.deepcopy(shared)
    assert copied['a'] is copied['b']
    t = ember.ones(2, requires_grad=True)
    (t * 2).sum().backward()
    t.note = 'kept'
    u = copy.deepcopy(t)
    assert u.note == 'kept' and ember.equal(u.grad, t.grad)


def test_grad_dtype_cannot_change_under_an_existing_gradient():
    p = _trained_weight()
    p.grad_dtype = ember.float32            # (the gradient's own dtype, and None, are accepted)
    p.grad_dtype = None
    with pytest.raises(RuntimeError, match=r"^Cannot set grad_dtype to 'Double' because there is already a "
                                           r"gradient with dtype 'float'\. Please clear the gradient \(\.grad = None\) "
                                           r"before changing grad_dtype, or ensure the new grad_dtype matches the "
                                           r"existing gradient's dtype\.$"):
        p.grad_dtype = ember.float64
    c = ember.ones(2, dtype=ember.complex64, requires_grad=True)
    c.abs().sum().backward()
    with pytest.raises(RuntimeError, match=r"^Cannot set grad_dtype to 'BFloat16' because there is already a "
                                           r"gradient with dtype 'c10::complex<float>'\."):
        c.grad_dtype = ember.bfloat16
    p.grad = None
    p.grad_dtype = ember.float64
    assert p.grad_dtype is ember.float64


def test_swap_tensors_swaps_parameters_whole():
    # Module._apply swaps parameters this way (ember.__future__.set_swap_module_params_on_conversion)
    a, b = _trained_weight(), nn.Parameter(ember.zeros(2, 3))
    b.grad = ember.full((2, 3), 7.)
    a.note = 'a'
    grad_a, grad_b = a.grad, b.grad
    ember.utils.swap_tensors(a, b)
    assert a.grad is grad_b and b.grad is grad_a and b.note == 'a' and not hasattr(a, 'note')
    assert ember.equal(a, ember.zeros(2, 3)) and dict(a.__dict__) == {} and dict(b.__dict__) == {'note': 'a'}
