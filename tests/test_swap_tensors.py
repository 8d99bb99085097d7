"""ember.utils.swap_tensors and ember.__future__'s module-conversion switches, as PyTorch's."""
import weakref

import pytest

import ember


def test_swap_exchanges_everything_but_identity():
    a = ember.ones(2, requires_grad=True)
    b = ember.zeros(3)
    b.note = 'b'
    ember.utils.swap_tensors(a, b)
    assert a.tolist() == [0., 0., 0.] and not a.requires_grad and a.note == 'b'
    assert b.tolist() == [1., 1.] and b.requires_grad and not hasattr(b, 'note')
    p, t = ember.nn.Parameter(ember.ones(1)), ember.zeros(1)
    ember.utils.swap_tensors(p, t)
    assert type(p) is ember.Tensor and type(t) is ember.nn.Parameter and t.tolist() == [1.]


def test_swap_refuses_weakly_referenced_tensors_and_poisons_old_graphs():
    x = ember.ones(1)
    ref = weakref.ref(x)
    with pytest.raises(RuntimeError, match='^Cannot swap t1 because it has weakref associated with it$'):
        ember.utils.swap_tensors(x, ember.zeros(1))
    assert ref() is x
    x = ember.ones(2, requires_grad=True)
    y = (x * 2).sum()
    ember.utils.swap_tensors(x, ember.full((2,), 3.))
    with pytest.raises(RuntimeError, match='Trying to execute AccumulateGrad node that was poisoned by swap_tensors'):
        y.backward()


@pytest.fixture
def restore_future():
    yield
    ember.__future__.set_swap_module_params_on_conversion(False)
    ember.__future__.set_overwrite_module_params_on_conversion(False)


def test_module_conversion_modes(restore_future):
    future = ember.__future__
    assert not future.get_swap_module_params_on_conversion() and not future.get_overwrite_module_params_on_conversion()
    m = ember.nn.Linear(2, 2)
    w = m.weight
    m.double()                                  # default: the same Parameter takes the new values
    assert m.weight is w and w.dtype == ember.float64

    future.set_overwrite_module_params_on_conversion(True)
    m = ember.nn.Linear(2, 2)
    w = m.weight
    m.double()                                  # new Parameter objects; the old one keeps its dtype
    assert m.weight is not w and m.weight.dtype == ember.float64 and w.dtype == ember.float32
    assert isinstance(m.weight, ember.nn.Parameter)
    future.set_overwrite_module_params_on_conversion(False)

    future.set_swap_module_params_on_conversion(True)
    m = ember.nn.Linear(2, 2)
    w = m.weight
    opt = ember.optim.SGD(m.parameters(), lr=0.1)
    m.weight.grad = ember.ones(2, 2)
    m.double()                                  # swapped: every holder (the optimizer too) sees float64
    assert m.weight is w and w.dtype == ember.float64 and w.grad.dtype == ember.float64
    assert opt.param_groups[0]['params'][0].dtype == ember.float64


def test_autograd_function_names_typed_code_imports():
    from ember.autograd.function import BackwardCFunction, FunctionCtx, FunctionMeta, InplaceFunction
    seen = []

    class Double(ember.autograd.Function):
        @staticmethod
        def forward(ctx: FunctionCtx, x):
            seen.append((isinstance(ctx, FunctionCtx), isinstance(ctx, BackwardCFunction)))
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2
    Double.apply(ember.ones(1, requires_grad=True))
    assert seen == [(True, True)] and type(Double) is FunctionMeta
    assert InplaceFunction(inplace=True).inplace is True and issubclass(InplaceFunction, ember.autograd.Function)
