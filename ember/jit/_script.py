"""``ember.jit.script``: a function or a module tree compiled to TorchScript code, then run as an archive's code.

A ``ScriptUnit`` compiles what is reachable: the function and the functions it calls, or every
module's class (``forward``, ``@export`` methods and the methods they call; ``torch.nn``'s own layers
from ``_script_modules``). Classes are named as PyTorch names them (``__torch__.<module>.<Class>``,
``___torch_mangle_<n>`` for a second class of one name); modules whose classes come out the same
share one. The texts are compiled as ``ember.jit.load`` compiles an archive's code (``_script_code``),
so what runs is the TorchScript program (a branch on data takes the path the data says), and the module
tree shares the original's parameters and buffers, as PyTorch's scripted modules do.
"""
import inspect
import keyword
import re
import sys

import ember
from ember import nn
from ember.jit import _script_attention, _script_code, _script_modules  # noqa: F401 (_script_attention: its writers)
from ember.jit._archive_write import ScriptArchive
from ember.jit._script_enums import add_enum_classes, is_enum_class, plain_attribute
from ember.jit._script_foreign import ForeignClass, merge_archives
from ember.jit._script_args import check_call
from ember.jit._script_classes import ScriptClass, ScriptInterface, is_interface, to_python
from ember.jit._script_frontend import FunctionCompiler, Signature
from ember.jit._script_module import RecursiveScriptModule
from ember.jit._script_statements import NO_GRAD, NO_GRAD_SOURCE
from ember.jit._script_types import Expr, ModuleType, literal, type_of_value
from ember.jit._trace import ScriptFunction
from ember.jit._trace_code import _MIN_VERSION, _OP_VERSIONS, torch_class_path

_PLACEHOLDER = '__SCRIPT_CLASS__'


def _version(sources):
    """The file-format version the code's operators need (PyTorch reads ``torch.div`` of an older archive
    under its older meaning, ``torch.gelu`` without ``approximate``)."""
    ops = set(re.findall(r'torch\.(\w+)\(', ''.join(sources.values())))
    return max([_MIN_VERSION] + [_OP_VERSIONS[op] for op in ops if op in _OP_VERSIONS])


def _qualified_module(python_module):
    module, _ = torch_class_path(type('_', (), {'__module__': python_module}))
    return '.'.join(p for p in ('__torch__', module) if p)


def _member(name):
    return name if name.isidentifier() and not keyword.iskeyword(name) else None


def _class_literal(value):
    return literal(tuple(value)) if isinstance(value, (tuple, list)) else literal(value)


class ClassCompiler:
    """One module's TorchScript class: its methods compiled on demand, its attributes and constants."""

    def __init__(self, module, unit):
        self.module, self.unit = module, unit
        self.methods = {}           # name: (Signature, body lines)
        self.attributes = {}        # name: type (held by the module, written in the archive)
        self.ignored = {}           # name: left to Python (@ignore)
        self.compiling = set()
        self.qualified = None
        self.builtin = _script_modules.writer_for(module)
        self.constants = {}
        if self.builtin is not None:
            built = self.builtin(module)
            self.constants = built.constants
            self.attributes = {k: t for k, (t, _) in built.attributes.items()}
            self.param_types = built.param_types
            self.methods.update(built.methods)
        else:
            self.param_types = {}
            names = set(getattr(type(module), '__constants__', ()))
            for cls in reversed(type(module).__mro__):
                for name, ann in vars(cls).get('__annotations__', {}).items():
                    if 'Final' in str(ann):
                        names.add(name)
            for name in sorted(names):
                if hasattr(module, name) and type_of_value(getattr(module, name)) is not None:
                    self.constants[name] = getattr(module, name)

    # what ``self`` holds --------------------------------------------------------------------------------
    def self_value(self):
        return Expr('self', ModuleType(self.module))

    def attribute(self, name, node, fc, base='self'):
        m = self.module
        if name in m._modules:
            child = m._modules[name]
            if child is None:
                return Expr('None', 'NoneType', None)
            self.unit.module_class(child)
            path = f'{base}.{name}' if _member(name) else f'getattr({base}, "{name}")'
            return Expr(path, ModuleType(child))
        for store in (m._parameters, m._buffers):
            if name in store:
                if store[name] is None:
                    return Expr('None', 'NoneType', None)
                return Expr(f'{base}.{name}', self.param_types.get(name, 'Tensor'))
        if name == 'training':
            return Expr(f'{base}.training', 'bool')
        if name in self.constants:
            value = self.constants[name]
            return Expr(literal(value), type_of_value(value), value)
        if not hasattr(m, name):
            raise fc.error(node, f"Module '{type(m).__name__}' has no attribute '{name}' ")
        value = plain_attribute(getattr(m, name))
        tp = 'Tensor' if isinstance(value, ember.Tensor) and not isinstance(value, nn.Parameter) else \
            type_of_value(value)
        if value is None:
            return Expr('None', 'NoneType', None)
        if tp is None:
            raise fc.error(node, f"Module '{type(m).__name__}' has no attribute '{name}' (its value, a "
                                 f"{type(value).__name__}, has no TorchScript type)")
        self.attributes.setdefault(name, tp)
        return Expr(f'{base}.{name}', self.attributes[name])

    def assigned_attribute(self, name, type_, node, fc):
        if name in self.constants:
            raise fc.error(node, f"Cannot assign to the constant '{name}'")
        if name not in self.module._parameters and name not in self.module._buffers and name != 'training':
            self.attributes.setdefault(name, type_)

    # methods --------------------------------------------------------------------------------------------
    def signature(self, name, node=None, fc=None):
        if name in self.methods:
            return self.methods[name][0]
        if name in self.ignored:
            return self.ignored[name]
        m = self.module
        if isinstance(m, nn.Sequential) and name == 'forward':
            children = [(k, self.unit.module_class(c).signature('forward', node, fc))
                        for k, c in m._modules.items() if c is not None]
            params, returns, body = _script_modules.sequential_forward(m, children)
            self.methods['forward'] = (Signature(params, returns), body)
            return self.methods['forward'][0]
        fn = getattr(type(m), name, None)
        if self.builtin is not None or not inspect.isfunction(fn) or \
                fn is getattr(nn.Module, name, None) or type(m).__module__.startswith('ember.nn'):
            message = f"Module '{type(m).__name__}' has no attribute '{name}' "
            if fc is None:
                raise RuntimeError(message)
            raise fc.error(node, message)
        if name in self.compiling:
            raise fc.error(node, f"method '{name}' is called recursively, which TorchScript does not support")
        compiler = FunctionCompiler(fn, self.unit, owner=self)
        modifier = getattr(fn, '_torchscript_modifier', None)
        if modifier == 'ignore':
            signature, _ = compiler.compile_signature_only()
            self.ignored[name] = signature
            return signature
        self.compiling.add(name)
        try:
            if modifier == 'unused':
                signature, _ = compiler.compile_signature_only()
                body = ['ops.prim.RaiseException("This Python function is annotated to be ignored and cannot be '
                        'run")']
            else:
                signature, body = compiler.compile()
        finally:
            self.compiling.discard(name)
        self.methods[name] = (signature, body)
        return signature

    def compile_entry_points(self):
        m = self.module
        if self.builtin is not None:
            return
        forward = getattr(type(m), 'forward', None)
        if isinstance(m, nn.Sequential) or inspect.isfunction(forward) and forward is not nn.Module.forward \
                and not type(m).__module__.startswith('ember.nn'):
            self.signature('forward')
        for name, fn in inspect.getmembers(type(m), inspect.isfunction):
            if getattr(fn, '_torchscript_modifier', None) == 'export':
                self.signature(name)
        if type(m).__module__.startswith('ember.nn') and forward is not nn.Module.forward and \
                not isinstance(m, nn.Sequential):
            raise RuntimeError(f"ember.jit.script cannot compile the module {type(m).__name__} yet (its TorchScript "
                               "form is not written in ember)")

    # the class text -------------------------------------------------------------------------------------
    def text(self, name, child_names):
        m = self.module
        params = [n for n, p in m._parameters.items() if p is not None]
        buffers = [n for n, b in m._buffers.items() if b is not None]
        lines = [f'class {name}(Module):',
                 '  __parameters__ = [' + ''.join(f'"{n}", ' for n in params) + ']',
                 '  __buffers__ = [' + ''.join(f'"{n}", ' for n in buffers) + ']']
        lines += [f'  {n} : {self.param_types.get(n, "Tensor")}' for n in params + buffers]
        lines += ['  training : bool', '  _is_full_backward_hook : Optional[bool]']
        lines += [f'  {n} : {t}' for n, t in self.attributes.items()]
        for child, qualified in child_names.items():
            lines.append(f'  {child} : {qualified}' if _member(child) else
                         f'  __annotations__["{child}"] = {qualified}')
        for n, value in self.constants.items():
            lines.append(f'  {n} : Final[{type_of_value(value)}] = {_class_literal(value)}')
        for method, (signature, body) in self.methods.items():
            lines.append('  ' + signature.header(method, _PLACEHOLDER).replace('\n', '\n'))
            lines += ['    ' + line for line in body]
        return '\n'.join(lines) + '\n'


class ScriptUnit:
    """Everything one ``script`` call compiles: module classes and free functions."""

    def __init__(self):
        self.classes = {}           # id(module): ClassCompiler
        self.functions = {}         # function: (qualified name, Signature, body)
        self.compiling = set()
        self.uses_no_grad = False       # a ``with torch.no_grad():`` block: TorchScript's no_grad class joins
        self.script_classes = {}        # Python class: ScriptClass (TorchScript classes the program uses)
        self.function_order = []

    def script_class(self, cls):
        """The TorchScript class of ``cls``, compiled the first time the program meets it."""
        found = self.script_classes.get(cls)
        if found is None:
            qualified = f'{_qualified_module(cls.__module__)}.{cls.__name__}'
            taken = {c.qualified for c in self.script_classes.values()}
            n = 0
            while qualified in taken:       # another class of the same name: mangled, as PyTorch does
                qualified = f'{_qualified_module(cls.__module__)}.___torch_mangle_{n}.{cls.__name__}'
                n += 1
            kind = ScriptInterface if is_interface(cls) else ScriptClass
            found = self.script_classes[cls] = kind(cls, self, qualified)
            try:
                found.compile()
            except BaseException:
                del self.script_classes[cls]
                raise
        return found

    def class_of(self, type_):
        """The ScriptClass whose objects have the TorchScript type ``type_`` (None for other types)."""
        if isinstance(type_, str) and type_.startswith('__torch__.'):
            for script_class in self.script_classes.values():
                if script_class.qualified == type_:
                    return script_class
        return None

    def python_classes(self, code_root):
        """{compiled class: the user's class} of the TorchScript classes in the program ``code_root``."""
        return {_script_code.lookup(code_root, c.qualified): cls for cls, c in self.script_classes.items()}

    def module_class(self, module):
        cc = self.classes.get(id(module))
        if cc is None and isinstance(module, RecursiveScriptModule):
            # TorchScript already (scripted, traced, loaded): kept as it is, its children in its own program
            cc = self.classes[id(module)] = ForeignClass(module, self)
        elif cc is None:
            cc = self.classes[id(module)] = ClassCompiler(module, self)
            for child in module._modules.values():
                if child is not None:
                    self.module_class(child)
            cc.compile_entry_points()
        return cc

    def module_attribute(self, base, name, node, fc):
        return self.module_class(base.type.module).attribute(name, node, fc, base.text)

    def call_method(self, receiver, name, args, kwargs, node, fc):
        m = receiver.type.module
        value = vars(m).get(name)
        source = value if inspect.isfunction(value) else getattr(value, '_script_source_function', None)
        if source is not None:
            # a function, or a scripted one, kept as an attribute (e3nn's ``self.sph_func = _spherical_harmonics``):
            # a call of that function, compiled into the program as PyTorch compiles it
            qualified, signature = self.function(source)
            texts = _bind(signature, args, dict(kwargs), node, fc, source.__name__)
            return Expr(f'{qualified}(' + ''.join(t + ', ' for t in texts) + ')', signature.returns)
        if name in m._modules:
            child = m._modules[name]
            if child is None:
                raise fc.error(node, f"'NoneType' object (the attribute {name}) is not callable")
            receiver = self.module_class(m).attribute(name, node, fc, receiver.text)
            m, name = child, 'forward'
        signature = self.module_class(m).signature(name, node, fc)
        texts = _bind(signature, args, kwargs, node, fc, name)
        return Expr(f'({receiver.text}).{name}(' + ''.join(t + ', ' for t in texts) + ')', signature.returns)

    def function(self, fn):
        found = self.functions.get(fn)
        if found is None:
            if fn in self.compiling:
                raise RuntimeError(f"ember.jit.script: {fn.__qualname__} calls itself, which TorchScript does not "
                                   "support")
            self.compiling.add(fn)
            self.function_order.append(fn)      # written in the order the program meets them, as PyTorch does
            try:
                signature, body = FunctionCompiler(fn, self).compile()
            except BaseException:
                self.function_order.remove(fn)
                raise
            finally:
                self.compiling.discard(fn)
            found = self.functions[fn] = (f'{_qualified_module(fn.__module__)}.{fn.__name__}', signature, body)
        return found[0], found[1]

    def function_sources(self):
        """{qualified module: text} of the free functions compiled."""
        sources = {}
        for qualified, signature, body in (self.functions[fn] for fn in self.function_order):
            module, name = qualified.rsplit('.', 1)
            text = signature.header(name) + '\n' + ''.join(f'  {line}\n' for line in body)
            sources[module] = sources.get(module, '') + text
        for script_class in sorted(self.script_classes.values(), key=lambda c: c.qualified):
            module = script_class.qualified.rsplit('.', 1)[0]
            sources[module] = sources.get(module, '') + script_class.text()
        if self.uses_no_grad:
            module = NO_GRAD.rsplit('.', 1)[0]
            sources[module] = sources.get(module, '') + NO_GRAD_SOURCE
        return sources


def _bind(signature, args, kwargs, node, fc, name):
    """The argument texts of a call of a compiled method: positional, then by name, then defaults."""
    params = signature.params
    if len(args) > len(params):
        raise fc.error(node, f"{name}() expected at most {len(params)} argument(s) but received {len(args)} "
                             "argument(s)")
    texts = [a.text for a in args]
    for pname, _, default in params[len(args):]:
        if pname in kwargs:
            texts.append(kwargs.pop(pname).text)
        elif default is not None:
            texts.append(default)
        else:
            raise fc.error(node, f"{name}() is missing value for argument '{pname}'")
    if kwargs:
        raise fc.error(node, f"{name}() got an unexpected keyword argument '{next(iter(kwargs))}'")
    return texts


def _foreign_tops(root):
    """The submodules of ``root`` that are TorchScript already, but not those inside such a one."""
    tops, stack = [], list(root._modules.values())
    while stack:
        m = stack.pop(0)
        if isinstance(m, RecursiveScriptModule):
            tops.append(m)
        elif m is not None:
            stack.extend(m._modules.values())
    return tops


def _name_classes(unit, root, constants):
    """{id(module): qualified class name} and {qualified module: code text}, children named first; the
    programs of submodules that are TorchScript already kept as they are (their tensor constants added to
    ``constants``)."""
    qualified, sources, texts, counter = {}, {}, {}, [0]
    foreign = _foreign_tops(root)
    taken = merge_archives(foreign, sources, constants)
    inside = {id(m) for top in foreign for m in top.modules()}
    modules = list(root.named_modules(remove_duplicate=True))
    for _, m in reversed(modules):
        if id(m) in inside:
            qualified[id(m)] = m._qualified_name
            continue
        cc = unit.classes[id(m)]
        module_path, name = torch_class_path(type(m))
        if m is root and type(m).__module__ == '__main__':
            module_path = ''
        children = {k: _interface_of(unit, type(m), k) or qualified[id(c)] for k, c in m._modules.items()
                    if c is not None}
        text = cc.text(name, children)
        base = '.'.join(p for p in ('__torch__', module_path) if p)
        if (base, text) in texts:
            qualified[id(m)] = texts[(base, text)]
        else:
            target = base
            while f'{target}.{name}' in qualified.values() or f'{target}.{name}' in taken:
                target = f'{base}.___torch_mangle_{counter[0]}'
                counter[0] += 1
            qualified[id(m)] = texts[(base, text)] = f'{target}.{name}'
            sources[target] = sources.get(target, '') + text.replace(_PLACEHOLDER, qualified[id(m)])
        cc.qualified = qualified[id(m)]
    return qualified, sources


def _interface_of(unit, module_class, name):
    """The qualified name of the module interface a submodule is annotated with in its parent's class body
    (``sub: OneArg``), which TorchScript writes as the submodule's type; None when it has none."""
    for cls in module_class.__mro__:
        annotation = vars(cls).get('__annotations__', {}).get(name)
        if isinstance(annotation, str):         # ``from __future__ import annotations``: the name, in its module
            annotation = getattr(sys.modules.get(cls.__module__), annotation, None)
        if annotation is not None:
            return unit.script_class(annotation).qualified if is_interface(annotation) else None
    return None


def _compile(sources, constants=()):
    enums = add_enum_classes(sources)
    root = _script_code.compile_code(sources, tuple(constants), enums)
    for name, text in sources.items():
        namespace = _script_code.lookup(root, name)
        for value in vars(namespace).values():
            if isinstance(value, type) and not is_enum_class(value):    # the user's Enum classes stay as they are
                value._archive_source = text
    return root


def _build(unit, module, qualified, code_root, archive):
    """The RecursiveScriptModule tree of ``module``: its compiled classes, the original's parameters and
    buffers (shared), its submodules built alike, its attributes copied, its training flag."""
    built = {}

    def build(m):
        if id(m) in built:
            return built[id(m)]
        if isinstance(m, RecursiveScriptModule):       # TorchScript already: the same module, as PyTorch keeps it
            return m
        cc = unit.classes[id(m)]
        sm = RecursiveScriptModule(_script_code.lookup(code_root, qualified[id(m)]), qualified[id(m)])
        built[id(m)] = sm
        for k, p in m._parameters.items():
            if p is not None:
                sm.register_parameter(k, p)
        for k, b in m._buffers.items():
            if b is not None:
                sm.register_buffer(k, b, persistent=k not in m._non_persistent_buffers_set)
        for k, c in m._modules.items():
            if c is not None:
                sm.add_module(k, build(c))
        sm.training = m.training
        values = {'_is_full_backward_hook': None}
        values.update({k: _attribute_value(m, k, cc) for k in cc.attributes})
        # the module's other plain settings (numbers, strings, flags) read from Python as PyTorch's scripted
        # module offers them (frozen with preserved_attrs, they stay)
        for k, v in vars(m).items():
            if not k.startswith('_') and k not in values and k != 'training' and \
                    isinstance(v, (bool, int, float, str)) and k not in cc.constants:
                object.__setattr__(sm, k, v)
        for k, v in values.items():
            object.__setattr__(sm, k, v)
            sm._script_attributes.add(k)
        if cc.ignored:
            object.__setattr__(sm, '_python_methods', {k: getattr(m, k) for k in cc.ignored})
        object.__setattr__(sm, '_script_archive', archive)
        return sm
    return build(module)


def _attribute_value(module, name, cc):
    if cc.builtin is not None:
        built = cc.builtin(module).attributes
        if name in built:
            return built[name][1]
    value = plain_attribute(getattr(module, name))
    return list(value) if isinstance(value, list) else value


def _install_python_methods(unit, code_root):
    """``@ignore`` methods: the compiled class calls the original module's Python method."""
    for cc in unit.classes.values():
        code_class = _script_code.lookup(code_root, cc.qualified)
        if not isinstance(cc, ForeignClass):        # what a call's arguments are checked against
            code_class._script_signatures = {name: signature for name, (signature, _) in cc.methods.items()}
        for name in cc.ignored:
            def call(self, *args, _name=name, **kwargs):
                return self.__dict__['_python_methods'][_name](*args, **kwargs)
            setattr(code_class, name, call)
            ignored = set(getattr(code_class, '_python_calls', ())) | {name}
            code_class._python_calls = tuple(sorted(ignored))


def script_module(module):
    unit = ScriptUnit()
    unit.module_class(module)
    constants = []
    qualified, sources = _name_classes(unit, module, constants)
    for name, text in unit.function_sources().items():
        sources[name] = sources.get(name, '') + text
    code_root = _compile(sources, constants)
    _install_python_methods(unit, code_root)
    archive = ScriptArchive(sources, constants, _version(sources))
    return _build(unit, module, qualified, code_root, archive)


class _FunctionHolder(nn.Module):
    """The module a scripted function's program lives in (PyTorch's ``PlaceholderModule``)."""


class ScriptedFunction(ScriptFunction):
    """A function compiled by :func:`ember.jit.script`; called, it runs the compiled program."""

    def __call__(self, *args, **kwargs):
        check_call(self.name, self._signature, args, kwargs)     # PyTorch's errors for arguments that do not fit
        result = self._program_module(*args, **kwargs)
        classes = self.__dict__.get('_python_classes')
        return to_python(result, classes) if classes else result

    @property
    def graph(self):
        raise RuntimeError("ember.jit.script does not build TorchScript IR graphs; .code shows the compiled "
                           "program")


ScriptedFunction.__module__ = 'ember.jit'
ScriptedFunction.__name__ = ScriptedFunction.__qualname__ = 'ScriptFunction'


def script_function(fn):
    unit = ScriptUnit()
    compiler = FunctionCompiler(fn, unit)
    signature, body = compiler.compile()
    text = ('class PlaceholderModule(Module):\n  __parameters__ = []\n  __buffers__ = []\n  training : bool\n'
            '  _is_full_backward_hook : Optional[bool]\n'
            '  ' + signature.header('forward', '__torch__.PlaceholderModule') + '\n' +
            ''.join(f'    {line}\n' for line in body))
    sources = {'__torch__': text}
    for name, functions in unit.function_sources().items():
        sources[name] = sources.get(name, '') + functions
    code_root = _compile(sources)
    archive = ScriptArchive(sources, (), _version(sources))
    holder = _FunctionHolder()
    unit.classes[id(holder)] = ClassCompiler(holder, unit)
    program = _build(unit, holder, {id(holder): '__torch__.PlaceholderModule'}, code_root, archive)
    scripted = ScriptedFunction(program, fn.__name__)
    scripted.__doc__ = fn.__doc__
    scripted._signature = signature
    scripted._script_source_function = fn       # what a function scripted later compiles when it calls this one
    scripted._python_classes = unit.python_classes(code_root)
    return scripted
