"""Collation: turning a list of samples into a batch (``default_collate``) and converting a
single sample's NumPy parts to tensors (``default_convert``, used when batching is off).

``collate`` walks the structure of the first sample; leaves are handled by the function
registered for their type in ``collate_fn_map`` (checked by exact type first, then by
``isinstance`` in insertion order), containers are rebuilt with collated contents.
"""
import collections.abc
import copy
import re

import numpy as np

from ember._tensor import Tensor

__all__ = ['default_collate', 'default_convert', 'collate', 'default_collate_fn_map']

# dtype.str kinds that cannot become tensors: byte strings, unicode strings, objects
np_str_obj_array_pattern = re.compile(r'[SaUO]')

default_collate_err_msg_format = ("default_collate: batch must contain tensors, numpy arrays, numbers, "
                                  "dicts or lists; found {}")


def _rebuild_mapping(data, fn):
    """``data``'s mapping type with every value passed through ``fn``."""
    try:
        if isinstance(data, collections.abc.MutableMapping):
            clone = copy.copy(data)  # keeps extra attributes of dict subclasses
            clone.update({k: fn(k) for k in data})
            return clone
        return type(data)({k: fn(k) for k in data})
    except TypeError:  # the type cannot be copied or built from a dict
        return {k: fn(k) for k in data}


def _rebuild_sequence(data, items):
    """``data``'s sequence type holding ``items``; a plain list when the type cannot be rebuilt."""
    try:
        if isinstance(data, collections.abc.MutableSequence):
            clone = copy.copy(data)
            for i, v in enumerate(items):
                clone[i] = v
            return clone
        return type(data)(items)
    except TypeError:  # e.g. range
        return list(items)


def default_convert(data):
    """NumPy arrays and scalars inside ``data`` become tensors; everything else is kept.

    >>> import numpy as np
    >>> from ember.utils.data import default_convert
    >>> default_convert(np.array([0, 1]))
    tensor([0, 1])
    >>> default_convert((np.int64(3), 'a'))
    [tensor(3), 'a']
    """
    from ember.ops.creation import as_tensor
    elem_type = type(data)
    if isinstance(data, Tensor):
        return data
    if elem_type.__module__ == 'numpy' and elem_type.__name__ not in ('str_', 'string_'):
        if elem_type.__name__ == 'ndarray' and np_str_obj_array_pattern.search(data.dtype.str) is not None:
            return data
        return as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        return _rebuild_mapping(data, lambda k: default_convert(data[k]))
    if isinstance(data, tuple) and hasattr(data, '_fields'):  # namedtuple: same type back
        return elem_type(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]  # a list, as PyTorch does
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        return _rebuild_sequence(data, [default_convert(d) for d in data])
    return data


def collate(batch, *, collate_fn_map=None):
    """Collate ``batch`` (a list of samples), dispatching leaves through ``collate_fn_map``."""
    elem = batch[0]
    elem_type = type(elem)
    if collate_fn_map is not None:
        fn = collate_fn_map.get(elem_type)
        if fn is not None:
            return fn(batch, collate_fn_map=collate_fn_map)
        for key, fn in collate_fn_map.items():
            if isinstance(elem, key):
                return fn(batch, collate_fn_map=collate_fn_map)

    if isinstance(elem, collections.abc.Mapping):
        return _rebuild_mapping(elem, lambda k: collate([d[k] for d in batch], collate_fn_map=collate_fn_map))
    if isinstance(elem, tuple) and hasattr(elem, '_fields'):  # namedtuple
        return elem_type(*(collate(s, collate_fn_map=collate_fn_map) for s in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        if any(len(e) != size for e in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        # NOTE: each column is the tuple zip makes, so a column of strings comes back a tuple
        columns = [collate(s, collate_fn_map=collate_fn_map) for s in zip(*batch)]
        if isinstance(elem, tuple):
            return columns  # tuples come back as lists, as in PyTorch
        return _rebuild_sequence(elem, columns)
    raise TypeError(default_collate_err_msg_format.format(elem_type))


def collate_tensor_fn(batch, *, collate_fn_map=None):
    # ember.stack rather than the op itself: once a Tensor subclass with __torch_function__ exists it is
    # rebound to the dispatching wrapper, so a batch of subclass samples (MONAI's MetaTensor) keeps their type
    import ember
    return ember.stack(batch, 0)


def collate_numpy_array_fn(batch, *, collate_fn_map=None):
    from ember.ops.creation import as_tensor
    elem = batch[0]
    if np_str_obj_array_pattern.search(elem.dtype.str) is not None:
        raise TypeError(default_collate_err_msg_format.format(elem.dtype))
    return collate([as_tensor(b) for b in batch], collate_fn_map=collate_fn_map)


def collate_numpy_scalar_fn(batch, *, collate_fn_map=None):
    from ember.ops.creation import as_tensor
    return as_tensor(batch)


def collate_float_fn(batch, *, collate_fn_map=None):
    from ember import float64
    from ember.ops.creation import tensor
    return tensor(batch, dtype=float64)


def collate_int_fn(batch, *, collate_fn_map=None):
    from ember.ops.creation import tensor
    return tensor(batch)


def collate_str_fn(batch, *, collate_fn_map=None):
    return batch


# NOTE: the order matters for the isinstance fallback: NumPy scalars (np.float64 subclasses float)
# must be seen before Python floats, and bool (a subclass of int) goes through collate_int_fn.
default_collate_fn_map = {
    Tensor: collate_tensor_fn,
    np.ndarray: collate_numpy_array_fn,
    (np.bool_, np.number, np.object_): collate_numpy_scalar_fn,
    float: collate_float_fn,
    int: collate_int_fn,
    str: collate_str_fn,
    bytes: collate_str_fn,
}


def default_collate(batch):
    """Stack a list of samples into a batch, keeping the samples' structure.

    Tensors are stacked along a new first dimension; NumPy arrays and numbers become tensors
    (Python floats as float64, ints as int64); strings stay a list; dicts, namedtuples and
    sequences are collated field by field (tuples come back as lists).

    >>> from ember.utils.data import default_collate
    >>> default_collate([0, 1, 2, 3])
    tensor([0, 1, 2, 3])
    >>> default_collate([{'A': 0, 'B': 1}, {'A': 100, 'B': 100}])
    {'A': tensor([  0, 100]), 'B': tensor([  1, 100])}
    >>> default_collate([(0, 'a'), (1, 'b')])
    [tensor([0, 1]), ('a', 'b')]
    """
    return collate(batch, collate_fn_map=default_collate_fn_map)
