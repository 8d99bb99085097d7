"""The ``code/`` of a TorchScript archive, compiled to Python functions and classes that run on ember.

Each ``code/__torch__/a/b.py`` defines the classes and functions of the qualified module
``__torch__.a.b``; together they form one tree reached from the name ``__torch__``. The text is
TorchScript's Python-syntax form, so Python compiles it, after a check that it stays within what
TorchScript writes (no imports, no private attribute access, no names outside TorchScript's own):
loading an archive runs its methods, not arbitrary Python.
"""
import __future__
import ast
import builtins
import enum
import math
import typing

import ember
from ember.jit import _builtins


class ScriptNamespace:
    """One qualified module of the archive's code (``__torch__.torch.nn.modules.conv``)."""

    def __init__(self, qualified_name):
        self._qualified_name = qualified_name

    def child(self, name):
        ns = self.__dict__.get(name)
        if ns is None:
            ns = ScriptNamespace(f'{self._qualified_name}.{name}')
            setattr(self, name, ns)
        return ns

    def __getattr__(self, name):
        # class bodies name other modules' classes (``__annotations__["0"] = __torch__...Linear``) before
        # those modules are compiled: the names resolve to the (later filled) namespaces meanwhile
        mangled = name.find('___torch_mangle_')
        if mangled > 0:     # Python mangled a private-looking name inside a class body: undo it
            return getattr(self, name[mangled:])
        if name.startswith('_') and mangled != 0:
            raise AttributeError(name)
        return self.child(name)

    def __call__(self, *args, **kwargs):
        raise RuntimeError(f"ember.jit: the archive calls {self._qualified_name}, which its code does not define")

    def __repr__(self):
        return f'<TorchScript module {self._qualified_name}>'


class Module:
    """The base TorchScript writes for module classes (``class Conv2d(Module):``)."""


class _Constants:
    """``CONSTANTS.c0``, ``c1``, ...: the archive's constants.pkl, in order."""

    def __init__(self, values):
        for i, value in enumerate(values):
            setattr(self, f'c{i}', value)


def _annotate(_type, value):
    return value


def _uninitialized(_type):
    return None


def _unchecked_cast(_type, value):
    return value


def _script_isinstance(value, types):
    checks = types if isinstance(types, tuple) else (types,)
    return any(_matches(value, t) for t in checks)


def _matches(value, tp):
    origin = typing.get_origin(tp)
    if tp is typing.Any:
        return True
    if tp is type(None) or tp is None:
        return value is None
    if origin is typing.Union:
        return any(_matches(value, t) for t in typing.get_args(tp))
    if origin in (list, tuple, dict):
        return isinstance(value, origin)
    if isinstance(tp, type):
        return isinstance(value, tp)
    return False


# the builtins TorchScript code may use; everything else of Python's is out of reach
_SAFE_BUILTINS = {name: getattr(builtins, name) for name in (
    'range', 'len', 'int', 'float', 'bool', 'str', 'list', 'tuple', 'dict', 'min', 'max', 'abs', 'enumerate',
    'zip', 'print', 'isinstance', 'getattr', 'hasattr', 'round', 'sum', 'any', 'all', 'divmod', 'reversed',
    'sorted', 'object', 'Exception', 'RuntimeError', 'ValueError', 'AssertionError', 'IndexError',
    'KeyError', 'TypeError', 'StopIteration', 'NotImplementedError', 'ord', 'chr', 'hash', 'super',
    'property', 'staticmethod', 'classmethod', 'slice', 'iter', 'next', 'complex', 'bytes', 'id')}
_SAFE_BUILTINS['__build_class__'] = builtins.__build_class__

# dunder names TorchScript writes itself
_ALLOWED_DUNDERS = {'__torch__', '__parameters__', '__buffers__', '__init__', '__getstate__', '__setstate__',
                    '__len__', '__getitem__', '__setitem__', '__contains__', '__eq__', '__ne__', '__lt__',
                    '__le__', '__gt__', '__ge__', '__hash__', '__str__', '__repr__', '__bool__', '__iter__',
                    '__next__', '__call__', '__is__', '__isnot__', '__not__', '__and__', '__or__',
                    '__range_length', '__derive_index', '__annotations__', '__module__', '__qualname__',
                    '__name__', '__interpolate', '__upsample', '__upsample_bilinear', '__round_to_zero_floordiv',
                    '__new__', '__enter__', '__exit__'}


class UnsupportedCode(RuntimeError):
    pass


def _check(tree, path):
    """Refuses code outside what TorchScript writes (the archive's code runs when the module is called)."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom, ast.Global, ast.Nonlocal, ast.AsyncFunctionDef,
                             ast.Await, ast.Yield, ast.YieldFrom, ast.Lambda)):
            raise UnsupportedCode(f"ember.jit.load: {path} holds a {type(node).__name__} statement, which "
                                  "TorchScript never writes; the archive is refused")
        name = node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else None
        if name is not None and name.startswith('__') and name not in _ALLOWED_DUNDERS and \
                not name.startswith('___torch_mangle_'):
            raise UnsupportedCode(f"ember.jit.load: {path} uses the name {name!r}, which TorchScript never writes; "
                                  "the archive is refused")


def _globals(root, constants):
    from typing import Any, Dict, List, Optional, Tuple, Union
    return {
        '__builtins__': _SAFE_BUILTINS, '__torch__': root, 'torch': _builtins._TorchNamespace(),
        'ops': _builtins._Ops(), 'CONSTANTS': constants, 'Module': Module, 'Tensor': ember.Tensor,
        'Optional': Optional, 'List': List, 'Tuple': Tuple, 'Dict': Dict, 'Union': Union, 'Any': Any,
        'Final': typing.Final, 'NoneType': type(None), 'Device': ember.device, 'Future': object,
        'annotate': _annotate, 'uninitialized': _uninitialized, 'unchecked_cast': _unchecked_cast,
        'isinstance': _script_isinstance, 'inf': math.inf, 'nan': math.nan, 'number': float,
        'Enum': enum.Enum, 'NamedTuple': typing.NamedTuple, 'Generator': ember.Generator, 'Stream': object,
        'Storage': object, 'Scalar': float, 'Interface': object, 'ModuleInterface': object, 'Layout': int, 'MemoryFormat': int, 'ScalarType': int,
    }


def compile_code(sources, constants, python_enums=None):
    """The ``__torch__`` tree of ``sources`` ({qualified module name: code text}), each module's
    classes and functions defined in it. Enum classes are defined first (other classes' defaults name their
    members); ``python_enums`` ({qualified name: class}) stands in for the ones a scripted program met."""
    root = ScriptNamespace('__torch__')
    consts = _Constants(constants)
    flags = __future__.annotations.compiler_flag       # annotations are TorchScript types: never evaluated
    parsed = []
    for qualified, text in sorted(sources.items()):
        ns = root
        for part in qualified.split('.')[1:]:
            ns = ns.child(part)
        tree = ast.parse(text, filename=qualified)
        _check(tree, qualified)
        enums = [node for node in tree.body if isinstance(node, ast.ClassDef) and
                 any(isinstance(b, ast.Name) and b.id == 'Enum' for b in node.bases)]
        tree.body = [node for node in tree.body if node not in enums]
        for node in enums:
            cls = (python_enums or {}).get(f'{qualified}.{node.name}') or _user_enum(f'{qualified}.{node.name}', node)
            if cls is None:
                scope = _run(ast.Module(body=[node], type_ignores=[]), qualified, root, consts, flags)
                cls = scope[node.name]
            setattr(ns, node.name, cls)
        parsed.append((qualified, ns, tree, text))
    for qualified, ns, tree, text in parsed:
        scope = _run(tree, qualified, root, consts, flags)
        for name, value in scope.items():
            if isinstance(value, (type, type(compile_code))) and getattr(value, '__module__', None) == qualified:
                setattr(ns, name, value)
        ns._source = text
    return root


def _user_enum(qualified, node):
    from ember.jit._script_enums import python_enum
    try:
        members = [(stmt.targets[0].id, ast.literal_eval(stmt.value)) for stmt in node.body]
    except (AttributeError, IndexError, ValueError):
        return None
    return python_enum(qualified, members)


def _run(tree, qualified, root, consts, flags):
    scope = _globals(root, consts)
    scope['__name__'] = qualified
    exec(compile(tree, f'<TorchScript {qualified}>', 'exec', flags=flags, dont_inherit=True), scope)
    return scope


def lookup(root, qualified_name):
    """The class or function ``__torch__.a.b.Name`` of the compiled tree (None when absent)."""
    obj = root
    for part in qualified_name.split('.')[1:]:
        obj = obj.__dict__.get(part) if isinstance(obj, ScriptNamespace) else getattr(obj, part, None)
        if obj is None:
            return None
    return obj
