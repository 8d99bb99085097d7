"""Indexing: tensor[key], gather/scatter, index_select, masks, where."""
import numpy as np

from ember import backend
from ember._dtype import result_type, bool_, int64
from ember._tensor import Tensor
from ember.autograd import grad_mode
from ember.autograd.function import Primitive
from ember.ops._util import wrap_dim, broadcast_error


# ------------------------------------------------------------------ tensor[key]
def _convert_key(key, xp):
    """A NumPy/CuPy key from a PyTorch-style index; also says whether it is basic (a view)."""
    if not isinstance(key, tuple):
        key = (key,)
    out = []
    basic = True
    for k in key:
        if isinstance(k, Tensor):
            if k.dtype is bool_ or k.dtype.category == 1:
                out.append(k._data)
                basic = False
                continue
            if k._data.ndim == 0 and k.dtype.category == 1:
                out.append(int(k.item()))
                continue
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        if isinstance(k, (list, np.ndarray)):
            arr = np.asarray(k) if not any(isinstance(e, Tensor) for e in k) else np.asarray([int(e) for e in k])
            if arr.dtype.kind == 'f':
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            out.append(xp.asarray(arr))
            basic = False
            continue
        if isinstance(k, bool):
            out.append(k)
            basic = False
            continue
        if k is None or k is Ellipsis or isinstance(k, (int, slice, np.integer)):
            if isinstance(k, slice) and k.step is not None and k.step <= 0:
                raise ValueError("step must be greater than zero")
            out.append(k)
            continue
        raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are "
                         "valid indices (got " + type(k).__name__ + ")")
    return tuple(out), basic


def _index_error(e, shape):
    msg = str(e)
    if 'out of bounds' in msg:
        msg = msg.replace('axis', 'dimension')
    elif 'too many indices' in msg:
        msg = f"too many indices for tensor of dimension {len(shape)}"
    return IndexError(msg)


class _IndexBase(Primitive):
    @staticmethod
    def forward(ctx, x, key):
        ctx.key = key
        ctx.in_shape = x.shape
        ctx.dtype = x.dtype
        try:
            out = x[key]
        except IndexError as e:
            raise _index_error(e, x.shape) from None
        if not isinstance(out, type(x)):
            out = ctx.xp.asarray(out)
        return out

    @staticmethod
    def backward(ctx, g):
        return IndexAddInto.apply(g, ctx.in_shape, ctx.key), None


class BasicIndex(_IndexBase):
    node_name = 'SliceBackward0'
    _view = True


class SelectIndex(BasicIndex):
    node_name = 'SelectBackward0'


class AdvancedIndex(_IndexBase):
    node_name = 'IndexBackward0'


class IndexAddInto(Primitive):
    """zeros(shape) with ``g`` added at ``key`` (duplicates accumulate): getitem's backward."""
    node_name = 'IndexPutBackward0'

    @staticmethod
    def forward(ctx, g, shape, key):
        ctx.key = key
        out = ctx.xp.zeros(shape, g.dtype)
        if ctx.xp is np:
            np.add.at(out, key, g)
        else:
            import cupyx
            cupyx.scatter_add(out, key, g)
        return out

    @staticmethod
    def backward(ctx, gg):
        return _getitem_key(gg, ctx.key), None, None


def _getitem_key(t, key):
    basic = all(k is None or k is Ellipsis or isinstance(k, (int, slice, np.integer)) for k in key)
    if basic:
        if len(key) == 1 and isinstance(key[0], (int, np.integer)):
            return SelectIndex.apply(t, key)
        return BasicIndex.apply(t, key)
    return AdvancedIndex.apply(t, key)


def getitem(input, key):
    k, basic = _convert_key(key, input._xp)
    if basic and len(k) == 1 and k[0] is Ellipsis:
        return BasicIndex.apply(input, k)
    return _getitem_key(input, k)


class IndexPut(Primitive):
    """out-of-place ``x[key] = value``: the recorded form of setitem."""
    node_name = 'IndexPutBackward0'

    @staticmethod
    def forward(ctx, x, value, key, accumulate=False):
        ctx.key = key
        ctx.value_shape = getattr(value, 'shape', ())
        ctx.accumulate = accumulate
        out = x.copy()
        try:
            if accumulate:
                np.add.at(out, key, value) if ctx.xp is np else __import__('cupyx').scatter_add(out, key, value)
            else:
                out[key] = value
        except IndexError as e:
            raise _index_error(e, x.shape) from None
        except ValueError as e:
            raise RuntimeError(_setitem_shape_error(out, key, value)) from None
        return out

    @staticmethod
    def backward(ctx, g):
        gx = g if ctx.accumulate else IndexPut.apply(g, 0.0, ctx.key)
        gv = None
        if ctx.needs_input_grad[1]:
            gv = _getitem_key(g, ctx.key)
            if tuple(gv.shape) != tuple(ctx.value_shape):
                from ember.ops.shape import sum_to_size
                gv = sum_to_size(gv, ctx.value_shape)
        return gx, gv, None, None


def _setitem_shape_error(out, key, value):
    target = out[key].shape
    return (f"shape mismatch: value tensor of shape {list(value.shape)} cannot be broadcast to indexing result of "
            f"shape {list(target)}")


def setitem(input, key, value):
    from ember.ops.inplace import apply_inplace
    k, basic = _convert_key(key, input._xp)
    if basic and grad_mode._state.enabled and input._grad_fn is None and input._requires_grad:
        # PyTorch indexes first (a view of the leaf), then copies into it
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place operation.")
    if isinstance(value, Tensor) and value._device != input._device and value.ndim:
        raise RuntimeError("Expected all tensors to be on the same device, but found at least two devices, "
                           f"{input.device} and {value.device}!")

    def compute(x, v):
        return IndexPut.apply(x, v, k)
    return apply_inplace(input, compute, value, fast=_fast_setitem(k))


def _fast_setitem(k):
    def fast(x, v):
        data = v._data if isinstance(v, Tensor) else v
        try:
            x._data[k] = data
        except IndexError as e:
            raise _index_error(e, x.shape) from None
        except ValueError:
            raise RuntimeError(_setitem_shape_error(x._data, k, np.asarray(data))) from None
    return fast


def index_put(input, indices, values, accumulate=False):
    k, _ = _convert_key(tuple(indices), input._xp)
    return IndexPut.apply(input, values, k, accumulate)


# ---------------------------------------------------------------------- where
class Where(Primitive):
    node_name = 'WhereBackward0'

    @staticmethod
    def forward(ctx, cond, x, y, dt):
        xp = ctx.xp
        ctx.save_for_backward(cond)
        xa = x.astype(dt, copy=False) if hasattr(x, 'astype') else x
        ya = y.astype(dt, copy=False) if hasattr(y, 'astype') else y
        try:
            return xp.where(cond, xa, ya).astype(dt, copy=False)
        except ValueError:
            raise broadcast_error(getattr(x, 'shape', ()), getattr(y, 'shape', ())) from None

    @staticmethod
    def backward(ctx, g):
        cond, = ctx.saved_tensors
        gx = where(cond, g, 0.0) if ctx.needs_input_grad[1] else None
        gy = where(cond, 0.0, g) if ctx.needs_input_grad[2] else None
        return None, gx, gy, None


def where(condition, input=None, other=None):
    if input is None and other is None:
        return nonzero(condition, as_tuple=True)
    if condition.dtype is not bool_:
        if condition.dtype.name == 'uint8':
            condition = condition.bool()
        else:
            raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype "
                               f"{_name(condition.dtype)}")
    dt = result_type(input, other)
    return Where.apply(condition, input, other, dt.np_dtype)


def _name(d):
    from ember._tensor import _scalar_type_name
    return _scalar_type_name(d)


# ------------------------------------------------------------- gather/scatter
def _check_index(index, name):
    if index.dtype is not int64:
        raise RuntimeError(f"{name}(): Expected dtype int64 for index")


class Gather(Primitive):
    node_name = 'GatherBackward0'

    @staticmethod
    def forward(ctx, x, dim, index):
        ctx.args = (x.shape, dim)
        ctx.save_for_backward(index)
        try:
            return ctx.xp.take_along_axis(x, index, axis=dim) if index.shape[:dim] == x.shape[:dim] and \
                index.shape[dim + 1:] == x.shape[dim + 1:] else _gather_small(ctx.xp, x, dim, index)
        except IndexError:
            bad = int(index.max())
            raise RuntimeError(f"index {bad} is out of bounds for dimension {dim} with size {x.shape[dim]}") from None

    @staticmethod
    def backward(ctx, g):
        shape, dim = ctx.args
        index, = ctx.saved_tensors
        from ember.ops.creation import zeros
        return scatter_add(zeros(*shape, dtype=g.dtype, device=g.device), dim, index, g), None, None


def _gather_small(xp, x, dim, index):
    """gather where the index is smaller than the input in the other dims (allowed by PyTorch)."""
    sl = tuple(slice(0, s) if i != dim else slice(None) for i, s in enumerate(index.shape))
    return xp.take_along_axis(x[sl], index, axis=dim)


def gather(input, dim, index, *, sparse_grad=False):
    _check_index(index, 'gather')
    dim = wrap_dim(dim, input.ndim)
    if index.ndim != input.ndim:
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
    return Gather.apply(input, dim, index)


def _scatter_indices(xp, index, dim):
    idx = list(xp.indices(index.shape, sparse=True))
    idx[dim] = index
    return tuple(idx)


class Scatter(Primitive):
    node_name = 'ScatterBackward0'

    @staticmethod
    def forward(ctx, x, dim, index, src, reduce):
        ctx.args = (dim, reduce)
        ctx.save_for_backward(index)
        xp = ctx.xp
        out = x.copy()
        key = _scatter_indices(xp, index, dim)
        if isinstance(src, (int, float, bool)):
            vals = src
        else:
            vals = src[tuple(slice(0, s) for s in index.shape)]
        if reduce is None:
            out[key] = vals
        elif reduce in ('add', 'sum'):
            (np.add.at if xp is np else __import__('cupyx').scatter_add)(out, key, vals)
        elif reduce == 'multiply':
            np.multiply.at(out, key, vals)
        return out

    @staticmethod
    def backward(ctx, g):
        dim, reduce = ctx.args
        index, = ctx.saved_tensors
        gx = g.scatter(dim, index, 0.0) if reduce is None else g
        gsrc = None
        if len(ctx.needs_input_grad) > 3 and ctx.needs_input_grad[3]:
            gsrc = g.gather(dim, index)
        return gx, None, None, gsrc, None


class ScatterAdd(Scatter):
    node_name = 'ScatterAddBackward0'


def scatter(input, dim, index, src=None, *, value=None, reduce=None):
    _check_index(index, 'scatter')
    if src is None:
        src = value
    dim = wrap_dim(dim, input.ndim)
    if isinstance(src, Tensor):
        return Scatter.apply(input, dim, index, src, reduce)
    return Scatter.apply(input, dim, index, src, reduce)


def scatter_add(input, dim, index, src):
    _check_index(index, 'scatter_add')
    return ScatterAdd.apply(input, wrap_dim(dim, input.ndim), index, src, 'add')


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True):
    if reduce == 'sum':
        return scatter_add(input, dim, index, src)
    raise NotImplementedError(f"scatter_reduce with reduce='{reduce}'")


class IndexSelect(Primitive):
    node_name = 'IndexSelectBackward0'

    @staticmethod
    def forward(ctx, x, dim, index):
        ctx.args = (x.shape, dim)
        ctx.save_for_backward(index)
        if index.ndim > 1:
            raise IndexError("index_select(): Index is supposed to be a vector")
        try:
            return ctx.xp.take(x, index, axis=dim)
        except IndexError:
            raise IndexError(f"index out of range in self") from None

    @staticmethod
    def backward(ctx, g):
        shape, dim = ctx.args
        index, = ctx.saved_tensors
        from ember.ops.creation import zeros
        return index_add(zeros(*shape, dtype=g.dtype, device=g.device), dim, index, g), None, None


def index_select(input, dim, index):
    if index.dtype.category != 1:
        raise IndexError("index_select(): Expected dtype int32/int64 for index")
    return IndexSelect.apply(input, wrap_dim(dim, input.ndim), index.reshape(-1) if index.ndim == 0 else index)


class IndexAdd(Primitive):
    node_name = 'IndexAddBackward0'

    @staticmethod
    def forward(ctx, x, dim, index, src, alpha):
        ctx.args = (dim, alpha)
        ctx.save_for_backward(index)
        out = x.copy()
        key = [slice(None)] * x.ndim
        key[dim] = index
        vals = src * alpha if alpha != 1 else src
        if ctx.xp is np:
            np.add.at(out, tuple(key), vals)
        else:
            __import__('cupyx').scatter_add(out, tuple(key), vals)
        return out

    @staticmethod
    def backward(ctx, g):
        dim, alpha = ctx.args
        index, = ctx.saved_tensors
        gs = g.index_select(dim, index) if ctx.needs_input_grad[3] else None
        if gs is not None and alpha != 1:
            gs = gs * alpha
        return g, None, None, gs, None


def index_add(input, dim, index, source, *, alpha=1):
    return IndexAdd.apply(input, wrap_dim(dim, input.ndim), index, source, alpha)


def index_fill(input, dim, index, value):
    dim = wrap_dim(dim, input.ndim)
    key = [slice(None)] * input.ndim
    key[dim] = index
    return IndexPut.apply(input, value, tuple(k._data if isinstance(k, Tensor) else k for k in key))


def take(input, index):
    return input.reshape(-1)[index]


def take_along_dim(input, indices, dim=None):
    if dim is None:
        return input.reshape(-1)[indices.reshape(-1)]
    return gather(input, dim, indices)


# ---------------------------------------------------------------------- masks
def masked_fill(input, mask, value):
    if mask.dtype is not bool_:
        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype {mask.dtype}")
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError("masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                               f"{value.ndim} dimension(s).")
    return MaskedFill.apply(input, mask, value)


class MaskedFill(Primitive):
    node_name = 'MaskedFillBackward0'

    @staticmethod
    def forward(ctx, x, mask, value):
        ctx.save_for_backward(mask)
        ctx.in_shape = x.shape
        xp = ctx.xp
        v = value.astype(x.dtype) if hasattr(value, 'astype') else value
        try:
            out = xp.where(mask, v, x)
        except ValueError:
            raise broadcast_error(x.shape, mask.shape) from None
        if out.shape != x.shape:
            raise RuntimeError(f"The expanded size of the tensor ({x.shape[0] if x.ndim else 1}) must match")
        return out.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        mask, = ctx.saved_tensors
        gv = None
        if len(ctx.needs_input_grad) > 2 and ctx.needs_input_grad[2]:
            gv = where(mask, g, 0.0).sum()
        return where(mask, 0.0, g), None, gv


def masked_select(input, mask):
    from ember.ops.shape import broadcast_tensors
    x, m = broadcast_tensors(input, mask)
    return getitem(x, m)


def masked_scatter(input, mask, source):
    from ember.ops.shape import broadcast_tensors
    x, m = broadcast_tensors(input, mask)
    n = int(m.sum().item())
    return IndexPut.apply(x.contiguous(), source.reshape(-1)[:n], (m._data,))


def nonzero(input, *, as_tuple=False):
    xp = input._xp
    idx = xp.nonzero(input._data)
    if as_tuple:
        if input.ndim == 0:
            idx = xp.nonzero(input._data.reshape(1))
        return tuple(Tensor._make(i.astype(np.int64), input._device) for i in idx)
    if input.ndim == 0:
        return Tensor._make(xp.zeros((int(bool(input._data)), 0), np.int64), input._device)
    return Tensor._make(xp.stack(idx, axis=1).astype(np.int64), input._device)


def argwhere(input):
    return nonzero(input)


def count_nonzero(input, dim=None):
    xp = input._xp
    r = xp.count_nonzero(input._data, axis=dim)
    return Tensor._make(xp.asarray(r, dtype=np.int64), input._device)
