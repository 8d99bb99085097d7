"""Reading a TorchScript archive (what ``torch.jit.save`` writes) into ember modules.

The archive is a zip like a checkpoint's, with more in it::

    <name>/data.pkl            the module tree: objects of classes ``__torch__.<qualified name>``
                               rebuilt with their attribute dicts; tensors are persistent ids into data/
    <name>/constants.pkl       the tensors and values the code names CONSTANTS.c0, c1, ...
    <name>/code/__torch__/...  the classes' methods, TorchScript's Python-syntax text
    <name>/extra/<file>        the ``_extra_files`` saved with the module

The code is compiled first (``_script_code``), then the pickles are read with the code's classes at hand:
module objects become ``RecursiveScriptModule``s, other TorchScript class objects instances of their
compiled classes.
"""
import enum
import io
import os
import pickle
import pickletools

from ember import serialization as _ser
from ember.jit import _script_code, _script_module
from ember.jit._archive_write import RawEntries, ScriptArchive


class _Pending:
    """A module object while its pickle is read: its attribute dict arrives through BUILD. One
    subclass per module class of the archive carries ``qualified_name`` and ``code_class``."""
    state = None

    def __setstate__(self, state):
        self.state = state


def _rebuild_intlist(values):
    return list(values)


_JIT_PICKLE = {'build_intlist': _rebuild_intlist, 'build_doublelist': _rebuild_intlist,
               'build_boollist': _rebuild_intlist, 'build_tensorlist': _rebuild_intlist,
               'build_complexlist': _rebuild_intlist, 'restore_type_tag': lambda value, _type: value}


class _ArchiveUnpickler(_ser._Unpickler):
    def __init__(self, file, storage_loader, root):
        super().__init__(file, storage_loader, encoding='utf-8')
        self._root = root
        self._pending = {}

    def find_class(self, module, name):
        if module == '__torch__' or module.startswith('__torch__.'):
            qualified = f'{module}.{name}'
            code_class = _script_code.lookup(self._root, qualified)
            if code_class is None:
                raise RuntimeError(f"ember.jit.load: the archive has no code for the class {qualified}")
            if _script_module.is_module_class(code_class):
                pending = self._pending.get(qualified)
                if pending is None:
                    pending = self._pending[qualified] = type(name, (_Pending,), {
                        'qualified_name': qualified, 'code_class': code_class})
                return pending
            return code_class
        if module == 'torch.jit._pickle' and name in _JIT_PICKLE:
            return _JIT_PICKLE[name]
        return super().find_class(module, name)


_MEMO = ('BINPUT', 'LONG_BINPUT', 'MEMOIZE')


def _enum_arguments_in_tuples(data, root):
    """data.pkl with each Enum member's value put in a tuple: PyTorch pickles a member as its class's GLOBAL,
    its bare value and REDUCE, which Python's unpickler would refuse (it calls the class with a tuple)."""
    ops = [(op.name, arg, pos) for op, arg, pos in pickletools.genops(data)]
    globals_at = {}     # memo index: the GLOBAL it holds (a second member of a class names it by BINGET)
    for i, (name, arg, _) in enumerate(ops):
        if name == 'GLOBAL' and i + 1 < len(ops) and ops[i + 1][0] in ('BINPUT', 'LONG_BINPUT'):
            globals_at[ops[i + 1][1]] = arg
    inserts = []
    for i, (name, _, pos) in enumerate(ops):
        if name != 'REDUCE':
            continue
        j = i - 1
        while j >= 0 and ops[j][0] in _MEMO:
            j -= 1
        j -= 1          # the value
        while j >= 0 and ops[j][0] in _MEMO:
            j -= 1
        if j < 0:
            continue
        target = ops[j][1] if ops[j][0] == 'GLOBAL' else \
            globals_at.get(ops[j][1]) if ops[j][0] in ('BINGET', 'LONG_BINGET') else None
        if target is not None and target.startswith('__torch__'):
            module, cls_name = target.split(' ', 1)
            found = _script_code.lookup(root, f'{module}.{cls_name}')
            if isinstance(found, type) and issubclass(found, enum.Enum):
                inserts.append(pos)
    for pos in reversed(inserts):
        data = data[:pos] + pickle.TUPLE1 + data[pos:]
    return data


def _materialise(obj, seen):
    """Turn pending module objects (bottom up) into RecursiveScriptModules."""
    key = id(obj)
    if key in seen:
        return seen[key]
    if isinstance(obj, _Pending):
        seen[key] = None
        state = {k: _materialise(v, seen) for k, v in (obj.state or {}).items()}
        module = _script_module.build_module(obj.code_class, obj.qualified_name, state)
        seen[key] = module
        return module
    if type(obj) is list:
        return [_materialise(v, seen) for v in obj]
    if type(obj) is tuple:
        return tuple(_materialise(v, seen) for v in obj)
    if type(obj) is dict:
        return {k: _materialise(v, seen) for k, v in obj.items()}
    return obj


def attach_archive(module, archive):
    """Each module of the tree keeps the archive its code came from (``ember.jit.save`` writes it again)."""
    for m in module.modules():
        if isinstance(m, _script_module.RecursiveScriptModule):
            object.__setattr__(m, '_script_archive', archive)


def load_archive(f, map_location=None, extra_files=None):
    """The root module of the TorchScript archive ``f`` (a path or a binary file object)."""
    is_path = isinstance(f, (str, os.PathLike))
    fh = open(f, 'rb') if is_path else f
    try:
        zf = _ser._open_zip(fh)
        with zf:
            return _read(zf, map_location, extra_files)
    finally:
        if is_path:
            fh.close()


def _read(zf, map_location, extra_files):
    names = zf.namelist()
    constants_name = next((n for n in names if n.endswith('/constants.pkl') and n.count('/') == 1), None)
    if constants_name is None:
        raise RuntimeError("PytorchStreamReader failed locating file constants.pkl: file not found. This is an "
                           "internal miniz error. If you are seeing this error, there is a high likelihood that "
                           "your checkpoint file is corrupted. This can happen if the checkpoint was not saved "
                           "properly, was transferred incorrectly, or the file was modified after saving.")
    prefix = constants_name[:-len('constants.pkl')]
    byteorder = zf.read(prefix + 'byteorder').decode() if prefix + 'byteorder' in names else 'little'
    restore = _ser._restore_location(map_location)
    cache = {}

    def load_storage(pid):
        _, stype, key, location, numel = _ser._check_pid(pid)[:5]
        if key not in cache:
            raw = _ser._read_entry(zf, f'{prefix}data/{key}', _ser._storage_np_dtype(stype), numel)
            cache[key] = _ser._make_storage(raw, stype, location, restore, byteorder)
        return cache[key]

    def load_constant_storage(pid):
        _, stype, key, location, numel = _ser._check_pid(pid)[:5]
        raw = _ser._read_entry(zf, f'{prefix}constants/{key}', _ser._storage_np_dtype(stype), numel)
        return _ser._make_storage(raw, stype, location, restore, byteorder)

    code_prefix = prefix + 'code/'
    sources = {}
    for n in names:
        if n.startswith(code_prefix) and n.endswith('.py'):
            qualified = n[len(code_prefix):-len('.py')].replace('/', '.')
            sources[qualified] = zf.read(n).decode('utf-8')
    # constants first: the code refers to them; they hold no objects of the code's classes
    constants = _ser._Unpickler(io.BytesIO(zf.read(constants_name)), load_constant_storage,
                                encoding='utf-8').load()
    root = _script_code.compile_code(sources, tuple(constants))
    for qualified, text in sources.items():
        namespace = root
        for part in qualified.split('.')[1:]:
            namespace = getattr(namespace, part)
        for value in vars(namespace).values():
            if isinstance(value, type) and not issubclass(value, enum.Enum):    # Enums may be the user's own
                value._archive_source = text
    data = _enum_arguments_in_tuples(zf.read(prefix + 'data.pkl'), root)
    obj = _ArchiveUnpickler(io.BytesIO(data), load_storage, root).load()
    module = _materialise(obj, {})
    version = zf.read(prefix + 'version').decode().strip() if prefix + 'version' in names else '3'
    traced_inputs = None
    if prefix + 'traced_inputs.pkl' in names:
        # a trace's example inputs: kept as they are (PyTorch may have written their storages empty), to be
        # written again by ember.jit.save
        entry = prefix + 'traced_inputs/'
        traced_inputs = RawEntries(zf.read(prefix + 'traced_inputs.pkl'),
                                   {n[len(entry):]: zf.read(n) for n in names if n.startswith(entry)})
    attach_archive(module, ScriptArchive(sources, constants, int(version), traced_inputs))
    if extra_files is not None:
        for name in list(extra_files):
            entry = f'{prefix}extra/{name}'
            extra_files[name] = zf.read(entry) if entry in names else b''
    return module
