"""scatter_reduce/index_reduce/index_copy against PyTorch 2.13's recorded values and gradients,
including ties (amax/amin share the gradient) and zeros (prod's exclusive products)."""
import pytest

import ember

# reduce, include_self -> (result, grad of input, grad of src) for the case below, recorded from PyTorch
RECORDED = {
    ('sum', True): ([5.0, 14.0, 5.0, 4.0], [1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 1.0, 2.0, 3.0, 2.0]),
    ('sum', False): ([4.0, 12.0, 5.0, 4.0], [0.0, 0.0, 0.0, 4.0], [1.0, 2.0, 1.0, 2.0, 3.0, 2.0]),
    ('prod', True): ([3.0, 96.0, 0.0, 4.0], [3.0, 96.0, 15.0, 4.0], [3.0, 96.0, 1.0, 48.0, 0.0, 32.0]),
    ('prod', False): ([3.0, 48.0, 5.0, 4.0], [0.0, 0.0, 0.0, 4.0], [3.0, 48.0, 1.0, 24.0, 3.0, 16.0]),
    ('mean', True): ([5 / 3, 3.5, 2.5, 4.0], [1 / 3, 0.5, 1.5, 4.0], [1 / 3, 0.5, 1 / 3, 0.5, 1.5, 0.5]),
    ('mean', False): ([2.0, 4.0, 5.0, 4.0], [0.0, 0.0, 0.0, 4.0], [0.5, 2 / 3, 0.5, 2 / 3, 3.0, 2 / 3]),
    ('amax', True): ([3.0, 6.0, 5.0, 4.0], [0.0, 0.0, 0.0, 4.0], [0.0, 0.0, 1.0, 0.0, 3.0, 2.0]),
    ('amax', False): ([3.0, 6.0, 5.0, 4.0], [0.0, 0.0, 0.0, 4.0], [0.0, 0.0, 1.0, 0.0, 3.0, 2.0]),
    ('amin', True): ([1.0, 2.0, 0.0, 4.0], [0.5, 1.0, 3.0, 4.0], [0.5, 1.0, 0.0, 0.0, 0.0, 0.0]),
    ('amin', False): ([1.0, 2.0, 5.0, 4.0], [0.0, 0.0, 0.0, 4.0], [0.5, 1.0, 0.0, 0.0, 3.0, 0.0]),
}


@pytest.mark.parametrize('reduce,include_self', sorted(RECORDED))
def test_scatter_reduce_values_and_gradients_match_pytorch(reduce, include_self):
    src = ember.tensor([1., 2., 3., 4., 5., 6.], dtype=ember.float64, requires_grad=True)
    index = ember.tensor([0, 1, 0, 1, 2, 1])
    inp = ember.tensor([1., 2., 0., 4.], dtype=ember.float64, requires_grad=True)
    out = inp.scatter_reduce(0, index, src, reduce=reduce, include_self=include_self)
    assert out.grad_fn.name() == 'ScatterReduceBackward0'
    out.backward(ember.arange(1., 5., dtype=ember.float64))
    expected, g_inp, g_src = RECORDED[reduce, include_self]
    assert out.tolist() == pytest.approx(expected)
    assert inp.grad.tolist() == pytest.approx(g_inp)
    assert src.grad.tolist() == pytest.approx(g_src)


def test_integer_mean_floors_and_bad_reduce_is_refused():
    got = ember.tensor([1, 2, 3, 4]).scatter_reduce(0, ember.tensor([0, 0, 1, 1]), ember.tensor([5, 6, 7, 9]), 'mean')
    assert got.tolist() == [4, 6, 3, 4]
    with pytest.raises(RuntimeError, match='reduce argument must be either sum, prod, mean, amax or amin, got max'):
        ember.zeros(3).scatter_reduce(0, ember.tensor([0]), ember.ones(1), 'max')


def test_index_reduce_and_index_copy_match_pytorch():
    with pytest.warns(UserWarning, match='index_reduce\\(\\) is in beta'):
        got = ember.full((5, 2), 2.).index_reduce(0, ember.tensor([0, 4, 0]),
                                                  ember.tensor([[1., 2.], [3., 4.], [5., 6.]]), 'amax',
                                                  include_self=False)
    assert got.tolist() == [[5., 6.], [2., 2.], [2., 2.], [2., 2.], [3., 4.]]
    y = ember.ones(5, 3, requires_grad=True, dtype=ember.float64)
    t = ember.tensor([[1., 2, 3], [4, 5, 6], [7, 8, 9]], dtype=ember.float64, requires_grad=True)
    r = y.index_copy(0, ember.tensor([0, 4, 2]), t)
    assert r.tolist() == [[1, 2, 3], [1, 1, 1], [7, 8, 9], [1, 1, 1], [4, 5, 6]]
    assert r.grad_fn.name() == 'IndexCopyBackward0'
    r.backward(ember.arange(15., dtype=ember.float64).reshape(5, 3))
    assert y.grad.tolist() == [[0, 0, 0], [3, 4, 5], [0, 0, 0], [9, 10, 11], [0, 0, 0]]
    assert t.grad.tolist() == [[0, 1, 2], [12, 13, 14], [6, 7, 8]]
