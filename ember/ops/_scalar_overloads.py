"""Arithmetic of a tensor with a C++ ``double``, as PyTorch's own decompositions do it: the ``Scalar``
overloads (``add.Scalar``, ``sub.Scalar``, ``mul.Scalar``, ``div.Scalar``), whose nodes are ``AddBackward1``,
``SubBackward1``, ``MulBackward1`` and ``DivBackward1``, with one edge (none for the number) and the number kept as a number.

A Python number in user code (``x * 2``) reaches PyTorch wrapped into a tensor, so its node is
``MulBackward0`` with a ``(None, 0)`` edge for the number; ember's operators record that too and are left
alone. ember's composites call the functions here where PyTorch's C++ multiplies, adds or divides by a
double (``special.ndtr``, ``trapezoid``, ``pairwise_distance``...), so their graphs end in PyTorch's nodes.
The values are the ordinary operators' (same kernels, same rounding); nothing is added to any other call.
"""
import numpy as _np

from ember._grad_state import state as _grad_state
from ember._tensor import Tensor
from ember.autograd import _saved_attrs as _sa
from ember.autograd.function import unrecorded_scalar
from ember.ops.arith import Add, Div, Mul, Sub


class AddScalar(Add):
    """``tensor + number`` recorded as PyTorch's ``add.Scalar`` (AddBackward1: nothing saved)."""
    _profile_name = 'aten::add'
    node_name = 'AddBackward1'
    saved_attrs = {}
    _scalar_edges = False


class SubScalar(Sub):
    """``tensor - number`` recorded as PyTorch's ``sub.Scalar`` (SubBackward1: nothing saved)."""
    _profile_name = 'aten::sub'
    node_name = 'SubBackward1'
    saved_attrs = {}
    _scalar_edges = False


class MulScalar(Mul):
    """``tensor * number`` recorded as PyTorch's ``mul.Scalar`` (MulBackward1: the number saved as ``other``)."""
    _profile_name = 'aten::mul'
    node_name = 'MulBackward1'
    saved_attrs = {'other': _sa.number(0)}  # grad_fn._saved_*, read lazily
    _scalar_edges = False


class DivScalar(Div):
    """``tensor / number`` recorded as PyTorch's ``div.Scalar`` (DivBackward1: the number saved as ``other``)."""
    _profile_name = 'aten::div'
    node_name = 'DivBackward1'
    saved_attrs = {'other': _sa.number(1)}  # grad_fn._saved_*, read lazily
    _scalar_edges = False


def _number_op(cls, kernel, input, number):
    if input.__class__ is Tensor and not (input._requires_grad and _grad_state.enabled):
        out = unrecorded_scalar(kernel, input, number)   # (the operators' path when nothing is recorded)
        if out is not None:
            return out
    return cls.apply(input, number)


def add_number(input, number):
    """``input + number`` where PyTorch's C++ adds a double: recorded as ``AddBackward1``."""
    return _number_op(AddScalar, _np.add, input, number)


def sub_number(input, number):
    """``input - number`` where PyTorch's C++ subtracts a double: recorded as ``SubBackward1``."""
    return _number_op(SubScalar, _np.subtract, input, number)


def mul_number(input, number):
    """``input * number`` where PyTorch's C++ multiplies by a double: recorded as ``MulBackward1``."""
    return _number_op(MulScalar, _np.multiply, input, number)


def div_number(input, number):
    """``input / number`` where PyTorch's C++ divides by a double: recorded as ``DivBackward1``."""
    return _number_op(DivScalar, _np.true_divide, input, number)
