"""Arranging tensors: grids and products of coordinates, combinations, block diagonals, rotations,
index lists of triangles, and dtype questions (result_type, can_cast)."""
import numpy as np

from ember._dtype import FLOAT8_NUMS
from ember._device import as_device
from ember._formats import check_layout
from ember._tensor import Tensor
from ember.autograd.function import Primitive
from ember.ops import _argparse, _float8
from ember.ops._registry import op
from ember.ops._util import int_tensor_arg, wrap_dim, tensor_sequence
from ember.ops.creation import _check_pin_memory, _factory_requires_grad, _pinned
from ember import _user_warnings
from ember.autograd import _saved_attrs as _sa


def _tensor_list(tensors):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        return list(tensors[0])
    return list(tensors)


@op('ember')
def meshgrid(*tensors, indexing=None):
    """Coordinate grids from 1-D tensors: with ``indexing='ij'`` output ``k`` varies along dim ``k``;
    ``'xy'`` swaps the first two dims (NumPy's and MATLAB's convention). The grids are expanded
    views of the inputs.

    >>> xs, ys = ember.meshgrid(ember.tensor([1, 2, 3]), ember.tensor([4, 5]), indexing='ij')
    >>> xs
    tensor([[1, 1],
            [2, 2],
            [3, 3]])
    """
    tensors = _tensor_list(tensors)
    if indexing is None:
        _user_warnings.warn("ember.meshgrid: in an upcoming release, it will be required to pass the indexing "
                            "argument.", UserWarning)
        indexing = 'ij'
    if indexing not in ('ij', 'xy'):
        raise RuntimeError(f'ember.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}')
    for t in tensors:
        if t.ndim > 1:
            raise RuntimeError(f"ember.meshgrid: Expected 0D or 1D tensor in the tensor list but got: {t}")
    if len({t.dtype for t in tensors}) > 1:
        raise RuntimeError("ember.meshgrid: expects all tensors to have the same dtype")
    flat = list(tensors)    # (each viewed once below, 0-d ones as one element: PyTorch's one ViewBackward0)
    swap = indexing == 'xy' and len(flat) >= 2
    if swap:
        flat[0], flat[1] = flat[1], flat[0]
    shape = [t.shape[0] if t.ndim else 1 for t in flat]
    grids = []
    for k, t in enumerate(flat):
        view = [1] * len(flat)
        view[k] = shape[k]
        grids.append(t.view(view).expand(shape))
    if swap:  # the grids were built for (second, first): hand them back in the inputs' order
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)


@op('ember')
def cartesian_prod(*tensors):
    """All combinations of one element from each 1-D tensor, as rows (``itertools.product``).

    >>> ember.cartesian_prod(ember.tensor([1, 2]), ember.tensor([3, 4]))
    tensor([[1, 3],
            [1, 4],
            [2, 3],
            [2, 4]])
    """
    tensor_sequence(tensors)
    from ember.ops.shape import stack
    tensors = _tensor_list(tensors)
    if len(tensors) == 1:
        return tensors[0]
    grids = meshgrid(*tensors, indexing='ij')
    return stack([g.reshape(-1) for g in grids], 1)


@op('ember', 'Tensor')
def combinations(input, r=2, with_replacement=False):
    """Length-``r`` combinations of a 1-D tensor's elements, as rows (``itertools.combinations``,
    or ``combinations_with_replacement``).

    >>> ember.combinations(ember.tensor([1, 2, 3]), 2)
    tensor([[1, 2],
            [1, 3],
            [2, 3]])
    """
    from ember.ops.shape import stack
    if input.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(input.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return input.new_empty((0,))
    from ember.ops.index import masked_select
    # PyTorch's steps, so the graph shows its nodes: r grids of the input, each reduced to the places whose
    # coordinates increase (MaskedSelectBackward0 over the grid's ExpandBackward0), stacked as columns
    mask = Tensor._make(input._xp.asarray(_increasing_mask(input.shape[0], r, with_replacement)), input._device)
    return stack([masked_select(grid, mask) for grid in meshgrid(*[input] * r, indexing='ij')], 1)


def _increasing_mask(n, r, with_replacement):
    """The (n,) * r boolean array true where the coordinates increase (never decrease, with replacement): in
    row-major order its places are itertools' combinations."""
    mask = np.ones((n,) * r, dtype=bool)
    steps = np.arange(n)
    before = steps.reshape((n,) + (1,) * (r - 1))
    for k in range(1, r):
        after = steps.reshape((1,) * k + (n,) + (1,) * (r - k - 1))
        mask &= (before <= after) if with_replacement else (before < after)
        before = after
    return mask


def _int_sizes_arg(which, name, position, value):
    """``row``, ``col`` or ``offset`` of tril/triu_indices as an int: a 0-d integer tensor stands for its value;
    PyTorch's parser refuses a 1-d one (which has an __index__ all the same)."""
    if isinstance(value, Tensor) and value.ndim:
        raise TypeError(f"{which}_indices(): argument '{name}' (position {position}) must be int, not Tensor")
    return int_tensor_arg(value)


def _triangle_indices(which, row, col, offset, dtype, device):
    from ember._dtype import int64, to_dtype
    row, col, offset = (_int_sizes_arg(which, name, k, v) for k, (name, v) in
                        enumerate((('row', row), ('col', col), ('offset', offset)), 1))
    dt = to_dtype(dtype) if dtype is not None else int64
    if dt.category != 1:
        from ember._tensor import _scalar_type_name
        raise NotImplementedError(f'"{which}_indices" not implemented for \'{_scalar_type_name(dt)}\'')
    dev = as_device(device)
    from ember import backend
    if dev.type == 'meta':      # only the count: how many columns each row keeps
        r = np.arange(row)
        kept = np.clip(r + offset + 1, 0, col) if which == 'tril' else col - np.clip(r + offset, 0, col)
        return Tensor._make(backend.meta_array((2, int(kept.sum())), dt.np_dtype), dev)
    rows, cols = np.indices((row, col))
    keep = (cols - rows <= offset) if which == 'tril' else (cols - rows >= offset)
    # PyTorch lists them row by row: rows ascending, then columns ascending
    out = np.stack([rows[keep], cols[keep]]).astype(dt.np_dtype)
    return Tensor._make(out if dev.type == 'cpu' else backend.move(out, dev), dev)



@op('ember', guard=True)
def tril_indices(row, col, offset=0, *, dtype=None, device=None, layout=None, pin_memory=False,
                 requires_grad=False):
    """The (row, column) indices of a ``row × col`` matrix's lower triangle (with ``offset``).

    >>> ember.tril_indices(3, 3)
    tensor([[0, 1, 1, 2, 2, 2],
            [0, 0, 1, 0, 1, 2]])
    """
    check_layout('tril_indices', layout)
    _check_pin_memory('tril_indices', pin_memory, device)
    result = _pinned(_triangle_indices('tril', row, col, offset, dtype, device), pin_memory)
    return _factory_requires_grad(result) if requires_grad else result


@op('ember', guard=True)
def triu_indices(row, col, offset=0, *, dtype=None, device=None, layout=None, pin_memory=False,
                 requires_grad=False):
    """The (row, column) indices of a ``row × col`` matrix's upper triangle (with ``offset``).

    >>> ember.triu_indices(3, 4, 1)
    tensor([[0, 0, 0, 1, 1, 2],
            [1, 2, 3, 2, 3, 3]])
    """
    check_layout('triu_indices', layout)
    _check_pin_memory('triu_indices', pin_memory, device)
    result = _pinned(_triangle_indices('triu', row, col, offset, dtype, device), pin_memory)
    return _factory_requires_grad(result) if requires_grad else result


class BlockDiag(Primitive):
    node_name = 'BlockDiagBackward0'
    _promote = True

    @staticmethod
    def forward(ctx, *blocks):
        mats = [b.reshape(1, -1) if b.ndim < 2 else b for b in blocks]
        ctx.spans = []
        r = c = 0
        for b, m in zip(blocks, mats):
            ctx.spans.append((r, c, m.shape, b.shape))
            r, c = r + m.shape[0], c + m.shape[1]
        out = ctx.xp.zeros((r, c), dtype=mats[0].dtype if mats else np.float32)
        for (r0, c0, (h, w), _), m in zip(ctx.spans, mats):
            out[r0:r0 + h, c0:c0 + w] = m
        return out

    @staticmethod
    def backward(ctx, g):
        return tuple(g[r0:r0 + h, c0:c0 + w].reshape(shape) for r0, c0, (h, w), shape in ctx.spans)


@op('ember')
def block_diag(*tensors):
    """A block-diagonal matrix from the given tensors (0-D and 1-D ones become a row).

    >>> ember.block_diag(ember.tensor([[1, 2]]), ember.tensor(3))
    tensor([[1, 2, 0],
            [0, 0, 3]])
    """
    tensor_sequence(tensors)
    for i, t in enumerate(tensors):
        if t.ndim > 2:
            raise RuntimeError(f"ember.block_diag: Input tensors must have 2 or fewer dimensions. Input {i} has "
                               f"{t.ndim} dimensions")
    if not tensors:
        from ember.ops.creation import empty
        return empty(1, 0)
    return BlockDiag.apply(*tensors)


class Rot90(Primitive):
    node_name = 'Rot90Backward0'
    saved_attrs = {'dims': _sa.field('dims', _sa.int_list), 'k': _sa.field('k', _sa.as_int64)}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, x, k, dims):
        ctx.k, ctx.dims = k, dims
        return ctx.xp.rot90(x, k, axes=dims).copy()  # a new tensor, as PyTorch's (np.rot90 is a view)

    @staticmethod
    def backward(ctx, g):
        return Rot90.apply(g, -ctx.k, ctx.dims), None, None


@op('ember', 'Tensor')
def rot90(input, k=1, dims=(0, 1)):
    """Rotate by 90° ``k`` times in the plane of ``dims``, from the first dim towards the second.

    >>> ember.rot90(ember.tensor([[1, 2], [3, 4]]))
    tensor([[2, 4],
            [1, 3]])
    """
    if type(k) is not int:
        _argparse.refuse_from_stack()    # (k % 4 would take a float, and format a string)
    dims = list(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if input.ndim < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {input.ndim}")
    d0, d1 = wrap_dim(dims[0], input.ndim), wrap_dim(dims[1], input.ndim)
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {d0} and dim1 = {d1}")
    if input._data.dtype.num in FLOAT8_NUMS:    # PyTorch's rotation is a flip (then a transpose): its refusal
        flipped = ((), (d1,), (d0, d1), (d0,))[k % 4]
        if flipped and _float8.flip_uses_kernel(input, flipped):
            _float8.check('flip', input._data.dtype)
    return Rot90.apply(input, k, (d0, d1))     # (k as given: the node shows it; NumPy turns any k)


@op('ember', 'Tensor')
def ravel(input):
    """The elements as a 1-D tensor (a view when the layout allows).

    Example::

        >>> ember.ravel(ember.tensor([[1, 2], [3, 4]]))
        tensor([1, 2, 3, 4])
    """
    return input.reshape(-1)


@op('ember', 'Tensor')
def diagflat(input, offset=0):
    """A 2-D tensor with the flattened ``input`` on its ``offset``-th diagonal.

    >>> ember.diagflat(ember.tensor([1, 2]))
    tensor([[1, 0],
            [0, 2]])
    """
    from ember.ops.shape import diag_embed
    return diag_embed(input.reshape(-1), offset)


@op('ember')
def result_type(tensor, other):
    """The dtype an arithmetic op of ``tensor`` and ``other`` (tensors or numbers) would give.

    >>> ember.result_type(ember.tensor([1]), 1.0)
    ember.float32
    """
    from ember._dtype import result_type as promote
    return promote(tensor, other)


@op('ember', guard=True)
def can_cast(from_, to):
    """Whether PyTorch's casting rules allow ``from_`` → ``to`` in type promotion: no lowering of the
    kind (bool < integer < floating < complex); any size within a kind is allowed.

    >>> ember.can_cast(ember.float64, ember.int32), ember.can_cast(ember.int32, ember.float64)
    (False, True)
    """
    return from_.category <= to.category     # (not the NumPy types: complex32 has none)
