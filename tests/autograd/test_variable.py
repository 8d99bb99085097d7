"""``ember.autograd.Variable`` behaves as PyTorch 2.13's legacy class (outcomes recorded from it inline)."""
import warnings

import pytest

import ember
from ember.autograd import Variable


def test_every_tensor_is_a_variable_and_the_constructor_returns_a_tensor():
    t = ember.ones(2)
    assert isinstance(t, Variable)
    assert isinstance(ember.nn.Parameter(ember.ones(1)), Variable)
    assert not isinstance(3, Variable) and not issubclass(ember.Tensor, Variable)  # as in PyTorch
    v = Variable(t, requires_grad=True)
    assert type(v) is ember.Tensor and v is not t and v.requires_grad
    v.data.add_(1)  # shares storage with t, as PyTorch's detach does
    assert t.tolist() == [2.0, 2.0]
    assert Variable(t, True).requires_grad and not Variable(t).requires_grad
    assert type(Variable).__name__ == 'VariableMeta'


def test_wrapping_a_graph_result_detaches_it():
    a = ember.ones(2, requires_grad=True) * 2
    v = Variable(a)
    assert v.grad_fn is None and not v.requires_grad


def test_no_data_gives_an_empty_tensor():
    assert Variable().tolist() == [] and Variable().shape == (0,)


def test_volatile_warns_and_has_no_effect():
    with pytest.warns(UserWarning, match="volatile was removed and now has no effect"):
        v = Variable(ember.ones(2), volatile=True)
    assert not v.requires_grad


def test_bad_arguments_raise_pytorchs_errors():
    with pytest.raises(TypeError, match="^Variable data has to be a tensor, but got int$"):
        Variable(3)
    with pytest.raises(TypeError, match="^'foo' is an invalid keyword argument for this function$"):
        Variable(ember.ones(2), foo=1)
    with pytest.raises(TypeError, match="^_grad_fn has to be a Function object or None, but got int$"):
        Variable(ember.ones(2), True, False, 4)
    with pytest.raises(RuntimeError, match="^Only Tensors of floating point and complex dtype can require"):
        Variable(ember.ones(2, dtype=ember.long), requires_grad=True)
