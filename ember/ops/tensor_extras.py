"""Smaller tensor functions PyTorch has at both levels: splits by direction and by sizes, the
``*_scatter`` family (out-of-place writes into a region), ``put``, ``unravel_index``, ``isin``,
``nonzero_static``, ``addr``, ``narrow_copy``, ``fill``, strided/buffer constructors and predicates."""
import numpy as np

from ember._device import as_device
from ember._dtype import FLOAT8_NUMS
from ember._tensor import Tensor
from ember.autograd import _saved_attrs as _sa
from ember.autograd import grad_mode
from ember.autograd.function import Primitive
from ember.ops import _argparse, _float8
from ember.ops._registry import op
from ember.ops._util import wrap_dim
from ember.ops.inplace import write_out



# ----------------------------------------------------------------------------- predicates
@op('ember', 'Tensor')
def is_same_size(input, other):
    """Whether the two tensors have the same shape.

    Example::

        >>> ember.ones(2, 3).is_same_size(ember.zeros(2, 3))
        True
    """
    return tuple(input.shape) == tuple(other.shape)


@op('ember')
def is_signed(input):
    """Whether the dtype is signed (every dtype but bool and uint8).

    Example::

        >>> ember.is_signed(ember.tensor([1])), ember.is_signed(ember.tensor([1], dtype=ember.uint8))
        (True, False)
    """
    return input.is_signed()


@op('ember', 'Tensor')
def is_inference(input):
    """Whether the tensor is an inference tensor: made under :class:`ember.inference_mode`, or a view
    of one. Outside inference mode such a tensor cannot be changed in place, require gradient, or be
    saved for backward (clone it to get a normal tensor).

    Example::

        >>> with ember.inference_mode():
        ...     y = ember.ones(2) * 2
        >>> y.is_inference(), y.clone().is_inference()
        (True, False)
    """
    return input._inference


@op('ember', 'Tensor')
def get_device(input):
    """The CUDA device index, or -1 for a CPU tensor.

    Example::

        >>> ember.ones(2).get_device()
        -1
    """
    return input.device.index if input.device.type == 'cuda' else -1


@op('ember')
def detach(input):
    """``input.detach()``.

    Example::

        >>> x = ember.ones(2, requires_grad=True)
        >>> y = (x * 2).detach()
        >>> y.requires_grad, y.grad_fn
        (False, None)
    """
    return input.detach()


@op('ember')
def detach_(input):
    """Detaches ``input`` from the graph that made it, in place: it becomes a leaf that does not require grad.
    Returns ``input``. The same as :meth:`ember.Tensor.detach_`.

    Args:
        input (Tensor): the tensor to detach.

    Example::

        >>> a = ember.ones(2, requires_grad=True)
        >>> b = a * 2
        >>> ember.detach_(b)
        tensor([2., 2.])
        >>> b.requires_grad, b.grad_fn
        (False, None)
    """
    return input.detach_()


# ------------------------------------------------------------------------------- splits
def _direction_split(name, input, indices_or_sections, dim, min_dims):
    if input.ndim < min_dims:
        raise RuntimeError(f"ember.{name} requires a tensor with at least {min_dims} dimension, but got a tensor "
                           f"with {input.ndim} dimensions!")
    if isinstance(indices_or_sections, int) and not isinstance(indices_or_sections, bool):
        size = input.shape[dim]
        if indices_or_sections == 0 or size % indices_or_sections:
            raise RuntimeError(f"ember.{name} attempted to split along dimension {dim}, but the size of the "
                               f"dimension {size} is not divisible by the split_size {indices_or_sections}!")
    return input.tensor_split(indices_or_sections, dim)


def _sections_or_indices(name, sections, indices):
    """PyTorch's split functions take either ``sections`` (an int) or ``indices`` (a sequence), by position or
    by either keyword."""
    if (sections is None) == (indices is None):
        _argparse.refuse_from_stack()       # the parser's error for the call as the user made it
        given = 'both sections and indices' if sections is not None else 'neither sections nor indices'
        raise TypeError(f"{name}() received an invalid combination of arguments - got {given}, but expected one "
                        f"of: (Tensor input, int sections), (Tensor input, tuple of ints indices)")
    return sections if indices is None else indices


def _method_sections(name, positional, sections, indices):
    """``x.hsplit(2)``, ``x.hsplit([1, 2])``, ``x.hsplit(1, 2)``, ``x.hsplit(sections=2)`` or
    ``x.hsplit(indices=[1])``."""
    if positional:
        if sections is not None or indices is not None:
            raise TypeError(f"{name}() received an invalid combination of arguments: sections or indices given "
                            f"twice")
        return positional[0] if len(positional) == 1 else positional
    return _sections_or_indices(name, sections, indices)


@op('ember')
def hsplit(input, sections=None, *, indices=None):
    """Split along the columns: dim 1, or dim 0 of a 1-D tensor (``numpy.hsplit``): into ``sections`` equal
    parts, or at the given ``indices``.

    Example::

        >>> ember.hsplit(ember.arange(8).reshape(2, 4), 2)
        (tensor([[0, 1],
                [4, 5]]), tensor([[2, 3],
                [6, 7]]))
    """
    return _direction_split('hsplit', input, _sections_or_indices('hsplit', sections, indices),
                            1 if input.ndim > 1 else 0, 1)


@op('ember')
def vsplit(input, sections=None, *, indices=None):
    """Split along dim 0 of a tensor with at least 2 dims (``numpy.vsplit``): into ``sections`` equal parts, or
    at the given ``indices``.

    Example::

        >>> t = ember.arange(12.).reshape(4, 3)
        >>> ember.vsplit(t, 2)
        (tensor([[0., 1., 2.],
                [3., 4., 5.]]), tensor([[ 6.,  7.,  8.],
                [ 9., 10., 11.]]))
        >>> ember.vsplit(t, [1, 3])
        (tensor([[0., 1., 2.]]), tensor([[3., 4., 5.],
                [6., 7., 8.]]), tensor([[ 9., 10., 11.]]))
    """
    return _direction_split('vsplit', input, _sections_or_indices('vsplit', sections, indices), 0, 2)


@op('ember')
def dsplit(input, sections=None, *, indices=None):
    """Split along dim 2 of a tensor with at least 3 dims (``numpy.dsplit``): into ``sections`` equal parts, or
    at the given ``indices``.

    Example::

        >>> [t.shape for t in ember.dsplit(ember.zeros(1, 2, 6), [1, 4])]
        [ember.Size([1, 2, 1]), ember.Size([1, 2, 3]), ember.Size([1, 2, 2])]
    """
    return _direction_split('dsplit', input, _sections_or_indices('dsplit', sections, indices), 2, 3)


@op('Tensor', name='hsplit')
def hsplit_method(self, *positional, sections=None, indices=None):
    """Splits the tensor along its second dimension (its only one when 1-D): ``x.hsplit(sections)`` into that
    many equal pieces, ``x.hsplit(indices)`` or ``x.hsplit(*indices)`` at those indices. See
    :func:`ember.hsplit`.

    Example::

        >>> t = ember.arange(8.).view(2, 4)
        >>> t.hsplit(2)
        (tensor([[0., 1.],
                [4., 5.]]), tensor([[2., 3.],
                [6., 7.]]))
        >>> [piece.shape[1] for piece in t.hsplit(1, 3)]
        [1, 2, 1]
    """
    return hsplit(self, _method_sections('hsplit', positional, sections, indices))


hsplit_method.__name__, hsplit_method.__qualname__ = 'hsplit', 'Tensor.hsplit'   # as errors and help() name it


@op('Tensor', name='vsplit')
def vsplit_method(self, *positional, sections=None, indices=None):
    """Splits the tensor (at least 2-D) along its first dimension: ``x.vsplit(sections)`` into that many equal
    pieces, ``x.vsplit(indices)`` or ``x.vsplit(*indices)`` at those indices. See :func:`ember.vsplit`.

    Example::

        >>> t = ember.arange(8.).view(4, 2)
        >>> t.vsplit([1, 3])
        (tensor([[0., 1.]]), tensor([[2., 3.],
                [4., 5.]]), tensor([[6., 7.]]))
    """
    return vsplit(self, _method_sections('vsplit', positional, sections, indices))


vsplit_method.__name__, vsplit_method.__qualname__ = 'vsplit', 'Tensor.vsplit'   # as errors and help() name it


@op('Tensor', name='dsplit')
def dsplit_method(self, *positional, sections=None, indices=None):
    """Splits the tensor (at least 3-D) along its third dimension: ``x.dsplit(sections)`` into that many equal
    pieces, ``x.dsplit(indices)`` or ``x.dsplit(*indices)`` at those indices. See :func:`ember.dsplit`.

    Example::

        >>> t = ember.arange(8.).view(2, 2, 2)
        >>> [piece.shape for piece in t.dsplit(2)]
        [ember.Size([2, 2, 1]), ember.Size([2, 2, 1])]
    """
    return dsplit(self, _method_sections('dsplit', positional, sections, indices))


dsplit_method.__name__, dsplit_method.__qualname__ = 'dsplit', 'Tensor.dsplit'   # as errors and help() name it


@op('ember', 'Tensor')
def split_with_sizes(input, split_sizes, dim=0):
    """Split into pieces of the given sizes along ``dim`` (they must add up to its size).

    Example::

        >>> ember.arange(6).split_with_sizes([2, 4])
        (tensor([0, 1]), tensor([2, 3, 4, 5]))
    """
    dim = wrap_dim(dim, input.ndim)
    _check_split_sizes(input, split_sizes, dim)
    return input.split(list(split_sizes), dim)


def _check_split_sizes(input, split_sizes, dim):
    if sum(split_sizes) != input.shape[dim]:
        _argparse.refuse_from_stack()       # (sizes not ints: the parser's error first)
        raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {input.shape[dim]} (input tensor's "
                           f"size at dimension {dim}), but got split_sizes={list(split_sizes)}")


@op('ember', 'Tensor')
def unsafe_split_with_sizes(input, split_sizes, dim=0):
    """Splits ``input`` into pieces of the given sizes along ``dim``, as :func:`ember.split_with_sizes` does, but
    the pieces are not tracked as views of ``input`` (PyTorch's ``unsafe_`` variant: they share its memory, and
    an in-place write into one is not checked against ``input``'s other uses).

    Example::

        >>> ember.unsafe_split_with_sizes(ember.arange(6), [2, 4])
        (tensor([0, 1]), tensor([2, 3, 4, 5]))
    """
    from ember.ops.shape import UnsafeSplit, UnsafeSplitWithSizes, split_into
    dim = wrap_dim(dim, input.ndim)
    _check_split_sizes(input, split_sizes, dim)
    return split_into(input, list(split_sizes), dim, (UnsafeSplit, UnsafeSplitWithSizes))


@op('ember', 'Tensor')
def unsafe_split(input, split_size, dim=0):
    """Splits ``input`` into pieces of ``split_size`` along ``dim``, as :func:`ember.split` does, but the pieces
    are not tracked as views of ``input`` (PyTorch's ``unsafe_`` variant: they share its memory, and an in-place
    write into one is not checked against ``input``'s other uses; their node is ``UnsafeSplitBackward0``).

    Args:
        input (Tensor): the tensor to split.
        split_size (int): the size of each piece (the last may be smaller).
        dim (int, optional): the dimension to split. Default: ``0``.

    Example::

        >>> ember.unsafe_split(ember.arange(5), 2)
        (tensor([0, 1]), tensor([2, 3]), tensor([4]))
    """
    if type(split_size) is not int:
        # PyTorch takes only one size here (a list goes to unsafe_split_with_sizes); split would take both
        _argparse.refuse_from_stack()
        split_size = split_size.__index__()     # what the parser takes: an integer tensor of one element
    from ember.ops.shape import UnsafeSplit, UnsafeSplitWithSizes, split_into
    return split_into(input, split_size, dim, (UnsafeSplit, UnsafeSplitWithSizes))


@op('ember', 'Tensor')
def unsafe_chunk(input, chunks, dim=0):
    """Splits ``input`` into ``chunks`` pieces along ``dim``, as :func:`ember.chunk` does, but the pieces are not
    tracked as views of ``input`` (PyTorch's ``unsafe_`` variant, as :func:`ember.unsafe_split`).

    Args:
        input (Tensor): the tensor to split.
        chunks (int): the number of pieces (fewer when ``input`` is too small).
        dim (int, optional): the dimension to split. Default: ``0``.

    Example::

        >>> ember.arange(5).unsafe_chunk(2)
        (tensor([0, 1, 2]), tensor([3, 4]))
    """
    from ember.ops.shape import UnsafeSplit, UnsafeSplitWithSizes, chunk_into
    return chunk_into(input, chunks, dim, (UnsafeSplit, UnsafeSplitWithSizes))


@op('ember', 'Tensor')
def narrow_copy(input, dim, start, length, *, out=None):
    """Like :func:`ember.narrow` (the elements ``start`` to ``start + length - 1`` along ``dim``), but returns a
    copy instead of a view.

    Args:
        input (Tensor): the tensor to narrow.
        dim (int): the dimension to narrow.
        start (int): the first index kept.
        length (int): how many indices are kept.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> x = ember.arange(6).view(2, 3)
        >>> ember.narrow_copy(x, 1, 1, 2)
        tensor([[1, 2],
                [4, 5]])
    """
    from ember.ops import _one_node
    _result = _one_node.one_node(NarrowCopyNode, lambda x: x.narrow(dim, start, length).clone(), (input,),
                                 dim, start, length)
    return _result if out is None else write_out('narrow_copy', _result, out)


class NarrowCopyNode(Primitive):
    """``narrow_copy``'s one node, as PyTorch's: ``grad`` placed in zeros of the input's shape."""
    node_name = 'NarrowCopyBackward0'
    saved_attrs = {'dim': _sa.item('args', 0, _sa.as_int64), 'start': _sa.item('args', 1, _sa.as_int64),
                   'length': _sa.item('args', 2, _sa.as_int64), 'self_sym_sizes': _sa.input_sizes(0)}

    @staticmethod
    def forward(ctx, input, dim, start, length, result):
        ctx.args = (dim, int(start), int(length))     # (a 0-dim tensor start or length as its number)
        ctx.input_shape = input.shape
        return result

    @staticmethod
    def backward(ctx, g):
        dim, start, length = ctx.args
        shape = ctx.input_shape
        dim = wrap_dim(dim, len(shape))
        start = start + shape[dim] if start < 0 else start
        return g.new_zeros(shape).slice_scatter(g, dim, start, start + length), None, None, None, None


@op('ember')
def fill(input, value):
    """A new tensor shaped like ``input`` holding ``value`` (out of place ``fill_``).

    Example::

        >>> ember.fill(ember.zeros(3), 2.5)
        tensor([2.5000, 2.5000, 2.5000])
    """
    from ember.ops.inplace import Fill, FillWithTensor, filled
    return filled(input, value, FillWithTensor if isinstance(value, Tensor) else Fill, out_of_place=True)


# -------------------------------------------------------------- out-of-place writes (*_scatter)
def _scatter_region(input, src, view):
    """``input`` with the region ``view(result)`` selects replaced by ``src``, differentiably."""
    region = view(input)
    if tuple(region.shape) != tuple(src.shape):
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = {list(src.shape)}, "
                           f"slice size = {list(region.shape)}")
    result = input.clone()
    view(result).copy_(src)
    return result


@op('ember', 'Tensor')
def select_scatter(input, src, dim, index):
    """``input`` with ``input.select(dim, index)`` replaced by ``src``.

    Example::

        >>> ember.select_scatter(ember.zeros(2, 3), ember.ones(3), 0, 1)
        tensor([[0., 0., 0.],
                [1., 1., 1.]])
    """
    return _one_region_node(SelectScatterNode, input, src, dim, index)


@op('ember', 'Tensor')
def slice_scatter(input, src, dim=0, start=None, end=None, step=1, *, out=None):
    """``input`` with the slice ``start:end:step`` of ``dim`` replaced by ``src``.

    Example::

        >>> ember.slice_scatter(ember.zeros(4, 4), ember.ones(4, 2), dim=1, start=0, step=2)
        tensor([[1., 0., 1., 0.],
                [1., 0., 1., 0.],
                [1., 0., 1., 0.],
                [1., 0., 1., 0.]])
    """
    wrap_dim(dim, input.ndim)       # (PyTorch's error for a dim out of range, before src is looked at)
    _result = _one_region_node(SliceScatterNode, input, src, dim, start, end, step)
    return _result if out is None else write_out('slice_scatter', _result, out)


@op('ember', 'Tensor')
def diagonal_scatter(input, src, offset=0, dim1=0, dim2=1):
    """``input`` with ``input.diagonal(offset, dim1, dim2)`` replaced by ``src``.

    Example::

        >>> ember.diagonal_scatter(ember.zeros(3, 3), ember.ones(2), 1)
        tensor([[0., 1., 0.],
                [0., 0., 1.],
                [0., 0., 0.]])
    """
    return _one_region_node(DiagonalScatterNode, input, src, offset, dim1, dim2)


@op('ember', 'Tensor')
def as_strided_scatter(input, src, size, stride, storage_offset=None):
    """A copy of ``input`` (read as contiguous) in which the elements that ``input.as_strided(size, stride,
    storage_offset)`` would view are replaced by ``src``.

    Args:
        input (Tensor): the tensor to copy.
        src (Tensor): the values to write, of shape ``size``.
        size (tuple of int): the shape of the strided view.
        stride (tuple of int): its strides, in elements.
        storage_offset (int, optional): its offset into ``input``. Default: ``0``.

    Example::

        >>> ember.as_strided_scatter(ember.zeros(4), ember.tensor([[1., 2.], [3., 4.]]), (2, 2), (1, 2))
        tensor([1., 3., 2., 4.])
        >>> ember.zeros(4).as_strided_scatter(ember.tensor([1., 2.]), (2,), (2,), 1)
        tensor([0., 1., 0., 2.])
    """
    return _one_region_node(AsStridedScatterNode, input.contiguous(), src, tuple(size), tuple(stride),
                            storage_offset)


def _one_region_node(node, input, src, *args):
    """``input`` with ``node.region(input, *args)`` replaced by ``src``, recorded as PyTorch's one node."""
    from ember.ops import _one_node
    return _one_node.one_node(node, lambda x, s: _scatter_region(x, s, lambda t: node.region(t, *args)),
                              (input, src), args)


def _int64_or_none(v):
    return None if v is None else _sa.as_int64(v)


class _RegionScatterNode(Primitive):
    """The node of ``<region>_scatter(input, src, *args)``, as PyTorch's: the input's gradient is ``grad``
    with the region zeroed, ``src``'s is the region of ``grad``."""

    @staticmethod
    def forward(ctx, input, src, args, value):
        ctx.args = args
        ctx.src_shape = src.shape
        return value

    @classmethod
    def backward(cls, ctx, g):
        need = ctx.needs_input_grad
        gi = cls.scatter(g, g.new_zeros(ctx.src_shape), *ctx.args) if need[0] else None
        gs = cls.region(g, *ctx.args) if need[1] else None
        return gi, gs, None, None


class SelectScatterNode(_RegionScatterNode):
    node_name = 'SelectScatterBackward0'
    saved_attrs = {'dim': _sa.item('args', 0, _sa.as_int64), 'index': _sa.item('args', 1, _sa.as_int64)}
    region = staticmethod(lambda t, dim, index: t.select(dim, index))
    scatter = staticmethod(lambda t, src, dim, index: select_scatter(t, src, dim, index))


class SliceScatterNode(_RegionScatterNode):
    node_name = 'SliceScatterBackward0'
    saved_attrs = {'dim': _sa.item('args', 0, _sa.as_int64), 'start': _sa.item('args', 1, _int64_or_none),
                   'end': _sa.item('args', 2, _int64_or_none), 'step': _sa.item('args', 3, _sa.as_int64)}
    region = staticmethod(lambda t, dim, start, end, step:
                          t[(slice(None),) * wrap_dim(dim, t.ndim) + (slice(start, end, step),)])
    scatter = staticmethod(lambda t, src, dim, start, end, step: slice_scatter(t, src, dim, start, end, step))


class DiagonalScatterNode(_RegionScatterNode):
    node_name = 'DiagonalScatterBackward0'
    saved_attrs = {'offset': _sa.item('args', 0, _sa.as_int64), 'dim1': _sa.item('args', 1, _sa.as_int64),
                   'dim2': _sa.item('args', 2, _sa.as_int64)}
    region = staticmethod(lambda t, offset, dim1, dim2: t.diagonal(offset, dim1, dim2))
    scatter = staticmethod(lambda t, src, offset, dim1, dim2: diagonal_scatter(t, src, offset, dim1, dim2))


class AsStridedScatterNode(_RegionScatterNode):
    node_name = 'AsStridedScatterBackward0'
    saved_attrs = {'size': _sa.item('args', 0), 'stride': _sa.item('args', 1),
                   'storage_offset': _sa.item('args', 2, _int64_or_none)}
    # (grad may be an expanded view: the region is read off its contiguous copy, as the forward reads input's)
    # (the input's gradient is the derivative, grad outside the region: PyTorch 2.13's keeps grad inside it
    # instead, which fails PyTorch's own gradcheck)
    region = staticmethod(lambda t, size, stride, offset: t.contiguous().as_strided(size, stride, offset))
    scatter = staticmethod(lambda t, src, size, stride, offset: as_strided_scatter(t, src, size, stride, offset))


@op('Tensor')
def put_(input, index, source, accumulate=False):
    """Writes the elements of ``source`` into the tensor at the flat (row-major) positions ``index``, as if it
    were 1-D, and returns it; with ``accumulate=True`` they are added instead (repeated positions add up).

    Args:
        index (LongTensor): flat positions; negative ones count from the end.
        source (Tensor): the values, as many as ``index`` has.
        accumulate (bool, optional): add instead of overwriting. Default: ``False``.

    Example::

        >>> ember.zeros(2, 3).put_(ember.tensor([1, 4]), ember.tensor([9., 8.]))
        tensor([[0., 9., 0.],
                [0., 8., 0.]])
        >>> ember.zeros(4).put_(ember.tensor([0, 0, 3]), ember.tensor([1., 2., 3.]), accumulate=True)
        tensor([3., 0., 0., 3.])
    """
    if input._data.dtype.num in FLOAT8_NUMS:  # PyTorch refuses float8 here
        _float8.check('put_', input._data.dtype)
    n = input.numel()
    flat_index = index.reshape(-1)
    if flat_index.numel() and (int(flat_index.max()) >= n or int(flat_index.min()) < -n):
        bad = int(flat_index.max()) if int(flat_index.max()) >= n else int(flat_index.min())
        raise IndexError(f"out of range: tried to access index {bad} on a tensor of {n} elements.")
    if grad_mode._state.enabled and (input._requires_grad or getattr(source, '_requires_grad', False)):
        # recorded as PyTorch's one PutBackward0 node (put's), written into ``input``
        from ember.ops.inplace import apply_inplace
        return apply_inplace(input, lambda t, i, v: put(t, i, v, accumulate), index, source)
    wrapped = flat_index % n if n else flat_index
    rows = [(wrapped // int(np.prod(input.shape[d + 1:], dtype=np.int64))) % input.shape[d] for d in range(input.ndim)]
    return input.index_put_(tuple(rows), source.reshape(-1), accumulate=accumulate)


@op('ember', 'Tensor')
def put(input, index, source, accumulate=False):
    """``put_`` out of place.

    Example::

        >>> x = ember.zeros(2, 2)
        >>> x.put(ember.tensor([0, 3]), ember.tensor([1., 2.]))
        tensor([[1., 0.],
                [0., 2.]])
    """
    from ember.ops import _one_node
    return _one_node.one_node(PutNode, lambda x, i, v: put_(x.clone(), i, v, accumulate), (input, index, source),
                              accumulate)


class PutNode(Primitive):
    """``put``'s one node, as PyTorch's: the input's gradient is ``grad`` (zeroed at ``index`` unless the
    values were added), ``source``'s is ``grad`` taken at ``index``."""
    node_name = 'PutBackward0'
    _nondiff_args = (1,)   # the index: no edge, as PyTorch's node
    saved_names = ('index', 'source')
    # (source shows only where its gradient is wanted: PyTorch's node keeps it for that alone)
    saved_attrs = {'accumulate': _sa.field('accumulate'), 'index': _sa.saved(0),
                   'source': _sa.saved_if_wanted(1, 2)}

    @staticmethod
    def forward(ctx, input, index, source, accumulate, value):
        ctx.accumulate = accumulate
        ctx.save_for_backward(index, source)
        return value

    @staticmethod
    def backward(ctx, g):
        index, source = ctx.saved_tensors
        need = ctx.needs_input_grad
        gi = None
        if need[0]:
            gi = g if ctx.accumulate else g.put(index, g.new_zeros(source.shape), False)
        gs = g.take(index).reshape(source.shape) if need[2] else None
        return gi, None, gs, None, None


@op('ember')
def unravel_index(indices, shape):
    """The coordinates in ``shape`` of flat (row-major) ``indices``, as a tuple of tensors.

    Example::

        >>> ember.unravel_index(ember.tensor([4, 1, 11]), (3, 4))
        (tensor([1, 0, 2]), tensor([0, 1, 3]))
    """
    if isinstance(shape, int):
        shape = (shape,)
    idx = indices if isinstance(indices, Tensor) else Tensor._make(np.asarray(indices))
    if idx.dtype.category != 1:
        raise TypeError(f"expected 'indices' to be integer dtype, but got {idx.dtype}")
    n = int(np.prod(shape, dtype=np.int64))
    if idx.numel() and (int(idx.max()) >= n or int(idx.min()) < -n):
        raise RuntimeError("'indices' must be in range [-prod(shape), prod(shape) - 1]")
    coords = np.unravel_index(idx.numpy() % max(n, 1), tuple(shape))
    return tuple(Tensor._make(c.astype(np.int64), idx.device) for c in coords)


@op('ember')
def isin(elements, test_elements, *, assume_unique=False, invert=False, out=None):
    """Whether each element of ``elements`` occurs in ``test_elements`` (either may be a number).

    >>> ember.isin(ember.tensor([1, 2, 3, 4]), ember.tensor([2, 4]))
    tensor([False,  True, False,  True])
    """
    if test_elements is None or type(test_elements) in _argparse.NOT_OPERANDS:
        _argparse.refuse_from_stack()
    from ember._dtype import result_type
    from ember._tensor import _scalar_type_name
    for dt in (result_type(elements), result_type(test_elements)):
        if dt.is_complex or dt.np_dtype.kind == 'b':    # PyTorch's kernel sorts and compares: no bool, complex
            raise RuntimeError(f"Unsupported input type encountered for isin(): {_scalar_type_name(dt)}")
    device = elements.device if isinstance(elements, Tensor) else test_elements.device
    a = elements.numpy() if isinstance(elements, Tensor) else np.asarray(elements)
    b = test_elements.numpy() if isinstance(test_elements, Tensor) else np.asarray(test_elements)
    found = np.isin(a, b, assume_unique=assume_unique, invert=invert)
    _result = Tensor._make(np.asarray(found), as_device(device))
    return _result if out is None else write_out('isin', _result, out)


@op('ember', 'Tensor')
def nonzero_static(input, *, size, fill_value=-1, out=None):
    """``nonzero()`` padded with ``fill_value`` (or cut) to exactly ``size`` rows.

    Example::

        >>> ember.nonzero_static(ember.tensor([0, 3, 0, 5]), size=3)
        tensor([[ 1],
                [ 3],
                [-1]])
    """
    found = input.nonzero()
    if found.shape[0] >= size:
        result = found[:size]
    else:
        pad = found.new_full((size - found.shape[0], input.ndim), fill_value)
        from ember.ops.shape import cat
        result = cat([found, pad], 0)
    _result = result
    return _result if out is None else write_out('nonzero_static', _result, out)


@op('ember', 'Tensor', inplace=True)
def addr(input, vec1, vec2, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * outer(vec1, vec2)`` (``beta=0`` ignores ``input``, NaNs included).

    >>> ember.addr(ember.zeros(2, 2), ember.tensor([1., 2.]), ember.tensor([3., 4.]))
    tensor([[3., 4.],
            [6., 8.]])
    """
    def compute(input, vec1, vec2):
        product = vec1.outer(vec2)
        if alpha != 1:
            product = product * alpha
        result = product if beta == 0 else (input if beta == 1 else input * beta) + product
        if beta == 0:
            result = result.expand(input.shape) if tuple(result.shape) != tuple(input.shape) else result
        return result
    from ember.ops import _add_products
    _result = _add_products.one_node(_add_products.AddrNode, compute, input, vec1, vec2, beta, alpha)
    return _result if out is None else write_out('addr', _result, out)


# ------------------------------------------------------------------------------ constructors
@op('ember')
def empty_strided(size, stride, *, dtype=None, layout=None, device=None, pin_memory=False, requires_grad=False):
    """An uninitialised tensor with the given ``size`` and ``stride`` (in elements).

    Example::

        >>> t = ember.empty_strided((2, 3), (1, 2))
        >>> t.shape, t.stride()
        (ember.Size([2, 3]), (1, 2))
    """
    from ember.ops.creation import empty
    size, stride = tuple(size), tuple(stride)
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    extent = 1 + sum((n - 1) * s for n, s in zip(size, stride)) if all(size) else 0
    storage = empty(max(extent, 0), dtype=dtype, layout=layout, device=device, pin_memory=pin_memory)
    return storage.as_strided(size, stride).requires_grad_(requires_grad)


@op('ember')
def empty_permuted(size, physical_layout, *, dtype=None, layout=None, device=None, pin_memory=False,
                   requires_grad=False):
    """An uninitialised tensor of ``size`` whose memory is laid out in the dim order
    ``physical_layout`` (outermost first).

    Example::

        >>> t = ember.empty_permuted((2, 3, 4), (0, 2, 1))   # dim 1 innermost in memory
        >>> t.shape, t.stride()
        (ember.Size([2, 3, 4]), (12, 1, 3))
    """
    from ember.ops.creation import empty
    order = list(physical_layout)
    if sorted(order) != list(range(len(size))):
        raise RuntimeError("Number of dimensions in size does not match the length of the physical_layout")
    physical = empty([size[d] for d in order], dtype=dtype, layout=layout, device=device, pin_memory=pin_memory)
    inverse = [order.index(d) for d in range(len(order))]
    return physical.permute(inverse).requires_grad_(requires_grad)


@op('ember')
def frombuffer(buffer, *, dtype, count=-1, offset=0, requires_grad=False):
    """A 1-D tensor sharing memory with an object that exposes the buffer protocol.

    Example::

        >>> import array
        >>> values = array.array('f', [1., 2., 3.])
        >>> t = ember.frombuffer(values, dtype=ember.float32)
        >>> t
        tensor([1., 2., 3.])
        >>> t[0] = 10.
        >>> values                            # the same memory
        array('f', [10.0, 2.0, 3.0])
    """
    from ember._dtype import to_dtype
    np_dtype = to_dtype(dtype).np_dtype
    try:
        view = memoryview(buffer)
    except TypeError:
        raise ValueError("object does not implement Python buffer protocol.") from None
    if view.readonly:
        from ember._warn_once import warn_once
        warn_once("The given buffer is not writable, and PyTorch does not support non-writable tensors. This means "
                  "you can write to the underlying (supposedly non-writable) buffer using the tensor. You may want to "
                  "copy the buffer to protect its data or make it writable before converting it to a tensor. This "
                  "type of warning will be suppressed for the rest of this program.", stacklevel=3)
    nbytes, size = view.nbytes, np_dtype.itemsize
    # (PyTorch's checks, in its order and words)
    if not (nbytes > 0 and count != 0):
        raise ValueError(f"both buffer length ({nbytes}) and count ({count}) must not be 0")
    if not 0 <= offset < nbytes:
        raise ValueError(f"offset ({offset} bytes) must be non-negative and no greater than buffer length ({nbytes} "
                         "bytes) minus 1")
    if count <= 0 and (nbytes - offset) % size:
        raise ValueError(f"buffer length ({nbytes - offset} bytes) after offset ({offset} bytes) must be a multiple "
                         f"of element size ({size})")
    count = (nbytes - offset) // size if count < 0 else count
    if offset + count * size > nbytes:
        raise ValueError(f"requested buffer length ({count} * {size} bytes) after offset ({offset} bytes) must not "
                         f"be greater than actual buffer length ({nbytes} bytes)")
    array = np.frombuffer(view.cast('B') if view.ndim != 1 or view.format != 'B' else view, dtype=np_dtype,
                          count=count, offset=offset)
    return Tensor._make(array).requires_grad_(requires_grad)


# ------------------------------------------------------------------------------ Tensor-only methods
@op('Tensor')
def where(input, condition, other):
    """``x.where(condition, other)`` is ``ember.where(condition, x, other)``: the elements of ``x`` where
    ``condition`` is true, those of ``other`` elsewhere (all three broadcast together).

    Args:
        condition (BoolTensor): where to keep this tensor's elements.
        other (Tensor or Number): the values used elsewhere.

    Example::

        >>> x = ember.tensor([1., 2., 3.])
        >>> x.where(x > 1.5, ember.tensor(0.))
        tensor([0., 2., 3.])
    """
    from ember.ops.index import where as select_where
    return select_where(condition, input, other)


@op('Tensor')
def fill_diagonal_(input, fill_value, wrap=False):
    """Fill the main diagonal (all dims equal, or a tall matrix's, restarting every ``cols + 1`` rows
    when ``wrap=True``) with ``fill_value``, in place.

    >>> ember.zeros(2, 3).fill_diagonal_(5.)
    tensor([[5., 0., 0.],
            [0., 5., 0.]])
    """
    if input.ndim < 2:
        raise RuntimeError("dimensions must larger than 1")
    if input.ndim > 2 and len(set(input.shape)) != 1:
        raise RuntimeError("all dimensions of input must be of equal length")
    n = min(input.shape)
    if input.ndim == 2 and wrap and input.shape[0] > input.shape[1] + 1:
        rows = np.arange(0, input.shape[0])
        rows = rows[rows % (input.shape[1] + 1) < input.shape[1]]
        cols = rows % (input.shape[1] + 1)
        index = (Tensor._make(input._xp.asarray(rows)), Tensor._make(input._xp.asarray(cols)))
    else:
        i = Tensor._make(input._xp.arange(n))
        index = (i,) * input.ndim
    return input.index_put_(index, input.new_tensor(fill_value))


@op('Tensor')
def new_empty_strided(input, size, stride, *, dtype=None, layout=None, device=None, requires_grad=False,
                      pin_memory=False):
    """Returns an uninitialized tensor with the given sizes and strides, of this tensor's dtype and device
    unless others are given (see :func:`ember.empty_strided`).

    Args:
        size (tuple of int): the shape.
        stride (tuple of int): the strides, in elements.

    Keyword args:
        dtype (ember.dtype, optional): the dtype. Default: this tensor's.
        device (ember.device, optional): the device. Default: this tensor's.
        requires_grad (bool, optional): whether the result requires grad. Default: ``False``.

    Example::

        >>> x = ember.ones(3, dtype=ember.float64)
        >>> y = x.new_empty_strided((2, 2), (1, 2))
        >>> y.shape, y.stride(), y.dtype
        (ember.Size([2, 2]), (1, 2), ember.float64)
    """
    return empty_strided(size, stride, dtype=dtype if dtype is not None else input.dtype, layout=layout,
                         device=device if device is not None else input.device, pin_memory=pin_memory,
                         requires_grad=requires_grad)


@op('Tensor')
def resize_(input, *sizes, memory_format=None):
    """Give the tensor a new shape in place, keeping its first elements in row-major order; new
    elements (when it grows) are uninitialised, as in PyTorch.

    Example::

        >>> x = ember.tensor([[1, 2], [3, 4]])
        >>> x.resize_(3)
        tensor([1, 2, 3])
    """
    from ember.ops._util import shape_arg
    from ember import _formats
    if memory_format not in (None, _formats.contiguous_format):
        raise RuntimeError(f"ember's resize_ supports the contiguous memory format only, not {memory_format}")
    if input.requires_grad:
        raise RuntimeError("cannot resize variables that require grad")
    shape = shape_arg(sizes)
    n = int(np.prod(shape, dtype=np.int64))
    flat = input._data.reshape(-1) if input._data.flags.c_contiguous else input._data.ravel()
    if n <= flat.shape[0]:
        data = flat[:n].reshape(shape)
    else:
        data = input._xp.empty(n, dtype=flat.dtype)
        data[:flat.shape[0]] = flat
        data = data.reshape(shape)
    input._data = data
    input._version_counter.value += 1
    if n > flat.shape[0]:
        from ember._global_flags import fill_uninitialized
        fill_uninitialized(input, flat.shape[0])
    return input


@op('ember', 'Tensor')
def resize_as_(input, the_template, *, memory_format=None):
    """Resizes ``input`` in place to the shape of ``the_template`` (as :meth:`ember.Tensor.resize_` does: the
    elements that remain keep their values in row-major order) and returns it.

    Args:
        input (Tensor): the tensor to resize.
        the_template (Tensor): the tensor whose shape to take.

    Keyword args:
        memory_format (ember.memory_format, optional): the memory order of the result.

    Example::

        >>> y = ember.tensor([1., 2., 3.])
        >>> ember.resize_as_(y, ember.zeros(2))
        tensor([1., 2.])
        >>> y.shape
        ember.Size([2])
    """
    return resize_(input, tuple(the_template.shape), memory_format=memory_format)


@op('Tensor')
def apply_(input, callable):  # noqa: A002  (PyTorch's parameter name)
    """Replace every element ``x`` with ``callable(x)``, in place (CPU; slow: one Python call per
    element, as PyTorch warns).

    Example::

        >>> x = ember.tensor([1., 2., 3.])
        >>> x.apply_(lambda v: v * 10)
        tensor([10., 20., 30.])
    """
    if input.device.type != 'cpu':
        raise TypeError("apply_ is only implemented on CPU tensors")
    flat = input._data.reshape(-1)
    values = [callable(v) for v in flat.tolist()]
    input._data[...] = np.asarray(values, dtype=input._data.dtype).reshape(input._data.shape)
    input._version_counter.value += 1
    return input


def _map_inputs(name, input, others):
    """The arguments of map_/map2_ broadcast to ``input``'s shape as flat lists, after PyTorch's checks."""
    if input.requires_grad:
        raise RuntimeError(f"Can't call {name}() on Variable that requires grad. Use var.detach().{name}() instead.")
    if input.device.type != 'cpu':
        raise TypeError(f"{name} is only implemented on CPU tensors")
    flat = []
    for label, other in others:
        if other.dtype is not input.dtype:
            raise TypeError(f"{name}: expected {input.type()} for {label} (got {other.type()})")
        if other.ndim > input.ndim:
            raise RuntimeError(f"expand({other.type()}{{{list(other.shape)}}}, size={list(input.shape)}): the number "
                               f"of sizes provided ({input.ndim}) must be greater or equal to the number of "
                               f"dimensions in the tensor ({other.ndim})")
        flat.append(np.broadcast_to(other._data, input._data.shape).reshape(-1).tolist())
    return flat


def _write_mapped(input, values):
    input._data[...] = np.asarray(values, dtype=input._data.dtype).reshape(input._data.shape)
    input._version_counter.value += 1
    return input


@op('Tensor')
def map_(input, other, callable):  # noqa: A002
    """Replace every ``x`` with ``callable(x, y)`` for ``y`` the broadcast ``tensor``, in place (CPU).

    Example::

        >>> x = ember.tensor([1., 2.])
        >>> x.map_(ember.tensor([10., 20.]), lambda a, b: a + b)
        tensor([11., 22.])
    """
    (ys,) = _map_inputs('map_', input, [("'other'", other)])
    return _write_mapped(input, [callable(a, b) for a, b in zip(input._data.reshape(-1).tolist(), ys)])


@op('Tensor')
def map2_(input, x, y, callable):  # noqa: A002
    """Replace every element ``a`` of this tensor with ``callable(a, b, c)``, for ``b`` and ``c`` the
    matching elements of ``x`` and ``y`` broadcast to its shape, in place (CPU only; one Python call
    per element, so slow).

    Args:
        x (Tensor): the second argument's values, of this tensor's dtype.
        y (Tensor): the third argument's values, of this tensor's dtype.
        callable (callable): a function of three Python numbers returning one.

    Example::

        >>> ember.zeros(2, 2).map2_(ember.tensor([1., 2.]), ember.tensor([[1.], [2.]]), lambda a, b, c: 10 * b + c)
        tensor([[11., 21.],
                [12., 22.]])
    """
    xs, ys = _map_inputs('map2_', input, [("argument 'x'", x), ("argument 'y'", y)])
    return _write_mapped(input, [callable(a, b, c) for a, b, c in zip(input._data.reshape(-1).tolist(), xs, ys)])


@op('Tensor')
def dim_order(input, *, ambiguity_check=False):
    """The dims from outermost to innermost in memory (by decreasing stride; ties keep dim order).

    ``ambiguity_check=True`` raises when the order is not unique (equal strides or size-1 dims); a
    list of memory formats accepts such a tensor when it is in exactly one of them.

    Keyword args:
        ambiguity_check (bool or list of ember.memory_format, optional): see above. Default: ``False``.

    Example::

        >>> ember.ones(2, 3, 4).dim_order()
        (0, 1, 2)
        >>> ember.ones(2, 3, 4).permute(2, 0, 1).dim_order()
        (1, 2, 0)
        >>> ember.ones(1, 3, 2, 2).to(memory_format=ember.channels_last).dim_order()
        (0, 2, 3, 1)
    """
    from ember._formats import memory_format
    formats = []
    if not isinstance(ambiguity_check, bool):
        if not isinstance(ambiguity_check, list) or not all(isinstance(f, memory_format) for f in ambiguity_check):
            raise TypeError("The ambiguity_check argument must be a bool or a list of memory formats.")
        formats = ambiguity_check
    strides = input.stride()
    if ambiguity_check is not False:
        several = any(a == b for a, b in zip(strides, strides[1:])) or any(n == 1 for n in input.shape)
        if several and sum(bool(input.is_contiguous(memory_format=f)) for f in formats) != 1:
            raise RuntimeError("The tensor does not have unique dim order, or cannot map to exact one of the given "
                               "memory formats.")
    return tuple(sorted(range(input.ndim), key=lambda d: -strides[d]))


@op('Tensor')
def is_pinned(input, device=None):
    """Returns whether the tensor lies in page-locked host memory (made by :meth:`pin_memory`), from which
    copies to a GPU can run asynchronously.

    Args:
        device (ember.device, optional): a CUDA device (the question is asked for CUDA either way).

    Example::

        >>> ember.ones(2).is_pinned()
        False
    """
    from ember.backend import cuda_runtime
    _pinning_device(device)
    return cuda_runtime.is_pinned(input._data)


def _pinning_device(device):
    if device is not None:
        from ember._device import device as _dev
        if _dev(device).type != 'cuda':
            raise RuntimeError(f"Expected a cuda device, but got: {_dev(device)}")


@op('Tensor')
def pin_memory(input, device=None):
    """Returns a copy of this CPU tensor in page-locked host memory, from which ``.to('cuda',
    non_blocking=True)`` copies asynchronously (the tensor itself when it is pinned already). It needs CUDA.

    Args:
        device (ember.device, optional): a CUDA device (pinned memory serves them all).

    Example::

        >>> x = ember.ones(2)
        >>> if ember.cuda.is_available():
        ...     x = x.pin_memory()
        >>> x.is_pinned() == ember.cuda.is_available()
        True
    """
    from ember import cuda
    from ember.backend import cuda_runtime
    if not cuda.is_available():
        raise RuntimeError("Cannot access accelerator device when none is available.")
    _pinning_device(device)
    if input.device.type != 'cpu':
        raise RuntimeError(f"cannot pin '{input.type()}' only dense CPU tensors can be pinned")
    if cuda_runtime.is_pinned(input._data):
        return input
    arr = cuda_runtime.pinned_empty(input.shape, input._data.dtype)
    arr[...] = input._data
    return Tensor._make(arr, input.device)
