"""Shape ops: views (share storage and version counter with their base) and copies."""
import numpy as np

from ember.autograd import _saved_attrs as _sa
from ember.ops._quantized_fallback import quantized_or_raise
from ember import _formats, backend
from ember._tensor import Tensor
from ember.autograd import grad_mode
from ember.autograd import function as _function
from ember.autograd.function import Primitive, unrecorded_view
from ember.ops._util import int_arg as _int_arg, int_tensor_arg, shape_arg, wrap_dim, wrap_dims, tensor_sequence
from ember.ops import _argparse
from ember.ops._registry import op
from ember.ops.inplace import write_out
from ember.ops._numpy_keywords import NOT_GIVEN, take, take_required


def _infer_shape(shape, numel):
    n = 1
    for s in shape:
        n *= s
    if n == numel and (not shape or min(shape) >= 0):   # (the common case: every size given)
        return shape if type(shape) is tuple else tuple(shape)
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
    saved_attrs = {'self_sym_sizes': _sa.input_sizes()}  # grad_fn._saved_*, read lazily
    _view = True

    @staticmethod
    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        return _view_array(x, shape)

    @staticmethod
    def backward(ctx, g):
        return g.reshape(ctx.in_shape), None


def _view_array(x, shape):
    """The array ``x`` viewed with ``shape`` (one ``-1`` inferred); PyTorch's errors where the sizes or the
    strides do not allow it."""
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


class ReshapeAlias(View):
    """reshape of a tensor that is not contiguous but whose strides allow the new shape: a view (PyTorch's
    ``_reshape_alias``)."""
    _profile_name = 'aten::_reshape_alias'
    node_name = 'ReshapeAliasBackward0'
    saved_attrs = {'self_sym_sizes': _sa.input_sizes()}  # grad_fn._saved_*, read lazily


class UnsafeView(Primitive):
    """reshape that had to copy: the result is a new tensor, not a view."""
    _profile_name = 'aten::_unsafe_view'
    node_name = 'UnsafeViewBackward0'
    saved_attrs = {'self_sym_sizes': _sa.input_sizes()}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        return ctx.xp.ascontiguousarray(x).reshape(_infer_shape(shape, x.size))

    @staticmethod
    def backward(ctx, g):
        return g.reshape(ctx.in_shape), None


@op('Tensor')
def view(input, *shape, dtype=None, size=None):
    """Returns a new tensor with the same data as ``input`` but a different shape.

    The returned tensor shares storage with ``input``: changing one changes the other. A view needs the new
    shape to be compatible with ``input``'s strides (always true for a contiguous tensor); otherwise it raises
    and :meth:`~Tensor.reshape` (which copies when it must) is the tool. One dimension may be ``-1``: it is
    inferred from the others.

    ``x.view(dtype)`` instead reinterprets the bytes as another dtype (the bits, not the values, as
    ``numpy.ndarray.view``); with a different element size the last dimension shrinks or grows by the ratio.

    Args:
        shape (ember.Size or int...): the desired size (also ``size=``).
        dtype (ember.dtype): the dtype to reinterpret the bytes as, instead of a shape.

    Example::

        >>> ember.tensor([1., 2.]).view(dtype=ember.int32)
        tensor([1065353216, 1073741824], dtype=ember.int32)
        >>> x = ember.arange(6.)
        >>> y = x.view(2, 3)
        >>> y
        tensor([[0., 1., 2.],
                [3., 4., 5.]])
        >>> x.view(-1, 2).shape
        ember.Size([3, 2])
        >>> y[0, 0] = 10.
        >>> x
        tensor([10.,  1.,  2.,  3.,  4.,  5.])
    """
    if dtype is not None or size is not None:
        if shape or (dtype is not None and size is not None):
            raise TypeError("view() received an invalid combination of arguments")
        shape = (dtype if size is None else size,)
    if len(shape) == 1 and not isinstance(shape[0], (int, tuple, list)) and shape[0] is not None:
        from ember._dtype import to_dtype
        return view_dtype(input, to_dtype(shape[0]))
    shape = shape_arg(shape)
    r = unrecorded_view(View, input, _view_array, shape)
    return View.apply(input, shape) if r is None else r


def view_dtype(input, dtype):
    old_size, new_size = input.dtype.itemsize, dtype.itemsize
    if old_size != new_size:
        _check_view_dtype_layout(input, dtype)
    out = Tensor._make(input._data.view(dtype.np_dtype), input._device)
    out._version_counter = input._version_counter
    return out


def _check_view_dtype_layout(input, dtype):
    """PyTorch's conditions for reinterpreting bytes with a different element size: the last dimension
    must be contiguous and, when elements grow, its size, the storage offset and the other strides must
    be whole numbers of the new elements."""
    from ember._tensor import _scalar_type_name
    what = (f"to view {_scalar_type_name(input.dtype)} as {_scalar_type_name(dtype)} "
            f"(different element sizes)")
    if input.dim() == 0:
        raise RuntimeError(f"self.dim() cannot be 0 {what}")
    if input.stride(-1) != 1:
        raise RuntimeError(f"self.stride(-1) must be 1 {what}, but got {input.stride(-1)}")
    ratio = dtype.itemsize // input.dtype.itemsize
    if ratio <= 1:
        return
    if input.shape[-1] % ratio:
        raise RuntimeError(f"self.size(-1) must be divisible by {ratio} {what}, but got {input.shape[-1]}")
    if input.storage_offset() % ratio:
        raise RuntimeError(f"self.storage_offset() must be divisible by {ratio} {what}, "
                           f"but got {input.storage_offset()}")
    for d, step in enumerate(input.stride()[:-1]):
        if step % ratio:
            raise RuntimeError(f"self.stride({d}) must be divisible by {ratio} {what}, but got {step}")


def _int_sequence(fn, param, value):
    """The ``ember.*`` spellings take sizes and dims as one sequence (``ember.reshape(x, (2, 3))``), as
    PyTorch's do; the Tensor methods also take them spread out (``x.reshape(2, 3)``)."""
    if not isinstance(value, (tuple, list)):
        _argparse.refuse_from_stack()   # (PyTorch's error for the call as made: a wrong input, a left-out size)
        raise TypeError(f"{fn}(): argument '{param}' (position 2) must be tuple of ints, not {type(value).__name__}")
    return value


@op('ember', name='reshape')
def reshape_function(input, shape):
    """Returns a tensor with the entries of ``input`` in the given ``shape`` (a view when possible).

    Example::

        >>> ember.reshape(ember.arange(6), (2, 3))
        tensor([[0, 1, 2],
                [3, 4, 5]])
        >>> ember.reshape(ember.arange(4), (-1,)).shape
        ember.Size([4])
    """
    return reshape(input, _int_sequence('reshape', 'shape', shape))


reshape_function.__name__ = reshape_function.__qualname__ = 'reshape'   # as errors and help() name it


@op('Tensor')
def reshape(input, *shape):
    """A tensor with this tensor's elements in the given shape (a view when the strides allow it, else a copy).

    The shape may be given as separate ints or as one tuple; one dimension may be ``-1`` (inferred).

    Example::

        >>> x = ember.arange(6)
        >>> x.reshape(2, 3)
        tensor([[0, 1, 2],
                [3, 4, 5]])
        >>> x.reshape((3, -1))
        tensor([[0, 1],
                [2, 3],
                [4, 5]])

    Example::

        >>> ember.reshape(ember.arange(6), (2, 3))
        tensor([[0, 1, 2],
                [3, 4, 5]])
        >>> ember.arange(6).reshape(-1, 2).shape
        ember.Size([3, 2])
    """
    shape = shape_arg(shape)
    try:
        x = input._data
    except AttributeError:      # not a tensor: PyTorch's argument error for the op called
        _argparse.refuse_from_stack()
        raise
    r = unrecorded_view(View, input, _view_array, shape)   # (None where it would copy, or raise)
    if r is not None:
        return r
    # PyTorch's three ways, each its node: a view of a contiguous tensor (ViewBackward0), an alias with new strides
    # where they allow it (ReshapeAliasBackward0), else a contiguous clone viewed (UnsafeViewBackward0 over
    # CloneBackward0, recorded: UnsafeView's forward then copies nothing more; unrecorded, UnsafeView copies)
    if x.flags.c_contiguous:
        return View.apply(input, shape)
    if _can_view(x, _infer_shape(shape, x.size)):
        return ReshapeAlias.apply(input, shape)
    if input._requires_grad and grad_mode._state.enabled:
        input = Clone.apply(input)
    return UnsafeView.apply(input, shape)


def _can_view(x, shape):
    try:
        x.reshape(shape, copy=False)
        return True
    except (ValueError, TypeError):
        return False


@op('ember', 'Tensor', guard=True)
def view_as(input, other):
    """Views ``input`` with the size of ``other``: ``input.view(other.size())``.

    Args:
        other (Tensor): the result has the same size as ``other``.

    Example::

        >>> ember.arange(4.).view_as(ember.zeros(2, 2))
        tensor([[0., 1.],
                [2., 3.]])
    """
    return view(input, tuple(other.shape))


@op('Tensor')
def reshape_as(input, other):
    """Returns ``input`` reshaped to the shape of ``other``: ``input.reshape(other.size())`` (a view when possible,
    otherwise a copy).

    Args:
        other (Tensor): the result has the same shape as ``other``.

    Example::

        >>> ember.arange(6).reshape_as(ember.zeros(3, 2))
        tensor([[0, 1],
                [2, 3],
                [4, 5]])
    """
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
    if input.__class__ is Tensor and type(start_dim) is int and type(end_dim) is int:
        # (the common call, nn.Flatten's: what the general path below computes, without its calls)
        shape = input._data.shape
        nd = len(shape)
        s = start_dim + nd if start_dim < 0 else start_dim
        e = end_dim + nd if end_dim < 0 else end_dim
        if 0 <= s < e < nd:
            n = 1
            for d in shape[s:e + 1]:
                n *= d
            r = unrecorded_view(View, input, _view_array, shape[:s] + (n,) + shape[e + 1:])
            if r is not None:
                return r
    try:
        nd = input.ndim
    except AttributeError:      # not a tensor: PyTorch's argument error for the op called
        _argparse.refuse_from_stack()
        raise
    if nd == 0:
        return reshape(input, (1,))
    s, e = wrap_dim(start_dim, nd), wrap_dim(end_dim, nd)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    shape = input.shape
    n = 1
    try:
        dims = shape[s:e + 1]
    except TypeError:       # a dim of the wrong type (x.flatten(0.5)): PyTorch's argument error
        _argparse.refuse_from_stack()
        raise
    for d in dims:
        n *= d
    try:
        return reshape(input, tuple(shape[:s]) + (n,) + tuple(shape[e + 1:]))
    except NotImplementedError as error:
        return quantized_or_raise(error, 'flatten', input, start_dim, end_dim)


@op('ember', 'Tensor')
def unflatten(input, dim, sizes):
    """Expands dimension ``dim`` of ``input`` into several dimensions of sizes ``sizes``.

    Args:
        input (Tensor): the input tensor.
        dim (int): the dimension to unflatten.
        sizes (Tuple[int]): the new shape of that dimension; one entry may be ``-1``. Their product must equal
            the size of ``dim``.

    Example::

        >>> ember.unflatten(ember.zeros(3, 4, 1), 1, (2, 2)).shape
        ember.Size([3, 2, 2, 1])
        >>> ember.unflatten(ember.zeros(3, 4, 1), 1, (-1, 2)).shape
        ember.Size([3, 2, 2, 1])
    """
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
    saved_attrs = {'self_sym_sizes': _sa.input_sizes()}  # grad_fn._saved_*, read lazily
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
    """Returns a view of ``input`` with singleton dimensions expanded to a larger size.

    Passing ``-1`` keeps a dimension's size. New dimensions may be added in front. No memory is copied: the
    expanded dimensions have stride 0, so write to the result only after cloning it.

    Args:
        *sizes (ember.Size or int...): the desired expanded size.

    Example::

        >>> x = ember.tensor([[1], [2], [3]])
        >>> x.expand(3, 4)
        tensor([[1, 1, 1, 1],
                [2, 2, 2, 2],
                [3, 3, 3, 3]])
        >>> x.expand(-1, 2)
        tensor([[1, 1],
                [2, 2],
                [3, 3]])
    """
    sizes = shape_arg(sizes)
    shape = input.shape
    if len(sizes) < len(shape):
        if not sizes:       # none given: PyTorch's parser refuses the call first
            _argparse.refuse_from_stack()
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


@op('Tensor', guard=True)
def expand_as(input, other):
    """Expands ``input`` to the size of ``other``: ``input.expand(other.size())``.

    Args:
        other (Tensor): the result has the same size as ``other``.

    Example::

        >>> ember.tensor([1, 2]).expand_as(ember.zeros(2, 2))
        tensor([[1, 2],
                [1, 2]])
    """
    return expand(input, tuple(other.shape))


@op('ember', 'Tensor')
def broadcast_to(input, size):
    """Broadcasts ``input`` to the shape ``size`` (a view, like :meth:`~Tensor.expand`).

    Args:
        input (Tensor): the input tensor.
        size (list, tuple, or :class:`ember.Size`): the new shape.

    Example::

        >>> ember.broadcast_to(ember.tensor([1, 2, 3]), (2, 3))
        tensor([[1, 2, 3],
                [1, 2, 3]])
    """
    return expand(input, tuple(size))


@op('ember')
def broadcast_shapes(*shapes):
    """The shape the given shapes broadcast to (an ``ember.Size``), with PyTorch's error text.

    Example::

        >>> ember.broadcast_shapes((2, 1), (1, 3), (3,))
        ember.Size([2, 3])
    """
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
    """Broadcasts the given tensors against each other by the broadcasting rules.

    Args:
        *tensors: any number of tensors of the same type.

    Returns:
        a tuple of views of the inputs, all of the broadcast shape.

    Example::

        >>> x = ember.arange(3).view(1, 3)
        >>> y = ember.arange(2).view(2, 1)
        >>> a, b = ember.broadcast_tensors(x, y)
        >>> a.size()
        ember.Size([2, 3])
        >>> b
        tensor([[0, 0, 0],
                [1, 1, 1]])
    """
    tensor_sequence(tensors)
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


def _sum_to(x, shape, keepdims=False):
    """``x`` summed to ``shape`` (``keepdims``: the sum before its leading dims are dropped)."""
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
    if axes == [x.ndim - 1] and 1 < x.shape[-1] < 8 and x.dtype.char in 'fd' and x.ndim > 1:
        # a short last axis (repeat_interleave's, a broadcast column's): NumPy reduces it one row at a time,
        # some 50x slower than adding its columns, which is the same sum (NumPy adds fewer than 8 terms in
        # order: the same bits)
        out = x[..., :1].copy()
        for k in range(1, x.shape[-1]):
            out += x[..., k:k + 1]
    else:
        out = x.sum(axis=tuple(axes), keepdims=True) if axes else x
    return out if keepdims else out.reshape(shape)


@op('Tensor')
def sum_to_size(input, *size):
    """Sums ``input`` down to ``size``, which ``input`` must be broadcastable to (the reverse of
    :meth:`~Tensor.expand`; used to reduce gradients of broadcast operands).

    Args:
        size (int...): a sequence of integers defining the shape of the output tensor.

    Example::

        >>> ember.ones(2, 3).sum_to_size(1, 3)
        tensor([[2., 2., 2.]])
        >>> ember.ones(2, 3).sum_to_size(2, 1)
        tensor([[3.],
                [3.]])
    """
    size = shape_arg(size)
    if tuple(input.shape) == size:
        return input
    lead = input.ndim - len(size)
    if lead > 0 or any(want == 1 and have != 1 for want, have in zip(size, input.shape[lead:])):
        from ember.ops._float8 import refuse_float8
        refuse_float8('sum_cpu', input)     # (a sum to do: PyTorch's sum refuses float8)
    if input._requires_grad and grad_mode._state.enabled and input.__class__ is Tensor and \
            not _function._op_hooks and input._device.type != 'meta':
        return _sum_to_size_steps(input, size)
    return SumToSize.apply(input, size)


def _sum_to_size_steps(input, size):
    """sum_to_size with PyTorch's graph (its ``sum_to``): a keepdim sum over the leading and the broadcast dims
    (SumBackward1), viewed to ``size`` when leading dims went (ViewBackward0); the sum is SumToSize's own (its
    bits), each node recorded over it (autograd/_recorded_steps.py)."""
    from ember.autograd._recorded_steps import record_step
    from ember.ops.reduce import SumDim
    x = input._data
    summed = _sum_to(x, size, keepdims=True)
    dims = tuple(i for i in range(x.ndim) if summed.shape[i] != x.shape[i] or i < x.ndim - len(size))
    out = record_step(SumDim, (input, dims, True, None), summed, args=(x.shape, dims, True))
    if x.ndim == len(size):
        return out
    return record_step(View, (out, size), summed.reshape(size), in_shape=summed.shape)


class Squeeze(Primitive):
    node_name = 'SqueezeBackward0'
    saved_attrs = {'self_sym_sizes': _sa.input_sizes()}  # grad_fn._saved_*, read lazily
    _view = True

    @staticmethod
    def forward(ctx, x, dims):
        ctx.in_shape = x.shape
        ctx.dims = dims
        if dims is None:
            return x.reshape([s for s in x.shape if s != 1])
        keep = [s for i, s in enumerate(x.shape) if not (i in dims and s == 1)]
        return x.reshape(keep)

    @staticmethod
    def backward(ctx, g):
        return g.reshape(ctx.in_shape), None


class SqueezeDim(Squeeze):
    node_name = 'SqueezeBackward1'
    saved_attrs = {'dim': _sa.item('dims', 0, _sa.as_int64), 'self_sym_sizes': _sa.field('in_shape')}  # grad_fn._saved_*
    _profile_name = 'aten::squeeze'


class SqueezeDims(Squeeze):
    node_name = 'SqueezeBackward2'
    saved_attrs = {'dim': _sa.field('dims', _sa.int_list), 'self_sym_sizes': _sa.field('in_shape')}  # grad_fn._saved_*
    _profile_name = 'aten::squeeze'


@op('ember', 'Tensor')
def squeeze(input, dim=None, *, axis=NOT_GIVEN):
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
    if axis is not NOT_GIVEN:     # NumPy's name, as PyTorch's parser takes it
        dim = take('squeeze', 'axis', axis, dim, None)
    if dim is None:
        return Squeeze.apply(input, None)
    if isinstance(dim, int):
        return SqueezeDim.apply(input, wrap_dims(dim, input.ndim))
    dims = wrap_dims(dim, input.ndim)   # (a list too; a float alone refused there)
    if float in map(type, dims):    # floats in a sequence pass the range check: refused here (one C-level scan)
        _argparse.refuse_from_stack()
    return SqueezeDims.apply(input, dims)


class Unsqueeze(Primitive):
    node_name = 'UnsqueezeBackward0'
    saved_attrs = {'dim': _sa.field('dim', _sa.as_int64)}  # grad_fn._saved_*, read lazily
    _view = True

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        return ctx.xp.expand_dims(x, dim)

    @staticmethod
    def backward(ctx, g):
        return g.squeeze(ctx.dim), None


def _unsqueeze_array(x, dim):
    """Unsqueeze's forward on a NumPy array: the reshape ``np.expand_dims`` makes, without its argument
    handling (a few microseconds)."""
    shape = x.shape
    return x.reshape(shape[:dim] + (1,) + shape[dim:])


@op('ember', 'Tensor')
def unsqueeze(input, dim=NOT_GIVEN, *, axis=NOT_GIVEN):
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
    if dim is NOT_GIVEN or axis is not NOT_GIVEN:     # NumPy's name, as PyTorch's parser takes it
        dim = take_required('unsqueeze', 'dim', 'axis', axis, dim)
    try:
        nd = input.ndim
    except AttributeError:      # not a tensor: PyTorch's argument error for the op called
        _argparse.refuse_from_stack()
        raise
    dim = wrap_dim(dim, nd + 1)
    r = unrecorded_view(Unsqueeze, input, _unsqueeze_array, dim)
    return Unsqueeze.apply(input, dim) if r is None else r


class Permute(Primitive):
    node_name = 'PermuteBackward0'
    saved_attrs = {'dims': _sa.field('dims', _sa.int_list)}  # grad_fn._saved_*, read lazily
    _view = True

    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return _permute_array(x, dims)

    @staticmethod
    def backward(ctx, g):
        return g.permute(tuple(np.argsort(ctx.dims).tolist())), None


@op('ember', name='permute')
def permute_function(input, dims):
    """Returns a view of ``input`` with its dimensions in the order ``dims``.

    Example::

        >>> x = ember.zeros(2, 3, 4)
        >>> ember.permute(x, (2, 0, 1)).shape
        ember.Size([4, 2, 3])
    """
    return permute(input, _int_sequence('permute', 'dims', dims))


permute_function.__name__ = permute_function.__qualname__ = 'permute'   # as errors and help() name it


@op('Tensor')
def permute(input, *dims):
    """A view of this tensor with its dimensions reordered; the dimensions may be given as separate ints or as one
    tuple.

    Example::

        >>> x = ember.zeros(2, 3, 5)
        >>> x.permute(2, 0, 1).shape
        ember.Size([5, 2, 3])
        >>> x.permute((1, 2, 0)).shape
        ember.Size([3, 5, 2])

    Example::

        >>> x = ember.zeros(2, 3, 5)
        >>> ember.permute(x, (2, 0, 1)).shape
        ember.Size([5, 2, 3])
    """
    dims = shape_arg(dims)
    try:
        nd = input.ndim
    except AttributeError:      # not a tensor: PyTorch's argument error for the op called
        _argparse.refuse_from_stack()
        raise
    if len(dims) != nd:
        if not dims:        # none given: PyTorch's parser refuses the call first
            _argparse.refuse_from_stack()
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does not match the "
                           f"length of the desired ordering of dimensions i.e. input.dim() = {input.ndim} is not "
                           f"equal to len(dims) = {len(dims)}")
    wrapped = tuple(wrap_dim(d, input.ndim) for d in dims)
    if len(set(wrapped)) != len(wrapped):
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    r = unrecorded_view(Permute, input, _permute_array, wrapped)
    return Permute.apply(input, wrapped) if r is None else r


def _permute_array(x, dims):
    """Permute's forward on a NumPy array."""
    return x.transpose(dims)


def _t_array(x):
    return x.T if x.ndim == 2 else x.view()


class Transpose(Primitive):
    node_name = 'TransposeBackward0'
    saved_attrs = {'dim0': _sa.item('d', 0, _sa.as_int64), 'dim1': _sa.item('d', 1, _sa.as_int64)}  # grad_fn._saved_*, read lazily
    _view = True

    @staticmethod
    def forward(ctx, x, d0, d1):
        ctx.d = (d0, d1)
        return ctx.xp.swapaxes(x, d0, d1) if x.ndim else x.view()  # a 0-d tensor "transposes" to itself

    @staticmethod
    def backward(ctx, g):
        return g.transpose(*ctx.d), None, None


def _transpose_array(x, d0, d1):
    """Transpose's forward on a NumPy array."""
    return x.swapaxes(d0, d1) if x.ndim else x.view()   # a 0-d tensor "transposes" to itself


class T(Primitive):
    """t(): swaps the two dims of a matrix; a 0-D or 1-D tensor comes back as a view of itself."""
    node_name = 'TBackward0'
    _view = True

    @staticmethod
    def forward(ctx, x):
        return _t_array(x)

    @staticmethod
    def backward(ctx, g):
        if not grad_mode._state.enabled and type(g) is Tensor and not g.is_sparse:
            # nothing to record: the bare transposed array (no view bookkeeping, and nothing else
            # keeps the array it views, so a leaf may take it as its .grad without a copy)
            d = g._data
            return Tensor._make(d.T, g._device) if d.ndim == 2 else g
        return g.t()


@op('ember', 'Tensor', aliases=('swapdims',))
def transpose(input, dim0, dim1):
    """Returns a tensor that is a transposed version of ``input``: dimensions ``dim0`` and ``dim1`` are swapped.

    The result is a view sharing storage with ``input``. Also available as :func:`ember.swapdims`.

    Args:
        input (Tensor): the input tensor.
        dim0 (int): the first dimension to be transposed.
        dim1 (int): the second dimension to be transposed.

    Example::

        >>> x = ember.tensor([[1., 2., 3.], [4., 5., 6.]])
        >>> ember.transpose(x, 0, 1)
        tensor([[1., 4.],
                [2., 5.],
                [3., 6.]])
    """
    try:
        nd = input.ndim
    except AttributeError:      # not a tensor: PyTorch's argument error for the op called
        _argparse.refuse_from_stack()
        raise
    d0, d1 = wrap_dim(dim0, nd), wrap_dim(dim1, nd)
    r = unrecorded_view(Transpose, input, _transpose_array, d0, d1)
    if r is not None:
        return r
    try:
        return Transpose.apply(input, d0, d1)
    except NotImplementedError as error:
        return quantized_or_raise(error, 'transpose', input, dim0, dim1)


swapdims = transpose


@op('ember', 'Tensor')
def swapaxes(input, axis0, axis1):
    """NumPy's name for ``transpose``: ``axis0`` and ``axis1`` swapped (a view).

    Example::

        >>> ember.swapaxes(ember.zeros(2, 3), 0, 1).shape
        ember.Size([3, 2])
    """
    return transpose(input, axis0, axis1)


@op('ember', 'Tensor')
def t(input):
    """Transposes a tensor of at most 2 dimensions: dimensions 0 and 1 are swapped; 0-D and 1-D tensors are
    returned as they are.

    Args:
        input (Tensor): the input tensor.

    Example::

        >>> x = ember.tensor([[1, 2, 3], [4, 5, 6]])
        >>> ember.t(x)
        tensor([[1, 4],
                [2, 5],
                [3, 6]])
        >>> ember.t(ember.tensor([1, 2])).shape
        ember.Size([2])
    """
    try:
        nd = input.ndim
    except AttributeError:      # not a tensor: PyTorch's argument error for the op called
        _argparse.refuse_from_stack()
        raise
    if nd > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.ndim}D")
    r = unrecorded_view(T, input, _t_array)
    return T.apply(input) if r is None else r


@op('ember', 'Tensor')
def adjoint(input):
    """Returns a view of ``input`` with its last two dimensions swapped and, for complex tensors, conjugated.

    Args:
        input (Tensor): the input tensor.

    Example::

        >>> x = ember.tensor([[1 + 1j, 2 - 1j], [3j, 4]])
        >>> x.adjoint()
        tensor([[1.-1.j, 0.-3.j],
                [2.+1.j, 4.-0.j]])
    """
    if input.ndim == 0:
        from ember._warn_once import warn_once
        warn_once("adjoint() is deprecated on 0-D tensors. Consider using x.conj().")
        return input.conj()
    if input.ndim == 1:
        raise RuntimeError("tensor.adjoint() is only supported on matrices or batches of matrices. Got 1-D tensor.")
    return transpose(input, -2, -1).conj()


@op('ember', 'Tensor', aliases=('moveaxis',))
def movedim(input, source, destination):
    """Moves the dimension(s) of ``input`` at ``source`` to the position(s) in ``destination``; the other
    dimensions keep their order.

    Also available as :func:`ember.moveaxis`.

    Args:
        input (Tensor): the input tensor.
        source (int or tuple of ints): original positions of the dims to move.
        destination (int or tuple of ints): destination positions for each of the original dims.

    Example::

        >>> t = ember.zeros(3, 2, 1)
        >>> ember.movedim(t, 1, 0).shape
        ember.Size([2, 3, 1])
        >>> ember.movedim(t, (1, 2), (0, 1)).shape
        ember.Size([2, 1, 3])
    """
    nd = input.ndim
    # (new names: the arguments stay as given, for PyTorch's error about them)
    sources = tuple(source) if isinstance(source, (tuple, list)) else (source,)
    destinations = tuple(destination) if isinstance(destination, (tuple, list)) else (destination,)
    if len(sources) != len(destinations):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({_fmt(sources)} dims) should "
                           f"contain the same number of dims as destination ({_fmt(destinations)} dims)")
    src = tuple(wrap_dim(d, nd) for d in sources)
    dst = tuple(wrap_dim(d, nd) for d in destinations)
    for name, given, wrapped in (('source', sources, src), ('destination', destinations, dst)):
        if len(set(wrapped)) != len(wrapped):
            raise RuntimeError(f"movedim: repeated dim in `{name}` ({_fmt(given)})")
    if nd == 0:                  # a 0-d tensor (dims 0 or -1 moved onto themselves): itself, as a view
        return Permute.apply(input, ())
    order = [d for d in range(nd) if d not in src]
    try:
        for d, s in sorted(zip(dst, src)):
            order.insert(d, int(s))     # (the node shows the order it makes, wrapped)
    except TypeError:       # a dim not an int (wrap_dim lets 0.5 through): PyTorch's argument error
        _argparse.refuse_from_stack()
        raise
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
    """``input`` itself when its memory is already in ``memory_format``'s order, else a copy that is.

    Example::

        >>> x = ember.arange(6).view(2, 3).t()
        >>> x.is_contiguous(), x.contiguous().is_contiguous()
        (False, True)
    """
    if _formats.is_in_format(input._data, memory_format):
        return input
    result = Clone.apply(input)
    result._data = _formats.arrange(result._xp, result._data, memory_format, 'contiguous')
    return result


def _joined_layout(xp, out, xs):
    """cat's result layout as PyTorch's: channels-last when every input is, else contiguous."""
    if out.ndim == 4 and all(x.ndim == 4 and x.transpose(0, 2, 3, 1).flags.c_contiguous for x in xs):
        return out
    return xp.ascontiguousarray(out)


class Cat(Primitive):
    node_name = 'CatBackward0'
    saved_attrs = {'dim': _sa.field('dim', _sa.as_int64)}  # grad_fn._saved_*, read lazily
    _promote = 'tensors'   # dim is an option, not an operand: bool tensors stay bool

    @staticmethod
    def forward(ctx, dim, *xs):
        # NOTE: PyTorch skips legacy empty 1-D tensors (shape [0]) whatever the other shapes are
        skip = [x.ndim == 1 and x.shape[0] == 0 for x in xs]
        ctx.sizes = [None if sk else x.shape[dim] for x, sk in zip(xs, skip)]
        ctx.dim = dim
        kept = [x for x, sk in zip(xs, skip) if not sk]
        # contiguous whatever the inputs' layouts, as PyTorch's (unless they all share channels-last)
        return _joined_layout(ctx.xp, ctx.xp.concatenate(kept or xs[:1], axis=dim if kept else 0), xs)

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
    if isinstance(tensors, Tensor):
        _argparse.refuse_from_stack()    # (a tensor is iterable, but PyTorch takes a sequence of them)
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
    try:
        result = Cat.apply(dim, *tensors)
    except NotImplementedError:     # (a try costs nothing until it catches)
        if not any(t.is_quantized for t in tensors):
            raise
        from ember.quantized._functions import cat as quantized_cat
        return quantized_cat(tensors, dim)
    return result if out is None else write_out('cat', result, out, sources=tensors)


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
    if isinstance(tensors, Tensor):
        _argparse.refuse_from_stack()    # (a tensor is iterable, but PyTorch takes a sequence of them)
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
    return result if out is None else write_out('stack', result, out, sources=tensors)


class Stack(Primitive):
    node_name = 'StackBackward0'
    saved_attrs = {'dim': _sa.field('dim', _sa.as_int64)}  # grad_fn._saved_*, read lazily
    _promote = 'tensors'   # dim is an option, not an operand: bool tensors stay bool

    @staticmethod
    def forward(ctx, dim, *xs):
        ctx.dim = dim
        ctx.n = len(xs)
        return ctx.xp.ascontiguousarray(ctx.xp.stack(xs, axis=dim))

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
    """Stacks tensors in sequence horizontally (column wise): :func:`ember.cat` along dimension 1, or along
    dimension 0 for 1-D tensors.

    Args:
        tensors (sequence of Tensors): sequence of tensors to concatenate.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.hstack((ember.tensor([1, 2, 3]), ember.tensor([4, 5, 6])))
        tensor([1, 2, 3, 4, 5, 6])
        >>> ember.hstack((ember.tensor([[1], [2]]), ember.tensor([[4], [5]])))
        tensor([[1, 4],
                [2, 5]])
    """
    tensors = [atleast_1d(t) for t in _nonempty(tensors, 'hstack')]
    _result = cat(tensors, 0 if tensors[0].ndim == 1 else 1)
    return _result if out is None else write_out('hstack', _result, out)


@op('ember', aliases=('row_stack',))
def vstack(tensors, *, out=None):
    """Stacks tensors in sequence vertically (row wise): 1-D tensors become rows, then :func:`ember.cat` along
    dimension 0.

    Also available as :func:`ember.row_stack`.

    Args:
        tensors (sequence of Tensors): sequence of tensors to concatenate.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.vstack((ember.tensor([1, 2, 3]), ember.tensor([4, 5, 6])))
        tensor([[1, 2, 3],
                [4, 5, 6]])
    """
    _result = cat([atleast_2d(t) for t in _nonempty(tensors, 'vstack')], 0)
    return _result if out is None else write_out('vstack', _result, out)


@op('ember')
def dstack(tensors, *, out=None):
    """Stacks tensors in sequence depthwise (along the third dimension), after making each at least 3-D with
    :func:`ember.atleast_3d`.

    Args:
        tensors (sequence of Tensors): sequence of tensors to concatenate.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.dstack((ember.tensor([1, 2]), ember.tensor([3, 4])))
        tensor([[[1, 3],
                 [2, 4]]])
    """
    _result = cat([atleast_3d(t) for t in _nonempty(tensors, 'dstack')], 2)
    return _result if out is None else write_out('dstack', _result, out)


@op('ember')
def column_stack(tensors, *, out=None):
    """Makes a 2-D tensor by stacking ``tensors`` as columns: 1-D and 0-D tensors become columns, 2-D tensors are
    concatenated along dimension 1.

    Args:
        tensors (sequence of Tensors): sequence of tensors to concatenate.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.column_stack((ember.tensor([1, 2, 3]), ember.tensor([4, 5, 6])))
        tensor([[1, 4],
                [2, 5],
                [3, 6]])
    """
    _result = hstack([t.reshape(-1, 1) if t.ndim <= 1 else t for t in _nonempty(tensors, 'column_stack')])
    return _result if out is None else write_out('column_stack', _result, out)


@op('ember')
def atleast_1d(*tensors):
    """Returns a 1-dimensional view of each input with zero dimensions; inputs with one or more dimensions are
    returned as they are.

    Args:
        input (Tensor or list of Tensors): the tensor(s).

    Returns:
        a tensor, or a tuple of tensors when several are given.

    Example::

        >>> ember.atleast_1d(ember.tensor(1.5))
        tensor([1.5000])
        >>> ember.atleast_1d(ember.tensor(1.), ember.tensor([2., 3.]))
        (tensor([1.]), tensor([2., 3.]))
    """
    return _each_tensor('atleast_1d', tensors, lambda t: t.reshape(1) if t.ndim == 0 else t)


@op('ember')
def atleast_2d(*tensors):
    """Returns a 2-dimensional view of each input with fewer dimensions; inputs with two or more dimensions are
    returned as they are.

    Args:
        input (Tensor or list of Tensors): the tensor(s).

    Returns:
        a tensor, or a tuple of tensors when several are given.

    Example::

        >>> ember.atleast_2d(ember.tensor(1.5))
        tensor([[1.5000]])
        >>> ember.atleast_2d(ember.tensor([1, 2]))
        tensor([[1, 2]])
    """
    return _each_tensor('atleast_2d', tensors, _at_least_2d)


def _at_least_2d(t):
    # the steps PyTorch takes, so the graph shows its nodes: a number reshaped, a vector unsqueezed
    if t.ndim == 0:
        return t.reshape(1, 1)
    return t.unsqueeze(0) if t.ndim == 1 else t


@op('ember')
def atleast_3d(*tensors):
    """Returns a 3-dimensional view of each input with fewer dimensions; inputs with three or more dimensions are
    returned as they are.

    Args:
        input (Tensor or list of Tensors): the tensor(s).

    Returns:
        a tensor, or a tuple of tensors when several are given.

    Example::

        >>> ember.atleast_3d(ember.tensor(0.5)).shape
        ember.Size([1, 1, 1])
        >>> ember.atleast_3d(ember.tensor([[1, 2]])).shape
        ember.Size([1, 2, 1])
    """
    return _each_tensor('atleast_3d', tensors, _at_least_3d)


def _at_least_3d(t):
    if t.ndim == 0:
        return t.reshape(1, 1, 1)
    if t.ndim == 1:
        return t.unsqueeze(0).unsqueeze(-1)     # (PyTorch's two UnsqueezeBackward0 nodes)
    if t.ndim == 2:
        return t.unsqueeze(-1)
    return t


def _each_tensor(name, args, fn):
    """PyTorch's two overloads of ``atleast_*d``: one tensor gives a tensor; several tensors, or a
    list or tuple of them, give a tuple."""
    single = len(args) == 1 and not isinstance(args[0], (list, tuple))
    items = args[0] if len(args) == 1 and not single else args
    for i, t in enumerate(items):
        if not isinstance(t, Tensor):
            if not single:      # (PyTorch hands the tensors on as one list: the element is named)
                raise TypeError(f"expected Tensor as element {i} in argument 0, but got {_argparse.type_name(t)}")
            from ember.ops._invalid_args import invalid_combination
            raise TypeError(invalid_combination(name, ('(Tensor input)', '(tuple of Tensors tensors)'), (t,), {}))
    return fn(items[0]) if single else tuple(fn(t) for t in items)


class Narrow(Primitive):
    node_name = 'SliceBackward0'
    saved_attrs = {'dim': _sa.item('args', 1, _sa.as_int64), 'end': _sa.field('end'), 'self_sym_sizes': _sa.item('args', 0),
                   'start': _sa.item('args', 2), 'step': _sa.const(1)}  # grad_fn._saved_*, read lazily
    _view = True

    @staticmethod
    def forward(ctx, x, dim, start, length):
        ctx.args = (x.shape, dim, start)
        ctx.end = start + length
        idx = [slice(None)] * x.ndim
        idx[dim] = slice(start, start + length)
        return x[tuple(idx)]

    @staticmethod
    def backward(ctx, g):
        shape, dim, start = ctx.args
        return _pad_dim(g, shape, dim, start), None, None, None


class Split(Primitive):
    """``split``/``chunk``: every piece is an output of this one node, as in PyTorch, so backward
    concatenates the pieces' gradients once (pieces that got none count as zeros)."""
    node_name = 'SplitBackward0'
    saved_attrs = {'dim': _sa.field('dim', _sa.as_int64), 'self_sym_sizes': _sa.input_sizes(),
                   'split_size': _sa.field('step')}  # grad_fn._saved_*, read lazily
    _view = True

    @staticmethod
    def forward(ctx, x, dim, sizes, step):
        # (``step``: the one size asked for, which PyTorch's node shows; None where a list of sizes was given)
        ctx.dim = dim
        ctx.step = step
        idx = [slice(None)] * x.ndim
        out, start = [], 0
        for n in sizes:
            idx[dim] = slice(start, start + n)
            out.append(x[tuple(idx)])
            start += n
        return tuple(out)

    @staticmethod
    def backward(ctx, *grads):
        return cat(list(grads), ctx.dim) if len(grads) > 1 else grads[0], None, None, None


_SPLIT_SIZES = {'dim': _sa.field('dim', _sa.as_int64), 'self_sym_sizes': _sa.input_sizes(),
                'split_sizes': _sa.field('sizes', _sa.int_list)}  # grad_fn._saved_*, read lazily


class SplitWithSizes(Split):
    node_name = 'SplitWithSizesBackward0'
    saved_attrs = _SPLIT_SIZES

    @staticmethod
    def forward(ctx, x, dim, sizes, step):
        ctx.sizes = sizes
        return Split.forward(ctx, x, dim, sizes, step)


class UnsafeSplit(Split):
    """``unsafe_split``/``unsafe_chunk``: the pieces share ``input``'s memory but are not tracked as its views
    (PyTorch's ``unsafe_`` ops: an in-place write into a piece is neither checked against nor seen by ``input``'s
    other uses)."""
    node_name = 'UnsafeSplitBackward0'
    saved_attrs = Split.saved_attrs
    _view = False


class UnsafeSplitWithSizes(UnsafeSplit):
    node_name = 'UnsafeSplitWithSizesBackward0'
    saved_attrs = _SPLIT_SIZES
    forward = staticmethod(SplitWithSizes.forward)


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
    """Returns a narrowed view of ``input``: along ``dim``, the ``length`` elements from ``start``.

    Args:
        input (Tensor): the tensor to narrow.
        dim (int): the dimension along which to narrow.
        start (int or Tensor): index of the element to start the narrowed dimension from (negative counts from
            the end).
        length (int): length of the narrowed dimension.

    Example::

        >>> x = ember.tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
        >>> ember.narrow(x, 0, 0, 2)
        tensor([[1, 2, 3],
                [4, 5, 6]])
        >>> ember.narrow(x, 1, 1, 2)
        tensor([[2, 3],
                [5, 6],
                [8, 9]])
    """
    if input.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    dim = wrap_dim(dim, input.ndim)
    size = input.shape[dim]
    start = start.item() if isinstance(start, Tensor) else start
    length = int_tensor_arg(length, one_element=True)
    try:
        if not -size <= start <= size:
            raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], but got {start})")
        if start < 0:
            start += size
        if not (0 <= start <= size and 0 <= length and start + length <= size):
            raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    except TypeError:       # a start or length that is no int (or left out): PyTorch's error for the call
        _argparse.refuse_from_stack()
        raise
    return Narrow.apply(input, dim, start, length)


def _refuse_split_sizes(tensor, sizes, dim):
    """PyTorch's error where its split hands ``sizes`` (anything but an int) to split_with_sizes,
    whose parser refuses what is not ints."""
    err = _argparse.explain('torch', 'split_with_sizes', (tensor, sizes, dim), {})
    if err is not None:
        raise err from None


@op('ember')
def split(tensor, split_size_or_sections, dim=0):
    """Splits ``tensor`` into chunks of ``split_size_or_sections`` entries along ``dim`` (the last may be
    smaller), or into chunks of the listed sizes.

    Example::

        >>> ember.split(ember.arange(5), 2)
        (tensor([0, 1]), tensor([2, 3]), tensor([4]))
        >>> ember.split(ember.arange(5), [1, 4])
        (tensor([0]), tensor([1, 2, 3, 4]))
    """
    return split_into(tensor, split_size_or_sections, dim, (Split, SplitWithSizes))


def split_into(tensor, split_size_or_sections, dim, nodes):
    """:func:`split`, its pieces recorded by ``nodes`` (the node for one size, the node for a list of sizes)."""
    if isinstance(tensor, Tensor) and tensor.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    dim = wrap_dim(dim, tensor.ndim)
    size = tensor.shape[dim]
    if isinstance(split_size_or_sections, Tensor):
        # (PyTorch's Tensor.split reads a one-element tensor of any dtype as int(tensor): a split size a
        # library worked out with tensor ops)
        try:
            split_size_or_sections = int(split_size_or_sections)
        except ValueError:      # (several sizes in a tensor: split_with_sizes takes ints only)
            _refuse_split_sizes(tensor, split_size_or_sections, dim)
            raise
    if isinstance(split_size_or_sections, int):
        step = split_size_or_sections
        if step <= 0 and size:
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {size}")
        sizes = [min(step, size - i) for i in range(0, size, step)] if size else [0]
    else:
        try:
            sizes = list(split_size_or_sections)
            total = sum(sizes)
        except TypeError:
            _refuse_split_sizes(tensor, split_size_or_sections, dim)
            raise
        if total != size:
            _refuse_split_sizes(tensor, split_size_or_sections, dim)
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's "
                               f"size at dimension {dim}), but got split_sizes={_fmt(sizes)}")
    if isinstance(split_size_or_sections, int):
        return tuple(nodes[0].apply(tensor, dim, tuple(sizes), split_size_or_sections))
    return tuple(nodes[1].apply(tensor, dim, tuple(sizes), None))


@op('Tensor', name='split')
def split_method(self, split_size, dim=0):
    """Splits the tensor into pieces along ``dim``: of ``split_size`` elements each (the last may be smaller),
    or of the sizes listed. The pieces are views. See :func:`ember.split`.

    Args:
        split_size (int or list of int): the size of each piece, or the list of sizes.
        dim (int, optional): the dimension to split. Default: ``0``.

    Example::

        >>> ember.arange(10).split(4)
        (tensor([0, 1, 2, 3]), tensor([4, 5, 6, 7]), tensor([8, 9]))
        >>> ember.arange(6).split([1, 5])
        (tensor([0]), tensor([1, 2, 3, 4, 5]))
    """
    return split(self, split_size, dim)


split_method.__name__, split_method.__qualname__ = 'split', 'Tensor.split'   # as errors name it


@op('ember', 'Tensor')
def tensor_split(input, tensor_indices_or_sections=None, dim=0, *, sections=None, indices=None):
    """Splits ``input`` along ``dim`` into ``sections`` parts of nearly equal size, or at the given
    ``indices``; a tensor argument is read as sections (0-d) or indices (1-d).

    Example::

        >>> ember.tensor_split(ember.arange(7), 3)
        (tensor([0, 1, 2]), tensor([3, 4]), tensor([5, 6]))
        >>> ember.tensor_split(ember.arange(7), [1, 5])
        (tensor([0]), tensor([1, 2, 3, 4]), tensor([5, 6]))
    """
    given = [v for v in (tensor_indices_or_sections, sections, indices) if v is not None]
    if len(given) != 1:
        raise TypeError("tensor_split() received an invalid combination of arguments: give exactly one of "
                        "tensor_indices_or_sections, sections and indices")
    indices_or_sections = given[0]
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
    return chunk_into(input, chunks, dim, (Split, SplitWithSizes))


def chunk_into(input, chunks, dim, nodes):
    """:func:`chunk`, its pieces recorded by ``nodes`` (as :func:`split_into`)."""
    if input.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    chunks = int_tensor_arg(chunks)
    if chunks.__class__ is not int:
        _argparse.refuse_from_stack()    # (2.0 chunks: PyTorch takes an int)
    if chunks <= 0:
        raise RuntimeError("chunk expects `chunks` to be greater than 0, got: " + str(chunks))
    try:
        size = input.shape[wrap_dim(dim, input.ndim)]
    except TypeError:       # a dim not an int (wrap_dim lets 1.5 through): PyTorch's argument error
        _argparse.refuse_from_stack()
        raise
    step = max(1, -(-size // chunks))
    try:
        return split_into(input, step, dim, nodes)
    except NotImplementedError as error:
        return quantized_or_raise(error, 'split', input, step, dim)


class Select(Primitive):
    node_name = 'SelectBackward0'
    saved_attrs = {'dim': _sa.item('args', 1, _sa.as_int64), 'index': _sa.item('args', 2, _sa.as_int64),
                   'self_sym_sizes': _sa.item('args', 0, tuple)}  # grad_fn._saved_*, read lazily
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
    """Slices ``input`` along ``dim`` at ``index``: a view with that dimension removed (``input.select(0, i)`` is
    ``input[i]``).

    Args:
        input (Tensor): the input tensor.
        dim (int): the dimension to slice.
        index (int): the index to select with.

    Example::

        >>> x = ember.tensor([[1, 2, 3], [4, 5, 6]])
        >>> ember.select(x, 1, 2)
        tensor([3, 6])
    """
    if input.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    dim = wrap_dim(dim, input.ndim)
    size = input.shape[dim]
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size {_fmt(input.shape)} at "
                         f"dimension {dim}")
    return Select.apply(input, dim, index)


class Unbind(Primitive):
    """``unbind``: every slice is an output of this one node, as in PyTorch; backward stacks the
    slices' gradients (slices that got none count as zeros)."""
    node_name = 'UnbindBackward0'
    saved_attrs = {'dim': _sa.field('dim', _sa.as_int64)}  # grad_fn._saved_*, read lazily
    _view = True

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        idx = [slice(None)] * x.ndim
        out = []
        for i in range(x.shape[dim]):
            idx[dim] = i
            out.append(x[tuple(idx)])
        return tuple(out)

    @staticmethod
    def backward(ctx, *grads):
        return stack(list(grads), ctx.dim), None


@op('ember', 'Tensor')
def unbind(input, dim=0, *, axis=NOT_GIVEN):
    """Removes a tensor dimension, returning a tuple of all slices along it (views of ``input``).

    Args:
        input (Tensor): the tensor to unbind.
        dim (int): dimension to remove. Default: ``0``.

    Example::

        >>> ember.unbind(ember.tensor([[1, 2, 3], [4, 5, 6]]))
        (tensor([1, 2, 3]), tensor([4, 5, 6]))
    """
    if input.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    if axis is not NOT_GIVEN:     # NumPy's name, as PyTorch's parser takes it
        dim = take('unbind', 'axis', axis, dim, 0)
    dim = wrap_dim(dim, input.ndim)
    return tuple(Unbind.apply(input, dim)) if input.shape[dim] else ()


class Flip(Primitive):
    node_name = 'FlipBackward0'
    saved_attrs = {'dims': _sa.field('dims', _sa.int_list)}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        if not dims:         # a 0-d tensor (dim 0 or -1): NumPy's flip over no axes gives a scalar, not an array
            return x.copy()
        return ctx.xp.flip(x, dims).copy()

    @staticmethod
    def backward(ctx, g):
        return g.flip(ctx.dims), None


@op('ember', name='flip')
def flip_function(input, dims):
    """Returns a copy of ``input`` with the order of its entries reversed along each of ``dims``.

    Example::

        >>> x = ember.arange(6).reshape(2, 3)
        >>> ember.flip(x, [1])
        tensor([[2, 1, 0],
                [5, 4, 3]])
        >>> ember.flip(x, (0, 1))
        tensor([[5, 4, 3],
                [2, 1, 0]])
    """
    return flip(input, _int_sequence('flip', 'dims', dims))


flip_function.__name__ = flip_function.__qualname__ = 'flip'   # as errors and help() name it


@op('Tensor')
def flip(input, *dims):
    """A copy of this tensor with the order of elements reversed along the given dimensions (separate ints or one
    tuple).

    Example::

        >>> x = ember.tensor([[1, 2], [3, 4]])
        >>> x.flip(0)
        tensor([[3, 4],
                [1, 2]])
        >>> x.flip(0, 1)
        tensor([[4, 3],
                [2, 1]])
    """
    dims = shape_arg(dims)
    dims = wrap_dims(dims, input.ndim)
    return Flip.apply(input, () if input.ndim == 0 else dims)


@op('ember', 'Tensor')
def fliplr(input):
    """Flips ``input`` left to right: the order of the entries along dimension 1 is reversed. Unlike NumPy's, the
    result is a copy. Needs at least 2 dimensions.

    Args:
        input (Tensor): the input tensor.

    Example::

        >>> ember.fliplr(ember.arange(4).view(2, 2))
        tensor([[1, 0],
                [3, 2]])
    """
    return flip(input, 1)


@op('ember', 'Tensor')
def flipud(input):
    """Flips ``input`` upside down: the order of the entries along dimension 0 is reversed. Unlike NumPy's, the
    result is a copy.

    Args:
        input (Tensor): the input tensor.

    Example::

        >>> ember.flipud(ember.arange(4).view(2, 2))
        tensor([[2, 3],
                [0, 1]])
    """
    return flip(input, 0)


class Roll(Primitive):
    node_name = 'RollBackward0'
    saved_attrs = {'dims': _sa.item('args', 1, _sa.all_dims_as_empty), 'shifts': _sa.item('args', 0, _sa.int_list)}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, x, shifts, dims):
        ctx.args = (shifts, dims)
        return _formats._c_order(ctx.xp, ctx.xp.roll(x, shifts, dims))   # contiguous, as PyTorch's; 0-d stays 0-d

    @staticmethod
    def backward(ctx, g):
        shifts, dims = ctx.args
        neg = tuple(-s for s in shifts) if isinstance(shifts, tuple) else -shifts
        return roll(g, neg, dims), None, None


@op('ember', 'Tensor')
def roll(input, shifts, dims=()):
    """Rolls ``input`` along the given dimension(s): elements shifted past the last position re-enter at the first.
    Without ``dims`` the tensor is flattened, rolled, and restored to its shape.

    Args:
        input (Tensor): the input tensor.
        shifts (int or tuple of ints): the number of places by which the elements are shifted; a tuple needs
            ``dims`` of the same length.
        dims (int or tuple of ints): axis along which to roll.

    Example::

        >>> x = ember.tensor([1, 2, 3, 4, 5, 6, 7, 8]).view(4, 2)
        >>> ember.roll(x, 1)
        tensor([[8, 1],
                [2, 3],
                [4, 5],
                [6, 7]])
        >>> ember.roll(x, 1, 0)
        tensor([[7, 8],
                [1, 2],
                [3, 4],
                [5, 6]])
        >>> ember.roll(x, shifts=(2, 1), dims=(0, 1))
        tensor([[6, 5],
                [8, 7],
                [2, 1],
                [4, 3]])
    """
    if shifts.__class__ is not int and not isinstance(shifts, (tuple, list)):
        _argparse.refuse_from_stack()       # (a tensor is taken only as one integer)
    if isinstance(dims, Tensor):            # (a one-element integer tensor is a list of one dim)
        dims = int_tensor_arg(dims, one_element=True)
    if input.ndim == 0 and dims is not None and not (isinstance(dims, (tuple, list)) and not dims):
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    if dims is None or (isinstance(dims, (tuple, list)) and not dims):   # no dims: roll the flattened tensor
        if isinstance(shifts, (tuple, list)) and len(shifts) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:0")
        return Roll.apply(input, tuple(shifts) if isinstance(shifts, list) else shifts, None)
    n_shifts = len(shifts) if isinstance(shifts, (tuple, list)) else 1
    n_dims = len(dims) if isinstance(dims, (tuple, list)) else 1
    if n_shifts != n_dims:
        raise RuntimeError(f"shifts and dimensions must align. shifts: {n_shifts}, dims:{n_dims}")
    if isinstance(dims, (tuple, list)):
        dims = tuple(wrap_dim(d, input.ndim) for d in dims)
        shifts = tuple(shifts) if isinstance(shifts, (tuple, list)) else (shifts,)     # (roll(1, dims=(0,)))
    else:
        dims = wrap_dim(dims, input.ndim)
    return Roll.apply(input, shifts, dims)


class Repeat(Primitive):
    node_name = 'RepeatBackward0'
    saved_attrs = {'repeats': _sa.item('args', 1, _sa.int_list), 'self_sym_sizes': _sa.item('args', 0, tuple)}  # grad_fn._saved_*, read lazily

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
    """Repeats ``input`` along each dimension, copying the data (unlike :meth:`~Tensor.expand`).

    Args:
        *sizes (ember.Size or int...): the number of times to repeat this tensor along each dimension; extra
            leading entries add dimensions.

    Example::

        >>> x = ember.tensor([1, 2, 3])
        >>> x.repeat(4, 2)
        tensor([[1, 2, 3, 1, 2, 3],
                [1, 2, 3, 1, 2, 3],
                [1, 2, 3, 1, 2, 3],
                [1, 2, 3, 1, 2, 3]])
        >>> x.repeat(4, 2, 1).size()
        ember.Size([4, 2, 3])
    """
    return Repeat.apply(input, shape_arg(sizes))


@op('Tensor', name='tile')
def _tile_method(input, *dims):
    """``Tensor.tile(*dims)``: :func:`ember.tile` with the repetitions as a tuple or as separate ints
    (``x.tile(2, 1)``), as PyTorch's method takes them.

    Example::

        >>> ember.tensor([[1, 2]]).tile(2, 1)
        tensor([[1, 2],
                [1, 2]])
    """
    return tile(input, shape_arg(dims))


@op('ember')
def tile(input, dims):
    """Constructs a tensor by repeating the elements of ``input``; ``dims`` gives the repetitions per dimension.
    With fewer entries than ``input`` has dimensions, ones are prepended (``tile`` of a (2, 2) tensor by
    ``(2,)`` is by ``(1, 2)``).

    Args:
        input (Tensor): the tensor whose elements to repeat.
        dims (tuple): the number of repetitions per dimension.

    Example::

        >>> ember.tile(ember.tensor([1, 2, 3]), (2,))
        tensor([1, 2, 3, 1, 2, 3])
        >>> ember.tile(ember.tensor([[1, 2], [3, 4]]), (2, 2))
        tensor([[1, 2, 1, 2],
                [3, 4, 3, 4],
                [1, 2, 1, 2],
                [3, 4, 3, 4]])
    """
    if not isinstance(dims, (tuple, list)):   # (an ember.Size is a tuple)
        raise TypeError(f"tile(): argument 'dims' (position 2) must be tuple of ints, not {type(dims).__name__}")
    dims = tuple(dims)
    if len(dims) < input.ndim:
        dims = (1,) * (input.ndim - len(dims)) + dims
    return repeat(input, dims)


@op('ember', 'Tensor')
def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Repeats each element of ``input`` ``repeats`` times, next to each other.

    Without ``dim`` the input is flattened first. With a tensor ``input`` and no ``repeats``,
    ``repeat_interleave(repeats)`` returns ``0`` repeated ``repeats[0]`` times, ``1`` repeated ``repeats[1]``
    times, and so on.

    Args:
        input (Tensor): the input tensor.
        repeats (Tensor or int): the number of repetitions for each element, broadcast to the shape of the given
            axis.
        dim (int, optional): the dimension along which to repeat values. Default: the flattened input.

    Keyword args:
        output_size (int, optional): the total output size along ``dim``, which saves computing it. Default:
            ``None``.

    Example::

        >>> x = ember.tensor([1, 2, 3])
        >>> x.repeat_interleave(2)
        tensor([1, 1, 2, 2, 3, 3])
        >>> y = ember.tensor([[1, 2], [3, 4]])
        >>> ember.repeat_interleave(y, 2)
        tensor([1, 1, 2, 2, 3, 3, 4, 4])
        >>> ember.repeat_interleave(y, 3, dim=1)
        tensor([[1, 1, 1, 2, 2, 2],
                [3, 3, 3, 4, 4, 4]])
        >>> ember.repeat_interleave(y, ember.tensor([1, 2]), dim=0)
        tensor([[1, 2],
                [3, 4],
                [3, 4]])
        >>> ember.repeat_interleave(ember.tensor([2, 0, 1]))
        tensor([0, 0, 2])
    """
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
    if type(repeats) is int and repeats < 0:
        raise RuntimeError("Repeats must be non-negative")     # (PyTorch's text for a number; for a tensor, below)
    n = input.shape[dim]
    reps = repeats.tolist() if isinstance(repeats, Tensor) else repeats
    if isinstance(reps, list) and len(reps) == 1:
        reps = reps[0]
    if type(repeats) is int and input._requires_grad and grad_mode._state.enabled and input.__class__ is Tensor \
            and not _function._op_hooks and input._device.type != 'meta':
        return _repeat_number_steps(input, repeats, dim, output_size)
    if isinstance(reps, int):
        reps = [reps] * n
    if len(reps) != n:
        _argparse.refuse_from_stack()       # (repeats of the wrong type: the parser's error first)
        raise RuntimeError(f"repeats must have the same size as input along dim, but got repeats.size(0) = "
                           f"{len(reps)} and input.size(0) = {n}")
    if any(r < 0 for r in reps):
        raise RuntimeError("repeats can not be negative")
    idx = np.repeat(np.arange(n), reps)
    if output_size is not None and len(idx) != output_size:
        raise RuntimeError(f"repeat_interleave: Invalid output_size, expected {len(idx)} but got {output_size}")
    return index_select(input, dim, mk(idx, device=input.device))


def _repeat_number_steps(input, repeats, dim, output_size):
    """repeat_interleave by a number as PyTorch records it: a dim of one after ``dim`` (UnsqueezeBackward0),
    expanded to ``repeats`` (ExpandBackward0), copied (CloneBackward0: the repeated values) and flattened back
    (ViewBackward0); each step runs its op's forward, recorded with record_step (autograd/_recorded_steps.py)."""
    from ember.autograd._recorded_steps import record_step
    shape = input._data.shape
    total = shape[dim] * repeats
    if output_size is not None and total != output_size:
        raise RuntimeError(f"repeat_interleave: Invalid output_size, expected {total} but got {output_size}")
    column = record_step(Unsqueeze, (input, dim + 1))
    spread = record_step(Expand, (column, shape[:dim + 1] + (repeats,) + shape[dim + 1:]))
    return record_step(View, (record_step(Clone, (spread,)), shape[:dim] + (total,) + shape[dim + 1:]))


class Diagonal(Primitive):
    node_name = 'DiagonalBackward0'
    saved_attrs = {'dim1': _sa.item('args', 2, _sa.as_int64), 'dim2': _sa.item('args', 3, _sa.as_int64),
                   'offset': _sa.item('args', 1, _sa.as_int64), 'self_sym_sizes': _sa.item('args', 0, tuple)}  # grad_fn._saved_*, read lazily
    _view = True

    @staticmethod
    def forward(ctx, x, offset, d1, d2):
        ctx.args = (x.shape, offset, d1, d2)
        return _diagonal_view(ctx.xp, x, offset, d1, d2)

    @staticmethod
    def backward(ctx, g):
        shape, offset, d1, d2 = ctx.args
        return DiagonalScatter.apply(g, shape, offset, d1, d2), None, None, None


class DiagonalCopy(Diagonal):
    """``diag`` of a matrix: the diagonal copied out (PyTorch records it under this name)."""
    node_name = 'DiagonalBackward0_copy'
    saved_attrs = Diagonal.saved_attrs
    _view = False

    @staticmethod
    def forward(ctx, x, offset, d1, d2):
        return Diagonal.forward(ctx, x, offset, d1, d2).copy()


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
    saved_attrs = {'dim1': _sa.item('args', 1, _sa.as_int64), 'dim2': _sa.item('args', 2, _sa.as_int64),
                   'offset': _sa.item('args', 0, _sa.as_int64)}  # grad_fn._saved_*, read lazily


def _diagonal_view(xp, x, offset, d1, d2):
    """A writable strided view of a diagonal (NumPy's own diagonal() view is read-only)."""
    moved = xp.moveaxis(x, (d1, d2), (-2, -1))
    r0, c0 = max(-offset, 0), max(offset, 0)
    rows, cols = moved.shape[-2:]
    n = max(min(rows - r0, cols - c0), 0)
    corner = moved[..., min(r0, rows):, min(c0, cols):]
    return backend.strided(xp, corner, moved.shape[:-2] + (n,),
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
    """Returns a view of the diagonal of ``input`` with respect to ``dim1`` and ``dim2``, appended as the last
    dimension.

    Args:
        input (Tensor): the input tensor; at least 2-dimensional.
        offset (int, optional): which diagonal: ``0`` the main one, positive above it, negative below it.
            Default: ``0``.
        dim1 (int, optional): first dimension of the 2-D sub-arrays. Default: ``0``.
        dim2 (int, optional): second dimension of the 2-D sub-arrays. Default: ``1``.

    Example::

        >>> a = ember.arange(9.).view(3, 3)
        >>> ember.diagonal(a)
        tensor([0., 4., 8.])
        >>> ember.diagonal(a, 1)
        tensor([1., 5.])
        >>> ember.diagonal(ember.arange(8).view(2, 2, 2), 0, 1, 2)
        tensor([[0, 3],
                [4, 7]])
    """
    nd = input.ndim
    d1, d2 = wrap_dim(dim1, nd), wrap_dim(dim2, nd)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return Diagonal.apply(input, offset, d1, d2)


@op('ember', 'Tensor', guard=True)
def diag(input, diagonal=0, *, out=None):
    """With a 1-D ``input``, a 2-D tensor with ``input`` on its ``diagonal``; with a 2-D ``input``, the 1-D tensor
    of that diagonal (a copy).

    Args:
        input (Tensor): the input tensor (1-D or 2-D).
        diagonal (int, optional): the diagonal to consider: ``0`` the main one, positive above it, negative
            below it. Default: ``0``.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.diag(ember.tensor([1, 2, 3]))
        tensor([[1, 0, 0],
                [0, 2, 0],
                [0, 0, 3]])
        >>> ember.diag(ember.tensor([1., 2.]), 1)
        tensor([[0., 1., 0.],
                [0., 0., 2.],
                [0., 0., 0.]])
        >>> ember.diag(ember.arange(9).view(3, 3))
        tensor([0, 4, 8])
    """
    nd = input.ndim
    if nd == 1:
        n = input.shape[0] + abs(diagonal)
        # (dims -2 and -1, which PyTorch's diag_embed is called with and its node shows)
        _result = DiagEmbed.apply(input, (n, n), diagonal, wrap_dim(-2, 2), wrap_dim(-1, 2))
        return _result if out is None else write_out('diag', _result, out)
    if input.ndim == 2:
        _result = DiagonalCopy.apply(input, diagonal, 0, 1)
        return _result if out is None else write_out('diag', _result, out)
    raise RuntimeError("diag(): Supports 1D or 2D tensors. Got " + f"{input.ndim}D")


@op('ember', 'Tensor')
def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """Creates a tensor whose diagonals of the 2-D planes given by ``dim1`` and ``dim2`` are filled by ``input``
    (its last dimension); the rest is zero. The inverse of :func:`ember.diagonal`.

    Args:
        input (Tensor): the input tensor; at least 1-dimensional.
        offset (int, optional): which diagonal to fill. Default: ``0`` (the main diagonal).
        dim1 (int, optional): first dimension of the planes. Default: ``-2``.
        dim2 (int, optional): second dimension of the planes. Default: ``-1``.

    Example::

        >>> ember.diag_embed(ember.tensor([[1, 2], [3, 4]]))
        tensor([[[1, 0],
                 [0, 2]],
        <BLANKLINE>
                [[3, 0],
                 [0, 4]]])
    """
    nd = input.ndim + 1
    d1, d2 = wrap_dim(dim1, nd), wrap_dim(dim2, nd)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    n = input.shape[-1] + abs(offset)
    shape = list(input.shape[:-1])
    for d in sorted((d1, d2)):
        shape.insert(d, n)
    return DiagEmbed.apply(input, tuple(shape), offset, d1, d2)


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
    saved_attrs = {'diagonal': _sa.item('args', 0, _sa.as_int64)}  # grad_fn._saved_*, read lazily


class Triu(_Tri):
    node_name = 'TriuBackward0'
    saved_attrs = {'diagonal': _sa.item('args', 0, _sa.as_int64)}  # grad_fn._saved_*, read lazily


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
    if diagonal.__class__ is not int:
        diagonal = _int_arg(diagonal)
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
    if diagonal.__class__ is not int:
        diagonal = _int_arg(diagonal)
    _result = Triu.apply(input, diagonal, True)
    return _result if out is None else write_out('triu', _result, out)


@op('Tensor')
def unfold(input, dimension, size, step):
    """Returns a view of all slices of size ``size`` along ``dimension``, taken every ``step`` elements, as a new
    last dimension.

    Args:
        dimension (int): the dimension in which unfolding happens.
        size (int): the size of each slice.
        step (int): the step between each slice.

    Example::

        >>> x = ember.arange(1., 8)
        >>> x.unfold(0, 2, 1)
        tensor([[1., 2.],
                [2., 3.],
                [3., 4.],
                [4., 5.],
                [5., 6.],
                [6., 7.]])
        >>> x.unfold(0, 2, 2)
        tensor([[1., 2.],
                [3., 4.],
                [5., 6.]])
    """
    if input.ndim == 0:  # a 0-d tensor unfolds as if it were [x]
        return unfold(input.reshape(1), dimension, size, step)
    dim = wrap_dim(dimension, input.ndim)
    if size > input.shape[dim]:
        _argparse.refuse_from_stack()       # (a size not an int: the parser's error first)
        raise RuntimeError(f"maximum size for tensor at dimension {dim} is {input.shape[dim]} but size is {size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    return Unfold.apply(input, dim, size, step)


class Unfold(Primitive):
    node_name = 'UnfoldBackward0'
    saved_attrs = {'dimension': _sa.item('args', 1, _sa.as_int64), 'self_sym_sizes': _sa.item('args', 0, tuple),
                   'size': _sa.item('args', 2), 'step': _sa.item('args', 3)}  # grad_fn._saved_*, read lazily
    _view = True

    @staticmethod
    def forward(ctx, x, dim, size, step):
        ctx.args = (x.shape, dim, size, step)
        n = (x.shape[dim] - size) // step + 1
        st = x.strides[dim]
        # windows as a strided view: dim becomes the window count, a new last dim walks one window
        shape = x.shape[:dim] + (n,) + x.shape[dim + 1:] + (size,)
        strides = x.strides[:dim] + (st * step,) + x.strides[dim + 1:] + (st,)
        return backend.strided(ctx.xp, x, shape, strides)

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
