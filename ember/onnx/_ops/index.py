"""ONNX translations: indexing with ints, slices and tensors, gather and index_select."""
import numpy as np

from ._core import converts, _unsupported


def _is_index(k):
    from ember._trace import Value
    return isinstance(k, Value) or hasattr(k, 'shape')


def _dtype(k):
    return k.example._data.dtype if hasattr(k, 'example') else k.dtype


def _ndim(k):
    return len(k.shape)


@converts('IndexSelect')
def _index_select(b, c):
    x, index = c.x(0), c.x(2)
    if not c.rank(2):   # a 0-d index selects as a one-element vector (Gather would drop the dim)
        index = b.op('Reshape', [index, b.ints([1])])
    if not c.rank():    # a 0-d input: its one element, the result 0-d
        one = b.op('Gather', [b.op('Reshape', [x, b.ints([1])]), index], axis=0)
        b.op('Reshape', [one, b.ints([])], [c.out])
        return
    b.op('Gather', [x, index], [c.out], axis=int(c.args[1]))


@converts('BasicIndex', 'SelectIndex', 'UnsqueezeIndex', 'AliasIndex')
def _basic_index(b, c):
    key, advanced = c.args[1]
    if advanced is not None:
        _unsupported(c, "tensor indices")
    key = key if isinstance(key, tuple) else (key,)
    shape = c.args[0].shape
    used = sum(1 for k in key if k is not None and k is not Ellipsis)
    if Ellipsis in key:
        i = key.index(Ellipsis)
        key = key[:i] + (slice(None),) * (len(shape) - used) + key[i + 1:]
    # NOTE: the key's own numbers, not ones resolved against the traced size: ONNX's Slice counts
    # negative ends from the end and clamps large ones, as Python does, so ``x[:, 1:]`` or ``x[-1]``
    # stay right when the axis is dynamic
    end_of_axis = np.iinfo(np.int64).max
    starts, ends, axes, steps, squeeze, unsqueeze = [], [], [], [], [], []
    dim = out_dim = 0
    for k in key:
        if k is None:
            unsqueeze.append(out_dim)
            out_dim += 1
            continue
        if isinstance(k, slice):
            start, stop, step = k.start or 0, end_of_axis if k.stop is None else k.stop, k.step or 1
            if step < 0:
                _unsupported(c, "a negative step")
            if (start, stop, step) != (0, end_of_axis, 1):
                starts.append(start), ends.append(stop), axes.append(dim), steps.append(step)
            out_dim += 1
        else:
            k = int(k)
            starts.append(k), ends.append(end_of_axis if k == -1 else k + 1), axes.append(dim), steps.append(1)
            squeeze.append(dim)
        dim += 1
    x = c.x(0)
    if starts:
        x = b.op('Slice', [x, b.ints(starts), b.ints(ends), b.ints(axes), b.ints(steps)])
    if squeeze:
        x = b.op('Squeeze', [x, b.ints(squeeze)])
    if unsqueeze:
        x = b.op('Unsqueeze', [x, b.ints(unsqueeze)])
    b.op('Identity', [x], [c.out])


def _int_indices(b, c, k):
    """One advanced index as int64 index tensors, one per input dim it consumes: a boolean mask of
    n dims gives the n coordinate rows of its True elements (NonZero), in row-major order."""
    if _dtype(k) != np.bool_:
        return [c.name(k, b, np.int64)]
    if not hasattr(k, 'example'):  # a constant mask: its coordinates are constants too
        return [b.ints(row) for row in np.nonzero(k)]
    coords = b.op('NonZero', [c.name(k)])
    if _ndim(k) == 1:
        return [b.op('Squeeze', [coords, b.ints([0])])]
    rows = b.op('Split', [coords, b.ints([1] * _ndim(k))], _ndim(k), axis=0)
    return [b.op('Squeeze', [r, b.ints([0])]) for r in rows]


def _broadcast_rank(key):
    shapes = [(int(np.count_nonzero(k.example._data if hasattr(k, 'example') else k)),) if _dtype(k) == np.bool_
              else tuple(k.shape) for k in key if _is_index(k)]
    return len(np.broadcast_shapes(*shapes))


@converts('AdvancedIndex')
def _advanced_index(b, c):
    """NumPy's advanced indexing: one index tensor is a Gather along its dim; several are moved to
    the front, broadcast together and read with one GatherND; the result dims of the indices stand
    where the indices stood when they were adjacent in the key, else first (NumPy's rule)."""
    basic, key = c.args[1]
    if basic is not None:
        _unsupported(c, "a mixed basic and advanced key")
    rank = c.rank()
    dims, indices, positions = [], [], []
    dim = 0
    for pos, k in enumerate(key):
        if not _is_index(k):
            dim += 1
            continue
        for name in _int_indices(b, c, k):
            dims.append(dim)
            indices.append(name)
            dim += 1
        positions.append(pos)
    if len(indices) == 1:
        b.op('Gather', [c.x(0), indices[0]], [c.out], axis=dims[0])
        return
    rest = [d for d in range(rank) if d not in dims]
    moved = b.op('Transpose', [c.x(0)], perm=dims + rest) if dims + rest != list(range(rank)) else c.x(0)
    total = indices[0]
    for name in indices[1:]:
        total = b.op('Add', [total, name])   # only its shape is used: the indices broadcast together
    shape = b.op('Shape', [total])
    last = b.ints([-1])
    stacked = b.op('Concat', [b.op('Unsqueeze', [b.op('Expand', [i, shape]), last]) for i in indices], axis=-1)
    gathered = b.op('GatherND', [moved, stacked])
    n_b = _broadcast_rank(key)
    first = dims[0]
    adjacent = positions == list(range(positions[0], positions[0] + len(positions)))
    if adjacent and first > 0:
        perm = list(range(n_b, n_b + first)) + list(range(n_b)) + list(range(n_b + first, n_b + len(rest)))
        b.op('Transpose', [gathered], [c.out], perm=perm)
    else:
        b.op('Identity', [gathered], [c.out])


@converts('Gather')
def _gather(b, c):
    x, dim, index = c.args
    if any(i != s for d, (i, s) in enumerate(zip(index.shape, x.shape)) if d != dim):
        # PyTorch lets the index be smaller than the input in the other dims: cut the input to it
        ends = [s if d == dim else i for d, (s, i) in enumerate(zip(x.shape, index.shape))]
        data = b.op('Slice', [c.x(0), b.ints([0] * len(ends)), b.ints(ends)])
    else:
        data = c.x(0)
    b.op('GatherElements', [data, c.x(2)], [c.out], axis=int(dim))


# sort and topk record their values as one node each, named after the op (as PyTorch's grad_fns):
# the input read at the indices the recorded ArgSort gave, reshaped to the result's shape
@converts('Sort', 'Topk', 'Kthvalue')
def _take_along(b, c):
    x, dim, index, shape, flat = c.args
    data = b.op('Reshape', [c.x(0), b.ints([-1])]) if flat else c.x(0)
    if tuple(shape) == tuple(index.shape):
        b.op('GatherElements', [data, c.x(2)], [c.out], axis=int(dim))
    else:
        taken = b.op('GatherElements', [data, c.x(2)], axis=int(dim))
        b.op('Reshape', [taken, c.shape(b, 3)], [c.out])


def _is_scalar(value):
    return not hasattr(value, 'shape') or int(np.prod(value.shape)) == 1


@converts('IndexPut')
def _index_put(b, c):
    """``x[key] = value`` for a scalar value, as a Where over a mask of the written elements: a
    boolean mask of ``x``'s shape as the key, or a key of ints and slices on axes whose size is fixed
    (the mask is built for those axes and broadcast over the others)."""
    x, value, (basic, adv), accumulate = (list(c.args) + [c.node.kwargs.get('accumulate', False)])[:4]
    if accumulate or not _is_scalar(value):
        _unsupported(c, "accumulation or a value that is not one element" if accumulate else
                     "a value that is not one element (only x[key] = number is translated)")
    fill = c.x(1, b, c.dtype)
    if hasattr(value, 'shape') and value.shape:
        fill = b.op('Reshape', [fill, b.ints([])])
    if basic is None and adv is not None and len(adv) == 1 and _dtype(adv[0]) == np.bool_ \
            and tuple(adv[0].shape) == tuple(x.shape):
        b.op('Where', [c.name(adv[0], b, np.bool_), fill, c.x(0)], [c.out])
        return
    if adv is not None:
        _unsupported(c, "tensor indices (only a boolean mask of the tensor's shape is translated)")
    twin = c.dynamic.twins.get(id(x), x)
    if not int(np.prod(x.shape)):
        b.op('Identity', [c.x(0)], [c.out])
        return
    mask = np.zeros(x.shape, dtype=bool)
    mask[basic if any(k is Ellipsis for k in basic) else basic + (Ellipsis,)] = True
    # the axes the mask varies along are those the key picks from; over the others it is broadcast
    # (size 1), so that they may vary
    axes = [d for d in range(len(x.shape)) if (mask != mask.take([0], axis=d)).any()]
    if any(x.shape[d] != twin.shape[d] for d in axes):
        _unsupported(c, "a key on a dynamic axis")
    reduced = mask.all(axis=tuple(d for d in range(len(x.shape)) if d not in axes), keepdims=True)
    b.op('Where', [b.const(reduced), fill, c.x(0)], [c.out])


_SCATTER_REDUCTION = {None: 'none', 'add': 'add', 'sum': 'add', 'multiply': 'mul'}


@converts('Scatter', 'ScatterValue', 'ScatterAdd')
def _scatter(b, c):
    from ember._trace import Value
    x, dim, index, src, how = c.args
    if isinstance(src, Value):
        updates = c.x(3)
        if tuple(src.shape) != tuple(index.shape):  # PyTorch reads only src's leading corner
            updates = b.op('Slice', [updates, b.ints([0] * len(index.shape)), b.ints(list(index.shape))])
    else:  # a number written at every index
        updates = b.op('Expand', [c.x(3, b), b.op('Shape', [c.x(2)])])
    b.op('ScatterElements', [c.x(0), c.x(2), updates], [c.out], axis=int(dim),
         reduction=_SCATTER_REDUCTION[how])
