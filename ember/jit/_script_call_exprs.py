"""``ember.jit.script``'s calls: ``torch.*`` and ``F.*`` functions, tensor and container methods, submodules,
Python builtins and ``math`` (folded when their arguments are constants), and other Python functions
compiled into the same program."""
import ast
import builtins
import inspect
import math

import ember
from ember.jit import _script_calls as calls
from ember.jit._script_classes import is_script_class
from ember.jit._script_enums import enum_type, is_enum_class
from ember.jit._script_types import Expr, ModuleType, annotation_type, element_type, literal, type_of_value

# creation functions whose sizes may be given as separate ints: TorchScript takes one list
_SIZED = {'zeros', 'ones', 'empty', 'rand', 'randn'}
_BUILTIN_TYPES = {'int': 'int', 'float': 'float', 'bool': 'bool', 'str': 'str'}


class CallCompiler:
    """The call half of ``FunctionCompiler``: ``expr_Call`` and what it dispatches to."""

    def expr_Call(self, node, env):
        if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
            raise self.error(node, "starred arguments (*args, **kwargs) in calls aren't supported")
        func = node.func
        found, target = self.static(func, env)
        if found:
            return self.call_python(node, target, env)
        if isinstance(func, ast.Attribute):
            receiver = self.expr(func.value, env)
            args = [self.expr(a, env) for a in node.args]
            kwargs = {k.arg: self.expr(k.value, env) for k in node.keywords}
            if isinstance(receiver.type, ModuleType):
                return self.unit.call_method(receiver, func.attr, args, kwargs, node, self)
            script_class = self.unit.class_of(receiver.type)
            if script_class is not None:
                return script_class.call(receiver, func.attr, args, kwargs, node, self)
            if receiver.type in ('Tensor', 'Optional[Tensor]'):
                text, tp = calls.tensor_method(receiver, func.attr, args, kwargs)
                return Expr(text, tp)
            if func.attr in calls.CONTAINER_METHODS:
                tp = calls.CONTAINER_METHODS[func.attr] or element_type(receiver.type)
                return Expr(f'torch.{func.attr}({", ".join([receiver.text] + [a.text for a in args])})', tp)
            raise self.error(node, f"the method {func.attr} of a {receiver.type} isn't supported")
        callee = self.expr(func, env)
        if isinstance(callee.type, ModuleType):
            args = [self.expr(a, env) for a in node.args]
            kwargs = {k.arg: self.expr(k.value, env) for k in node.keywords}
            return self.unit.call_method(callee, 'forward', args, kwargs, node, self)
        raise self.error(node, f"{ast.unparse(func)} is not callable in TorchScript")

    def call_python(self, node, target, env):
        import ember.jit as jit
        if target is jit.is_scripting or target is jit.is_tracing:     # known when compiling
            value = target is jit.is_scripting
            return Expr(literal(value), 'bool', value)
        if target is jit.annotate:
            tp = self.annotation(node.args[0])
            value = node.args[1]
            empty = isinstance(value, (ast.List, ast.Dict)) and not (value.elts if isinstance(value, ast.List)
                                                                     else value.keys)
            text = ('[]' if isinstance(value, ast.List) else '{}') if empty else self.expr(value, env).text
            return Expr(f'annotate({tp}, {text})', tp)
        if target is builtins.isinstance and len(node.args) == 2:
            return self.isinstance_check(node, [self.expr(node.args[0], env)])
        args = [self.expr(a, env) for a in node.args]
        kwargs = {k.arg: self.expr(k.value, env) for k in node.keywords}
        import ember.nn.functional as F
        name = getattr(target, '__name__', None)
        if name is not None and getattr(F, name, None) is target and getattr(ember, name, None) is not target:
            try:
                text, tp = calls.functional_call(target, name, args, kwargs)
            except (calls.CallUnsupported, TypeError, KeyError) as e:
                raise self.error(node, f"ember.jit.script cannot compile this call of torch.nn.functional.{name}: "
                                       f"{e}") from None
            return Expr(text, tp)
        if name is not None and (getattr(ember, name, None) is target or getattr(F, name, None) is target):
            if name in _SIZED and args and all(a.type == 'int' for a in args):
                args = [Expr('[' + ', '.join(a.text for a in args) + ']', 'List[int]')]     # sizes as one list
            if args:
                rest, kwargs = calls.dims_as_list(name, args[1:], kwargs)
                args = [args[0]] + list(rest)
            parts = [a.text for a in args] + [f'{k}={v.text}' for k, v in kwargs.items()]
            return Expr(f'torch.{name}({", ".join(parts)})', calls.TORCH_FUNCTION_TYPES.get(name, 'Tensor'))
        if getattr(math, name or '', None) is target and callable(target) and args and \
                all(a.is_const for a in args) and not kwargs:
            value = target(*[a.const for a in args])         # folded when compiling, as PyTorch does
            return Expr(literal(value), type_of_value(value), value)
        if getattr(math, name or '', None) is target and callable(target):
            return Expr(f'torch.{name}({", ".join(a.text for a in args)})', 'float' if name not in (
                'floor', 'ceil') else 'int')
        if getattr(builtins, name or '', None) is target:
            return self.call_builtin(node, name, args, kwargs)
        original = getattr(target, '_script_source_function', None)
        if original is not None:        # a function scripted before: compiled into this program too
            target = original
        if inspect.isfunction(target):
            modifier = getattr(target, '_torchscript_modifier', None)
            if modifier == 'unused':
                # the call raises when the program reaches it, as PyTorch compiles a call of an unused function
                signature, _ = type(self)(target, self.unit).compile_signature_only()
                self.emit_before('ops.prim.RaiseException("This Python function is annotated to be ignored and '
                                 'cannot be run")', node)
                return Expr(f'uninitialized({signature.returns})', signature.returns)
            if modifier == 'ignore':
                raise self.error(node, f"ember.jit.script cannot call the @torch.jit.ignore function "
                                       f"{target.__qualname__} (its Python would run outside the program)")
            from ember.jit._script import _bind
            qualified, signature = self.unit.function(target)
            texts = _bind(signature, args, dict(kwargs), node, self, target.__name__)     # defaults filled in
            return Expr(f'{qualified}(' + ''.join(t + ', ' for t in texts) + ')', signature.returns)
        if is_script_class(target):
            name = self.object_name[1] if self.object_name is not None and self.object_name[0] is node and \
                self.object_name[1] not in env else None
            return self.unit.script_class(target).construct(node, args, kwargs, self, name)
        if isinstance(target, type) and issubclass(target, ember.nn.Module):
            raise self.error(node, f"ember.jit.script cannot create modules ({target.__name__}) inside a "
                                   "compiled function: create them in __init__")
        raise self.error(node, f"Python builtin {target!r} is currently not supported in Torchscript")

    def isinstance_check(self, node, args):
        """``isinstance(value, T)``: known when compiling, as the value's type is (a Union or Optional is
        checked when the program runs)."""
        kinds = node.args[1].elts if isinstance(node.args[1], ast.Tuple) else [node.args[1]]
        wanted = []
        for kind in kinds:
            found, target = self.static(kind, {})
            if found and target is ember.Tensor:
                wanted.append('Tensor')
            elif found and target in (int, float, bool, str, list, tuple, dict):
                wanted.append({list: 'List[', tuple: 'Tuple[', dict: 'Dict['}.get(target, target.__name__))
            elif found and is_enum_class(target):
                wanted.append(enum_type(target))
            else:
                try:
                    wanted.append(annotation_type(kind))
                except ValueError:
                    raise self.error(kind, f"isinstance of {ast.unparse(kind)} isn't supported") from None
        tp = args[0].type
        if isinstance(tp, str) and not tp.startswith(('Optional[', 'Union[')) and tp != 'Any':
            value = any(tp == w or w.endswith('[') and tp.startswith(w) for w in wanted)
            return Expr(literal(value), 'bool', value)
        raise self.error(node, f"isinstance of a value of type {tp} isn't supported by ember.jit.script yet")

    def call_builtin(self, node, name, args, kwargs):
        texts = ', '.join(a.text for a in args)
        script_class = self.unit.class_of(args[0].type) if len(args) == 1 else None
        if script_class is not None and name in ('len', 'str', 'bool', 'int', 'float', 'hash'):
            return script_class.call(args[0], f'__{name}__', [], {}, node, self)      # ``len(o)``: its __len__
        if name in _BUILTIN_TYPES:
            return Expr(f'{name}({texts})', _BUILTIN_TYPES[name])
        if name == 'len' and isinstance(args[0].type, ModuleType):       # a ModuleList's length is a constant
            value = len(args[0].type.module._modules)
            return Expr(literal(value), 'int', value)
        if name == 'len':
            return Expr(f'torch.len({texts})', 'int')
        if name == 'range':
            return Expr(f'range({texts})', 'List[int]')
        if name == 'print':
            return Expr(f'print({texts})', 'NoneType')
        if name in ('min', 'max') and len(args) == 2:
            return Expr(f'ops.prim.{name}({texts})', self._binary_type('add', args[0], args[1]))
        if name == 'abs':
            return Expr(f'torch.abs({texts})', args[0].type)
        if name == 'getattr' and len(args) == 2 and isinstance(args[0].type, ModuleType) and args[1].is_const:
            return self.unit.module_attribute(args[0], args[1].const, node, self)
        if name in ('zip', 'enumerate', 'list', 'tuple', 'sum', 'any', 'all'):
            return Expr(f'{name}({texts})', 'List[Tensor]' if name != 'sum' else args[0].type)
        raise self.error(node, f"Python builtin <built-in function {name}> is currently not supported in "
                               "Torchscript")
