"""The quantized tensor: integers plus the scale and zero point that map them to real numbers.

``QTensor`` is a ``Tensor`` subclass that keeps its integers in ``_int`` (a NumPy array of the
dtype's storage type) and, where an ordinary tensor keeps its array, an object that refuses every use
(``_QuantizedData``): an op written for ordinary tensors that receives a quantized one raises
PyTorch's "Could not run ... 'QuantizedCPU' backend" error instead of computing on the integers.
The operations PyTorch does support on quantized tensors (views, indexing, clone, cat, ...) are
methods here, so ordinary tensors pay nothing for them: no check is added to any op.
"""
import builtins

import numpy as np

from ember._tensor import Tensor, Size, _contiguous_strides, _wrap_dim
from ember._torch_function import _disabled_torch_function_impl
from ember.quantized._dtypes import (per_tensor_affine, per_channel_affine, per_channel_affine_float_qparams,
                                     per_tensor_symmetric, per_channel_symmetric)


def _calling_op():
    """The name of the outermost ember op on the stack (the one the user called), or None."""
    import sys
    from ember.ops import _argparse
    try:
        ops = _argparse._ops_by_code()
    except Exception:       # (naming the op must never hide the refusal itself)
        return None
    name = None
    frame = sys._getframe(2)
    while frame is not None:
        found = ops.get(frame.f_code)
        if found:
            name = found[0][1]
        frame = frame.f_back
    return name


def _refusal():
    name = _calling_op()
    op = f"'aten::{name}'" if name else 'this operator'
    return NotImplementedError(
        f"Could not run {op} with arguments from the 'QuantizedCPU' backend. This could be because the operator "
        "doesn't exist for this backend, or was omitted during the selective/custom build process (if using "
        "custom build).")


class _QuantizedData:
    """What a quantized tensor holds where a tensor holds its array: any use raises."""
    __slots__ = ()

    def __getattr__(self, name):
        if name.startswith('__'):   # protocol probes (copy, inspect, NumPy) get the usual answer
            raise AttributeError(name)
        raise _refusal()

    def __array__(self, *args, **kwargs):
        raise _refusal()

    def __len__(self):
        raise _refusal()


def _refuse(self, *args):
    raise _refusal()


for _name in ('add', 'sub', 'mul', 'truediv', 'floordiv', 'pow', 'matmul', 'mod', 'and', 'or', 'xor', 'lt', 'le',
              'gt', 'ge', 'eq', 'ne'):
    setattr(_QuantizedData, f'__{_name}__', _refuse)
    setattr(_QuantizedData, f'__r{_name}__', _refuse)
for _name in ('neg', 'pos', 'abs', 'invert', 'getitem', 'setitem', 'iter', 'bool', 'float', 'int', 'index'):
    setattr(_QuantizedData, f'__{_name}__', _refuse)
_NO_DATA = _QuantizedData()

_PER_TENSOR = (per_tensor_affine, per_tensor_symmetric)
_PER_CHANNEL = (per_channel_affine, per_channel_symmetric, per_channel_affine_float_qparams)


def make(ints, qdtype, qscheme, scale=None, zero_point=None, axis=None, device=None):
    """A quantized tensor over the integer array ``ints`` (no copy). Per tensor, ``scale`` is a float and
    ``zero_point`` an int; per channel they are float64 and int64 (or float) arrays along ``axis``."""
    from ember._device import CPU
    from ember._tensor import _Version
    q = object.__new__(QTensor)
    q._data, q._device, q._requires_grad, q._grad_fn = _NO_DATA, device or CPU, False, None
    q._version_counter = _Version()
    q._int, q._qdtype, q._qscheme, q._axis = ints, qdtype, qscheme, axis
    q._scale, q._zero_point = scale, zero_point
    return q


def _numpy_index(index):
    """An index as NumPy reads it: tensors become their arrays."""
    if isinstance(index, Tensor):
        if isinstance(index, QTensor):
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        from ember.backend import to_numpy
        return to_numpy(index._data)
    if isinstance(index, tuple):
        return tuple(_numpy_index(i) for i in index)
    if isinstance(index, list) and any(isinstance(i, Tensor) for i in index):
        return [_numpy_index(i) for i in index]
    return index


class QTensor(Tensor):
    """A quantized tensor, made by :func:`ember.quantize_per_tensor`, :func:`ember.quantize_per_channel`
    or a quantized module; its values are ``(int_repr() - zero_point) * scale``."""
    __slots__ = ()
    __torch_function__ = _disabled_torch_function_impl   # takes no part in dispatch: ordinary ops stay bare
    is_quantized = True

    # ---------------------------------------------------------------- metadata
    @property
    def dtype(self):
        return self._qdtype

    @property
    def shape(self):
        return Size(self._int.shape)

    def size(self, dim=None):
        shape = self._int.shape
        return Size(shape) if dim is None else shape[_wrap_dim(dim, len(shape))]

    def dim(self):
        return self._int.ndim

    ndimension = dim

    @property
    def ndim(self):
        return self._int.ndim

    def numel(self):
        return self._int.size

    nelement = numel

    def element_size(self):
        return self._qdtype.itemsize

    def stride(self, dim=None):
        data = self._int
        strides = tuple(s // data.itemsize for s in data.strides) if data.size else _contiguous_strides(data.shape)
        return strides if dim is None else strides[_wrap_dim(dim, data.ndim)]

    def storage_offset(self):
        from ember import backend
        return backend.storage_offset(self._int)

    def data_ptr(self):
        from ember import backend
        return backend.data_ptr(self._int)

    def is_contiguous(self, memory_format=None):
        from ember import _formats
        return _formats.is_in_format(self._int, memory_format or _formats.contiguous_format)

    def is_floating_point(self):
        return False

    def is_complex(self):
        return False

    def __len__(self):
        if not self._int.ndim:
            raise TypeError("len() of a 0-d tensor")
        return self._int.shape[0]

    def requires_grad_(self, requires_grad=True):
        if requires_grad:
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        return self

    @property
    def requires_grad(self):
        return False

    @requires_grad.setter
    def requires_grad(self, value):
        self.requires_grad_(value)

    # ---------------------------------------------------------------- quantization parameters
    def int_repr(self):
        from ember.quantized._functions import int_repr
        return int_repr(self)

    def dequantize(self):
        from ember.quantized._functions import dequantize
        return dequantize(self)

    def qscheme(self):
        return self._qscheme

    def q_scale(self):
        self._expect_per_tensor()
        return self._scale

    def q_zero_point(self):
        self._expect_per_tensor()
        return self._zero_point

    def q_per_channel_scales(self):
        self._expect_per_channel()
        from ember.ops.creation import tensor
        return tensor(self._scale.copy())

    def q_per_channel_zero_points(self):
        self._expect_per_channel()
        from ember.ops.creation import tensor
        return tensor(self._zero_point.copy())

    def q_per_channel_axis(self):
        self._expect_per_channel()
        return self._axis

    def _expect_per_tensor(self):
        if self._qscheme not in _PER_TENSOR:
            raise RuntimeError("Expected quantizer->qscheme() == kPerTensorAffine to be true, but got false.  "
                               "(Could this error message be improved?  If so, please report an enhancement "
                               "request to PyTorch.)")

    def _expect_per_channel(self):
        if self._qscheme not in _PER_CHANNEL:
            raise RuntimeError("Expected quantizer->qscheme() == kPerChannelAffine || quantizer->qscheme() == "
                               "kPerChannelAffineFloatQParams to be true, but got false.  (Could this error "
                               "message be improved?  If so, please report an enhancement request to PyTorch.)")

    def _like(self, ints, **changes):
        """A quantized tensor over ``ints`` with this one's parameters (or ``changes`` to them)."""
        params = dict(qdtype=self._qdtype, qscheme=self._qscheme, scale=self._scale, zero_point=self._zero_point,
                      axis=self._axis, device=self._device)
        params.update(changes)
        return make(ints, **params)

    # ---------------------------------------------------------------- views and copies
    def _view(self, ints, moved_axis=None):
        """A view with new integers. A per-channel tensor keeps its channel axis (``moved_axis`` says where it
        went); a view that breaks the channels fails when its values are read, as in PyTorch."""
        if self._qscheme in _PER_CHANNEL:
            return self._like(ints, axis=self._axis if moved_axis is None else moved_axis)
        return self._like(ints)

    def clone(self, *, memory_format=None):
        return self._like(self._int.copy(), scale=_copy(self._scale), zero_point=_copy(self._zero_point))

    def detach(self):
        return self._like(self._int)

    def contiguous(self, memory_format=None):
        return self if self._int.flags.c_contiguous else self._like(np.ascontiguousarray(self._int))

    def view(self, *shape):
        return self._view(self._int.view().reshape(_shape_arg(shape)))

    def reshape(self, *shape):
        return self._view(self._int.reshape(_shape_arg(shape)))

    def flatten(self, start_dim=0, end_dim=-1):
        n = self._int.ndim
        if n == 0:
            return self._view(self._int.reshape(1))
        s, e = _wrap_dim(start_dim, n), _wrap_dim(end_dim, n)
        shape = self._int.shape
        return self._view(self._int.reshape(shape[:s] + (-1,) + shape[e + 1:]))

    def squeeze(self, dim=None):
        if dim is None:
            return self._view(self._int.squeeze())
        dims = (dim,) if isinstance(dim, int) else tuple(dim)
        dims = tuple(d for d in (_wrap_dim(d, self._int.ndim) for d in dims) if self._int.shape[d] == 1)
        return self._view(self._int.squeeze(dims))

    def unsqueeze(self, dim):
        dim = _wrap_dim(dim, self._int.ndim + 1)
        axis = self._axis if self._axis is None or self._axis < dim else self._axis + 1
        return self._view(np.expand_dims(self._int, dim), axis)

    def permute(self, *dims):
        dims = tuple(_wrap_dim(d, self._int.ndim) for d in _shape_arg(dims))
        if self._qscheme in _PER_CHANNEL and dims != tuple(range(len(dims))):
            raise RuntimeError("Setting strides is possible only on uniformly quantized tensor")
        return self._view(self._int.transpose(dims), self._axis)

    def transpose(self, dim0, dim1):
        dims = list(range(self._int.ndim))
        a, b = _wrap_dim(dim0, len(dims)), _wrap_dim(dim1, len(dims))
        dims[a], dims[b] = dims[b], dims[a]
        return self.permute(dims)

    def t(self):
        if self._int.ndim > 2:
            raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {self._int.ndim}D")
        return self.transpose(0, -1) if self._int.ndim == 2 else self

    @property
    def T(self):
        return self.permute(tuple(reversed(range(self._int.ndim))))

    def expand(self, *sizes):
        sizes = _shape_arg(sizes)
        lead = len(sizes) - self._int.ndim
        target = tuple(s if s != -1 else self._int.shape[i - lead] for i, s in enumerate(sizes))
        return self._view(np.broadcast_to(self._int, target), None if self._axis is None else self._axis + lead)

    def __getitem__(self, index):
        ints = self._int[_numpy_index(index)]
        if self._qscheme in _PER_CHANNEL:
            if not (isinstance(index, int) and self._axis == 0):
                return self._like(ints, axis=-1)    # no channel axis left: reading its values fails
            # one channel: a per-tensor quantized tensor with that channel's parameters (as PyTorch does)
            return make(ints, self._qdtype, per_tensor_affine, float(np.float32(self._scale[index])),
                        int(self._zero_point[index]), device=self._device)
        return self._like(ints)

    def select(self, dim, index):
        key = (slice(None),) * _wrap_dim(dim, self._int.ndim) + (index,)
        return self[key]

    def __setitem__(self, index, value):
        from ember.quantized._functions import quantize_like
        index = _numpy_index(index)
        self._int[index] = quantize_like(self, value, index)

    def fill_(self, value):
        """Every element set to ``value`` (a number or a 0-d float tensor), quantized with this tensor's parameters
        (per channel: each channel's), as PyTorch's quantized ``fill_``.

        Example::

            >>> q = ember.quantize_per_tensor(ember.ones(3), 0.1, 3, ember.quint8)
            >>> q.fill_(0.55).int_repr()
            tensor([8, 8, 8], dtype=ember.uint8)
        """
        from ember.quantized._functions import _scalar_name, quantize_like
        if isinstance(value, Tensor) and value.dim() != 0:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with {value.dim()} "
                               "dimensions.")
        if isinstance(value, complex) or (isinstance(value, Tensor) and value.is_complex()):
            raise RuntimeError("Quantized copy only works with kFloat as source Tensor")
        if self._qdtype.bits < 8:
            raise NotImplementedError(f"\"Copy\" not implemented for '{_scalar_name(self._qdtype)}'")
        self._int[...] = quantize_like(self, value, fill=True)
        return self

    def copy_(self, src, non_blocking=False):
        from ember.quantized._functions import quantize_like
        if isinstance(src, QTensor):
            if self._qscheme in _PER_TENSOR and src._qscheme in _PER_TENSOR:
                self._scale, self._zero_point = src._scale, src._zero_point
            self._int[...] = src._int
        else:
            self._int[...] = quantize_like(self, src)
        return self

    def to(self, *args, **kwargs):
        from ember._dtype import dtype as dtype_cls
        wanted = kwargs.get('dtype', next((a for a in args if isinstance(a, dtype_cls)), None))
        if wanted is not None and wanted is not self._qdtype:
            raise RuntimeError("Creation of quantized tensor requires quantized dtype like ember.quint8")
        device = kwargs.get('device', next((a for a in args if isinstance(a, str)), None))
        if device is not None and str(device) != 'cpu':
            raise NotImplementedError("ember's quantized tensors live on the CPU")
        return self

    def cpu(self, memory_format=None):
        return self

    def float(self, memory_format=None):
        raise RuntimeError("Creation of quantized tensor requires quantized dtype like ember.quint8")

    double = half = float

    def type(self, dtype=None, non_blocking=False, **kwargs):
        if dtype is None:
            return f'ember.quantized.{self._qdtype._scalar_name}Tensor'
        raise RuntimeError("Creation of quantized tensor requires quantized dtype like ember.quint8")

    def item(self):
        if self._int.size != 1:
            raise RuntimeError(f"a Tensor with {self._int.size} elements cannot be converted to Scalar")
        return self.dequantize().item()

    def tolist(self):
        raise RuntimeError("load_scalar: invalid type")

    def numpy(self, *, force=False):
        raise TypeError(f"Got unsupported ScalarType {self._qdtype._scalar_name}")

    def __array__(self, dtype=None, copy=None):
        raise TypeError(f"Got unsupported ScalarType {self._qdtype._scalar_name}")

    def equal(self, other):
        if not isinstance(other, QTensor):
            raise RuntimeError("Quantized Tensor is expected on both sides")   # (a plain other: no kernel)
        if self._qscheme is not other._qscheme or self._qdtype is not other._qdtype:
            return False
        return (self._int.shape == other._int.shape and bool(np.array_equal(self._int, other._int))
                and np.array_equal(self._scale, other._scale) and np.array_equal(self._zero_point, other._zero_point)
                and self._axis == other._axis)

    def mean(self, dim=None, keepdim=False, *, dtype=None):
        if dtype is not None:
            raise RuntimeError("the mean of a quantized tensor keeps its quantized dtype")
        from ember.quantized._qops import mean
        return mean(self, dim, keepdim)

    def chunk(self, chunks, dim=0):
        from ember.quantized._qops import dispatch_split
        size = self._int.shape[_wrap_dim(dim, self._int.ndim)]
        return dispatch_split(self, max(1, -(-size // chunks)), dim)

    def relu(self):
        zp = self._zero_point if self._qscheme in _PER_TENSOR else _channel_view(self._zero_point, self)
        return self._like(np.maximum(self._int, np.asarray(zp).astype(self._int.dtype)))

    def __repr__(self, *, tensor_contents=None):
        from ember.quantized._printing import qtensor_repr
        return qtensor_repr(self, tensor_contents)

    def __deepcopy__(self, memo):
        copied = self.clone()
        memo[id(self)] = copied
        return copied

    def __reduce_ex__(self, protocol):
        from ember.quantized._functions import _rebuild_qtensor
        params = ((self._qscheme, self._scale, self._zero_point) if self._qscheme in _PER_TENSOR else
                  (self._qscheme, self._scale.copy(), self._zero_point.copy(), self._axis))
        return (_rebuild_qtensor, (np.ascontiguousarray(self._int), self._qdtype, params))

    def __hash__(self):
        return id(self)


def _copy(value):
    return value.copy() if isinstance(value, np.ndarray) else value


def _shape_arg(shape):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list, Size)):
        shape = shape[0]
    return tuple(builtins.int(s) for s in shape)


def _channel_view(values, q):
    """Per-channel ``values`` shaped to broadcast along ``q``'s axis."""
    shape = [1] * q._int.ndim
    shape[q._axis] = -1
    return np.asarray(values).reshape(shape)


