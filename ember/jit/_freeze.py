"""``ember.jit.freeze``: a scripted or traced module in eval mode made one class whose ``forward`` has its
submodules' methods inlined and its parameters and buffers folded into the program's constants
(``CONSTANTS.c<i>``), as PyTorch's freezing does. Attributes named in ``preserved_attrs`` and those the
program assigns stay attributes of the frozen module; ``self.training`` is False, and the branches it
decides are reduced to the one taken."""
import ast
import copy

import ember
from ember.jit import _script_code
from ember.jit._archive_write import ScriptArchive
from ember.jit._literals import scalar_literal
from ember.jit._script_types import type_of_value


class _Unfreezable(RuntimeError):
    pass


def _method(module, name):
    code_class = module._code_class
    cache = code_class.__dict__.get('_freeze_methods')
    if cache is None:
        cache = {}
        for node in ast.walk(ast.parse(code_class._archive_source)):
            if isinstance(node, ast.ClassDef) and node.name == code_class.__name__:
                cache = {f.name: f for f in node.body if isinstance(f, ast.FunctionDef)}
        code_class._freeze_methods = cache
    if name not in cache:
        raise _Unfreezable(f"ember.jit.freeze: {module.original_name} has no method {name}")
    return cache[name]


def _assigned_attributes(fn):
    """The ``self.<name>`` a method writes: assigned, or the first argument of an in-place operator."""
    names = set()
    for node in ast.walk(fn):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
            node, ast.AugAssign) else []
        for target in targets:
            if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == 'self':
                names.add(target.attr)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr.endswith('_') \
                and node.args and isinstance(node.args[0], ast.Attribute) and \
                isinstance(node.args[0].value, ast.Name) and node.args[0].value.id == 'self':
            names.add(node.args[0].attr)
    return names


def _literal_ast(value):
    text = scalar_literal(value)
    if text is None and isinstance(value, (list, tuple)):
        parts = [scalar_literal(v) for v in value]
        if all(p is not None for p in parts):
            text = ('[' if isinstance(value, list) else '(') + ', '.join(parts) + \
                (']' if isinstance(value, list) else ',)' if len(parts) == 1 else ')')
    if text is None:
        raise _Unfreezable(f"ember.jit.freeze cannot fold the attribute value {value!r}")
    return ast.parse(text, mode='eval').body


class _Freezer:
    def __init__(self, root, kept):
        self.root, self.kept = root, kept
        self.constants, self.folded = [], {}
        self.count = 0

    def constant(self, tensor):
        key = id(tensor)
        if key not in self.folded:
            self.constants.append(tensor.detach())
            self.folded[key] = len(self.constants) - 1
        return ast.parse(f'CONSTANTS.c{self.folded[key]}', mode='eval').body

    def temp(self):
        self.count += 1
        return f'_f{self.count - 1}'

    # modules the code names -----------------------------------------------------------------------------
    def module_of(self, node, module, env):
        if isinstance(node, ast.Name):
            if node.id == 'self':
                return module
            return env.get(node.id)
        if isinstance(node, ast.Attribute):
            owner = self.module_of(node.value, module, env)
            return owner._modules.get(node.attr) if owner is not None else None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == 'getattr' and \
                len(node.args) == 2 and isinstance(node.args[1], ast.Constant):
            owner = self.module_of(node.args[0], module, env)
            return owner._modules.get(node.args[1].value) if owner is not None else None
        return None

    # a method's body inlined -------------------------------------------------------------------------------
    def inline(self, module, name, args):
        """(statements, result expression) of ``module.name(*args)`` written into the caller."""
        fn = _method(module, name)
        params = fn.args.args[1:]
        defaults = [None] * (len(params) - len(fn.args.defaults)) + list(fn.args.defaults)
        suffix = self.temp()
        renames = {p.arg: f'{p.arg}{suffix}' for p in params}
        for node in ast.walk(fn):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                renames.setdefault(node.id, f'{node.id}{suffix}')
        out = []
        for param, default, arg in zip(params, defaults, list(args) + [None] * (len(params) - len(args))):
            value = arg if arg is not None else copy.deepcopy(default)
            if value is None:
                raise _Unfreezable(f"ember.jit.freeze: the call of {name} misses the argument {param.arg}")
            out.append(ast.Assign(targets=[ast.Name(renames[param.arg], ast.Store())], value=value, lineno=0))
        body = fn.body
        if not body or not isinstance(body[-1], ast.Return) or any(
                isinstance(n, ast.Return) for s in body[:-1] for n in ast.walk(s)):
            raise _Unfreezable(f"ember.jit.freeze cannot inline {module.original_name}.{name} (it returns "
                               "from inside a block)")
        env = {}        # names the body gives its submodules (a traced `relu = self.relu`), read by its return too
        out += self.block(body[:-1], module, env, renames)
        last = body[-1].value
        hoisted = []
        result = self.expr(last, module, env, renames, hoisted) if last is not None else ast.Constant(None)
        return out + hoisted, result

    def block(self, statements, module, env, renames):
        out = []
        for stmt in statements:
            out += self.statement(stmt, module, env, renames)
        return out

    def statement(self, stmt, module, env, renames):
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            target = self.module_of(stmt.value, module, env)
            if target is not None and isinstance(target, ember.nn.Module):
                env[stmt.targets[0].id] = target        # a name for a submodule: calls through it inline
                return []
        hoisted = []
        stmt = copy.deepcopy(stmt)
        if isinstance(stmt, ast.If):
            stmt.test = self.expr(stmt.test, module, env, renames, hoisted)
            if isinstance(stmt.test, ast.Constant):        # decided now (self.training): the branch taken only
                return hoisted + self.block(stmt.body if stmt.test.value else stmt.orelse, module, env, renames)
            stmt.body = self.block(stmt.body, module, dict(env), renames) or [ast.Pass()]
            stmt.orelse = self.block(stmt.orelse, module, dict(env), renames)
            return hoisted + [stmt]
        if isinstance(stmt, (ast.For, ast.With)):
            if isinstance(stmt, ast.For):
                stmt.iter = self.expr(stmt.iter, module, env, renames, hoisted)
                stmt.target = self.expr(stmt.target, module, env, renames, hoisted)
            else:
                for item in stmt.items:
                    item.context_expr = self.expr(item.context_expr, module, env, renames, hoisted)
            stmt.body = self.block(stmt.body, module, dict(env), renames) or [ast.Pass()]
            return hoisted + [stmt]
        if isinstance(stmt, ast.While):
            stmt.test = self.expr(stmt.test, module, env, renames, hoisted)
            if hoisted:
                raise _Unfreezable("ember.jit.freeze cannot inline a submodule call in a while condition")
            stmt.body = self.block(stmt.body, module, dict(env), renames) or [ast.Pass()]
            return [stmt]
        for field in ('value', 'test', 'msg', 'exc', 'target'):
            if getattr(stmt, field, None) is not None:
                setattr(stmt, field, self.expr(getattr(stmt, field), module, env, renames, hoisted))
        if isinstance(stmt, ast.Assign):
            stmt.targets = [self.expr(t, module, env, renames, hoisted) for t in stmt.targets]
        return hoisted + [stmt]

    def expr(self, node, module, env, renames, hoisted):
        freezer = self

        class Rewrite(ast.NodeTransformer):
            def visit_Call(self, call):
                func = call.func
                if isinstance(func, ast.Attribute):
                    target = freezer.module_of(func.value, module, env)
                    if target is not None:      # a method of a module: its body written here
                        call.args = [self.visit(a) for a in call.args]
                        if call.keywords:
                            raise _Unfreezable("ember.jit.freeze cannot inline a method call with keywords")
                        statements, result = freezer.inline(target, func.attr, call.args)
                        hoisted.extend(statements)
                        name = freezer.temp()
                        hoisted.append(ast.Assign(targets=[ast.Name(name, ast.Store())], value=result, lineno=0))
                        return ast.Name(name, ast.Load())
                if isinstance(func, ast.Name) and func.id == 'getattr':
                    if freezer.module_of(call, module, env) is not None:
                        return call
                return self.generic_visit(call)

            def visit_Attribute(self, attr):
                if isinstance(attr.value, ast.Name) and attr.value.id == 'CONSTANTS':
                    index = int(attr.attr[1:])
                    return freezer.constant(module._script_archive.constants[index])
                owner = freezer.module_of(attr.value, module, env)
                if owner is None:
                    return self.generic_visit(attr)
                name = attr.attr
                if owner is freezer.root and name in freezer.kept:
                    return attr
                if name == 'training':
                    return ast.Constant(False)
                for store in (owner._parameters, owner._buffers):
                    if name in store:
                        return ast.Constant(None) if store[name] is None else freezer.constant(store[name])
                if name in owner._modules:
                    return attr
                value = getattr(owner, name)
                if isinstance(value, ember.Tensor):
                    return freezer.constant(value)
                return _literal_ast(value)

            def visit_Name(self, name):
                if name.id in renames:
                    return ast.Name(renames[name.id], name.ctx)
                return name

        return Rewrite().visit(copy.deepcopy(node))


def freeze_module(mod, preserved_attrs):
    from ember.jit._script_module import RecursiveScriptModule
    preserved = list(preserved_attrs or [])
    methods = ['forward'] + [p for p in preserved if isinstance(_method_or_none(mod, p), ast.FunctionDef)]
    assigned = set()
    for name in methods:
        assigned |= _assigned_attributes(_method(mod, name))
    kept = (set(preserved) | assigned) - set(methods)
    freezer = _Freezer(mod, kept)
    texts = []
    for name in methods:
        fn = copy.deepcopy(_method(mod, name))
        fn.body = _propagated(freezer.block(fn.body, mod, {}, {})) or [ast.Pass()]
        ast.fix_missing_locations(fn)
        args = fn.args.args
        header = f'def {name}(self: {mod._qualified_name}' + ''.join(
            f',\n  {a.arg}: {ast.unparse(a.annotation)}' for a in args[1:]) + \
            f') -> {ast.unparse(fn.returns) if fn.returns is not None else "NoneType"}:'
        body = []
        for stmt in fn.body:
            for line in ast.unparse(stmt).splitlines():
                stripped = line.lstrip(' ')
                body.append('  ' + ' ' * ((len(line) - len(stripped)) // 2) + stripped)
        texts.append(header + '\n' + '\n'.join(body))
    qualified = mod._qualified_name
    module_path, class_name = qualified.rsplit('.', 1)
    params = [n for n in mod._parameters if n in kept and mod._parameters[n] is not None]
    buffers = [n for n in mod._buffers if n in kept and mod._buffers[n] is not None]
    lines = [f'class {class_name}(Module):',
             '  __parameters__ = [' + ''.join(f'"{n}", ' for n in params) + ']',
             '  __buffers__ = [' + ''.join(f'"{n}", ' for n in buffers) + ']']
    annotations = dict(getattr(mod._code_class, '__annotations__', {}))
    attributes = [n for n in sorted(kept) if n not in params and n not in buffers and hasattr(mod, n)]
    lines += [f'  {n} : Tensor' for n in params + buffers]
    lines += ['  training : bool', '  _is_full_backward_hook : Optional[bool]']
    lines += [f'  {n} : {annotations.get(n) or type_of_value(getattr(mod, n)) or "Tensor"}' for n in attributes]
    for text in texts:
        lines += ['  ' + line for line in text.splitlines()]
    source = '\n'.join(lines) + '\n'
    # the program's other code (free functions the inlined methods call) kept; the root's class replaced
    sources = {k: v for k, v in mod._script_archive.sources.items() if 'CONSTANTS.' not in v}
    sources[module_path] = _without_class(sources.get(module_path, ''), class_name) + source
    root = _script_code.compile_code(sources, tuple(freezer.constants))
    code_class = _script_code.lookup(root, qualified)
    code_class._archive_source = source
    frozen = RecursiveScriptModule(code_class, qualified)
    for n in params:
        frozen.register_parameter(n, mod._parameters[n])
    for n in buffers:
        frozen.register_buffer(n, mod._buffers[n])
    frozen.training = False
    values = {'_is_full_backward_hook': None}
    values.update({n: getattr(mod, n) for n in attributes})
    for k, v in values.items():
        object.__setattr__(frozen, k, v)
        frozen._script_attributes.add(k)
    object.__setattr__(frozen, '_script_archive', ScriptArchive(sources, freezer.constants,
                                                                mod._script_archive.version))
    return frozen


def _is_simple(value):
    return isinstance(value, (ast.Name, ast.Constant)) or isinstance(value, ast.Attribute) and \
        isinstance(value.value, ast.Name) and value.value.id == 'CONSTANTS'


def _propagated(statements):
    """The inlined code tidied: a name freezing made for a name or constant replaced by it (where that is
    not reassigned before the copy is read), and a temporary copied once into a variable assigned directly."""
    for _ in range(8):
        stores, loads = {}, {}
        for i, s in enumerate(statements):
            for n in ast.walk(s):
                if isinstance(n, ast.Name):
                    (stores if isinstance(n.ctx, ast.Store) else loads).setdefault(n.id, []).append(i)
        subst, drop = {}, set()
        for i, s in enumerate(statements):
            if not (isinstance(s, ast.Assign) and len(s.targets) == 1 and isinstance(s.targets[0], ast.Name)):
                continue
            name = s.targets[0].id
            if '_f' not in name or len(stores.get(name, ())) != 1 or not _is_simple(s.value):
                continue
            if isinstance(s.value, ast.Name):
                if s.value.id in subst:
                    continue            # chains resolve over the next pass
                later = [j for j in stores.get(s.value.id, ()) if j > i]
                uses = loads.get(name, [])
                if later and uses and (max(uses) > later[0] or max(uses) == later[0] and not isinstance(
                        statements[later[0]], (ast.Assign, ast.Return, ast.Expr))):
                    continue
            subst[name] = s.value
            drop.add(i)
        if not subst:
            break

        class Substitute(ast.NodeTransformer):
            def visit_Name(self, node):
                if node.id in subst and isinstance(node.ctx, ast.Load):
                    return copy.deepcopy(subst[node.id])
                return node
        statements = [Substitute().visit(s) for i, s in enumerate(statements) if i not in drop]
    counts = {}
    for s in statements:
        for n in ast.walk(s):
            if isinstance(n, ast.Name):
                counts[n.id] = counts.get(n.id, 0) + 1
    merged = []
    for s in statements:        # _f3 = expr; x = _f3  ->  x = expr
        previous = merged[-1] if merged else None
        if isinstance(s, ast.Assign) and isinstance(s.value, ast.Name) and isinstance(previous, ast.Assign) and \
                len(previous.targets) == 1 and isinstance(previous.targets[0], ast.Name) and \
                previous.targets[0].id == s.value.id and s.value.id.startswith('_f') and counts[s.value.id] == 2:
            s.value = previous.value
            merged[-1] = s
            continue
        merged.append(s)
    return merged


def _without_class(text, name):
    lines = text.splitlines(keepends=True)
    for node in ast.parse(text).body:
        if isinstance(node, ast.ClassDef) and node.name == name:
            return ''.join(lines[:node.lineno - 1] + lines[node.end_lineno:])
    return text


def _method_or_none(mod, name):
    try:
        return _method(mod, name)
    except _Unfreezable:
        return None
