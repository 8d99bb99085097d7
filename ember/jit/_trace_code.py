"""TorchScript code for a traced program: the ATen graph ``ember.export`` records, printed as the
``code/`` of an archive (``torch.<op>(arguments in schema order)``, state read through ``self``,
tensors made during the trace as ``CONSTANTS.c<i>``), and the classes of the module tree."""
import keyword
import operator

import ember
from ember.export.graph_signature import InputKind
from ember.jit._literals import scalar_literal


class TraceUnsupported(RuntimeError):
    pass


# operators whose semantics changed: the archive's version must be at least this, or PyTorch reads the
# call under its older meaning (caffe2/serialize/versions.h)
_OP_VERSIONS = {'div': 4, 'div_': 4, 'full': 5, 'linspace': 8, 'logspace': 9, 'gelu': 10, 'gelu_': 10}
_MIN_VERSION = 3
# names the code itself uses: a value named so would shadow them
_RESERVED = {'self', 'torch', 'ops', 'CONSTANTS', 'annotate', 'uninitialized', 'unchecked_cast', 'inf', 'nan',
             'Tensor', 'Optional', 'List', 'Tuple', 'Dict', 'Module', 'int', 'float', 'bool', 'str', 'len',
             'range', 'list', 'tuple', 'dict', 'isinstance', 'getattr', 'min', 'max', 'print', 'NoneType', 'Any'}


def _literal(value):
    """``value`` as TorchScript source."""
    text = scalar_literal(value)
    if text is not None:
        return text
    if isinstance(value, ember.layout):
        return '0' if value == ember.strided else '1'
    if isinstance(value, ember.memory_format):
        return str((ember.contiguous_format, ember.preserve_format, ember.channels_last,
                    ember.channels_last_3d).index(value))
    if isinstance(value, (list, tuple)):
        return '[' + ', '.join(_literal(v) for v in value) + ']'
    raise TraceUnsupported(f"ember.jit.trace cannot write the value {value!r} ({type(value).__name__}) as "
                           "TorchScript")


def _attribute_path(fqn):
    """``self.a.b`` for the state ``a.b`` (``getattr(self, "0")`` where a name is not an identifier)."""
    expr = 'self'
    for part in fqn.split('.'):
        expr = f'{expr}.{part}' if part.isidentifier() and not keyword.iskeyword(part) else \
            f'getattr({expr}, "{part}")'
    return expr


class _Names:
    """Variable names of the code: the graph's node names, made distinct from what the code uses itself."""

    def __init__(self):
        self.taken = set(_RESERVED)
        self.of = {}
        self.counts = {}

    def fresh(self, base):
        """A name not taken, as PyTorch's printer makes one: ``base``, else ``base`` with a count (``_0``)."""
        count = self.counts.get(base, 0)
        name = base
        while name in self.taken or name == '_':
            name = f'{base}{count}'
            count += 1
        self.counts[base] = count
        self.taken.add(name)
        return name

    def named(self, node, name):
        """``node`` known as ``name`` (a parameter PyTorch names so)."""
        self.taken.add(name)
        self.of[node] = name
        return name

    def name(self, node):
        base = node.name if node.name.isidentifier() and not node.name.startswith('__') else 'v'
        if keyword.iskeyword(base):
            base += '_'
        name, i = base, 0
        while name in self.taken:
            i += 1
            name = f'{base}_{i}'
        self.taken.add(name)
        self.of[node] = name
        return name


def _input_type(value):
    if isinstance(value, (list, tuple)) and not isinstance(value, ember.Size):
        inner = [_input_type(v) for v in value]
        if isinstance(value, list):
            return f'List[{inner[0] if inner else "Tensor"}]'
        return 'Tuple[' + ', '.join(inner) + ']'
    if isinstance(value, dict):
        inner = [_input_type(v) for v in value.values()]
        return f'Dict[str, {inner[0] if inner else "Tensor"}]'
    return 'Tensor'


def _user_inputs(inputs, nodes, names, body):
    """The forward's parameters for ``inputs`` ([(name, example value)]): a tensor is its graph input; the
    tensors of a tuple, list or dict are taken out of it by index (``hx[0]``) into their graph inputs."""
    nodes = iter(nodes)
    params = []

    def leaves(expr, value):
        if isinstance(value, (list, tuple)) and not isinstance(value, ember.Size):
            for i, v in enumerate(value):
                leaves(f'{expr}[{i}]', v)
        elif isinstance(value, dict):
            for k, v in value.items():
                leaves(f'{expr}[{_literal(k)}]', v)
        else:
            body.append(f'{names.name(next(nodes))} = {expr}')
    for name, value in inputs:
        if isinstance(value, ember.Tensor):
            params.append(f'{names.name(next(nodes))}: Tensor')
        else:
            names.taken.add(name)
            params.append(f'{name}: {_input_type(value)}')
            leaves(name, value)
    return params


def forward_code(ep, qualified_name, constants, inputs):
    """The ``forward`` of the traced program ``ep`` as TorchScript text (4-space indented lines, a class
    member) and the file-format version its operators need; ``inputs`` are the forward's [(name, example
    value)]. Tensors the program holds are appended to ``constants``."""
    names = _Names()
    specs = {spec.arg.name: spec for spec in ep.graph_signature.input_specs}
    body = []
    user = [n for n in ep.graph.nodes if n.op == 'placeholder' and specs[n.name].kind is InputKind.USER_INPUT]
    params = _user_inputs(inputs, user, names, body)

    def placeholder(node):
        spec = specs[node.name]
        if spec.kind is InputKind.USER_INPUT:
            return None
        if spec.kind in (InputKind.PARAMETER, InputKind.BUFFER) and spec.target not in ep.constants:
            return _attribute_path(spec.target)
        if spec.kind in (InputKind.BUFFER, InputKind.CONSTANT_TENSOR):
            constants.append(ep.constants[spec.target])
            return f'CONSTANTS.c{len(constants) - 1}'
        raise TraceUnsupported(f"ember.jit.trace cannot write the graph input {node.name} ({spec.kind.name})")
    return print_forward(ep.graph, qualified_name, names, params, body, placeholder, None,
                         lambda outputs, arg: _structure(ep._out_spec, iter(outputs), arg))


class _Statement:
    """One node of the program as the printer sees it: ``render(ref)`` its expression (``ref(node)`` the text
    of an input), the graph nodes it reads in argument order, the name it is known by (a parameter or
    submodule read; None: a temporary), whether it is a constant (always written in place)."""

    def __init__(self, node, render, inputs, name=None, constant=False):
        self.node, self.render, self.inputs, self.name, self.constant = node, render, inputs, name, constant


def _leaves(value):
    if isinstance(value, ember.fx.Node):
        return [value]
    if isinstance(value, (list, tuple)):
        return [n for v in value for n in _leaves(v)]
    if isinstance(value, dict):
        return [n for v in value.values() for n in _leaves(v)]
    return []


def _inlined(statements, uses, result_inputs):
    """The statements written inside the expression that uses them, as PyTorch's printer decides: a value
    used once, by the next statement still to be written (evaluation order kept), without a name of its
    own unless it is returned; constants always."""
    index = {s.node: i for i, s in enumerate(statements)}
    inlined = set()

    def previous(i):
        i -= 1
        while i >= 0 and statements[i].constant:
            i -= 1
        return i

    def scan_node(i, inputs):
        point = previous(i)
        for value in reversed(inputs):
            j = index.get(value)
            if j is None:
                continue
            s = statements[j]
            if s.constant:
                inlined.add(j)
            elif j == point and uses[value] == 1 and (s.name is None or i == len(statements)):
                point = scan_node(j, s.inputs)
                inlined.add(j)
        return point

    scan_node(len(statements), result_inputs)
    for i in reversed(range(len(statements))):
        if i not in inlined:
            scan_node(i, statements[i].inputs)
    return inlined


def print_forward(graph, qualified_name, names, params, body, placeholder, get_attr, returned):
    """The text of a ``forward`` running ``graph``, and the file-format version it needs: ``placeholder(node)``
    and ``get_attr(node)`` give the expression a graph input or attribute read stands for (None: a parameter
    already named), ``returned(outputs, arg)`` the return expression and its type.

    Written as PyTorch's printer writes a traced graph: parameters and submodules read first (in the reverse
    of the order the program first reads them), each value used once written inside the expression using it,
    others assigned to ``_0``, ``_1``, ...; an expression grown long (40 characters with its indent) split out
    into its own assignment, with those before it in its statement, so evaluation keeps its order."""
    version = _MIN_VERSION
    statements, reads, result = [], [], None
    for node in graph.nodes:
        if node.op in ('placeholder', 'get_attr'):
            expr = (placeholder if node.op == 'placeholder' else get_attr)(node)
            if expr is None:
                continue
            if expr.startswith('CONSTANTS.'):
                statements.append(_Statement(node, lambda ref, e=expr: e, [], constant=True))
            else:
                reads.append(_Statement(node, lambda ref, e=expr: e, [], name=_read_name(expr)))
        elif node.op == 'call_module':
            path = node.target
            owner = node
            reads.append(_Statement(('module', path), lambda ref, p=path: _attribute_path(p), [],
                                    name=_read_name(_attribute_path(path))))
            inputs = [('module', path)] + list(node.args)
            statements.append(_Statement(owner, lambda ref, args=inputs: f'({ref(args[0])}).forward(' + ''.join(
                ref(a) + ', ' for a in args[1:]) + ')', [a for a in inputs if not _is_literal(a)]))
        elif node.op == 'call_function' and node.target is operator.getitem:
            statements.append(_Statement(node, lambda ref, n=node: f'{ref(n.args[0])}[{n.args[1]}]', [node.args[0]]))
        elif node.op == 'call_function' and hasattr(node.target, '_packet'):
            packet = node.target._packet._name
            if packet == '_assert_tensor_metadata':     # export's check of a conversion; not part of a trace
                continue
            version = max(version, _OP_VERSIONS.get(packet, _MIN_VERSION))
            statements.append(_Statement(node, lambda ref, n=node, op=packet: f'torch.{op}(' + ', '.join(
                [ref(a) for a in n.args] + [f'{k}={ref(v)}' for k, v in n.kwargs.items()]) + ')',
                _leaves(list(node.args) + list(node.kwargs.values()))))
        elif node.op == 'output':
            result = node.args[0]
        else:
            raise TraceUnsupported(f"ember.jit.trace cannot write the graph node {node.format_node()}")
    # parameters and submodules: read at the top, the last first read first (each once)
    seen, ordered = set(), []
    for read in reads:
        if read.node not in seen and not (isinstance(read.node, tuple) and any(
                r.node == read.node for r in ordered)):
            seen.add(read.node)
            ordered.insert(0, read)
    statements = [r for r in ordered] + statements
    uses = {}
    for s in statements:
        for value in s.inputs:
            uses[value] = uses.get(value, 0) + 1
    result_inputs = _leaves(result)
    for value in result_inputs:
        uses[value] = uses.get(value, 0) + 1
    inlined = _inlined(statements, uses, result_inputs)
    texts = {}
    by_node = {s.node: s for s in statements}
    split = set()

    def ref(value):
        if isinstance(value, (ember.fx.Node, tuple)) and value in texts:
            return texts[value]
        if isinstance(value, ember.fx.Node) and value in names.of:
            return names.of[value]
        if isinstance(value, (list, tuple)) and not (isinstance(value, tuple) and value[:1] == ('module',)):
            if any(isinstance(v, ember.fx.Node) for v in value):
                return '[' + ', '.join(ref(v) for v in value) + ']'
        return _literal(value)

    def assign(s, text):
        name = names.fresh(s.name or '_')
        body.append(f'{name} = {text}')
        texts[s.node] = name

    for i, s in enumerate(statements):
        text = s.render(ref)
        if i not in inlined:
            assign(s, text)
            continue
        texts[s.node] = text
        if not s.constant and len(text) + 2 >= 40:
            # too long to stay inside its user: it and the inlined values before it there get their own names
            _split_long(s.node, statements, inlined, by_node, texts, split, assign, ref, result_inputs)
    expr, annotation = returned(result, ref)
    if not isinstance(result, ember.fx.Node) and len(expr) + 2 >= 40:
        # the tuple (list, dict) built for the return is a value too: long, it gets a name of its own
        name = names.fresh('_')
        body.append(f'{name} = {expr}')
        expr = name
    body.append(f'return {expr}')
    header = f'def forward(self: {qualified_name}' + ''.join(f',\n    {p}' for p in params) + f') -> {annotation}:'
    return '\n'.join(['  ' + header] + ['    ' + line for line in body]) + '\n', version


def _read_name(expr):
    """The name a read of ``self.a.b`` / ``getattr(self, "0")`` is given: the attribute's, ``_0`` for an
    attribute whose name is no identifier, as PyTorch's printer names them."""
    if expr.endswith('")'):
        return '_' + expr.rsplit('"', 2)[-2]
    last = expr.rsplit('.', 1)[-1]
    return last if last.isidentifier() and not keyword.iskeyword(last) else '_' + last


def _is_literal(value):
    return not isinstance(value, ember.fx.Node) and not (isinstance(value, tuple) and value[:1] == ('module',)) \
        and not _leaves(value)


def _split_long(value, statements, inlined, by_node, texts, split, assign, ref, result_inputs):
    """PyTorch's printer's split of a long inlined expression: walking up the statements it is inlined in,
    the inlined inputs at or before its position get assignments of their own, earliest first."""
    chain = []
    position = {s.node: i for i, s in enumerate(statements)}

    def user_of(v):
        for s in statements:
            if v in s.inputs:
                return s, s.inputs.index(v)
        return None, result_inputs.index(v)

    user, offset = user_of(value)
    while True:
        inputs = user.inputs if user is not None else result_inputs
        for v in reversed(inputs[:offset + 1]):
            j = position.get(v)
            if j is not None and j in inlined and not statements[j].constant and v not in split:
                chain.append(v)
        if user is None or position[user.node] not in inlined:
            break
        user, offset = user_of(user.node)
        offset -= 1
    for v in reversed(chain):
        split.add(v)
        inlined.discard(position[v])
        assign(by_node[v], texts[v])


def _structure(spec, outputs, arg, top=True):
    """The return expression and its type for the output structure ``spec`` (its leaves ``outputs``)."""
    if isinstance(spec, (list, tuple)) and not isinstance(spec, ember.Size):
        parts = [_structure(s, outputs, arg, False) for s in spec]
        if isinstance(spec, list):
            inner = {t for _, t in parts}
            kind = inner.pop() if len(inner) == 1 else 'Tensor'
            return '[' + ', '.join(e for e, _ in parts) + ']', f'List[{kind}]'
        expr = '(' + ', '.join(e for e, _ in parts) + (',)' if len(parts) == 1 else ')')
        return expr, 'Tuple[' + ', '.join(t for _, t in parts) + ']'
    if isinstance(spec, dict):
        parts = {k: _structure(v, outputs, arg, False) for k, v in spec.items()}
        inner = {t for _, t in parts.values()}
        key = 'str' if all(isinstance(k, str) for k in spec) else 'int'
        return '{' + ', '.join(f'{_literal(k)}: {e}' for k, (e, _) in parts.items()) + '}', \
            f'Dict[{key}, {inner.pop() if len(inner) == 1 else "Tensor"}]'
    value = next(outputs)
    if not isinstance(value, ember.fx.Node):
        if value is None and spec is None and top:
            raise RuntimeError("The traced function didn't return any values! Side-effects are not captured in "
                               "traces, so it would be a no-op.")
        raise RuntimeError('Only tensors, lists, tuples of tensors, or dictionary of tensors can be output from '
                           'traced functions')
    return arg(value), 'Tensor'


def torch_class_path(cls):
    """(qualified module, class name) PyTorch gives the class of a module it traces: ember's modules under
    ``torch.``/``torchvision.``, a script's own under its module's name (``__main__`` dropped)."""
    from ember.serialization import _torch_nn_name
    found = _torch_nn_name(cls)
    if found is not None:
        return found
    module = cls.__module__ or ''
    if module == 'ember' or module.startswith('ember.'):
        module = 'torch' + module[len('ember'):]
    elif module == '__main__':
        module = ''
    return module, cls.__name__


def class_source(name, module, child_types, forward=None):
    """The class text of one module of the traced tree (its forward, when it has one, already printed)."""
    params = [n for n, p in module._parameters.items() if p is not None]
    buffers = [n for n, b in module._buffers.items() if b is not None]
    lines = [f'class {name}(Module):',
             '  __parameters__ = [' + ''.join(f'"{n}", ' for n in params) + ']',
             '  __buffers__ = [' + ''.join(f'"{n}", ' for n in buffers) + ']']
    lines += [f'  {n} : Tensor' for n in params + buffers]
    lines += ['  training : bool', '  _is_full_backward_hook : Optional[bool]']
    for child, qualified in child_types.items():
        lines.append(f'  {child} : {qualified}' if child.isidentifier() and not keyword.iskeyword(child)
                     else f'  __annotations__["{child}"] = {qualified}')
    text = '\n'.join(lines) + '\n'
    return text + forward if forward else text
