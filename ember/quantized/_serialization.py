"""Quantized tensors in PyTorch's checkpoint format: ``torch._utils._rebuild_qtensor`` over a
``QInt8Storage`` (``QUInt8Storage``, ``QInt32Storage``) holding the integers, with the quantizer's
parameters: ``(torch.per_tensor_affine, scale, zero_point)`` or
``(torch.per_channel_affine, scales, zero_points, axis)`` (float zero points for per-row float qparams)."""
import collections
import pickle

import numpy as np

from ember import _dtype
from ember._formats import _c_order
from ember.quantized import _dtypes
from ember.quantized._qtensor import make, _PER_TENSOR

STORAGE_NAMES = {_dtypes.qint8: ('QInt8Storage', _dtype.int8), _dtypes.quint8: ('QUInt8Storage', _dtype.uint8),
                 _dtypes.qint32: ('QInt32Storage', _dtype.int32), _dtypes.quint4x2: ('QUInt4x2Storage', _dtype.uint8),
                 _dtypes.quint2x4: ('QUInt2x4Storage', _dtype.uint8)}


class SubByteStorage:
    """A checkpoint's ``QUInt4x2Storage``/``QUInt2x4Storage``: bytes packing several integers each (the first
    in the lowest bits), with the quantized dtype they belong to."""
    __slots__ = ('storage', 'qdtype')

    def __init__(self, storage, name):
        self.storage = storage
        self.qdtype = next(q for q, (n, _) in STORAGE_NAMES.items() if n == name)


class ScriptObject:
    """What a checkpoint's ``torch.ScriptObject`` (a TorchScript class instance, such as the packed weights of
    a dynamically quantized LSTM) loads as: its pickled state, ``(payload, qualified class name)``. The
    modules that hold such objects read them in their ``_load_from_state_dict``; ``ember.save`` writes them
    back as PyTorch's."""

    def __init__(self, payload=None, qualified_name=None):
        self.payload, self.qualified_name = payload, qualified_name

    def __setstate__(self, state):
        self.payload, self.qualified_name = state

    def __repr__(self):
        return f'ScriptObject({self.qualified_name})'


def save_script_object(pickler, obj, torch_name):
    """Writes ``obj`` as ``torch.save`` writes a ScriptObject: the class, made empty, then its state."""
    pickler.save(torch_name('torch', 'ScriptObject'))   # (a name written before is referred back to)
    pickler.write(pickle.EMPTY_TUPLE + pickle.NEWOBJ)
    pickler.memoize(obj)
    # (fresh copies of the class name and the state's strings: PyTorch's __getstate__ makes new ones for every
    # object, so its pickles write them out again rather than referring back to the first)
    fresh = obj.payload
    if isinstance(fresh, tuple):
        fresh = tuple(p.encode().decode() if isinstance(p, str) else p for p in fresh)
    pickler.save((fresh, obj.qualified_name.encode().decode()))
    pickler.write(pickle.BUILD)


def reduce_qtensor(pickler, q, torch_name, storage_ref):
    """What ``ember.save``'s pickler writes for the quantized tensor ``q``: ``torch_name(module, name)`` makes
    PyTorch's global names, ``storage_ref(pid, array)`` a storage entry."""
    if q._qdtype not in STORAGE_NAMES:
        raise NotImplementedError(f"ember.save cannot save {q._qdtype} tensors yet")
    ints = _c_order(np, q._int)     # (0-d stays 0-d: its shape is saved from this array)
    packed = None
    if q._qdtype.bits < 8:      # the storage holds the packed bytes; the tensor keeps its own size
        from ember.quantized._functions import _packed
        packed = ints
        ints = _packed(ints, q._qdtype.bits)
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
    shape = (packed if packed is not None else ints).shape
    strides = tuple(int(s) for s in np.cumprod((1,) + shape[:0:-1])[::-1]) if len(shape) else ()
    return (torch_name('torch._utils', '_rebuild_qtensor'),
            (ref, 0, tuple(shape), strides, params, False, collections.OrderedDict()))


def rebuild_qtensor(view, storage, storage_offset, size, stride, quantizer_params, requires_grad, backward_hooks):
    """A quantized tensor from a checkpoint (``view`` reads the integers out of ``storage``)."""
    from ember.backend import to_numpy
    if isinstance(storage, SubByteStorage):
        qdtype = storage.qdtype
        ints = _unpacked(to_numpy(storage.storage._typed_array()), storage_offset, size, qdtype.bits)
    else:
        by_storage = {ints.name: q for q, (_, ints) in STORAGE_NAMES.items() if q.bits == 8 * ints.itemsize}
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


def _unpacked(data, offset, size, bits):
    """The ``size`` integers packed ``8 // bits`` to a byte in ``data`` from byte ``offset`` on."""
    count = int(np.prod(size))
    per_byte = 8 // bits
    needed = -(-count // per_byte)
    if offset < 0 or offset + needed > data.size:
        raise RuntimeError(f"a quantized tensor of size {list(size)} needs {needed} bytes; its storage has "
                           f"{data.size - offset}")
    raw = data[offset:offset + needed].astype(np.uint8)
    shifts = np.arange(per_byte, dtype=np.uint8) * bits
    values = (raw[:, None] >> shifts) & np.uint8((1 << bits) - 1)
    return values.reshape(-1)[:count].reshape(tuple(int(n) for n in size))


def torch_globals():
    """The PyTorch globals a quantized checkpoint names, as ember's objects."""
    import functools
    from ember import serialization
    table = {('torch._utils', '_rebuild_qtensor'): functools.partial(rebuild_qtensor, serialization._view)}
    table.update({('torch', d.name): d for d in _dtypes.QUANTIZED_DTYPES})
    table.update({('torch', s): s_obj for s, s_obj in _dtypes._SCHEMES.items()})
    return table
