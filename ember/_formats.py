"""Layouts and memory formats: ``ember.strided`` and ``ember.contiguous_format``,
``preserve_format``, ``channels_last``, ``channels_last_3d`` (PyTorch's ``torch.layout`` and
``torch.memory_format`` values).

ember tensors are strided NumPy/CuPy arrays (``strided``); sparse tensors (ember.sparse) hold indices and
values: ``sparse_coo`` and the compressed ``sparse_csr``, ``sparse_csc``, ``sparse_bsr``, ``sparse_bsc``; factory
functions refuse the sparse layouts with a clear error, as PyTorch's do. Memory formats are honoured: ``channels_last`` lays a 4-D tensor out as
NHWC in memory (its strides say so, as PyTorch's do), and ops work on it as on any strided array.
"""


class layout:
    """How a tensor's elements are stored: ``ember.strided`` (dense, the layout of ordinary tensors) or one of
    the sparse layouts (``ember.sparse_coo``, ...). ``tensor.layout`` tells which, and factory functions take
    ``layout=``.

    Example::

        >>> ember.ones(2).layout
        ember.strided
        >>> isinstance(ember.sparse_coo, ember.layout)
        True
    """
    __slots__ = ('name',)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f'ember.{self.name}'

    def __reduce__(self):
        return self.name  # pickles as the module-level singleton


class memory_format:
    """How a tensor's elements are ordered in memory: ``ember.contiguous_format`` (row-major),
    ``ember.channels_last`` (channels innermost, for 4-d images), ``ember.channels_last_3d`` (5-d) or
    ``ember.preserve_format`` (keep the input's order), given as ``memory_format=`` to :meth:`ember.Tensor.to`,
    :meth:`ember.Tensor.contiguous` and the ``*_like`` factories.

    Example::

        >>> x = ember.ones(1, 3, 2, 2)
        >>> x.stride(), x.to(memory_format=ember.channels_last).stride()
        ((12, 4, 2, 1), (12, 1, 6, 3))
        >>> isinstance(ember.channels_last, ember.memory_format)
        True
    """
    __slots__ = ('name',)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f'ember.{self.name}'

    def __reduce__(self):
        return self.name


strided = layout('strided')
contiguous_format = memory_format('contiguous_format')
preserve_format = memory_format('preserve_format')
channels_last = memory_format('channels_last')
channels_last_3d = memory_format('channels_last_3d')
legacy_contiguous_format = contiguous_format     # PyTorch's old name for it, the same object
jagged = layout('jagged')                          # the layout of nested tensors with one ragged dim
sparse_coo = layout('sparse_coo')                  # sparse tensors: indices and values (ember.sparse)
# PyTorch's compressed sparse layouts (ember/sparse/_compressed.py; factories refuse them with check_layout's
# error) and MKL-DNN's (named, since libraries compare layouts with it; never made)
sparse_csr = layout('sparse_csr')
sparse_csc = layout('sparse_csc')
sparse_bsr = layout('sparse_bsr')
sparse_bsc = layout('sparse_bsc')
_mkldnn = layout('_mkldnn')

# the order of dims in memory, outermost first, for each format and rank
_PERMUTATIONS = {('channels_last', 4): (0, 2, 3, 1), ('channels_last_3d', 5): (0, 2, 3, 4, 1)}


def check_layout(name, value):
    """``None`` or ``strided`` pass; anything else is a layout ember does not have."""
    if value is None or value is strided:
        return
    raise RuntimeError(f"{name}(): ember supports only the strided layout, got {value!r}")


def _check_format(name, value):
    if value is not None and not isinstance(value, memory_format):
        raise TypeError(f"{name}(): argument 'memory_format' must be torch.memory_format, not "
                        f"{type(value).__name__}")


def contiguous_strides(shape):
    """PyTorch's row-major strides for ``shape``, a dimension of size 0 counting as 1 (also what a new tensor
    without elements reports, where NumPy gives zeros)."""
    strides, step = [], 1
    for n in reversed(shape):
        strides.append(step)
        step *= max(n, 1)
    return tuple(reversed(strides))


def _c_order(xp, array):
    # not xp.ascontiguousarray alone: it turns a 0-d array into a 1-element 1-d one
    return array if array.flags.c_contiguous else xp.ascontiguousarray(array)


def arrange(xp, array, value, name, like=None):
    """``array``'s values in the memory format ``value`` (``preserve_format`` keeps ``like``'s, or
    ``array``'s, order when it is one of the known formats); a copy only when the order changes."""
    _check_format(name, value)
    if value is None or value is contiguous_format:
        return _c_order(xp, array)
    if value is preserve_format:
        source = like if like is not None else array
        if getattr(source, '_lstrides', None) is not None:   # a 'meta' array: its layout, not its own strides
            from ember.backend import meta_layout_probe
            source = meta_layout_probe(source)[0]
        if source.flags.c_contiguous and 1 not in source.shape:     # the common case: C order
            return _c_order(xp, array) if like is not None else array
        strides = preserved_strides(source.shape, source.strides, source.itemsize)
        if strides is None:
            return _c_order(xp, array) if like is not None else array
        if array.strides == tuple(s * array.itemsize for s in strides):
            return array
        out = xp.lib.stride_tricks.as_strided(xp.empty(array.size, array.dtype), array.shape,
                                              tuple(s * array.itemsize for s in strides))
        out[...] = array
        return out
    perm = _PERMUTATIONS.get((value.name, array.ndim))
    if perm is None:
        raise RuntimeError(f"required rank {4 if value is channels_last else 5} tensor to use {value.name} format")
    inverse = tuple(perm.index(d) for d in range(array.ndim))
    # a fresh array, not ascontiguousarray: that keeps the odd strides NumPy allows on dims of size 1,
    # and PyTorch gives those dims their canonical strides in the format
    out = xp.empty(tuple(array.shape[d] for d in perm), array.dtype)
    out[...] = array.transpose(perm)
    return out.transpose(inverse)


def has_format_strides(array, value):
    """Whether ``array``'s strides are exactly the canonical ones of ``value`` (dims of size 1 too):
    ``Tensor.to(memory_format=...)`` restrides a tensor that is only ambiguously in the format."""
    perm = tuple(range(array.ndim)) if value is contiguous_format else _PERMUTATIONS.get((value.name, array.ndim))
    if perm is None:
        return False
    expected = array.itemsize
    for d in reversed(perm):
        if array.strides[d] != expected:
            return False
        expected *= array.shape[d]
    return True


def suggests_format(array, value):
    """Whether ``array`` is laid out in ``value`` (a channels-last format) rather than in C order, by
    exact strides (PyTorch's ``suggest_memory_format``): ops such as convolution then answer in it."""
    return has_format_strides(array, value) and not has_format_strides(array, contiguous_format)


def restrided(xp, array, value, name):
    """``array`` copied into ``value``'s canonical strides."""
    if value is contiguous_format:
        out = xp.empty(array.shape, array.dtype)
        out[...] = array
        return out
    return arrange(xp, array, value, name)


def iteration_perm(shape, operand_strides):
    """The dims of ``shape``, innermost first, in the order PyTorch's TensorIterator walks operands with
    these strides (in elements): an insertion sort from the innermost dim where the first operand that
    tells two dims apart decides (a stride of 0 tells nothing; equal strides put the smaller dim inside)."""
    def order(d0, d1):
        for strides in operand_strides:
            a, b = strides[d0], strides[d1]
            if a == 0 or b == 0:
                continue
            if a != b:
                return 1 if a > b else -1
            if shape[d0] > shape[d1]:
                return 1
        return 0
    perm = list(range(len(shape) - 1, -1, -1))
    for i in range(1, len(perm)):
        j = i
        for k in range(i - 1, -1, -1):
            c = order(perm[k], perm[j])
            if c > 0:
                perm[k], perm[j] = perm[j], perm[k]
                j = k
            elif c < 0:
                break
    return perm


def preserved_strides(shape, byte_strides, itemsize):
    """The strides (in elements) PyTorch gives a copy of a tensor with ``preserve_format``: the
    tensor's own when it is dense and non-overlapping (transposed, permuted, channels-last), else
    dense strides in the order of the tensor's (a slice keeps its dims' order; a broadcast dim, of
    stride 0, keeps its place); None where that is C order or cannot be told (negative strides)."""
    if any(s < 0 for s in byte_strides) or 0 in shape:
        return None
    strides = [s // itemsize for s in byte_strides]
    ndim = len(shape)
    # dense and non-overlapping: the dims of size >= 2, by stride, each the product of those inside it
    dims = sorted((d for d in range(ndim) if shape[d] >= 2), key=lambda d: strides[d])
    expected = 1
    for d in dims:
        if strides[d] != expected:
            break
        expected *= shape[d]
    else:
        return tuple(strides)
    # otherwise: dims ordered by stride, then laid out densely
    out, step = [0] * ndim, 1
    for d in iteration_perm(shape, [strides]):
        out[d] = step
        if shape[d] > 1:
            step *= shape[d]
    return tuple(out)


def is_in_format(array, value):
    """Whether ``array``'s strides are those of ``value`` (dims of size 1 may have any stride)."""
    if value is None or value is contiguous_format or value is preserve_format:
        return array.flags.c_contiguous
    perm = _PERMUTATIONS.get((value.name, array.ndim))
    if perm is None:
        return False
    expected = array.itemsize
    for d in reversed(perm):
        if array.shape[d] != 1 and array.strides[d] != expected:
            return False
        expected *= array.shape[d]
    return True
