"""``ember.jit.script``'s statements: assignments, returns, ``if``/``while``/``for`` (loops over a
``ModuleList``/``Sequential``/``ModuleDict`` unrolled, branches known when compiling reduced), asserts and
raises, each written as TorchScript lines."""
import ast

import ember
from ember.jit import _script_syntax as syntax
from ember.jit._script_classes import reject_objects_made
from ember.jit._script_types import Expr, ModuleType, element_type, literal, tuple_items, unify

NO_GRAD = '__torch__.torch.autograd.grad_mode.no_grad'
# TorchScript's no_grad class, as PyTorch's archives hold it: grad mode saved on entering, restored on leaving
NO_GRAD_SOURCE = f'''class no_grad:
  prev : bool
  def __enter__(self: {NO_GRAD}) -> NoneType:
    self.prev = torch.is_grad_enabled()
    torch.set_grad_enabled(False)
    return None
  def __exit__(self: {NO_GRAD},
    exc_type: Any,
    exc_value: Any,
    traceback: Any) -> NoneType:
    prev = self.prev
    torch.set_grad_enabled(prev)
    return None
  def __init__(self: {NO_GRAD}) -> NoneType:
    self.prev = False
    return None
'''


class StatementCompiler:
    """The statement half of ``FunctionCompiler``: each method appends the TorchScript lines of one statement
    to ``out``, indented ``depth`` levels, keeping ``env`` (name: type) up to date."""

    def block(self, statements, env, out, depth):
        start = len(out)
        for stmt in statements:
            self.statement(stmt, env, out, depth)
            if isinstance(stmt, (ast.Return, ast.Raise, ast.Break, ast.Continue)):
                break
        if len(out) == start:
            out.append('  ' * depth + 'pass')

    def statement(self, node, env, out, depth):
        saved = self.before, self.current_statement
        self.before, self.current_statement = (out, len(out), '  ' * depth), node
        try:
            self._statement(node, env, out, depth)
        finally:
            self.before, self.current_statement = saved

    def _statement(self, node, env, out, depth):
        pad = '  ' * depth
        if isinstance(node, ast.With):
            self.with_statement(node, env, out, depth)
            return
        if type(node) in syntax.REFUSED:
            raise self.refuse(node)
        if isinstance(node, ast.Expr):
            if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                return      # a docstring
            out.append(pad + self.expr(node.value, env).text)
        elif isinstance(node, ast.Assign):
            single = node.targets[0] if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) else None
            self.object_name = (node.value, single.id) if single is not None else None   # ``p = Pair(...)``
            value = self.expr(node.value, env)
            self.object_name = None
            if single is not None and value.text == single.id and value.text not in env:
                env[single.id] = value.type         # the object was made under the variable's own name
                return
            for target in node.targets:
                container = self.expr(target.value, env) if isinstance(target, ast.Subscript) else None
                if container is not None and isinstance(container.type, str) and \
                        container.type.startswith(('List[', 'Dict[')) and not isinstance(target.slice, ast.Slice):
                    key = self.expr(target.slice, env)
                    out.append(pad + f'torch._set_item({container.text}, {key.text}, {value.text})')
                else:
                    out.append(pad + f'{self.target(target, value.type, env)} = {value.text}')
        elif isinstance(node, ast.AnnAssign):
            tp = self.annotation(node.annotation)
            if node.value is None:
                raise self.error(node, "a variable annotation needs a value in TorchScript")
            if isinstance(node.value, (ast.List, ast.Dict)) and not (node.value.elts if isinstance(node.value, ast.List)
                                                                      else node.value.keys):
                value = Expr('[]' if isinstance(node.value, ast.List) else '{}', None)     # typed by the annotation
            else:
                single = node.target if isinstance(node.target, ast.Name) else None
                self.object_name = (node.value, single.id) if single is not None else None
                value = self.expr(node.value, env)
                self.object_name = None
            interface = self.unit.class_of(tp)
            if interface is not None and hasattr(interface, 'implemented_by') and value.type != tp:
                # an object of a class with the interface's methods: its calls are the class's own
                found = self.unit.class_of(value.type)
                if found is None or not interface.implemented_by(found):
                    shown = f"{value.type} (of Python compilation unit at: 0x{id(self.unit):x})" \
                        if found is not None else value.type
                    raise self.error(node.target, f"\nVariable '{ast.unparse(node.target)}' is annotated with type "
                                                  f"{tp} but is being assigned to a value of type {shown}")
                tp = value.type
            if isinstance(node.target, ast.Name) and value.text == node.target.id and value.text not in env:
                env[value.text] = value.type        # the object was made under the variable's own name
                return
            text = f'annotate({tp}, {value.text})' if value.type != tp else value.text
            if isinstance(node.target, ast.Attribute) and hasattr(self.owner, 'cls') and value.type is not None:
                tp = value.type     # a TorchScript class's attribute has the value's type (None: NoneType), as PyTorch's
            out.append(pad + f'{self.target(node.target, tp, env)} = {text}')
        elif isinstance(node, ast.AugAssign):
            current = self.expr(node.target, env)
            value = self.expr(node.value, env)
            op = syntax.BINARY.get(type(node.op))
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
            made = self.objects_made
            cond = self.condition(node.test, env)
            reject_objects_made(self, made, node.test, "a while loop's condition")
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

    def with_statement(self, node, env, out, depth):
        """``with torch.no_grad():``: an object of TorchScript's no_grad class entered around the block, as
        PyTorch writes it (the class's code joins the program)."""
        pad = '  ' * depth
        item = node.items[0] if len(node.items) == 1 else None
        found, target = (False, None) if item is None or not isinstance(item.context_expr, ast.Call) else \
            self.static(item.context_expr.func, env)
        if not found or target is not ember.no_grad or item.context_expr.args or item.context_expr.keywords \
                or item.optional_vars is not None:
            raise self.error(node, "ember.jit.script compiles with statements of torch.no_grad() only")
        self.unit.uses_no_grad = True
        context, init = self.temp(), self.temp()
        out += [pad + f'{context} = {NO_GRAD}.__new__({NO_GRAD})', pad + f'{init} = ({context}).__init__()',
                pad + f'with {context}:']
        self.block(node.body, env, out, depth + 1)

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
            return self.subscript(node, env, target=True).text
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == 'self' \
                and self.owner is not None:
            self.owner.assigned_attribute(node.attr, type_, node, self)
            return f'self.{node.attr}'
        if isinstance(node, ast.Attribute):
            base = self.expr(node.value, env)
            script_class = self.unit.class_of(base.type)
            if script_class is not None:         # an attribute of an object of a TorchScript class
                script_class.attribute(node.attr, node, self, base.text)
                return f'{base.text}.{node.attr}'
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
            if container.text.startswith('['):      # a list made here (an Enum's members): made once, named
                made = self.temp()
                out.append(pad + f'{made} = {container.text}')
                container = Expr(made, container.type)
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
