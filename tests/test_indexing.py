"""tensor[key] and tensor[key] = value against cases recorded from PyTorch 2.x.

Keys are written as Python source evaluated with ``T`` = ``ember.tensor``, so the same text ran
through PyTorch to record the expected shapes, values and error messages below.
"""
import warnings

import numpy as np
import pytest

import ember
T = ember.tensor  # the key sources below say T(...)

GET_CASES = [('0', [4, 5], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]),
 ('-1', [4, 5], [40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59]),
 ('(1, 2)', [5], [30, 31, 32, 33, 34]), ('(1, 2, 3)', [], [33]),
 ('slice(1, None)', [2, 4, 5],
  [20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48,
   49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59]),
 ('(Ellipsis, 1)', [3, 4], [1, 6, 11, 16, 21, 26, 31, 36, 41, 46, 51, 56]),
 ('(None, 0)', [1, 4, 5], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]),
 ('(0, None, Ellipsis, None)', [1, 4, 5, 1], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]),
 ('(slice(None), slice(None, None, 2), -1)', [3, 2], [4, 14, 24, 34, 44, 54]),
 ('[0, 2, 0]', [3, 4, 5],
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50,
   51, 52, 53, 54, 55, 56, 57, 58, 59, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]),
 ('([0, 2], [1, 3])', [2, 5], [5, 6, 7, 8, 9, 55, 56, 57, 58, 59]),
 ('(0, slice(None), [1, 2])', [4, 2], [1, 2, 6, 7, 11, 12, 16, 17]),
 ('([0, 1], slice(None), 0)', [2, 4], [0, 5, 10, 15, 20, 25, 30, 35]),
 ('(slice(None), 0, [1, 2])', [3, 2], [1, 2, 21, 22, 41, 42]),
 ('(None, 0, slice(None), [1, 2])', [1, 4, 2], [1, 2, 6, 7, 11, 12, 16, 17]),
 ('(0, Ellipsis, [1, 2])', [4, 2], [1, 2, 6, 7, 11, 12, 16, 17]),
 ('(T(0), slice(None), [1, 2])', [4, 2], [1, 2, 6, 7, 11, 12, 16, 17]),
 ('(T([[0], [2]]), slice(None), T([1, 4]))', [2, 2, 4], [1, 6, 11, 16, 4, 9, 14, 19, 41, 46, 51, 56, 44, 49, 54, 59]),
 ('(slice(None), [1], [4])', [3, 1], [9, 29, 49]),
 ('T([True, False, True])', [2, 4, 5],
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50,
   51, 52, 53, 54, 55, 56, 57, 58, 59]),
 ('(slice(None), T([True, False, False, True]))', [3, 2, 5],
  [0, 1, 2, 3, 4, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 55, 56, 57, 58,
   59]),
 ('(T([[True, False, True, True]] * 3),)', [9, 5],
  [0, 1, 2, 3, 4, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39,
   40, 41, 42, 43, 44, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59]),
 ('True', [1, 3, 4, 5],
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30,
   31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58,
   59]),
 ('(False, 0)', [0, 4, 5], []),
 ('(True, [0, 1])', [2, 4, 5],
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30,
   31, 32, 33, 34, 35, 36, 37, 38, 39]),
 ('(Ellipsis, None)', [3, 4, 5, 1],
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30,
   31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58,
   59]),
 ('([],)', [0, 4, 5], []), ('(1, [[0, 1], [2, 3]], slice(1, 3))', [2, 2, 2], [21, 22, 26, 27, 31, 32, 36, 37]),
 ('([T(0), T(2)],)', [2, 4, 5],
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50,
   51, 52, 53, 54, 55, 56, 57, 58, 59]),
 ('(slice(None), [-1, -4])', [3, 2, 5],
  [15, 16, 17, 18, 19, 0, 1, 2, 3, 4, 35, 36, 37, 38, 39, 20, 21, 22, 23, 24, 55, 56, 57, 58, 59, 40, 41, 42, 43,
   44]),
 ('(0, 1, [4, 0])', [2], [9, 5]), ('([2, 0], [3, 3], [4, 1])', [2], [59, 16]), ('(slice(5, 10),)', [0, 4, 5], []),
 ('(slice(-100, 100),)', [3, 4, 5],
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30,
   31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58,
   59]),
 ('(slice(None), T(2))', [3, 5], [10, 11, 12, 13, 14, 30, 31, 32, 33, 34, 50, 51, 52, 53, 54]),
 ('(0, [1, 2], [3, 4])', [2], [8, 14]), ('(0, [1, 2], 3)', [2], [8, 13]), ('([1, 2], 0, [3, 4])', [2], [23, 44]),
 ('(Ellipsis, [0, 1], 2)', [3, 2], [2, 7, 22, 27, 42, 47]),
 ('(T([0, 1]), None, T([2, 3]))', [2, 1, 5], [10, 11, 12, 13, 14, 35, 36, 37, 38, 39])]

GET_ERRORS = [('5', 'IndexError', 'index 5 is out of bounds for dimension 0 with size 3'),
 ('(0, 7)', 'IndexError', 'index 7 is out of bounds for dimension 1 with size 4'),
 ('[0, 5]', 'IndexError', 'index 5 is out of bounds for dimension 0 with size 3'),
 ('(slice(None), [9])', 'IndexError', 'index 9 is out of bounds for dimension 0 with size 4'),
 ('(slice(None), slice(None), [9])', 'IndexError', 'index 9 is out of bounds for dimension 0 with size 5'),
 ('([0], [9])', 'IndexError', 'index 9 is out of bounds for dimension 1 with size 4'),
 ('(0, [9])', 'IndexError', 'index 9 is out of bounds for dimension 0 with size 4'),
 ('T([True, False])',
  'IndexError',
  'The shape of the mask [2] at index 0 does not match the shape of the indexed tensor [3, 4, 5] at index 0'),
 ('(0, 0, 0, 0)', 'IndexError', 'too many indices for tensor of dimension 3'),
 ('1.5',
  'IndexError',
  'only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices (got float)'),
 ('T([1.])', 'IndexError', 'tensors used as indices must be long, int, byte or bool tensors'),
 ('(slice(None, None, -1),)', 'ValueError', 'step must be greater than zero'),
 ('(Ellipsis, Ellipsis)', None, None),
 ('(slice(None), T([[True, False, True]]))',
  'IndexError',
  'The shape of the mask [1, 3] at index 0 does not match the shape of the indexed tensor [3, 4, 5] at index 1'),
 ("'a'", 'TypeError', "new(): invalid data type 'str'")]

SET_CASES = [('0', '-1',
  [-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 20, 21, 22, 23, 24, 25, 26, 27, 28,
   29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57,
   58, 59]),
 ('(slice(None), 1)', 'T([7, 8, 9, 1, 2])',
  [0, 1, 2, 3, 4, 7, 8, 9, 1, 2, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 7, 8, 9, 1, 2, 30, 31,
   32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 7, 8, 9, 1, 2, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59]),
 ('[0, 2]', 'T(1)',
  [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33,
   34, 35, 36, 37, 38, 39, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]),
 ('([0, 2], [1, 3], [4, 4])', 'T([5, 6])',
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 5, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30,
   31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58,
   6]),
 ('(0, slice(None), [1, 2])', 'T([[1, 2]] * 4)',
  [0, 1, 2, 3, 4, 5, 1, 2, 8, 9, 10, 1, 2, 13, 14, 15, 1, 2, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31,
   32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59]),
 ('T([True, False, True])', '0',
  [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33,
   34, 35, 36, 37, 38, 39, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
 ('(Ellipsis, 0)', 'T([[1], [2], [3]])',
  [1, 1, 2, 3, 4, 1, 6, 7, 8, 9, 1, 11, 12, 13, 14, 1, 16, 17, 18, 19, 2, 21, 22, 23, 24, 2, 26, 27, 28, 29, 2, 31,
   32, 33, 34, 2, 36, 37, 38, 39, 3, 41, 42, 43, 44, 3, 46, 47, 48, 49, 3, 51, 52, 53, 54, 3, 56, 57, 58, 59]),
 ('(1, [0, 0])', 'T([[1] * 5, [2] * 5])',
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 2, 2, 2, 2, 2, 25, 26, 27, 28, 29, 30, 31,
   32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59]),
 ('(None, 0)', 'T([[[3] * 5] * 4])',
  [3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33,
   34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59]),
 ('(slice(None), T([[True, False, True, True, False]] * 4))', 'T(-5)',
  [-5, 1, -5, -5, 4, -5, 6, -5, -5, 9, -5, 11, -5, -5, 14, -5, 16, -5, -5, 19, -5, 21, -5, -5, 24, -5, 26, -5, -5, 29,
   -5, 31, -5, -5, 34, -5, 36, -5, -5, 39, -5, 41, -5, -5, 44, -5, 46, -5, -5, 49, -5, 51, -5, -5, 54, -5, 56, -5, -5,
   59])]

SET_ERRORS = [('slice(0, 2)',
  'torch.ones(3)',
  'RuntimeError',
  'The expanded size of the tensor (5) must match the existing size (3) at non-singleton dimension 2.  Target sizes: '
  '[2, 4, 5].  Tensor sizes: [3]'),
 ('[0, 1]',
  'torch.ones(3)',
  'RuntimeError',
  'shape mismatch: value tensor of shape [3] cannot be broadcast to indexing result of shape [2, 4, 5]'),
 ('0',
  'torch.ones(5, 4)',
  'RuntimeError',
  'The expanded size of the tensor (5) must match the existing size (4) at non-singleton dimension 1.  Target sizes: '
  '[4, 5].  Tensor sizes: [5, 4]'),
 ('(0, [0, 1])',
  'torch.ones(3, 5)',
  'RuntimeError',
  'shape mismatch: value tensor of shape [3, 5] cannot be broadcast to indexing result of shape [2, 5]'),
 ('5', '1', 'IndexError', 'index 5 is out of bounds for dimension 0 with size 3'),
 ('([0], [9])', '1', 'IndexError', 'index 9 is out of bounds for dimension 1 with size 4'),
 ('(slice(None), 0)',
  'torch.ones(1, 3)',
  'RuntimeError',
  'The expanded size of the tensor (5) must match the existing size (3) at non-singleton dimension 1.  Target sizes: '
  '[3, 5].  Tensor sizes: [3]'),
 ('(slice(None), 1)',
  'torch.ones(3)',
  'RuntimeError',
  'The expanded size of the tensor (5) must match the existing size (3) at non-singleton dimension 1.  Target sizes: '
  '[3, 5].  Tensor sizes: [3]'),
 ('(slice(None), T([[True, False, True, True]] * 3))',
  '1',
  'IndexError',
  'The shape of the mask [3, 4] at index 0 does not match the shape of the indexed tensor [3, 4, 5] at index 1')]


def _x():
    return ember.arange(60).reshape(3, 4, 5)


@pytest.mark.parametrize('key, shape, values', GET_CASES, ids=[c[0] for c in GET_CASES])
def test_getitem_matches_pytorch(key, shape, values):
    r = _x()[eval(key)]
    assert list(r.shape) == shape
    assert r.reshape(-1).tolist() == values


@pytest.mark.parametrize('key, kind, message', GET_ERRORS, ids=[c[0] for c in GET_ERRORS])
def test_getitem_errors(key, kind, message):
    x = _x()
    if kind is None:
        x[eval(key)]
        return
    with pytest.raises(getattr(__builtins__, kind, None) or eval(kind)) as info:
        x[eval(key)]
    assert str(info.value) == message


@pytest.mark.parametrize('key, value, values', SET_CASES, ids=[c[0] for c in SET_CASES])
def test_setitem_matches_pytorch(key, value, values):
    y = _x()
    y[eval(key)] = eval(value)
    assert y.reshape(-1).tolist() == values


@pytest.mark.parametrize('key, value, kind, message', SET_ERRORS, ids=[c[0] for c in SET_ERRORS])
def test_setitem_errors_leave_the_tensor_unchanged(key, value, kind, message):
    y = _x().float()
    before = y.clone()
    version = y._version_counter.value
    with pytest.raises(eval(kind)) as info:
        y[eval(key)] = eval(value, {'torch': ember, 'T': T})
    assert str(info.value) == message
    assert ember.equal(y, before) and y._version_counter.value == version


def test_basic_index_is_a_view_sharing_the_version_counter():
    x = ember.zeros(3, 4)
    v = x[1, 1:3]
    v.fill_(5)
    assert x.tolist()[1] == [0, 5, 5, 0]
    assert v._version_counter is x._version_counter and x._version_counter.value == 1
    w = x[[1]]  # advanced: a copy
    w.fill_(7)
    assert x.tolist()[1] == [0, 5, 5, 0]


def test_getitem_gradient_accumulates_duplicates():
    x = ember.arange(4.0, requires_grad=True)
    x[[0, 0, 3, 0]].sum().backward()
    assert x.grad.tolist() == [3.0, 0.0, 0.0, 1.0]
    m = ember.arange(6.0).reshape(2, 3).requires_grad_()
    (m[ember.tensor([[True, False, True], [False, False, True]])] * ember.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert m.grad.tolist() == [[1.0, 0.0, 2.0], [0.0, 0.0, 3.0]]


def test_grad_fn_names():
    x = ember.zeros(3, 4, requires_grad=True)
    assert x[1].grad_fn.name() == 'SelectBackward0'
    assert x[1:].grad_fn.name() == 'SliceBackward0'
    assert x[[0, 1]].grad_fn.name() == 'IndexBackward0'
    y = x * 1
    y[0] = 2.0
    assert y.grad_fn.name() in ('ember::autograd::CopySlices', 'IndexPutBackward0')


def test_setitem_records_gradients_for_target_and_value():
    x = ember.ones(2, 3, requires_grad=True)
    v = ember.tensor([10.0, 20.0], requires_grad=True)
    y = x * 2
    y[:, 1] = v
    (y * ember.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])).sum().backward()
    assert x.grad.tolist() == [[2.0, 0.0, 6.0], [8.0, 0.0, 12.0]]
    assert v.grad.tolist() == [2.0, 5.0]


def test_setitem_on_a_leaf_requiring_grad_fails():
    x = ember.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad"):
        x[0] = 2.0
    with ember.no_grad():
        x[0] = 2.0
    assert x.tolist() == [2.0, 1.0, 1.0]


def test_index_put_accumulate_and_errors():
    x = ember.zeros(5)
    r = ember.index_put(x, (ember.tensor([0, 0, 4]),), ember.tensor([1.0, 2.0, 3.0]), accumulate=True)
    assert r.tolist() == [3.0, 0.0, 0.0, 0.0, 3.0] and x.tolist() == [0.0] * 5
    x.index_put_((ember.tensor([1, 2]),), ember.tensor(9.0))
    assert x.tolist() == [0.0, 9.0, 9.0, 0.0, 0.0]


def test_zero_dim_tensor_and_numpy_integer_indices():
    x = _x()
    assert x[np.int64(2), 1].tolist() == x[2, 1].tolist()
    assert x[ember.tensor(1)].shape == (4, 5)
    s = ember.tensor(3.5)
    assert s[None].shape == (1,) and s[...].item() == 3.5
    # PyTorch's texts for one integer or slice on a 0-dim tensor (the old tutorials' loss.data[0]); a tuple or a
    # tensor index is "too many indices"
    with pytest.raises(IndexError, match=r"^invalid index of a 0-dim tensor\. Use `tensor\.item\(\)` in Python or "
                                         r"`tensor\.item<T>\(\)` in C\+\+ to convert a 0-dim tensor to a number$"):
        s[0]
    with pytest.raises(IndexError, match="^index -1 is out of bounds for dimension 0 with size 0$"):
        s[-1]
    with pytest.raises(IndexError, match=r"^slice\(\) cannot be applied to a 0-dim tensor\.$"):
        s[0:1] = 2.0
    for key in ((0,), ember.tensor(0), [0]):
        with pytest.raises(IndexError, match="^too many indices for tensor of dimension 0$"):
            s[key]
    assert s.item() == 3.5


def test_list_keys_holding_sequences_index_several_dims_as_pytorch():
    # PyTorch's legacy rule (with its deprecation warning): such a list indexes like the tuple of its items
    x = ember.arange(60.).view(3, 4, 5)
    cases = {
        'tensors': ([ember.tensor(0), ember.tensor(1)], (5,)), 'slice': ([0, slice(1, 3)], (2, 5)),
        'none': ([None, 0], (1, 4, 5)), 'ellipsis': ([..., 0], (3, 4)), 'lists': ([[0, 1], [1, 2]], (2, 5)),
        'nested': ([0, [1]], (1, 5))}
    for name, (key, shape) in cases.items():
        with pytest.warns(UserWarning, match="Using a non-tuple sequence for multidimensional indexing"):
            assert tuple(x[key].shape) == shape, name
    assert tuple(x[[0, 1]].shape) == (2, 4, 5)                 # plain integer lists stay one index
    assert tuple(x[np.array([[0, 1], [1, 2]])].shape) == (2, 2, 4, 5)
    with pytest.warns(UserWarning):
        assert x[[[0, 1], [1, 2]]].tolist() == x[[0, 1], [1, 2]].tolist()


def test_index_tensor_dtypes_as_pytorch():
    x = ember.arange(60.).view(3, 4, 5)
    i = ember.tensor([0, 2])
    assert x[i.int()].shape == (2, 4, 5)
    for dtype in (ember.int16, ember.int8):
        with pytest.raises(IndexError, match="tensors used as indices must be long, int, byte or bool tensors"):
            x[i.to(dtype)]
    with pytest.warns(UserWarning, match="indexing with dtype ember.uint8 is now deprecated"):
        assert x[ember.tensor([1, 0, 1], dtype=ember.uint8)].shape == (2, 4, 5)


def test_zero_dim_index_gathers_and_scatters_as_one_element_vector():
    # the one-hot label transform of PyTorch's Transforms tutorial: scatter_ at a 0-d index
    one_hot = ember.zeros(10, dtype=ember.float).scatter_(0, ember.tensor(3), value=1)
    assert one_hot.tolist() == [0., 0., 0., 1., 0., 0., 0., 0., 0., 0.]
    assert ember.zeros(10).scatter(dim=0, index=ember.tensor(3), src=ember.tensor(5.)).tolist()[3] == 5.
    assert ember.zeros(10).scatter_add(0, ember.tensor(3), ember.tensor(5.)).tolist()[3] == 5.
    assert ember.zeros(10).scatter_reduce(0, ember.tensor(3), ember.tensor(5.), 'sum').tolist()[3] == 5.
    g = ember.arange(10.).gather(0, ember.tensor(3))
    assert g.shape == () and g.item() == 3.                       # the index's shape: 0-d
    assert ember.tensor(4.).gather(0, ember.tensor([0, 0])).tolist() == [4., 4.]
    s = ember.zeros(()).scatter(0, ember.tensor([0]), ember.tensor([5.]))
    assert s.shape == () and s.item() == 5.
    # gradients flow through the 0-d positions as through any other
    x = ember.zeros(10, requires_grad=True)
    v = ember.tensor(2., requires_grad=True)
    y = x.scatter(0, ember.tensor(3), v)
    y.backward(ember.arange(10.))
    assert y.grad_fn.name() == 'ScatterBackward0'
    assert x.grad.tolist() == [0., 1., 2., 0., 4., 5., 6., 7., 8., 9.] and v.grad.item() == 3.
    x = ember.arange(10., requires_grad=True)
    x.gather(0, ember.tensor(3)).backward()
    assert x.grad.tolist() == [0., 0., 0., 1., 0., 0., 0., 0., 0., 0.]
    x = ember.rand(5, dtype=ember.float64, requires_grad=True)
    src = ember.rand((), dtype=ember.float64, requires_grad=True)
    assert ember.autograd.gradcheck(lambda a, b: a.scatter_reduce(0, ember.tensor(2), b, 'prod'), (x, src))
    assert ember.autograd.gradgradcheck(lambda a, b: a.scatter(0, ember.tensor(2), b), (x, src))


def test_gather_scatter_rank_mismatch_names_the_argument_as_pytorch_does():
    with pytest.raises(RuntimeError, match="^Index tensor must have the same number of dimensions as self tensor$"):
        ember.zeros(3, 4).scatter(1, ember.tensor(2), 7.)
    with pytest.raises(RuntimeError, match="^Index tensor must have the same number of dimensions as self tensor$"):
        ember.zeros(3, 4).scatter_add(1, ember.tensor(2), ember.zeros(3, 4))
    with pytest.raises(RuntimeError, match="^Index tensor must have the same number of dimensions as input tensor$"):
        ember.zeros(3, 4).gather(1, ember.tensor(2))


def test_nonzero_of_a_0d_tensor():
    # PyTorch 2.13: a 0-d tensor has one element and no dimensions (NumPy refuses nonzero of 0-d arrays)
    for value, rows in ((3.5, 1), (0., 0)):
        x = ember.tensor(value)
        assert ember.nonzero(x).shape == (rows, 0) and ember.argwhere(x).shape == (rows, 0)
        assert ember.nonzero(x).dtype == ember.int64
        found, = ember.nonzero(x, as_tuple=True)
        assert found.tolist() == [0] * rows and ember.where(x)[0].tolist() == [0] * rows
        assert x.nonzero_static(size=2).shape == (2, 0)


def test_where_with_a_uint8_condition_selects_and_warns_once_at_the_callers_line():
    # PyTorch 2.13 still accepts a uint8 condition (pytorch-crf passes one), with a one-time deprecation warning
    import warnings
    from ember import _warn_once
    text = ("where received a uint8 condition tensor. This behavior is deprecated and will be removed in a future "
            "version of PyTorch. Use a boolean condition instead.")
    _warn_once._WARNED.discard(text)
    cond = T([1, 0, 1], dtype=ember.uint8)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        first = ember.where(cond, T([1., 2., 3.]), 0.)
        second = ember.where(cond, T([1., 2., 3.]), 0.)
    assert first.tolist() == second.tolist() == [1., 0., 3.]
    assert [(str(w.message), w.category, w.filename) for w in caught] == [(text, UserWarning, __file__)]


def test_zero_dim_numpy_integer_index_picks_as_an_integer():
    # PyTorch 2.13: x[np.array(1)] selects (SelectBackward0), as x[1] and x[ember.tensor(1)] do
    x = ember.arange(20.).reshape(4, 5).requires_grad_()
    for key in (np.array(1), np.array(1, dtype=np.int32), np.array(-3)):
        y = x[key]
        assert y.grad_fn.name() == 'SelectBackward0' and y.tolist() == [5., 6., 7., 8., 9.]
    assert x[np.array(1), np.array([0, 2])].tolist() == [5., 7.]
    y = x.detach().clone()
    y[np.array(2)] = 7.
    assert y[2].tolist() == [7.] * 5


def test_numpy_uint8_index_is_a_mask():
    # PyTorch 2.13: a uint8 NumPy array becomes a byte tensor, a mask (a 0-d one keeps or drops the whole tensor
    # under a new dimension, without the deprecation warning an array with dimensions gives); other unsigned
    # 0-d arrays pick as integers
    x = ember.arange(20.).reshape(4, 5).requires_grad_()
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        assert tuple(x[np.array(1, dtype=np.uint8)].shape) == (1, 4, 5)
        assert tuple(x[np.array(2, dtype=np.uint8)].shape) == (1, 4, 5)
        assert tuple(x[np.array(0, dtype=np.uint8)].shape) == (0, 4, 5)
        y = x[np.array(1, dtype=np.uint16)]
        assert y.grad_fn.name() == 'SelectBackward0' and y.tolist() == [5., 6., 7., 8., 9.]
    with pytest.warns(UserWarning, match='indexing with dtype ember.uint8 is now deprecated'):
        assert x[np.array([1, 0, 1, 1], dtype=np.uint8)][:, 0].tolist() == [0., 10., 15.]
    y = x.detach().clone()
    y[np.array(1, dtype=np.uint8)] = 7.
    assert y.sum().item() == 140.
