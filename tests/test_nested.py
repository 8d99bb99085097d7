"""ember.nested (layout=ember.strided): autograd through nested tensors and the errors for what ember does not
support (printed forms, sizes and values are pinned against PyTorch in tests/fixtures/printed/nested.py)."""
import warnings

import pytest

import ember
from ember import nested


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        yield


def _nt(requires_grad=False):
    return nested.nested_tensor([ember.arange(6.).reshape(2, 3), ember.arange(3.).reshape(1, 3)],
                                requires_grad=requires_grad)


def test_nested_tensor_copies_and_is_a_tensor():
    a = ember.ones(2)
    nt = nested.nested_tensor([a, ember.ones(3)])
    a[0] = 5.
    assert isinstance(nt, ember.Tensor) and nt.is_nested and nt[0].tolist() == [1., 1.]
    x = ember.ones(2)
    assert nested.as_nested_tensor([x, ember.ones(3)])[0] is x   # as_nested_tensor keeps the tensors


def test_gradients_flow_through_ops_and_padding_to_the_components():
    nt = _nt(requires_grad=True)
    w = nested.nested_tensor([ember.ones(3, 2), ember.ones(3, 2)])
    y = (nt * 2 + 1).softmax(-1).matmul(w).relu()
    assert y.requires_grad and y.grad_fn is not None
    nested.to_padded_tensor(y, 0.).sum().backward()
    g = nt.grad
    assert g.is_nested and [tuple(c.shape) for c in g.unbind()] == [(2, 3), (1, 3)]
    # each row of softmax sums to 1 and the weights are all ones, so the loss does not depend on the input
    assert max(abs(v) for c in g.unbind() for row in c.tolist() for v in row) < 1e-6


def test_to_padded_tensor_is_differentiable_and_as_nested_keeps_history():
    x = ember.tensor([[1., 2.], [3., 4.]], requires_grad=True)
    nt = nested.as_nested_tensor([x[0], x[1, :1]])
    padded = nested.to_padded_tensor(nt * 3, -1.)
    assert padded.tolist() == [[3., 6.], [9., -1.]]
    padded.sum().backward()
    assert x.grad.tolist() == [[3., 3.], [3., 0.]]


def test_backward_takes_a_nested_gradient_and_in_place_ops_change_every_component():
    nt = _nt(requires_grad=True)
    (nt * nt).backward(nested.nested_tensor([ember.ones(2, 3), ember.ones(1, 3)]))
    assert nt.grad.unbind()[1].tolist() == [[0., 2., 4.]]
    plain = _nt()
    plain.mul_(2).add_(1)
    assert plain[1].tolist() == [[1., 3., 5.]]


def test_unsupported_methods_and_functions_raise_not_implemented():
    nt = _nt()
    for call in (lambda: nt.exp(), lambda: nt.sum(), lambda: nt.tolist(), lambda: nt[:, 0],
                 lambda: ember.nn.functional.hardtanh(nt), lambda: ember.exp(nt), lambda: nt.numpy()):
        with pytest.raises(NotImplementedError):
            call()
    with pytest.raises(RuntimeError, match='Specified layout is unsupported for nested tensors: ember.sparse_coo'):
        nested.nested_tensor([ember.ones(2)], layout=ember.sparse_coo)


def test_indexing_a_component_then_into_it():
    # PyTorch's results (2.13): nt[i, ...] is component i indexed by the rest, a regular tensor
    nt = nested.nested_tensor([ember.arange(12).reshape(2, 6), ember.arange(18).reshape(3, 6)], dtype=ember.float)
    assert nt[1, :, -1].tolist() == [5., 11., 17.]
    assert nt[0, 1].tolist() == [6., 7., 8., 9., 10., 11.]
    assert nt[-1, 2, 1:3].tolist() == [13., 14.]
    assert nt[1, ..., 0].tolist() == [0., 6., 12.]
    assert not nt[1, :, -1].is_nested
    with pytest.raises(IndexError, match='^index 5 is out of bounds for dimension 0 with size 2$'):
        nt[5, 0]
    with pytest.raises(IndexError, match='^index 7 is out of bounds for dimension 1 with size 3$'):
        nt[1, 7]
    with pytest.raises(NotImplementedError):
        nt[0:1]


def test_construction_warns_once_that_the_api_is_a_prototype(monkeypatch):
    monkeypatch.setattr(nested, '_warned', False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        nested.nested_tensor([ember.ones(1)])
        nested.nested_tensor([ember.ones(1)])
    assert [str(w.message) for w in caught] == [
        'The PyTorch API of nested tensors is in prototype stage and will change in the near future. We recommend '
        'specifying layout=ember.jagged when constructing a nested tensor, as this layout receives active '
        'development, has better operator coverage, and works with ember.compile.']
