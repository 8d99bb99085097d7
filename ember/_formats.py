"""Layouts and memory formats: ``ember.strided`` and ``ember.contiguous_format``,
``preserve_format``, ``channels_last``, ``channels_last_3d`` (PyTorch's ``torch.layout`` and
``torch.memory_format`` values).

ember tensors are strided NumPy/CuPy arrays (``strided``); ``sparse_coo`` tensors (ember.sparse) hold
indices and values; other layouts are refused with a clear error. Memory formats are honoured: ``channels_last`` lays a 4-D tensor out as
NHWC in memory (its strides say so, as PyTorch's do), and ops work on it as on any strided array.
"""


class layout:
    """A tensor layout (only ``ember.strided`` exists in ember)."""
    __slots__ = ('name',)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f'ember.{self.name}'

    def __reduce__(self):
        return self.name  # pickles as the module-level singleton


class memory_format:
    """How a tensor's elements are ordered in memory."""
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
        for fmt in (channels_last, channels_last_3d):
            if is_in_format(source, fmt) and not source.flags.c_contiguous:
                return arrange(xp, array, fmt, name)
        return _c_order(xp, array) if like is not None else array
    perm = _PERMUTATIONS.get((value.name, array.ndim))
    if perm is None:
        raise RuntimeError(f"required rank {4 if value is channels_last else 5} tensor to use {value.name} format")
    inverse = tuple(perm.index(d) for d in range(array.ndim))
    return xp.ascontiguousarray(array.transpose(perm)).transpose(inverse)


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
