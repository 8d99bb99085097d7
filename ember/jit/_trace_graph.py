"""``ember.jit._get_trace_graph``: a traced call as TorchScript's IR graph, what tools that count a model's
operations read (fvcore's ``FlopCountAnalysis``/``ActivationCountAnalysis``).

The recording is ``ember.export``'s ATen program of the call (as ``ember.jit.trace``'s). Each operator becomes
a ``Node`` as PyTorch's tracer records it: every argument of the schema an input (numbers, strings and None
``prim::Constant`` nodes, lists ``prim::ListConstruct``), every result an output whose ``type()`` knows its
sizes, strides and dtype, and ``scopeName()`` the scopes pushed through ``ember._C._get_tracing_state()`` around
it. Where PyTorch's tracer records a lower operator than the call (convolutions: ``aten::_convolution`` with its
thirteen arguments), the node is that operator's."""
import operator
import re

import ember
from ember.jit._tensor_type import TensorType
from ember.jit._trace_code import _literal

_CONSTANT_TYPES = {bool: 'bool', int: 'int', float: 'float', str: 'str', type(None): 'NoneType'}


class _Type:
    """The TorchScript type of a value that is not a tensor (``int``, ``List[int]``, ``NoneType``, ...)."""

    def __init__(self, name):
        self.annotation_str = name

    def kind(self):
        return {'int': 'IntType', 'float': 'FloatType', 'bool': 'BoolType', 'str': 'StringType',
                'NoneType': 'NoneType', 'Device': 'DeviceObjType'}.get(self.annotation_str, 'ListType')

    def str(self):
        """The type as the IR prints it (``int[]`` for ``List[int]``, ``(Tensor, int)`` for a tuple)."""
        return _ir_spelling(self.annotation_str)

    __str__ = __repr__ = str


def _ir_spelling(annotation):
    if annotation.startswith('List[') and annotation.endswith(']'):
        return _ir_spelling(annotation[5:-1]) + '[]'
    if annotation.startswith('Optional[') and annotation.endswith(']'):
        return _ir_spelling(annotation[9:-1]) + '?'
    return annotation


def _type_text(type_):
    """A value's type as the graph prints it: a tensor's in full (``Float(2, 3, strides=...)``)."""
    return type_.str()


def _constant_type(value):
    if isinstance(value, (list, tuple)):
        inner = {_constant_type(v).str() for v in value}
        return _Type(f'List[{inner.pop() if len(inner) == 1 else "int"}]')
    if isinstance(value, ember.device):
        return _Type('Device')
    if isinstance(value, (ember.dtype, ember.layout, ember.memory_format)):
        return _Type('int')         # TorchScript passes them as their numbers
    return _Type(_CONSTANT_TYPES.get(type(value), type(value).__name__))


class Value:
    """One value of the graph: a graph input or a node's output."""

    def __init__(self, graph, node, offset, type_, ivalue=None):
        self._graph, self._node, self._offset, self._type, self._ivalue = graph, node, offset, type_, ivalue
        self._unique = graph._next_unique()
        self._name = None

    def type(self):
        """Its type: a ``TensorType`` that knows sizes, strides and dtype, or the type of a number, list, ..."""
        return self._type

    def node(self):
        """The node that makes it (the graph's ``prim::Param`` node for an input)."""
        return self._node

    def offset(self):
        return self._offset

    def unique(self):
        return self._unique

    def debugName(self):
        """Its name in the printed graph: the one it was given (``x``, ``weight.1``), else its number."""
        return self._name if self._name is not None else str(self._unique)

    def hasDebugName(self):
        return self._name is not None

    def setDebugName(self, name):
        """Names the value; a value holding the name already is renamed ``name.<n>``, as TorchScript's
        graphs keep names unique (the new value takes the plain name)."""
        names = self._graph._names
        owner = names.get(name)
        if owner is not None and owner is not self:
            base, suffix = name, 1
            head, dot, tail = name.rpartition('.')
            if dot and tail.isdigit():
                base, suffix = head, int(tail)
            if base in self._graph._suffixes:
                suffix = max(suffix, self._graph._suffixes[base] + 1)
            while f'{base}.{suffix}' in names:
                suffix += 1
            self._graph._suffixes[base] = suffix + 1
            owner.setDebugName(f'{base}.{suffix}')
        if self._name is not None and names.get(self._name) is self:
            del names[self._name]
        names[name] = self
        self._name = name
        return self

    def isCompleteTensor(self):
        """Whether it is a tensor whose sizes, strides, dtype and device are all known."""
        return isinstance(self._type, TensorType) and all(f is not None for f in self._type._fields()[:4])

    def toIValue(self):
        """The value of a constant (a ``prim::Constant`` node's output); None for anything computed."""
        return self._ivalue if self._node.kind() == 'prim::Constant' else None

    def uses(self):
        return [n for n in self._graph._nodes if self in n._inputs]

    def __repr__(self):
        return f'{self.debugName()} defined in ({self._node})'


class Node:
    """One operator call of the graph (``kind()``: ``'aten::linear'``, ``'prim::Constant'``, ...)."""

    def __init__(self, graph, kind, inputs, scope):
        self._graph, self._kind, self._inputs, self._scope, self._outputs = graph, kind, list(inputs), scope, []
        self._source = None         # (file, line) of the Python call that ran it
        self._attributes = ''       # what the node's kind is told: ``[name="weight"]``

    def kind(self):
        return self._kind

    def scopeName(self):
        """The scopes pushed around the call (``ember._C._get_tracing_state().push_scope``), joined by '/'."""
        return self._scope

    def inputs(self):
        return iter(self._inputs)

    def outputs(self):
        return iter(self._outputs)

    def input(self):
        return self._inputs[0]

    def pyname(self):
        """The class name of the user's autograd.Function a ``prim::PythonOp`` node calls."""
        if self._kind != 'prim::PythonOp':
            raise RuntimeError(f"pyname() is only defined for prim::PythonOp nodes, not {self._kind}")
        return self._pyname

    def output(self):
        return self._outputs[0]

    def outputsSize(self):
        return len(self._outputs)

    def __repr__(self):
        outs = ', '.join(f'%{o.debugName()} : {_type_text(o.type())}' for o in self._outputs)
        ins = ', '.join(f'%{i.debugName()}' for i in self._inputs)
        attributes = _constant_attribute(self._outputs[0]) if self._kind == 'prim::Constant' else self._attributes
        text = f'{outs} = {self._kind}{attributes}({ins})'
        if self._scope:
            text += f', scope: {self._scope}'
        if self._source is not None:
            text += f' # {self._source[0]}:{self._source[1]}:0'
        return text


def _constant_attribute(value):
    """A constant's value as the graph prints it: ``[value=1]`` (True as 1), ``[value={2}]`` for a tensor
    holding 2, nothing for None."""
    v = value._ivalue
    if v is None:
        return ''
    if isinstance(value.type(), TensorType):
        return '[value={' + _number_text(v) + '}]'
    if isinstance(v, str):
        return f'[value="{v}"]'
    if isinstance(v, ember.device):
        return f'[value="{v}"]'
    return f'[value={_number_text(v)}]'


def _number_text(v):
    if isinstance(v, bool):
        return str(int(v))
    if isinstance(v, float):
        return _literal(v)
    return str(v)


class Graph:
    """The traced program: its inputs (the call's tensors, then the module's parameters and buffers), its
    nodes in the order they ran, and its outputs."""

    def __init__(self):
        self._nodes, self._inputs, self._outputs, self._count = [], [], [], 0
        self._param = Node(self, 'prim::Param', [], '')
        self._names, self._suffixes = {}, {}

    def _next_unique(self):
        self._count += 1
        return self._count - 1

    def nodes(self):
        return iter(self._nodes)

    def inputs(self):
        return iter(self._inputs)

    def outputs(self):
        return iter(self._outputs)

    def _add(self, kind, inputs, scope, types, ivalue=None):
        node = Node(self, kind, inputs, scope)
        node._fx = getattr(self, '_current_fx', None)       # the recorded call it was made for
        node._outputs = [Value(self, node, i, t, ivalue) for i, t in enumerate(types)]
        self._nodes.append(node)
        return node

    def __str__(self):
        head = ',\n      '.join(f'%{v.debugName()} : {_type_text(v.type())}' for v in self._inputs)
        body = ''.join(f'  {n!r}\n' for n in self._nodes)
        return f'graph({head}):\n{body}  return ({", ".join("%" + v.debugName() for v in self._outputs)})\n'


def _tensor_type(val, device, requires_grad):
    return TensorType._make(val.dtype, tuple(val.shape), tuple(val.stride()), device, requires_grad)


# convolutions: PyTorch's tracer records the operator they all call, with its thirteen arguments
_CONVOLUTIONS = {'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d',
                 'convolution'}


_CUDNN_FLAGS = {'cudnn_enabled', 'cudnn_enable'}


def _convolution(name, values):
    v = values
    n = len(v['weight'].meta['val'].shape) - 2
    transposed = name.startswith('conv_transpose') or (name == 'convolution' and v['transposed'])
    pads = v.get('output_padding', [0] * n)
    return [v['input'], v['weight'], v['bias'], v['stride'], v['padding'], v['dilation'], transposed,
            pads, v['groups'], False, False, True, True]


class _Builder:
    def __init__(self, ep, device):
        self.graph, self.ep, self.device = Graph(), ep, device
        self.values = {}        # fx node -> Value (a tuple of Values for a node with several results)
        self.source = None      # (file, line) of the call being built

    def constant(self, value, scope):
        if isinstance(value, (ember.dtype, ember.layout, ember.memory_format)):
            value = int(_literal(value))        # TorchScript holds them as their numbers
        node = self.graph._add('prim::Constant', [], scope, [_constant_type(value)], value)
        if value is not None:
            node._source = self.source
        return node.output()

    def number_as_tensor(self, value, scope):
        # a number where the operator takes a tensor (x + 1): PyTorch's tracer holds it as a 0-d tensor constant
        dtype = ember.bool if isinstance(value, bool) else ember.int64 if isinstance(value, int) else ember.float64
        node = self.graph._add('prim::Constant', [], scope, [TensorType._make(dtype, (), (), self.device, False)],
                               value)
        node._source = self.source
        return node.output()

    def argument(self, value, scope):
        if isinstance(value, ember.fx.Node):
            return self.values[value]
        if isinstance(value, (list, tuple)) and any(isinstance(v, ember.fx.Node) for v in value):
            items = [self.argument(v, scope) for v in value]
            inner = 'Tensor' if any(isinstance(v.type(), TensorType) for v in items) else 'int'
            return self.graph._add('prim::ListConstruct', items, scope, [_Type(f'List[{inner}]')]).output()
        if isinstance(value, (list, tuple)):
            items = [self.constant(v, scope) for v in value]
            return self.graph._add('prim::ListConstruct', items, scope, [_constant_type(list(value))]).output()
        return self.constant(value, scope)

    def requires_grad(self, node):
        meta = node.meta.get('tensor_meta')
        return bool(getattr(meta, 'requires_grad', False))

    def output_types(self, node):
        val = node.meta.get('val')
        vals = val if isinstance(val, (tuple, list)) else [val]
        return [_tensor_type(v, self.device, self.requires_grad(node)) if isinstance(v, ember.Tensor)
                else _constant_type(v) for v in vals]

    def call(self, node):
        from ember.export._aten import _NO_DEFAULT
        op = node.target
        name = op._packet._name
        schema = op._schema
        values = {a.name: a.default for a in schema.args if a.default is not _NO_DEFAULT}
        values.update(zip((a.name for a in schema.args), node.args))
        values.update(node.kwargs)
        for flag in _CUDNN_FLAGS.intersection(values):
            # F's norms pass torch.backends.cudnn.enabled, which PyTorch's tracer records as it is
            values[flag] = ember.backends.cudnn.enabled
        scope = self.scope_of(node)
        self.source = _source(node)
        if name in _CONVOLUTIONS:
            if isinstance(values.get('padding'), str):         # 'same'/'valid': the mode's own operator
                kind, args = 'aten::_convolution_mode', [values[k] for k in (
                    'input', 'weight', 'bias', 'stride', 'padding', 'dilation', 'groups')]
            else:
                kind, args = 'aten::_convolution', _convolution(name, values)
        else:
            kind, args = f'aten::{name}', [values.get(a.name) for a in schema.args]
        tensor_args = [a.type.startswith('Tensor') and not a.type.startswith('Tensor[') for a in schema.args]
        if kind != f'aten::{name}':
            tensor_args = [False] * len(args)
        inputs = [self.number_as_tensor(a, scope) if is_tensor and isinstance(a, (bool, int, float))
                  else self.argument(a, scope) for a, is_tensor in zip(args, tensor_args + [False] * len(args))]
        types = self.output_types(node)
        if kind == 'aten::_convolution':
            # PyTorch's tracer records the convolution's result before autograd sees it: requires_grad=0
            types = [TensorType._make(*t._fields()[:4], False) if isinstance(t, TensorType) else t for t in types]
        made = self.graph._add(kind, inputs, scope, types)
        made._source = self.source
        self.values[node] = made._outputs[0] if len(types) == 1 and not isinstance(node.meta.get('val'), tuple) \
            else tuple(made._outputs)

    def scope_of(self, node):
        return node.meta.get('scope', '')

    def inputs_made(self, state):
        pass

    def name_values(self, events):
        """Gives the values the names the program's variables gave them, in the order it used them."""
        for node, name in events:
            value = self.values.get(node)
            if isinstance(value, Value) and value._node._kind != 'prim::Constant':
                value.setDebugName(name)

    def outputs(self, spec, leaves):
        """The graph's result for the output structure ``spec`` (its leaves from ``leaves``): a tuple or list of
        values packed as PyTorch's tracer packs it."""
        if isinstance(spec, (list, tuple)) and not isinstance(spec, ember.Size):
            items = [self.outputs(child, leaves) for child in spec]
            if isinstance(spec, list):
                inner = {'Tensor' if isinstance(i.type(), TensorType) else i.type().annotation_str for i in items}
                kind, tp = 'prim::ListConstruct', _Type(f'List[{inner.pop() if len(inner) == 1 else "Tensor"}]')
            else:
                kind, tp = 'prim::TupleConstruct', _Type('(' + ', '.join(_type_text(i.type()) for i in items) + ')')
            return self.graph._add(kind, items, '', [tp]).output()
        if isinstance(spec, dict):
            raise NotImplementedError("ember.jit: the graph of a program returning a dict is not written yet")
        value = next(leaves)
        return self.values[value] if isinstance(value, ember.fx.Node) else self.constant(value, '')

    def build(self, out_nodes, state_order=None):
        """The graph; ``state_order``: the module's state names in the order its graph takes them as inputs."""
        from ember.export.graph_signature import InputKind
        specs = {s.arg.name: s for s in self.ep.graph_signature.input_specs}
        placeholders = [n for n in self.ep.graph.nodes if n.op == 'placeholder']
        user = [n for n in placeholders if specs[n.name].kind is InputKind.USER_INPUT]
        state = [n for n in placeholders if specs[n.name].kind is not InputKind.USER_INPUT]
        if state_order is not None:
            rank = {name: i for i, name in enumerate(state_order)}
            state.sort(key=lambda n: rank.get(specs[n.name].target, len(rank)))
        for n in user + state:
            val = n.meta.get('val')
            if isinstance(val, ember.Tensor):
                value = Value(self.graph, self.graph._param, len(self.graph._inputs),
                              _tensor_type(val, self.device, self.requires_grad(n)))
            else:
                value = Value(self.graph, self.graph._param, len(self.graph._inputs), _constant_type(val), val)
            self.graph._inputs.append(value)
            self.values[n] = value
        self.inputs_made(state)
        groups = self.python_op_groups()
        for n in self.ep.graph.nodes:
            if n.op != 'call_function':
                continue
            group = groups.get(n.meta.get('python_op'))
            if group is not None:
                if n is group[0]:
                    self.python_op(n.meta['python_op'][0], group, out_nodes)
            elif n.target is operator.getitem:
                self.values[n] = self.values[n.args[0]][n.args[1]]
            elif hasattr(n.target, '_packet') and n.target._packet._name != '_assert_tensor_metadata':
                self.call(n)
        self.graph._outputs = [self.outputs(self.ep._out_spec, iter(out_nodes))]
        return self.graph

    def python_op_groups(self):
        """{(Function name, call): its nodes}: the operators each call of a user's autograd.Function made (the
        results taken out of them with them)."""
        groups = {}
        for n in self.ep.graph.nodes:
            key = n.meta.get('python_op')
            if key is None and n.op == 'call_function' and n.target is operator.getitem:
                key = n.args[0].meta.get('python_op')
                if key is not None:
                    n.meta['python_op'] = key
            if key is not None:
                groups.setdefault(key, []).append(n)
        return groups

    def python_op(self, name, group, out_nodes):
        # PyTorch's tracer records a user's autograd.Function as one opaque node, pyname() its class name
        members = set(group)
        inputs = []
        for n in group:
            for i in n.all_input_nodes:
                if i not in members and i not in inputs:
                    inputs.append(i)
        outputs = [n for n in group if not isinstance(n.meta.get('val'), tuple) and
                   (n in out_nodes or any(u not in members for u in n.users))]
        node = self.graph._add('prim::PythonOp', [self.values[i] for i in inputs], group[0].meta.get('scope', ''),
                               [self.output_types(o)[0] for o in outputs])
        node._pyname = name
        for o, value in zip(outputs, node._outputs):
            self.values[o] = value


def _source(node):
    """(file, line) of the Python line that made the call (its recorded stack's innermost entry)."""
    found = re.findall(r'File "([^"]+)", line (\d+)', node.meta.get('stack_trace') or '')
    return (found[-1][0], int(found[-1][1])) if found else None


def trace_graph(f, args, kwargs, strict, force_outplace, return_inputs, return_inputs_states):
    """``(graph, outputs)`` of ``f(*args, **kwargs)`` (``ember.jit._get_trace_graph``)."""
    from ember.jit._trace import _FunctionModule, _check_inputs_traceable, _check_output_structure
    from ember.jit._trace_record import record
    if return_inputs or return_inputs_states:
        raise NotImplementedError('ember.jit._get_trace_graph: return_inputs and _return_inputs_states are not '
                                  'supported')
    if force_outplace:
        raise NotImplementedError('ember.jit._get_trace_graph: _force_outplace is not supported')
    args = args if isinstance(args, tuple) else (args,)
    kwargs = dict(kwargs or {})
    _check_inputs_traceable(list(args) + list(kwargs.values()))
    mod = f if isinstance(f, ember.nn.Module) else _FunctionModule(f)
    names = []
    ep = record(mod, args, kwargs, names, inputs_named=False, frames_up=1)
    _check_output_structure(ep._out_spec, strict)
    tensors = [a for a in ember.utils._pytree.tree_leaves((args, kwargs)) if isinstance(a, ember.Tensor)]
    device = tensors[0].device if tensors else ember.device('cpu')
    out_nodes = next(n for n in ep.graph.nodes if n.op == 'output').args[0]
    builder = _Builder(ep, device)
    # the module's state as its state_dict lists it (each module's parameters, then its buffers), as PyTorch's
    # tracer takes it
    graph = builder.build(out_nodes, list(mod.state_dict(keep_vars=True)))
    builder.name_values(names)
    # the recording ran on copies of the module's state: the recorded program, run on the module's own state,
    # gives the outputs and updates running statistics once, as PyTorch's one traced call does
    return graph, ep.module()(*args, **kwargs)
