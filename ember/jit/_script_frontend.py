"""``ember.jit.script``'s compiler: the Python source (ast) of a function or method as TorchScript text.

The text is what PyTorch's ``.code`` shows and its archives hold: typed signatures, operators as
``torch.<op>`` calls (``x * 2`` is ``torch.mul(x, 2)``), tensor conditions through ``bool(...)``,
submodules called as ``(self.conv).forward(x)``, constants of the module inlined, branches on values
known when compiling (``self.downsample is None``, a ``Final`` flag) reduced to the branch taken, and
loops over a ``ModuleList``/``Sequential`` unrolled, one copy of the body per submodule. What
TorchScript has no form for raises ``ember.jit.frontend``'s errors naming the construct and its line.

A ``FunctionCompiler`` compiles one function; its ``owner`` (a ``_script.ClassCompiler``) answers
what ``self`` holds, and its ``unit`` compiles the functions it calls.
"""
import ast
import builtins
import inspect
import math
import textwrap

import ember
from ember.jit import _script_calls as calls
from ember.jit._script_types import NOCONST, Expr, ModuleType, annotation_type, element_type, literal, \
    tuple_items, type_of_value, unify
from ember.jit.frontend import NotSupportedError, SourceSpot, UnsupportedNodeError

_BINARY = {ast.Add: 'add', ast.Sub: 'sub', ast.Mult: 'mul', ast.Div: 'div', ast.FloorDiv: 'floordiv',
           ast.Mod: 'remainder', ast.Pow: 'pow', ast.MatMult: 'matmul', ast.BitAnd: '__and__', ast.BitOr: '__or__',
           ast.BitXor: '__xor__', ast.LShift: '__lshift__', ast.RShift: '__rshift__'}
_COMPARE = {ast.Eq: 'eq', ast.NotEq: 'ne', ast.Lt: 'lt', ast.LtE: 'le', ast.Gt: 'gt', ast.GtE: 'ge',
            ast.Is: '__is__', ast.IsNot: '__isnot__', ast.In: '__contains__', ast.NotIn: '__contains__'}
_STATIC = {ast.Eq: lambda a, b: a == b, ast.NotEq: lambda a, b: a != b, ast.Is: lambda a, b: a is b,
           ast.IsNot: lambda a, b: a is not b}
# nodes PyTorch refuses by kind, with the name its message gives them
_REFUSED = {ast.Lambda: 'Lambda', ast.Try: 'try blocks', ast.Global: 'global variables',
            ast.Nonlocal: 'nonlocal variables', ast.AsyncFunctionDef: 'async function definitions',
            ast.AsyncFor: 'async for loops', ast.AsyncWith: 'async with statements', ast.ClassDef: 'class definitions',
            ast.Import: 'import statements', ast.ImportFrom: 'import statements', ast.Delete: 'del statements',
            ast.FunctionDef: 'function definitions', ast.Yield: 'Yield', ast.YieldFrom: 'YieldFrom',
            ast.Await: 'Await', ast.GeneratorExp: 'GeneratorExp', ast.SetComp: 'SetComp', ast.Set: 'Set'}
_START_TOKENS = {ast.Try: 'try', ast.With: 'with', ast.Global: 'global', ast.Nonlocal: 'nonlocal',
                 ast.ClassDef: 'class', ast.Import: 'import', ast.ImportFrom: 'from', ast.Delete: 'del',
                 ast.FunctionDef: 'def', ast.AsyncFunctionDef: 'async def', ast.AsyncFor: 'async for',
                 ast.AsyncWith: 'async with'}
# creation functions whose sizes may be given as separate ints: TorchScript takes one list
_SIZED = {'zeros', 'ones', 'empty', 'rand', 'randn'}
_BUILTIN_TYPES = {'int': 'int', 'float': 'float', 'bool': 'bool', 'str': 'str'}


class Signature:
    """A compiled function's parameters ([(name, type, default text or None)]) and return type."""

    def __init__(self, params, returns):
        self.params, self.returns = params, returns

    def header(self, name, self_type=None):
        parts = [f'self: {self_type}'] if self_type else []
        parts += [f'{n}: {t}' + ('' if d is None else f'={d}') for n, t, d in self.params]
        return f'def {name}(' + ',\n    '.join(parts) + f') -> {self.returns}:'


def parse_function(fn):
    """(ast of ``fn``'s def, its source lines, file name, first line number)."""
    fn = inspect.unwrap(fn)
    try:
        lines, first = inspect.getsourcelines(fn)
    except (OSError, TypeError):
        raise OSError(f"Can't get source for {fn!r}. TorchScript requires source access in order to carry out "
                      "compilation, make sure original .py files are available.") from None
    source = textwrap.dedent(''.join(lines))
    # errors show the lines as the file has them (indented), the construct's columns shifted alike
    shift = len(lines[0]) - len(lines[0].lstrip()) - (len(source) - len(source.lstrip()))
    shown = [line.rstrip('\n') for line in lines]
    filename = inspect.getsourcefile(fn) or '<unknown>'
    try:
        tree = ast.parse(source)
    except SyntaxError:
        tree = None
    if tree is None or len(tree.body) != 1 or not isinstance(tree.body[0], ast.FunctionDef):
        # a lambda (its source is the line holding it) or a definition inside an expression
        raise RuntimeError(f"Expected a single top-level function: {filename}:{first}")
    return tree.body[0], (shown, shift), filename, first


class FunctionCompiler:
    """Compiles one function (``fn``, a Python function; ``owner`` for a module's method, else None)."""

    def __init__(self, fn, unit, owner=None, name=None):
        self.fn = inspect.unwrap(fn)
        self.unit, self.owner = unit, owner
        self.name = name or self.fn.__name__
        self.node, (self.lines, self.shift), self.filename, self.first_line = parse_function(fn)
        self.globals = getattr(self.fn, '__globals__', {})
        closure = inspect.getclosurevars(self.fn).nonlocals if self.fn.__closure__ else {}
        self.closure = closure
        self.temps = 0
        self.returns = []

    # errors ---------------------------------------------------------------------------------------------
    def spot(self, node, length=None):
        start = getattr(node, 'col_offset', 0)
        if length is None:
            end = getattr(node, 'end_col_offset', start + 1) if getattr(node, 'end_lineno', None) == node.lineno \
                else start + 1
        else:
            end = start + length
        return SourceSpot(self.lines, self.filename, self.first_line, node.lineno, start + self.shift,
                          end + self.shift)

    def error(self, node, message, kind=RuntimeError):
        if kind is RuntimeError:
            return RuntimeError(message + self.spot(node).report())
        return kind(self.spot(node), message)

    def refuse(self, node):
        kind = type(node)
        token = _START_TOKENS.get(kind, ' ')
        return UnsupportedNodeError(self.spot(node, len(token)), f"{_REFUSED[kind]} aren't supported")

    # the signature --------------------------------------------------------------------------------------
    def signature(self):
        args = self.node.args
        if args.vararg or args.kwarg or args.kwonlyargs:
            bad = args.vararg or args.kwarg or args.kwonlyargs[0]
            start = bad.col_offset - 1 + self.shift
            spot = SourceSpot(self.lines, self.filename, self.first_line, bad.lineno, start, start + len(bad.arg) + 1)
            raise NotSupportedError(spot, "Compiled functions can't take variable number of arguments or use "
                                          "keyword-only arguments with defaults")
        positional = args.posonlyargs + args.args
        if self.owner is not None:
            positional = positional[1:]          # self
        defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
        params = []
        for arg, default in zip(positional, defaults):
            try:
                tp = annotation_type(arg.annotation)
            except ValueError as e:
                raise self.error(arg, str(e)) from None
            text = None
            if default is not None:
                text = literal(self._static_value(default))
                if tp == 'Tensor' and arg.annotation is None and text == 'None':
                    tp = 'Optional[Tensor]'
            params.append((arg.arg, tp, text))
        return params

    def _static_value(self, node):
        try:
            return ast.literal_eval(node)
        except ValueError:
            expr = self.expr(node, {})
            if not expr.is_const:
                raise self.error(node, "default arguments must be constants") from None
            return expr.const

    # the body -------------------------------------------------------------------------------------------
    def compile_signature_only(self):
        """(Signature, None): a method left to Python or replaced by a stub needs its types only."""
        params = self.signature()
        returns = annotation_type(self.node.returns) if self.node.returns is not None else 'Tensor'
        return Signature(params, returns), None

    def compile(self):
        """(Signature, body lines indented by two spaces per level from 0)."""
        params = self.signature()
        env = {n: t for n, t, _ in params}
        body = []
        statements = _single_exit(self.node.body)
        # returns only at the ends of branches: each sets one variable, returned at the end, as PyTorch writes it
        self.return_var = '' if _returns_at_tail(statements) and not isinstance(statements[-1], ast.Return) \
            else None
        self.block(statements, env, body, 0)
        if self.return_var:
            body.append(f'return {self.return_var}')
        if self.node.returns is not None:
            returns = annotation_type(self.node.returns)
        elif self.returns:
            returns = self.returns[0]
            for r in self.returns[1:]:
                returns = unify(returns, r)
        else:
            returns = 'NoneType'
        if not body:
            body = ['pass']
        return Signature(params, returns), body

    def block(self, statements, env, out, depth):
        start = len(out)
        for stmt in statements:
            self.statement(stmt, env, out, depth)
            if isinstance(stmt, (ast.Return, ast.Raise, ast.Break, ast.Continue)):
                break
        if len(out) == start:
            out.append('  ' * depth + 'pass')

    def statement(self, node, env, out, depth):
        pad = '  ' * depth
        if isinstance(node, ast.With):      # TorchScript has them (torch.no_grad() blocks); ember cannot compile them
            raise self.error(node, "ember.jit.script cannot compile with statements yet")
        if type(node) in _REFUSED:
            raise self.refuse(node)
        if isinstance(node, ast.Expr):
            if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                return      # a docstring
            out.append(pad + self.expr(node.value, env).text)
        elif isinstance(node, ast.Assign):
            value = self.expr(node.value, env)
            for target in node.targets:
                container = self.expr(target.value, env) if isinstance(target, ast.Subscript) else None
                if container is not None and isinstance(container.type, str) and \
                        container.type.startswith(('List[', 'Dict[')) and not isinstance(target.slice, ast.Slice):
                    key = self.expr(target.slice, env)
                    out.append(pad + f'torch._set_item({container.text}, {key.text}, {value.text})')
                else:
                    out.append(pad + f'{self.target(target, value.type, env)} = {value.text}')
        elif isinstance(node, ast.AnnAssign):
            tp = annotation_type(node.annotation)
            if node.value is None:
                raise self.error(node, "a variable annotation needs a value in TorchScript")
            if isinstance(node.value, (ast.List, ast.Dict)) and not (node.value.elts if isinstance(node.value, ast.List)
                                                                      else node.value.keys):
                value = Expr('[]' if isinstance(node.value, ast.List) else '{}', None)     # typed by the annotation
            else:
                value = self.expr(node.value, env)
            text = f'annotate({tp}, {value.text})' if value.type != tp else value.text
            out.append(pad + f'{self.target(node.target, tp, env)} = {text}')
        elif isinstance(node, ast.AugAssign):
            current = self.expr(node.target, env)
            value = self.expr(node.value, env)
            op = _BINARY.get(type(node.op))
            if op is None:
                raise self.error(node, f"unsupported augmented assignment {type(node.op).__name__}")
            # a tensor is updated in place (``x += y`` is ``torch.add_``), a number rebound
            in_place = current.type == 'Tensor' and not op.startswith('__')
            text = f'torch.{op}{"_" if in_place else ""}({current.text}, {value.text})'
            out.append(pad + f'{self.target(node.target, self._binary_type(op, current, value), env)} = {text}')
        elif isinstance(node, ast.Return):
            value = self.expr(node.value, env) if node.value is not None else Expr('None', 'NoneType', None)
            self.returns.append(value.type)
            if self.return_var is None:
                out.append(pad + f'return {value.text}')
            else:
                self.return_var = self.return_var or self.temp()
                out.append(pad + f'{self.return_var} = {value.text}')
        elif isinstance(node, ast.If):
            self.if_statement(node, env, out, depth)
        elif isinstance(node, ast.While):
            cond = self.condition(node.test, env)
            out.append(pad + f'while {cond.text}:')
            self.block(node.body, env, out, depth + 1)
        elif isinstance(node, ast.For):
            self.for_statement(node, env, out, depth)
        elif isinstance(node, ast.Pass):
            out.append(pad + 'pass')
        elif isinstance(node, ast.Break):
            out.append(pad + 'break')
        elif isinstance(node, ast.Continue):
            out.append(pad + 'continue')
        elif isinstance(node, ast.Assert):
            cond = self.condition(node.test, env)
            message = 'AssertionError: '
            if node.msg is not None:
                msg = self.expr(node.msg, env)
                if not msg.is_const:
                    raise self.error(node.msg, "an assertion's message must be a constant string")
                message += str(msg.const)
            out += [pad + f'if {cond.text}:', pad + '  pass', pad + 'else:',
                    pad + f'  ops.prim.RaiseException({literal(message)})']
        elif isinstance(node, ast.Raise):
            out.append(pad + self.raise_text(node, env))
        else:
            raise self.error(node, f"{type(node).__name__} statements aren't supported")

    def raise_text(self, node, env):
        exc = node.exc
        kind, message = RuntimeError, Expr('""', 'str', '')
        if isinstance(exc, ast.Call):
            found, kind = self.static(exc.func, env)
            if exc.args:
                message = self.expr(exc.args[0], env)
        else:
            found, kind = self.static(exc, env)
        if not (isinstance(kind, type) and issubclass(kind, BaseException)):
            raise self.error(node, "raise needs an exception class")
        return f'ops.prim.RaiseException({message.text}, "{kind.__module__}.{kind.__qualname__}")'

    def target(self, node, type_, env):
        if isinstance(node, ast.Name):
            env[node.id] = type_
            return node.id
        if isinstance(node, (ast.Tuple, ast.List)):
            items = tuple_items(type_) or [element_type(type_)] * len(node.elts)
            if len(items) != len(node.elts):
                raise self.error(node, f"the tuple of {len(items)} values cannot be unpacked into "
                                       f"{len(node.elts)} names")
            names = [self.target(t, tp, env) for t, tp in zip(node.elts, items)]
            nested = [f'({n})' if isinstance(t, (ast.Tuple, ast.List)) else n for t, n in zip(node.elts, names)]
            return ', '.join(nested)
        if isinstance(node, ast.Subscript):
            return self.subscript(node, env).text
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == 'self' \
                and self.owner is not None:
            self.owner.assigned_attribute(node.attr, type_, node, self)
            return f'self.{node.attr}'
        raise self.error(node, f"{type(node).__name__} cannot be assigned to in TorchScript")

    def condition(self, node, env):
        cond = self.expr(node, env)
        if cond.type == 'Tensor':
            return Expr(f'bool({cond.text})', 'bool')
        return cond

    def if_statement(self, node, env, out, depth):
        pad = '  ' * depth
        cond = self.condition(node.test, env)
        if cond.is_const:           # known when compiling: only the branch taken is written, as PyTorch does
            self.block_inline(node.body if cond.const else node.orelse, env, out, depth)
            return
        then_env, else_env = dict(env), dict(env)
        out.append(pad + f'if {cond.text}:')
        self.block(node.body, then_env, out, depth + 1)
        out.append(pad + 'else:')           # an empty else is written ``pass``, as PyTorch writes it
        self.block(node.orelse, else_env, out, depth + 1)
        for name in set(then_env) | set(else_env):
            env[name] = unify(then_env.get(name), else_env.get(name))

    def block_inline(self, statements, env, out, depth):
        for stmt in statements:
            self.statement(stmt, env, out, depth)
            if isinstance(stmt, (ast.Return, ast.Raise, ast.Break, ast.Continue)):
                break

    def for_statement(self, node, env, out, depth):
        pad = '  ' * depth
        if node.orelse:
            raise self.error(node, "for ... else isn't supported")
        iterable = node.iter
        enumerate_ = isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Name) and \
            iterable.func.id == 'enumerate' and len(iterable.args) == 1
        if isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Attribute) and \
                iterable.func.attr in ('items', 'values', 'keys') and not iterable.args:
            container = self.expr(iterable.func.value, env)
            if isinstance(container.type, ModuleType):      # a ModuleDict: unrolled like a ModuleList
                self.unrolled(node, container, False, env, out, depth, iterable.func.attr)
                return
        container = self.expr(iterable.args[0] if enumerate_ else iterable, env)
        if isinstance(container.type, ModuleType):
            self.unrolled(node, container, enumerate_, env, out, depth)
            return
        if isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Name) and iterable.func.id == 'range':
            item = 'int'
        elif enumerate_:
            item = f'Tuple[int, {element_type(container.type)}]'
        else:
            item = tuple_items(container.type)
            item = item[0] if item else element_type(container.type)
        if not enumerate_ and isinstance(container.type, str) and container.type.startswith('List[') and \
                not (isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Name)
                     and iterable.func.id == 'range'):
            # a list is walked by index, as PyTorch writes the loop
            index = self.temp()
            out.append(pad + f'for {index} in range(torch.len({container.text})):')
            out.append(pad + f'  {self.target(node.target, item, env)} = {container.text}[{index}]')
            self.block(node.body, env, out, depth + 1)
            return
        source = f'enumerate({container.text})' if enumerate_ else container.text
        out.append(pad + f'for {self.target(node.target, item, env)} in {source}:')
        self.block(node.body, env, out, depth + 1)

    def unrolled(self, node, container, enumerate_, env, out, depth, dict_view=None):
        """A loop over a ModuleList/Sequential (or a ModuleDict's items/values/keys): the body once per
        submodule, as PyTorch unrolls it."""
        module = container.type.module
        for i, (key, child) in enumerate(module._modules.items()):
            if child is None:
                continue
            if dict_view == 'keys':
                env[node.target.id] = ('const', key)
                self.block_inline(node.body, env, out, depth)
                continue
            name = node.target.elts[1] if enumerate_ or dict_view == 'items' else node.target
            if enumerate_:
                env[node.target.elts[0].id] = ('const', i)
            if dict_view == 'items':
                env[node.target.elts[0].id] = ('const', key)
            if not isinstance(name, ast.Name):
                raise self.error(node.target, "a loop over modules must name the module with one name")
            self.unit.module_class(child)
            env[name.id] = ModuleType(child)
            out.append('  ' * depth + f'{name.id} = getattr({container.text}, "{key}")')
            self.block_inline(node.body, env, out, depth)

    # expressions ----------------------------------------------------------------------------------------
    def static(self, node, env):
        """(True, the Python object) when ``node`` names a global (``torch.flatten``, ``F``, ``math.pi``)."""
        if isinstance(node, ast.Name):
            if node.id in env:
                return False, None
            for scope in (self.closure, self.globals):
                if node.id in scope:
                    return True, scope[node.id]
            if hasattr(builtins, node.id):
                return True, getattr(builtins, node.id)
            return False, None
        if isinstance(node, ast.Attribute):
            found, base = self.static(node.value, env)
            if found and inspect.ismodule(base) or found and isinstance(base, type):
                if hasattr(base, node.attr):
                    return True, getattr(base, node.attr)
        return False, None

    def temp(self):
        self.temps += 1
        return f'_{self.temps - 1}'

    def expr(self, node, env):
        if type(node) in _REFUSED:
            raise self.refuse(node)
        method = getattr(self, 'expr_' + type(node).__name__, None)
        if method is None:
            raise self.error(node, f"{type(node).__name__} expressions aren't supported")
        return method(node, env)

    def expr_Constant(self, node, env):
        value = node.value
        if value is Ellipsis or isinstance(value, bytes):
            raise self.error(node, f"{type(value).__name__} constants aren't supported")
        return Expr(literal(value), type_of_value(value), value)

    def expr_Name(self, node, env):
        name = node.id
        if name in env:
            tp = env[name]
            if isinstance(tp, tuple) and tp[0] == 'const':
                return Expr(literal(tp[1]), type_of_value(tp[1]), tp[1])
            return Expr(name, tp)
        if name == 'self' and self.owner is not None:
            return Expr('self', ModuleType(self.owner.module))
        found, value = self.static(node, env)
        if not found:
            raise self.error(node, f"undefined value {name}")
        return self.python_value(node, value)

    def python_value(self, node, value):
        if type_of_value(value) is not None and not isinstance(value, ember.Tensor):
            return Expr(literal(value), type_of_value(value), value)
        raise self.error(node, f"Python value of type '{type(value).__name__}' cannot be used as a value")

    def expr_Attribute(self, node, env):
        if isinstance(node.value, ast.Name) and node.value.id == 'self' and self.owner is not None \
                and 'self' not in env:
            return self.owner.attribute(node.attr, node, self)
        found, value = self.static(node, env)
        if found:
            return self.python_value(node, value)
        base = self.expr(node.value, env)
        if isinstance(base.type, ModuleType):
            return self.unit.module_attribute(base, node.attr, node, self)
        if base.type in ('Tensor', 'Optional[Tensor]') and node.attr in calls.TENSOR_ATTRIBUTES:
            template, tp = calls.TENSOR_ATTRIBUTES[node.attr]
            return Expr(template.format(base.text), tp)
        raise self.error(node, f"the attribute {node.attr} of a {base.type} isn't supported")

    def expr_BinOp(self, node, env):
        left, right = self.expr(node.left, env), self.expr(node.right, env)
        op = _BINARY.get(type(node.op))
        if op is None:
            raise self.error(node, f"unsupported binary operator {type(node.op).__name__}")
        return Expr(f'torch.{op}({left.text}, {right.text})', self._binary_type(op, left, right))

    @staticmethod
    def _binary_type(op, left, right):
        types = {left.type, right.type}
        if 'Tensor' in types:
            return 'Tensor'
        if op == 'div':
            return 'float'
        if left.type == right.type:
            return left.type
        if types <= {'int', 'float', 'bool'}:
            return 'float' if 'float' in types else 'int'
        return left.type

    def expr_UnaryOp(self, node, env):
        operand = self.expr(node.operand, env)
        if isinstance(node.op, ast.USub):
            if operand.is_const and isinstance(operand.const, (int, float)):
                return Expr(literal(-operand.const), operand.type, -operand.const)
            return Expr(f'torch.neg({operand.text})', operand.type)
        if isinstance(node.op, ast.UAdd):
            return operand
        if isinstance(node.op, ast.Not):
            if operand.is_const:
                return Expr(literal(not operand.const), 'bool', not operand.const)
            cond = operand.text if operand.type != 'Tensor' else f'bool({operand.text})'
            return Expr(f'torch.__not__({cond})', 'bool')
        return Expr(f'torch.bitwise_not({operand.text})', operand.type)

    def expr_BoolOp(self, node, env):
        keyword = ' and ' if isinstance(node.op, ast.And) else ' or '
        parts = []
        for value in node.values:
            part = self.condition(value, env)
            if part.is_const:
                decided = bool(part.const) if keyword == ' or ' else not bool(part.const)
                if decided:         # ``x or True``-like: known when compiling
                    return Expr(literal(bool(part.const)), 'bool', bool(part.const))
                continue
            parts.append(part.text)
        if not parts:
            value = keyword == ' and '
            return Expr(literal(value), 'bool', value)
        return Expr('(' + keyword.join(parts) + ')' if len(parts) > 1 else parts[0], 'bool')

    def expr_Compare(self, node, env):
        if len(node.ops) != 1:
            parts = []
            left = node.left
            for op, right in zip(node.ops, node.comparators):
                parts.append(ast.Compare(left=left, ops=[op], comparators=[right]))
                left = right
            return self.expr_BoolOp(ast.BoolOp(op=ast.And(), values=[ast.copy_location(p, node) for p in parts]),
                                    env)
        op_type = type(node.ops[0])
        left, right = self.expr(node.left, env), self.expr(node.comparators[0], env)
        if op_type in (ast.Is, ast.IsNot) and (left.type == 'NoneType' or isinstance(left.type, ModuleType)) and \
                (right.type == 'NoneType'):
            value = _STATIC[op_type](left.const if left.is_const else left.type, None)
            return Expr(literal(value), 'bool', value)
        if left.is_const and right.is_const and op_type in _STATIC:
            value = _STATIC[op_type](left.const, right.const)
            return Expr(literal(value), 'bool', value)
        if op_type in (ast.Is, ast.IsNot):     # kept as written: TorchScript refines Optional types on it
            return Expr(f'{left.text} {"is" if op_type is ast.Is else "is not"} {right.text}', 'bool')
        op = _COMPARE[op_type]
        if op == '__contains__':
            text = f'torch.__contains__({right.text}, {left.text})'
            if op_type is ast.NotIn:
                text = f'torch.__not__({text})'
            return Expr(text, 'bool')
        tp = 'Tensor' if 'Tensor' in (left.type, right.type) and op not in ('__is__', '__isnot__') else 'bool'
        return Expr(f'torch.{op}({left.text}, {right.text})', tp)

    def expr_IfExp(self, node, env):
        cond = self.condition(node.test, env)
        if cond.is_const:
            return self.expr(node.body if cond.const else node.orelse, env)
        body, orelse = self.expr(node.body, env), self.expr(node.orelse, env)
        return Expr(f'{body.text} if {cond.text} else {orelse.text}', unify(body.type, orelse.type))

    def expr_Tuple(self, node, env):
        items = [self.expr(e, env) for e in node.elts]
        text = '(' + ', '.join(i.text for i in items) + (',)' if len(items) == 1 else ')')
        const = tuple(i.const for i in items) if all(i.is_const for i in items) else NOCONST
        return Expr(text, 'Tuple[' + ', '.join(str(i.type) for i in items) + ']', const)

    def expr_List(self, node, env):
        items = [self.expr(e, env) for e in node.elts]
        if not items:
            return Expr('annotate(List[Tensor], [])', 'List[Tensor]')
        inner = items[0].type
        for i in items[1:]:
            inner = unify(inner, i.type)
        return Expr('[' + ', '.join(i.text for i in items) + ']', f'List[{inner}]')

    def expr_Dict(self, node, env):
        if any(k is None for k in node.keys):
            raise self.error(node, "dict unpacking (**) isn't supported")
        keys = [self.expr(k, env) for k in node.keys]
        values = [self.expr(v, env) for v in node.values]
        if not keys:
            return Expr('annotate(Dict[str, Tensor], {})', 'Dict[str, Tensor]')
        text = '{' + ', '.join(f'{k.text}: {v.text}' for k, v in zip(keys, values)) + '}'
        return Expr(text, f'Dict[{keys[0].type}, {values[0].type}]')

    def expr_ListComp(self, node, env):
        if len(node.generators) != 1 or node.generators[0].ifs:
            raise self.error(node, "list comprehensions with more than one for or with if clauses aren't supported")
        gen = node.generators[0]
        container = self.expr(gen.iter, env)
        inner = dict(env)
        name = self.target(gen.target, element_type(container.type), inner)
        element = self.expr(node.elt, inner)
        return Expr(f'[{element.text} for {name} in {container.text}]', f'List[{element.type}]')

    def expr_JoinedStr(self, node, env):
        fmt, args = '', []
        for part in node.values:
            if isinstance(part, ast.Constant):
                fmt += str(part.value).replace('{', '{{').replace('}', '}}')
            else:
                if part.format_spec is not None or part.conversion not in (-1, None):
                    raise self.error(part, "f-string format specifications aren't supported")
                fmt += '{}'
                args.append(self.expr(part.value, env).text)
        return Expr(f'torch.format({", ".join([literal(fmt)] + args)})', 'str')

    def subscript(self, node, env):
        base = self.expr(node.value, env)
        if isinstance(base.type, ModuleType):
            index = self.expr(node.slice, env)
            if not index.is_const:
                raise self.error(node, "a ModuleList or Sequential can only be indexed by a constant")
            key = list(base.type.module._modules)[index.const]
            child = base.type.module._modules[key]
            self.unit.module_class(child)
            return Expr(f'getattr({base.text}, "{key}")', ModuleType(child))
        parts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        texts = [self.slice_text(p, env) for p in parts]
        index = ', '.join(texts)
        tp = base.type
        items = tuple_items(tp)
        if items is not None:
            const = self.expr(node.slice, env)
            tp = items[const.const] if const.is_const and isinstance(const.const, int) else items[0]
        elif isinstance(tp, str) and tp.startswith('List['):
            tp = element_type(tp) if not isinstance(parts[0], ast.Slice) else tp
        elif isinstance(tp, str) and tp.startswith('Dict['):
            tp = tp[5:-1].split(',', 1)[1].strip()
        return Expr(f'{base.text}[{index}]', tp)

    def slice_text(self, node, env):
        if isinstance(node, ast.Slice):
            parts = ['' if p is None else self.expr(p, env).text for p in (node.lower, node.upper, node.step)]
            return ':'.join(parts[:2]) + (f':{parts[2]}' if parts[2] else '')
        if isinstance(node, ast.Constant) and node.value is None:
            return 'None'
        return self.expr(node, env).text

    expr_Subscript = subscript

    # calls ----------------------------------------------------------------------------------------------
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
            tp = annotation_type(node.args[0])
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
            if modifier in ('ignore', 'unused'):
                raise self.error(node, f"ember.jit.script cannot call the @torch.jit.{modifier} function "
                                       f"{target.__qualname__}")
            from ember.jit._script import _bind
            qualified, signature = self.unit.function(target)
            texts = _bind(signature, args, dict(kwargs), node, self, target.__name__)     # defaults filled in
            return Expr(f'{qualified}(' + ''.join(t + ', ' for t in texts) + ')', signature.returns)
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



def _always_returns(statements):
    if not statements:
        return False
    last = statements[-1]
    if isinstance(last, ast.Return):        # (a raise is not: PyTorch keeps the code after it where it is)
        return True
    return isinstance(last, ast.If) and _always_returns(last.body) and _always_returns(last.orelse)


def _single_exit(statements):
    """``statements`` with the code after an ``if`` one of whose branches returns moved into its other
    branch (``if c: return a`` / ``return b`` is ``if c: return a else: return b``), as PyTorch compiles it."""
    out = []
    for i, stmt in enumerate(statements):
        if isinstance(stmt, ast.If):
            rest = statements[i + 1:]
            body, orelse = stmt.body, stmt.orelse
            if rest and _always_returns(body) != _always_returns(orelse):
                if _always_returns(body):
                    orelse = orelse + rest
                else:
                    body = body + rest
                rest = None
            stmt = ast.copy_location(ast.If(test=stmt.test, body=_single_exit(body), orelse=_single_exit(orelse)),
                                     stmt)
            out.append(stmt)
            if rest is None:
                return out
        else:
            out.append(stmt)
    return out


def _returns_at_tail(statements):
    """Whether every return of ``statements`` ends a branch that ends the function (none inside a loop)."""
    if not statements or not _always_returns(statements):
        return False
    for stmt in statements[:-1]:
        if any(isinstance(n, ast.Return) for n in ast.walk(stmt)):
            return False
    last = statements[-1]
    if isinstance(last, ast.If):
        return _returns_at_tail(last.body) and _returns_at_tail(last.orelse)
    return True
