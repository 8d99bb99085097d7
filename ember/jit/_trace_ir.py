"""The TorchScript IR graph of a traced function or module (``.graph``, ``.inlined_graph``), as PyTorch prints it.

Built from the recording (``_trace_graph``'s nodes: every schema argument an input, constants and lists their
own nodes, tensors' types complete, the Python line of each call): a traced function's graph takes its
parameters by name; a module's takes ``self`` and reads its state through ``prim::GetAttr`` (submodules at
the top, a parameter or buffer just before its first use). ``.inlined_graph`` holds every operator, each with
the ``scope`` of the submodule calls it ran in (``__module.body/__module.body.0``); ``.graph`` calls each
submodule's ``forward`` (``prim::CallMethod``) where its operators ran.
"""
import ember
from ember.jit._trace_graph import Node, Value, _Builder, _Type


def _scope(node, root_key='L__self__'):
    """PyTorch's scope of a recorded call: the submodule calls it ran in, ``__module.<path>`` each."""
    stack = node.meta.get('nn_module_stack') or {}
    return '/'.join(f'__module.{path}' for key, (path, _) in stack.items() if key != root_key and path)


class _ModuleGraphBuilder(_Builder):
    def __init__(self, ep, device, with_scopes):
        super().__init__(ep, device)
        self.with_scopes = with_scopes

    def scope_of(self, node):
        return _scope(node) if self.with_scopes else ''

    def call(self, node):
        self.graph._current_fx = node
        super().call(node)
        self.graph._current_fx = None

    def inputs_made(self, state):
        # the tracer numbers a value per parameter and buffer read, before the operators
        self.graph._count += len(state)


def _attribute_name(name):
    return f'_{name}' if name[:1].isdigit() else name


def _get_attr(graph, owner, name, type_):
    node = Node(graph, 'prim::GetAttr', [owner], '')
    node._attributes = f'[name="{name}"]'
    node._outputs = [Value(graph, node, 0, type_)]
    return node


def _calls(node):
    """[(call key, module path)] of the submodule calls a graph node ran in, outermost first (the root's own
    call left out)."""
    fx = getattr(node, '_fx', None)
    stack = list(((fx.meta.get('nn_module_stack') or {}) if fx is not None else {}).items())
    return [(key, path) for key, (path, _) in stack[1:]]


class _Emitter:
    """Lays the graph's nodes out as the tracer's graphs have them: each module's part reads the submodules it
    calls and its own parameters and buffers at its start (in the reverse of the order it first uses them), then
    runs its operators and its submodules' parts in order (or, not inlined, calls their ``forward``)."""

    def __init__(self, graph, traced, self_value, state_values, inlined):
        self.graph, self.traced, self.self_value, self.inlined = graph, traced, self_value, inlined
        self.state_of = {v: target for target, v in state_values.items()}
        self.holders = {'': self_value}
        self.out = []
        self.segments = []      # inlined: (start, end, results) of each call of a child of the root

    def holder(self, path):
        if path not in self.holders:
            parent, _, name = path.rpartition('.')
            node = _get_attr(self.graph, self.holder(parent), name,
                             _Type(self.traced.get_submodule(path)._qualified_name))
            self.out.append(node)
            self.holders[path] = node._outputs[0]
            node._outputs[0].setDebugName(_attribute_name(name))
        return self.holders[path]

    def read(self, target):
        parent, _, name = target.rpartition('.')
        node = _get_attr(self.graph, self.holder(parent), name, ember.TensorType.get())
        self.out.append(node)
        node._outputs[0].setDebugName(_attribute_name(name))
        return node._outputs[0]

    def emit(self, nodes, depth, path):
        """The part of the module at ``path`` (its nodes: ``nodes``, their calls' depth below it ``depth``)."""
        used = []           # the submodules it calls and its own state, in the order it first uses them
        for n in nodes:
            calls = _calls(n)
            if len(calls) > depth and ('call', calls[depth][1]) not in used:
                used.append(('call', calls[depth][1]))
            for v in n._inputs:
                target = self.state_of.get(v)
                if target is not None and target.rpartition('.')[0] == path and ('read', target) not in used \
                        and len(calls) <= depth:
                    used.append(('read', target))
        reads = {}
        for kind, target in reversed(used):
            if kind == 'call':
                self.holder(target)
            else:
                reads[target] = self.read(target)
        i = 0
        while i < len(nodes):
            calls = _calls(nodes[i])
            if len(calls) <= depth:
                self.place(nodes[i], reads)
                i += 1
                continue
            key = calls[depth][0]
            j = i
            while j < len(nodes) and len(_calls(nodes[j])) > depth and _calls(nodes[j])[depth][0] == key:
                j += 1
            if self.inlined:
                start = len(self.out)
                self.emit(nodes[i:j], depth + 1, calls[depth][1])
                if depth == 0:
                    self.segments.append((start, len(self.out), self.results(nodes[i:j], nodes[j:])))
            else:
                self.call(nodes[i:j], nodes[j:], calls[depth][1])
            i = j

    def place(self, node, reads):
        for k, v in enumerate(node._inputs):
            target = self.state_of.get(v)
            if target is not None:
                if target not in reads:         # state of another module, read where it is used
                    reads[target] = self.read(target)
                node._inputs[k] = reads[target]
        self.out.append(node)

    def results(self, run, rest):
        """The values a submodule's call gives back: those of its run that are used after it."""
        return [o for n in run for o in n._outputs if any(o in m._inputs for m in rest) or o in self.graph._outputs]

    def call(self, run, rest, path):
        made = {o for n in run for o in n._outputs}
        inputs = []
        for n in run:
            for v in n._inputs:
                if v not in made and v not in inputs and v not in self.state_of:
                    inputs.append(v)
        used_later = self.results(run, rest)
        node = Node(self.graph, 'prim::CallMethod', [self.holder(path)] + inputs, '')
        node._attributes = '[name="forward"]'
        self.out.append(node)
        if len(used_later) == 1:
            node._outputs = [Value(self.graph, node, 0, ember.TensorType.get())]
            self.replace(rest, used_later[0], node._outputs[0])
            return
        node._outputs = [Value(self.graph, node, 0, _Type('(' + ', '.join('Tensor' for _ in used_later) + ')'))]
        unpack = Node(self.graph, 'prim::TupleUnpack', node._outputs, '')
        unpack._outputs = [Value(self.graph, unpack, i, ember.TensorType.get()) for i in range(len(used_later))]
        self.out.append(unpack)
        for old, new in zip(used_later, unpack._outputs):
            self.replace(rest, old, new)

    def replace(self, nodes, old, new):
        for n in nodes:
            n._inputs = [new if i is old else i for i in n._inputs]
        self.graph._outputs = [new if o is old else o for o in self.graph._outputs]


def program_graph(traced, inlined):
    """The IR graph of a traced module or function (``traced``: the top traced module holding the recording)."""
    from ember.export.graph_signature import InputKind
    ep, is_function = traced.__dict__['_recorded_program'], traced.__dict__['_recorded_function']
    builder = _ModuleGraphBuilder(ep, traced.__dict__['_recorded_device'], with_scopes=True)
    graph = builder.graph
    specs = {s.arg.name: s for s in ep.graph_signature.input_specs}
    placeholders = [n for n in ep.graph.nodes if n.op == 'placeholder']
    names = [n.name for n in placeholders if specs[n.name].kind is InputKind.USER_INPUT]
    state = [specs[n.name].target for n in placeholders if specs[n.name].kind is not InputKind.USER_INPUT]
    self_value = None if is_function else Value(graph, graph._param, 0, _Type(traced._qualified_name))
    out_nodes = next(n for n in ep.graph.nodes if n.op == 'output').args[0]
    graph = builder.build(out_nodes)
    user = graph._inputs[:len(names)]
    state_values = dict(zip(state, graph._inputs[len(names):]))
    graph._inputs = ([self_value] if self_value is not None else []) + user
    if self_value is not None:
        self_value.setDebugName('self')
    for value, name in zip(user, names):
        value.setDebugName(name)
    builder.name_values(getattr(ep, '_jit_value_names', ()))
    emitter = _Emitter(graph, traced, self_value, state_values, inlined)
    emitter.emit(graph._nodes, 0, '')
    graph._nodes = emitter.out
    if self_value is not None and len(emitter.holders) > 1:
        self_value.setDebugName('self.1')       # the submodules' own selves were inlined into it
    if inlined and self_value is not None:
        _number_as_inlined(graph, emitter.segments)
    return graph


def _number_as_inlined(graph, segments):
    """Numbers the values as PyTorch's inlining does: the graph with its calls numbered in order first (a call's
    result one number, several results a tuple and its items), then each call's operators after all of them."""
    count = 0

    def number(value):
        nonlocal count
        value._unique, count = count, count + 1

    for value in graph._inputs:
        number(value)
    inside = {}
    for start, end, results in segments:
        for i in range(start, end):
            inside[i] = start
    for i, node in enumerate(graph._nodes):
        if i not in inside:
            for value in node._outputs:
                number(value)
        elif inside[i] == i:
            results = next(r for s, _, r in segments if s == i)
            count += 1 if len(results) == 1 else 1 + len(results)
    for start, end, _ in segments:
        for node in graph._nodes[start:end]:
            for value in node._outputs:
                number(value)
    graph._count = count
