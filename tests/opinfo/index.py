"""Rows for ember/ops/index.py: tensor[key], setitem, gather/scatter, index_*, masks, where, take."""
import numpy as np

import ember
from tests.opinfo import Const, ErrorInput, OpInfo, Raw, Sample


def _ekey(key):
    """A NumPy key as an ember key: arrays become tensors, everything else is kept."""
    def conv(k):
        return ember.from_numpy(k.copy()) if isinstance(k, np.ndarray) else k
    return tuple(conv(k) for k in key) if isinstance(key, tuple) else conv(key)


def _getitem(x, key):
    return x[_ekey(key)]


def _np_getitem(x, key):
    return x[key]


_BASIC_KEYS = [1, -1, slice(1, 3), (slice(None, None, 2), 1), (None, Ellipsis, 0), (Ellipsis, None),
               (slice(None), slice(1, None, 3)), (1, slice(None), None), Ellipsis, (slice(-3, -1), -2),
               (0, 0), (slice(10, 20),)]


def _basic(rng):
    x = rng.standard_normal((4, 5))
    return [Sample(x, Raw(k)) for k in _BASIC_KEYS]


def _advanced(rng):
    x = rng.standard_normal((4, 5))
    y = rng.standard_normal((3, 4, 5))
    mask = rng.random((4, 5)) > 0.5
    return [
        Sample(x, Raw([0, 2, 0])),                                      # list with a duplicate
        Sample(x, Raw(np.array([[0, 1], [1, 1]]))),                     # 2-D index tensor
        Sample(x, Raw((slice(None), [0, 0, 3]))),                       # slice then list
        Sample(x, Raw(([0, 1, 3], [2, 3, 3]))),                         # two lists, broadcast together
        Sample(x, Raw((np.array([[0], [3]]), np.array([1, 4])))),       # broadcasting index tensors
        Sample(x, Raw(mask)),                                           # full bool mask
        Sample(x, Raw(np.array([True, False, True, True]))),            # row mask
        Sample(x, Raw((slice(1, None), np.array([True, False, False, True, True])))),
        Sample(y, Raw((np.array([0, 2]), slice(None), np.array([1, 4])))),  # separated: result dims go first
        Sample(y, Raw((Ellipsis, [1, 1]))),
        Sample(y, Raw((1, [0, 3], slice(None, None, 2)))),             # int + list + slice
        Sample(y, Raw((None, [2, 0], 1))),
        Sample(x, Raw(np.array([-1, -4]))),                             # negative indices
        Sample(x, Raw(np.array(2))),                                    # 0-dim index tensor
    ]


def _setitem(x, v, key):
    y = x.clone()
    y[_ekey(key)] = v
    return y


def _np_setitem(x, v, key):
    y = x.copy()
    y[key] = v
    return y


def _set_samples(rng):
    x = rng.standard_normal((4, 5))
    mask = rng.random((4, 5)) > 0.5
    n = rng.standard_normal
    return [
        Sample(x, n(()), Raw(1)), Sample(x, n((5,)), Raw(2)), Sample(x, n((2, 5)), Raw(slice(1, 3))),
        Sample(x, n((4, 1)), Raw((slice(None), slice(1, 3)))),          # value broadcast along a dim
        Sample(x, 2.5, Raw((slice(None, None, 2), 0))),                  # Python scalar value
        Sample(x, n((3,)), Raw(([0, 2, 3], [1, 1, 4]))),
        Sample(x, n((int(mask.sum()),)), Raw(mask)),
        Sample(x, n(()), Raw(mask)),
        Sample(x, n((2, 5)), Raw(np.array([3, 0]))),
        Sample(x, n((4, 2)), Raw((Ellipsis, [4, 1]))),
        Sample(x, Const(n((5,))), Raw(0)),                              # only the target is differentiated
    ]


def _index_put(x, indices, values, accumulate=False):
    return ember.index_put(x, tuple(ember.from_numpy(i.copy()) for i in indices), values, accumulate)


def _np_index_put(x, indices, values, accumulate=False):
    y = x.copy()
    if accumulate:
        np.add.at(y, tuple(indices), values)
    else:
        y[tuple(indices)] = values
    return y


def _index_put_samples(rng):
    x = rng.standard_normal((4, 5))
    return [Sample(x, Raw((np.array([0, 2, 0]), np.array([1, 1, 1]))), rng.standard_normal(3), accumulate=True),
            Sample(x, Raw((np.array([3, 1]),)), rng.standard_normal((2, 5))),
            Sample(x, Raw((np.array([0, 2]), np.array([4, 1]))), rng.standard_normal(())),
            Sample(x, Raw((np.array([1, 1, 3]),)), rng.standard_normal((5,)), accumulate=True)]


def _grid(index, dim):
    idx = list(np.indices(index.shape, sparse=True))
    idx[dim] = index
    return tuple(idx)


def _np_gather(x, dim, index):
    return x[_grid(index, dim % x.ndim)]


def _gather_samples(rng):
    x = rng.standard_normal((3, 4))
    return [Sample(x, 1, rng.integers(0, 4, (3, 6))), Sample(x, 0, rng.integers(0, 3, (2, 4))),
            Sample(x, -1, rng.integers(0, 4, (2, 2))), Sample(rng.standard_normal((2, 3, 4)), 1, rng.integers(0, 3, (2, 5, 4)))]


def _perm_index(rng, shape, dim, size):
    """An index with no repeats along ``dim`` (scatter without accumulation is only deterministic then)."""
    n = shape[dim]
    moved = [rng.permutation(size)[:n] for _ in range(int(np.prod(shape)) // n)]
    arr = np.stack(moved, axis=-1).reshape((n,) + tuple(s for i, s in enumerate(shape) if i != dim))
    return np.moveaxis(arr, 0, dim)


def _np_scatter(x, dim, index, src=None, value=None, reduce=None):
    y = x.copy()
    vals = src[tuple(slice(0, s) for s in index.shape)] if isinstance(src, np.ndarray) else (
        src if src is not None else value)
    key = _grid(index, dim % x.ndim)
    if reduce == 'add':
        np.add.at(y, key, vals)
    elif reduce == 'multiply':
        np.multiply.at(y, key, vals)
    else:
        y[key] = vals
    return y


def _scatter_samples(rng):
    x = rng.standard_normal((3, 5))
    return [Sample(x, 1, _perm_index(rng, (3, 2), 1, 5), rng.standard_normal((3, 2))),
            Sample(x, 0, _perm_index(rng, (2, 5), 0, 3), rng.standard_normal((2, 5))),
            Sample(x, 0, _perm_index(rng, (2, 3), 0, 3), rng.standard_normal((3, 4))),  # src larger than index
            Sample(x, -1, _perm_index(rng, (3, 3), 1, 5), 1.5),
            Sample(x, 1, _perm_index(rng, (2, 2), 1, 5), value=-2.0)]


def _scatter_reduce_samples(rng):
    x = rng.standard_normal((3, 5))
    return [Sample(x, 1, rng.integers(0, 5, (3, 4)), rng.standard_normal((3, 4)), reduce='add'),
            Sample(x, 0, rng.integers(0, 3, (4, 5)), rng.standard_normal((4, 5)), reduce='multiply')]


def _scatter_add_samples(rng):
    x = rng.standard_normal((3, 5))
    return [Sample(x, 1, rng.integers(0, 5, (3, 7)), rng.standard_normal((3, 7))),
            Sample(x, 0, rng.integers(0, 3, (4, 5)), rng.standard_normal((4, 5))),
            Sample(x, 0, rng.integers(0, 3, (2, 2)), rng.standard_normal((3, 3)))]


def _np_scatter_add(x, dim, index, src):
    return _np_scatter(x, dim, index, src, reduce='add')


def _index_select_samples(rng):
    x = rng.standard_normal((3, 4))
    return [Sample(x, 0, np.array([2, 0, 2])), Sample(x, 1, np.array([3, 1])), Sample(x, -1, np.array(1)),
            Sample(rng.standard_normal((2, 3, 4)), 1, np.array([0, 0, 2, 1]))]


def _np_index_select(x, dim, index):
    return np.take(x, np.reshape(index, -1), axis=dim)


def _index_add_samples(rng):
    x = rng.standard_normal((3, 4))
    return [Sample(x, 0, np.array([0, 2, 0, 0]), rng.standard_normal((4, 4))),
            Sample(x, 1, np.array([3, 3]), rng.standard_normal((3, 2)), alpha=2.5),
            Sample(x, -1, np.array([1, 0, 1]), rng.standard_normal((3, 3)))]


def _np_index_add(x, dim, index, source, alpha=1):
    y = np.moveaxis(x.copy(), dim, 0)
    np.add.at(y, index, np.moveaxis(source, dim, 0) * alpha)
    return np.moveaxis(y, 0, dim)


def _index_fill_samples(rng):
    x = rng.standard_normal((3, 4))
    return [Sample(x, 1, np.array([0, 2]), 1.5), Sample(x, 0, np.array([1, 1]), -2.0),
            Sample(x, -1, np.array(3), rng.standard_normal(()))]


def _np_index_fill(x, dim, index, value):
    y = np.moveaxis(x.copy(), dim, 0)
    y[np.reshape(index, -1)] = value
    return np.moveaxis(y, 0, dim)


def _masked_fill_samples(rng):
    x = rng.standard_normal((3, 4))
    return [Sample(x, rng.random((3, 4)) > 0.5, 2.0), Sample(x, rng.random(4) > 0.5, -1.5),
            Sample(x, rng.random((3, 1)) > 0.5, rng.standard_normal(())),
            Sample(x, np.array(True), 0.5), Sample(x, rng.random((3, 4)) > 0.5, Const(rng.standard_normal(())))]


def _np_masked_fill(x, mask, value):
    return np.where(mask, value, x).astype(x.dtype)


def _masked_select_samples(rng):
    x = rng.standard_normal((3, 4))
    return [Sample(x, rng.random((3, 4)) > 0.5), Sample(x, rng.random(4) > 0.5), Sample(rng.standard_normal(4),
                                                                                     rng.random((3, 4)) > 0.5)]


def _np_masked_select(x, mask):
    x, mask = np.broadcast_arrays(x, mask)
    return x[mask]


def _masked_scatter_samples(rng):
    x = rng.standard_normal((3, 4))
    return [Sample(x, rng.random((3, 4)) > 0.5, rng.standard_normal((3, 4))),
            Sample(x, rng.random(4) > 0.5, rng.standard_normal(20))]


def _np_masked_scatter(x, mask, source):
    x, mask = np.broadcast_arrays(x, mask)
    y = x.copy()
    y[mask] = source.reshape(-1)[:int(mask.sum())]
    return y


def _where_samples(rng):
    n = rng.standard_normal
    c = rng.random((3, 4)) > 0.5
    return [Sample(c, n((3, 4)), n((3, 4))), Sample(c, n((4,)), n((3, 1))), Sample(rng.random(4) > 0.5, n((3, 4)), 0.5),
            Sample(c, -1.0, n((3, 4))), Sample(c, n(()), n((3, 4)))]


def _take_samples(rng):
    x = rng.standard_normal((3, 4))
    return [Sample(x, np.array([0, 5, 11, 5])), Sample(x, np.array([[1, 2], [-1, 0]]))]


def _take_along_samples(rng):
    x = rng.standard_normal((3, 4))
    return [Sample(x, np.argsort(x, axis=1), 1), Sample(x, rng.integers(0, 3, (2, 4)), 0),
            Sample(x, np.array([[0, 11, 3]]))]


def _np_take_along(x, indices, dim=None):
    if dim is None:
        return np.take(x.reshape(-1), indices.reshape(-1))
    return np.take_along_axis(x, indices, dim)


def _nonzero_samples(rng):
    return [Sample(rng.integers(-1, 2, (3, 4)).astype(np.float64)), Sample(rng.random(5) > 0.5),
            Sample(np.zeros((2, 0)))]


def _z(*shape):
    return np.zeros(shape)


def _i(*values, dtype=None):
    """An integer index tensor (int64 unless ``dtype`` says otherwise)."""
    return Raw(ember.tensor(list(values), dtype=dtype or ember.int64))


def _mask(*values):
    return Raw(ember.tensor(list(values)))


def _err(*cases):
    """error_inputs from (args, exception, message) triples recorded from PyTorch."""
    return lambda: [ErrorInput(Sample(*args), exc, msg) for args, exc, msg in cases]


def _bcast(a, b, dim=0):
    return f'The size of tensor a ({a}) must match the size of tensor b ({b}) at non-singleton dimension {dim}'


OPS = [
    OpInfo('__getitem__', _getitem, _basic, ref=_np_getitem),
    OpInfo('__getitem__', _getitem, _advanced, ref=_np_getitem),
    OpInfo('__setitem__', _setitem, _set_samples, ref=_np_setitem),
    OpInfo('index_put', _index_put, _index_put_samples, ref=_np_index_put),
    OpInfo('gather', ember.gather, _gather_samples, ref=_np_gather, error_inputs=_err(
        ((_z(2, 3), 1, _i(0, 0)), RuntimeError, 'Index tensor must have the same number of dimensions as input tensor'),
        ((_z(2, 3), 1, Raw(ember.tensor([[0, 3], [0, 0]]))), RuntimeError,
         'index 3 is out of bounds for dimension 1 with size 3'),
        ((_z(2, 3), 1, Raw(ember.tensor([[-1]]))), RuntimeError,
         'index -1 is out of bounds for dimension 1 with size 3'),
        ((_z(2, 3), 1, Raw(ember.zeros(3, 2, dtype=ember.int64))), RuntimeError,
         'Size does not match at dimension 0 expected index [3, 2] to be no larger than self [2, 3] apart from '
         'dimension 1'),
        ((_z(2, 3), 1, Raw(ember.zeros(2, 2))), RuntimeError, 'gather(): Expected dtype int32/int64 for index'))),
    OpInfo('scatter', ember.scatter, _scatter_samples, ref=_np_scatter, error_inputs=_err(
        ((_z(2, 3), 1, Raw(ember.tensor([[5]])), 1.0), RuntimeError,
         'index 5 is out of bounds for dimension 1 with size 3'),
        ((_z(2, 3), 1, Raw(ember.zeros(2, 3, dtype=ember.int64)), _z(1, 1)), RuntimeError,
         'Expected index [2, 3] to be no larger than self [2, 3] apart from dimension 1 and to be no larger size '
         'than src [1, 1]'),
        ((_z(2, 3), 1, Raw(ember.zeros(2, 2)), 1.0), RuntimeError, 'scatter(): Expected dtype int32/int64 for index'))),
    OpInfo('scatter_reduce_kw', ember.scatter, _scatter_reduce_samples, ref=_np_scatter, grad=False),
    OpInfo('scatter_add', ember.scatter_add, _scatter_add_samples, ref=_np_scatter_add, error_inputs=_err(
        ((_z(3), 0, _i(0, 0), Raw(ember.ones(2, dtype=ember.float64))), RuntimeError,
         'scatter(): Expected self.dtype to be equal to src.dtype'))),
    OpInfo('scatter_reduce', ember.scatter_reduce,
           lambda rng: [Sample(*c.args, 'sum') for c in _scatter_add_samples(rng)],
           ref=lambda x, d, i, s, reduce: _np_scatter_add(x, d, i, s)),
    OpInfo('index_select', ember.index_select, _index_select_samples, ref=_np_index_select, error_inputs=_err(
        ((_z(3, 2), 0, _i(3)), IndexError, 'index out of range in self'),
        ((_z(3, 2), 1, _i(-1)), RuntimeError, 'INDICES element is out of DATA bounds, id=-1 axis_dim=2'),
        ((_z(3, 2), 0, Raw(ember.zeros(2, 2, dtype=ember.int64))), IndexError,
         'index_select(): Index is supposed to be a vector'),
        ((_z(3, 2), 0, Raw(ember.zeros(2))), RuntimeError, 'index_select(): Expected dtype int32 or int64 for index'))),
    OpInfo('index_add', ember.index_add, _index_add_samples, ref=_np_index_add, error_inputs=_err(
        ((_z(3, 2), 0, _i(0, 1), _z(3, 2)), RuntimeError,
         'index_add_(): Number of indices (2) should be equal to source.size(dim): (3), for dim: 0'),
        ((_z(3, 2), 0, _i(5), _z(1, 2)), RuntimeError, 'index 5 is out of bounds for dimension 0 with size 3'),
        ((_z(3, 2), 0, _i(-1), _z(1, 2)), RuntimeError, 'index -1 is out of bounds for dimension 0 with size 3'),
        ((_z(3, 2), 0, _i(0), _z(1, 3)), RuntimeError,
         'source tensor shape must match self tensor shape, excluding the specified dimension. Got self.shape = '
         '[3, 2] source.shape = [1, 3]'),
        ((_z(3, 2), 0, Raw(ember.zeros(1)), _z(1, 2)), RuntimeError,
         'index_add_(): Expected dtype int32/int64 for index but got: Float'),
        ((_z(3, 2), 0, _i(0), Raw(ember.zeros(1, 2, dtype=ember.float64))), RuntimeError,
         'index_add_(): self (Float) and source (Double) must have the same scalar type'))),
    OpInfo('index_fill', ember.index_fill, _index_fill_samples, ref=_np_index_fill, error_inputs=_err(
        ((_z(3, 2), 0, _i(3), 1.0), IndexError, 'index 3 is out of bounds for dimension 0 with size 3'),
        ((_z(3, 2), 0, Raw(ember.zeros(1)), 1.0), IndexError, 'index_fill_(): Expected dtype int64 for index.'))),
    OpInfo('masked_fill', ember.masked_fill, _masked_fill_samples, ref=_np_masked_fill, error_inputs=_err(
        ((_z(3), _i(1, 0, 1), 1.0), RuntimeError,
         'masked_fill_ only supports boolean masks, but got mask with dtype long int'),
        ((_z(3), _mask(True, False), 1.0), RuntimeError, _bcast(2, 3)),
        ((_z(3), _mask(True, False, True), _z(1)), RuntimeError,
         'masked_fill_ only supports a 0-dimensional value tensor, but got tensor with 1 dimension(s).'))),
    OpInfo('Tensor.masked_fill_', lambda x, m, v: x.clone().masked_fill_(m, v), lambda rng: [
        Sample(rng.standard_normal((3, 4)), rng.random(4) > 0.5, 1.5)],
        ref=lambda x, m, v: np.where(m, v, x).astype(x.dtype), error_inputs=lambda: [
            ErrorInput(Sample(Raw(ember.zeros(3)), Raw(ember.ones(2, 3, dtype=ember.bool)), 1.0), RuntimeError,
                       "output with shape [3] doesn't match the broadcast shape [2, 3]")]),
    OpInfo('masked_select', ember.masked_select, _masked_select_samples, ref=_np_masked_select, error_inputs=_err(
        ((_z(3), _mask(True, False)), RuntimeError, _bcast(2, 3)))),
    OpInfo('masked_scatter', ember.masked_scatter, _masked_scatter_samples, ref=_np_masked_scatter),
    OpInfo('where', ember.where, _where_samples, ref=np.where, error_inputs=_err(
        ((_i(1, 0), _z(2), _z(2)), RuntimeError,
         'where expected condition to be a boolean tensor, but got a tensor with dtype Long'),
        ((_mask(True, False), _z(3), _z(2)), RuntimeError, _bcast(2, 3)))),
    OpInfo('take', ember.take, _take_samples, ref=lambda x, i: np.take(x.reshape(-1), i), error_inputs=_err(
        ((_z(2, 2), _i(4)), IndexError, 'out of range: tried to access index 4 on a tensor of 4 elements.'),
        ((_z(2, 2), _i(-5)), IndexError, 'out of range: tried to access index -5 on a tensor of 4 elements.'),
        ((_z(2, 2), Raw(ember.tensor([1.0]))), RuntimeError,
         'take(): Expected a long tensor for index, but got Float'))),
    OpInfo('take_along_dim', ember.take_along_dim, _take_along_samples, ref=_np_take_along, error_inputs=_err(
        ((_z(2, 3), Raw(ember.zeros(2, 2, dtype=ember.int64)), 5), IndexError,
         'Dimension out of range (expected to be in range of [-2, 1], but got 5)'))),
    OpInfo('nonzero', ember.nonzero, _nonzero_samples, ref=np.argwhere, grad=False, aliases=('argwhere',)),
    OpInfo('nonzero_tuple', lambda x: ember.stack(ember.nonzero(x, as_tuple=True)), _nonzero_samples,
           ref=lambda x: np.stack(np.nonzero(x)), grad=False),
    OpInfo('where_cond_only', lambda c: ember.stack(ember.where(c)), _nonzero_samples,
           ref=lambda x: np.stack(np.nonzero(x)), grad=False),
]
