"""Views that share memory with a tensor changed in place: their values and gradients follow the change
(as PyTorch re-derives a view's history when its base changed), and views of expand()ed memory accept
writes that touch each memory location once."""
import pytest

import ember


def test_sibling_view_sees_inplace_change_made_through_another_view():
    x = ember.ones(4, requires_grad=True)
    b = x.clone()
    v1, v2 = b[0:2], b[1:3]
    v2.mul_(3)
    assert v1.tolist() == [1.0, 3.0]
    v1.sum().backward()
    assert x.grad.tolist() == [1.0, 3.0, 0.0, 0.0]


def test_view_made_before_an_inplace_change_of_its_base():
    x = ember.ones(4, requires_grad=True)
    b = x.clone()
    v = b[0:2]
    b.mul_(3)
    v.sum().backward()
    assert x.grad.tolist() == [3.0, 3.0, 0.0, 0.0]


def test_view_of_a_base_that_gains_history_in_place():
    w = ember.ones(3, requires_grad=True)
    b = ember.zeros(3)
    v = b[1:]
    b.add_(w * 2)
    assert v.requires_grad
    v.sum().backward()
    assert w.grad.tolist() == [0.0, 2.0, 2.0]


def test_reshaped_view_follows_its_base():
    x = ember.ones(2, 3, requires_grad=True)
    b = x.clone()
    c = b.view(3, 2)
    b.mul_(2)
    (c * ember.arange(6.).view(3, 2)).sum().backward()
    assert x.grad.tolist() == [[0.0, 2.0, 4.0], [6.0, 8.0, 10.0]]


def test_a_row_of_an_expanded_tensor_is_written_to_its_memory():
    b = ember.zeros(1, 3)
    e = b.expand(2, 3)
    e[0].mul_(2).add_(1)
    assert b.tolist() == [[1.0, 1.0, 1.0]]
    e[1].fill_(7)
    e[0][1] = 5
    assert b.tolist() == [[7.0, 5.0, 7.0]]
    e[1, 2] = 4
    assert b.tolist() == [[7.0, 5.0, 4.0]]
    e[0].copy_(ember.ones(3))
    assert e.tolist() == [[1.0, 1.0, 1.0]] * 2
    one = ember.tensor(5.).expand(1)
    one.add_(1)
    assert one.tolist() == [6.0]


@pytest.mark.parametrize("write", [
    lambda e: e.add_(1),
    lambda e: e[:, 1].add_(1),
    lambda e: e.__setitem__((slice(None), 1), 3.0),
    lambda e: e.copy_(ember.ones(2, 3)),
])
def test_writes_where_elements_share_memory_are_refused(write):
    b = ember.zeros(1, 3)
    e = b.expand(2, 3)
    with pytest.raises(RuntimeError, match="more than one element of the written-to tensor refers to a single "
                                           "memory location"):
        write(e)
    assert b.tolist() == [[0.0, 0.0, 0.0]]
    with pytest.raises(RuntimeError, match="more than one element"):
        e.add_(1)            # a refused write leaves the expanded tensor refused


def test_expanded_memory_can_be_filled():
    b = ember.ones(1, 3)
    e = b.expand(2, 3)
    e.zero_()
    assert b.tolist() == [[0.0, 0.0, 0.0]]
    e.fill_(2)
    assert b.tolist() == [[2.0, 2.0, 2.0]]


def test_recorded_write_into_expanded_memory_is_refused_not_mis_recorded():
    x = ember.ones(1, 3, requires_grad=True)
    y = x.clone().expand(2, 3)
    with pytest.raises(RuntimeError, match="clone\\(\\) the expanded tensor"):
        y[0].mul_(3)
    with pytest.raises(RuntimeError, match="clone\\(\\) the expanded tensor"):
        y[0, 1] = 5.0
    assert y.tolist() == [[1.0, 1.0, 1.0]] * 2
