"""Writing a TorchScript archive (what ``torch.jit.load`` reads) from a tree of ``RecursiveScriptModule``s.

Each module carries its archive (``ScriptArchive``): the code texts of its classes, the constants the
code names ``CONSTANTS.c<i>``, the file-format version and a trace's example inputs. The zip holds, as
PyTorch writes it::

    <name>/data/<key>          the tensors' storages
    <name>/data.pkl            the module tree: ``__torch__.<class>`` objects rebuilt from their attribute dicts
    <name>/code/__torch__/...  the code, one file per qualified module of classes
    <name>/extra/<file>        the ``_extra_files``
    <name>/constants/<key>, constants.pkl, traced_inputs/<key>, traced_inputs.pkl, version, byteorder
"""
import collections
import copyreg
import enum
import io
import os
import pickle
import secrets
import sys

from ember import serialization as _ser
from ember._tensor import Tensor
from ember._zip_writer import ZipRecordWriter


class ScriptArchive:
    """What a module tree's code is: ``sources`` ({qualified module name: text}), ``constants`` (the
    tuple ``CONSTANTS.c<i>`` names) and ``version`` (the file-format version PyTorch reads it under)."""

    def __init__(self, sources, constants, version, traced_inputs=None):
        self.sources, self.constants, self.version = dict(sources), tuple(constants), int(version)
        # the example inputs of a trace ({method name: [inputs]}, or a read archive's RawEntries of them),
        # stored as PyTorch stores them; None: none
        self.traced_inputs = traced_inputs


class RawEntries:
    """Entries of a read archive written back as they were: a pickle and its storages' files by key."""

    def __init__(self, pkl, files):
        self.pkl, self.files = pkl, files


class _ScriptClassRef:
    """Stands in for the class ``__torch__.<module>.<Name>`` while pickling (a GLOBAL, never imported)."""
    _types = {}

    @classmethod
    def type_of(cls, qualified):
        kind = cls._types.get(qualified)
        if kind is None:
            module, name = qualified.rsplit('.', 1)
            kind = cls._types[qualified] = type(name, (_ScriptObject,), {'_script_global': (module, name)})
        return kind


class _ScriptObject:
    """One module object of data.pkl: its class's GLOBAL, NEWOBJ, then BUILD with its attribute dict."""

    def __init__(self, state):
        self.state = state

    def __reduce_ex__(self, protocol):
        return copyreg.__newobj__, (type(self),), self.state


class _Reduced:
    """A value pickled as ``func(*args)``: TorchScript's typed containers (``build_tensorlist``, ...)."""
    __slots__ = ('func', 'args')

    def __init__(self, func, args):
        self.func, self.args = func, args


_LIST_BUILDERS = {'Tensor': 'build_tensorlist', 'int': 'build_intlist', 'float': 'build_doublelist',
                  'bool': 'build_boollist'}
_RESTORE_TYPE_TAG = _ser._TorchName('torch.jit._pickle', 'restore_type_tag')


def _typed(value, annotation):
    """``value`` with its containers tagged by their TorchScript type (``annotation``, as the class declares
    it): PyTorch's loader rebuilds a ``List[Tensor]`` only from such a tag."""
    from ember.library._schema import _split_top
    tp = annotation.strip() if isinstance(annotation, str) else ''
    if value is None or not tp.endswith(']'):
        return value
    head, inner = tp[:tp.index('[')], tp[tp.index('[') + 1:-1]
    if head == 'Optional':
        return _typed(value, inner)
    if head == 'List' and type(value) is list:
        items = [_typed(v, inner) for v in value]
        builder = _LIST_BUILDERS.get(inner.strip())
        if builder is not None:
            return _Reduced(_ser._TorchName('torch.jit._pickle', builder), (items,))
        return _Reduced(_RESTORE_TYPE_TAG, (items, tp))
    if head == 'Dict' and type(value) is dict:
        value_type = _split_top(inner)[1]
        return _Reduced(_RESTORE_TYPE_TAG, ({k: _typed(v, value_type) for k, v in value.items()}, tp))
    if head == 'Tuple' and type(value) is tuple:
        parts = _split_top(inner)
        if len(parts) == len(value):
            return tuple(_typed(v, t) for v, t in zip(value, parts))
    return value


class _EnumMember:
    """An Enum member as PyTorch pickles it: its class's GLOBAL, its value (not in a tuple), REDUCE."""
    __slots__ = ('cls', 'value')

    def __init__(self, cls, value):
        self.cls, self.value = cls, value


class _ArchivePickler(_ser._SavePickler):
    """Tensors as ``_rebuild_tensor_v2`` (parameters too: the class's ``__parameters__`` says which they
    are), module objects as their TorchScript classes."""
    dispatch = dict(_ser._SavePickler.dispatch)

    def _save_enum_member(self, obj):
        self.save(obj.cls)
        self.save(obj.value)
        self.write(pickle.REDUCE)
    dispatch[_EnumMember] = _save_enum_member

    def reducer_override(self, obj):
        if type(obj) is _Reduced:
            return obj.func, obj.args
        if isinstance(obj, Tensor):
            if obj.is_quantized or obj.dtype in _ser.BAREBONES or obj._device.type == 'meta' or obj.is_sparse:
                raise RuntimeError(f"ember.jit.save: a {obj.dtype} tensor ({obj.layout}, on {obj.device}) cannot be "
                                   "written to a TorchScript archive by ember")
            ref, offset, stride = self._storage_of(obj._data, obj._device)
            return _ser._REBUILD_TENSOR_V2, (ref, offset, tuple(int(n) for n in obj._data.shape), stride,
                                             obj.requires_grad, collections.OrderedDict())
        return super().reducer_override(obj)

    def save_global(self, obj, name=None):
        target = getattr(obj, '_script_global', None) if isinstance(obj, type) else None
        if target is None:
            return super().save_global(obj, name)
        self.write(f'c{target[0]}\n{target[1]}\n'.encode('utf-8'))
        self.memoize(obj)


def _module_state(module, seen):
    """The ``_ScriptObject`` of ``module``: its attributes in the order its class declares them."""
    from ember.jit._script_module import RecursiveScriptModule, _final_constants
    if id(module) in seen:
        return seen[id(module)]
    if not isinstance(module, RecursiveScriptModule):
        raise RuntimeError(f"ember.jit.save: the submodule of type {type(module).__name__} is not a scripted or "
                           "traced module")
    code_class = module._code_class
    annotations = code_class.__dict__.get('__annotations__', {})
    declared = [n for n in annotations if n not in _final_constants(code_class)]
    names = declared + [n for n in (*module._parameters, *module._buffers, *module._modules,
                                     *sorted(module._script_attributes)) if n not in declared]
    state = {}
    obj = seen[id(module)] = _ScriptClassRef.type_of(module._qualified_name)(state)
    for name in names:
        if name == 'training':
            state[name] = module.training
        elif name in module._parameters:
            state[name] = module._parameters[name]
        elif name in module._buffers:
            state[name] = module._buffers[name]
        elif name in module._modules:
            state[name] = _module_state(module._modules[name], seen)
        elif name in module._script_attributes:
            state[name] = _typed(_plain_value(module.__dict__[name], name), annotations.get(name))
        else:
            raise RuntimeError(f"ember.jit.save: the module {module.original_name} has no attribute '{name}' "
                               "its class declares")
    return obj


def _plain_value(value, name):
    if isinstance(value, enum.Enum):        # an Enum member: its class's GLOBAL called with its value
        from ember.jit._script_enums import enum_type
        return _EnumMember(_ScriptClassRef.type_of(enum_type(type(value))), value.value)
    if value is None or isinstance(value, (bool, int, float, str, complex, Tensor)):
        return value
    if type(value) in (list, tuple):
        return type(value)(_plain_value(v, name) for v in value)
    if type(value) is dict:
        return {k: _plain_value(v, name) for k, v in value.items()}
    raise RuntimeError(f"ember.jit.save: the attribute '{name}' holds a {type(value).__name__}, which ember "
                       "cannot write to a TorchScript archive")


def _pickled(obj):
    buf = io.BytesIO()
    pickler = _ArchivePickler(buf, 2)
    pickler.dump(obj)
    return buf.getvalue(), list(pickler.storages.values())


def write_archive(module, f, extra_files=None):
    """Write ``module`` (a ``RecursiveScriptModule`` of a loaded or traced program) to ``f``."""
    archive = getattr(module, '_script_archive', None)
    if archive is None:
        raise RuntimeError("ember.jit.save: the module has no TorchScript code; trace it with ember.jit.trace or "
                           "load it with ember.jit.load first (save an eager module's state_dict() with ember.save)")
    for m in module.modules():
        calls = getattr(getattr(m, '_code_class', None), '_python_calls', ())
        if calls:
            raise RuntimeError(f"Could not export Python function call '{calls[0]}'. Remove calls to Python functions "
                               "before export. Did you forget to add @script or @script_method annotation? If this is "
                               "a nn.ModuleList, add it to __constants__")
    data_pkl, storages = _pickled(_module_state(module, {}))
    constants_pkl, constant_storages = _pickled(tuple(archive.constants))
    inputs = archive.traced_inputs
    if inputs is not None and not isinstance(inputs, RawEntries):
        pkl, storages_of_inputs = _pickled(_Reduced(_RESTORE_TYPE_TAG, (
            {k: _Reduced(_RESTORE_TYPE_TAG, (list(v), 'List[Any]')) for k, v in inputs.items()},
            'Dict[str, List[Any]]')))
        inputs = RawEntries(pkl, {ref.pid[2]: _ser._raw_bytes(ref.array) for ref in storages_of_inputs})
    files = {}
    for name, value in (extra_files or {}).items():
        files[name] = value.encode('utf-8') if isinstance(value, str) else bytes(value)

    def write(fh):
        root = _ser._archive_name(f)
        with ZipRecordWriter(fh) as zf:
            for ref in storages:
                _ser._write_aligned(zf, f'{root}/data/{ref.pid[2]}', _ser._raw_bytes(ref.array))
            _ser._write_aligned(zf, f'{root}/data.pkl', data_pkl)
            for qualified, text in sorted(archive.sources.items()):
                path = '/'.join(qualified.split('.'))
                _ser._write_aligned(zf, f'{root}/code/{path}.py', text.encode('utf-8'))
            for name, data in files.items():
                _ser._write_aligned(zf, f'{root}/extra/{name}', data)
            for ref in constant_storages:
                _ser._write_aligned(zf, f'{root}/constants/{ref.pid[2]}', _ser._raw_bytes(ref.array))
            _ser._write_aligned(zf, f'{root}/constants.pkl', constants_pkl)
            if inputs is not None:
                for key, data in inputs.files.items():
                    _ser._write_aligned(zf, f'{root}/traced_inputs/{key}', data)
                _ser._write_aligned(zf, f'{root}/traced_inputs.pkl', inputs.pkl)
            _ser._write_aligned(zf, f'{root}/version', f'{archive.version}\n'.encode())
            _ser._write_aligned(zf, f'{root}/byteorder', sys.byteorder.encode())
            _ser._write_aligned(zf, f'{root}/.data/serialization_id', f'{secrets.randbelow(10 ** 40):040d}'.encode())

    if isinstance(f, (str, os.PathLike)):
        with _ser._atomic_file(os.fspath(f)) as fh:
            write(fh)
    else:
        write(f)
        if hasattr(f, 'flush'):
            f.flush()
