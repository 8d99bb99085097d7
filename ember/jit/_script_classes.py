"""TorchScript classes: a plain Python class compiled by ``ember.jit.script`` (decorated, or met in a
scripted program, as PyTorch compiles it then too).

Its attributes are what ``__init__`` assigns to ``self`` (typed by the values assigned, or by the
annotation of ``self.x: T = ...``); every method defined in the class body is compiled; the class's
TorchScript text (``class Pair:``, its attributes typed, its methods taking ``self: __torch__.Pair``)
joins the program of whatever uses it. A program makes an object as PyTorch writes it:
``p = __torch__.Pair.__new__(__torch__.Pair)`` then ``_0 = (p).__init__(a, b, )``.
"""
import enum
import inspect
import sys

from ember.jit._script_dataclasses import dataclass_method
from ember.jit._script_types import Expr

_MODIFIERS = ('ignore', 'unused')


def is_script_class(target):
    """Whether ``target`` (a Python object a program names) is a class TorchScript compiles as a class of its
    own: a plain class, not a module, an exception, an enum or one of Python's builtins."""
    from ember import nn
    return isinstance(target, type) and target.__module__ != 'builtins' and \
        not issubclass(target, (nn.Module, BaseException, enum.Enum, tuple)) and \
        not target.__module__.startswith(('typing', 'collections')) and not _ember_own(target)


def _ember_own(cls):
    """Whether ``cls`` is one of ember's own classes: named in an ``ember.*`` module that holds it (a class a
    program defines while its ``__name__`` reads ``ember.*``, as a docstring example's does, is the user's)."""
    module = cls.__module__
    if module != 'ember' and not module.startswith('ember.'):
        return False
    owner = sys.modules.get(module)
    return owner is not None and getattr(owner, cls.__qualname__.split('.')[0], None) is not None


def check_inheritance(cls):
    if cls.__bases__ != (object,):
        raise RuntimeError("TorchScript classes does not support inheritance yet. Please directly inherit from "
                           "'object'.")


def _assignable(declared, given):
    return declared == given or declared.startswith('Optional[') and given in (declared[9:-1], 'NoneType')


class ScriptClass:
    """One TorchScript class of a program: the owner its methods' compilers ask what ``self`` holds."""

    def __init__(self, cls, unit, qualified):
        self.cls, self.unit, self.qualified = cls, unit, qualified
        self.attributes = {}        # name: type, in the order __init__ first assigns them
        self.methods = {}           # name: (Signature, body lines)
        self.compiling = set()
        self.initializing = False

    # what ``self`` is and holds -------------------------------------------------------------------------
    def self_value(self):
        return Expr('self', self.qualified)

    def _unit_text(self):
        return f"'{self.qualified} (of Python compilation unit at: 0x{id(self.unit):x})'"

    def attribute(self, name, node, fc, base='self'):
        if name in self.attributes:
            return Expr(f'{base}.{name}', self.attributes[name])
        raise fc.error(node, f"\n{self._unit_text()} object has no attribute or method '{name}'. Did you forget to "
                             "initialize an attribute in __init__()?")

    def assigned_attribute(self, name, type_, node, fc):
        statement = getattr(fc, 'current_statement', None) or node
        if name not in self.attributes:
            if not self.initializing:
                raise fc.error(statement, f"\nTried to set nonexistent attribute: {name}. Did you forget to "
                                          "initialize it in __init__()?")
            self.attributes[name] = type_
        elif not _assignable(self.attributes[name], type_):
            raise fc.error(statement, f"\nWrong type for attribute assignment. Expected {self.attributes[name]} but "
                                      f"got {type_}")

    # methods --------------------------------------------------------------------------------------------
    def _function(self, name):
        fn = vars(self.cls).get(name)
        if isinstance(fn, (staticmethod, classmethod)):
            raise RuntimeError(f"ember.jit.script cannot compile the {type(fn).__name__} {name} of the TorchScript "
                               f"class {self.cls.__name__} yet")
        return dataclass_method(self.cls, name, fn) if inspect.isfunction(fn) else None

    def signature(self, name, node=None, fc=None):
        if name in self.methods:
            return self.methods[name][0]
        fn = self._function(name)
        modifier = getattr(fn, '_torchscript_modifier', None)
        if fn is None or modifier in _MODIFIERS:
            what = f"the @torch.jit.{modifier} method" if fn is not None else "no method"
            message = f"\n{self._unit_text()} has {what} '{name}', which compiled code cannot call"
            if fc is None:
                raise RuntimeError(message)
            raise fc.error(node, message)
        if name in self.compiling:
            raise fc.error(node, f"method '{name}' is called recursively, which TorchScript does not support")
        from ember.jit._script_frontend import FunctionCompiler
        self.compiling.add(name)
        self.initializing = name == '__init__'
        try:
            signature, body = FunctionCompiler(fn, self.unit, owner=self).compile()
        finally:
            self.compiling.discard(name)
            self.initializing = False
        if name == '__init__':
            signature.returns = 'NoneType'
            if not body[-1].startswith('return'):
                body = [line for line in body if line != 'pass'] + ['return None']
        self.methods[name] = (signature, body)
        return signature

    def compile(self):
        """Every method of the class body, ``__init__`` first (it declares the attributes)."""
        check_inheritance(self.cls)
        if self._function('__init__') is not None:
            self.signature('__init__')
        for name in sorted(vars(self.cls)):
            fn = vars(self.cls)[name]
            if inspect.isfunction(fn) and getattr(fn, '_torchscript_modifier', None) not in _MODIFIERS:
                self.signature(name)

    def text(self):
        """The class as TorchScript writes it: attributes typed, then the methods by name."""
        lines = [f'class {self.qualified.rsplit(".", 1)[1]}:']
        lines += [f'  {name} : {tp}' for name, tp in self.attributes.items()]
        for name in sorted(self.methods):
            signature, body = self.methods[name]
            lines.append('  ' + signature.header(name, self.qualified))
            lines += ['    ' + line for line in body]
        if len(lines) == 1:
            lines.append('  pass')
        return '\n'.join(lines) + '\n'

    # what a program does with objects of the class -------------------------------------------------------
    def construct(self, node, args, kwargs, fc, name=None):
        """``Pair(a, b)``: the object made and initialised (lines before the statement), its name returned."""
        from ember.jit._script import _bind
        signature = self.signature('__init__', node, fc) if self._function('__init__') is not None else None
        if signature is None:
            if args or kwargs:
                raise fc.error(node.func, f"\n\n__init__({self.qualified} self) -> NoneType:\nExpected at most 1 "
                                          f"arguments but found {len(args) + 1} positional arguments.\n")
            texts = []
        else:
            if len(args) > len(signature.params):
                from ember.jit._script_args import declaration
                shown = declaration('__init__', signature, self.qualified)
                raise fc.error(node.func, f"\n\n{shown}:\nExpected at most {len(signature.params) + 1} arguments "
                                          f"but found {len(args) + 1} positional arguments.\n")
            texts = _bind(signature, args, dict(kwargs), node, fc, '__init__')
        obj = name or fc.temp()
        fc.emit_before(f'{obj} = {self.qualified}.__new__({self.qualified})', node)
        if signature is not None:
            fc.emit_before(f'{fc.temp()} = ({obj}).__init__(' + ''.join(t + ', ' for t in texts) + ')', node)
        return Expr(obj, self.qualified)

    def call(self, receiver, name, args, kwargs, node, fc):
        from ember.jit._script import _bind
        signature = self.signature(name, node, fc)
        texts = _bind(signature, args, dict(kwargs), node, fc, name)
        return Expr(f'({receiver.text}).{name}(' + ''.join(t + ', ' for t in texts) + ')', signature.returns)


def is_interface(target):
    return isinstance(target, type) and bool(target.__dict__.get('__torch_script_interface__'))


class ScriptInterface(ScriptClass):
    """A ``@torch.jit.interface`` class: method signatures only. A value of the interface's type is any object
    (or, for a module interface, any submodule) with those methods; calls go to the object's own."""

    def __init__(self, cls, unit, qualified):
        super().__init__(cls, unit, qualified)
        from ember import nn
        self.for_modules = issubclass(cls, nn.Module)

    def compile(self):
        from ember.jit._script_frontend import FunctionCompiler
        for name in sorted(vars(self.cls)):
            fn = vars(self.cls)[name]
            if not inspect.isfunction(fn) or name.startswith('__'):
                continue
            compiler = FunctionCompiler(fn, self.unit, owner=self)
            if compiler.node.returns is None:
                spot = compiler.spot(compiler.node)
                end = compiler.node.body[-1]
                spot.end_line, spot.end = end.end_lineno, end.end_col_offset + compiler.shift
                raise RuntimeError("\ninterface declarations must have a return type annotated." + spot.report())
            self.methods[name] = (compiler.compile_signature_only()[0], None)

    def signature(self, name, node=None, fc=None):
        if name in self.methods:
            return self.methods[name][0]
        return super().signature(name, node, fc)

    def attribute(self, name, node, fc, base='self'):
        raise fc.error(node, f"\n{self._unit_text()} object has no attribute or method '{name}'.")

    def construct(self, node, args, kwargs, fc, name=None):
        raise fc.error(node, f"ember.jit.script cannot create an object of the interface {self.cls.__name__}")

    def implemented_by(self, script_class):
        """Whether ``script_class`` has every method of the interface, with the same signature."""
        for name, (signature, _) in self.methods.items():
            try:
                theirs = script_class.signature(name)
            except RuntimeError:
                return False
            if theirs.header(name) != signature.header(name):
                return False
        return True

    def text(self):
        base = 'ModuleInterface' if self.for_modules else 'Interface'
        lines = [f'class {self.qualified.rsplit(".", 1)[1]}({base}):']
        for name, (signature, _) in self.methods.items():
            params = ''.join(f', {n}: {t}' for n, t, _ in signature.params)
            lines += [f'  def {name}(self{params}) -> {signature.returns}:', '    pass']
        return '\n'.join(lines) + '\n'


def script_class(cls):
    """``@ember.jit.script`` on a class: compiled now, so that what TorchScript cannot express is refused at
    the decorator, as PyTorch refuses it; the class itself is returned."""
    from ember.jit._script import ScriptUnit
    ScriptUnit().script_class(cls)
    return cls


def to_python(value, classes):
    """A program's result with the objects of its compiled classes turned back into objects of the user's
    classes (``classes``: {compiled class: Python class}), as PyTorch returns them."""
    if isinstance(value, tuple) and not hasattr(value, '_fields'):
        return tuple(to_python(v, classes) for v in value)
    if isinstance(value, list):
        return [to_python(v, classes) for v in value]
    if isinstance(value, dict):
        return {k: to_python(v, classes) for k, v in value.items()}
    python_class = classes.get(type(value))
    if python_class is None:
        return value
    obj = python_class.__new__(python_class)
    obj.__dict__.update({k: to_python(v, classes) for k, v in vars(value).items()})
    return obj


def reject_objects_made(fc, before, node, where):
    """Objects are made by lines before the statement: inside a loop's condition or a branch of an expression
    they would be made once, unconditionally, so ember refuses it."""
    if fc.objects_made != before:
        raise fc.error(node, f"ember.jit.script cannot create an object of a TorchScript class inside {where}; "
                             "assign it to a variable first")

