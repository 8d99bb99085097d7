"""fill_, zero_ and fill record PyTorch's node for each overload (FillBackward0/1 out of place, FillBackward2/3 in
place, ZeroBackward0), and the overwritten tensor gets a zero gradient, not none (values from PyTorch 2.13)."""
import pytest

import ember

F64 = ember.float64


def _names(fn):
    return fn.name(), [None if f is None else f.name() for f, _ in fn.next_functions]


@pytest.mark.parametrize('fill, node, edges', [
    (lambda a, s: a.clone().fill_(2.5), 'FillBackward2', ['CloneBackward0']),
    (lambda a, s: a.clone().fill_(s), 'FillBackward3', ['CloneBackward0', 'ember::autograd::AccumulateGrad']),
    (lambda a, s: a.clone().zero_(), 'ZeroBackward0', ['CloneBackward0']),
    (lambda a, s: ember.fill(a, 2.5), 'FillBackward0', ['ember::autograd::AccumulateGrad']),
    (lambda a, s: ember.fill(a, s), 'FillBackward1', ['ember::autograd::AccumulateGrad'] * 2),
])
def test_each_overload_names_its_node_and_zeroes_the_overwritten_gradient(fill, node, edges):
    a = ember.ones(3, dtype=F64, requires_grad=True)
    s = ember.tensor(2.0, dtype=F64, requires_grad=True)
    out = fill(a, s)
    assert _names(out.grad_fn) == (node, edges)
    (out * ember.tensor([1., 2., 3.], dtype=F64)).sum().backward()
    assert a.grad.tolist() == [0., 0., 0.]
    assert s.grad is None if len(edges) == 1 else s.grad.item() == 6.


def test_a_saved_tensor_filled_names_the_fill_in_the_version_error():
    y = ember.ones(3, dtype=F64, requires_grad=True).clone()
    y.fill_(2.0)
    z = y * y
    with ember.no_grad():
        y[0] = 5.0
    with pytest.raises(RuntimeError, match="which is output 0 of Fill2, is at version 2; expected version 1"):
        z.sum().backward()
