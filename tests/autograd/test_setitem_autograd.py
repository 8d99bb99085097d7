"""``x[key] = value`` under autograd, as PyTorch records it: a basic key leaves CopySlices around the copy (or the
fill, for a number or a 0-dim value), the CopyBackwards / FillBackward3 node itself where the key selects the whole
tensor, and a value of another shape viewed without its leading 1s and expanded first; an advanced key leaves
IndexPutBackward0. First and second derivatives, version counters, views of the same memory and the errors are
PyTorch's (values below recorded from PyTorch 2.13); tests/test_grad_fn_edges.py compares next_functions with
PyTorch's recorded trees."""
import numpy as np
import pytest

import ember

F64 = ember.float64


def _leaf(*shape):
    return ember.tensor(np.linspace(-1.3, 1.7, int(np.prod(shape))).reshape(shape), dtype=F64, requires_grad=True)


# (x, v) -> None: an assignment into x (x has 3 rows of 4) of values taken from v (3 rows of 5)
ASSIGNMENTS = {
    'slice': lambda x, v: x.__setitem__(slice(1, None), v[:2, :4] * 2),
    'number': lambda x, v: x.__setitem__((0, 0), 5.0),
    'number_into_row': lambda x, v: x.__setitem__(0, 2.0),
    'broadcast_row': lambda x, v: x.__setitem__(slice(1, None), v[:1, :4]),
    'whole_from_row': lambda x, v: x.__setitem__(slice(None), v[0, :4]),
    'whole_number': lambda x, v: x.__setitem__(slice(None), 2.5),
    'whole_zero_dim': lambda x, v: x.__setitem__(Ellipsis, v[0, 0]),
    'zero_dim_into_row': lambda x, v: x.__setitem__(1, v[0, 1]),
    'ellipsis_column': lambda x, v: x.__setitem__((Ellipsis, 1), v[:, 0]),
    'step': lambda x, v: x.__setitem__(slice(None, None, 2), v[:2, :4]),
    'rows_of_column': lambda x, v: x.__setitem__((slice(1, 3), 0), v[1, :2]),
    'new_axis': lambda x, v: x.__setitem__((None, 2), v[:1, 1:]),
    'leading_ones': lambda x, v: x.__setitem__(slice(None), v[:, :4].reshape(1, 3, 4)),
    'through_a_view': lambda x, v: x[1:].__setitem__(0, v[2, :4]),
    'whole_of_a_view': lambda x, v: x[1:].__setitem__(Ellipsis, v[1, 1:]),
    'index_tensor': lambda x, v: x.__setitem__(ember.tensor([0, 2]), v[:2, :4]),
    'index_tensor_number': lambda x, v: x.__setitem__(ember.tensor([0, 2]), 1.0),
}


def _assigned(case):
    def f(a, v):
        x = a * 1.5
        case(x, v)
        return (x * x * a).sum() + (x[0] * v.sum()).sum()
    return f


@pytest.mark.parametrize('name', sorted(ASSIGNMENTS))
def test_first_and_second_derivatives(name):
    a, v = _leaf(3, 4), _leaf(3, 5)
    f = _assigned(ASSIGNMENTS[name])
    assert ember.autograd.gradcheck(f, (a, v))
    assert ember.autograd.gradgradcheck(f, (a, v))


def test_gradients_reach_the_value_and_skip_the_overwritten_elements():
    a = ember.arange(12., dtype=F64).reshape(3, 4).requires_grad_()
    v = ember.tensor([1., 2., 3., 4.], dtype=F64, requires_grad=True)
    b = a.clone()
    y = b[1:]
    y[0] = v
    assert b.tolist()[1] == [1., 2., 3., 4.] and b.grad_fn.name() == 'ember::autograd::CopySlices'
    (b * b).sum().backward()
    assert a.grad.tolist() == [[0., 2., 4., 6.], [0., 0., 0., 0.], [16., 18., 20., 22.]]
    assert v.grad.tolist() == [2., 4., 6., 8.]
    # a 0-dim value filling a row gets the row's gradient summed (PyTorch's fill_ with a tensor)
    s = ember.tensor(3., dtype=F64, requires_grad=True)
    x = a.clone()
    x[1] = s
    (x * ember.tensor([1., 2., 3., 4.], dtype=F64)).sum().backward()
    assert s.grad.item() == 10.


def test_the_nodes_are_pytorchs():
    a, v = _leaf(3, 4), _leaf(4)
    x = a.clone()
    x[1:] = 2.0
    assert x.grad_fn.name() == 'ember::autograd::CopySlices'
    assert x.grad_fn.next_functions[1] == (None, 0)
    x = a.clone()
    x[:] = 2.5
    assert x.grad_fn.name() == 'FillBackward3' and repr(x).endswith('grad_fn=<FillBackward3>)')
    x = a.clone()
    x[0:3] = v           # a slice over the whole dimension: the tensor itself is copied into
    expand = x.grad_fn.next_functions[1][0]
    assert x.grad_fn.name() == 'ember::autograd::CopyBackwards'
    assert expand.name() == 'ExpandBackward0' and expand._saved_self_sym_sizes == (4,)
    view = expand.next_functions[0][0]
    assert view.name() == 'ViewBackward0' and view._saved_self_sym_sizes == (4,)
    assert view.next_functions[0][0].variable is v
    x = a.clone()
    x[-3:] = v           # a start that is not 0: a view, though it covers every row
    assert x.grad_fn.name() == 'ember::autograd::CopySlices'
    x = a.clone()
    x[ember.tensor([0, 2])] = 1.0
    assert x.grad_fn.name() == 'IndexPutBackward0' and x.grad_fn.next_functions[1] == (None, 0)
    # a tensor that needed no gradient takes the value's history
    x = ember.zeros(3, 4, dtype=F64)
    x[1:] = ember.ones(2, 4, dtype=F64, requires_grad=True)
    assert x.requires_grad and x.grad_fn.next_functions[0] == (None, 0)
    # an integer tensor has none
    x = ember.zeros(3, 4, dtype=ember.int64)
    x[0] = ember.tensor([1., 2., 3., 4.], dtype=F64, requires_grad=True)
    assert not x.requires_grad and x.grad_fn is None and x.tolist()[0] == [1, 2, 3, 4]


def test_versions_and_views_of_the_same_memory():
    a = ember.arange(12., dtype=F64).reshape(3, 4).requires_grad_()
    v = ember.tensor([1., 2., 3., 4.], dtype=F64, requires_grad=True)
    b = a.clone()
    row, column = b[1], b[:, 0]
    b[1] = v * 2
    assert b._version == row._version == column._version == 1
    assert row.tolist() == [2., 4., 6., 8.] and column.tolist() == [0., 2., 8.]
    (row.sum() + (column * ember.tensor([1., 10., 100.], dtype=F64)).sum()).backward()
    assert a.grad.tolist() == [[1., 0., 0., 0.], [0., 0., 0., 0.], [100., 0., 0., 0.]]
    assert v.grad.tolist() == [22., 2., 2., 2.]
    for key, value in ((slice(1, None), 1.), (Ellipsis, v), (ember.tensor([0]), 1.)):
        x = a.clone()
        x[key] = value
        assert x._version == 1
        with ember.no_grad():
            x[key] = value
        assert x._version == 2


@pytest.mark.parametrize('assign, node', [(lambda y: y.__setitem__(0, 1.0), 'ember::autograd::CopySlices'),
                                          (lambda y: y.__setitem__(slice(None), 1.0), 'Fill3')])
def test_a_saved_tensor_overwritten_is_refused_at_backward(assign, node):
    y = _leaf(3, 4).clone()
    z = y * y
    assign(y)
    with pytest.raises(RuntimeError, match=f"which is output 0 of {node}, is at version 1; expected version 0"):
        z.sum().backward()


LEAF_ERRORS = [(slice(1, None), 'a view of a leaf'), (0, 'a view of a leaf'), ((slice(None), 0), 'a view of a leaf'),
               (None, 'a view of a leaf'), ((Ellipsis, 0), 'a view of a leaf'), (slice(None), 'a leaf'),
               (Ellipsis, 'a leaf'), ((), 'a leaf'), ('index', 'a leaf')]


@pytest.mark.parametrize('key, what', LEAF_ERRORS)
def test_a_leaf_that_requires_grad_is_refused_with_pytorchs_words(key, what):
    x = _leaf(3, 4)
    key = ember.tensor([0]) if key == 'index' else key
    before = x.tolist()
    with pytest.raises(RuntimeError) as info:
        x[key] = 1.0
    assert str(info.value) == f"{what} Variable that requires grad is being used in an in-place operation."
    assert x.tolist() == before and x._version == 0
    with ember.no_grad():
        x[key] = 1.0
    assert x._version == 1


def test_a_value_that_does_not_fit_changes_nothing():
    x = _leaf(3, 4).clone()
    before = x.tolist()
    with pytest.raises(RuntimeError, match=r"The expanded size of the tensor \(2\) must match the existing size \(3\)"):
        x[1:] = ember.ones(3, 4, dtype=F64, requires_grad=True)
    assert x.tolist() == before and x._version == 0 and x.grad_fn.name() == 'CloneBackward0'
    with pytest.raises(RuntimeError) as info:
        x[1:] = ember.ones(1, 2, 3, 4, dtype=F64)      # (its leading 1 is dropped first, as PyTorch drops it)
    assert str(info.value) == ("expand(ember.DoubleTensor{[2, 3, 4]}, size=[2, 4]): the number of sizes provided "
                               "(2) must be greater or equal to the number of dimensions in the tensor (3)")
    with pytest.raises(RuntimeError, match=r"shape mismatch: value tensor of shape \[2, 3, 4\] cannot be broadcast"):
        x[ember.tensor([0, 1])] = ember.ones(2, 3, 4, dtype=F64)     # an advanced key: index_put_'s words
    assert x.tolist() == before and x._version == 0
