"""``ExportedProgram.module()``: the graph with its lifted state put back as the module's own
parameters and buffers, called as the original module was."""
import copy

import ember.nn as nn
from ember._tensor import Tensor
from ember.export._aten import overload
from ember.export.graph_signature import InputKind, OutputKind
from ember.fx.graph import Graph
from ember.fx.graph_module import GraphModule


class _ExportedModule(GraphModule):
    """The unlifted program: flattens its arguments as the exported module took them, checks them
    against the exported shapes, runs the graph and rebuilds the output's structure."""

    def __call__(self, *args, **kwargs):
        from ember.export._export import _flat_with_names, _rebuild
        import inspect
        names = self._export_arg_names
        params = [inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD) for n in names]
        try:
            bound = inspect.Signature(params).bind(*args, **kwargs)
        except TypeError as e:
            raise TypeError(f'the exported module takes the arguments ({", ".join(names)}): {e}') from None
        leaves = []
        for name in names:
            leaves += _flat_with_names(bound.arguments.get(name), name)
        if len(leaves) != len(self._export_inputs):
            raise ValueError(f'Trying to flatten user inputs with exported input tree spec: expected '
                             f'{len(self._export_inputs)} leaves, got {len(leaves)}')
        if self._check_guards:
            for (name, value), (expected_name, meta) in zip(leaves, self._export_inputs):
                _check_input(expected_name, value, meta, self._dynamic_dims.get(expected_name, {}))
            _check_shared_dims(dict(zip((n for n, _ in self._export_inputs), (v for _, v in leaves))),
                               getattr(self, '_equal_dims', {}))
        flat = [v for _, v in leaves]
        return _rebuild(self._export_out_spec, iter(super().__call__(*flat)))


def _check_input(name, value, meta, dynamic):
    if not isinstance(meta, Tensor):
        if value != meta:
            raise AssertionError(f'Guard failed: {name} == {meta!r}')
        return
    if not isinstance(value, Tensor):
        raise AssertionError(f'Guard failed: {name} is a Tensor')
    if value.dim() != meta.dim():
        raise AssertionError(f'Guard failed: {name}.dim() == {meta.dim()}')
    for i, (got, want) in enumerate(zip(value.shape, meta.shape)):
        if i in dynamic:
            lo, hi = dynamic[i]
            if got < lo or (hi is not None and got > hi):
                bound = f'{lo} <= {name}.size()[{i}]' if got < lo else f'{name}.size()[{i}] <= {hi}'
                raise AssertionError(f'Guard failed: {bound}')
        elif got != want:
            raise AssertionError(f'Guard failed: {name}.size()[{i}] == {want}')


def _check_shared_dims(values, equal):
    """Sizes exported with one Dim must agree: ``equal`` maps (input, dim) to the (input, dim) first given it."""
    for (name, d), (other, od) in equal.items():
        if values[name].shape[d] != values[other].shape[od]:
            raise AssertionError(f'Guard failed: {name}.size()[{d}] == {other}.size()[{od}]')


def _owner_and_leaf(root, fqn):
    *path, leaf = fqn.split('.')
    m = root
    for part in path:
        child = m._modules.get(part)
        if child is None:
            child = nn.Module()
            m.add_module(part, child)
        m = child
    return m, leaf


def unlift(ep, check_guards=True):
    from ember.export._export import placeholder
    root = nn.Module()
    graph = Graph()
    env, lifted, user_inputs = {}, {}, []
    specs = {s.arg.name: s for s in ep.graph_signature.input_specs}
    for spec in ep.graph_signature.input_specs:
        if spec.kind == InputKind.PARAMETER:
            owner, leaf = _owner_and_leaf(root, spec.target)
            p = ep.state_dict[spec.target]
            owner.register_parameter(leaf, p if isinstance(p, nn.Parameter) else nn.Parameter(p))
        elif spec.kind == InputKind.BUFFER:
            owner, leaf = _owner_and_leaf(root, spec.target)
            value = ep.state_dict[spec.target] if spec.persistent else ep.constants[spec.target]
            owner.register_buffer(leaf, value, persistent=bool(spec.persistent))
        elif spec.kind == InputKind.CONSTANT_TENSOR:
            owner, leaf = _owner_and_leaf(root, spec.target)
            owner.__dict__[leaf] = ep.constants[spec.target]
    # placeholders of the user's inputs first, then reads of the state, then the body
    for node in ep.graph.nodes:
        if node.op == 'placeholder' and specs[node.name].kind == InputKind.USER_INPUT:
            new = placeholder(graph, node.name)
            new.meta = copy.copy(node.meta)
            env[node] = new
            user_inputs.append((node.name, node.meta.get('val')))
    for node in ep.graph.nodes:
        if node.op == 'placeholder' and node not in env:
            target = specs[node.name].target
            new = graph.get_attr(target)
            new.meta = copy.copy(node.meta)
            env[node] = new
            lifted[target] = new
    placeholders = {n.name: n for n in ep.graph.nodes if n.op == 'placeholder'}
    for node in ep.graph.nodes:
        if node.op == 'placeholder':
            continue
        if node.op == 'output':
            outs = env_map(node.args[0], env)
            user = []
            for spec, value in zip(ep.graph_signature.output_specs, outs):
                if spec.kind in (OutputKind.BUFFER_MUTATION, OutputKind.PARAMETER_MUTATION):
                    # the state's new value is written back, as the original module would have
                    graph.call_function(overload('copy_', 'default'), (lifted[spec.target], value))
                elif spec.kind == OutputKind.USER_INPUT_MUTATION:
                    graph.call_function(overload('copy_', 'default'), (env[placeholders[spec.target]], value))
                else:
                    user.append(value)
            graph.output(tuple(user))
            continue
        env[node] = graph.node_copy(node, lambda n: env[n])
    gm = _ExportedModule(root, graph)
    gm._export_arg_names = list(ep._forward_arg_names or [n for n, _ in user_inputs])
    gm._export_inputs = user_inputs
    gm._export_out_spec = ep._out_spec
    gm._check_guards = check_guards
    gm._dynamic_dims = _dynamic_dims(ep)
    gm._equal_dims = {(node.name, d): tuple(src) for node in ep.graph.nodes if node.op == 'placeholder'
                      for d, src in node.meta.get('dynamic_equal_to', {}).items()}
    return gm


def env_map(value, env):
    from ember.fx.node import map_arg
    return map_arg(value, lambda n: env[n])


def _dynamic_dims(ep):
    """User input name -> {dim: (min, max)} for the sizes exported as dynamic."""
    out = {}
    for node in ep.graph.nodes:
        if node.op != 'placeholder':
            continue
        dims = node.meta.get('dynamic_dims')
        if dims:
            out[node.name] = dims
    return out
