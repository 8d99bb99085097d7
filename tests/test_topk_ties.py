"""topk and kthvalue pick (and topk orders) indices as PyTorch's CPU kernels do where values alone do not
decide them: repeated values, both zeros, several NaNs, and topk's sorted=False (recorded from PyTorch in
tests/fixtures/topk_ties by its record.py)."""
import os

import numpy as np
import pytest

import ember
from tests.fixtures.topk_ties.record import cases, kth_cases

RECORDED = os.path.join(os.path.dirname(__file__), 'fixtures', 'topk_ties', 'indices.npz')


@pytest.fixture(scope='module')
def recorded():
    with np.load(RECORDED) as f:
        return dict(f)


def test_indices_are_pytorchs_on_every_recorded_case(recorded):
    wrong = []
    for i, (a, k, largest, sorted_) in enumerate(cases()):
        values, indices = ember.from_numpy(a).topk(k, 1, largest=largest, sorted=sorted_)
        if not np.array_equal(indices.numpy(), recorded[str(i)]):
            wrong.append(f'case {i}: n={a.shape[1]} k={k} largest={largest} sorted={sorted_} {a.dtype}')
        assert np.array_equal(values.numpy(), np.take_along_axis(a, indices.numpy(), 1), equal_nan=True)
    assert not wrong, '\n'.join(wrong[:20])


def test_kthvalue_indices_are_pytorchs_on_every_recorded_case(recorded):
    wrong = []
    for i, (a, k) in enumerate(kth_cases()):
        values, indices = ember.from_numpy(a).kthvalue(k, 1)
        if not np.array_equal(indices.numpy(), recorded[f'kth{i}']):
            wrong.append(f'case {i}: n={a.shape[1]} k={k} {a.dtype}')
        assert np.array_equal(values.numpy(), a[np.arange(len(a)), indices.numpy()], equal_nan=True)
    assert not wrong, '\n'.join(wrong[:20])


def test_small_ties_as_pytorch():
    x = ember.tensor([[1., 3., 3., 2., 3., float('nan'), 0.], [5., 5., 5., 5., 1., 1., 1.]])
    assert x.topk(2, 1).indices.tolist() == [[5, 2], [1, 3]]
    assert x.topk(4, 1).indices.tolist() == [[5, 2, 4, 1], [1, 3, 0, 2]]
    assert x.topk(4, 1, largest=False).indices.tolist() == [[6, 0, 3, 4], [5, 4, 6, 3]]
    # sorted=False: the selection algorithm's arrangement, NaN not first
    assert x.topk(4, 1, sorted=False).indices.tolist() == [[2, 4, 5, 1], [1, 3, 0, 2]]


@pytest.mark.parametrize('dim', [0, 1, 2, -1])
def test_any_dim_picks_as_the_last_dim_does(dim):
    x = ember.from_numpy(np.random.RandomState(3).randint(0, 4, (5, 6, 7)).astype(np.float32))
    values, indices = x.topk(3, dim)
    moved_values, moved_indices = x.movedim(dim, -1).topk(3, -1)
    assert indices.movedim(dim, -1).tolist() == moved_indices.tolist()
    assert values.movedim(dim, -1).tolist() == moved_values.tolist()


def test_integer_inputs_and_refused_dtypes():
    i = ember.tensor([4, 4, 1, 4], dtype=ember.int32)
    assert i.topk(3, largest=False).indices.tolist() == [2, 3, 0]
    assert ember.tensor([1, 2], dtype=ember.uint8).topk(1).indices.tolist() == [1]
    with pytest.raises(RuntimeError, match='^topk does not support bool dtypes on CPU$'):
        ember.tensor([True, False]).topk(1)
    with pytest.raises(RuntimeError, match='^ topk does not support complex dtypes on CPU$'):
        ember.tensor([1 + 1j]).topk(1)
    with pytest.raises(NotImplementedError, match='^"kthvalue_cpu" not implemented for \'Bool\'$'):
        ember.tensor([True]).kthvalue(1)


def test_gradient_flows_to_the_picked_elements():
    x = ember.tensor([2., 7., 7., 1.], requires_grad=True)
    values, indices = x.topk(2)
    values.sum().backward()
    expected = [0.0] * 4
    for j in indices.tolist():
        expected[j] = 1.0
    assert x.grad.tolist() == expected
