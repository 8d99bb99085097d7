"""ONNX translations: reshapes, transposes, narrowing, splitting and joining."""
import numpy as np

from ._core import converts, reduce, _onnx_type, _unsupported


@converts('View', 'UnsafeView', 'Reshape', 'ReshapeAlias')
def _reshape(b, c):
    if _flattens(c):
        b.op('Flatten', [c.x(0)], [c.out], axis=1)
    else:
        b.op('Reshape', [c.x(0), c.shape(b, 1, unknown=-1)], [c.out])


def _flattens(c):
    """Whether the reshape keeps the first axis and merges the others, in both captures (what
    ``flatten(1)`` does, written as PyTorch writes it: ONNX's Flatten)."""
    x, out = c.args[0], c.node.outputs[0]
    twins = c.dynamic.twins
    if id(x) not in twins or id(out) not in twins or len(x.shape) < 3:
        return False
    return all(tuple(o) == (i[0], int(np.prod(i[1:])))
               for i, o in ((x.shape, out.shape), (twins[id(x)].shape, twins[id(out)].shape)))


@converts('Expand')
def _expand(b, c):
    # Expand's 1 keeps the input's size: it stands for ember's -1, and for an entry no input size
    # explains where the input has that entry's size in both captures (it is not broadcast there)
    x, size = c.args[:2]
    twin = c.dynamic.twins.get(id(x), x)
    second = c.dynamic.args.get(id(c.node), {}).get(1, size)
    lead = len(size) - len(x.shape)
    keeps = [p >= lead and (s == -1 or (x.shape[p - lead], twin.shape[p - lead]) == (s, t))
             for p, (s, t) in enumerate(zip(size, second))]
    first, second = ([1 if k and s == -1 else s for k, s in zip(keeps, sh)] for sh in (size, second))
    shape = c.dynamic.shape(b, c.names, first, second, c.node.inputs, [1 if k else None for k in keeps])
    b.op('Expand', [c.x(0), shape], [c.out])


@converts('T')
def _t(b, c):
    if c.rank() < 2:
        b.op('Identity', [c.x(0)], [c.out])
    else:
        b.op('Transpose', [c.x(0)], [c.out], perm=[1, 0])


@converts('Transpose')
def _transpose(b, c):
    perm = list(range(c.rank()))
    d0, d1 = c.args[1] % len(perm), c.args[2] % len(perm)
    perm[d0], perm[d1] = perm[d1], perm[d0]
    b.op('Transpose', [c.x(0)], [c.out], perm=perm)


@converts('Permute')
def _permute(b, c):
    b.op('Transpose', [c.x(0)], [c.out], perm=[d % c.rank() for d in c.args[1]])


@converts('Unsqueeze')
def _unsqueeze(b, c):
    b.op('Unsqueeze', [c.x(0), b.ints([c.args[1]])], [c.out])


@converts('SqueezeDim', 'SqueezeDims', 'Squeeze')
def _squeeze(b, c):
    dims = c.args[1] if len(c.args) > 1 else None
    if dims is None:
        dims = [i for i, d in enumerate(c.args[0].shape) if d == 1]
    dims = [d for d in (dims if isinstance(dims, (tuple, list)) else [dims]) if c.args[0].shape[d] == 1]
    if not dims:
        b.op('Identity', [c.x(0)], [c.out])
    else:
        b.op('Squeeze', [c.x(0), b.ints(dims)], [c.out])


@converts('Narrow', 'SplitPiece', 'SplitWithSizesPiece')
def _narrow(b, c):
    _, dim, start, length = c.args[:4]
    b.op('Slice', [c.x(0), b.ints([start]), b.ints([start + length]), b.ints([dim])], [c.out])


@converts('Split', 'SplitWithSizes', 'UnsafeSplit', 'UnsafeSplitWithSizes')
def _split(b, c):
    _, dim, sizes = c.args[:3]
    outs = [o or b.fresh('unused') for o in c.outs]
    b.op('Split', [c.x(0), b.ints(list(sizes))], outs, axis=int(dim))


@converts('Unbind')
def _unbind(b, c):
    x, dim = c.args[:2]
    n = x.shape[dim]
    pieces = b.op('Split', [c.x(0), b.ints([1] * n)], n, axis=int(dim))
    pieces = [pieces] if n == 1 else pieces
    axes = b.ints([dim])
    for piece, out in zip(pieces, c.outs):
        b.op('Squeeze', [piece, axes], [out or b.fresh('unused')])


@converts('ConstantPadNd')
def _pad(b, c):
    x, pads, value = c.args[:3]
    flat = [p[0] for p in pads] + [p[1] for p in pads]
    b.op('Pad', [c.x(0), b.ints(flat), b.const(np.asarray(value, c.dtype))], [c.out], mode='constant')


@converts('Cat')
def _cat(b, c):
    names = [c.x(i) for i in range(1, len(c.args)) if c.args[i].shape != (0,)]
    b.op('Concat', names, [c.out], axis=int(c.args[0]))


@converts('Stack')
def _stack(b, c):
    dim = int(c.args[0])
    axes = b.ints([dim if dim >= 0 else dim + len(c.args[1].shape) + 1])
    b.op('Concat', [b.op('Unsqueeze', [c.x(i), axes]) for i in range(1, len(c.args))], [c.out], axis=dim)


@converts('Repeat')
def _repeat(b, c):
    x, reps = c.args[:2]
    data = c.x(0)
    if len(reps) > len(x.shape):  # new leading dims of size 1 first, as repeat adds them
        data = b.op('Unsqueeze', [data, b.ints(list(range(len(reps) - len(x.shape))))])
    b.op('Tile', [data, b.ints(list(reps))], [c.out])


@converts('Flip')
def _flip(b, c):
    dims = [d % c.rank() for d in c.args[1]]
    n = len(dims)
    # a slice from the last element backwards past the first: the int64 minimum means "to the start"
    b.op('Slice', [c.x(0), b.ints([-1] * n), b.ints([np.iinfo(np.int64).min] * n), b.ints(dims),
                   b.ints([-1] * n)], [c.out])


@converts('Tril', 'Triu')
def _tri(b, c):
    b.op('Trilu', [c.x(0), b.ints(int(c.args[1]))], [c.out], upper=int(bool(c.args[2])))


@converts('Roll')
def _roll(b, c):
    """Per dim: the last ``shift mod size`` elements, then the others. The sizes are read at run
    time, so the roll stays right on dynamic axes."""
    x, shifts, dims = c.args
    shifts = list(shifts) if isinstance(shifts, (tuple, list)) else [shifts]
    dims = list(dims) if isinstance(dims, (tuple, list)) else [] if dims is None else [dims]
    y = c.x(0)
    flat = not dims
    if flat:  # the flattened tensor, rolled, and its shape restored
        y = b.op('Reshape', [y, b.ints([-1])])
        dims = [0]
    rank = max(len(x.shape), 1) if not flat else 1
    for shift, dim in zip(shifts, dims):
        dim = dim % rank
        n = b.op('Shape', [y], start=dim, end=dim + 1)
        cut = b.op('Sub', [n, b.op('Mod', [b.ints([shift]), n])])
        tail = b.op('Slice', [y, cut, b.ints([np.iinfo(np.int64).max]), b.ints([dim])])
        head = b.op('Slice', [y, b.ints([0]), cut, b.ints([dim])])
        y = b.op('Concat', [tail, head], axis=dim)
    if flat:
        y = b.op('Reshape', [y, b.op('Shape', [c.x(0)])])
    b.op('Identity', [y], [c.out])


@converts('Diagonal', 'DiagonalCopy')
def _diagonal(b, c):
    """The two dims moved last and merged; the diagonal read with one Gather on the merged dim."""
    x, offset, d1, d2 = c.args
    rank = len(x.shape)
    d1, d2 = d1 % rank, d2 % rank
    rows, cols = x.shape[d1], x.shape[d2]
    rest = [d for d in range(rank) if d not in (d1, d2)]
    moved = b.op('Transpose', [c.x(0)], perm=rest + [d1, d2])
    flat = b.op('Reshape', [moved, b.ints([0] * len(rest) + [rows * cols])])
    first_row, first_col = max(0, -offset), max(0, offset)
    n = max(0, min(rows - first_row, cols - first_col))
    k = np.arange(n, dtype=np.int64)
    b.op('Gather', [flat, b.ints((first_row + k) * cols + first_col + k)], [c.out], axis=len(rest))


@converts('Unfold')
def _unfold(b, c):
    """Tensor.unfold: one Gather of the windows' positions along ``dim``, then the window's
    position within it moved last."""
    x, dim, size, step = c.args
    rank = len(x.shape)
    dim = dim % rank if rank else 0
    count = (x.shape[dim] - size) // step + 1 if rank else 1
    if rank == 0:
        b.op('Reshape', [c.x(0), b.ints([1])], [c.out])
        return
    windows = np.arange(count, dtype=np.int64)[:, None] * step + np.arange(size, dtype=np.int64)
    taken = b.op('Gather', [c.x(0), b.ints(windows)], axis=dim)  # dims: ..., count, size, ...
    perm = list(range(dim + 1)) + list(range(dim + 2, rank + 1)) + [dim + 1]
    b.op('Transpose', [taken], [c.out], perm=perm)


@converts('Select')
def _select(b, c):
    # a negative index counts from the end at run time, as Gather reads it
    x, dim, index = c.args
    b.op('Gather', [c.x(0), b.const(np.asarray(index, np.int64))], [c.out], axis=int(dim))


@converts('Rot90')
def _rot90(b, c):
    # as NumPy's rot90: a quarter turn flips the second axis and swaps the two
    x, k, dims = c.args
    rank = c.rank()
    d0, d1 = dims[0] % rank, dims[1] % rank
    swap = list(range(rank))
    swap[d0], swap[d1] = d1, d0
    low = np.iinfo(np.int64).min

    def flip(v, axes):
        n = len(axes)
        return b.op('Slice', [v, b.ints([-1] * n), b.ints([low] * n), b.ints(axes), b.ints([-1] * n)])
    k %= 4
    if k == 0:
        out = b.op('Identity', [c.x(0)])
    elif k == 1:
        out = b.op('Transpose', [flip(c.x(0), [d1])], perm=swap)
    elif k == 2:
        out = flip(c.x(0), [d0, d1])
    else:
        out = flip(b.op('Transpose', [c.x(0)], perm=swap), [d1])
    b.op('Identity', [out], [c.out])


@converts('DiagEmbed')
def _diag_embed(b, c):
    """The last axis of the input laid on a diagonal of zeros: a (n, n) diagonal picked with an
    identity mask (no multiplication, so infinities stay), padded to the offset, its two axes
    moved to ``d1`` and ``d2``."""
    x, shape, offset, d1, d2 = c.args
    out_shape = c.node.outputs[0].shape
    rank = len(out_shape)
    d1, d2 = d1 % rank, d2 % rank
    n = x.shape[-1]
    rows, cols = out_shape[d1], out_shape[d2]
    r0, c0 = max(-offset, 0), max(offset, 0)
    eye = b.const(np.eye(n, dtype=bool))
    square = b.op('Where', [eye, b.op('Unsqueeze', [c.x(0), b.ints([-1])]), b.const(np.asarray(0, c.dtype))])
    lead = rank - 2
    pads = [0] * lead + [r0, c0] + [0] * lead + [rows - n - r0, cols - n - c0]
    padded = b.op('Pad', [square, b.ints(pads)]) if any(pads) else square
    # the batch axes in order around the two diagonal axes
    rest = iter(range(lead))
    perm_inverse = [lead if d == d1 else lead + 1 if d == d2 else next(rest) for d in range(rank)]
    b.op('Transpose', [padded], [c.out], perm=perm_inverse)


@converts('SumToSize')
def _sum_to_size(b, c):
    x, shape = c.args
    lead = len(x.shape) - len(shape)
    axes = list(range(lead)) + [lead + i for i, s in enumerate(shape) if s == 1 and x.shape[lead + i] != 1]
    out = reduce(b, 'ReduceSum', c.x(0), axes, 1) if axes else c.x(0)
    b.op('Reshape', [out, b.ints(list(shape))], [c.out])


@converts('Fill', 'FillWithTensor', 'FillInPlace', 'FillInPlaceWithTensor', 'Zero')
def _fill(b, c):
    value = b.op('Cast', [c.x(1, b, c.dtype)], to=_onnx_type(c.dtype))
    b.op('Expand', [b.op('Reshape', [value, b.ints([])]), b.op('Shape', [c.x(0)])], [c.out])


@converts('AsStrided')
def _as_strided(b, c):
    # the elements a strided view of the input's memory reads, gathered from the input flattened:
    # right where the input is its whole storage, laid out in order (which ONNX values are)
    x, size, stride, offset, base_offset, storage_size = c.args[:6]
    if base_offset != 0 or storage_size != x.example.numel() or not x.example.is_contiguous():
        _unsupported(c, 'an input that is a view into a larger tensor')
    from ember.ops.inplace_views import _gather_positions
    index = _gather_positions(np.arange(storage_size, dtype=np.int64), offset, tuple(size), tuple(stride))
    flat = b.op('Reshape', [c.x(0), b.ints([-1])])
    b.op('Gather', [flat, b.const(index.reshape(tuple(size)))], [c.out], axis=0)
