"""In-place view ops (``t_``, ``transpose_``, ``squeeze_``, ``unsqueeze_``, ``as_strided_``) and
``as_strided``: the tensor itself takes the view's shape and strides, and its history continues
through the view op's node, as in PyTorch."""
import numpy as np

from ember.autograd import _saved_attrs as _sa
from ember import backend
from ember._tensor import Tensor
from ember.autograd import grad_mode
from ember.autograd.function import Primitive, _node_class, _renamed_node
from ember.ops._registry import op
from ember.ops.inplace import check_inplace
from ember.ops._numpy_keywords import NOT_GIVEN, take, take_required


# PyTorch numbers the in-place variant's node after the out-of-place overloads (squeeze_(dim) records
# SqueezeBackward4 where squeeze(dim) records SqueezeBackward1): printed graphs show these names
_INPLACE_NODE_NAMES = {'SqueezeBackward0': 'SqueezeBackward3', 'SqueezeBackward1': 'SqueezeBackward4',
                       'SqueezeBackward2': 'SqueezeBackward5', 'UnsqueezeBackward0': 'UnsqueezeBackward1',
                       'TBackward0': 'TBackward1', 'TransposeBackward0': 'TransposeBackward1',
                       'AsStridedBackward0': 'AsStridedBackward1'}


def named_as_inplace(result):
    """``result`` (a fresh view op's output) with its node named as the in-place variant's (SqueezeBackward4 for
    squeeze(dim)): where PyTorch's composite views its own fresh tensor in place, ember views it out of place
    (vmap batches only that) and shows PyTorch's node."""
    node = getattr(result, '_grad_fn', None)
    return result if node is None else _renamed_node(result, _INPLACE_NODE_NAMES[type(node).__name__])


def _become_view(t, view, *args):
    """Make ``t`` hold ``view(t, *args)`` in place: same memory, new shape/strides, new history."""
    check_inplace(t)
    res = view(t, *args)
    t._data = res._data
    if grad_mode._state.enabled and res._grad_fn is not None:
        node = res._grad_fn
        inplace_name = _INPLACE_NODE_NAMES.get(type(node).__name__)
        if inplace_name is not None:
            node.__class__ = _node_class(inplace_name)
        t._grad_fn, t._output_nr = node, res._output_nr
    if t._base is not None:
        t._view_fn = res._view_fn
    t._version_counter.value += 1
    return t


@op('Tensor')
def t_(input):
    """``t()`` in place.

    Example::

        >>> x = ember.tensor([[1, 2, 3]])
        >>> x.t_().shape
        ember.Size([3, 1])
        >>> x
        tensor([[1],
                [2],
                [3]])
    """
    if input.ndim > 2:
        raise RuntimeError(f"t_() expects a tensor with <= 2 dimensions, but self is {input.ndim}D")
    return _become_view(input, Tensor.t)


@op('Tensor', aliases=('swapdims_',))
def transpose_(input, dim0, dim1):
    """``transpose(dim0, dim1)`` in place.

    Example::

        >>> x = ember.zeros(2, 3, 4)
        >>> x.transpose_(0, 2).shape
        ember.Size([4, 3, 2])
    """
    return _become_view(input, Tensor.transpose, dim0, dim1)


@op('Tensor')
def swapaxes_(input, axis0, axis1):
    """``swapaxes(axis0, axis1)`` in place (NumPy's names for :meth:`transpose_`).

    Example::

        >>> x = ember.zeros(2, 3)
        >>> x.swapaxes_(0, 1).shape
        ember.Size([3, 2])
    """
    return _become_view(input, Tensor.transpose, axis0, axis1)


@op('Tensor')
def squeeze_(input, dim=None, *, axis=NOT_GIVEN):
    """``squeeze(dim)`` in place.

    Example::

        >>> x = ember.zeros(1, 3, 1)
        >>> x.squeeze_(0).shape
        ember.Size([3, 1])
        >>> x.squeeze_().shape
        ember.Size([3])
    """
    if axis is not NOT_GIVEN:     # NumPy's name, as PyTorch's parser takes it
        dim = take('squeeze_', 'axis', axis, dim, None)
    return _become_view(input, Tensor.squeeze) if dim is None else _become_view(input, Tensor.squeeze, dim)


@op('Tensor')
def unsqueeze_(input, dim=NOT_GIVEN, *, axis=NOT_GIVEN):
    """``unsqueeze(dim)`` in place.

    Example::

        >>> x = ember.tensor([1.0, 2.0])
        >>> x.unsqueeze_(1)
        tensor([[1.],
                [2.]])
    """
    if dim is NOT_GIVEN or axis is not NOT_GIVEN:     # NumPy's name, as PyTorch's parser takes it
        dim = take_required('unsqueeze_', 'dim', 'axis', axis, dim)
    return _become_view(input, Tensor.unsqueeze, dim)


class AsStrided(Primitive):
    node_name = 'AsStridedBackward0'
    # grad_fn._saved_*, read lazily (through ``meta``, which a view's regenerated node computes when first read)
    saved_attrs = {'size': lambda node: tuple(node.meta[2]), 'storage_offset': lambda node: _sa.as_given(node.meta[4]),
                   'stride': lambda node: tuple(node.meta[3])}
    _view = True

    @staticmethod
    def forward(ctx, x, size, stride, storage_offset, base_offset, storage_size):
        xp = ctx.xp
        in_strides = tuple(s // x.itemsize for s in x.strides)
        ctx.meta = (x.shape, in_strides, size, stride, storage_offset, base_offset, storage_size)
        flat = _root_flat(x)
        return backend.strided(xp, flat[storage_offset:], size, tuple(s * x.itemsize for s in stride))

    @staticmethod
    def backward(ctx, g):
        in_shape, in_strides, size, stride, offset, base_offset, storage_size = ctx.meta
        # which storage element each output element reads, and where the input's own elements sit:
        # sum the gradient into storage positions, then read it back with the input's geometry
        positions = np.arange(storage_size, dtype=np.int64)
        out_index = _gather_positions(positions, offset, size, stride)
        in_index = _gather_positions(positions, base_offset, in_shape, in_strides)
        storage = g.new_zeros(storage_size).index_add(0, g.new_tensor(out_index).long(), g.reshape(-1))
        return storage[g.new_tensor(in_index).long()].reshape(in_shape), None, None, None, None, None


def _root_flat(x):
    """The memory ``x`` views, flat, in ``x``'s element type (view_as_real's floats read a complex array)."""
    flat = backend.storage_root(x).reshape(-1)      # (through NumPy's as_strided wrapper too)
    return flat if flat.dtype == x.dtype else flat.view(x.dtype)


def storage_size(x):
    """How many elements of ``x``'s type the memory ``x`` views holds (what ``_root_flat(x)`` has, without a
    reshape that would copy a non-contiguous root)."""
    root = backend.storage_root(x)
    return root.size * root.itemsize // x.itemsize


def _gather_positions(positions, offset, shape, strides):
    """The storage position of each element of a view with this geometry, in row-major order."""
    view = np.lib.stride_tricks.as_strided(positions[offset:], shape=shape,
                                           strides=tuple(s * positions.itemsize for s in strides))
    return view.reshape(-1)


@op('ember', 'Tensor')
def as_strided(input, size, stride, storage_offset=None):
    """A view of ``input``'s memory with the given ``size``, ``stride`` and ``storage_offset``
    (in elements; the input's own offset by default). Overlapping views are allowed (reading only).

    >>> ember.arange(6.).as_strided((2, 2), (1, 2), 1)
    tensor([[1., 3.],
            [2., 4.]])
    """
    size, stride = tuple(int(s) for s in size), tuple(int(s) for s in stride)
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    if any(s < 0 for s in stride):
        raise RuntimeError("as_strided: Negative strides are not supported at the moment, got strides: "
                           f"{list(stride)}")
    x = input._data
    root = _root_flat(x)
    base_offset = input.storage_offset()
    # (an omitted offset: the input's own, which the node shows as None, as PyTorch's does)
    offset = _sa.OmittedInt(base_offset) if storage_offset is None else int(storage_offset)
    needed = offset + (1 + sum((n - 1) * s for n, s in zip(size, stride)) if all(size) else 0)
    if needed > root.shape[0] and input._device.type != 'meta':
        raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {offset}, and "
                           f"itemsize {x.itemsize} requiring a storage size of {needed * x.itemsize} are out of bounds "
                           f"for storage of size {root.shape[0] * x.itemsize}")
    out = AsStrided.apply(input, size, stride, offset, base_offset, root.shape[0])
    if input._device.type == 'meta':
        out._data = backend.meta_laid_out(out._data, stride, offset)
    return out


@op('ember', 'Tensor')
def as_strided_(input, size, stride, storage_offset=None):
    """In-place :func:`ember.as_strided`: makes ``input`` itself the view of its memory with the given sizes,
    strides and storage offset, and returns it.

    Args:
        input (Tensor): the tensor to reshape in place.
        size (tuple of int): the new shape.
        stride (tuple of int): the new strides, in elements.
        storage_offset (int, optional): the new offset into the memory. Default: ``input``'s own.

    Example::

        >>> x = ember.arange(6.)
        >>> ember.as_strided_(x, (2, 2), (1, 2))
        tensor([[0., 2.],
                [1., 3.]])
        >>> x.shape
        ember.Size([2, 2])
    """
    return _become_view(input, as_strided, size, stride, storage_offset)
