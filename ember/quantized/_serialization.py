"""Quantized tensors in PyTorch's checkpoint format: ``torch._utils._rebuild_qtensor`` over a
``QInt8Storage`` (``QUInt8Storage``, ``QInt32Storage``) holding the integers, with the quantizer's
parameters: ``(torch.per_tensor_affine, scale, zero_point)`` or
``(torch.per_channel_affine, scales, zero_points, axis)`` (float zero points for per-row float qparams)."""
import collections

import numpy as np

from ember import _dtype
from ember._formats import _c_order
from ember.quantized import _dtypes
from ember.quantized._qtensor import make, _PER_TENSOR

STORAGE_NAMES = {_dtypes.qint8: ('QInt8Storage', _dtype.int8), _dtypes.quint8: ('QUInt8Storage', _dtype.uint8),
                 _dtypes.qint32: ('QInt32Storage', _dtype.int32)}


def reduce_qtensor(pickler, q, torch_name, storage_ref):
    """What ``ember.save``'s pickler writes for the quantized tensor ``q``: ``torch_name(module, name)`` makes
    PyTorch's global names, ``storage_ref(pid, array)`` a storage entry."""
    if q._qdtype not in STORAGE_NAMES:
        raise NotImplementedError(f"ember.save cannot save {q._qdtype} tensors yet")
    ints = _c_order(np, q._int)     # (0-d stays 0-d: its shape is saved from this array)
    ref = pickler.storages.get(id(ints))
    if ref is None:
        pid = ('storage', torch_name('torch', STORAGE_NAMES[q._qdtype][0]), str(len(pickler.storages)), 'cpu',
               int(ints.size))
        ref = storage_ref(pid + (None,) if pickler.legacy else pid, ints)
        ref.owner = ints    # keeps the array, so its id names it alone until the save ends
        pickler.storages[id(ints)] = ref
    # (per-row float qparams are saved under per_channel_affine with float zero points, as PyTorch saves them)
    scheme_name = 'per_channel_affine' if q._qscheme is _dtypes.per_channel_affine_float_qparams else q._qscheme.name
    scheme = torch_name('torch', scheme_name)
    if q._qscheme in _PER_TENSOR:
        params = (scheme, q._scale, q._zero_point)
    else:
        from ember.ops.creation import tensor
        params = (scheme, tensor(q._scale.copy()), tensor(q._zero_point.copy()), q._axis)
    strides = tuple(int(s) for s in np.cumprod((1,) + ints.shape[:0:-1])[::-1]) if ints.ndim else ()
    return (torch_name('torch._utils', '_rebuild_qtensor'),
            (ref, 0, tuple(ints.shape), strides, params, False, collections.OrderedDict()))


def rebuild_qtensor(view, storage, storage_offset, size, stride, quantizer_params, requires_grad, backward_hooks):
    """A quantized tensor from a checkpoint (``view`` reads the integers out of ``storage``)."""
    from ember.backend import to_numpy
    by_storage = {ints.name: q for q, (_, ints) in STORAGE_NAMES.items()}
    qdtype = by_storage.get(storage._dtype.name)
    if qdtype is None:
        raise RuntimeError(f"cannot rebuild a quantized tensor from a storage of {storage._dtype}")
    ints = to_numpy(view(storage, storage_offset, size, stride))
    scheme = quantizer_params[0]
    if scheme in _PER_TENSOR:
        return make(ints, qdtype, scheme, float(quantizer_params[1]), int(quantizer_params[2]))
    scales, zero_points, axis = quantizer_params[1:]
    # PyTorch saves per-row float qparams under per_channel_affine; float zero points mark them
    float_qparams = scheme is _dtypes.per_channel_affine_float_qparams or zero_points.is_floating_point()
    if float_qparams:
        scheme = _dtypes.per_channel_affine_float_qparams
    return make(ints, qdtype, scheme, to_numpy(scales._data).astype(np.float32 if float_qparams else np.float64),
                to_numpy(zero_points._data).astype(np.float32 if float_qparams else np.int64), int(axis))


def torch_globals():
    """The PyTorch globals a quantized checkpoint names, as ember's objects."""
    import functools
    from ember import serialization
    table = {('torch._utils', '_rebuild_qtensor'): functools.partial(rebuild_qtensor, serialization._view)}
    table.update({('torch', d.name): d for d in _dtypes.QUANTIZED_DTYPES})
    table.update({('torch', s): s_obj for s, s_obj in _dtypes._SCHEMES.items()})
    return table
