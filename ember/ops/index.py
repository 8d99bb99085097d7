"""Indexing: tensor[key], gather/scatter, index_select, masks, where."""
import sys

import numpy as np

from ember.autograd import _saved_attrs as _sa
from ember import _user_warnings, backend
from ember._dtype import BAREBONES, FLOAT8_NUMS, result_type, bool_, int64
from ember._tensor import Tensor
from ember.autograd import grad_mode
from ember.autograd import _op_observers as _observe
from ember._device import CPU as _CPU
from ember.backend import quiet_fp_enter as _fp_enter, quiet_fp_leave as _fp_leave
from ember.autograd import function as _function
from ember.autograd.function import (MultiOutputView, Primitive, ViewOfMultiOutput, input_of, record_node,
                                     unrecorded_view)
from ember.autograd._recorded_steps import record_step
from ember.ops._util import wrap_dim, broadcast_error, require_tensor_args
from ember.ops import _argparse, _basic_assign, _float8
from ember.ops._index_add_layers import add_by_layers
from ember.ops._registry import op
from ember.ops.inplace import _refuse_overlap, write_out
from ember.ops._numpy_keywords import NOT_GIVEN, take


# ------------------------------------------------------------------ tensor[key]
# NOTE: PyTorch indexes in two steps, and so does ember: first the basic part of the key (ints,
# slices, None, ...) makes a view, then the advanced part (index tensors, lists, masks) gathers
# from it.  This differs from NumPy's one-step rule when an int sits between advanced indices:
# x[0, :, [1, 2]] has shape [4, 2] in PyTorch but (2, 4) in NumPy.  A parsed key is the pair
# (basic, adv) of NumPy keys, either of which may be None.
_BAD_INDEX = ("only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid "
              "indices (got {})")
_BAD_TENSOR = "tensors used as indices must be long, int, byte or bool tensors"


def _classify(k, xp):
    """One element of a key as (kind, value, dims it consumes)."""
    if isinstance(k, Tensor):
        if k.dtype is bool_:
            return 'adv', k._data, k._data.ndim
        if k.dtype.name == 'uint8':
            _user_warnings.warn("indexing with dtype ember.uint8 is now deprecated, please use a dtype ember.bool "
                                "instead.")
            return 'adv', k._data.astype(bool), k._data.ndim
        if k.dtype.name not in ('int64', 'int32'):    # PyTorch indexes with long, int, byte and bool only
            raise IndexError(_BAD_TENSOR)
        if k._data.ndim == 0:
            return 'int', int(k.item()), 1
        return 'adv', k._data, 1
    if isinstance(k, bool):
        return 'bool', k, 0
    if isinstance(k, np.ndarray) and k.dtype == np.uint8:
        # a uint8 array becomes a byte tensor, a mask, as in PyTorch (which warns for one with dimensions only)
        if k.ndim:
            _user_warnings.warn("indexing with dtype ember.uint8 is now deprecated, please use a dtype ember.bool "
                                "instead.")
        return 'adv', xp.asarray(k.astype(bool)), k.ndim
    if isinstance(k, (int, np.integer)) or isinstance(k, np.ndarray) and k.ndim == 0 and k.dtype.kind in 'iu':
        return 'int', int(k), 1     # (a 0-d NumPy integer array picks, as a 0-d integer tensor does)
    if isinstance(k, slice):
        if k.step is not None and k.step <= 0:
            raise ValueError("step must be greater than zero")
        return 'slice', k, 1
    if k is None:
        return 'none', None, 0
    if k is Ellipsis:
        return 'ellipsis', None, 0
    if isinstance(k, (list, tuple, range, np.ndarray)):  # a range is a sequence of indices, as in PyTorch
        if isinstance(k, np.ndarray):
            arr = k
        elif any(isinstance(e, Tensor) for e in k):
            arr = np.asarray([e.item() if isinstance(e, Tensor) else e for e in k])
        else:
            arr = np.asarray(k)
        if arr.size == 0 and arr.dtype.kind == 'f':
            arr = arr.astype(np.int64)  # [] is an empty list of indices, not floats
        if arr.dtype.kind == 'b':
            return 'adv', xp.asarray(arr), arr.ndim
        if arr.dtype.kind not in 'iu':
            raise IndexError(_BAD_TENSOR)
        return 'adv', xp.asarray(arr), 1
    if isinstance(k, str):  # PyTorch tries to make a tensor of it first
        raise TypeError(f"new(): invalid data type '{type(k).__name__}'")
    raise IndexError(_BAD_INDEX.format(type(k).__name__))


def _zero_dim_error(item):
    """PyTorch's errors for one integer or slice (not in a tuple) indexing a 0-dim tensor."""
    kind, v, _ = item
    if kind == 'slice':
        raise IndexError("slice() cannot be applied to a 0-dim tensor.")
    if v == 0:
        raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in "
                         "C++ to convert a 0-dim tensor to a number")
    raise IndexError(f"index {v} is out of bounds for dimension 0 with size 0")


def _parse_key(key, shape, xp):
    """PyTorch's index ``key`` for a tensor of ``shape`` as a (basic, adv) pair of NumPy keys."""
    if type(key) is list and _list_as_tuple(key):
        _user_warnings.warn("Using a non-tuple sequence for multidimensional indexing is deprecated and will be "
                            "changed in pytorch 2.9; use x[tuple(seq)] instead of x[seq]. In pytorch 2.9 this will "
                            "be interpreted as tensor index, x[ember.tensor(seq)], which will result either in an "
                            "error or a different result")
        key = tuple(key)
    items = [_classify(k, xp) for k in (key if isinstance(key, tuple) else (key,))]
    used = sum(n for _, _, n in items)
    if used > len(shape):
        if not shape and isinstance(key, (int, slice)) and not isinstance(key, bool):
            _zero_dim_error(items[0])
        raise IndexError(f"too many indices for tensor of dimension {len(shape)}")
    basic, adv = [], []
    dim = 0          # the input dimension the next item applies to
    n_adv = 0        # advanced indices seen so far (PyTorch names bad ones by this count)
    for kind, v, n in items:
        if kind == 'int':
            size = shape[dim]
            if not -size <= v < size:
                raise IndexError(f"index {v} is out of bounds for dimension {dim} with size {size}")
            basic.append(v)
        elif kind == 'slice':
            basic.append(v)
            adv.append(slice(None))
        elif kind == 'none':
            basic.append(None)
            adv.append(slice(None))
        elif kind == 'ellipsis':
            if any(b is Ellipsis for b in basic):
                continue  # PyTorch lets a second ellipsis through as a no-op
            span = len(shape) - used
            basic.append(Ellipsis)
            adv.extend([slice(None)] * span)
            dim += span
        elif kind == 'bool':
            basic.append(None)  # a new dim of size 1, kept (True) or emptied (False)
            adv.append(xp.zeros(1 if v else 0, dtype=np.int64))
            n_adv += 1
        else:
            _check_adv(v, n, shape, dim, n_adv)
            basic.extend([slice(None)] * n)
            adv.append(v)
            n_adv += 1
        dim += n
    if not n_adv:
        return tuple(basic), None
    while adv and isinstance(adv[-1], slice):
        adv.pop()
    trivial = all(isinstance(b, slice) and b == slice(None) or b is Ellipsis for b in basic)
    return (None if trivial else tuple(basic)), tuple(adv)


def _list_as_tuple(key):
    """PyTorch's legacy rule: a list holding a tensor, a sequence, a slice, ``...`` or None indexes several
    dimensions, like the tuple of its items (``x[[0, [1]]]`` is ``x[0, [1]]``)."""
    return len(key) < 32 and any(k is None or k is Ellipsis or isinstance(k, (Tensor, slice, list, tuple, range,
                                                                               np.ndarray)) for k in key)


def _check_adv(v, n, shape, dim, ordinal):
    if v.dtype == bool:
        for j in range(n):
            if v.shape[j] != shape[dim + j]:
                raise IndexError(f"The shape of the mask {list(v.shape)} at index {j} does not match the shape of "
                                 f"the indexed tensor {list(shape)} at index {dim + j}")
        return
    size = shape[dim]
    if v.size and (int(v.max()) >= size or int(v.min()) < -size):
        flat = v.reshape(-1)
        bad = int(flat[((flat >= size) | (flat < -size)).argmax()])
        raise IndexError(f"index {bad} is out of bounds for dimension {ordinal} with size {size}")


def _view_key(basic):
    # a trailing Ellipsis makes NumPy return a 0-d view rather than a scalar copy
    return basic if any(b is Ellipsis for b in basic) else basic + (Ellipsis,)


def _np_get(x, key, xp):
    basic, adv = key
    if basic is not None:
        x = x[_view_key(basic)]
    if adv is not None:
        x = xp.ascontiguousarray(x[adv])   # PyTorch's result is contiguous; NumPy's may not be
    return x


def _np_put(x, key, value, xp, accumulate=False):
    """Write (or add) ``value`` into ``x`` at ``key``, in place."""
    basic, adv = key
    view = x[_view_key(basic)] if basic is not None else x
    if adv is None:
        if accumulate:
            view += value
        else:
            view[...] = value
    elif accumulate:
        backend.scatter_ufunc('add', view, adv, value)
    else:
        view[adv] = value


class _IndexBase(Primitive):
    @staticmethod
    def forward(ctx, x, key):
        ctx.key = key
        ctx.in_shape = x.shape
        return _np_get(x, key, ctx.xp)

    @staticmethod
    def backward(ctx, g):
        steps = ctx.__dict__.get('steps')     # (the _StepsGrad of a chain of basic-indexing steps recorded at once)
        if steps is not None and not grad_mode._state.enabled:
            handed = steps.grad(ctx.step_index, g)
            if handed is not None:
                return handed, None
        return IndexAddInto.apply(g, ctx.in_shape, ctx.key), None


class _StepsGrad:
    """The gradients of the nodes of one basic indexing recorded as PyTorch's steps (``x[::2, 1]``: a slice, then a
    select), computed once: the last step's node puts its gradient into zeros of the indexed tensor's shape, and
    each node hands the one before it that array's view at the steps before it, which is its input's gradient.
    A node whose gradient is not the view handed to it (a hook replaced it) computes its own."""
    __slots__ = ('shape', 'key', 'steps', 'full', 'handed')

    def __init__(self, shape, key, steps):
        self.shape, self.key, self.steps = shape, key, steps
        self.full = self.handed = None

    def grad(self, index, g):
        if index == len(self.steps) - 1:
            data = g._data
            self.full = g._xp.zeros(self.shape, data.dtype)
            _np_put(self.full, self.key, data, g._xp, accumulate=True)
        elif self.full is None or g is not self.handed:
            self.full = self.handed = None
            return None
        view = self.full
        for _, step in self.steps[:index]:
            view = view[_view_key(step)]
        if index:
            self.handed = Tensor._make(view, g._device)
            return self.handed
        self.full = self.handed = None       # (the first step's gradient: the array itself, nothing kept)
        return Tensor._make(view, g._device)


class BasicIndex(_IndexBase):
    node_name = 'SliceBackward0'
    saved_attrs = {k: _sa.indexing_step(k) for k in ('dim', 'end', 'self_sym_sizes', 'start', 'step')}  # grad_fn._saved_*
    _profile_name = 'aten::slice'     # (PyTorch records one per sliced dimension; ember's one view is one event)
    _view = True


class SelectIndex(BasicIndex):
    node_name = 'SelectBackward0'
    saved_attrs = {k: _sa.indexing_step(k) for k in ('dim', 'index', 'self_sym_sizes')}  # grad_fn._saved_*
    _profile_name = 'aten::select'


class UnsqueezeIndex(BasicIndex):
    _profile_name = 'aten::unsqueeze'
    node_name = 'UnsqueezeBackward0'
    saved_attrs = {'dim': _sa.indexing_step('dim')}  # grad_fn._saved_*, read lazily


class AliasIndex(BasicIndex):
    node_name = 'AliasBackward0'
    _profile_name = 'aten::alias'


def _basic_node(basic, shape):
    """The view class PyTorch's last indexing step would name: it applies a key element by element
    and skips slices that cover their whole dim, so ``x[:, 2]`` ends in a select, ``x[1, None]`` in
    an unsqueeze, ``x[:]`` is a slice and ``x[...]`` an alias."""
    n_dims = sum(1 for b in basic if b is not None and b is not Ellipsis)
    dim, last = 0, None
    for b in basic:
        if b is Ellipsis:
            dim += len(shape) - n_dims
        elif b is None:
            last = UnsqueezeIndex
        elif isinstance(b, slice):
            if b.indices(shape[dim]) != (0, shape[dim], 1):
                last = BasicIndex
            dim += 1
        else:
            last = SelectIndex
            dim += 1
    if last is None:
        return BasicIndex if any(isinstance(b, slice) for b in basic) else AliasIndex
    return last


class AdvancedIndex(_IndexBase):
    _profile_name = 'aten::index'
    node_name = 'IndexBackward0'
    saved_attrs = {'indices': _sa.advanced_indices, 'self_sym_sizes': _sa.field('in_shape')}  # grad_fn._saved_*


class IndexAddInto(Primitive):
    """zeros(shape) with ``g`` added at ``key`` (duplicates accumulate): getitem's backward."""
    node_name = 'IndexPutBackward0'

    @staticmethod
    def forward(ctx, g, shape, key):
        ctx.key = key
        out = ctx.xp.zeros(shape, g.dtype)
        _np_put(out, key, g, ctx.xp, accumulate=True)
        return out

    @staticmethod
    def backward(ctx, gg):
        return _getitem_key(gg, ctx.key), None, None


def _basic_steps(basic, shape, bare_slice):
    """PyTorch's indexing steps for a parsed basic key on ``shape``, in the key's order: (view class, the step's
    key on the tensor the steps before made) each. A slice over its whole dim is skipped unless it is the key
    itself (``x[:]``), and a key of no step is an alias, as PyTorch's indexing does."""
    n_dims = sum(1 for b in basic if b is not None and b is not Ellipsis)
    steps = []
    dim = src = 0       # the dim in the tensor the steps made so far, and in ``shape``
    for b in basic:
        if b is Ellipsis:
            span = len(shape) - n_dims
            dim += span
            src += span
        elif b is None:
            steps.append((UnsqueezeIndex, (slice(None),) * dim + (None,)))
            dim += 1
        elif b.__class__ is slice:
            if bare_slice or b.indices(shape[src]) != (0, shape[src], 1):
                steps.append((BasicIndex, (slice(None),) * dim + (b,)))
            dim += 1
            src += 1
        else:
            steps.append((SelectIndex, (slice(None),) * dim + (b,)))
            src += 1
    return steps or [(AliasIndex, ())]


def _recorded_steps(t, basic, steps):
    """``t[basic]`` recorded as ``steps``' nodes. On a plain tensor with no op observer the view is taken once, by
    the last step's class with the whole key, and the earlier steps' nodes are made without running them
    (``record_node``: each keeps the key and shape its backward reads); the last node then takes its own step's
    key and input. Each further step would otherwise cost a whole ``apply``."""
    if len(steps) == 1 or t.__class__ is not Tensor or _function._op_hooks:
        for cls, step in steps:
            t = cls.apply(t, (step, None))
        return t
    data = t._data
    grads = _StepsGrad(data.shape, (basic, None), steps)
    edge = input_of(t)
    view = data
    for index, (cls, step) in enumerate(steps[:-1]):
        node = record_node(cls, 2, [edge], key=(step, None), in_shape=view.shape, steps=grads, step_index=index)
        view = view[_view_key(step)]
        edge = (node, 0), (view.shape, data.dtype, t._device)
    cls, step = steps[-1]
    result = cls.apply(t, (basic, None))
    node = result._grad_fn
    node.key, node.in_shape, node.steps, node.step_index = (step, None), view.shape, grads, len(steps) - 1
    node.next_functions, node._input_meta = (edge[0],), [edge[1]]
    return result


def _getitem_key(t, key, bare_slice=False):
    basic, adv = key
    if basic is not None:
        if t._requires_grad and grad_mode._state.enabled:
            # recorded: one node per step, as PyTorch's graph (x[0, 1] is SelectBackward0 over SelectBackward0)
            shape = t._data.shape if t.__class__ is Tensor else tuple(t.shape)     # (a subclass's own shape)
            t = _recorded_steps(t, basic, _basic_steps(basic, shape, bare_slice))
        else:       # (unrecorded: the same view at once)
            t = _basic_node(basic, t.shape).apply(t, (basic, None))
    if adv is not None:
        t = AdvancedIndex.apply(t, (None, adv))
    return t


def getitem(input, key):
    """``self[key]``: basic indexing (ints, slices, ``None``, ``...``) gives a view; indexing with tensors,
    lists or boolean masks gives a copy, as in NumPy and PyTorch.

    Example::

        >>> x = ember.arange(12).reshape(3, 4)
        >>> x[1]
        tensor([4, 5, 6, 7])
        >>> x[:, 1:3]
        tensor([[ 1,  2],
                [ 5,  6],
                [ 9, 10]])
        >>> x[x > 8]
        tensor([ 9, 10, 11])
        >>> x[[0, 2], -1]
        tensor([ 3, 11])
    """
    if input.__class__ is Tensor:
        r = _unrecorded_basic_view(input, key)
        if r is not None:
            return r
    vmapping = sys.modules.get('ember.func._batched_tensor')
    if vmapping is not None and vmapping._LEVELS:
        from ember.func import _index_rules     # index tensors batched by vmap: each element its own indices
        if _index_rules.has_batched(key):
            return _index_rules.getitem(input, key)
    return _getitem_key(input, _parse_key(key, input.shape, input._xp), key.__class__ is slice)


def _unrecorded_basic_view(input, key):
    """``input[key]`` for a key of ints and slices (steps positive or absent) that the input's dims hold,
    when nothing is recorded (see ``unrecorded_view``): the view ``_getitem_key`` makes, without parsing the
    key item by item. None for any other key or call."""
    shape = input._data.shape
    basic = _plain_basic(key, shape)
    if basic is None:
        return None
    kind = key.__class__
    cls = SelectIndex if kind is int else BasicIndex if kind is slice else _basic_node(key, shape)
    return unrecorded_view(cls, input, _basic_get, (basic, None))


def _plain_basic(key, shape):
    """``key`` as a parsed basic key (a tuple) when it is an int in range, a slice with a positive or absent step,
    or a tuple of those that ``shape``'s dims hold (what ``_parse_key`` would return for it); else None."""
    kind = key.__class__
    if kind is int:
        return (key,) if shape and -shape[0] <= key < shape[0] else None
    if kind is slice:
        return (key,) if shape and _plain_slice(key) else None
    if kind is not tuple or len(key) > len(shape):
        return None
    dim = 0
    for k in key:
        if k.__class__ is int:
            if not -shape[dim] <= k < shape[dim]:
                return None
        elif k.__class__ is not slice or not _plain_slice(k):
            return None
        dim += 1
    return key


def _plain_slice(k):
    """A slice of ints or Nones whose step is positive or absent (others take the general path)."""
    start, stop, step = k.start, k.stop, k.step
    return (step is None or step.__class__ is int and step > 0) and (start is None or start.__class__ is int) \
        and (stop is None or stop.__class__ is int)


def _basic_get(x, key):
    """The view of array ``x`` at a parsed key's basic part (``_IndexBase.forward``'s, for such keys)."""
    return x[_view_key(key[0])]


class IndexPut(Primitive):
    """out-of-place ``x[key] = value``: the recorded form of setitem with an advanced key."""
    node_name = 'IndexPutBackward0'
    _scalar_edges = True     # a number written shows as PyTorch's (None, 0) edge
    saved_attrs = {'accumulate': _sa.field('accumulate'), 'indices': _sa.advanced_indices}  # read lazily

    @staticmethod
    def forward(ctx, x, value, key, accumulate=False):
        ctx.key = key
        ctx.value_shape = getattr(value, 'shape', ())
        ctx.accumulate = accumulate
        out = x.copy()
        _checked_put(out, key, value, ctx.xp, accumulate)
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


def _checked_put(out, key, value, xp, accumulate=False):
    """_np_put with PyTorch's error when ``value`` does not broadcast to the indexed region."""
    target = tuple(_np_get(out, key, xp).shape)
    vshape = tuple(getattr(value, 'shape', ()))
    core = vshape
    while core and core[0] == 1:  # PyTorch drops a value's leading 1s before broadcasting
        core = core[1:]
    try:
        ok = np.broadcast_shapes(core, target) == target
    except ValueError:
        ok = False
    if not ok:
        lead = len(target) - len(core)
        if key[1] is None and lead < 0:
            from ember._dtype import from_numpy_dtype
            raise RuntimeError(f"expand(ember.{from_numpy_dtype(value.dtype)._legacy}{{{list(core)}}}, size="
                               f"{list(target)}): the number of sizes provided ({len(target)}) must be greater or "
                               f"equal to the number of dimensions in the tensor ({len(core)})")
        if key[1] is None:  # a basic region is a view: PyTorch copies with expand's message
            for i in range(len(core) - 1, -1, -1):
                if core[i] != target[lead + i] and core[i] != 1:
                    raise RuntimeError(f"The expanded size of the tensor ({target[lead + i]}) must match the "
                                       f"existing size ({core[i]}) at non-singleton dimension {lead + i}.  Target "
                                       f"sizes: {list(target)}.  Tensor sizes: {list(core)}")
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(vshape)} cannot be broadcast to indexing "
                           f"result of shape {list(target)}")
    if core != vshape:
        value = value.reshape(core)
    _np_put(out, key, value, xp, accumulate)


def setitem(input, key, value):
    """``self[key] = value``: writes ``value`` (a tensor or a number, broadcast to the indexed shape) into the
    indexed elements, in place.

    Example::

        >>> x = ember.zeros(2, 3)
        >>> x[0] = 1
        >>> x[:, -1] = ember.tensor([5., 6.])
        >>> x[x == 0] = -1
        >>> x
        tensor([[ 1.,  1.,  5.],
                [-1., -1.,  6.]])
    """
    basic = _plain_basic(key, input._data.shape)
    if basic is not None and input.__class__ is Tensor and _assigned_unrecorded(input, key, value):
        return
    from ember.ops.inplace import apply_inplace
    k = (basic, None) if basic is not None else _parse_key(key, input.shape, input._xp)
    if k[1] is not None and input.dtype in BAREBONES:   # PyTorch's index_put kernel refuses them
        raise NotImplementedError(f'"index_put" not implemented for \'{input.dtype._legacy[:-6]}\'')
    recording = grad_mode._state.enabled and (input._requires_grad or getattr(value, '_requires_grad', False))
    if k[1] is None and recording and input._grad_fn is None and input._requires_grad:
        if input._no_grad_view is not None:     # (a view made without recording)
            from ember.autograd import _no_grad_views
            _refuse_assignment(input, key, k[0], lambda t: _no_grad_views.message(
                t, input._no_grad_view.mode, indirect=False))
        # PyTorch indexes first (a view of the leaf), then copies into it; a key selecting all of it, the leaf
        raise RuntimeError(("a leaf Variable" if _basic_assign.selects_whole(k[0], input.shape) else
                            "a view of a leaf Variable") + " that requires grad is being used in an in-place "
                           "operation.")
    if value.__class__ in _CONVERTED_NUMBERS and input._data.dtype.num <= 255:
        value = _number_for(value, input.dtype)
    if isinstance(value, Tensor) and value._device != input._device:
        if k[1] is None or not value.ndim:
            # a view is written (PyTorch copies into it, copy_, from any device), or a 0-dim value, which
            # PyTorch takes from any device: brought to the input's device, the arrays then meet
            value = value.to(input._device)
        else:
            raise RuntimeError("Expected all tensors to be on the same device, but found at least two devices, "
                               f"{input.device} and {value.device}!")

    if isinstance(value, Tensor):
        _refuse_overlapping_value(input, k, value)

    def compute(x, v):
        return IndexPut.apply(x, v, k)
    data = input._data
    if k[1] is None and not getattr(data.flags, 'writeable', True):
        return _setitem_into_expanded(input, data, k, compute, value)
    fast = _fast_setitem(k)
    if recording and k[1] is None:
        basic = k[0]
        if input._requires_grad and isinstance(input._view_fn, (MultiOutputView, ViewOfMultiOutput)):
            from ember.ops.inplace import _multi_output_message
            _refuse_assignment(input, key, basic, lambda t: _multi_output_message(t, "is being"))
        return apply_inplace(input, compute, value, fast=fast, record=lambda t, v: _record_basic(t, basic, v, fast))
    return apply_inplace(input, compute, value, fast=fast)


def _refuse_assignment(input, key, basic, text_for):
    """Refuse a recorded ``input[key] = value`` into a view PyTorch may not write with grad mode on: PyTorch
    indexes ``input`` first (with grad mode on, so the indexed view inherits the refusal) and writes into that
    view, or into ``input`` itself when the key selects all of it; ``text_for(target)`` is the refusal."""
    target = input if _basic_assign.selects_whole(basic, input.shape) else input[key]
    raise RuntimeError(text_for(target))


_CONVERTED_NUMBERS = frozenset((int, float, complex))
_INT_BOUNDS = {}    # an integer NumPy dtype's (min, max), as Python ints


def _number_for(value, dtype):
    """A Python number assigned into a tensor of ``dtype``, converted as PyTorch converts it: integers and floats
    out of the type's range refused, negative integers wrapped into an unsigned type down to minus its maximum,
    a complex number's imaginary part refused."""
    np_dtype = dtype.np_dtype
    kind = value.__class__
    if np_dtype.kind == 'f':      # (the common cases first: nothing to convert)
        if kind is float and (np_dtype.itemsize != 4 or -3.4e38 < value < 3.4e38) or \
                kind is int and -0x8000000000000000 <= value <= 0x7fffffffffffffff:
            return value
    elif kind is int and np_dtype.kind in 'iu':
        bounds = _INT_BOUNDS.get(np_dtype)
        if bounds is None:
            info = np.iinfo(np_dtype)
            bounds = _INT_BOUNDS[np_dtype] = (int(info.min), int(info.max))
        if bounds[0] <= value <= bounds[1]:
            return value
    if kind is int and not -0x8000000000000000 <= value <= 0x7fffffffffffffff:
        raise ValueError("Overflow when unpacking long long")
    from ember.ops.creation import _checked_fill
    return _checked_fill(value, dtype)


def _assigned_unrecorded(input, key, value):
    """``input[key] = value`` written straight into the array for a key of ints (in range) and slices (steps
    positive or absent) that the input's dims hold (the caller checked: ``_plain_basic``) and a number or a CPU
    tensor of ordinary dtype, when nothing is recorded or watched: True when done; False for any other call, or
    where NumPy refuses the write (nothing written: the general path then raises PyTorch's error). The general
    path would check the value's shape and convert it first: most of a small tensor's assignment."""
    data = input._data
    if _observe.inplace_hooks or input._device is not _CPU or data.dtype.num > 255 or input._inference:
        return False
    kind = value.__class__
    if kind is Tensor:
        if value._device is not _CPU or value._data.dtype.num > 255:
            return False
        if grad_mode._state.enabled and (input._requires_grad or value._requires_grad):
            return False
        new = value._data
        if (new.base is not None or data.base is not None) and new.ndim and backend.memory_overlap(
                data[(key if key.__class__ is tuple else (key,)) + (Ellipsis,)], new) == 2:
            return False     # (a value partly overlapping the region: the general path raises PyTorch's error)
    elif kind is float or kind is int or kind is bool:
        if input._requires_grad and grad_mode._state.enabled:
            return False
        if kind is float and (data.dtype.kind in 'iu' or data.dtype.itemsize < 8 and not -65504. <= value <= 65504.):
            return False     # (PyTorch's conversion checks the range, and NumPy may warn: the general path)
        new = value
    else:
        return False
    quiet = _fp_enter()      # (PyTorch converts a float64 value beyond float32's range to inf without a warning)
    try:
        data[key] = new
    except Exception:        # (a shape that does not broadcast, read-only memory, a number out of range, ...)
        return False
    finally:
        _fp_leave(quiet)
    input._version_counter.value += 1
    return True


def _record_basic(t, basic, value, write):
    """A recorded ``t[basic] = value``: the value written into the indexed region, and the write recorded with
    PyTorch's nodes (see _basic_assign). ``write(t, value)``: the checked write, for values that broadcast or
    convert (and raise PyTorch's errors)."""
    data = t._data
    region = data[_view_key(basic)]
    if data.dtype.num <= 255:
        quiet = _fp_enter()
        try:
            region[...] = value._data if isinstance(value, Tensor) else value
        except Exception:        # (NumPy checks before it writes) the checked write raises PyTorch's error
            write(t, value)
        finally:
            _fp_leave(quiet)
    else:
        write(t, value)          # (bfloat16 and float8: PyTorch's conversions)
    shape = data.shape
    whole = _basic_assign.selects_whole(basic, shape)
    _basic_assign.record(t, basic, None if whole else _basic_node(basic, shape), value, region.shape, whole)


def _refuse_overlapping_value(input, k, value):
    """PyTorch's overlap refusals for ``input[key] = value``: a basic key copies into the region (a value partly
    overlapping it refused; a 0-dim value fills, unchecked), an advanced key is index_put_ (any memory shared
    with the input refused)."""
    from ember.ops.inplace import refuse_overlap
    if k[1] is not None:
        refuse_overlap(input, value, whole=True)
    elif value.dim():
        refuse_overlap(input, value, region=_view_key(k[0]))


def _setitem_into_expanded(input, data, k, compute, value):
    """``expanded[key] = value`` as PyTorch: allowed when the indexed elements do not share memory (one
    element, one row)."""
    from ember.ops.inplace import apply_inplace, has_internal_overlap, run_with_expanded_memory_writable

    def put():
        return apply_inplace(input, compute, value, fast=_fast_setitem(k))
    if has_internal_overlap(data[k[0]]):
        return put()   # PyTorch's overlap error
    if getattr(value, '_requires_grad', False) and grad_mode._state.enabled:
        from ember.ops.inplace import refuse_recorded_write_into_expanded
        refuse_recorded_write_into_expanded()
    return run_with_expanded_memory_writable(input, put)


def _fast_setitem(k):
    def fast(x, v):
        data = v._data if isinstance(v, Tensor) else v
        if x._data.dtype.num > 255 and getattr(data, 'dtype', None) != x._data.dtype \
                and isinstance(x._data, np.ndarray):
            data = _as_ml_dtype(data, x._data.dtype)
        quiet = _fp_enter()      # (a value beyond the type's range becomes inf, without NumPy's warning)
        try:
            _checked_put(x._data, k, data, x._xp)
        finally:
            _fp_leave(quiet)
    return fast


def _as_ml_dtype(data, np_dtype):
    """A value written into a float8 or bfloat16 tensor, converted as PyTorch converts it: a number through
    float32 (beyond its range: infinity, no error), then with PyTorch's float8 saturation and NaN bits."""
    from ember.ops import _float8
    if isinstance(data, (bool, int, float)):
        with np.errstate(over='ignore'):
            data = np.array(data, dtype=np.float32)
    return _float8.astype(data, np_dtype) if hasattr(data, 'dtype') else data


@op('ember', 'Tensor', inplace=('Tensor', 'ember'))
def index_put(input, indices, values, accumulate=False):
    """Out-of-place version of :meth:`Tensor.index_put_`: a copy of ``input`` where the positions selected by the
    tuple of index tensors ``indices`` receive ``values`` (``out[indices] = values``), or accumulate them with
    ``accumulate=True`` (repeated positions then add up).

    Args:
        input (Tensor): the input tensor.
        indices (tuple of LongTensor): tensors used to index into ``input``.
        values (Tensor): tensor of the same dtype as ``input``, broadcast to the indexed shape.
        accumulate (bool): whether to add to ``input`` instead of writing. Default: ``False``.

    Example::

        >>> x = ember.zeros(3)
        >>> ember.index_put(x, (ember.tensor([0, 2]),), ember.tensor([1., 5.]))
        tensor([1., 0., 5.])
        >>> ember.index_put(x, (ember.tensor([0, 0, 2]),), ember.tensor([1., 1., 5.]), accumulate=True)
        tensor([2., 0., 5.])
    """
    k = _parse_key(tuple(indices), input.shape, input._xp)
    return IndexPut.apply(input, values, k, accumulate=accumulate)


# ---------------------------------------------------------------------- where
class Where(Primitive):
    node_name = 'WhereBackward0'
    _nondiff_args = (0,)   # no next_functions edge for these (as PyTorch's node)
    _scalar_edges = True   # a number operand shows as (None, 0), as PyTorch's wrapped scalar does
    saved_attrs = {'condition': _sa.saved(0)}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, cond, x, y, dt):
        xp = ctx.xp
        ctx.save_for_backward(cond)
        xa = x.astype(dt, copy=False) if hasattr(x, 'astype') else x
        ya = y.astype(dt, copy=False) if hasattr(y, 'astype') else y
        try:
            return xp.where(cond, xa, ya).astype(dt, copy=False)
        except ValueError:
            raise _first_clash(cond.shape, getattr(x, 'shape', ()), getattr(y, 'shape', ())) from None

    @staticmethod
    def backward(ctx, g):
        cond, = ctx.saved_tensors
        gx = where(cond, g, 0.0) if ctx.needs_input_grad[1] else None
        gy = where(cond, 0.0, g) if ctx.needs_input_grad[2] else None
        return None, gx, gy, None


_NOT_WHERE_VALUES = _argparse.NOT_OPERANDS | {type(None), type(NOT_GIVEN)}


@op('ember')
def where(condition, input=NOT_GIVEN, other=NOT_GIVEN, *, out=None):
    """Elements of ``input`` where ``condition`` holds, else of ``other`` (all three broadcast
    together). With ``condition`` alone, the indices where it holds (``nonzero(as_tuple=True)``).

    Args:
        condition (BoolTensor): where to take ``input``.
        input (Tensor or Number): the values where ``condition`` is True.
        other (Tensor or Number): the values where it is False.
        out (Tensor, optional): the output tensor.

    Example::

        >>> x = ember.tensor([-1., 2., -3.])
        >>> ember.where(x > 0, x, 0.)
        tensor([0., 2., 0.])
        >>> ember.where(x > 0)
        (tensor([1]),)
    """
    if type(input) in _NOT_WHERE_VALUES or type(other) in _NOT_WHERE_VALUES:
        if input is NOT_GIVEN and other is NOT_GIVEN:
            _result = nonzero(condition, as_tuple=True)
            return _result if out is None else write_out('where', _result, out)
        # one of the two values left out, or None (which would become NaN), or a list (which NumPy
        # would read as an array): PyTorch's parser refuses them
        _argparse.refuse_from_stack()
    try:
        cdt = condition.dtype
    except AttributeError:      # not a tensor: PyTorch's argument error for the op called
        _argparse.refuse_from_stack()
        raise
    if cdt is not bool_:
        if condition.dtype.name == 'uint8':
            from ember._warn_once import warn_once_at_user
            warn_once_at_user("where received a uint8 condition tensor. This behavior is deprecated and will be "
                              "removed in a future version of PyTorch. Use a boolean condition instead.")
            condition = condition.bool()
        else:
            raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype "
                               f"{_name(condition.dtype)}")
    dt = result_type(input, other)
    _result = Where.apply(condition, input, other, dt.np_dtype)
    return _result if out is None else write_out('where', _result, out)


def _name(d):
    from ember._tensor import _scalar_type_name
    return _scalar_type_name(d)


def _first_clash(*shapes):
    """PyTorch's broadcast error for the first operand that does not broadcast with those before it."""
    for i in range(1, len(shapes)):
        try:
            np.broadcast_shapes(*shapes[:i + 1])
        except ValueError:
            return broadcast_error(np.broadcast_shapes(*shapes[:i]), shapes[i])
    return broadcast_error(shapes[0], shapes[-1])


# ------------------------------------------------------------- gather/scatter
def _check_index(index, name):
    if index.dtype.name not in ('int32', 'int64'):
        raise RuntimeError(f"{name}(): Expected dtype int32/int64 for index")


def _check_bounds(index, dim, size):
    """Index values must lie in [0, size): PyTorch does not wrap negative indices here."""
    data = index._data
    if data.size:
        lo, hi = int(data.min()), int(data.max())
        if lo < 0 or hi >= size:
            flat = data.reshape(-1)
            bad = int(flat[((flat < 0) | (flat >= size)).argmax()])
            raise RuntimeError(f"index {bad} is out of bounds for dimension {dim} with size {size}")


def _check_gather_scatter(name, input, dim, index, src=None):
    """PyTorch's shape rules: index has input's ndim and is no larger than input (and src) outside ``dim``."""
    if index.ndim != input.ndim and not (index.ndim <= 1 and input.ndim <= 1):
        # PyTorch names the tensor after the argument: gather's ``input``, scatter's ``self``
        which = 'input' if name == 'gather' else 'self'
        raise RuntimeError(f"Index tensor must have the same number of dimensions as {which} tensor")
    for d in range(index.ndim):
        if d == dim:
            continue
        if index.shape[d] > input.shape[d]:
            if src is None:
                raise RuntimeError(f"Size does not match at dimension {d} expected index {list(index.shape)} to be "
                                   f"no larger than self {list(input.shape)} apart from dimension {dim}")
            break
        if isinstance(src, Tensor) and index.shape[d] > src.shape[d]:
            break
    else:
        if not isinstance(src, Tensor) or all(i <= s for i, s in zip(index.shape, src.shape)):
            return
    if src is not None:
        raise RuntimeError(f"Expected index {list(index.shape)} to be no larger than self {list(input.shape)} apart "
                           f"from dimension {dim} and to be no larger size than src {list(src.shape)}")


class Gather(Primitive):
    node_name = 'GatherBackward0'
    _nondiff_args = (2,)   # no next_functions edge for these (as PyTorch's node)
    saved_attrs = {'dim': _sa.item('args', 1, _sa.as_int64), 'index': _sa.saved(0), 'self': _sa.saved(1),
                   'sparse_grad': _sa.const(False)}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, x, dim, index):
        ctx.args = (x.shape, dim)
        ctx.save_for_backward(index, x)     # (x for grad_fn._saved_self only, as PyTorch keeps it)
        if index.ndim == 0 or x.ndim == 0:    # 0-d tensors index as one-element vectors, as in PyTorch
            return x.reshape(-1)[index.reshape(-1)].reshape(index.shape).copy()
        try:
            out = ctx.xp.take_along_axis(x, index, axis=dim) if index.shape[:dim] == x.shape[:dim] and \
                index.shape[dim + 1:] == x.shape[dim + 1:] else _gather_small(ctx.xp, x, dim, index)
            return ctx.xp.ascontiguousarray(out)   # contiguous, as PyTorch's
        except IndexError:
            bad = int(index.max())
            raise RuntimeError(f"index {bad} is out of bounds for dimension {dim} with size {x.shape[dim]}") from None

    @staticmethod
    def backward(ctx, g):
        shape, dim = ctx.args
        index = ctx.saved_tensors[0]
        from ember.ops.creation import zeros
        return scatter_add(zeros(*shape, dtype=g.dtype, device=g.device), dim, index, g), None, None


class _TakeAlong(Primitive):
    """Values picked along ``dim`` by a full-size index, reshaped to ``shape`` (from the flattened
    input when ``flat``): the one node of sort, topk, median... named after the op, as in PyTorch."""
    _nondiff_args = (2,)   # the index: no edge, as PyTorch's node

    @staticmethod
    def forward(ctx, x, dim, index, shape, flat):
        ctx.args = (x.shape, dim, flat)
        ctx.out_shape = shape       # (for grad_fn._saved_indices and keepdim)
        ctx.save_for_backward(index)
        # contiguous, as PyTorch's results are (the index may be a transposed view)
        taken = ctx.xp.take_along_axis(x.reshape(-1) if flat else x, index, axis=dim)
        return ctx.xp.ascontiguousarray(taken).reshape(shape)

    @staticmethod
    def backward(ctx, g):
        shape, dim, flat = ctx.args
        index = ctx.saved_tensors[0]
        from ember.ops.creation import zeros
        src_shape = (int(np.prod(shape)),) if flat else shape
        gx = scatter_add(zeros(*src_shape, dtype=g.dtype, device=g.device), dim, index, g.reshape(index.shape))
        return gx.reshape(shape) if flat else gx, None, None, None, None


class _TakeAlongKeeping(_TakeAlong):
    """``_TakeAlong`` that also keeps its input and result, which PyTorch's node of that op keeps (cummax's,
    median's of all the elements): for ``grad_fn._saved_*``, backward needs only the index."""

    @staticmethod
    def forward(ctx, x, dim, index, shape, flat):
        out = _TakeAlong.forward(ctx, x, dim, index, shape, flat)
        ctx.save_for_backward(index, x, out)
        return out


_TAKE_ALONG = {}
# what each op's node shows as grad_fn._saved_* (PyTorch's names); ctx.args is (input shape, dim, flat)
_DIM = _sa.item('args', 1, _sa.as_int64)
_SIZES = _sa.item('args', 0, tuple)


def _indices(node):
    """The positions picked, shaped as the values (the index ember takes along has the reduced dim kept)."""
    index = node._read_saved(0)
    shape = node.out_shape
    return index if index is None or tuple(index.shape) == shape else index.reshape(shape)


_indices.saved_index = 0


def _keepdim(node):
    return len(node.out_shape) == len(node.args[0])


_TAKE_ALONG_SAVED = {
    'SortBackward0': {'dim': _DIM, 'indices': _indices, 'self_sym_sizes': _SIZES},
    'TopkBackward0': {'dim': _DIM, 'indices': _indices, 'self_sym_sizes': _SIZES},
    'KthvalueBackward0': {'dim': _DIM, 'indices': _indices, 'keepdim': _keepdim, 'self_sym_sizes': _SIZES},
    'MedianBackward1': {'dim': _DIM, 'indices': _indices, 'keepdim': _keepdim, 'self_sym_sizes': _SIZES},
    'NanmedianBackward1': {'dim': _DIM, 'indices': _indices, 'keepdim': _keepdim, 'self_sym_sizes': _SIZES},
    'CummaxBackward0': {'dim': _DIM, 'indices': _indices, 'self': _sa.saved(1)},
    'CumminBackward0': {'dim': _DIM, 'indices': _indices, 'self': _sa.saved(1)},
    'MedianBackward0': {'result': _sa.saved(2), 'self': _sa.saved(1)},
    'NanmedianBackward0': {'result': _sa.saved(2), 'self': _sa.saved(1)},
}


def take_along_named(node_name, input, dim, index, shape=None, flat=False):
    """``input``'s values at ``index`` along ``dim`` (see ``_TakeAlong``), recorded as ``node_name``."""
    cls = _TAKE_ALONG.get(node_name)
    if cls is None:
        described = _TAKE_ALONG_SAVED.get(node_name)
        base = _TakeAlongKeeping if described is not None and 'self' in described else _TakeAlong
        body = {'node_name': node_name}
        if described is not None:
            body['saved_attrs'] = described
        cls = _TAKE_ALONG[node_name] = type(node_name[:-len('Backward0')], (base,), body)
    return cls.apply(input, dim, index, tuple(index.shape) if shape is None else tuple(shape), flat)


def _gather_small(xp, x, dim, index):
    """gather where the index is smaller than the input in the other dims (allowed by PyTorch)."""
    sl = tuple(slice(0, s) if i != dim else slice(None) for i, s in enumerate(index.shape))
    return xp.take_along_axis(x[sl], index, axis=dim)


@op('ember', 'Tensor')
def gather(input, dim, index, *, sparse_grad=False, out=None):
    """Picks values along ``dim`` at the positions ``index`` gives: for a 2-D input and
    ``dim=1``, ``out[i][j] = input[i][index[i][j]]``.

    Args:
        input (Tensor): the source tensor.
        dim (int): the dimension to index along.
        index (LongTensor): the positions to pick, the same number of dimensions as ``input``.
        sparse_grad (bool): must be False (ember's gradients are dense).
        out (Tensor, optional): the output tensor.

    Example::

        >>> t = ember.tensor([[1, 2], [3, 4]])
        >>> ember.gather(t, 1, ember.tensor([[0, 0], [1, 0]]))
        tensor([[1, 1],
                [4, 3]])
    """
    if sparse_grad:
        raise RuntimeError("gather(): ember makes sparse gradients for nn.Embedding / F.embedding only, so "
                           "sparse_grad=True is not available")
    _check_index(index, 'gather')
    dim = wrap_dim(dim, input.ndim)
    _check_gather_scatter('gather', input, dim, index)
    _check_bounds(index, dim, input.shape[dim] if input.ndim else 1)
    _result = Gather.apply(input, dim, index)
    return _result if out is None else write_out('gather', _result, out)


def _scatter_indices(xp, index, dim):
    idx = list(xp.indices(index.shape, sparse=True))
    idx[dim] = index
    return tuple(idx)


class Scatter(Primitive):
    node_name = 'ScatterBackward0'
    _nondiff_args = (2,)   # no next_functions edge for these (as PyTorch's node)
    saved_attrs = {'dim': _sa.item('args', 0, _sa.as_int64), 'index': _sa.saved(0)}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, x, dim, index, src, reduce):
        ctx.args = (dim, reduce, getattr(src, 'shape', None))
        ctx.save_for_backward(index)
        xp = ctx.xp
        out = x.copy()
        # a 0-d tensor (self, index or src) takes part as a one-element vector, as in PyTorch
        target = out.reshape(1) if out.ndim == 0 else out
        index = index.reshape(1) if index.ndim == 0 else index
        key = _scatter_indices(xp, index, dim)
        if isinstance(src, (int, float, bool)):
            vals = src
        else:
            src = src.reshape(1) if src.ndim == 0 else src
            vals = src[tuple(slice(0, s) for s in index.shape)]
        if reduce is None:
            target[key] = vals
        elif reduce in ('add', 'sum'):
            backend.scatter_ufunc('add', target, key, vals)
        elif reduce == 'multiply':
            backend.scatter_ufunc('multiply', target, key, vals)
        return out

    @staticmethod
    def backward(ctx, g):
        dim, reduce, src_shape = ctx.args
        index, = ctx.saved_tensors
        if reduce is not None:  # scatter(..., reduce=) has no derivative in PyTorch either
            raise RuntimeError("derivative for aten::scatter is not implemented")
        gx = g.scatter(dim, index, 0.0)
        gsrc = None
        if len(ctx.needs_input_grad) > 3 and ctx.needs_input_grad[3]:
            gsrc = _pad_to(g.gather(dim, index), src_shape)
        return gx, None, None, gsrc, None


class ScatterValue(Scatter):
    """``scatter`` of a number (PyTorch names it apart from scattering a tensor)."""
    _profile_name = 'aten::scatter'
    node_name = 'ScatterBackward1'
    saved_attrs = Scatter.saved_attrs


def _pad_to(t, shape):
    """``t`` in the leading corner of a zero tensor of ``shape`` (src may be larger than index)."""
    from ember.ops.shape import _pad_dim
    for d, n in enumerate(shape):
        if t.shape[d] != n:
            t = _pad_dim(t, tuple(t.shape[:d]) + (n,) + tuple(t.shape[d + 1:]), d, 0)
    return t


class ScatterAdd(Scatter):
    node_name = 'ScatterAddBackward0'
    saved_attrs = {'dim': _sa.item('args', 0, _sa.as_int64), 'index': _sa.saved(0)}  # grad_fn._saved_*, read lazily

    @staticmethod
    def backward(ctx, g):
        dim, _, src_shape = ctx.args
        index, = ctx.saved_tensors
        gsrc = None
        if ctx.needs_input_grad[3]:
            gsrc = _pad_to(g.gather(dim, index), src_shape)
        return g, None, None, gsrc, None


def _check_scatter(name, input, dim, index, src):
    _check_index(index, 'scatter')
    dim = wrap_dim(dim, input.ndim)
    if isinstance(src, Tensor) and src.dtype is not input.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    _check_gather_scatter(name, input, dim, index, src if isinstance(src, Tensor) else None)
    _check_bounds(index, dim, input.shape[dim] if input.ndim else 1)
    return dim


@op('ember', 'Tensor', inplace=True)
def scatter(input, dim, index, src=None, *, value=None, reduce=None, out=None):
    """Out-of-place :meth:`Tensor.scatter_`: a copy of ``input`` where, along ``dim``, the values of ``src`` (or
    the number ``value``) are written at the positions ``index``. For a 2-D tensor and ``dim=0``:
    ``out[index[i][j]][j] = src[i][j]``.

    Args:
        input (Tensor): the input tensor.
        dim (int): the axis along which to index.
        index (LongTensor): the indices of elements to scatter; it may be smaller than ``src`` but has as many
            dimensions.
        src (Tensor, optional): the source elements to scatter.

    Keyword args:
        value (Scalar, optional): the value to scatter instead of ``src``.
        reduce (str, optional): ``'add'`` or ``'multiply'`` to combine with the existing values instead of
            replacing them.
        out (Tensor, optional): the output tensor.

    Example::

        >>> src = ember.arange(1, 11).reshape((2, 5))
        >>> index = ember.tensor([[0, 1, 2, 0]])
        >>> ember.zeros(3, 5, dtype=src.dtype).scatter(0, index, src)
        tensor([[1, 0, 0, 4, 0],
                [0, 2, 0, 0, 0],
                [0, 0, 3, 0, 0]])
        >>> ember.full((2, 4), 2.).scatter(1, ember.tensor([[2], [3]]), 1.23, reduce='multiply')
        tensor([[2.0000, 2.0000, 2.4600, 2.0000],
                [2.0000, 2.0000, 2.0000, 2.4600]])
    """
    if src is None:
        src = value
    dim = _check_scatter('scatter', input, dim, index, src)
    _result = (Scatter if isinstance(src, Tensor) else ScatterValue).apply(input, dim, index, src, reduce)
    return _result if out is None else write_out('scatter', _result, out)


@op('ember', 'Tensor', inplace=True)
def scatter_add(input, dim, index, src, *, out=None):
    """Out-of-place version of :meth:`Tensor.scatter_add_`: a copy of ``input`` to which the values of ``src`` are
    added at the positions ``index`` along ``dim``; repeated positions accumulate.

    Args:
        input (Tensor): the input tensor.
        dim (int): the axis along which to index.
        index (LongTensor): the indices of elements to scatter and add; it may be smaller than ``src``.
        src (Tensor): the source elements to scatter and add.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> src = ember.ones(2, 5)
        >>> index = ember.tensor([[0, 1, 2, 0, 0]])
        >>> ember.scatter_add(ember.zeros(3, 5), 0, index, src)
        tensor([[1., 0., 0., 1., 1.],
                [0., 1., 0., 0., 0.],
                [0., 0., 1., 0., 0.]])
    """
    dim = _check_scatter('scatter_add', input, dim, index, src)
    if isinstance(input, Tensor) and input._data.dtype.num in FLOAT8_NUMS:  # PyTorch refuses float8 here
        _float8.check_kernel('scatter_gather_tensor_cpu', input._data.dtype)
    _result = ScatterAdd.apply(input, dim, index, src, 'add')
    return _result if out is None else write_out('scatter_add', _result, out)


class IndexSelect(Primitive):
    node_name = 'IndexSelectBackward0'
    _nondiff_args = (2,)   # no next_functions edge for these (as PyTorch's node)
    saved_attrs = {'dim': _sa.item('args', 1, _sa.as_int64), 'index': _sa.saved(0),
                   'self_sym_sizes': _sa.item('args', 0, tuple)}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, x, dim, index):
        ctx.args = (x.shape, dim)
        ctx.save_for_backward(index)
        if index.ndim > 1:
            raise IndexError("index_select(): Index is supposed to be a vector")
        size = x.shape[dim] if x.ndim else 1
        if index.size and (int(index.min()) < 0 or int(index.max()) >= size):
            if int(index.min()) < 0 and dim > 0:      # PyTorch's kernels differ: along dim 0 the check below
                raise RuntimeError(f"INDICES element is out of DATA bounds, id={int(index.min())} axis_dim={size}")
            raise IndexError("index out of range in self")
        # (the index is saved as given, a 0-dim one too, as PyTorch's node keeps it; it selects as a vector)
        flat = index.reshape(-1) if index.ndim == 0 else index
        if x.ndim == 0:     # a 0-d tensor: its one index (0) picks its element, the result 0-d as well
            return ctx.xp.take(x.reshape(1), flat, axis=0).reshape(())
        return ctx.xp.take(x, flat, axis=dim)

    @staticmethod
    def backward(ctx, g):
        shape, dim = ctx.args
        if not shape:       # the one element of a 0-d input was picked
            return g, None, None
        index, = ctx.saved_tensors
        from ember.ops.creation import zeros
        return index_add(zeros(*shape, dtype=g.dtype, device=g.device), dim, index.reshape(-1) if index.ndim == 0
                         else index, g), None, None


@op('ember', 'Tensor')
def index_select(input, dim, index, *, out=None):
    """Returns a new tensor of the entries of ``input`` along ``dim`` at the positions in ``index`` (a copy, unlike
    basic slicing).

    Args:
        input (Tensor): the input tensor.
        dim (int): the dimension in which we index.
        index (IntTensor or LongTensor): the 1-D tensor of indices to select.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> x = ember.tensor([[1., 2., 3.], [4., 5., 6.], [7., 8., 9.]])
        >>> indices = ember.tensor([0, 2])
        >>> ember.index_select(x, 0, indices)
        tensor([[1., 2., 3.],
                [7., 8., 9.]])
        >>> ember.index_select(x, 1, indices)
        tensor([[1., 3.],
                [4., 6.],
                [7., 9.]])
    """
    if index.dtype.name not in ('int32', 'int64'):
        raise RuntimeError("index_select(): Expected dtype int32 or int64 for index")
    dim = wrap_dim(dim, input.ndim)
    if isinstance(out, Tensor):     # (PyTorch refuses an out sharing memory with the input before resizing it)
        _refuse_overlap(out, (input, index))
    if index.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    if input.ndim == 0 and index.numel() != 1:
        raise RuntimeError(f"index_select(): Index to scalar can have only 1 value, got {index.numel()} value(s)")
    _result = IndexSelect.apply(input, dim, index)
    return _result if out is None else write_out('index_select', _result, out)


class IndexAdd(Primitive):
    node_name = 'IndexAddBackward0'
    _nondiff_args = (2,)   # no next_functions edge for these (as PyTorch's node)
    saved_attrs = {'alpha': _sa.item('args', 1), 'dim': _sa.item('args', 0, _sa.as_int64), 'index': _sa.saved(0),
                   'source': _sa.saved(1), 'source_dim': _sa.field('source_dim')}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, x, dim, index, src, alpha):
        ctx.args = (dim, alpha)
        ctx.source_dim = src.ndim
        ctx.save_for_backward(index, src)   # (src for grad_fn._saved_source only, as PyTorch keeps it)
        out = x.copy()
        key = [slice(None)] * x.ndim
        key[dim] = index
        vals = src * alpha if alpha != 1 else src
        if ctx.xp is not np or not add_by_layers(out, dim, index, vals):
            backend.scatter_ufunc('add', out, tuple(key), vals)
        return out

    @staticmethod
    def backward(ctx, g):
        dim, alpha = ctx.args
        index = ctx.saved_tensors[0]
        gs = g.index_select(dim, index) if ctx.needs_input_grad[3] else None
        if gs is not None and alpha != 1:
            gs = gs * alpha
        return g, None, None, gs, None


@op('ember', 'Tensor', inplace=True)
def index_add(input, dim, index, source, *, alpha=1, out=None):
    """Out-of-place :meth:`Tensor.index_add_`: a copy of ``input`` where ``alpha * source`` is added at the
    positions ``index`` along ``dim``; repeated indices accumulate.

    Args:
        input (Tensor): the input tensor.
        dim (int): dimension along which to index.
        index (Tensor): indices of ``source`` to select from, a 1-D int64 or int32 tensor.
        source (Tensor): the tensor containing values to add.

    Keyword args:
        alpha (Number): the scalar multiplier for ``source``. Default: ``1``.
        out (Tensor, optional): the output tensor.

    Example::

        >>> x = ember.ones(5, 3)
        >>> t = ember.tensor([[1., 2., 3.], [4., 5., 6.], [7., 8., 9.]])
        >>> ember.index_add(x, 0, ember.tensor([0, 4, 2]), t)
        tensor([[ 2.,  3.,  4.],
                [ 1.,  1.,  1.],
                [ 8.,  9., 10.],
                [ 1.,  1.,  1.],
                [ 5.,  6.,  7.]])
        >>> ember.index_add(x, 0, ember.tensor([0, 0, 2]), t, alpha=-1)
        tensor([[-4., -6., -8.],
                [ 1.,  1.,  1.],
                [-6., -7., -8.],
                [ 1.,  1.,  1.],
                [ 1.,  1.,  1.]])
    """
    dim = wrap_dim(dim, input.ndim)
    if index.dtype.name not in ('int32', 'int64'):
        raise RuntimeError(f"index_add_(): Expected dtype int32/int64 for index but got: {_name(index.dtype)}")
    if source.dtype is not input.dtype:
        raise RuntimeError(f"index_add_(): self ({_name(input.dtype)}) and source ({_name(source.dtype)}) must have "
                           "the same scalar type")
    n = index.numel()
    if source.ndim and source.shape[dim] != n:
        raise RuntimeError(f"index_add_(): Number of indices ({n}) should be equal to source.size(dim): "
                           f"({source.shape[dim]}), for dim: {dim}")
    if tuple(s for i, s in enumerate(source.shape) if i != dim) != tuple(s for i, s in enumerate(input.shape)
                                                                        if i != dim):
        raise RuntimeError("source tensor shape must match self tensor shape, excluding the specified dimension. "
                           f"Got self.shape = {list(input.shape)} source.shape = {list(source.shape)}")
    _check_bounds(index, dim, input.shape[dim] if input.ndim else 1)
    _result = IndexAdd.apply(input, dim, index if index.ndim == 1 else index.reshape(-1), source, alpha)
    return _result if out is None else write_out('index_add', _result, out)


@op('ember', 'Tensor', inplace=True)
def index_fill(input, dim, index, value):
    """Out-of-place :meth:`Tensor.index_fill_`: a copy of ``input`` with the positions ``index`` along ``dim`` set
    to ``value``.

    Args:
        input (Tensor): the input tensor.
        dim (int): dimension along which to index.
        index (LongTensor): indices of ``input`` to fill in.
        value (float or 0-D Tensor): the value to fill with.

    Example::

        >>> x = ember.tensor([[1., 2., 3.], [4., 5., 6.], [7., 8., 9.]])
        >>> x.index_fill(1, ember.tensor([0, 2]), -1)
        tensor([[-1.,  2., -1.],
                [-1.,  5., -1.],
                [-1.,  8., -1.]])
    """
    given = dim
    dim = wrap_dim(dim, input.ndim)
    if isinstance(input, Tensor) and input._data.dtype.num in FLOAT8_NUMS:  # PyTorch refuses float8 here
        _float8.check_kernel('index_fill_cpu', input._data.dtype)
    if index.dtype is not int64:
        raise IndexError("index_fill_(): Expected dtype int64 for index.")
    from ember.ops import _one_node
    node = IndexFillByTensor if isinstance(value, Tensor) else IndexFillByNumber
    return _one_node.one_node(node, lambda x, v, i: _index_fill_value(x, dim, i, v), (input, value, index), given)


def _index_fill_value(input, dim, index, value):
    key = (slice(None),) * dim + (index.reshape(-1) if index.ndim == 0 else index,)
    return IndexPut.apply(input, value, _parse_key(key, input.shape, input._xp))


class IndexFillByNumber(Primitive):
    """``index_fill``'s one node, as PyTorch's: the input's gradient is ``grad`` with the filled positions
    zeroed; a tensor ``value`` (:class:`IndexFillByTensor`) gets the sum of ``grad`` at the distinct filled
    positions."""
    node_name = 'IndexFillBackward0'
    _nondiff_args = (2,)   # no next_functions edge for these (as PyTorch's node)
    saved_names = ('index',)
    saved_attrs = {'dim': _sa.field('dim', _sa.as_int64), 'index': _sa.saved(0)}

    @staticmethod
    def forward(ctx, input, value, index, dim, result):
        ctx.dim = dim
        ctx.save_for_backward(index)
        return result

    @staticmethod
    def backward(ctx, g):
        index, = ctx.saved_tensors
        flat = index.reshape(-1)
        gi = g.index_fill(ctx.dim, flat, 0) if ctx.needs_input_grad[0] else None
        gv = None
        if ctx.needs_input_grad[1]:
            gv = (g.index_select(ctx.dim, flat.unique()) if g.ndim else g).sum()
        return gi, gv, None, None, None


class IndexFillByTensor(IndexFillByNumber):
    node_name = 'IndexFillBackward1'
    saved_names = IndexFillByNumber.saved_names
    saved_attrs = IndexFillByNumber.saved_attrs


@op('ember', 'Tensor')
def take(input, index, *, out=None):
    """Returns a new tensor of the elements of ``input`` at the given flat indices: ``input`` is treated as if it
    were viewed as a 1-D tensor, and the result has the shape of ``index``.

    Args:
        input (Tensor): the input tensor.
        index (LongTensor): the indices into the flattened tensor.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> src = ember.tensor([[4, 3, 5], [6, 7, 8]])
        >>> ember.take(src, ember.tensor([0, 2, 5]))
        tensor([4, 5, 8])
    """
    if index.dtype is not int64:
        raise RuntimeError(f"take(): Expected a long tensor for index, but got {_name(index.dtype)}")
    n = input.numel()
    data = index._data
    if data.size and (int(data.min()) < -n or int(data.max()) >= n):
        flat = data.reshape(-1)
        bad = int(flat[((flat < -n) | (flat >= n)).argmax()])
        raise IndexError(f"out of range: tried to access index {bad} on a tensor of {n} elements.")
    from ember.ops import _one_node
    _result = _one_node.one_node(TakeNode, lambda x, i: x.reshape(-1)[i], (input, index))
    return _result if out is None else write_out('take', _result, out)


class TakeNode(Primitive):
    """``take``'s one node, as PyTorch's: the gradient adds ``grad`` into zeros at the flat indices."""
    node_name = 'TakeBackward0'
    _nondiff_args = (1,)   # no next_functions edge for these (as PyTorch's node)
    saved_names = ('self', 'index')
    saved_attrs = {'self': _sa.saved(0), 'index': _sa.saved(1)}

    @staticmethod
    def forward(ctx, input, index, result):
        ctx.save_for_backward(input, index)
        return result

    @staticmethod
    def backward(ctx, g):
        input, index = ctx.saved_tensors
        from ember.ops.creation import zeros_like
        return zeros_like(input).put(index, g, accumulate=True), None, None


class MaskedSelectNode(Primitive):
    """``masked_select``'s one node, as PyTorch's: ``grad`` scattered into zeros where the mask is set,
    summed back to the input's shape where input and mask broadcast."""
    node_name = 'MaskedSelectBackward0'
    _nondiff_args = (1,)   # no next_functions edge for these (as PyTorch's node)
    saved_names = ('self', 'mask')
    saved_attrs = {'self': _sa.saved(0), 'mask': _sa.saved(1)}

    @staticmethod
    def forward(ctx, input, mask, result):
        ctx.save_for_backward(input, mask)
        return result

    @staticmethod
    def backward(ctx, g):
        input, mask = ctx.saved_tensors
        from ember.ops.shape import broadcast_shapes
        if input.shape == mask.shape:      # (nothing broadcast: no expand or sum to record)
            return g.new_zeros(input.shape).masked_scatter(mask, g), None, None
        shape = broadcast_shapes(input.shape, mask.shape)
        zeros = g.new_zeros(shape)
        return zeros.masked_scatter(mask.expand(shape), g).sum_to_size(input.shape), None, None


@op('ember', 'Tensor')
def take_along_dim(input, indices, dim=None, *, out=None):
    """Selects values from ``input`` at the 1-D ``indices`` along ``dim`` (without ``dim``, from the flattened
    input). Functions returning indices along a dimension, like :func:`ember.argmax` and :func:`ember.argsort`,
    are made for it.

    Args:
        input (Tensor): the input tensor.
        indices (LongTensor): the indices into ``input``, broadcast against it.
        dim (int, optional): dimension to select along. Default: the flattened input.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> t = ember.tensor([[10, 30, 20], [60, 40, 50]])
        >>> max_idx = ember.argmax(t)
        >>> ember.take_along_dim(t, max_idx)
        tensor([60])
        >>> sorted_idx = ember.argsort(t, dim=1)
        >>> ember.take_along_dim(t, sorted_idx, dim=1)
        tensor([[10, 20, 30],
                [40, 50, 60]])
    """
    require_tensor_args(input, indices)
    if dim is None:
        _result = gather(input.view(-1), 0, indices.view(-1))     # (as PyTorch: GatherBackward0 over a view)
        return _result if out is None else write_out('take_along_dim', _result, out)
    _result = gather(*_take_along_operands(input, indices, dim))
    return _result if out is None else write_out('take_along_dim', _result, out)


def _take_along_operands(input, indices, dim):
    """take_along_dim's gather arguments as PyTorch makes them: the input and the indices broadcast against each
    other except along ``dim`` (the input expanded even where its shape stays: ExpandBackward0 in the graph)."""
    if indices.dtype is not int64:
        from ember._tensor import _scalar_type_name
        raise RuntimeError(f'torch.take_along_dim(): dtype of indices should be Long but got '
                           f'{_scalar_type_name(indices.dtype)}')
    if input.ndim != indices.ndim:
        raise RuntimeError(f'torch.take_along_dim(): input and indices should have the same number of dimensions, '
                           f'but got {input.ndim} dimensions for input, and {indices.ndim} dimensions for indices')
    dim = wrap_dim(dim, input.ndim)
    x_shape, i_shape = tuple(input.shape), tuple(indices.shape)
    wanted = _broadcast_pair(x_shape[:dim] + i_shape[dim:dim + 1] + x_shape[dim + 1:], i_shape)
    if wanted != i_shape:
        indices = indices.expand(wanted)
    elif input._requires_grad and grad_mode._state.enabled:
        indices = indices.view(wanted)      # (the gather's node keeps a view, as PyTorch's expand always makes one)
    wanted = _broadcast_pair(i_shape[:dim] + x_shape[dim:dim + 1] + i_shape[dim + 1:], x_shape)
    if input._requires_grad and grad_mode._state.enabled:
        if input.__class__ is Tensor and not _function._op_hooks:
            # the expand's node alone, over the broadcast view of the array (see autograd/_recorded_steps.py)
            from ember.ops.shape import Expand
            data = input._data
            if wanted == x_shape:
                view = data.view()      # (what broadcast_to gives, at a tenth of its cost)
            else:
                view = (np if input._device is _CPU else backend.get_array_module(input._device)).broadcast_to(
                    data, wanted)
            input = record_step(Expand, (input, wanted), view, in_shape=data.shape)
        else:
            input = input.expand(wanted)
    elif wanted != x_shape:
        input = input.expand(wanted)
    return input, dim, indices


def _broadcast_pair(a, b):
    if a == b:
        return a
    out = []
    for p, q in zip(a, b):
        if p != q and p != 1 and q != 1:
            raise broadcast_error(a, b)
        out.append(q if p == 1 else p)
    return tuple(out)


# ---------------------------------------------------------------------- masks
@op('ember', 'Tensor', inplace=True)
def masked_fill(input, mask, value):
    """``input`` with the elements where ``mask`` is True replaced by ``value``.

    Args:
        input (Tensor): the input tensor.
        mask (BoolTensor): where to fill, broadcastable to ``input``.
        value (Number or 0-dim Tensor): the value to fill in.

    Example::

        >>> x = ember.tensor([1., 2., 3.])
        >>> x.masked_fill(x > 1, -1.)
        tensor([ 1., -1., -1.])
    """
    if mask.dtype is not bool_:
        from ember.ops.arith import _c_name
        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype {_c_name(mask.dtype)}")
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError("masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                               f"{value.ndim} dimension(s).")
    return (MaskedFillTensor if isinstance(value, Tensor) else MaskedFill).apply(input, mask, value)


class MaskedFill(Primitive):
    node_name = 'MaskedFillBackward0'
    _nondiff_args = (1,)   # no next_functions edge for these (as PyTorch's node)
    saved_attrs = {'mask': _sa.saved(0)}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, x, mask, value):
        ctx.save_for_backward(mask)
        ctx.in_shape = x.shape
        xp = ctx.xp
        v = value.astype(x.dtype) if hasattr(value, 'astype') else value
        try:
            out = xp.where(mask, v, x)  # out of place, the result takes the broadcast shape
        except ValueError:
            raise broadcast_error(mask.shape, x.shape) from None
        out = out.astype(x.dtype, copy=False)
        # contiguous, as PyTorch's (ascontiguousarray alone would make a 0-d result 1-d)
        return out if out.flags.c_contiguous else xp.ascontiguousarray(out)

    @staticmethod
    def backward(ctx, g):
        mask, = ctx.saved_tensors
        gv = None
        if len(ctx.needs_input_grad) > 2 and ctx.needs_input_grad[2]:
            gv = where(mask, g, 0.0).sum()
        return where(mask, 0.0, g), None, gv


class MaskedFillTensor(MaskedFill):
    """``masked_fill`` with a tensor value (PyTorch names it apart from the number value)."""
    _profile_name = 'aten::masked_fill'
    node_name = 'MaskedFillBackward1'
    saved_attrs = {'mask': _sa.saved(0)}  # grad_fn._saved_*, read lazily


@op('ember', 'Tensor')
def masked_select(input, mask, *, out=None):
    """Returns a new 1-D tensor of the elements of ``input`` where the boolean ``mask`` is ``True``. ``mask`` and
    ``input`` broadcast against each other.

    Args:
        input (Tensor): the input tensor.
        mask (BoolTensor): the tensor containing the binary mask to index with.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> x = ember.tensor([[0.5, -1.0, 2.0], [3.0, -0.5, 1.0]])
        >>> ember.masked_select(x, x.ge(0.5))
        tensor([0.5000, 2.0000, 3.0000, 1.0000])
    """
    from ember.ops.shape import broadcast_tensors
    if mask.dtype is not bool_:
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    from ember.ops import _one_node
    _result = _one_node.one_node(MaskedSelectNode, lambda x, m: getitem(*reversed(broadcast_tensors(m, x))),
                                 (input, mask))
    return _result if out is None else write_out('masked_select', _result, out)


@op('ember', 'Tensor', inplace=True)
def masked_scatter(input, mask, source):
    """Out-of-place :meth:`Tensor.masked_scatter_`: a copy of ``input`` where the positions in which ``mask`` is
    ``True`` take consecutive values of ``source``.

    Args:
        input (Tensor): the input tensor.
        mask (BoolTensor): the boolean mask, broadcastable to ``input``.
        source (Tensor): the tensor to copy from; it needs at least as many elements as ``mask`` has ``True``
            values.

    Example::

        >>> self = ember.tensor([0, 0, 0, 0, 0])
        >>> mask = ember.tensor([0, 0, 0, 1, 1]).bool()
        >>> source = ember.tensor([[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]])
        >>> self.masked_scatter(mask, source)
        tensor([0, 0, 0, 0, 1])
    """
    if not isinstance(source, Tensor):      # PyTorch's argument error
        _argparse.refuse_from_stack()
        raise AttributeError(f"'{type(source).__name__}' object has no attribute 'reshape'")
    if isinstance(input, Tensor) and input._data.dtype.num in FLOAT8_NUMS:  # PyTorch refuses float8 here
        _float8.check_kernel('masked_scatter', input._data.dtype)

    from ember.ops import _one_node
    return _one_node.one_node(MaskedScatterNode, _masked_scatter_value, (input, mask, source))


def _masked_scatter_value(input, mask, source):
    from ember.ops.shape import broadcast_tensors
    x, m = broadcast_tensors(input, mask)
    n = int(m.sum().item())
    return IndexPut.apply(x.contiguous(), source.reshape(-1)[:n], (None, (m._data,)))


class MaskedScatterNode(Primitive):
    """``masked_scatter``'s one node, as PyTorch's: the input's gradient is ``grad`` zeroed where the mask
    is set; ``source``'s is ``grad`` at the set positions, in order, then zeros for the unused values."""
    node_name = 'MaskedScatterBackward0'
    _nondiff_args = (1,)   # no next_functions edge for these (as PyTorch's node)
    saved_names = ('mask',)
    saved_attrs = {'mask': _sa.saved(0), 'source_sym_sizes': _sa.field('source_shape', tuple)}

    @staticmethod
    def forward(ctx, input, mask, source, value):
        ctx.input_shape = input.shape
        ctx.source_shape = source.shape
        ctx.save_for_backward(mask)
        return value

    @staticmethod
    def backward(ctx, g):
        mask, = ctx.saved_tensors
        need = ctx.needs_input_grad
        gi = g.masked_fill(mask, 0).sum_to_size(ctx.input_shape) if need[0] else None
        gs = None
        if need[2]:
            from ember.ops.shape import cat
            picked = masked_select(g, mask)
            size = 1
            for d in ctx.source_shape:
                size *= d
            gs = cat([picked, picked.new_zeros(size - picked.shape[0])]).reshape(ctx.source_shape)
        return gi, None, gs, None


@op('ember', 'Tensor')
def nonzero(input, *, as_tuple=False, out=None):
    """Returns the indices of the nonzero elements of ``input``.

    By default, a 2-D tensor ``N x input.ndim`` with one row of indices per nonzero element. With
    ``as_tuple=True``, a tuple of ``input.ndim`` 1-D tensors, one per dimension, usable for indexing:
    ``x[x.nonzero(as_tuple=True)]`` gives the nonzero values.

    Args:
        input (Tensor): the input tensor.

    Keyword args:
        as_tuple (bool, optional): return a tuple of 1-D index tensors. Default: ``False``.
        out (LongTensor, optional): the output tensor of indices.

    Example::

        >>> ember.nonzero(ember.tensor([1, 1, 1, 0, 1]))
        tensor([[0],
                [1],
                [2],
                [4]])
        >>> ember.nonzero(ember.tensor([[0.6, 0.0], [0.0, 0.4]]))
        tensor([[0, 0],
                [1, 1]])
        >>> ember.nonzero(ember.tensor([[0.6, 0.0], [0.0, 0.4]]), as_tuple=True)
        (tensor([0, 1]), tensor([0, 1]))
    """
    xp = input._xp      # (a non-tensor gets PyTorch's error from the dtype check wrapping this op)
    # (NumPy refuses nonzero of a 0-d array: PyTorch reads one as a 1-element one for as_tuple)
    idx = xp.nonzero(input._data.reshape(1) if input.ndim == 0 else input._data)
    if as_tuple:
        _result = tuple(Tensor._make(i.astype(np.int64), input._device) for i in idx)
        return _result if out is None else write_out('nonzero', _result, out)
    if input.ndim == 0:
        _result = Tensor._make(xp.zeros((int(bool(input._data)), 0), np.int64), input._device)
        return _result if out is None else write_out('nonzero', _result, out)
    _result = Tensor._make(xp.stack(idx, axis=1).astype(np.int64), input._device)
    return _result if out is None else write_out('nonzero', _result, out)


@op('ember', 'Tensor')
def argwhere(input):
    """Returns a 2-D tensor with the index of each nonzero element of ``input``, one row per element (``N x
    input.ndim``), in row-major order. The same as ``ember.nonzero(input)``.

    Args:
        input (Tensor): the input tensor.

    Example::

        >>> ember.argwhere(ember.tensor([1, 0, 1]))
        tensor([[0],
                [2]])
        >>> ember.argwhere(ember.tensor([[1, 0, 1], [0, 1, 1]]))
        tensor([[0, 0],
                [0, 2],
                [1, 1],
                [1, 2]])
    """
    return nonzero(input)


@op('ember', 'Tensor')
def count_nonzero(input, dim=None, *, axis=NOT_GIVEN):
    """Counts the nonzero values of ``input`` (along ``dim`` when given).

    Args:
        input (Tensor): the input tensor.
        dim (int or tuple of ints, optional): the dimension(s) to count along. Default: all of them.

    Example::

        >>> x = ember.tensor([[0, 1, 7], [2, 0, 0]])
        >>> ember.count_nonzero(x)
        tensor(3)
        >>> ember.count_nonzero(x, dim=0)
        tensor([1, 1, 1])
    """
    if axis is not NOT_GIVEN:     # NumPy's name, as PyTorch's parser takes it
        dim = take('count_nonzero', 'axis', axis, dim, None)
    xp = input._xp
    data = input._data
    if data.dtype.num in FLOAT8_NUMS:   # (PyTorch compares with 0 in the dtype: float8_e8m0fnu's 0 is its least code)
        from ember.ops import _float8
        zero = _float8.from_float32(np.zeros((), np.float32), data.dtype)
        data = _float8.astype(data, np.float32) != _float8.astype(zero, np.float32)
    r = xp.count_nonzero(data, axis=dim)
    return Tensor._make(xp.asarray(r, dtype=np.int64), input._device)
