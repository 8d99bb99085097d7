"""Shape ops: views (share storage and version counter with their base) and copies."""
import numpy as np

from ember import _formats
from ember._tensor import Tensor
from ember.autograd.function import Primitive
from ember.ops._util import shape_arg, wrap_dim, wrap_dims
from ember.ops._registry import op
from ember.ops.inplace import write_out


def _infer_shape(shape, numel):
    shape = list(shape)
    neg = [i for i, s in enumerate(shape) if s == -1]
    if len(neg) > 1:
        raise RuntimeError("only one dimension can be inferred")
    for i, s in enumerate(shape):
        if s < -1:
            raise RuntimeError(f"invalid shape dimension {s} at index {i} of shape {_fmt(shape)}")
    if neg:
        known = 1
        for i, s in enumerate(shape):
            if i != neg[0]:
                known *= s
        if known == 0 and numel == 0:
            raise RuntimeError(f"cannot reshape tensor of 0 elements into shape {_fmt(shape)} because the "
                               "unspecified dimension size -1 can be any value and is ambiguous")
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{_fmt(shape)}' is invalid for input of size {numel}")
        shape[neg[0]] = numel // known
    n = 1
    for s in shape:
        n *= s
    if n != numel:
        raise RuntimeError(f"shape '{_fmt(shape)}' is invalid for input of size {numel}")
    return tuple(shape)


def _fmt(shape):
    return '[' + ', '.join(str(s) for s in shape) + ']'


class View(Primitive):
    node_name = 'ViewBackward0'
    _view = True

    @staticmethod
    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        shape = _infer_shape(shape, x.size)
        try:
            return x.reshape(shape, copy=False)
        except (ValueError, TypeError):
            out = x.view()
            try:
                out.shape = shape
            except AttributeError:
                raise RuntimeError("view size is not compatible with input tensor's size and stride (at least "
                                   "one dimension spans across two contiguous subspaces). Use .reshape(...) "
                                   "instead.") from None
            return out

    @staticmethod
    def backward(ctx, g):
        return g.reshape(ctx.in_shape), None


class UnsafeView(Primitive):
    """reshape that had to copy: the result is a new tensor, not a view."""
    node_name = 'UnsafeViewBackward0'

    @staticmethod
    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        return ctx.xp.ascontiguousarray(x).reshape(_infer_shape(shape, x.size))

    @staticmethod
    def backward(ctx, g):
        return g.reshape(ctx.in_shape), None


@op('Tensor')
def view(input, *shape):
    if len(shape) == 1 and not isinstance(shape[0], (int, tuple, list)) and shape[0] is not None:
        from ember._dtype import to_dtype
        return view_dtype(input, to_dtype(shape[0]))
    return View.apply(input, shape_arg(shape))


def view_dtype(input, dtype):
    if dtype.itemsize != input.dtype.itemsize:
        raise RuntimeError("view dtype with a different element size is not supported")
    out = Tensor._make(input._data.view(dtype.np_dtype), input._device)
    out._version_counter = input._version_counter
    return out


@op('ember', 'Tensor')
def reshape(input, *shape):
    shape = shape_arg(shape)
    x = input._data
    if x.flags.c_contiguous or _can_view(x, _infer_shape(shape, x.size)):
        return View.apply(input, shape)
    return UnsafeView.apply(input, shape)


def _can_view(x, shape):
    try:
        x.reshape(shape, copy=False)
        return True
    except (ValueError, TypeError):
        return False


@op('ember', 'Tensor')
def view_as(input, other):
    return view(input, tuple(other.shape))


@op('Tensor')
def reshape_as(input, other):
    return reshape(input, tuple(other.shape))


@op('ember', 'Tensor')
def flatten(input, start_dim=0, end_dim=-1):
    """Flattens the dimensions ``start_dim`` to ``end_dim`` into one (a view when possible).

    Args:
        input (Tensor): the input tensor.
        start_dim (int): the first dimension to flatten (default 0).
        end_dim (int): the last dimension to flatten (default -1).

    Example::

        >>> ember.zeros(2, 3, 4).flatten(1).shape
        ember.Size([2, 12])
        >>> ember.flatten(ember.tensor([[1, 2], [3, 4]]))
        tensor([1, 2, 3, 4])
    """
    nd = input.ndim
    if nd == 0:
        return reshape(input, (1,))
    s, e = wrap_dim(start_dim, nd), wrap_dim(end_dim, nd)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    shape = input.shape
    n = 1
    for d in shape[s:e + 1]:
        n *= d
    return reshape(input, tuple(shape[:s]) + (n,) + tuple(shape[e + 1:]))


@op('ember', 'Tensor')
def unflatten(input, dim, sizes):
    dim = wrap_dim(dim, input.ndim)
    shape = tuple(input.shape)
    sizes = list(sizes)
    if -1 in sizes:
        known = 1
        for s in sizes:
            if s != -1:
                known *= s
        sizes[sizes.index(-1)] = shape[dim] // known if known else 0
    n = 1
    for s in sizes:
        n *= s
    if n != shape[dim]:
        raise RuntimeError(f"unflatten: Provided sizes {_fmt(sizes)} don't multiply up to the size of dim "
                           f"{dim} ({shape[dim]}) in the input tensor")
    return view(input, shape[:dim] + tuple(sizes) + shape[dim + 1:])


class Expand(Primitive):
    node_name = 'ExpandBackward0'
    _view = True

    @staticmethod
    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        return ctx.xp.broadcast_to(x, shape)

    @staticmethod
    def backward(ctx, g):
        return sum_to_size(g, ctx.in_shape), None


@op('Tensor')
def expand(input, *sizes):
    sizes = shape_arg(sizes)
    shape = input.shape
    if len(sizes) < len(shape):
        raise RuntimeError(f"expand(ember.FloatTensor{{{_fmt(shape)}}}, size={_fmt(sizes)}): the number of "
                           "sizes provided (%d) must be greater or equal to the number of dimensions in the "
                           "tensor (%d)" % (len(sizes), len(shape)))
    lead = len(sizes) - len(shape)
    for i in range(len(sizes) - 1, lead - 1, -1):  # PyTorch reports the last mismatching dim
        s, cur = sizes[i], shape[i - lead]
        if s != -1 and cur != s and cur != 1:
            raise RuntimeError(f"The expanded size of the tensor ({s}) must match the existing size ({cur}) at "
                               f"non-singleton dimension {i}.  Target sizes: {_fmt(sizes)}.  Tensor sizes: "
                               f"{_fmt(shape)}")
    final = []
    for i, s in enumerate(sizes):
        if i < lead:
            if s < 0:
                raise RuntimeError(f"The expanded size of the tensor ({s}) isn't allowed in a leading, "
                                   "non-existing dimension 0")
            final.append(s)
            continue
        cur = shape[i - lead]
        if s == -1:
            s = cur
        elif cur != s and cur != 1:
            raise RuntimeError(f"The expanded size of the tensor ({s}) must match the existing size ({cur}) at "
                               f"non-singleton dimension {i}.  Target sizes: {_fmt(sizes)}.  Tensor sizes: "
                               f"{_fmt(shape)}")
        final.append(s)
    final = tuple(final)
    if final == tuple(shape):
        return Expand.apply(input, final) if input.requires_grad else input
    return Expand.apply(input, final)


@op('Tensor')
def expand_as(input, other):
    return expand(input, tuple(other.shape))


@op('ember', 'Tensor')
def broadcast_to(input, size):
    return expand(input, tuple(size))


@op('ember')
def broadcast_shapes(*shapes):
    """The shape the given shapes broadcast to (an ``ember.Size``), with PyTorch's error text."""
    from ember._tensor import Size
    shapes = [(s,) if isinstance(s, int) else tuple(s) for s in shapes]
    result = [1] * max((len(s) for s in shapes), default=0)
    for idx, shp in enumerate(shapes):
        for j in range(-1, -len(shp) - 1, -1):
            d = shp[j]
            if d == 1 or d == result[j]:
                continue
            if result[j] != 1:
                raise RuntimeError(f"Attempting to broadcast a dimension of length {d} at {j}! Mismatching argument "
                                   f"at index {idx} had {shp}; but expected shape should be broadcastable to "
                                   f"{_fmt(result)}")
            result[j] = d
    return Size(result)


@op('ember')
def broadcast_tensors(*tensors):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    shapes = [tuple(t.shape) for t in tensors]
    try:
        shape = np.broadcast_shapes(*shapes)
    except ValueError:
        from ember.ops._util import broadcast_error
        for a in shapes[1:]:  # name the first pair that clashes, as PyTorch's message does
            try:
                np.broadcast_shapes(shapes[0], a)
            except ValueError:
                raise broadcast_error(shapes[0], a) from None
        raise broadcast_error(shapes[0], shapes[-1]) from None
    return tuple(expand(t, shape) for t in tensors)


class SumToSize(Primitive):
    node_name = 'SumToSizeBackward0'

    @staticmethod
    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        return _sum_to(x, shape)

    @staticmethod
    def backward(ctx, g):
        return expand(g, ctx.in_shape), None


def _sum_to(x, shape):
    shape = tuple(shape)
    if x.shape == shape:
        return x
    lead = x.ndim - len(shape)
    if lead < 0:
        raise RuntimeError(f"size {{{_fmt(shape)}}} is not expandable to size {{{_fmt(x.shape)}}}.")
    axes = list(range(lead))
    for i, s in enumerate(shape):
        if s == 1 and x.shape[lead + i] != 1:
            axes.append(lead + i)
        elif s != x.shape[lead + i]:
            raise RuntimeError(f"size {{{_fmt(shape)}}} is not expandable to size {{{_fmt(x.shape)}}}.")
    out = x.sum(axis=tuple(axes), keepdims=True) if axes else x
    return out.reshape(shape)


@op('Tensor')
def sum_to_size(input, *size):
    size = shape_arg(size)
    if tuple(input.shape) == size:
        return input
    return SumToSize.apply(input, size)


class Squeeze(Primitive):
    node_name = 'SqueezeBackward0'
    _view = True

    @staticmethod
    def forward(ctx, x, dims):
        ctx.in_shape = x.shape
        if dims is None:
            return x.reshape([s for s in x.shape if s != 1])
        keep = [s for i, s in enumerate(x.shape) if not (i in dims and s == 1)]
        return x.reshape(keep)

    @staticmethod
    def backward(ctx, g):
        return g.reshape(ctx.in_shape), None


class SqueezeDim(Squeeze):
    node_name = 'SqueezeBackward1'


class SqueezeDims(Squeeze):
    node_name = 'SqueezeBackward2'


@op('ember', 'Tensor')
def squeeze(input, dim=None):
    """Removes the dimensions of size 1 (all of them, or those in ``dim``), as a view.

    Args:
        input (Tensor): the input tensor.
        dim (int or tuple of ints, optional): the dimension(s) to remove if their size is 1.

    Example::

        >>> ember.zeros(2, 1, 3, 1).squeeze().shape
        ember.Size([2, 3])
        >>> ember.zeros(2, 1, 3, 1).squeeze(1).shape
        ember.Size([2, 3, 1])
    """
    if dim is None:
        return Squeeze.apply(input, None)
    if isinstance(dim, int):
        return SqueezeDim.apply(input, wrap_dims(dim, input.ndim))
    return SqueezeDims.apply(input, wrap_dims(tuple(dim), input.ndim))


class Unsqueeze(Primitive):
    node_name = 'UnsqueezeBackward0'
    _view = True

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        return ctx.xp.expand_dims(x, dim)

    @staticmethod
    def backward(ctx, g):
        return g.squeeze(ctx.dim), None


@op('ember', 'Tensor')
def unsqueeze(input, dim):
    """Inserts a dimension of size 1 at position ``dim``, as a view.

    Args:
        input (Tensor): the input tensor.
        dim (int): where the new dimension goes (negative counts from the end).

    Example::

        >>> x = ember.tensor([1, 2, 3])
        >>> ember.unsqueeze(x, 0)
        tensor([[1, 2, 3]])
        >>> x.unsqueeze(1).shape
        ember.Size([3, 1])
    """
    return Unsqueeze.apply(input, wrap_dim(dim, input.ndim + 1))


class Permute(Primitive):
    node_name = 'PermuteBackward0'
    _view = True

    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return x.transpose(dims)

    @staticmethod
    def backward(ctx, g):
        return g.permute(tuple(np.argsort(ctx.dims).tolist())), None


@op('ember', 'Tensor')
def permute(input, *dims):
    dims = shape_arg(dims)
    if len(dims) != input.ndim:
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does not match the "
                           f"length of the desired ordering of dimensions i.e. input.dim() = {input.ndim} is not "
                           f"equal to len(dims) = {len(dims)}")
    wrapped = tuple(wrap_dim(d, input.ndim) for d in dims)
    if len(set(wrapped)) != len(wrapped):
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return Permute.apply(input, wrapped)


class Transpose(Primitive):
    node_name = 'TransposeBackward0'
    _view = True

    @staticmethod
    def forward(ctx, x, d0, d1):
        ctx.d = (d0, d1)
        return ctx.xp.swapaxes(x, d0, d1) if x.ndim else x.view()  # a 0-d tensor "transposes" to itself

    @staticmethod
    def backward(ctx, g):
        return g.transpose(*ctx.d), None, None


class T(Primitive):
    """t(): swaps the two dims of a matrix; a 0-D or 1-D tensor comes back as a view of itself."""
    node_name = 'TBackward0'
    _view = True

    @staticmethod
    def forward(ctx, x):
        return x.T if x.ndim == 2 else x.view()

    @staticmethod
    def backward(ctx, g):
        return g.t()


@op('ember', 'Tensor', aliases=('swapdims',))
def transpose(input, dim0, dim1):
    nd = input.ndim
    return Transpose.apply(input, wrap_dim(dim0, nd), wrap_dim(dim1, nd))


swapdims = transpose


@op('ember', 'Tensor', inplace=('Tensor',))
def swapaxes(input, axis0, axis1):
    """NumPy's name for ``transpose``: ``axis0`` and ``axis1`` swapped (a view).

    Example::

        >>> ember.swapaxes(ember.zeros(2, 3), 0, 1).shape
        ember.Size([3, 2])
    """
    return transpose(input, axis0, axis1)


@op('ember', 'Tensor')
def t(input):
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.ndim}D")
    return T.apply(input)


@op('ember', 'Tensor')
def adjoint(input):
    return transpose(input, -2, -1)


@op('ember', 'Tensor', aliases=('moveaxis',))
def movedim(input, source, destination):
    nd = input.ndim
    source = tuple(source) if isinstance(source, (tuple, list)) else (source,)
    destination = tuple(destination) if isinstance(destination, (tuple, list)) else (destination,)
    if len(source) != len(destination):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({_fmt(source)} dims) should "
                           f"contain the same number of dims as destination ({_fmt(destination)} dims)")
    src = tuple(wrap_dim(d, nd) for d in source)
    dst = tuple(wrap_dim(d, nd) for d in destination)
    for name, given, wrapped in (('source', source, src), ('destination', destination, dst)):
        if len(set(wrapped)) != len(wrapped):
            raise RuntimeError(f"movedim: repeated dim in `{name}` ({_fmt(given)})")
    order = [d for d in range(nd) if d not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return Permute.apply(input, tuple(order))


class Clone(Primitive):
    node_name = 'CloneBackward0'

    @staticmethod
    def forward(ctx, x):
        return x.copy()

    @staticmethod
    def backward(ctx, g):
        return g


@op('Tensor')
def contiguous(input, memory_format=_formats.contiguous_format):
    """``input`` itself when its memory is already in ``memory_format``'s order, else a copy that is."""
    if _formats.is_in_format(input._data, memory_format):
        return input
    result = Clone.apply(input)
    result._data = _formats.arrange(result._xp, result._data, memory_format, 'contiguous')
    return result


class Cat(Primitive):
    node_name = 'CatBackward0'
    _promote = True

    @staticmethod
    def forward(ctx, dim, *xs):
        # NOTE: PyTorch skips legacy empty 1-D tensors (shape [0]) whatever the other shapes are
        skip = [x.ndim == 1 and x.shape[0] == 0 for x in xs]
        ctx.sizes = [None if sk else x.shape[dim] for x, sk in zip(xs, skip)]
        ctx.dim = dim
        kept = [x for x, sk in zip(xs, skip) if not sk]
        return ctx.xp.concatenate(kept or xs[:1], axis=dim if kept else 0)

    @staticmethod
    def backward(ctx, g):
        from ember.ops.creation import zeros
        out = [None]
        start = 0
        for n in ctx.sizes:
            if n is None:
                out.append(zeros(0, dtype=g.dtype, device=g.device))
                continue
            out.append(g.narrow(ctx.dim, start, n))
            start += n
        return tuple(out)


@op('ember', aliases=('concat', 'concatenate'))
def cat(tensors, dim=0, *, out=None) -> Tensor:
    """Concatenates tensors along an existing dimension; they must match in every other dimension.

    Args:
        tensors (sequence of Tensors): the tensors to join.
        dim (int): the dimension to join along (default 0).
        out (Tensor, optional): the output tensor.

    Example::

        >>> a = ember.tensor([[1, 2]])
        >>> ember.cat([a, a + 2])
        tensor([[1, 2],
                [3, 4]])
        >>> ember.cat([a, a + 2], dim=1)
        tensor([[1, 2, 3, 4]])
    """
    tensors = list(tensors)
    if not tensors:
        raise ValueError("ember.cat(): expected a non-empty list of Tensors")
    ref = next((t for t in tensors if not (t.ndim == 1 and t.shape[0] == 0)), tensors[0])
    nd = ref.ndim
    if nd == 0:
        raise RuntimeError("zero-dimensional tensor (at position 0) cannot be concatenated")
    dim = wrap_dim(dim, nd)
    for i, t in enumerate(tensors):
        if t.ndim == 1 and t.shape[0] == 0:
            continue
        if t.ndim != nd:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {nd} and {t.ndim}")
        for d in range(nd):
            if d != dim and t.shape[d] != ref.shape[d]:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {dim}. Expected size "
                                   f"{ref.shape[d]} but got size {t.shape[d]} for tensor number {i} in the list.")
    result = Cat.apply(dim, *tensors)
    return result if out is None else write_out('cat', result, out)


concat = concatenate = cat


@op('ember')
def stack(tensors, dim=0, *, out=None) -> Tensor:
    """Joins tensors of the same shape along a new dimension ``dim``.

    Args:
        tensors (sequence of Tensors): the tensors to join.
        dim (int): where the new dimension goes (default 0).
        out (Tensor, optional): the output tensor.

    Example::

        >>> a = ember.tensor([1, 2])
        >>> ember.stack([a, a * 10])
        tensor([[ 1,  2],
                [10, 20]])
        >>> ember.stack([a, a * 10], dim=1)
        tensor([[ 1, 10],
                [ 2, 20]])
    """
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    shape = tensors[0].shape
    for i, t in enumerate(tensors):
        if t.shape != shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {_fmt(shape)} at entry 0 "
                               f"and {_fmt(t.shape)} at entry {i}")
    dim = wrap_dim(dim, len(shape) + 1)
    result = Stack.apply(dim, *tensors)
    return result if out is None else write_out('stack', result, out)


class Stack(Primitive):
    node_name = 'StackBackward0'
    _promote = True

    @staticmethod
    def forward(ctx, dim, *xs):
        ctx.dim = dim
        ctx.n = len(xs)
        return ctx.xp.stack(xs, axis=dim)

    @staticmethod
    def backward(ctx, g):
        return (None,) + tuple(g.unbind(ctx.dim))


def _nonempty(tensors, name):
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError(f"{name} expects a non-empty TensorList")
    return tensors


@op('ember')
def hstack(tensors, *, out=None):
    tensors = [atleast_1d(t) for t in _nonempty(tensors, 'hstack')]
    _result = cat(tensors, 0 if tensors[0].ndim == 1 else 1)
    return _result if out is None else write_out('hstack', _result, out)


@op('ember', aliases=('row_stack',))
def vstack(tensors, *, out=None):
    _result = cat([atleast_2d(t) for t in _nonempty(tensors, 'vstack')], 0)
    return _result if out is None else write_out('vstack', _result, out)


@op('ember')
def dstack(tensors, *, out=None):
    _result = cat([atleast_3d(t) for t in _nonempty(tensors, 'dstack')], 2)
    return _result if out is None else write_out('dstack', _result, out)


@op('ember')
def column_stack(tensors, *, out=None):
    _result = hstack([t.reshape(-1, 1) if t.ndim <= 1 else t for t in _nonempty(tensors, 'column_stack')])
    return _result if out is None else write_out('column_stack', _result, out)


@op('ember')
def atleast_1d(t):
    return t.reshape(1) if t.ndim == 0 else t


@op('ember')
def atleast_2d(t):
    return t.reshape(1, -1) if t.ndim < 2 else t


@op('ember')
def atleast_3d(t):
    if t.ndim == 0:
        return t.reshape(1, 1, 1)
    if t.ndim == 1:
        return t.reshape(1, -1, 1)
    if t.ndim == 2:
        return t.unsqueeze(-1)
    return t


class Narrow(Primitive):
    node_name = 'SliceBackward0'
    _view = True

    @staticmethod
    def forward(ctx, x, dim, start, length):
        ctx.args = (x.shape, dim, start)
        idx = [slice(None)] * x.ndim
        idx[dim] = slice(start, start + length)
        return x[tuple(idx)]

    @staticmethod
    def backward(ctx, g):
        shape, dim, start = ctx.args
        return _pad_dim(g, shape, dim, start), None, None, None


class SplitPiece(Narrow):
    """One piece of ``split``: PyTorch names the node after the split, not the slice."""
    node_name = 'SplitBackward0'


class SplitWithSizesPiece(Narrow):
    node_name = 'SplitWithSizesBackward0'


def _pad_dim(g, shape, dim, start):
    """Put ``g`` at ``start`` along ``dim`` of a zero tensor of ``shape`` (differentiably)."""
    from ember.ops.creation import zeros
    parts = []
    n = g.shape[dim]
    if start > 0:
        s = list(shape)
        s[dim] = start
        parts.append(zeros(*s, dtype=g.dtype, device=g.device))
    parts.append(g)
    rest = shape[dim] - start - n
    if rest > 0:
        s = list(shape)
        s[dim] = rest
        parts.append(zeros(*s, dtype=g.dtype, device=g.device))
    return cat(parts, dim) if len(parts) > 1 else g


@op('ember', 'Tensor')
def narrow(input, dim, start, length):
    dim = wrap_dim(dim, input.ndim)
    size = input.shape[dim]
    start = start.item() if isinstance(start, Tensor) else start
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], but got {start})")
    if start < 0:
        start += size
    if not (0 <= start <= size and 0 <= length and start + length <= size):
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return Narrow.apply(input, dim, start, length)


@op('ember', 'Tensor')
def split(tensor, split_size_or_sections, dim=0):
    dim = wrap_dim(dim, tensor.ndim)
    size = tensor.shape[dim]
    if isinstance(split_size_or_sections, int):
        step = split_size_or_sections
        if step <= 0 and size:
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {size}")
        sizes = [min(step, size - i) for i in range(0, size, step)] if size else [0]
    else:
        sizes = list(split_size_or_sections)
        if sum(sizes) != size:
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's "
                               f"size at dimension {dim}), but got split_sizes={_fmt(sizes)}")
    piece = SplitPiece if isinstance(split_size_or_sections, int) else SplitWithSizesPiece
    out, start = [], 0
    for n in sizes:
        out.append(piece.apply(tensor, dim, start, n))
        start += n
    return tuple(out)


@op('ember', 'Tensor')
def tensor_split(input, indices_or_sections, dim=0):
    dim = wrap_dim(dim, input.ndim)
    size = input.shape[dim]
    if isinstance(indices_or_sections, Tensor) and indices_or_sections.ndim == 0:
        indices_or_sections = int(indices_or_sections.item())
    elif isinstance(indices_or_sections, Tensor):
        indices_or_sections = indices_or_sections.tolist()
    if isinstance(indices_or_sections, int):
        n = indices_or_sections
        if n <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {n}")
        q, r = divmod(size, n)
        sizes = [q + 1] * r + [q] * (n - r)
    else:
        bounds = [0] + [min(max(i, 0), size) for i in indices_or_sections] + [size]
        sizes = [max(b - a, 0) for a, b in zip(bounds, bounds[1:])]
    out, start = [], 0
    for n in sizes:
        out.append(narrow(input, dim, start, n))
        start += n
    return tuple(out)


@op('ember', 'Tensor')
def chunk(input, chunks, dim=0):
    """Splits ``input`` into (at most) ``chunks`` views of equal size along ``dim``; the last may
    be smaller.

    Args:
        input (Tensor): the tensor to split.
        chunks (int): the number of chunks.
        dim (int): the dimension to split (default 0).

    Example::

        >>> ember.arange(5).chunk(3)
        (tensor([0, 1]), tensor([2, 3]), tensor([4]))
    """
    if chunks <= 0:
        raise RuntimeError("chunk expects `chunks` to be greater than 0, got: " + str(chunks))
    size = input.shape[wrap_dim(dim, input.ndim)]
    step = max(1, -(-size // chunks))
    return split(input, step, dim)


class Select(Primitive):
    node_name = 'SelectBackward0'
    _view = True

    @staticmethod
    def forward(ctx, x, dim, index):
        ctx.args = (x.shape, dim, index)
        idx = [slice(None)] * x.ndim
        idx[dim] = index
        return x[tuple(idx)]

    @staticmethod
    def backward(ctx, g):
        shape, dim, index = ctx.args
        return _pad_dim(g.unsqueeze(dim), shape, dim, index % shape[dim]), None, None


@op('ember', 'Tensor')
def select(input, dim, index):
    dim = wrap_dim(dim, input.ndim)
    size = input.shape[dim]
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size {_fmt(input.shape)} at "
                         f"dimension {dim}")
    return Select.apply(input, dim, index)


class UnbindPiece(Select):
    node_name = 'UnbindBackward0'


@op('ember', 'Tensor')
def unbind(input, dim=0):
    dim = wrap_dim(dim, input.ndim)
    return tuple(UnbindPiece.apply(input, dim, i) for i in range(input.shape[dim]))


class Flip(Primitive):
    node_name = 'FlipBackward0'

    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return ctx.xp.flip(x, dims).copy()

    @staticmethod
    def backward(ctx, g):
        return g.flip(ctx.dims), None


@op('ember', 'Tensor')
def flip(input, *dims):
    dims = shape_arg(dims)
    return Flip.apply(input, wrap_dims(dims, input.ndim))


@op('ember', 'Tensor')
def fliplr(input):
    return flip(input, 1)


@op('ember', 'Tensor')
def flipud(input):
    return flip(input, 0)


class Roll(Primitive):
    node_name = 'RollBackward0'

    @staticmethod
    def forward(ctx, x, shifts, dims):
        ctx.args = (shifts, dims)
        return ctx.xp.roll(x, shifts, dims)

    @staticmethod
    def backward(ctx, g):
        shifts, dims = ctx.args
        neg = tuple(-s for s in shifts) if isinstance(shifts, tuple) else -shifts
        return roll(g, neg, dims), None, None


@op('ember', 'Tensor')
def roll(input, shifts, dims=()):
    if dims is None or (isinstance(dims, (tuple, list)) and not dims):   # no dims: roll the flattened tensor
        if isinstance(shifts, (tuple, list)) and len(shifts) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:0")
        return Roll.apply(input.flatten(), shifts, 0).view(tuple(input.shape))
    n_shifts = len(shifts) if isinstance(shifts, (tuple, list)) else 1
    n_dims = len(dims) if isinstance(dims, (tuple, list)) else 1
    if n_shifts != n_dims:
        raise RuntimeError(f"shifts and dimensions must align. shifts: {n_shifts}, dims:{n_dims}")
    if isinstance(dims, (tuple, list)):
        dims, shifts = tuple(wrap_dim(d, input.ndim) for d in dims), tuple(shifts)
    else:
        dims = wrap_dim(dims, input.ndim)
    return Roll.apply(input, shifts, dims)


class Repeat(Primitive):
    node_name = 'RepeatBackward0'

    @staticmethod
    def forward(ctx, x, reps):
        if len(reps) < x.ndim:
            raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions "
                               "of tensor")
        ctx.args = (x.shape, reps)
        x = x.reshape((1,) * (len(reps) - x.ndim) + x.shape)
        return ctx.xp.tile(x, reps)

    @staticmethod
    def backward(ctx, g):
        shape, reps = ctx.args
        full = (1,) * (len(reps) - len(shape)) + tuple(shape)
        # split each dim into (rep, size) and sum over the reps
        inter = []
        for r, s in zip(reps, full):
            inter += [r, s]
        g = g.reshape(tuple(inter)).sum(tuple(range(0, 2 * len(full), 2)))
        return g.reshape(shape), None


@op('Tensor')
def repeat(input, *sizes):
    return Repeat.apply(input, shape_arg(sizes))


@op('ember', 'Tensor')
def tile(input, dims):
    dims = tuple(dims)
    if len(dims) < input.ndim:
        dims = (1,) * (input.ndim - len(dims)) + dims
    return repeat(input, dims)


@op('ember', 'Tensor')
def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    from ember.ops.index import index_select
    from ember.ops.creation import tensor as mk
    if repeats is None:  # repeat_interleave(repeats): each index i repeated repeats[i] times
        idx = np.repeat(np.arange(input.shape[0]), input.tolist())
        if output_size is not None and len(idx) != output_size:
            raise RuntimeError(f"repeat_interleave: Invalid output_size, expected {len(idx)} but got {output_size}")
        return mk(idx, device=input.device)
    if dim is None:
        input = input.flatten()
        dim = 0
    dim = wrap_dim(dim, input.ndim)
    n = input.shape[dim]
    reps = repeats.tolist() if isinstance(repeats, Tensor) else repeats
    if isinstance(reps, list) and len(reps) == 1:
        reps = reps[0]
    if isinstance(reps, int):
        reps = [reps] * n
    if len(reps) != n:
        raise RuntimeError(f"repeats must have the same size as input along dim, but got repeats.size(0) = "
                           f"{len(reps)} and input.size(0) = {n}")
    if any(r < 0 for r in reps):
        raise RuntimeError("repeats can not be negative")
    idx = np.repeat(np.arange(n), reps)
    if output_size is not None and len(idx) != output_size:
        raise RuntimeError(f"repeat_interleave: Invalid output_size, expected {len(idx)} but got {output_size}")
    return index_select(input, dim, mk(idx, device=input.device))


class Diagonal(Primitive):
    node_name = 'DiagonalBackward0'
    _view = True

    @staticmethod
    def forward(ctx, x, offset, d1, d2):
        ctx.args = (x.shape, offset, d1, d2)
        return _diagonal_view(ctx.xp, x, offset, d1, d2)

    @staticmethod
    def backward(ctx, g):
        shape, offset, d1, d2 = ctx.args
        return DiagonalScatter.apply(g, shape, offset, d1, d2), None, None, None


class DiagonalScatter(Primitive):
    node_name = 'DiagonalBackwardBackward0'

    @staticmethod
    def forward(ctx, g, shape, offset, d1, d2):
        ctx.args = (offset, d1, d2)
        out = ctx.xp.zeros(shape, g.dtype)
        _diag_assign(ctx.xp, out, g, offset, d1, d2)
        return out

    @staticmethod
    def backward(ctx, gg):
        offset, d1, d2 = ctx.args
        return gg.diagonal(offset, d1, d2), None, None, None, None


class DiagEmbed(DiagonalScatter):
    """The same scatter called as ``diag_embed``/``diag`` of a vector, which PyTorch names so."""
    node_name = 'DiagEmbedBackward0'


def _diagonal_view(xp, x, offset, d1, d2):
    """A writable strided view of a diagonal (NumPy's own diagonal() view is read-only)."""
    moved = xp.moveaxis(x, (d1, d2), (-2, -1))
    r0, c0 = max(-offset, 0), max(offset, 0)
    rows, cols = moved.shape[-2:]
    n = max(min(rows - r0, cols - c0), 0)
    corner = moved[..., min(r0, rows):, min(c0, cols):]
    return xp.lib.stride_tricks.as_strided(corner, moved.shape[:-2] + (n,),
                                           moved.strides[:-2] + (moved.strides[-2] + moved.strides[-1],))


def _diag_assign(xp, out, values, offset, d1, d2):
    n = values.shape[-1]
    i = xp.arange(n)
    r = i + max(-offset, 0)
    c = i + max(offset, 0)
    # move the two dims to the end for simple fancy indexing
    moved = xp.moveaxis(out, (d1, d2), (-2, -1))
    moved[..., r, c] = values


@op('ember', 'Tensor')
def diagonal(input, offset=0, dim1=0, dim2=1):
    nd = input.ndim
    d1, d2 = wrap_dim(dim1, nd), wrap_dim(dim2, nd)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return Diagonal.apply(input, offset, d1, d2)


@op('ember', 'Tensor')
def diag(input, diagonal=0, *, out=None):
    if input.ndim == 1:
        n = input.shape[0] + abs(diagonal)
        _result = DiagEmbed.apply(input, (n, n), diagonal, 0, 1)
        return _result if out is None else write_out('diag', _result, out)
    if input.ndim == 2:
        _result = Diagonal.apply(input, diagonal, 0, 1).clone()
        return _result if out is None else write_out('diag', _result, out)
    raise RuntimeError("diag(): Supports 1D or 2D tensors. Got " + f"{input.ndim}D")


@op('ember', 'Tensor')
def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    nd = input.ndim + 1
    d1, d2 = wrap_dim(dim1, nd), wrap_dim(dim2, nd)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    n = input.shape[-1] + abs(offset)
    shape = tuple(input.shape[:-1]) + (n, n)
    out = DiagEmbed.apply(input, shape, offset, nd - 2, nd - 1)
    if (d1, d2) != (nd - 2, nd - 1):
        out = movedim(out, (nd - 2, nd - 1), (d1, d2))
    return out


class _Tri(Primitive):
    @staticmethod
    def forward(ctx, x, k, upper):
        ctx.args = (k, upper)
        return ctx.xp.triu(x, k) if upper else ctx.xp.tril(x, k)

    @staticmethod
    def backward(ctx, g):
        k, upper = ctx.args
        return (g.triu(k) if upper else g.tril(k)), None, None


class Tril(_Tri):
    node_name = 'TrilBackward0'


class Triu(_Tri):
    node_name = 'TriuBackward0'


@op('ember', 'Tensor', inplace=True)
def tril(input, diagonal=0, *, out=None):
    """The lower triangle of a matrix (or batch of matrices); the rest set to zero.

    Args:
        input (Tensor): the input tensor, at least 2-D.
        diagonal (int): which diagonal bounds the triangle: 0 the main one, positive above it,
            negative below it.
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.tril(ember.ones(3, 3))
        tensor([[1., 0., 0.],
                [1., 1., 0.],
                [1., 1., 1.]])
    """
    if input.ndim < 2:
        raise RuntimeError("tril: input tensor must have at least 2 dimensions")
    _result = Tril.apply(input, diagonal, False)
    return _result if out is None else write_out('tril', _result, out)


@op('ember', 'Tensor', inplace=True)
def triu(input, diagonal=0, *, out=None):
    """The upper triangle of a matrix (or batch of matrices); the rest set to zero.

    Args:
        input (Tensor): the input tensor, at least 2-D.
        diagonal (int): which diagonal bounds the triangle: 0 the main one, positive above it,
            negative below it.
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.triu(ember.ones(3, 3), diagonal=1)
        tensor([[0., 1., 1.],
                [0., 0., 1.],
                [0., 0., 0.]])
    """
    if input.ndim < 2:
        raise RuntimeError("triu: input tensor must have at least 2 dimensions")
    _result = Triu.apply(input, diagonal, True)
    return _result if out is None else write_out('triu', _result, out)


@op('Tensor')
def unfold(input, dimension, size, step):
    if input.ndim == 0:  # a 0-d tensor unfolds as if it were [x]
        return unfold(input.reshape(1), dimension, size, step)
    dim = wrap_dim(dimension, input.ndim)
    if size > input.shape[dim]:
        raise RuntimeError(f"maximum size for tensor at dimension {dim} is {input.shape[dim]} but size is {size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    return Unfold.apply(input, dim, size, step)


class Unfold(Primitive):
    node_name = 'UnfoldBackward0'
    _view = True

    @staticmethod
    def forward(ctx, x, dim, size, step):
        ctx.args = (x.shape, dim, size, step)
        n = (x.shape[dim] - size) // step + 1
        st = x.strides[dim]
        # windows as a strided view: dim becomes the window count, a new last dim walks one window
        shape = x.shape[:dim] + (n,) + x.shape[dim + 1:] + (size,)
        strides = x.strides[:dim] + (st * step,) + x.strides[dim + 1:] + (st,)
        return ctx.xp.lib.stride_tricks.as_strided(x, shape, strides)

    @staticmethod
    def backward(ctx, g):
        shape, dim, size, step = ctx.args
        from ember.ops.creation import zeros
        from ember.ops.index import index_add
        n = g.shape[dim]
        out = zeros(*shape, dtype=g.dtype, device=g.device)
        positions = (np.arange(n)[:, None] * step + np.arange(size)[None, :]).reshape(-1)
        # g: [..., n, ..., size] -> move window axis next to dim, flatten both into positions
        gm = g.movedim(-1, dim + 1)
        gshape = list(gm.shape)
        gm = gm.reshape(tuple(gshape[:dim]) + (n * size,) + tuple(gshape[dim + 2:]))
        from ember.ops.creation import tensor as mk
        return index_add(out, dim, mk(positions, device=g.device), gm), None, None, None
