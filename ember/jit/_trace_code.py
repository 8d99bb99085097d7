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


def print_forward(graph, qualified_name, names, params, body, placeholder, get_attr, returned):
    """The text of a ``forward`` running ``graph``, and the file-format version it needs: ``placeholder(node)``
    and ``get_attr(node)`` give the expression a graph input or attribute read stands for (None: a parameter
    already named), ``returned(outputs, arg)`` the return expression and its type."""
    version = _MIN_VERSION

    def arg(value):
        if isinstance(value, ember.fx.Node):
            return names.of[value]
        if isinstance(value, (list, tuple)) and any(isinstance(v, ember.fx.Node) for v in value):
            return '[' + ', '.join(arg(v) for v in value) + ']'
        return _literal(value)

    for node in graph.nodes:
        if node.op in ('placeholder', 'get_attr'):
            expr = (placeholder if node.op == 'placeholder' else get_attr)(node)
            if expr is not None:
                body.append(f'{names.name(node)} = {expr}')
        elif node.op == 'call_module':
            text = ', '.join(arg(a) for a in node.args)
            body.append(f'{names.name(node)} = ({_attribute_path(node.target)}).forward({text})')
        elif node.op == 'call_function' and node.target is operator.getitem:
            body.append(f'{names.name(node)} = {arg(node.args[0])}[{node.args[1]}]')
        elif node.op == 'call_function' and hasattr(node.target, '_packet'):
            op = node.target
            packet = op._packet._name
            if packet == '_assert_tensor_metadata':     # export's check of a conversion; not part of a trace
                continue
            version = max(version, _OP_VERSIONS.get(packet, _MIN_VERSION))
            text = ', '.join([arg(a) for a in node.args] + [f'{k}={arg(v)}' for k, v in node.kwargs.items()])
            body.append(f'{names.name(node)} = torch.{packet}({text})')
        elif node.op == 'output':
            outputs = node.args[0]
            expr, annotation = returned(outputs, arg)
            body.append(f'return {expr}')
        else:
            raise TraceUnsupported(f"ember.jit.trace cannot write the graph node {node.format_node()}")
    header = f'def forward(self: {qualified_name}' + ''.join(f',\n    {p}' for p in params) + f') -> {annotation}:'
    return '\n'.join(['  ' + header] + ['    ' + line for line in body]) + '\n', version


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
