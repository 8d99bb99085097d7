"""Calls of einsum with an equation and shapes seen before reuse what was worked out for them (the parsed
subscripts, the broadcast shapes, the node's class), and give what the first call gave: the same values,
node and saved values, and every time PyTorch's error for operands that do not fit."""
import pytest

import ember


def test_repeated_calls_broadcast_and_name_their_node_each_time():
    for _ in range(3):
        x = ember.ones(3, 1, requires_grad=True)
        y = ember.einsum('ij,j->ij', x, ember.arange(4.))      # j: size 1 broadcast against 4
        assert y.tolist() == [[0., 1., 2., 3.]] * 3
        # recorded from PyTorch 2.13: the product's factors as given, aligned to the output
        assert y.grad_fn.name() == 'MulBackward0' and tuple(y.grad_fn._saved_other.shape) == (1, 4)
        y.sum().backward()
        assert x.grad.tolist() == [[6.]] * 3


def test_repeated_calls_raise_each_time():
    for _ in range(2):
        with pytest.raises(RuntimeError, match=r"^einsum\(\): subscript j has size 4 for operand 1 which does not "
                                               r"broadcast with previously seen size 3$"):
            ember.einsum('ij,jk->ik', ember.ones(2, 3), ember.ones(4, 2))
        with pytest.raises(TypeError, match=r"^expected Tensor as element 1 in argument 1, but got list$"):
            ember.einsum('i,i->', ember.ones(2), [1.0, 2.0])


def test_other_shapes_get_their_own_subscripts():
    assert tuple(ember.einsum('...ij->j', ember.ones(2, 3)).shape) == (3,)
    assert tuple(ember.einsum('...ij->j', ember.ones(5, 2, 3)).shape) == (3,)
    y = ember.einsum('...ij->...', ember.ones(5, 2, 3, requires_grad=True))
    assert tuple(y.shape) == (5,) and y.grad_fn._saved_self_sym_sizes == (5, 2, 3)
