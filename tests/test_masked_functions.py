"""Functions on MaskedTensors (``ember.exp(mt)``, ``ember.sum(mt, 1)``, ``F.softmax(mt, 1)``, ``ember.cat``,
``ember.where``) keep the mask as PyTorch's MaskedTensor does (values recorded from PyTorch 2.13)."""
import math
import warnings

import pytest

import ember
from ember.masked import masked_tensor


@pytest.fixture
def mt():
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        return masked_tensor(ember.tensor([[1., 2., 3.], [4., 5., 6.]]),
                             ember.tensor([[True, False, True], [False, True, True]]))


MASK = [[True, False, True], [False, True, True]]


def parts(r):
    assert type(r).__name__ == 'MaskedTensor'
    return r.get_data().tolist(), r.get_mask().tolist()


def test_elementwise_functions_keep_the_mask(mt):
    assert parts(ember.add(mt, 1)) == ([[2., 3., 4.], [5., 6., 7.]], MASK)
    assert parts(ember.mul(mt, mt)) == ([[1., 4., 9.], [16., 25., 36.]], MASK)
    assert parts(ember.clamp(mt, 2, 5)) == ([[2., 2., 3.], [4., 5., 5.]], MASK)
    assert parts(ember.pow(mt, 2)) == ([[1., 4., 9.], [16., 25., 36.]], MASK)
    data, mask = parts(ember.exp(mt))
    assert mask == MASK and data[1][2] == pytest.approx(math.exp(6), rel=1e-6)


def test_reductions_use_only_specified_elements(mt):
    assert parts(ember.sum(mt)) == (15.0, True)
    assert parts(ember.sum(mt, 1)) == ([4.0, 11.0], [True, True])
    assert parts(ember.amax(mt, 0)) == ([1.0, 5.0, 6.0], [True, True, True])
    assert parts(ember.mean(mt)) == (3.75, True)


def test_softmax_over_specified_elements(mt):
    for fn in (ember.softmax, ember.nn.functional.softmax):
        data, mask = parts(fn(mt, 1))
        assert mask == MASK
        assert data[0] + data[1] == pytest.approx([0.11920291930437088, 0.0, 0.8807970881462097,
                                                  0.0, 0.2689414322376251, 0.7310585975646973], rel=1e-6)


def test_views_cat_and_where(mt):
    assert parts(ember.reshape(mt, (3, 2))) == ([[1., 2.], [3., 4.], [5., 6.]],
                                                [[True, False], [True, False], [True, True]])
    assert parts(ember.transpose(mt, 0, 1))[1] == [[True, False], [False, True], [True, True]]
    assert parts(ember.cat([mt, mt])) == ([[1., 2., 3.], [4., 5., 6.]] * 2, MASK * 2)
    cond = ember.tensor(MASK)
    assert parts(ember.where(cond, mt, 0)) == ([[1., 0., 3.], [0., 5., 6.]], [[True] * 3] * 2)


def test_unsupported_function_raises_type_error(mt):
    with pytest.raises(TypeError, match="matmul is not implemented for MaskedTensor"):
        ember.matmul(mt, mt.t())
