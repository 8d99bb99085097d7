"""segment_reduce: PyTorch's values for empty segments, initial values, offsets, batched lengths,
and its gradients for ties (shared equally) and zeros in products (recorded from PyTorch 2.13)."""
import pytest

import ember


def test_empty_segments_initial_values_and_offsets():
    d = ember.tensor([1., 2., 3., 4., 5., 6.])
    lengths = ember.tensor([2, 0, 3, 1])
    assert ember.segment_reduce(d, 'sum', lengths=lengths).tolist() == [3., 0., 12., 6.]
    assert ember.segment_reduce(d, 'prod', lengths=lengths).tolist() == [2., 1., 60., 6.]
    assert ember.segment_reduce(d, 'max', lengths=lengths).tolist() == [2., float('-inf'), 5., 6.]
    assert ember.segment_reduce(d, 'min', lengths=lengths).tolist() == [1., float('inf'), 3., 6.]
    assert ember.segment_reduce(d, 'sum', lengths=lengths, initial=10.).tolist() == [13., 10., 22., 16.]
    assert ember.segment_reduce(d, 'max', lengths=lengths, initial=10.).tolist() == [10.] * 4
    small = ember.tensor([1., 2., 3.])
    assert ember.segment_reduce(small, 'mean', lengths=ember.tensor([2, 0, 1]), initial=3.).tolist() == [3., 3., 6.]
    assert ember.segment_reduce(small, 'prod', lengths=ember.tensor([2, 0, 1]), initial=3.).tolist() == [6., 3., 9.]
    assert ember.segment_reduce(small, 'sum', offsets=ember.tensor([1, 3])).tolist() == [5.]
    assert ember.segment_reduce(small, 'sum', offsets=ember.tensor([0, 4])).tolist() == [6.]
    batched = ember.segment_reduce(ember.arange(12.).view(2, 6), 'sum', lengths=ember.tensor([[2, 4], [3, 3]]),
                                   axis=1)
    assert batched.tolist() == [[1., 14.], [21., 30.]]


def test_gradients_share_ties_and_handle_zeros():
    d = ember.tensor([2., 2., 1., 3., 3.], requires_grad=True)
    weights = ember.tensor([1., 10.])
    expected = {'max': [0.5, 0.5, 0., 5., 5.], 'min': [0.5, 0.5, 10., 0., 0.], 'prod': [2., 2., 90., 30., 30.],
                'mean': [0.5, 0.5, 10 / 3, 10 / 3, 10 / 3]}
    for reduce, want in expected.items():
        d.grad = None
        (ember.segment_reduce(d, reduce, lengths=ember.tensor([2, 3])) * weights).sum().backward()
        assert d.grad.tolist() == pytest.approx(want), reduce
    z = ember.tensor([0., 2., 0., 0., 3.], requires_grad=True)
    ember.segment_reduce(z, 'prod', lengths=ember.tensor([2, 3])).sum().backward()
    assert z.grad.tolist() == [2., 0., 0., 0., 0.]
    x = ember.tensor([1., 2., 3.], requires_grad=True)
    ember.segment_reduce(x, 'sum', offsets=ember.tensor([1, 3])).sum().backward()
    assert x.grad.tolist() == [0., 1., 1.]


def test_refusals_match_pytorch():
    with pytest.raises(RuntimeError, match=r'^segment_reduce\(\): indices based reduction is not supported yet\.$'):
        ember.segment_reduce(ember.ones(3), 'sum', indices=ember.tensor([0, 1]))
    with pytest.raises(RuntimeError, match=r'^segment_reduce\(\): Expected axis to be the last dimension of lengths '
                                           r'but got 0\.$'):
        ember.segment_reduce(ember.ones(2, 6), 'sum', lengths=ember.tensor([[2, 4], [3, 3]]), axis=0)
    with pytest.raises(RuntimeError, match=r'^Expected segment_length >= 0 to be true, but got false\.'):
        ember.segment_reduce(ember.ones(3), 'sum', offsets=ember.tensor([2, 1, 3]))
    with pytest.raises(NotImplementedError, match='"_segment_reduce_lengths_cpu_kernel1" not implemented for '
                                                  "'Float'"):
        ember.segment_reduce(ember.ones(3), 'sum', lengths=ember.tensor([1., 2.]))
    with pytest.raises(NotImplementedError, match='"_segment_reduce_cpu" not implemented for \'Long\''):
        ember.segment_reduce(ember.tensor([1, 2, 3]), 'sum', lengths=ember.tensor([1, 2]))
