"""A scripted function's body (straight-line, or with ``if``s and ``for``s over ``range`` whose bodies are) laid out as PyTorch's printer lays out its graph.

PyTorch prints ``.code`` from the compiled graph: each value a node, in the order the program makes them. A value
a Python variable names keeps the name (made distinct: a second ``x`` is ``x0``, then ``x1``), reads of ``self``'s
attributes are values named after the attribute (``fc1 = self.fc1``), results nobody uses are assigned to ``_0``,
``_1``, ..., and a value used once is written inside the expression that uses it when nothing runs between them
(``_trace_code``'s rules, shared with traced code). ``relayout`` rebuilds that from the compiled text of a body
without control flow (one statement a line); a body it cannot follow is left as it is.
"""
import ast

from ember.jit._script_enums import enum_class
from ember.jit._trace_code import _inlined, _Names, _split_long, _Statement

_PATHS = ('torch', 'ops', '__torch__')          # what a call's function is named through, not a value
_NO_RESULT = ('ops.prim.RaiseException',)
_TYPED = ('annotate', 'unchecked_cast', 'uninitialized')      # calls whose first argument is a type


class _Unsupported(Exception):
    pass


class _Value:
    """A value of the body: a parameter, a constant, or the result of a statement."""
    __slots__ = ('text',)

    def __init__(self, text=None):
        self.text = text


def _path(node):
    """``torch.nn.functional.relu``-like dotted names (None for anything else)."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name) and node.id in _PATHS:
        return '.'.join([node.id] + parts[::-1])
    return None


class _Builder:
    def __init__(self, params):
        self.statements, self.env, self.names = [], {}, _Names()
        self.unpacks = {}       # statement: the values it names
        self.hoisted = []       # (value, text): long program constants, named at the top as PyTorch's are
        for name in ['self'] + list(params):
            value = _Value()
            self.names.named(value, name)
            self.env[name] = value

    def statement(self, render, inputs, name=None, constant=False):
        value = _Value()
        self.statements.append(_Statement(value, render, inputs, name=name, constant=constant))
        return value

    def expr(self, node, line):
        """The value of an expression: statements for what it computes, in the order Python computes it."""
        if isinstance(node, ast.Constant) or isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and \
                isinstance(node.operand, ast.Constant):
            text = line[node.col_offset:node.end_col_offset]
            return self.statement(lambda ref, t=text: t, [], constant=True)
        if isinstance(node, ast.Name):
            if node.id not in self.env:
                raise _Unsupported(node.id)
            return self.env[node.id]
        if _path(node) is not None:
            if enum_class(_path(node).rsplit('.', 1)[0]) is not None:      # an Enum member
                return self.program_constant(_path(node))
            if _path(node).startswith('CONSTANTS.'):
                return self.statement(lambda ref, t=_path(node): t, [], constant=True)
            raise _Unsupported(_path(node))
        if isinstance(node, ast.Attribute):
            base = self.expr(node.value, line)
            if line[node.col_offset] == '(':       # ``(c).value``: an Enum's value or name, read where it is used
                return self.statement(lambda ref, b=base, a=node.attr: f'({ref(b)}).{a}', [base])
            return self.statement(lambda ref, b=base, a=node.attr: f'{ref(b)}.{a}', [base], name=node.attr)
        if isinstance(node, ast.Call):
            return self.call(node, line)
        if isinstance(node, (ast.List, ast.Tuple, ast.Subscript)):
            return self.composite(node, line)
        raise _Unsupported(type(node).__name__)

    def program_constant(self, text):
        """An Enum member or a function of the program (``__torch__.<module>.<name>``): a constant of PyTorch's
        graph, which its printer writes where it is used unless it is long; then it is named ``_0``, ``_1``, ...
        at the top, where the graph keeps its constants."""
        if len(text) + 2 < 40:
            return self.statement(lambda ref, t=text: t, [], constant=True)
        value = _Value()
        self.hoisted.append((value, text))
        return value

    def spans(self, node, children, line):
        """The render of ``node``'s source with each child's text put in place of its own."""
        offset = len(line.encode()) - len(line)       # ast columns are byte offsets; the lines are ASCII
        if offset:
            raise _Unsupported('non-ASCII')
        start, end = node.col_offset, node.end_col_offset
        parts = sorted(((c.col_offset, c.end_col_offset, v) for c, v in children), key=lambda p: p[0])
        text = line[start:end]

        def render(ref):
            out, at = [], start
            for s, e, v in parts:
                out.append(line[at:s])
                out.append(ref(v))
                at = e
            out.append(line[at:end])
            return ''.join(out)
        return render, [v for _, _, v in parts], text

    def call(self, node, line):
        func = node.func
        children = []
        if _path(func) is None and isinstance(func, ast.Attribute):
            children.append((func.value, self.expr(func.value, line)))       # the receiver, first
        elif _path(func) is None and not isinstance(func, ast.Name):
            raise _Unsupported('callee')
        elif (_path(func) or '').startswith('__torch__.') and not _path(func).endswith('__') and \
                len(_path(func)) + 2 >= 40:
            children.append((func, self.program_constant(_path(func))))      # a long function name: named first
        args = list(node.args)
        if isinstance(func, ast.Name) and func.id in _TYPED and args:
            args = args[1:]         # the type it names: written as it is
        for a in args:
            if isinstance(a, ast.Starred):
                raise _Unsupported('starred')
            children.append((a, self.expr(a, line)))
        for k in node.keywords:
            children.append((k.value, self.expr(k.value, line)))
        render, inputs, _ = self.spans(node, children, line)
        value = self.statement(render, inputs)
        path = _path(func)
        if path is not None and path.startswith('torch.') and path.count('.') == 1:
            self.statements[-1].op = path[len('torch.'):]
        return value

    def composite(self, node, line):
        if isinstance(node, ast.Subscript):
            parts = [node.value] + (list(node.slice.elts) if isinstance(node.slice, ast.Tuple) else [node.slice])
            if any(isinstance(p, ast.Slice) for p in parts):
                raise _Unsupported('slice')
        else:
            parts = node.elts
        # Enum members listed (an Enum class walked) stay in the list, however long, as PyTorch prints them
        children = [(p, self.statement(lambda ref, t=_path(p): t, [], constant=True)
                     if isinstance(node, ast.List) and _path(p) is not None and
                     enum_class(_path(p).rsplit('.', 1)[0]) is not None else self.expr(p, line)) for p in parts]
        render, inputs, _ = self.spans(node, children, line)
        return self.statement(render, inputs)

    def line(self, node, text):
        if isinstance(node, ast.Pass):
            return None
        if isinstance(node, ast.If):
            raise _Unsupported('if')
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            value = self.expr(node.value, text)
            if isinstance(target, ast.Name):
                made = self.statements and self.statements[-1].node is value
                if made and not self.statements[-1].constant:
                    self.statements[-1].name = target.id
                    self.env[target.id] = value
                elif value in self.env.values() or made:        # another name of a value: no statement
                    self.env[target.id] = value
                else:
                    raise _Unsupported('assignment')
                return None
            if isinstance(target, ast.Tuple) and all(isinstance(e, ast.Name) for e in target.elts):
                outputs = [_Value() for _ in target.elts]
                unpack = self.statement(lambda ref, v=value: ref(v), [value])
                self.unpacks[unpack] = list(zip(outputs, (e.id for e in target.elts)))
                for out, e in zip(outputs, target.elts):
                    self.env[e.id] = out
                return None
            if isinstance(target, ast.Attribute):
                base = self.expr(target.value, text)
                self.statement(lambda ref, b=base, v=value, a=target.attr: f'{ref(b)}.{a} = {ref(v)}', [base, value],
                               name='=')
                return None
            raise _Unsupported('target')
        if isinstance(node, ast.Expr):
            value = self.expr(node.value, text)
            if not isinstance(node.value, ast.Call):
                raise _Unsupported('expression')
            func = node.value.func
            if _path(func) in _NO_RESULT or isinstance(func, ast.Name) and func.id == 'print':
                self.statements[-1].name = '!'      # a call that gives nothing: no name to assign
            return None
        if isinstance(node, ast.Return):
            return [] if node.value is None else [self.expr(node.value, text)]
        raise _Unsupported(type(node).__name__)


class _If:
    """An ``if`` of the body: its condition, its two blocks ([statements], value of the output) and its output
    (the value and the variable it stands for; None when the ``if`` gives nothing the rest uses)."""

    def __init__(self, then, orelse, output):
        self.blocks, self.output = (then, orelse), output


def _names_in(nodes):
    return {n.id for node in nodes for n in ast.walk(node) if isinstance(n, ast.Name)}


def _if(builder, node, text, rest):
    """The statement of an ``if`` whose branches run straight through and which gives at most one variable."""
    test = node.test
    if any(isinstance(n, ast.Compare) and any(isinstance(o, (ast.Is, ast.IsNot)) for o in n.ops)
           for n in ast.walk(test)):
        raise _Unsupported('refinement')          # PyTorch refines the Optional: ``unchecked_cast`` lines
    cond = builder.expr(test, text)
    before, outer = dict(builder.env), builder.statements
    blocks, envs = [], []
    for body in (node.body, node.orelse):
        builder.statements, builder.env = [], dict(before)
        for stmt in body:
            if isinstance(stmt, (ast.If, ast.For, ast.While, ast.With, ast.Return)):
                raise _Unsupported('nested')
            builder.line(stmt, builder.lines[stmt.lineno - 1])
        blocks.append(builder.statements)
        envs.append(builder.env)
    builder.statements, builder.env = outer, dict(before)
    changed = {k for env in envs for k, v in env.items() if before.get(k) is not v}
    live = sorted(changed & _names_in(rest))
    if len(live) > 1 or any(k.startswith('_') for k in live):
        raise _Unsupported('outputs')
    output = None
    if live:
        output = (_Value(), live[0])
        builder.env[live[0]] = output[0]
    statement = _If((blocks[0], envs[0].get(live[0]) if live else None),
                    (blocks[1], envs[1].get(live[0]) if live else None), output)
    builder.statements.append(_Statement(statement, None, [cond], name='if'))


class _For:
    """A ``for ... in range(...)`` loop: its loop variable, its body, and the one variable it carries from turn to
    turn (the value before the loop, the body's value at the start and at the end of a turn, the value after it;
    None when it carries none)."""

    def __init__(self, index, body, carried):
        self.index, self.body, self.carried = index, body, carried


def _for(builder, node, text, rest):
    """The statement of a loop over ``range`` whose body runs straight and carries at most one variable."""
    if node.orelse or not isinstance(node.target, ast.Name) or not (
            isinstance(node.iter, ast.Call) and isinstance(node.iter.func, ast.Name) and node.iter.func.id == 'range'):
        raise _Unsupported('loop')
    iterable = builder.expr(node.iter, text)
    before, outer = dict(builder.env), builder.statements
    builder.statements, builder.env = [], dict(before)
    index = _Value()
    builder.env[node.target.id] = index
    assigned = set()
    for stmt in node.body:
        if isinstance(stmt, (ast.If, ast.For, ast.While, ast.With, ast.Return)):
            raise _Unsupported('nested')
        assigned |= {t.id for t in ast.walk(stmt) if isinstance(t, ast.Name) and isinstance(t.ctx, ast.Store)}
    carried_names = sorted(k for k in assigned if k in before and k != node.target.id)
    if len(carried_names) > 1 or any(k.startswith('_') for k in carried_names):
        raise _Unsupported('carried')
    inner = None
    if carried_names:
        inner = _Value()
        builder.env[carried_names[0]] = inner
    for stmt in node.body:
        builder.line(stmt, builder.lines[stmt.lineno - 1])
    body, end_env = builder.statements, builder.env
    builder.statements, builder.env = outer, dict(before)
    carried = None
    if carried_names:
        var = carried_names[0]
        carried = (before[var], inner, end_env[var], _Value(), var)
        builder.env[var] = carried[3]
    builder.env.pop(node.target.id, None) if node.target.id not in before else None
    inputs = [iterable] + ([carried[0]] if carried else [])
    loop = _For(index, body, carried)
    loop.index_name = node.target.id
    builder.statements.append(_Statement(loop, None, inputs, name='for'))


# operators that change something (beyond the in-place ones, named with a trailing underscore)
_EFFECTS = {'append', 'insert', 'extend', 'pop', 'remove', 'clear', '_set_item', 'set_grad_enabled', 'manual_seed',
            'warn', 'wait', 'fork', 'backward', 'sleep', 'record_function', 'is_grad_enabled'}


def _drop_unused(builder, statements, uses):
    """Removes the computations of ``torch``'s operators without effects whose results nobody uses (in the
    blocks too); whether any was removed."""
    dropped = False
    keep = []
    for s in statements:
        if isinstance(s.node, _If):
            for block, _ in s.node.blocks:
                dropped |= _drop_unused(builder, block, uses)
        elif isinstance(s.node, _For):
            dropped |= _drop_unused(builder, s.node.body, uses)
        elif uses.get(s.node, 0) == 0 and s.render is not None and s.name not in ('=', '!') and \
                s.node not in builder.unpacks:
            op = getattr(s, 'op', None)
            if s.constant or op is not None and not op.endswith('_') and op not in _EFFECTS:
                dropped = True
                continue
        keep.append(s)
    statements[:] = keep
    return dropped


def relayout(body, params):
    """``body`` (lines of a function whose ``if``s have straight branches) as PyTorch's printer writes it; None
    when it cannot."""
    text = '\n'.join(body)
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return None
    builder = _Builder(params)
    builder.lines = body
    result = None
    try:
        for i, node in enumerate(tree.body):
            if result is not None or node.end_lineno != node.lineno and not isinstance(node, (ast.If, ast.For)):
                return None
            if isinstance(node, ast.If):
                _if(builder, node, body[node.lineno - 1], tree.body[i + 1:])
            elif isinstance(node, ast.For):
                _for(builder, node, body[node.lineno - 1], tree.body[i + 1:])
            elif isinstance(node, (ast.While, ast.With)):
                return None
            else:
                result = builder.line(node, body[node.lineno - 1])
    except (_Unsupported, SyntaxError, ValueError, IndexError):
        return None
    if result is None:
        return None
    uses = {}

    def count(statements, results):
        for s in statements:
            for value in s.inputs:
                uses[value] = uses.get(value, 0) + 1
            if s.name in ('=', '!') or s.node in builder.unpacks:
                uses[s.node] = 2        # written where they are: attribute writes, calls giving nothing, unpackings
            if isinstance(s.node, _If):
                for block, value in s.node.blocks:
                    count(block, [value] if value is not None else [])
            if isinstance(s.node, _For):
                count(s.node.body, [s.node.carried[2]] if s.node.carried else [])
        for value in results:
            uses[value] = uses.get(value, 0) + 1
    count(builder.statements, result)
    while _drop_unused(builder, builder.statements, uses):      # as PyTorch's dead-code pass drops them
        uses.clear()
        count(builder.statements, result)
    names, texts, out = builder.names, {}, []

    def ref(value):
        return texts.get(value) or names.of[value]

    def block(statements, results, pad, targets=None):
        inlined = _inlined(statements, uses, results)
        by_node = {s.node: s for s in statements}
        split = set()
        start = len(out)

        def assign(s, text):
            if s.node in builder.unpacks:
                named = [(v, names.fresh(n)) for v, n in builder.unpacks[s.node]]
                for v, n in named:
                    texts[v] = n
                out.append(pad + ''.join(f'{n}, ' for _, n in named).rstrip() + f' = {text}')
            elif s.name in ('=', '!'):
                out.append(pad + text)
            else:
                name = names.fresh(s.name or '_')
                out.append(f'{pad}{name} = {text}')
                texts[s.node] = name

        for i, s in enumerate(statements):
            if isinstance(s.node, _If):
                condition = ref(s.inputs[0])
                output = s.node.output
                target = [names.fresh(output[1])] if output is not None else None
                if output is not None:
                    texts[output[0]] = target[0]
                out.append(f'{pad}if {condition}:')
                (then, then_value), (orelse, else_value) = s.node.blocks
                block(then, [then_value] if output else [], pad + '  ', target)
                out.append(f'{pad}else:')
                block(orelse, [else_value] if output else [], pad + '  ', target)
                continue
            if isinstance(s.node, _For):
                carried = s.node.carried
                target = None
                if carried is not None:
                    target = [names.fresh(carried[4])]
                    out.append(f'{pad}{target[0]} = {ref(carried[0])}')      # the value the loop starts from
                    texts[carried[1]] = texts[carried[3]] = target[0]
                texts[s.node.index] = names.fresh(s.node.index_name)
                out.append(f'{pad}for {texts[s.node.index]} in {ref(s.inputs[0])}:')
                block(s.node.body, [carried[2]] if carried else [], pad + '  ', target)
                continue
            text = s.render(ref)
            if i not in inlined:
                assign(s, text)
                continue
            texts[s.node] = text
            if not s.constant and len(text) + 2 >= 40:
                _split_long(s.node, statements, inlined, by_node, texts, split, assign, ref, results)
        if targets is not None:
            out.append(pad + ', '.join(targets) + ' = ' + ', '.join(ref(v) for v in results))
        elif pad and len(out) == start:
            out.append(pad + 'pass')

    for value, text in builder.hoisted:
        texts[value] = names.fresh('_')
        out.append(f'{texts[value]} = {text}')
    block(builder.statements, result, '')
    out.append('return ' + (ref(result[0]) if result else 'None'))
    return out
