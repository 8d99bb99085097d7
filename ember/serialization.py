"""Checkpoints: ``ember.save`` / ``ember.load`` in PyTorch's own file format, both ways.

A checkpoint is what ``torch.save`` (1.6+) writes: an uncompressed zip archive ::

    <archive>/data.pkl         the object, pickled (protocol 2). A tensor is the call
                               torch._utils._rebuild_tensor_v2(storage, offset, size, stride,
                               requires_grad, backward_hooks), its storage a persistent id
                               ('storage', torch.FloatStorage, key, location, numel)
    <archive>/data/<key>       the storage's raw bytes, each entry's data 64-byte aligned
    <archive>/byteorder ...    'little'; version '3'; .format_version; .storage_alignment;
                               .data/serialization_id

ember writes the ``torch.*`` global names, so real PyTorch reads ember's files; reading maps them
back to ember. Tensors that view one buffer (a tensor and its slices) share one storage entry and
come back as NumPy views of one array. ``weights_only=True`` (the default, as in PyTorch 2.6+)
unpickles through an allowlist: a malicious checkpoint never runs code.

>>> import io, ember
>>> buf = io.BytesIO()
>>> ember.save({'w': ember.ones(2)}, buf)
>>> _ = buf.seek(0)
>>> ember.load(buf)
{'w': tensor([1., 1.])}
"""
import _compat_pickle
import codecs
import collections
import collections.abc
import contextlib
import copyreg
import functools
import importlib
import io
import math
import mmap as _mmap
import os
import pickle
import pickletools
import secrets
import socket
import struct
import sys
import types
import typing
import warnings
import zipfile
import zlib

import numpy as np

from ember import backend
from ember._device import CPU, as_device, device as _device
from ember._dtype import ALL_DTYPES, BAREBONES, FLOAT8, HAS_BFLOAT16, dtype as _dtype, float32

# dtypes PyTorch saves as bytes in an UntypedStorage, naming the dtype in the tensor's rebuild
_UNTYPED_SAVED = frozenset(BAREBONES + FLOAT8)
from ember._formats import layout as _layout
from ember._tensor import Size, Tensor
from ember.sparse._values_backed import ValuesBacked
from ember.storage import TypedStorage, UntypedStorage
from ember._tensor import _contiguous_strides
from ember import _serialization_options as _options
from ember._zip_writer import ZipRecordWriter, data_start
from ember._serialization_options import (LoadEndianness, get_crc32_options, get_default_load_endianness,  # noqa: F401
                                          get_default_mmap_options, set_crc32_options, set_default_load_endianness,
                                          set_default_mmap_options, skip_data)

__all__ = ['save', 'load', 'TypedStorage', 'add_safe_globals', 'get_safe_globals', 'clear_safe_globals',
           'safe_globals', 'save_safetensors', 'load_safetensors', 'LoadEndianness', 'get_crc32_options',
           'set_crc32_options', 'get_default_load_endianness', 'set_default_load_endianness',
           'get_default_mmap_options', 'set_default_mmap_options', 'skip_data', 'get_unsafe_globals_in_checkpoint']

DEFAULT_PROTOCOL = 2
# the type aliases PyTorch's module exposes, which libraries use in their own annotations
# (pyro's parameter store: ``map_location: MAP_LOCATION``)
FileLike = typing.Union[str, os.PathLike, typing.IO[bytes]]
MAP_LOCATION = typing.Optional[typing.Union[typing.Callable[[UntypedStorage, str], UntypedStorage], _device, str,
                                            typing.Dict[str, str]]]
STORAGE = typing.Union[UntypedStorage, TypedStorage]
_CHUNK = 1 << 24                   # copy large storages in 16 MiB pieces: no second full-size buffer
_LEGACY_MAGIC = 0x1950a86a20f9469cfc6c
_LEGACY_PROTOCOL = 1001
# float32 -> FloatStorage; uint16/32/64 have no legacy storage: their tensors view an UntypedStorage
_STORAGE_NAME = {d: d._legacy.replace('Tensor', 'Storage') for d in ALL_DTYPES if d not in BAREBONES}


# ====================================================================================== saving
class _TorchName:
    """Stands in for a PyTorch global (``torch._utils._rebuild_tensor_v2``) while ember pickles.

    Pickle normally checks that a global can be imported; this name need only exist in PyTorch, so
    ``_SavePickler.save_global`` writes it directly."""
    __slots__ = ('module', 'name')

    def __init__(self, module, name):
        self.module, self.name = module, name

    def __reduce__(self):
        return self.name

    def __call__(self, *args):   # pickle's save_reduce insists on a callable; the file's reader calls it
        raise TypeError(f'{self.module}.{self.name} is a name for PyTorch files, not an ember function')


_REBUILD_TENSOR_V2 = _TorchName('torch._utils', '_rebuild_tensor_v2')
_REBUILD_TENSOR_V3 = _TorchName('torch._utils', '_rebuild_tensor_v3')
_REBUILD_PARAMETER = _TorchName('torch._utils', '_rebuild_parameter')
_REBUILD_PARAMETER_WITH_STATE = _TorchName('torch._utils', '_rebuild_parameter_with_state')
_REBUILD_FROM_TYPE_V2 = _TorchName('torch._tensor', '_rebuild_from_type_v2')
_REBUILD_SPARSE = _TorchName('torch._utils', '_rebuild_sparse_tensor')
_GET_LAYOUT = _TorchName('torch.serialization', '_get_layout')
_TORCH_TENSOR = _TorchName('torch', 'Tensor')
_TORCH_SIZE = _TorchName('torch', 'Size')
_TORCH_DEVICE = _TorchName('torch', 'device')
_STORAGE_TYPE_NAME = {d: _TorchName('torch', n) for d, n in _STORAGE_NAME.items()}
_TORCH_UNTYPED_STORAGE = _TorchName('torch.storage', 'UntypedStorage')


@functools.lru_cache(maxsize=None)
def _torch_name(module, name):
    """One stand-in per PyTorch name: the pickler's memo then writes a name used again (a quantized tensor's
    rebuild function, storage type, qscheme) once and refers back to it after, as PyTorch's pickles do."""
    return _TorchName(module, name)


class _StorageRef:
    """One storage being saved: a dense array (the outermost buffer the tensors view) and its id."""
    __slots__ = ('pid', 'array', 'owner')

    def __init__(self, pid, array):
        self.pid, self.array, self.owner = pid, array, None


def _is_parameter(t):
    # NOTE: by class name, so saving needs no import of ember.nn (and works for its subclasses too)
    return t._is_param or any(c.__name__ == 'Parameter' and c.__module__.startswith('ember')
                              for c in type(t).__mro__)


def _data_ptr(a):
    return a.__array_interface__['data'][0] if isinstance(a, np.ndarray) else a.data.ptr


def _dense(a):
    return a.flags.c_contiguous or a.flags.f_contiguous


def _root_array(arr):
    """The outermost dense array of arr's dtype among arr and its bases (None if none is dense)."""
    kind = np.ndarray if isinstance(arr, np.ndarray) else type(arr)
    root = arr if _dense(arr) else None
    node = arr
    # NOTE: stop where the dtype changes (a bit-cast view, or a mmap'd file seen as bytes): PyTorch
    # cannot store one storage under two dtypes, so such tensors get storages of their own.
    while isinstance(node.base, kind) and node.base.dtype == arr.dtype:
        node = node.base
        if _dense(node):
            root = node
    return root


def _layout_in(arr, root):
    """(offset, strides) in elements of arr inside root's memory, or None if PyTorch can't express it."""
    isz = arr.itemsize
    offset = _data_ptr(arr) - _data_ptr(root)
    if offset < 0 or offset % isz:
        return None
    offset //= isz
    strides, last = [], offset
    for n, s in zip(arr.shape, arr.strides):
        if n == 1:  # the stride of a length-1 dim never moves; keep it if PyTorch can hold it
            strides.append(s // isz if s >= 0 and s % isz == 0 else 0)
            continue
        if s < 0 or s % isz:  # PyTorch has no negative or fractional strides
            return None
        strides.append(s // isz)
        last += (n - 1) * (s // isz)
    return (offset, tuple(strides)) if last < root.size else None


class _SavePickler(pickle._Pickler):
    """Pickles like ``torch.save``: tensors become ``_rebuild_tensor_v2`` calls on shared storages.

    NOTE: the pure-Python pickler, because only it lets ``save_global`` write a name (``torch ...``)
    that is not importable here; tensor bytes never pass through it, so its speed does not matter."""

    # NOTE: functions are saved through the dispatch table, which names the base class's save_global:
    # route them to ours too (nn.functional functions held by modules get PyTorch's names)
    dispatch = dict(pickle._Pickler.dispatch)
    dispatch[types.FunctionType] = lambda self, obj: self.save_global(obj)

    def __init__(self, file, protocol, legacy=False):
        super().__init__(file, protocol)
        self.legacy = legacy
        self.storages = {}   # id(root array) -> _StorageRef, in first-seen order (keys '0', '1', ...)

    def save(self, obj, save_persistent_id=True):
        # PyTorch's TorchScript objects (a quantized LSTM's packed weights) are written as torch.save does
        if type(obj).__name__ == 'ScriptObject' and id(obj) not in self.memo:
            from ember.quantized._serialization import ScriptObject, save_script_object
            if type(obj) is ScriptObject:
                return save_script_object(self, obj, _torch_name)
        return super().save(obj, save_persistent_id)

    def persistent_id(self, obj):
        if type(obj) is _StorageRef:
            return obj.pid
        if isinstance(obj, (UntypedStorage, TypedStorage)):
            return self._saved_storage(obj).pid
        return None

    def _saved_storage(self, st):
        """The entry of a storage saved as itself: its bytes, under its legacy type (untyped: bytes)."""
        typed = isinstance(st, TypedStorage)
        if typed:
            root = backend.storage_root(st._untyped_storage._array)
            if root.dtype == st._dtype.np_dtype and root.nbytes == st.nbytes() and _dense(root):
                return self._storage_of(root, st.device)[0]   # the entry the tensors over it share
        key = ('storage', id(st._untyped_storage if typed else st), st._dtype if typed else None)
        ref = self.storages.get(key)
        if ref is None:
            array = st._typed_array() if typed else st._array
            name = _STORAGE_TYPE_NAME[st._dtype] if typed else _TORCH_UNTYPED_STORAGE
            pid = ('storage', name, str(len(self.storages)), str(st.device), int(array.size))
            ref = _StorageRef(pid + (None,) if self.legacy else pid, array)
            ref.owner = st   # keeps the storage, so its id names it alone until the save ends
            self.storages[key] = ref
        return ref

    def reducer_override(self, obj):
        if isinstance(obj, Tensor):
            return self._reduce_tensor(obj)
        if isinstance(obj, (_TorchName, _dtype)):
            return obj.name                     # a bare global: torch.float32, torch.FloatStorage
        if isinstance(obj, Size):
            return _TORCH_SIZE, (tuple(obj),)
        if isinstance(obj, _layout):
            return _GET_LAYOUT, (f'torch.{obj.name}',)
        if isinstance(obj, _device):
            return _TORCH_DEVICE, ((obj.type,) if obj.index is None else (obj.type, obj.index))
        if type(obj) is types.FunctionType and _torch_function_name(obj) is None:
            name = obj.__name__
            if Tensor.__dict__.get(name) is obj:      # a Tensor method: torch.Tensor's, as torch.save names it
                return getattr, (_TORCH_TENSOR, name)
        return NotImplemented

    def save_global(self, obj, name=None):
        if isinstance(obj, _TorchName):
            module, name = obj.module, obj.name
        elif isinstance(obj, _dtype):
            module, name = 'torch', obj.name
        elif _torch_nn_name(obj) is not None:
            # a whole built-in module (ember.save(model)) is pickled as PyTorch's class, so that
            # torch.load rebuilds a torch.nn module (its state, __dict__, has PyTorch's names)
            module, name = _torch_nn_name(obj)
        elif _torch_function_name(obj) is not None:
            module, name = _torch_function_name(obj)
        elif _torch_mirror_name(obj) is not None:
            module, name = _torch_mirror_name(obj)
        else:
            return super().save_global(obj, name)
        if self.proto >= 4:
            self.save(module)
            self.save(name)
            self.write(pickle.STACK_GLOBAL)
        else:
            self.write(pickle.GLOBAL + f'{module}\n{name}\n'.encode('utf-8'))
        self.memoize(obj)

    def _reduce_tensor(self, t):
        if isinstance(t, ValuesBacked):     # sparse: PyTorch's _rebuild_sparse_tensor(layout, (indices..., values, size))
            if t._is_param:
                return _REBUILD_PARAMETER, (t.detach(), t.requires_grad, collections.OrderedDict())
            return _REBUILD_SPARSE, (t.layout, t._sparse_parts())
        if t.is_quantized:      # PyTorch's _rebuild_qtensor over a QInt8Storage (ember/quantized/_serialization.py)
            from ember.quantized._serialization import reduce_qtensor
            return reduce_qtensor(self, t, _torch_name, _StorageRef)
        if t._device.type == 'meta':
            raise RuntimeError("ember.save cannot save tensors on the 'meta' device: they hold no data")
        if _is_parameter(t):
            data = Tensor._make(t._data, t._device)
            state = t._user_state()
            if state:
                return _REBUILD_PARAMETER_WITH_STATE, (data, t._requires_grad, collections.OrderedDict(), state)
            return _REBUILD_PARAMETER, (data, t._requires_grad, collections.OrderedDict())
        ref, offset, stride = self._storage_of(t._data, t._device)
        args = (ref, offset, tuple(int(n) for n in t._data.shape), stride, t.requires_grad,
                collections.OrderedDict())
        rebuild = _REBUILD_TENSOR_V2
        if t.dtype in _UNTYPED_SAVED:   # as PyTorch: bytes in an UntypedStorage, the dtype given to the rebuild
            rebuild, args = _REBUILD_TENSOR_V3, args + (t.dtype,)
        state = t._user_state()
        if state or type(t) is not Tensor:  # attributes set on a tensor survive, as in PyTorch
            new_type = _TORCH_TENSOR if type(t) is Tensor else type(t)
            return _REBUILD_FROM_TYPE_V2, (rebuild, new_type, args, state)
        return rebuild, args

    def _storage_of(self, arr, dev):
        root = _root_array(arr) if arr.size else None
        layout = _layout_in(arr, root) if root is not None else None
        if layout is None:  # not expressible as a strided view of a buffer: save a compact copy
            xp = backend.array_module_of(arr)
            root = xp.ascontiguousarray(arr)
            layout = (0, _contiguous_strides(arr.shape))
        ref = self.storages.get(id(root))
        if ref is None:
            dt = _dtype_of(root)
            if dt in _UNTYPED_SAVED:
                pid = ('storage', _TORCH_UNTYPED_STORAGE, str(len(self.storages)), str(dev), int(root.nbytes))
            else:
                pid = ('storage', _STORAGE_TYPE_NAME[dt], str(len(self.storages)), str(dev), int(root.size))
            ref = _StorageRef(pid + (None,) if self.legacy else pid, root)
            self.storages[id(root)] = ref
        return (ref,) + layout


# NOTE: PyTorch's recurrent layers keep internal state ember's do not (_flat_weights and friends):
# they are pickled under ember's names, which ember.load reads back.
_NOT_AS_TORCH = {'RNNBase', 'RNN', 'LSTM', 'GRU'}
# classes that live in another file in PyTorch than in ember (the rest mirror torch.nn's layout)
_TORCH_MODULE_OF = {name: 'torch.nn.modules.' + file for file, names in {
    'activation': ['MultiheadAttention'],
    'batchnorm': ['BatchNorm1d', 'BatchNorm2d', 'BatchNorm3d', 'LazyBatchNorm1d', 'LazyBatchNorm2d', 'LazyBatchNorm3d',
                  'SyncBatchNorm'],
    'channelshuffle': ['ChannelShuffle'],
    'container': ['Container'],
    'conv': ['LazyConv1d', 'LazyConv2d', 'LazyConv3d', 'LazyConvTranspose1d', 'LazyConvTranspose2d',
             'LazyConvTranspose3d'],
    'fold': ['Fold', 'Unfold'],
    'instancenorm': ['InstanceNorm1d', 'InstanceNorm2d', 'InstanceNorm3d', 'LazyInstanceNorm1d', 'LazyInstanceNorm2d',
                     'LazyInstanceNorm3d'],
    'linear': ['LazyLinear', 'NonDynamicallyQuantizableLinear'],
    'loss': ['CTCLoss', 'LinearCrossEntropyLoss', 'NLLLoss2d'],
    'normalization': ['RMSNorm'],
    'pooling': ['AdaptiveMaxPool3d', 'FractionalMaxPool2d', 'FractionalMaxPool3d', 'LPPool3d', 'MaxUnpool3d'],
}.items() for name in names}


def _torch_nn_name(obj):
    """PyTorch's (module, name) for one of ember.nn's classes or nn.functional's functions, or torchvision's for
    one of ember.vision's classes, else None."""
    module = getattr(obj, '__module__', None) or ''
    name = getattr(obj, '__name__', None)
    if not (isinstance(obj, type) or callable(obj)) or not name or name in _NOT_AS_TORCH:
        return None
    functional = sys.modules.get('ember.nn.functional')
    if functional is not None and not isinstance(obj, type) and _same_op(getattr(functional, name, None), obj):
        return 'torch.nn.functional', name
    if isinstance(obj, type) and module.startswith('ember.nn.'):
        if name in _TORCH_MODULE_OF:
            return _TORCH_MODULE_OF[name], name
        # PyTorch's own module path (not the shorter torch.nn.<Name>): the name weights-only loading checks
        return 'torch' + module[len('ember'):], name
    if module.startswith('ember.vision.') and (isinstance(obj, type) or _defined_as(obj, module, name)):
        # ember.vision mirrors torchvision's layout, but for these (classes, and functions such as the model
        # builders: fastai keeps ``resnet18`` in the learner it exports)
        return _TORCHVISION_MODULE_OF.get(name, 'torchvision' + module[len('ember.vision'):]), name
    if isinstance(obj, type) and module.startswith('ember') and _defined_as(obj, 'ember', name):
        return 'torch', name        # ember.Tensor, ember.Size, ember.Generator... as torch's
    return None


def _defined_as(obj, module, name):
    space = sys.modules.get(module)
    return space is not None and space.__dict__.get(name) is obj


def _same_op(bound, obj):
    """Whether ``bound`` (what a namespace holds) is ``obj``, or both are one op on either side of its
    ``__torch_function__`` wrapper: a function taken before a Tensor subclass switched dispatch on (which rebinds
    the namespaces to wrappers) is still saved under its public name."""
    if bound is obj:
        return True
    from ember._torch_function import unwrapped
    return bound is not None and unwrapped(bound) is unwrapped(obj)


# ember's packages laid out as PyTorch's (ember.optim.sgd is torch.optim.sgd): their classes and functions are
# saved under PyTorch's module paths
_MIRRORED_PACKAGES = ('ember.optim', 'ember.distributions', 'ember.utils', 'ember.nn', 'ember.autograd', 'ember.amp',
                      'ember.ao', 'ember.fx', 'ember.masked', 'ember.testing', 'ember.multiprocessing')


def _torch_mirror_name(obj):
    """PyTorch's (module, name) for a class or function of one of ember's packages that mirror PyTorch's layout
    (``torch.optim.sgd.SGD`` for ember's SGD), else None. Defined in a private module of ember's own
    (``ember.utils.data._collate``), it is named by the nearest public package that holds it
    (``torch.utils.data.default_collate``), a name PyTorch also answers."""
    module = getattr(obj, '__module__', None) or ''
    name = getattr(obj, '__qualname__', None)
    if not isinstance(name, str) or '.' in name or not module.startswith(_MIRRORED_PACKAGES):
        return None
    parts = module.split('.')
    for end in range(len(parts), 1, -1):
        if any(p.startswith('_') for p in parts[1:end]):
            continue
        space = sys.modules.get('.'.join(parts[:end]))
        if space is None:
            continue
        if not name.startswith('_') and _same_op(space.__dict__.get(name), obj):
            return 'torch.' + '.'.join(parts[1:end]), name
        for public, value in space.__dict__.items():    # a private function published under a public name
            if not public.startswith('_') and _same_op(value, obj):
                return 'torch.' + '.'.join(parts[1:end]), public
    return None


def _torch_function_name(obj):
    """PyTorch's (module, name) for one of ember's top-level, linalg, fft or special functions, else None:
    ``torch.add`` for ``ember.add``, so that ``torch.load`` finds the function ember saved."""
    name = getattr(obj, '__name__', None)
    if isinstance(obj, type) or not isinstance(name, str) or not callable(obj):
        return None
    spaces = [(sys.modules.get(space), torch_space) for space, torch_space in (
        ('ember', 'torch'), ('ember.linalg', 'torch.linalg'), ('ember.fft', 'torch.fft'),
        ('ember.special', 'torch.special'))]
    for module, torch_space in spaces:
        if module is not None and _same_op(module.__dict__.get(name), obj):
            return torch_space, name
    for module, torch_space in spaces:      # bound under another name than its own (linalg_det as det)
        if module is not None:
            for bound, value in module.__dict__.items():
                if not bound.startswith('_') and _same_op(value, obj):
                    return torch_space, bound
    return None


_TORCHVISION_MODULE_OF = {'StochasticDepth': 'torchvision.ops.stochastic_depth',
                          'ImageClassification': 'torchvision.transforms._presets'}


def _dtype_of(arr):
    from ember._dtype import from_numpy_dtype
    return from_numpy_dtype(arr.dtype)


def _raw_bytes(root):
    """The bytes of a dense array in memory order, as a flat uint8 NumPy array (a view on the CPU)."""
    src = root if root.flags.c_contiguous else root.T   # an F-ordered buffer is its transpose in C order
    host = np.ascontiguousarray(backend.to_numpy(src, pinned=_options._state['save.use_pinned_memory_for_d2h']))
    if host.dtype.byteorder == ('<' if sys.byteorder == 'big' else '>'):
        host = host.astype(host.dtype.newbyteorder('='))
    return host.reshape(-1).view(np.uint8)


class _BorrowingPickler(_SavePickler):
    """ember's pickler taking on a user pickler built on the C pickler (cloudpickle's, which fastai's
    ``Learner.export`` passes): that class's Python-level methods (its ``reducer_override``, which pickles
    functions and classes by value, and the helpers it calls) and ``dispatch_table`` run after ember's
    own, its instance attributes copied from a throwaway instance. The C pickler itself cannot be a base:
    it writes only names importable here."""
    _borrowed = None

    def __init__(self, file, protocol, legacy=False):
        super().__init__(file, protocol, legacy)
        for key, value in vars(self._borrowed(io.BytesIO(), protocol)).items():
            self.__dict__.setdefault(key, value)

    def reducer_override(self, obj):
        if isinstance(obj, types.ModuleType):
            # cloudpickle imports the modules a by-value function uses when loading: PyTorch's names
            from ember.compat import torch_module_name
            torch_name = torch_module_name(obj.__name__)
            if torch_name is not None:
                return importlib.import_module, (torch_name,)
        reduced = super().reducer_override(obj)
        borrowed = getattr(self._borrowed, 'reducer_override', None)
        if reduced is NotImplemented and borrowed is not None:
            reduced = borrowed(self, obj)
        return reduced


def _pickler_class(base):
    if base is None:
        return _SavePickler
    if issubclass(base, pickle._Pickler):      # dill's: a pure-Python pickler, combined directly
        return type('_Pickler', (_SavePickler, base), {})
    methods = {}
    for klass in reversed(base.__mro__):
        if klass not in (pickle.Pickler, object):
            methods.update((k, v) for k, v in vars(klass).items() if k not in _KEPT_FROM_OURS)
    if not isinstance(methods.get('dispatch_table'), collections.abc.Mapping):
        methods['dispatch_table'] = copyreg.dispatch_table     # (the class sets none of its own)
    methods['_borrowed'] = base
    return type('_Pickler', (_BorrowingPickler,), methods)


# what a borrowed pickler class may not replace: the pure-Python pickler's machinery and ember's own hooks
_KEPT_FROM_OURS = frozenset(('__init__', '__dict__', '__weakref__', '__module__', '__doc__', '__qualname__',
                             'dump', 'dispatch', 'reducer_override', 'persistent_id', 'save_global'))


def _pickle_object(obj, protocol, legacy=False, pickler_base=None):
    buf = io.BytesIO()
    pickler = _pickler_class(pickler_base)(buf, protocol, legacy)
    pickler.dump(obj)
    return buf.getvalue(), list(pickler.storages.values())


def _write_aligned(zf, name, data, alignment=None, crc32=None):
    """Add one stored (uncompressed) record to ``zf`` (a :class:`ZipRecordWriter`) whose data starts on an
    ``alignment``-byte boundary of the file (by default the configured storage alignment, 64 bytes unless
    changed), with its CRC-32 unless ``crc32`` (by default :func:`get_crc32_options`) is False."""
    alignment = _options.storage_alignment() if alignment is None else alignment
    zf.add(name, data, alignment, _options.get_crc32_options() if crc32 is None else crc32)


def _write_zip(fh, archive, pkl, storages, byteorder_record=True):
    with ZipRecordWriter(fh) as zf:
        _write_aligned(zf, f'{archive}/data.pkl', pkl)
        _write_aligned(zf, f'{archive}/.format_version', b'1')
        _write_aligned(zf, f'{archive}/.storage_alignment', str(_options.storage_alignment()).encode())
        if byteorder_record:
            _write_aligned(zf, f'{archive}/byteorder', sys.byteorder.encode())
        for ref in storages:
            data = _raw_bytes(ref.array) if not _options.skipping_data() else np.zeros(ref.array.nbytes, np.uint8)
            _write_aligned(zf, f'{archive}/data/{ref.pid[2]}', data)
        _write_aligned(zf, f'{archive}/version', b'3\n')
        _write_aligned(zf, f'{archive}/.data/serialization_id', f'{secrets.randbelow(10 ** 40):040d}'.encode())


def _write_legacy(fh, pkl, storages, protocol):
    for header in (_LEGACY_MAGIC, _LEGACY_PROTOCOL,
                   {'protocol_version': _LEGACY_PROTOCOL, 'little_endian': sys.byteorder == 'little',
                    'type_sizes': {'short': 2, 'int': 4, 'long': 4}}):
        pickle.dump(header, fh, protocol=protocol)
    fh.write(pkl)
    pickle.dump([ref.pid[2] for ref in storages], fh, protocol=protocol)
    for ref in storages:
        fh.write(struct.pack('<q', int(ref.array.size)))
        raw = _raw_bytes(ref.array)
        for i in range(0, raw.size, _CHUNK):
            fh.write(memoryview(raw[i:i + _CHUNK]))


def _temp_tag():
    # who writes a temporary file: host and process, so a later save can tell an abandoned one
    return f'{socket.gethostname()}-{os.getpid()}'


def _process_is_gone(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OSError):   # alive under another user, or no way to ask
        return False
    return False


def _remove_stale_temporaries(parent, base):
    """Delete ``.<base>.<host>-<pid>.<random>.tmp`` files left by a save on this host whose process died
    (killed halfway): each can be as big as the checkpoint. Saves still running are left alone."""
    prefix, host = f'.{base}.', socket.gethostname()
    try:
        names = os.listdir(parent or '.')
    except OSError:
        return
    for name in names:
        if not (name.startswith(prefix) and name.endswith('.tmp')):
            continue
        tag = name[len(prefix):-len('.tmp')].rpartition('.')[0]     # '<host>-<pid>'
        tag_host, _, pid = tag.rpartition('-')
        if tag_host == host and pid.isdigit() and _process_is_gone(int(pid)):
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(parent, name))


@contextlib.contextmanager
def _atomic_file(path):
    """Write to a temporary file beside ``path``, then rename it over ``path``: a crash at any point
    leaves the previous file as it was (at worst a stray ``.<name>.*.tmp`` beside it, which the next
    save of the same path removes)."""
    path = os.path.realpath(path) if os.path.islink(path) else path   # write where a symlink points
    parent = os.path.dirname(path)
    if parent and not os.path.isdir(parent):
        raise RuntimeError(f"Parent directory {parent} does not exist.")
    base = os.path.basename(path)
    _remove_stale_temporaries(parent, base)
    tmp = os.path.join(parent, f'.{base}.{_temp_tag()}.{secrets.token_hex(6)}.tmp')
    # NOTE: os.open with 0o666 honours the umask, so the checkpoint gets ordinary permissions
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, 'O_BINARY', 0), 0o666)
    try:
        with os.fdopen(fd, 'wb') as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        if os.path.exists(path):
            os.chmod(tmp, os.stat(path).st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError, AttributeError):   # make the rename itself durable (POSIX)
        dfd = os.open(parent or '.', os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


def _archive_name(f):
    if isinstance(f, (str, os.PathLike)):
        stem = os.path.basename(os.fspath(f))
        stem = stem.rsplit('.', 1)[0] if '.' in stem else stem
        return stem or 'archive'
    return 'archive'


def save(obj, f, pickle_module=pickle, pickle_protocol=DEFAULT_PROTOCOL, _use_new_zipfile_serialization=True,
         _disable_byteorder_record=False):
    """Save ``obj`` (tensors, state_dicts, any picklable object) to the path or file object ``f``.

    The file is PyTorch's format: ``torch.load`` reads it. A path is written atomically.

    >>> import ember, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), 'w.pt')
    >>> ember.save({'w': ember.arange(3.)}, path)
    >>> ember.load(path)['w']
    tensor([0., 1., 2.])
    """
    base = None
    if pickle_module is not None and pickle_module is not pickle:
        base = getattr(pickle_module, 'Pickler', None)
        if not (isinstance(base, type) and issubclass(base, (pickle._Pickler, pickle.Pickler))):
            raise TypeError("ember.save: pickle_module must provide a Pickler class derived from pickle's "
                            "(as dill's and cloudpickle's are)")
    legacy = not _use_new_zipfile_serialization
    pkl, storages = _pickle_object(obj, pickle_protocol, legacy, base)

    def write(fh):
        if legacy:
            _write_legacy(fh, pkl, storages, pickle_protocol)
        else:
            _write_zip(fh, _archive_name(f), pkl, storages, not _disable_byteorder_record)

    if isinstance(f, (str, os.PathLike)):
        with _atomic_file(os.fspath(f)) as fh:
            write(fh)
    else:
        write(f)
        if hasattr(f, 'flush'):
            f.flush()


# ===================================================================================== loading
class _StorageType:
    """What ``torch.FloatStorage`` etc. unpickle to: a named dtype for the storages of a file."""
    __slots__ = ('name', 'dtype', 'bfloat16')

    def __init__(self, name, dtype, bfloat16=False):
        self.name, self.dtype, self.bfloat16 = name, dtype, bfloat16

    def __repr__(self):
        return f'StorageType(torch.{self.name})'


_STORAGE_TYPES = {n: _StorageType(n, d) for d, n in _STORAGE_NAME.items()}
_STORAGE_TYPES['UntypedStorage'] = _StorageType('UntypedStorage', _STORAGE_TYPES['ByteStorage'].dtype)
# quantized tensors' integers: read as the integer dtype each quantized dtype stores
_STORAGE_TYPES.update({n: _StorageType(n, _STORAGE_TYPES[plain].dtype) for n, plain in (
    ('QInt8Storage', 'CharStorage'), ('QUInt8Storage', 'ByteStorage'), ('QInt32Storage', 'IntStorage'),
    ('QUInt4x2Storage', 'ByteStorage'), ('QUInt2x4Storage', 'ByteStorage'))})
if not HAS_BFLOAT16:
    # without ml_dtypes ember has no bfloat16 arrays; its bits are the top half of a float32, so widen
    # exactly on load
    _STORAGE_TYPES['BFloat16Storage'] = _StorageType('BFloat16Storage', float32, bfloat16=True)


def _default_restore(storage, location):
    location = str(location)
    if location.startswith('cpu'):
        return storage.cpu()
    if location.startswith('cuda'):
        return storage.cuda(validate_cuda_device(location))
    raise RuntimeError(f"don't know how to restore data location of ember.storage.UntypedStorage "
                       f"(tagged with {location})")


def default_restore_location(storage, location):
    """``storage`` moved to the device a checkpoint's ``location`` tag names (``'cpu'``, ``'cuda:1'``), as
    ``ember.load`` does without ``map_location``."""
    return _default_restore(storage, location)


def location_tag(storage):
    """The tag ``ember.save`` records for where ``storage`` lives: ``'cpu'`` or ``'cuda:N'``."""
    dev = storage.device
    return 'cpu' if dev.type == 'cpu' else f'{dev.type}:{dev.index or 0}'


def validate_cuda_device(location):
    """The index of the CUDA device ``location`` names, checked to exist (the errors ``ember.load`` gives)."""
    from ember import cuda
    dev = as_device(_device(location))
    if not cuda.is_available():
        raise RuntimeError("Attempting to deserialize object on a CUDA device but ember.cuda.is_available() is "
                           "False. If you are running on a CPU-only machine, please use ember.load with "
                           "map_location=ember.device('cpu') to map your storages to the CPU.")
    count = cuda.device_count()
    if dev.index >= count:
        raise RuntimeError(f"Attempting to deserialize object on CUDA device {dev.index} but "
                           f"ember.cuda.device_count() is {count}. Please use ember.load with map_location "
                           "to map your storages to an existing device.")
    return dev.index


def normalize_storage_type(storage_type):
    """The ``ember`` storage class of the same name (``ember.FloatStorage`` for any ``FloatStorage``)."""
    import ember
    return getattr(ember, storage_type.__name__)


class SourceChangeWarning(Warning):
    """Warned when the source of a class saved whole in a checkpoint differs from the class loaded now."""


def check_module_version_greater_or_equal(module, req_version_tuple, error_if_malformed=True):
    """Whether ``module.__version__`` is at least ``req_version_tuple`` (compared field by field, each field
    read as the type of the matching requirement). A version that cannot be read so raises a RuntimeError,
    or with ``error_if_malformed=False`` warns and counts as met."""
    try:
        fields = module.__version__.split('.')
        version = tuple(type(want)(fields[i]) for i, want in enumerate(req_version_tuple))
        return version >= tuple(req_version_tuple)
    except Exception as e:
        message = (f"'{getattr(module, '__name__', module)}' module version string is malformed "
                   f"'{getattr(module, '__version__', None)}' and cannot be compared with tuple {req_version_tuple}")
        if error_if_malformed:
            raise RuntimeError(message) from e
        warnings.warn(message + ", but continuing assuming that requirement is met", stacklevel=2)
        return True


@contextlib.contextmanager
def mkdtemp():
    """A new temporary directory for the block, removed with everything in it afterwards."""
    import shutil
    import tempfile
    path = tempfile.mkdtemp()
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _restore_location(map_location):
    """PyTorch's map_location rules: None, a device or its name, a dict of names, or a callable."""
    if map_location is None:
        return _default_restore
    if isinstance(map_location, dict):
        return lambda storage, loc: _default_restore(storage, str(map_location.get(loc, loc)))
    if isinstance(map_location, (str, bytes, _device)):
        target = map_location.decode() if isinstance(map_location, bytes) else str(map_location)
        return lambda storage, loc: _default_restore(storage, target)
    if callable(map_location):
        def restore(storage, loc):
            result = map_location(storage, loc)
            return _default_restore(storage, loc) if result is None else result
        return restore
    raise TypeError(f"map_location must be None, a string, an ember.device, a dict or a callable, "
                    f"not {type(map_location).__name__}")


def _view(storage, offset, size, stride):
    """The array of a tensor at (offset, size, stride) inside storage: a view, never a copy."""
    if not isinstance(storage, TypedStorage):
        raise pickle.UnpicklingError(f"expected a storage to rebuild a tensor from, got {type(storage).__name__}")
    n, dt = storage._size(), storage._dtype
    size, stride, offset = tuple(int(n) for n in size), tuple(int(s) for s in stride), int(offset)
    if len(size) != len(stride):
        raise RuntimeError(f"mismatch in length of strides and shape: {list(size)} vs {list(stride)}")
    if any(n < 0 for n in size):
        raise RuntimeError(f"Trying to create tensor with negative dimension: {list(size)}")
    isz = dt.itemsize
    if math.prod(size):
        # NOTE: bounds are checked here, not left to the array library: a crafted checkpoint must not
        # be able to make a view that reads outside its storage
        needed = offset + sum((n - 1) * s for n, s in zip(size, stride)) + 1
        if offset < 0 or any(s < 0 for s in stride) or needed > n:
            raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {offset}, "
                               f"and itemsize {isz} requiring a storage size of {needed * isz} are out of bounds "
                               f"for storage of size {n * isz}")
    else:
        offset = 0
    return backend.view_bytes(storage._untyped_storage._array, dt.np_dtype, offset, size, stride)


def _rebuild_tensor(storage, storage_offset, size, stride):
    return Tensor._make(_view(storage, storage_offset, size, stride), storage.device)


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks, metadata=None):
    t = _rebuild_tensor(storage, storage_offset, size, stride)
    t.requires_grad = bool(requires_grad)
    return t


def _rebuild_tensor_v3(storage, storage_offset, size, stride, requires_grad, backward_hooks, dtype, metadata=None):
    if isinstance(dtype, _dtype) and dtype is not storage._dtype:   # the bytes seen as another dtype
        storage = TypedStorage._wrap(storage._untyped_storage, dtype)
    return _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks, metadata)


def _parameter_class():
    try:
        from ember.nn.parameter import Parameter
    except ImportError:
        return None
    return Parameter


def _rebuild_parameter(data, requires_grad, backward_hooks):
    cls = _parameter_class()
    if cls is not None:
        return cls(data, requires_grad)
    p = data.detach()             # without ember.nn: a tensor flagged as a parameter
    p._is_param = True
    p.requires_grad = bool(requires_grad)
    return p


def _set_state(obj, state):
    if isinstance(state, tuple) and len(state) == 2:   # (dict state, slots state), as PyTorch writes
        state, slots = state
        for k, v in (slots or {}).items():
            setattr(obj, k, v)
    for k, v in (state or {}).items():
        setattr(obj, k, v)
    return obj


def _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    return _set_state(_rebuild_parameter(data, requires_grad, backward_hooks), state)


def _rebuild_from_type_v2(func, new_type, args, state):
    if func not in _TENSOR_REBUILDERS:   # PyTorch only ever writes its tensor rebuilders here
        raise pickle.UnpicklingError(f"_rebuild_from_type_v2 expects a tensor rebuild function, got {func!r}")
    t = func(*args)
    if isinstance(new_type, type) and issubclass(new_type, Tensor) and type(t) is not new_type:
        sub = new_type._from(t)
        sub._requires_grad = t._requires_grad
        t = sub
    return _set_state(t, state)


_TENSOR_REBUILDERS = (_rebuild_tensor, _rebuild_tensor_v2, _rebuild_tensor_v3, _rebuild_parameter,
                      _rebuild_parameter_with_state)


_LAYOUT_NAMES = ('strided', 'sparse_coo', 'sparse_csr', 'sparse_csc', 'sparse_bsr', 'sparse_bsc')


def _get_layout(name):
    # NOTE: only the layout names themselves: a lookup of any ember attribute by name would hand a crafted
    # weights-only checkpoint functions such as ember.save to call
    if not (name.startswith('torch.') and name[6:] in _LAYOUT_NAMES):
        raise pickle.UnpicklingError(f"ember supports the strided and sparse layouts only, not {name!r}")
    from ember import _formats
    return getattr(_formats, name[6:])


def _rebuild_sparse_tensor(layout, data):
    """A sparse tensor from a checkpoint (PyTorch's ``torch._utils._rebuild_sparse_tensor``): built unchecked,
    then checked when :class:`ember.sparse.check_sparse_tensor_invariants` is on, as PyTorch does."""
    from ember.sparse._values_backed import rebuild_sparse
    return rebuild_sparse(layout, data, check=None)


_TORCH_GLOBALS = {}


def _torch_globals():
    """The PyTorch globals a checkpoint names, as the ember objects that stand for them."""
    if _TORCH_GLOBALS:
        return _TORCH_GLOBALS
    table = {
        ('torch._utils', '_rebuild_tensor'): _rebuild_tensor,
        ('torch._utils', '_rebuild_tensor_v2'): _rebuild_tensor_v2,
        ('torch._utils', '_rebuild_tensor_v3'): _rebuild_tensor_v3,
        ('torch._utils', '_rebuild_parameter'): _rebuild_parameter,
        ('torch._utils', '_rebuild_parameter_with_state'): _rebuild_parameter_with_state,
        ('torch._tensor', '_rebuild_from_type_v2'): _rebuild_from_type_v2,
        ('torch.serialization', '_get_layout'): _get_layout,
        ('torch._utils', '_rebuild_sparse_tensor'): _rebuild_sparse_tensor,
        ('torch', 'Tensor'): Tensor,
        ('torch', 'Size'): Size,
        ('torch', 'device'): _device,
    }
    table.update({('torch', n): st for n, st in _STORAGE_TYPES.items()})
    table[('torch.storage', 'UntypedStorage')] = _STORAGE_TYPES['UntypedStorage']   # how PyTorch names it
    import ember
    for d in ALL_DTYPES + FLOAT8:
        table[('torch', d.name)] = d
    for alias in ('float', 'double', 'half', 'short', 'int', 'long', 'cfloat', 'cdouble'):
        table[('torch', alias)] = getattr(ember, alias)
    from ember.quantized._serialization import torch_globals as quantized_globals
    table.update(quantized_globals())
    param = _parameter_class()
    if param is not None:
        table[('torch.nn.parameter', 'Parameter')] = param
        _TORCH_GLOBALS.update(table)   # complete: keep it (without ember.nn, look again next time)
    return table


_SAFE_BUILTINS = {
    ('collections', 'OrderedDict'): collections.OrderedDict,
    ('collections', 'Counter'): collections.Counter,
    ('builtins', 'set'): set, ('builtins', 'bytearray'): bytearray,
    ('builtins', 'complex'): complex,
    ('_codecs', 'encode'): codecs.encode,   # how protocol 2 writes bytes
}


def _python3_name(module, name):
    """Protocol-2 pickles name builtins as Python 2 did (``__builtin__.set``): read them as Python 3's."""
    if (module, name) in _compat_pickle.NAME_MAPPING:
        return _compat_pickle.NAME_MAPPING[(module, name)]
    return _compat_pickle.IMPORT_MAPPING.get(module, module), name


# modules whose globals are refused with PyTorch's "module ... is blocked" wording
_BLOCKED_MODULES = {'os', 'posix', 'nt', 'sys', 'subprocess', 'shutil', 'socket', 'importlib', 'runpy', 'pty',
                    'pickle', '_pickle', 'marshal', 'ctypes', 'code', 'codeop', 'webbrowser', 'signal', 'multiprocessing', 'asyncio', 'operator', 'functools'}
_user_safe_globals = {}


def _global_name(obj):
    return f'{getattr(obj, "__module__", "")}.{getattr(obj, "__qualname__", getattr(obj, "__name__", ""))}'


def add_safe_globals(safe_globals):
    """Allow ``weights_only`` loading to build these classes/functions (or ``(obj, 'module.name')`` pairs)."""
    for g in safe_globals:
        obj, name = g if isinstance(g, tuple) else (g, _global_name(g))
        _user_safe_globals[name] = obj


def get_safe_globals():
    return list(_user_safe_globals.values())


def clear_safe_globals():
    _user_safe_globals.clear()


def _allowed_under_torch_name(module, name):
    """An allowlisted ember class or function the file names by its PyTorch path (``torch.nn.modules.dropout.Dropout``
    for ember.nn's Dropout): only torch/torchvision names are resolved, to ember's objects, never imported as is."""
    from ember.compat import ember_module_name
    if not _user_safe_globals or ember_module_name(module) is None:
        return None
    try:
        obj = _import_global(module, name)
    except AttributeError:
        return None
    return obj if any(obj is allowed for allowed in _user_safe_globals.values()) else None


class safe_globals:
    """Context manager: ``with ember.serialization.safe_globals([MyClass]): ember.load(f)``."""

    def __init__(self, safe_globals):
        self.safe_globals = safe_globals

    def __enter__(self):
        self._saved = dict(_user_safe_globals)
        add_safe_globals(self.safe_globals)

    def __exit__(self, *exc):
        _user_safe_globals.clear()
        _user_safe_globals.update(self._saved)


def _weights_only_error(module, name):
    g = name if module == 'builtins' else f'{module}.{name}'   # builtins by bare name, as PyTorch says them
    if module.split('.')[0] in _BLOCKED_MODULES:
        detail = (f"Weights only load failed. Re-running `ember.load` with `weights_only` set to `False` will "
                  "likely succeed, but it can result in arbitrary code execution. Do it only if you got the file "
                  f"from a trusted source.\n\n\nTrying to load unsupported GLOBAL {g} whose module "
                  f"{module} is blocked.")
    else:
        # the warning in bold (ANSI escapes), as PyTorch prints it
        detail = ("Weights only load failed. This file can still be loaded, to do so you have two options, \033[1mdo "
                  "those steps only if you trust the source of the checkpoint\033[0m. \n\t(1) Re-running `ember.load` "
                  "with `weights_only` set to `False` will likely succeed, but it can result in arbitrary code "
                  "execution. Do it only if you got the file from a trusted source.\n\t(2) Alternatively, to load "
                  "with `weights_only=True` please check the recommended steps in the following error message.\n"
                  f"\tWeightsUnpickler error: Unsupported global: GLOBAL {g} was not an allowed global by default. "
                  f"Please use `ember.serialization.add_safe_globals([{g}])` or the "
                  f"`ember.serialization.safe_globals([{g}])` context manager to allowlist this global if you "
                  "trust this class/function.")
    return pickle.UnpicklingError(detail + "\n\nCheck the documentation of ember.load to learn more about types "
                                           "accepted by default with weights_only.")


def _import_as_ember(name, package=None):
    from ember.compat import ember_module_name
    return importlib.import_module(ember_module_name(name) or name, package)


def _import_global(module, name):
    """``module.name`` with torch/torchvision module names mapped to ember's (for whole pickled objects)."""
    import importlib
    from ember.compat import ember_module_name
    target = ember_module_name(module)
    if target is None:
        return None
    parts = target.split('.')
    # NOTE: ember's module layout may be flatter than PyTorch's; look the name up in the nearest
    # ember package that exists (torch.nn.modules.linear.Linear -> ember.nn.modules.linear.Linear
    # or, failing that, ember.nn.modules.Linear, ember.nn.Linear)
    for end in range(len(parts), 0, -1):
        try:
            mod = importlib.import_module('.'.join(parts[:end]))
        except ImportError:
            continue
        obj = mod
        try:
            for attr in name.split('.'):
                obj = getattr(obj, attr)
            return obj
        except AttributeError:
            continue
    raise AttributeError(f"ember has no equivalent of {module}.{name}")


class _Unpickler(pickle.Unpickler):
    """Full unpickling, with PyTorch's globals mapped to ember's; tensors come from ``storage_loader``."""

    def __init__(self, file, storage_loader, **kwargs):
        super().__init__(file, **kwargs)
        self._storage_loader = storage_loader

    def persistent_load(self, pid):
        return self._storage_loader(pid)

    def find_class(self, module, name):
        obj = _torch_globals().get((module, name))
        if obj is not None:
            return obj
        if (module, name) == ('torch', 'ScriptObject'):   # (as in PyTorch, refused by weights-only loading)
            from ember.quantized._serialization import ScriptObject
            return ScriptObject
        if (module, name) == ('importlib', 'import_module'):
            return _import_as_ember       # (a module a pickled-by-value function uses, torch's read as ember's)
        obj = _import_global(module, name)
        return obj if obj is not None else super().find_class(module, name)


# The opcodes PyTorch's weights-only unpickler reads (protocol 2, what torch.save writes) ...
_TORCH_OPCODES = {pickle.GLOBAL, pickle.NEWOBJ, pickle.REDUCE, pickle.BUILD, pickle.APPEND, pickle.APPENDS,
                  pickle.SETITEM, pickle.SETITEMS, pickle.MARK, pickle.TUPLE, pickle.TUPLE1, pickle.TUPLE2,
                  pickle.TUPLE3, pickle.NONE, pickle.NEWFALSE, pickle.NEWTRUE, pickle.EMPTY_TUPLE, pickle.EMPTY_LIST,
                  pickle.EMPTY_DICT, pickle.EMPTY_SET, pickle.BININT, pickle.BININT1, pickle.BININT2, pickle.BINFLOAT,
                  pickle.BINUNICODE, pickle.SHORT_BINSTRING, pickle.BINPERSID, pickle.BINGET, pickle.LONG_BINGET,
                  pickle.BINPUT, pickle.LONG_BINPUT, pickle.LONG1, pickle.PROTO, pickle.STOP}
# ... and the protocol-4 spellings of the same things, so ``save(..., pickle_protocol=4)`` loads back
_PROTOCOL4_OPCODES = {pickle.FRAME, pickle.SHORT_BINUNICODE, pickle.BINUNICODE8, pickle.SHORT_BINBYTES,
                      pickle.BINBYTES, pickle.BINBYTES8, pickle.BYTEARRAY8, pickle.MEMOIZE, pickle.STACK_GLOBAL,
                      pickle.ADDITEMS}
# the codecs protocol 2 uses to spell bytes as text
_BYTES_CODECS = {'latin1', 'latin-1', 'utf-8', 'utf8'}


def _refuse_opcode(code):
    def refuse(self):
        raise pickle.UnpicklingError(f"Weights only load failed: unsupported operand {code} in the checkpoint")
    return refuse


def _allowed_global(module, name):
    """The object ``weights_only`` loading builds for the global ``module.name``, or None when it is refused."""
    obj = _user_safe_globals.get(f'{module}.{name}')
    if obj is None:
        obj = _torch_globals().get((module, name))
    if obj is None:
        obj = _SAFE_BUILTINS.get((module, name))
    if obj is None:
        obj = _allowed_under_torch_name(module, name)
    return obj


def _pickle_globals(data):
    """Every (module, name) a pickle names, from GLOBAL and STACK_GLOBAL, in order and without running it."""
    found, strings, memo = [], [], {}
    for opcode, arg, _ in pickletools.genops(data):
        kind = opcode.name
        if kind == 'GLOBAL':
            module, name = arg.split(' ', 1)
            found.append(_python3_name(module, name))
        elif kind in ('SHORT_BINUNICODE', 'BINUNICODE', 'BINUNICODE8', 'UNICODE'):
            strings.append(arg)
        elif kind == 'MEMOIZE' and strings:
            memo[len(memo)] = strings[-1]
        elif kind in ('BINGET', 'LONG_BINGET', 'GET') and arg in memo:
            strings.append(memo[arg])
        elif kind == 'STACK_GLOBAL' and len(strings) >= 2:
            found.append((strings[-2], strings[-1]))
    return list(dict.fromkeys(found))


def get_unsafe_globals_in_checkpoint(f):
    """The classes and functions a checkpoint names that ``ember.load(f, weights_only=True)`` would refuse,
    as ``'module.name'`` strings: what to review and pass to :func:`add_safe_globals` if you trust the file.

    Args:
        f: a path or a readable binary file object holding a checkpoint in the zip format.

    Example::

        >>> import io, collections
        >>> buf = io.BytesIO()
        >>> ember.save({'w': ember.ones(2), 'c': collections.Counter('ab')}, buf)
        >>> _ = buf.seek(0)
        >>> ember.serialization.get_unsafe_globals_in_checkpoint(buf)
        []
    """
    if isinstance(f, (str, os.PathLike)):
        with open(f, 'rb') as fh:
            return get_unsafe_globals_in_checkpoint(fh)
    start = f.tell()
    magic = f.read(4)
    f.seek(start)
    if magic != b'PK\x03\x04':
        raise ValueError("Expected input to be a checkpoint returned by torch.save")
    with _open_zip(f) as zf:
        pkl_name = next((n for n in zf.namelist() if n.endswith('/data.pkl') and n.count('/') == 1), None)
        if pkl_name is None:
            raise ValueError("Expected input to be a checkpoint returned by torch.save")
        data = zf.read(pkl_name)
    return [name if module == 'builtins' else f'{module}.{name}'
            for module, name in _pickle_globals(data) if _allowed_global(module, name) is None]


class _WeightsUnpickler(pickle._Unpickler):
    """Builds only tensors, containers, numbers, strings and the allowlisted globals: never runs code.

    NOTE: the pure-Python unpickler, because its opcodes can be checked one at a time: only the opcodes
    above are read; REDUCE and NEWOBJ may call only allowlisted callables (not something an earlier call
    returned); BUILD may set state only on OrderedDicts, Counters and user-allowlisted classes; items go
    only into lists, dicts and sets; every length the file states is checked against the bytes present
    before anything is allocated. data.pkl holds no tensor bytes, so its speed does not matter."""
    dispatch = {code: _refuse_opcode(code) for code in range(256)}
    dispatch.update({op[0]: pickle._Unpickler.dispatch[op[0]] for op in _TORCH_OPCODES | _PROTOCOL4_OPCODES})

    def __init__(self, file, storage_loader, **kwargs):
        super().__init__(file, **kwargs)
        self._file = file
        self._storage_loader = storage_loader
        allowed = [*_torch_globals().values(), *_SAFE_BUILTINS.values(), *_user_safe_globals.values()]
        self._callables = {id(obj) for obj in allowed if callable(obj)}
        # the types whose instances may receive state (by exact type, as PyTorch checks)
        self._buildable = {collections.OrderedDict, collections.Counter,
                           *(c for c in _user_safe_globals.values() if isinstance(c, type))}

    def persistent_load(self, pid):
        return self._storage_loader(pid)

    def find_class(self, module, name):
        module, name = _python3_name(module, name)
        obj = _allowed_global(module, name)
        if obj is None:
            raise _weights_only_error(module, name)
        return obj

    # ------------------------------------------------------------------ lengths
    def _checked_length(self, fmt, size):
        """Read a stated length and make sure that many bytes are actually left in the file."""
        n, = struct.unpack(fmt, self.read(size))
        pos = self._file.tell()
        left = self._file.seek(0, io.SEEK_END) - pos
        self._file.seek(pos)
        if n > left:
            raise pickle.UnpicklingError(f"Weights only load failed: the checkpoint's pickle states a length of {n} "
                                         f"bytes but only {left} remain; the file is truncated or corrupted")
        return n

    def load_frame(self):
        self._unframer.load_frame(self._checked_length('<Q', 8))

    def load_binbytes8(self):
        n = self._checked_length('<Q', 8)
        self.append(self.read(n))

    def load_bytearray8(self):
        n = self._checked_length('<Q', 8)
        self.append(bytearray(self.read(n)))

    def load_binunicode8(self):
        n = self._checked_length('<Q', 8)
        self.append(str(self.read(n), 'utf-8', 'surrogatepass'))

    # ------------------------------------------------------------------ calls and state
    def _check_callable(self, func):
        if id(func) not in self._callables:
            raise pickle.UnpicklingError(f"Weights only load failed: the checkpoint calls {func!r}, which is not "
                                         "an allowed global")

    def load_reduce(self):
        func, args = self.stack[-2], self.stack[-1]
        self._check_callable(func)
        if func is codecs.encode and not (isinstance(args, tuple) and len(args) == 2 and isinstance(args[0], str)
                                          and args[1] in _BYTES_CODECS):
            raise pickle.UnpicklingError("Weights only load failed: the checkpoint encodes bytes with "
                                         f"{args[1:]!r}; only latin1 and utf-8 are allowed")
        pickle._Unpickler.load_reduce(self)

    def load_newobj(self):
        self._check_callable(self.stack[-2])
        pickle._Unpickler.load_newobj(self)

    def load_build(self):
        inst = self.stack[-2]
        if type(inst) not in self._buildable:
            raise pickle.UnpicklingError(f"Weights only load failed: the checkpoint sets the state of a "
                                         f"{type(inst).__name__}; only OrderedDict, Counter and allowlisted "
                                         "classes may receive state")
        pickle._Unpickler.load_build(self)

    def load_append(self):
        self._check_target_at(-2, (list,), 'APPEND')
        pickle._Unpickler.load_append(self)

    def _check_target_at(self, where, types, opcode):
        target = self.stack[where]
        if type(target) not in types:
            raise pickle.UnpicklingError(f"Weights only load failed: {opcode} onto a {type(target).__name__}")
        return True

    def load_appends(self):
        self._check_marked_target((list,), 'APPENDS')
        pickle._Unpickler.load_appends(self)

    def load_setitem(self):
        self._check_target_at(-3, _DICT_TYPES, 'SETITEM')
        pickle._Unpickler.load_setitem(self)

    def load_setitems(self):
        self._check_marked_target(_DICT_TYPES, 'SETITEMS')
        pickle._Unpickler.load_setitems(self)

    def load_additems(self):
        self._check_marked_target((set,), 'ADDITEMS')
        pickle._Unpickler.load_additems(self)

    def _check_marked_target(self, types, opcode):
        # the target sits just below the MARK, on the stack saved when MARK was read
        target = self.metastack[-1][-1] if self.metastack and self.metastack[-1] else None
        if type(target) not in types:
            raise pickle.UnpicklingError(f"Weights only load failed: {opcode} onto a {type(target).__name__}")

    dispatch[pickle.FRAME[0]] = load_frame
    dispatch[pickle.BINBYTES8[0]] = load_binbytes8
    dispatch[pickle.BYTEARRAY8[0]] = load_bytearray8
    dispatch[pickle.BINUNICODE8[0]] = load_binunicode8
    dispatch[pickle.REDUCE[0]] = load_reduce
    dispatch[pickle.NEWOBJ[0]] = load_newobj
    dispatch[pickle.BUILD[0]] = load_build
    dispatch[pickle.APPEND[0]] = load_append
    dispatch[pickle.APPENDS[0]] = load_appends
    dispatch[pickle.SETITEM[0]] = load_setitem
    dispatch[pickle.SETITEMS[0]] = load_setitems
    dispatch[pickle.ADDITEMS[0]] = load_additems


_DICT_TYPES = (dict, collections.OrderedDict, collections.Counter)


def _check_pid(pid, length=5):
    if not (isinstance(pid, tuple) and len(pid) >= length and pid[0] == 'storage'
            and isinstance(pid[1], _StorageType) and isinstance(pid[2], str) and isinstance(pid[3], str)
            and isinstance(pid[4], int)):
        raise pickle.UnpicklingError(f"unsupported persistent id in checkpoint: {pid!r}")
    return pid


def _widen_bfloat16(arr):
    """bfloat16 bits (as uint16) -> the float32 with the same value."""
    return (arr.astype(np.uint32) << 16).view(np.float32)


def _native(arr, byteorder):
    return arr if byteorder == sys.byteorder or arr.itemsize == 1 else arr.byteswap().view(arr.dtype)


def _make_storage(raw, stype, location, restore, byteorder):
    raw = _native(raw, byteorder)
    if stype.bfloat16:
        warnings.warn("ember.bfloat16 needs the ml_dtypes package (pip install ml_dtypes): bfloat16 tensors in "
                      "this checkpoint are loaded as float32",
                      UserWarning, stacklevel=4)
        raw = _widen_bfloat16(raw)
    if stype.dtype is None:
        raise RuntimeError(f"ember cannot load tensors stored as torch.{stype.name}")
    # NOTE: as PyTorch, map_location sees the untyped storage; the tensors read it as stype's dtype
    result = restore(UntypedStorage._of_array(raw), location)
    if isinstance(result, TypedStorage):
        result = result._untyped_storage
    if not isinstance(result, UntypedStorage):
        raise TypeError(f"map_location must return a storage (or None), not {type(result).__name__}")
    typed = TypedStorage._wrap(result, stype.dtype)
    if stype.name in ('QUInt4x2Storage', 'QUInt2x4Storage'):    # packed sub-byte integers: the dtype goes along
        from ember.quantized._serialization import SubByteStorage
        return SubByteStorage(typed, stype.name)
    return typed


def _storage_np_dtype(stype):
    return np.dtype(np.uint16) if stype.bfloat16 else stype.dtype.np_dtype


def _central_directory_error():
    return RuntimeError("PytorchStreamReader failed reading zip archive: failed finding central directory. The "
                        "checkpoint file is truncated or is not a checkpoint. This can happen if the checkpoint "
                        "was not saved properly, was transferred incorrectly, or the file was modified after "
                        "saving.")


def _data_start(header_offset, name, size, alignment):
    """Where ``ember.save`` (and PyTorch's writer) puts the data of an entry whose local header starts at
    ``header_offset`` (see ``_zip_writer.data_start``)."""
    return data_start(header_offset, name, size, alignment)


def _archive_alignment(zf, name):
    """The storage alignment the archive holding entry ``name`` records (64 when it records none)."""
    cache = zf.__dict__.setdefault('_ember_alignments', {})
    prefix = name.split('/', 1)[0]
    if prefix not in cache:
        try:
            cache[prefix] = int(zf.read(f'{prefix}/.storage_alignment'))
        except (KeyError, ValueError):
            cache[prefix] = 64
    return cache[prefix]


def _data_offset(zf, info):
    """Where an entry's data starts in the file (after its local header). With
    ``ember.utils.serialization.config.load.calculate_storage_offsets`` it is computed from the writer's
    layout instead of read from the local header (one seek and read fewer per tensor: quicker on network
    file systems; only for files written by ``ember.save`` or ``torch.save``)."""
    if _options._state['load.calculate_storage_offsets']:
        return _data_start(info.header_offset, info.filename, info.file_size, _archive_alignment(zf, info.filename))
    zf.fp.seek(info.header_offset)
    header = zf.fp.read(30)
    if len(header) != 30 or header[:4] != b'PK\x03\x04':
        raise RuntimeError(f"PytorchStreamReader failed reading file {info.filename}: invalid header or archive "
                           "is corrupted")
    name_len, extra_len = struct.unpack('<HH', header[26:30])
    return info.header_offset + 30 + name_len + extra_len


def _read_entry(zf, name, np_dtype, numel, mapped=None):
    """Entry ``name`` as a 1-D array of ``numel`` elements: read (checking its CRC) or mmap'd."""
    try:
        info = zf.getinfo(name)
    except KeyError:
        raise RuntimeError(f"PytorchStreamReader failed locating file {name}: file not found") from None
    nbytes = numel * np_dtype.itemsize
    if _options.skipping_data():
        return np.zeros(numel, np_dtype)
    if info.file_size < nbytes:
        raise RuntimeError(f"PytorchStreamReader failed reading file {name}: it holds {info.file_size} bytes but "
                           f"the storage needs {nbytes} ({numel} elements of {np_dtype.itemsize} bytes); the "
                           "checkpoint is truncated or corrupted")
    if mapped is not None and info.compress_type == zipfile.ZIP_STORED and numel:
        start = _data_offset(zf, info)
        # NOTE: one pass over the mapped bytes, as reading does, so damage is caught with mmap too
        if _crc_recorded(info) and zlib.crc32(memoryview(mapped)[start:start + info.file_size]) != info.CRC:
            raise RuntimeError(f"PytorchStreamReader failed reading file {name}: Bad CRC-32 for file {name!r}; the "
                               "checkpoint is truncated or corrupted")
        return np.ndarray((numel,), np_dtype, buffer=mapped, offset=start)
    arr = np.empty(numel, np_dtype)
    out = memoryview(arr.view(np.uint8))
    try:
        with zf.open(info) as src:
            pos = 0
            while pos < nbytes:
                chunk = src.read(min(_CHUNK, nbytes - pos))
                if not chunk:
                    raise EOFError('unexpected end of data')
                out[pos:pos + len(chunk)] = chunk
                pos += len(chunk)
            if info.file_size == nbytes:
                src.read(1)   # reach the end, where zipfile verifies the CRC
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as e:
        raise RuntimeError(f"PytorchStreamReader failed reading file {name}: {e}; the checkpoint is truncated "
                           "or corrupted") from None
    return arr


def _crc_recorded(info):
    # a zero CRC on a non-empty record means the writer computed none (PyTorch's set_crc32_options(False))
    return getattr(info, "CRC", 0) != 0 or info.file_size == 0


def _open_zip(fh):
    try:
        zf = zipfile.ZipFile(fh)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, struct.error):
        raise _central_directory_error() from None
    for info in zf.infolist():
        if not _crc_recorded(info):
            del info.CRC      # zipfile checks a record's CRC only when its ZipInfo has one
    return zf


def _load_zip(fh, path, restore, unpickler_cls, mmap, pickle_load_args):
    zf = _open_zip(fh)
    with zf:
        names = zf.namelist()
        if any(n.endswith('/constants.pkl') and n.count('/') == 1 for n in names):
            raise _TorchScriptArchive()      # load() hands it to ember.jit.load, as PyTorch does
        pkl_name = next((n for n in names if n.endswith('/data.pkl') and n.count('/') == 1), None)
        if pkl_name is None:
            raise RuntimeError("PytorchStreamReader failed locating file data.pkl: file not found")
        prefix = pkl_name[:-len('data.pkl')]
        byteorder = zf.read(prefix + 'byteorder').decode('utf-8', 'replace') if prefix + 'byteorder' in names \
            else _options.fallback_byteorder()
        if byteorder not in ('little', 'big'):   # anything else would silently byte-swap every tensor
            raise ValueError(f"Unknown endianness type: {byteorder}")
        mapped = None
        if mmap:
            shared = _options.mmap_shared()
            with open(path, 'r+b' if shared else 'rb') as raw:
                # copy-on-write unless set_default_mmap_options(MAP_SHARED) asked for writes to reach the file
                mapped = _mmap.mmap(raw.fileno(), 0, access=_mmap.ACCESS_WRITE if shared else _mmap.ACCESS_COPY)
        cache = {}

        def load_storage(pid):
            _, stype, key, location, numel = _check_pid(pid)[:5]
            if key not in cache:
                raw = _read_entry(zf, f'{prefix}data/{key}', _storage_np_dtype(stype), numel, mapped)
                cache[key] = _make_storage(raw, stype, location, restore, byteorder)
            return cache[key]

        try:
            data = zf.read(pkl_name)
        except (zipfile.BadZipFile, OSError) as e:
            raise RuntimeError(f"PytorchStreamReader failed reading file {pkl_name}: {e}") from None
        return unpickler_cls(io.BytesIO(data), load_storage, **pickle_load_args).load()


def _pickle_end(fh):
    """Position just past the pickle starting at fh's position, found without running it."""
    for opcode, _, pos in pickletools.genops(fh):
        if opcode.name == 'STOP':
            return pos + 1
    raise EOFError('Ran out of input')


def _load_legacy(fh, restore, unpickler_cls, pickle_load_args):
    """The format before PyTorch 1.6: magic, protocol, sys info, object pickle, keys, raw storages."""
    def header():
        return unpickler_cls(fh, _no_storages, **pickle_load_args).load()

    if header() != _LEGACY_MAGIC:
        raise RuntimeError("Invalid magic number; corrupt file?")
    protocol = header()
    if protocol != _LEGACY_PROTOCOL:
        raise RuntimeError(f"Invalid protocol version: {protocol}")
    sys_info = header()
    byteorder = 'little' if not isinstance(sys_info, dict) or sys_info.get('little_endian', True) else 'big'
    start = fh.tell()
    # NOTE: the storages' bytes follow the object pickle, so skip it (parsing, not running it), read
    # them, then come back and unpickle with every storage at hand
    fh.seek(_pickle_end(fh))
    keys = header()
    storage_start = fh.tell()
    wanted = {}

    def collect(pid):
        wanted[pid[2]] = _check_pid(pid, 6)
        return None

    fh.seek(start)
    _ScanUnpickler(fh, collect, **pickle_load_args).load()
    fh.seek(storage_start)
    storages = {}
    for key in keys:
        count = struct.unpack('<q', fh.read(8))[0]
        if key not in wanted:   # PyTorch writes only storages its pickle references
            raise RuntimeError(f"corrupt checkpoint: it lists storage {key!r} that no tensor uses")
        stype = wanted[key][1]
        dt = _storage_np_dtype(stype)
        raw = np.frombuffer(bytearray(fh.read(count * dt.itemsize)), dt)
        if raw.size != count:
            raise RuntimeError(f"storage {key} is truncated: expected {count} elements, got {raw.size}")
        storages[key] = _make_storage(raw, stype, wanted[key][3], restore, byteorder)

    def load_storage(pid):
        _, stype, key, location, numel, view = _check_pid(pid, 6)[:6]
        st = storages[key]
        if view is not None:   # PyTorch < 0.4: (view_key, offset, size) inside the root storage
            _, offset, size = view
            isz = st.element_size()
            st = TypedStorage._wrap(st._untyped_storage[offset * isz:(offset + size) * isz], st._dtype)
        return st

    fh.seek(start)
    return unpickler_cls(fh, load_storage, **pickle_load_args).load()


def _no_storages(pid):
    raise pickle.UnpicklingError('unexpected persistent id in a checkpoint header')


class _ScanUnpickler(pickle.Unpickler):
    """Lists the storages an object pickle uses, building nothing: every global is a no-op."""

    def __init__(self, file, collect, **kwargs):
        super().__init__(file, **kwargs)
        self._collect = collect

    def persistent_load(self, pid):
        return self._collect(pid)

    def find_class(self, module, name):
        st = _STORAGE_TYPES.get(name) if module in ('torch', 'torch.storage') else None
        return st if st is not None else _Inert


class _Inert:
    """Whatever a global is while scanning: it can be called, built, filled, and does nothing."""

    def __init__(self, *args, **kwargs):
        pass

    def __setstate__(self, state):
        pass

    def __setitem__(self, key, value):
        pass

    def append(self, value):
        pass

    def extend(self, values):
        pass


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None, **pickle_load_args):
    """Load an object saved by ``ember.save`` or ``torch.save`` from a path or file object.

    ``map_location`` (None, 'cpu', a device, a dict of location names, or ``fn(storage, location)``)
    says where storages go. ``weights_only=True`` (the default) refuses every global outside an
    allowlist of tensor, container and number types; pass ``weights_only=False`` only for files you
    trust. ``mmap=True`` maps the file instead of reading it.

    Example::

        >>> import io
        >>> buffer = io.BytesIO()
        >>> ember.save({'weight': ember.tensor([1., 2.]), 'step': 3}, buffer)
        >>> _ = buffer.seek(0)
        >>> ember.load(buffer)
        {'weight': tensor([1., 2.]), 'step': 3}
        >>> ember.load('model.pt', map_location='cpu')   # doctest: +SKIP
    """
    if weights_only is None:
        weights_only = pickle_module is None
    if weights_only and pickle_module is not None:
        raise RuntimeError("Can not safely load weights when explicit pickle_module is specified")
    if weights_only:
        unpickler_cls = _WeightsUnpickler
    elif pickle_module is not None and pickle_module is not pickle:
        unpickler_cls = type('_Unpickler', (_Unpickler, pickle_module.Unpickler), {})
    else:
        unpickler_cls = _Unpickler
    pickle_load_args.setdefault('encoding', 'utf-8')
    restore = _restore_location(map_location)
    is_path = isinstance(f, (str, os.PathLike))
    if mmap is None:    # the configured default (ember.utils.serialization.config.load.mmap)
        mmap = _options._state['load.mmap']
    if mmap and not is_path:
        raise ValueError("f must be a file path in order to use the mmap argument")
    start = f.tell() if not is_path and hasattr(f, 'tell') else None
    try:
        return _load_file(f, is_path, restore, unpickler_cls, mmap, pickle_load_args)
    except _TorchScriptArchive:
        if start is not None:
            f.seek(start)
        return _load_torchscript(f, map_location, weights_only)
    except pickle.UnpicklingError as e:
        if not weights_only:
            raise
        # raised afresh here, as PyTorch's load does: the traceback ends at the caller's line, not
        # inside the pickle machinery
        raise pickle.UnpicklingError(str(e)) from None


class _TorchScriptArchive(Exception):
    """Raised inside loading when the zip is a TorchScript archive (it holds constants.pkl)."""


def _load_torchscript(f, map_location, weights_only):
    warnings.warn("'ember.load' received a zip file that looks like a TorchScript archive dispatching to "
                  "'ember.jit.load' (call 'ember.jit.load' directly to silence this warning)", UserWarning, stacklevel=3)
    if weights_only:
        raise RuntimeError("Cannot use ``weights_only=True`` with TorchScript archives passed to ``ember.load``. "
                           "As in PyTorch 2.6, the default value of the `weights_only` argument in `ember.load` is "
                           "`True`. Re-running `ember.load` with `weights_only` set to `False` will likely succeed, "
                           "but it can result in arbitrary code execution. Do it only if you got the file from a "
                           "trusted source.")
    from ember.jit import load as jit_load
    return jit_load(f, map_location=map_location)


def _load_file(f, is_path, restore, unpickler_cls, mmap, pickle_load_args):
    with (open(f, 'rb') if is_path else contextlib.nullcontext(f)) as fh:
        if not fh.seekable():
            fh = io.BytesIO(fh.read())
        start = fh.tell()
        magic = fh.read(4)
        fh.seek(start)
        if magic == b'PK\x03\x04':
            return _load_zip(fh, os.fspath(f) if is_path else None, restore, unpickler_cls, mmap, pickle_load_args)
        if mmap:
            raise RuntimeError("mmap can only be used with files saved with `ember.save(_use_new_zipfile_"
                               "serialization=True), please ember.save your checkpoint with this option in order "
                               "to use mmap.")
        if not magic:
            raise EOFError('Ran out of input: the checkpoint file is empty')
        if magic[:2] == b'PK':   # a zip whose first header is damaged
            raise _central_directory_error()
        return _load_legacy(fh, restore, unpickler_cls, pickle_load_args)


# ============================================================================ plain pickling
def _reduce_tensor(t):
    """``Tensor.__reduce_ex__``: plain pickle/copy/multiprocessing carry the array itself."""
    cls = type(t)
    state = t._user_state() or None
    return _rebuild_pickled, (backend.to_numpy(t._data), str(t._device), t._requires_grad,
                              None if cls is Tensor else cls, _is_parameter(t), state)


def _rebuild_pickled(array, device, requires_grad, cls=None, is_param=False, state=None):
    dev = as_device(device)
    t = Tensor._make(array if dev.type == 'cpu' else backend.move(array, dev), dev)
    if cls is not None:
        t = cls._from(t)
    t._is_param = is_param
    t._requires_grad = bool(requires_grad)
    if state:
        t.__dict__.update(state)
    return t


from ember._safetensors import load_safetensors, save_safetensors  # noqa: E402
