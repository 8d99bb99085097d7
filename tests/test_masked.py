"""ember.masked: MaskedTensor's autograd, errors and method coverage (values and printed forms are pinned
against PyTorch in tests/fixtures/printed/masked.py; the functions' gradients in tests/opinfo/masked.py)."""
import warnings

import pytest

import ember
from ember.masked import MaskedTensor, as_masked_tensor, is_masked_tensor, masked_tensor


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        yield


def _mt(requires_grad=False):
    return masked_tensor(ember.tensor([[1., 2., 3.], [4., 5., 6.]]),
                         ember.tensor([[True, False, True], [False, True, True]]), requires_grad=requires_grad)


def test_construction_warns_copies_and_is_a_tensor():
    data = ember.tensor([1., 2.])
    with pytest.warns(UserWarning, match='prototype stage'):
        mt = MaskedTensor(data, ember.tensor([True, False]))
    data[0] = 9.
    assert isinstance(mt, ember.Tensor) and is_masked_tensor(mt) and not is_masked_tensor(data)
    assert mt.get_data().tolist() == [1., 2.] and type(mt.get_data()) is ember.Tensor
    with pytest.warns(UserWarning, match='not recommended to create a MaskedTensor with a tensor that requires_grad'):
        masked_tensor(ember.ones(2, requires_grad=True), ember.tensor([True, True]))


def test_gradients_reach_only_specified_elements_and_come_back_masked():
    x = _mt(requires_grad=True)
    y = (x * x).sum()
    assert is_masked_tensor(y) and y.requires_grad
    y.backward()
    assert is_masked_tensor(x.grad)
    assert x.grad.get_data().tolist() == [[2., 0., 6.], [0., 10., 12.]]
    assert x.grad.get_mask().tolist() == x.get_mask().tolist()


def test_softmax_and_mean_gradients_through_masked_tensors():
    x = _mt(requires_grad=True)
    x.softmax(1).amax().backward()
    assert x.grad.get_data()[0, 1].item() == 0. and x.grad.get_data()[1, 0].item() == 0.
    z = ember.tensor([1., 2., 3.], requires_grad=True)
    w = as_masked_tensor(z * 3, ember.tensor([True, False, True]))
    w.mean().backward()   # masked mean over the two specified elements: d/dz = 3 / 2
    assert z.grad.tolist() == [1.5, 0., 1.5]


def test_a_tensor_wrapped_by_as_masked_tensor_gets_a_masked_gradient():
    # PyTorch 2.13: x.grad is a MaskedTensor with the wrapper's mask, also through get_data() and on
    # accumulation (its specified values: below; ember's masked-out ones are zeros)
    mask = ember.tensor([True, False, True])
    x = ember.tensor([1., 2., 3.], requires_grad=True)
    as_masked_tensor(x, mask).exp().sum().backward()
    assert is_masked_tensor(x.grad) and x.grad.get_mask().tolist() == [True, False, True]
    assert x.grad.get_data()[mask].tolist() == ember.tensor([1., 3.]).exp().tolist()
    as_masked_tensor(x, mask).get_data().sum().backward()
    assert is_masked_tensor(x.grad) and x.grad.get_mask().tolist() == [True, False, True]
    assert x.grad.get_data()[mask].tolist() == (ember.tensor([1., 3.]).exp() + 1).tolist()
    x.sum().backward()     # a plain gradient added to a masked one keeps it masked
    assert is_masked_tensor(x.grad)
    g, = ember.autograd.grad(as_masked_tensor(x, mask).sum(), x)
    assert is_masked_tensor(g) and g.get_data()[mask].tolist() == [1., 1.]


def test_in_place_ops_change_the_data_and_keep_the_mask():
    mt = _mt()
    mt.mul_(2)
    mt += 1
    assert mt.get_data().tolist() == [[3., 5., 7.], [9., 11., 13.]]
    assert mt.get_mask().tolist() == [[True, False, True], [False, True, True]]


def test_unsupported_methods_name_themselves():
    mt = _mt()
    for call in (lambda: mt.permute(1, 0), lambda: mt.cumsum(0), lambda: mt.matmul(mt.t()), lambda: mt.log_softmax(1)):
        with pytest.raises(TypeError, match='is not implemented for MaskedTensor'):
            call()
    with pytest.raises(TypeError, match='do not support additional Tensor arguments'):
        mt.clamp(ember.tensor(0.))
    with pytest.raises(ValueError, match='len\\(kwargs\\) must equal 0'):
        mt.add(mt, alpha=2)


def test_views_split_and_indexing_move_data_and_mask_together():
    mt = _mt()
    first, second = mt.split(2, dim=1)
    assert first.get_mask().tolist() == [[True, False], [False, True]] and second.shape == (2, 1)
    row = mt[1]
    assert row.get_data().tolist() == [4., 5., 6.] and row.get_mask().tolist() == [False, True, True]
    assert mt.flatten().shape == (6,) and mt.expand(2, 2, 3).get_mask().shape == (2, 2, 3)


def test_gradients_handed_to_users_through_a_chain_are_masked():
    # PyTorch 2.13: hooks, retained .grad and autograd.grad all give MaskedTensors for (exp, mul, sum) chains
    x = _mt(requires_grad=True)
    y = x.exp()
    seen = []
    y.register_hook(lambda g: seen.append(('y', type(g).__name__)))
    x.register_hook(lambda g: seen.append(('x', type(g).__name__)) or g * 2)    # what it returns is used
    y.retain_grad()
    z = (y * 3).sum()
    gx, gy = ember.autograd.grad(z, [x, y], retain_graph=True)
    assert is_masked_tensor(gx) and is_masked_tensor(gy)
    assert gx.get_mask().tolist() == x.get_mask().tolist()
    assert gy.get_data()[gy.get_mask()].tolist() == [3.] * 4
    z.backward()
    assert seen == [('y', 'MaskedTensor'), ('x', 'MaskedTensor')] * 2
    assert is_masked_tensor(y.grad) and is_masked_tensor(x.grad)
    expected = (x.get_data().exp() * 6).tolist()
    assert x.grad.get_data()[x.get_mask()].tolist() == [v for row, m in zip(expected, x.get_mask().tolist())
                                                         for v, keep in zip(row, m) if keep]
    plain = ember.tensor([1., 2.], requires_grad=True)
    assert type(ember.autograd.grad((plain * 2).sum(), plain)[0]) is ember.Tensor
