"""Index lists and dtype questions from ember/ops/arrange.py, against PyTorch 2.13's recorded answers
(the differentiable ops of that file have rows in tests/opinfo/arrange.py)."""
import warnings

import pytest

import ember

_DTYPES = ['bool', 'uint8', 'int8', 'int16', 'int32', 'int64', 'float16', 'float32', 'float64', 'complex64',
           'complex128']
# torch.can_cast(row, column) for every pair, as recorded from PyTorch 2.13
_CAN_CAST = {'bool': '11111111111', 'uint8': '01111111111', 'int8': '01111111111', 'int16': '01111111111',
             'int32': '01111111111', 'int64': '01111111111', 'float16': '00000011111', 'float32': '00000011111',
             'float64': '00000011111', 'complex64': '00000000011', 'complex128': '00000000011'}


def test_can_cast_matches_pytorch_for_every_pair():
    for a in _DTYPES:
        got = ''.join('1' if ember.can_cast(getattr(ember, a), getattr(ember, b)) else '0' for b in _DTYPES)
        assert got == _CAN_CAST[a], a


def test_result_type():
    assert ember.result_type(ember.tensor([1]), 1.0) is ember.float32
    assert ember.result_type(2, 3.0) is ember.float32
    assert ember.result_type(ember.tensor([1], dtype=ember.int8), ember.tensor([1])) is ember.int64
    assert ember.result_type(ember.tensor(1., dtype=ember.float64), ember.tensor([1], dtype=ember.float16)) \
        is ember.float16
    assert ember.result_type(ember.tensor([True]), 2) is ember.int64
    assert ember.result_type(ember.tensor([1], dtype=ember.uint8), -1) is ember.uint8


def test_triangle_indices():
    assert ember.tril_indices(4, 3, -1).tolist() == [[1, 2, 2, 3, 3, 3], [0, 0, 1, 0, 1, 2]]
    t = ember.triu_indices(2, 5, -1, dtype=ember.int32)
    assert t.dtype is ember.int32
    assert t.tolist() == [[0, 0, 0, 0, 0, 1, 1, 1, 1, 1], [0, 1, 2, 3, 4, 0, 1, 2, 3, 4]]
    assert ember.tril_indices(3, 3).tolist() == [[0, 1, 1, 2, 2, 2], [0, 0, 1, 0, 1, 2]]
    with pytest.raises(NotImplementedError) as caught:
        ember.tril_indices(3, 3, dtype=ember.float32)
    assert str(caught.value) == '"tril_indices" not implemented for \'Float\''


def test_meshgrid_without_indexing_warns_and_uses_ij():
    a, b = ember.tensor([1, 2, 3]), ember.tensor([4, 5])
    with pytest.warns(UserWarning, match='required to pass the indexing argument'):
        x, y = ember.meshgrid(a, b)
    assert x.shape == (3, 2) and x.tolist() == [[1, 1], [2, 2], [3, 3]]
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        x, y = ember.meshgrid([a, b], indexing='xy')
    assert x.tolist() == [[1, 2, 3], [1, 2, 3]] and y.tolist() == [[4, 4, 4], [5, 5, 5]]
    assert x.grad_fn is None
    with pytest.raises(RuntimeError, match='indexing must be one of "xy" or "ij", but received: ji'):
        ember.meshgrid(a, b, indexing='ji')
