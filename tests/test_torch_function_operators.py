"""What a TorchFunctionMode (or a subclass's ``__torch_function__``) is handed for Tensor operators: the Tensor
method the operator runs, as PyTorch hands it (``x + y`` is ``Tensor.add``, ``x -= y`` ``Tensor.sub_``), and what
``ember.compile`` does with an entered mode (PyTorch's recipe "Utilizing Torch Function modes with torch.compile").
The table was read from PyTorch 2.13: for each operator, the names under which ``torch.Tensor`` holds the function
its ``__torch_function__`` received."""
import operator

import pytest

import ember
from ember.overrides import BaseTorchFunctionMode, TorchFunctionMode

# operator -> the Tensor attribute PyTorch 2.13 hands over (itself where PyTorch hands over the operator)
HANDED = {'__abs__': 'abs', '__add__': 'add', '__and__': '__and__', '__eq__': '__eq__',
          '__floordiv__': '__floordiv__', '__ge__': 'ge', '__gt__': 'gt', '__iadd__': 'add_', '__iand__': '__iand__',
          '__ifloordiv__': 'floor_divide_', '__ilshift__': '__ilshift__', '__imod__': 'remainder_',
          '__imul__': 'mul_', '__invert__': '__invert__', '__ior__': '__ior__', '__ipow__': '__ipow__',
          '__irshift__': '__irshift__', '__isub__': 'sub_', '__itruediv__': 'div_', '__ixor__': '__ixor__',
          '__le__': 'le', '__lshift__': '__lshift__', '__lt__': 'lt', '__matmul__': 'matmul', '__mod__': 'remainder',
          '__mul__': 'mul', '__ne__': 'ne', '__neg__': 'neg', '__or__': '__or__', '__pos__': 'positive',
          '__pow__': '__pow__', '__rand__': 'bitwise_and', '__rmatmul__': '__rmatmul__', '__rmul__': 'mul',
          '__radd__': 'add', '__ror__': 'bitwise_or', '__rshift__': '__rshift__', '__rxor__': 'bitwise_xor',
          '__sub__': 'sub', '__truediv__': 'div', '__xor__': '__xor__'}
# the reflected operators Python calls when a number is on the left
REFLECTED = {'__rsub__': '__rsub__', '__rpow__': '__rpow__', '__rtruediv__': '__rtruediv__',
             '__rfloordiv__': '__rfloordiv__', '__rmod__': '__rmod__'}


class Recording(TorchFunctionMode):
    def __init__(self):
        super().__init__()
        self.seen = []

    def __torch_function__(self, func, types, args=(), kwargs=None):
        self.seen.append((func, args))
        return func(*args, **(kwargs or {}))


def _operands(name):
    if name in ('__abs__', '__neg__', '__pos__', '__invert__'):
        return (ember.tensor([3, 4]),)
    if name in ('__itruediv__',):
        return ember.tensor([3., 4.]), ember.tensor([1., 2.])
    return ember.tensor([3, 4]), ember.tensor([1, 2])


@pytest.mark.parametrize('name', sorted(HANDED))
def test_an_operator_hands_over_the_method_pytorch_hands_over(name):
    args = _operands(name)
    mode = Recording()
    with mode:
        getattr(ember.Tensor, name)(*args)
    (func, handed), = mode.seen
    assert func is getattr(ember.Tensor, HANDED[name])
    assert all(a is b for a, b in zip(handed, args)) and len(handed) == len(args)


@pytest.mark.parametrize('name', sorted(REFLECTED))
def test_a_number_on_the_left_hands_over_the_reflected_operator(name):
    x = ember.tensor([3., 4.])
    mode = Recording()
    with mode:
        out = getattr(operator, name.replace('__r', '__', 1).strip('_'))(2, x)
    (func, handed), = mode.seen
    assert func is getattr(ember.Tensor, REFLECTED[name])
    assert handed[0] is x and handed[1] == 2
    assert out.tolist() == getattr(operator, name.replace('__r', '__', 1).strip('_'))(2, ember.tensor([3., 4.])).tolist()


def test_a_number_on_the_left_of_add_and_mul_hands_over_the_method_with_the_tensor_first():
    x = ember.tensor([3., 4.])
    mode = Recording()
    with mode:
        2 + x
        2 * x
    assert [f for f, _ in mode.seen] == [ember.Tensor.add, ember.Tensor.mul]
    assert all(a[0] is x and a[1] == 2 for _, a in mode.seen)


class AddToMultiplyMode(BaseTorchFunctionMode):
    def __torch_function__(self, func, types, args=(), kwargs=None):
        if func == ember.Tensor.add:
            func = ember.mul
        return super().__torch_function__(func, types, args, kwargs)


def test_a_mode_swapping_add_for_mul_applies_to_operators():
    x, y = ember.tensor([2.]), ember.tensor([3.])
    with AddToMultiplyMode():
        assert (x + y * x).tolist() == [12.]
    assert (x + y * x).tolist() == [8.]


def test_a_compiled_function_called_inside_a_mode_runs_through_it():
    x, y = ember.tensor([2.]), ember.tensor([3.])

    @ember.compile()
    def fn(x, y):
        return x + y * x
    with AddToMultiplyMode():
        assert fn(x, y).tolist() == [12.]
        assert fn(x, y).tolist() == [12.]
        assert (x + y).tolist() == [6.]      # the mode still takes the calls after the compiled one
    assert fn(x, y).tolist() == [8.]


def test_a_mode_entered_inside_a_compiled_function_applies():
    x, y = ember.tensor([2.]), ember.tensor([3.])

    @ember.compile()
    def fn(x, y):
        with AddToMultiplyMode():
            return x + y * x
    assert fn(x, y).tolist() == [12.]
    assert fn(x, y).tolist() == [12.]


def test_the_table_is_pytorchs():
    torch = pytest.importorskip('torch')

    class Seen(torch.overrides.TorchFunctionMode):
        def __torch_function__(self, func, types, args=(), kwargs=None):
            self.func = func
            return func(*args, **(kwargs or {}))
    for name, method in HANDED.items():
        args = (torch.tensor([3., 4.]), torch.tensor([1., 2.])) if name == '__itruediv__' else \
            (torch.tensor([3, 4]),) if name in ('__abs__', '__neg__', '__pos__', '__invert__') else \
            (torch.tensor([3, 4]), torch.tensor([1, 2]))
        mode = Seen()
        with mode:
            getattr(torch.Tensor, name)(*args)
        assert mode.func is getattr(torch.Tensor, method), name
