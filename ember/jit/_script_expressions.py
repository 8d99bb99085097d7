"""``ember.jit.script``'s expressions: names, constants, attributes, operators, containers and subscripts,
each compiled to an ``Expr`` (its TorchScript text, its type, its value when known while compiling)."""
import ast
import builtins
import inspect

import ember
from ember.jit import _script_calls as calls
from ember.jit import _script_syntax as syntax
from ember.jit._script_classes import reject_objects_made
from ember.jit._script_enums import enum_class, enum_type, is_enum_class, value_type
from ember.jit._script_types import NOCONST, Expr, ModuleType, element_type, literal, tuple_items, \
    type_of_value, unify


_REFLECTED = {'add': 'torch.add({1}, {0})', 'mul': 'torch.mul({1}, {0})', 'sub': 'torch.add(torch.neg({1}), {0})',
              'div': 'torch.mul(torch.reciprocal({1}), {0})'}


class ExpressionCompiler:
    """The expression half of ``FunctionCompiler``: ``expr(node, env)`` dispatches to ``expr_<node kind>``."""

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
            own = getattr(self.owner, 'cls', None)
            if own is not None and own.__name__ == node.id:
                return True, own        # a class named in its own methods while its decorator compiles it
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
        if type(node) in syntax.REFUSED:
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
            return self.owner.self_value()
        found, value = self.static(node, env)
        if not found:
            raise self.error(node, f"undefined value {name}")
        return self.python_value(node, value)

    def python_value(self, node, value):
        if is_enum_class(value):        # an Enum class as a value (``for c in Color``): the list of its members
            return Expr('[' + ', '.join(literal(m) for m in value) + ']', f'List[{enum_type(value)}]')
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
        script_class = self.unit.class_of(base.type)
        if script_class is not None:
            return script_class.attribute(node.attr, node, self, base.text)
        members_of = enum_class(base.type)
        if members_of is not None and node.attr in ('name', 'value'):
            return Expr(f'({base.text}).{node.attr}', 'str' if node.attr == 'name' else value_type(members_of))
        if base.type in ('Tensor', 'Optional[Tensor]') and node.attr in calls.TENSOR_ATTRIBUTES:
            template, tp = calls.TENSOR_ATTRIBUTES[node.attr]
            return Expr(template.format(base.text), tp)
        raise self.error(node, f"the attribute {node.attr} of a {base.type} isn't supported")

    def expr_BinOp(self, node, env):
        op = syntax.BINARY.get(type(node.op))
        if op is None:
            raise self.error(node, f"unsupported binary operator {type(node.op).__name__}")
        left, right = self.expr(node.left, env), self.expr(node.right, env)
        if op == 'add':
            # a tuple literal added to a list is a list literal (torch.fx's generated code writes
            # ``x.shape[:-1] + (7,)``): TorchScript reads it so
            if isinstance(node.right, ast.Tuple) and _is_list(left.type):
                right = self.expr(ast.List(elts=node.right.elts, ctx=ast.Load()), env)
            elif isinstance(node.left, ast.Tuple) and _is_list(right.type):
                left = self.expr(ast.List(elts=node.left.elts, ctx=ast.Load()), env)
        tp = self._binary_type(op, left, right)
        if left.type in ('int', 'float', 'bool') and right.type == 'Tensor' and op in _REFLECTED:
            # a number on the left: the tensor's reflected operator (2 - x is -x + 2), as TorchScript writes it
            return Expr(_REFLECTED[op].format(left.text, right.text), tp)
        return Expr(f'torch.{op}({left.text}, {right.text})', tp)

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
        for i, value in enumerate(node.values):
            made = self.objects_made
            part = self.condition(value, env)
            if i:
                reject_objects_made(self, made, value, f"the right side of '{keyword.strip()}'")
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
            value = syntax.STATIC[op_type](left.const if left.is_const else left.type, None)
            return Expr(literal(value), 'bool', value)
        if left.is_const and right.is_const and op_type in syntax.STATIC:
            value = syntax.STATIC[op_type](left.const, right.const)
            return Expr(literal(value), 'bool', value)
        if op_type in (ast.Is, ast.IsNot) and enum_class(left.type) is None and enum_class(right.type) is None:
            # kept as written: TorchScript refines Optional types on it
            return Expr(f'{left.text} {"is" if op_type is ast.Is else "is not"} {right.text}', 'bool')
        op = syntax.COMPARE[op_type]
        script_class = self.unit.class_of(left.type)
        if script_class is not None and op in ('eq', 'ne', 'lt', 'le', 'gt', 'ge'):
            # ``a == b`` on objects of a TorchScript class calls its method, as ``(a).__eq__(b, )``
            return script_class.call(left, f'__{op}__', [right], {}, node, self)
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
        made = self.objects_made
        body, orelse = self.expr(node.body, env), self.expr(node.orelse, env)
        reject_objects_made(self, made, node, "a conditional expression")
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

    def subscript(self, node, env, target=False):
        """``base[index]`` (``target``: assigned to, written as Python's item assignment)."""
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
        parts = [_slice_call_as_slice(p, env) for p in parts]
        if base.type == 'Tensor' and not target:
            indexed = self.tensor_index(base, parts, env)
            if indexed is not None:
                return indexed
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

    def tensor_index(self, base, parts, env):
        """``x[0]``, ``x[:, 1:3]``, ``x[..., -1]``: the ``torch.select``/``torch.slice`` calls TorchScript writes for
        them (arguments equal to their defaults left out); None for indexing they do not express."""
        after_ellipsis = isinstance(parts[0], ast.Constant) and parts[0].value is Ellipsis
        if after_ellipsis:
            parts = parts[1:]
        items = []
        for p in parts:
            if isinstance(p, ast.Slice):
                bounds = [None if b is None else self.expr(b, env) for b in (p.lower, p.upper, p.step)]
                if any(b is not None and b.type != 'int' for b in bounds):
                    return None
                items.append(('slice', bounds))
            else:
                index = self.expr(p, env)
                if index.type != 'int':
                    return None
                items.append(('select', index))
        text, dim = base.text, 0
        for i, (kind, value) in enumerate(items):
            at = i - len(items) if after_ellipsis else dim
            if kind == 'select':
                text = f'torch.select({text}, {at}, {value.text})'
                continue
            args = [str(at), 'None' if value[0] is None else value[0].text, 'None' if value[1] is None else value[1].text,
                    '1' if value[2] is None else value[2].text]
            while args and args[-1] == ('1' if len(args) == 4 else 'None' if len(args) > 1 else '0'):
                args.pop()          # trailing arguments equal to their defaults (dim 0, None, None, 1)
            text = f'torch.slice({", ".join([text] + args)})'
            dim += 1
        return Expr(text, 'Tensor')

    def slice_text(self, node, env):
        if isinstance(node, ast.Slice):
            parts = ['' if p is None else self.expr(p, env).text for p in (node.lower, node.upper, node.step)]
            return ':'.join(parts[:2]) + (f':{parts[2]}' if parts[2] else '')
        if isinstance(node, ast.Constant) and node.value is None:
            return 'None'
        return self.expr(node, env).text

    expr_Subscript = subscript


def _slice_call_as_slice(node, env):
    """An index written ``slice(start, stop, step)`` or ``Ellipsis`` (torch.fx's generated code writes
    ``x.shape[slice(None, -1, None)]``, which e3nn scripts) as the ``start:stop:step`` or ``...`` it stands for;
    any other index as it is."""
    if isinstance(node, ast.Name) and node.id == 'Ellipsis' and 'Ellipsis' not in env:
        return ast.copy_location(ast.Constant(value=Ellipsis), node)     # (fx writes ``...`` so too)
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == 'slice'
            and 'slice' not in env and not node.keywords and 1 <= len(node.args) <= 3):
        return node
    bounds = [None if isinstance(a, ast.Constant) and a.value is None else a for a in node.args]
    lower, upper, step = [None] + bounds + [None] if len(bounds) == 1 else bounds + [None] * (3 - len(bounds))
    return ast.copy_location(ast.Slice(lower=lower, upper=upper, step=step), node)


def _is_list(tp):
    return isinstance(tp, str) and tp.startswith('List[')
