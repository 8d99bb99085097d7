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
