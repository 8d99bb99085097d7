"""``ember.nested``: nested tensors, batches of tensors whose sizes differ (``layout=ember.strided``, or
``layout=ember.jagged`` for one ragged dim).

Example::

    >>> nt = ember.nested.nested_tensor([ember.ones(2, 3), ember.ones(1, 3)])
    >>> nt.size(0), nt.size(2), nt.dim()
    (2, 3, 3)
    >>> ember.nested.to_padded_tensor(nt, 0.).shape
    ember.Size([2, 2, 3])
"""
import builtins
import itertools
import warnings

import ember
from ember._formats import jagged, strided
from ember._tensor import Tensor
from ember.nested._jagged import JaggedTensor, _from_values
from ember.nested._nested_tensor import NestedTensor, _make

__all__ = ['to_padded_tensor', 'as_nested_tensor', 'nested_tensor', 'nested_tensor_from_jagged', 'narrow',
           'masked_select']


_warned = False


def _warn_prototype(stacklevel=3):
    """PyTorch's once-per-process warning on making a strided nested tensor."""
    global _warned
    if not _warned:
        _warned = True
        warnings.warn("The PyTorch API of nested tensors is in prototype stage and will change in the near future. "
                      "We recommend specifying layout=ember.jagged when constructing a nested tensor, as this layout "
                      "receives active development, has better operator coverage, and works with ember.compile.",
                      UserWarning, stacklevel=stacklevel)


def _check_layout(layout, fn):
    if layout is not None and layout is not strided and layout is not jagged:
        raise RuntimeError(f"Specified layout is unsupported for nested tensors: {layout}")


def _jagged_from_list(pieces, fn):
    """The values and offsets of a jagged tensor over ``pieces`` (their dim 0 is the ragged dim)."""
    if not pieces:
        raise RuntimeError("Cannot construct a nested tensor from an empty tensor list")
    if builtins.any(p.dim() == 0 for p in pieces):
        raise RuntimeError("Cannot construct a nested tensor from a list of zero-dim tensors")
    if builtins.any(p.shape[1:] != pieces[0].shape[1:] for p in pieces):
        raise RuntimeError("Cannot represent given tensor list as a nested tensor with the jagged layout. Note that "
                           "the jagged layout only allows for a single ragged dimension. For example: (B, *, D_0, "
                           "D_1, ..., D_N), with ragged * dim.")
    lengths = [p.shape[0] for p in pieces]
    offsets = ember.tensor([0, *itertools.accumulate(lengths)], dtype=ember.int64, device=pieces[0].device)
    return ember.cat(pieces), offsets


def _same_dims(components, fn):
    for i, c in enumerate(components[1:], 1):
        if c.dim() != components[0].dim():
            raise RuntimeError(f"All Tensors given to {fn} must have the same dimension. Found dimension {c.dim()} "
                               f"for Tensor at index {i} and dimension {components[0].dim()} for Tensor at index 0.")


def nested_tensor(tensor_list, *, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    """A nested tensor holding copies of the tensors (or nested lists of numbers) in ``tensor_list``,
    which must all have the same number of dims; it has no autograd history (see
    :func:`as_nested_tensor`).

    Args:
        tensor_list (list): tensors, or lists of numbers.

    Keyword args:
        dtype (ember.dtype, optional): the dtype (default: the first tensor's).
        layout (ember.layout, optional): ``ember.strided`` (the default) or ``ember.jagged`` (the tensors
            may differ in their first dim only; see ``values()``/``offsets()``).
        device (ember.device, optional): the device (default: the first tensor's).
        requires_grad (bool): whether autograd records operations on the result.
        pin_memory (bool): pinned host memory (not supported: must be False).

    Example::

        >>> ember.nested.nested_tensor([ember.arange(3.), ember.arange(2.)])
        nested_tensor([
          tensor([0., 1., 2.]),
          tensor([0., 1.])
        ])
    """
    _check_layout(layout, 'nested_tensor')
    if pin_memory:
        raise NotImplementedError("ember.nested.nested_tensor: pin_memory=True is not supported")
    if not isinstance(tensor_list, list) and not (layout is jagged and isinstance(tensor_list, tuple)):
        raise TypeError("Only lists (List[Tensor] and List[List...[Scalar]]) are accepted in nested_tensor")
    pieces = [t.detach() if isinstance(t, Tensor) else ember.tensor(t) for t in tensor_list]
    if layout is jagged and builtins.any(p.dim() != pieces[0].dim() for p in pieces):
        raise RuntimeError("When constructing a nested tensor, all tensors in list must have the same dim")
    _same_dims(pieces, 'nested_tensor')
    if pieces:
        dtype = pieces[0].dtype if dtype is None else dtype
        device = pieces[0].device if device is None else device
    pieces = [p.to(dtype=dtype, device=device, copy=True) for p in pieces]
    if layout is jagged:
        values, offsets = _jagged_from_list(pieces, 'nested_tensor')
        return _from_values(values, offsets).requires_grad_(requires_grad)
    _warn_prototype()
    nt = _make(pieces)
    return nt.requires_grad_() if requires_grad else nt


def as_nested_tensor(ts, dtype=None, device=None, layout=None):
    """A nested tensor over the tensors ``ts`` (a list or tuple of tensors, or a tensor whose dim 0
    is split) that keeps their autograd history: gradients reaching the result flow back to them.

    Example::

        >>> x = ember.ones(2, 3, requires_grad=True)
        >>> nt = ember.nested.as_nested_tensor(x)
        >>> ember.nested.to_padded_tensor(nt * 2, 0.).sum().backward()
        >>> x.grad
        tensor([[2., 2., 2.],
                [2., 2., 2.]])
    """
    _check_layout(layout, 'as_nested_tensor')
    if isinstance(ts, NestedTensor):
        if (layout is jagged) != isinstance(ts, JaggedTensor) and layout is not None:
            raise RuntimeError("as_nested_tensor(): Converting between nested tensor layouts is not supported")
        return ts if dtype is None and device is None else ts.to(dtype=dtype, device=device)
    if isinstance(ts, Tensor):
        if ts.dim() < 2:
            raise RuntimeError("as_nested_tensor(): Expected tensor argument to have dim() > 1")
        ts = ts.unbind(0)
    if not isinstance(ts, (list, tuple)) or not builtins.all(isinstance(t, Tensor) for t in ts):
        raise TypeError("as_nested_tensor(): Expected first argument to be a tensor or a list / tuple of tensors ")
    pieces = list(ts)
    _same_dims(pieces, 'as_nested_tensor')
    if layout is jagged:
        pieces = [p.to(dtype=dtype or p.dtype, device=device or p.device) for p in pieces]
        return _from_values(*_jagged_from_list(pieces, 'as_nested_tensor'))
    _warn_prototype()
    if pieces and (dtype is not None or device is not None):
        pieces = [p.to(dtype=dtype or p.dtype, device=device or p.device) for p in pieces]
    return _make(pieces)


def to_padded_tensor(input, padding, output_size=None):
    """The components of the nested tensor ``input`` padded with ``padding`` to one size (``output_size``,
    by default the largest size of each dim) and stacked into a dense tensor (differentiable).

    Example::

        >>> nt = ember.nested.nested_tensor([ember.ones(1, 2), ember.ones(2, 1)])
        >>> ember.nested.to_padded_tensor(nt, -1.)
        tensor([[[ 1.,  1.],
                 [-1., -1.]],
        <BLANKLINE>
                [[ 1., -1.],
                 [ 1., -1.]]])
    """
    if not isinstance(input, NestedTensor):
        raise RuntimeError("to_padded_tensor(): expected a nested tensor")
    comps = input._components
    if not comps:
        return ember.empty(0, dtype=input.dtype)
    ndim = comps[0].dim()
    largest = [builtins.max(c.shape[d] for c in comps) for d in range(ndim)]
    if output_size is None:
        sizes = largest
    else:
        output_size = list(output_size)
        if len(output_size) != ndim + 1:
            raise RuntimeError(f"Length of output_size does not match NestedTensor dims. Broadcasting is not "
                               f"supported.")
        if output_size[0] < len(comps) or builtins.any(o < s for o, s in zip(output_size[1:], largest)):
            raise RuntimeError("Value in output_size is less than NestedTensor padded size. Truncation is not "
                               "supported.")
        sizes = output_size[1:]
    padded = []
    for c in comps:
        widths = []
        for d in reversed(range(ndim)):
            widths += [0, sizes[d] - c.shape[d]]
        padded.append(ember.nn.functional.pad(c, widths, value=padding) if ndim else c)
    out = ember.stack(padded)
    if output_size is not None and output_size[0] > len(comps):
        out = ember.cat([out, ember.full([output_size[0] - len(comps), *sizes], padding, dtype=out.dtype)])
    return out


def narrow(tensor, dim, start, length, layout=strided):
    """The rows ``start`` to ``start + length`` of ``tensor`` (split along dim 0) as a nested tensor.
    With ``layout=ember.strided`` (the only layout ember has) ``start`` and ``length`` are integers and
    ``dim`` must be 0.

    Example::

        >>> ember.nested.narrow(ember.arange(6.).reshape(3, 2), 0, 1, 2)
        nested_tensor([
          tensor([2., 3.]),
          tensor([4., 5.])
        ])
    """
    _check_layout(layout, 'narrow')
    if not isinstance(start, int) or not isinstance(length, int):
        raise RuntimeError("start and length must be integers for the strided layout NT impl")
    return as_nested_tensor(tensor.unbind(0)).narrow(dim, start, length)


def nested_tensor_from_jagged(values, offsets=None, lengths=None, jagged_dim=None, min_seqlen=None, max_seqlen=None):
    """A jagged nested tensor viewing ``values``: entry ``i`` is rows ``offsets[i]`` to ``offsets[i + 1]``
    of ``values`` along ``jagged_dim - 1`` (dim 0 by default). Gradients flow back to ``values``.

    Args:
        values (Tensor): the entries' rows, one after another.
        offsets (Tensor): ``B + 1`` increasing int64 positions, from 0 to the number of rows.
        lengths (Tensor, optional): not supported (entries with gaps between them); must be None.
        jagged_dim (int, optional): the ragged dim of the result (default 1).
        min_seqlen, max_seqlen (int, optional): bounds of the lengths, kept with the tensor.

    Example::

        >>> nt = ember.nested.nested_tensor_from_jagged(ember.arange(5.), ember.tensor([0, 2, 5]))
        >>> [t.tolist() for t in nt.unbind()]
        [[0.0, 1.0], [2.0, 3.0, 4.0]]
    """
    if offsets is None:
        raise RuntimeError("nested_tensor_from_jagged(): offsets are required (lengths alone are not supported)")
    if lengths is not None:
        raise NotImplementedError("nested_tensor_from_jagged(): entries with gaps between them (lengths=) are not "
                                  "supported by ember")
    ragged = 1 if jagged_dim is None else jagged_dim
    if not 1 <= ragged <= values.dim():
        raise RuntimeError(f"nested_tensor_from_jagged(): jagged_dim={jagged_dim} is out of range for values of "
                           f"{values.dim()} dims")
    nt = _from_values(values, offsets, ragged)
    nt._min_seqlen, nt._max_seqlen = min_seqlen, max_seqlen     # kept, as PyTorch keeps them, for kernels
    return nt


def masked_select(tensor, mask):
    """The elements of ``tensor`` where ``mask`` (broadcast to its shape) is True, row by row, as a jagged
    nested tensor whose entry ``i`` holds row ``i``'s selected elements (a 1-d ``tensor`` is one row).

    Example::

        >>> t = ember.arange(6.).reshape(2, 3)
        >>> [r.tolist() for r in ember.nested.masked_select(t, t > 1.5).unbind()]
        [[2.0], [3.0, 4.0, 5.0]]
    """
    if tensor.dim() == 1:        # one row
        tensor, mask = tensor.unsqueeze(0), mask.unsqueeze(0) if mask.dim() == 1 else mask
    mask = mask.expand_as(tensor)
    counts = mask.reshape(mask.shape[0], -1).sum(-1)
    offsets = ember.cat([ember.zeros(1, dtype=ember.int64), counts.cumsum(0)])
    return _from_values(tensor[mask], offsets)
