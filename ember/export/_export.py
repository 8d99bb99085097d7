"""``export``: trace a module's forward into an ATen-level graph with its state lifted to inputs."""
import inspect
import re

import ember
from ember._tensor import Tensor
from ember.export import _errors
from ember.export._internal_calls import recording_internal_calls
from ember.export._module_calls import module_call_graph, recording_call_signatures, recording_module_calls
from ember.export._retrace import untrack
from ember.export._tracer import OpTracer, _meta_value, _tensor_meta, run_traced
from ember.export.graph_signature import (ConstantArgument, ExportGraphSignature, InputKind, InputSpec,
                                          OutputKind, OutputSpec, TensorArgument)
from ember.fx.graph import Graph


def _flat_with_names(value, name):
    """The leaves of a (nested) input with PyTorch's placeholder names (``x``, ``x_0``, ``x_a``)."""
    if isinstance(value, (list, tuple)) and not isinstance(value, ember.Size):
        out = []
        for i, v in enumerate(value):
            out += _flat_with_names(v, f'{name}_{i}')
        return out
    if isinstance(value, dict):
        out = []
        for k, v in value.items():
            out += _flat_with_names(v, f"{name}_{re.sub(r'[^a-zA-Z0-9]', '_', str(k)).lower()}")
        return out
    return [(name, value)]


def _rebuild(value, leaves):
    """``value``'s structure with its leaves taken in order from the iterator ``leaves``."""
    if isinstance(value, (list, tuple)) and not isinstance(value, ember.Size):
        items = [_rebuild(v, leaves) for v in value]
        return type(value)(*items) if hasattr(value, '_fields') else type(value)(items)
    if isinstance(value, dict):
        return type(value)((k, _rebuild(v, leaves)) for k, v in value.items())
    return next(leaves)


def placeholder(graph, name):
    """A placeholder named exactly ``name`` when no other node is: PyTorch names inputs by the
    forward's parameters, builtins such as ``input`` too."""
    node = graph.placeholder(name)
    if node.name != name and all(n.name != name for n in graph.nodes):
        node.name = name
    return node


def _state_name(prefix, fqn):
    return prefix + re.sub(r'[^a-zA-Z0-9]', '_', fqn).lower()


def _tensor_constants(mod):
    """Tensor attributes that are neither parameters nor buffers (``self.scale = ember.ones(3)``)."""
    found = []
    for mname, m in mod.named_modules():
        for attr, v in vars(m).items():
            if isinstance(v, Tensor) and not attr.startswith('_'):
                found.append((f'{mname}.{attr}' if mname else attr, m, attr, v))
    return found


def export(mod, args, kwargs=None, *, dynamic_shapes=None, strict=False, preserve_module_call_signature=(),
           prefer_deferred_runtime_asserts_over_guards=False):
    """Trace ``mod``'s forward on example inputs into an :class:`ExportedProgram`: a graph of ATen
    operators (``aten.linear.default``) whose inputs are the module's parameters, buffers and
    tensor constants followed by the user's inputs.

    Args:
        mod (nn.Module): the module to export; its ``forward`` runs once on ``args``.
        args (tuple): example positional inputs.
        kwargs (dict, optional): example keyword inputs.
        dynamic_shapes (dict or tuple, optional): for each input, which dimensions may vary
            (``{"x": {0: Dim("batch")}}``); the others are fixed at the example's sizes.
        strict (bool): trace as PyTorch's strict mode does. PyTorch then traces the forward's
            bytecode; ember runs the forward in both modes, and gives the strict program's form:
            only the state the forward reads is lifted, parameters first, then buffers and
            constants, each in the order of first use, and dynamic sizes get strict mode's symbols.
            Python code that PyTorch's bytecode tracer would refuse is not refused here.
        preserve_module_call_signature (tuple): submodules whose call signature to keep (each called
            once): ``unflatten`` then calls them with the original arguments, so they can be swapped.

    Returns:
        ExportedProgram

    Python control flow is run for the example inputs and specialised; branching on a tensor's
    values raises ``GuardOnDataDependentSymNode``, as in PyTorch.

    Example:
        >>> ep = ember.export.export(nn.Sequential(nn.Linear(3, 2), nn.ReLU()), (ember.ones(1, 3),))
        >>> [n.name for n in ep.graph.nodes]
        ['p_0_weight', 'p_0_bias', 'input', 'linear', 'relu', 'output']
        >>> ep.module()(ember.ones(1, 3)).shape
        ember.Size([1, 2])
    """
    from ember.export.exported_program import ExportedProgram
    from ember.export.dynamic_shapes import range_constraints_for
    import ember.nn as nn
    if not isinstance(mod, nn.Module):
        raise ValueError(f'Expected `mod` to be an instance of `ember.nn.Module`, got {type(mod)}.')
    if not isinstance(args, tuple):
        raise _errors.UserError(f'Expecting `args` to be a tuple of example positional inputs, got {type(args)}'
                                + _errors._ADVICE)
    kwargs = {} if kwargs is None else kwargs
    if not isinstance(kwargs, dict):
        raise TypeError(f'inspect.Signature.bind() argument after ** must be a mapping, not {type(kwargs).__name__}')

    graph = Graph()
    constants, state_dict = {}, {}
    input_specs = []

    # user inputs first, so that they keep their plain names (``x``) when a state name would clash
    signature = inspect.signature(mod.forward)
    bound = signature.bind(*args, **kwargs)
    user_leaves = []
    for name, value in bound.arguments.items():
        param = signature.parameters[name]
        if param.kind is param.VAR_POSITIONAL:
            user_leaves += _flat_with_names(list(value), name)
        elif param.kind is param.VAR_KEYWORD:
            for k, v in value.items():
                user_leaves += _flat_with_names(v, k)
        else:
            user_leaves += _flat_with_names(value, name)
    tracer = OpTracer(graph)
    if strict:
        tracer.root_code = getattr(type(mod).forward, '__code__', None)
    user_nodes, traced_leaves, traced_inputs = [], [], {}
    for name, value in user_leaves:
        node = placeholder(graph, name)
        user_nodes.append(node)
        if isinstance(value, Tensor):
            # one tensor passed as several inputs stays one object in the forward (``query is key`` picks
            # attention's packed projection), read from its first input, as PyTorch's trace does
            traced = traced_inputs.get(id(value))
            if traced is None:
                traced = traced_inputs[id(value)] = tracer.track(value.detach().clone(), node, value.requires_grad)
            else:
                node.meta.update(val=_meta_value(value), tensor_meta=_tensor_meta(value, value.requires_grad))
            traced_leaves.append(traced)
        else:
            node.meta['val'] = value
            traced_leaves.append(value)
        input_specs.append(InputSpec(InputKind.USER_INPUT, TensorArgument(node.name) if isinstance(value, Tensor)
                                     else ConstantArgument(node.name, value), None))
    first_user = user_nodes[0] if user_nodes else None

    def state_placeholder(name):
        if first_user is None:
            return graph.placeholder(name)
        with graph.inserting_before(first_user):
            return graph.placeholder(name)

    state_specs, swaps, traced_of = [], [], {}
    persistent = _persistent_buffers(mod)
    for fqn, p in mod.named_parameters():
        node = state_placeholder(_state_name('p_', fqn))
        traced_of[id(p)] = tracer.track(p.detach(), node, p.requires_grad)
        state_specs.append(InputSpec(InputKind.PARAMETER, TensorArgument(node.name), fqn))
        state_dict[fqn] = p
    for fqn, b in mod.named_buffers():
        node = state_placeholder(_state_name('b_', fqn))
        traced_of[id(b)] = tracer.track(b.detach().clone(), node)
        is_persistent = fqn in persistent
        state_specs.append(InputSpec(InputKind.BUFFER, TensorArgument(node.name), fqn, persistent=is_persistent))
        if is_persistent:
            state_dict[fqn] = b
        else:
            constants[fqn] = b
    for fqn, owner, attr, t in _tensor_constants(mod):
        if id(t) not in traced_of:
            node = state_placeholder(_state_name('c_', fqn))
            traced_of[id(t)] = tracer.track(t.detach().clone(), node)
            state_specs.append(InputSpec(InputKind.CONSTANT_TENSOR, TensorArgument(node.name), fqn))
            constants[fqn] = t

    lifted = [0]

    def lift_constant(value):
        # a tensor made during forward without any input (``ember.ones(3)``): lifted to an input
        watcher.check_value(value)      # computed from the inputs where the trace could not see it: refused
        name = f'lifted_tensor_{lifted[0]}'
        lifted[0] += 1
        node = state_placeholder('c_' + name)
        state_specs.append(InputSpec(InputKind.CONSTANT_TENSOR, TensorArgument(node.name), name))
        constants[name] = value.detach().clone()
        return node
    tracer.lift_constant = lift_constant

    # the module's state is swapped for traced copies while forward runs, then put back
    for m in mod.modules():
        for store in (m._parameters, m._buffers):
            for k, v in store.items():
                if v is not None and id(v) in traced_of:
                    swaps.append((store, k, v))
                    store[k] = traced_of[id(v)]
        for k, v in list(vars(m).items()):
            if isinstance(v, Tensor) and id(v) in traced_of and not k.startswith('_'):
                swaps.append((m.__dict__, k, v))
                m.__dict__[k] = traced_of[id(v)]
    signatures = {}
    leaves = iter(traced_leaves)
    call_args = _rebuild(list(bound.args), leaves)
    call_kwargs = _rebuild(dict(bound.kwargs), leaves)
    try:
        with recording_internal_calls(mod) as watcher, recording_module_calls(tracer, mod), \
                recording_call_signatures(tracer, mod, preserve_module_call_signature, signatures):
            out = run_traced(tracer, lambda: mod(*call_args, **call_kwargs), ())
            out_nodes = [tracer.node_of(v) if isinstance(v, Tensor) else v for _, v in _flat_with_names(out, 'out')]
    finally:
        for store, k, v in reversed(swaps):
            store[k] = v

    output_specs = []
    for node, (_, value) in zip(out_nodes, _flat_with_names(out, 'out')):
        if isinstance(value, Tensor):
            output_specs.append(OutputSpec(OutputKind.USER_OUTPUT, TensorArgument(node.name), None))
        else:
            output_specs.append(OutputSpec(OutputKind.USER_OUTPUT, ConstantArgument('', value), None))
    graph.output(tuple(out_nodes))
    out_spec = _rebuild(out, iter([None] * len(out_nodes)))    # the output's structure, without the values
    untrack(tracer)

    if strict:
        state_specs = _strict_state(graph, state_specs, first_user)
    signature = ExportGraphSignature(state_specs + input_specs, output_specs)
    example_inputs = (tuple(args), dict(kwargs))
    range_constraints = range_constraints_for(graph, signature, dynamic_shapes, args, kwargs, mod, strict=strict)
    if range_constraints:
        from ember.export.dynamic_shapes import follow_dynamic_sizes

        def retrace_grown(grown):
            # every dynamic dimension one larger (its last slice repeated, so values stay valid)
            bigger = inspect.signature(mod.forward).bind(*args, **kwargs)
            for name, dims in grown.items():
                t = bigger.arguments[name]
                for d in dims:
                    t = ember.cat([t, t.narrow(d, t.shape[d] - 1, 1)], d)
                bigger.arguments[name] = t
            return export(mod, bigger.args, bigger.kwargs).graph
        follow_dynamic_sizes(graph, retrace_grown)
    call_graph = module_call_graph(mod, args, kwargs, out, list(bound.arguments), signatures)
    return ExportedProgram(graph, signature, state_dict, range_constraints, call_graph, constants=constants,
                           example_inputs=example_inputs, out_spec=out_spec, forward_arg_names=list(bound.arguments))


def _strict_state(graph, specs, first_user):
    """The module state as PyTorch's strict mode lifts it: its bytecode tracer meets the state as
    the forward reads it, so only what the forward reads becomes an input, parameters first, then
    buffers and tensor constants together, each group in the order of first use (constants marked
    persistent, as strict mode marks them). The state dict still holds every parameter and buffer."""
    order = {n: i for i, n in enumerate(graph.nodes)}
    nodes = {n.name: n for n in graph.nodes if n.op == 'placeholder'}

    def first_use(spec):
        return min(order[u] for u in nodes[spec.arg.name].users)
    used = [s for s in specs if nodes[s.arg.name].users]
    for s in specs:
        if not nodes[s.arg.name].users:
            graph.erase_node(nodes[s.arg.name])
    params = sorted((s for s in used if s.kind == InputKind.PARAMETER), key=first_use)
    rest = sorted((s for s in used if s.kind != InputKind.PARAMETER), key=first_use)
    rest = [InputSpec(s.kind, s.arg, s.target, True) if s.kind == InputKind.CONSTANT_TENSOR else s for s in rest]
    anchor = first_user or next(n for n in graph.nodes if n.op != 'placeholder')
    for s in params + rest:
        anchor.prepend(nodes[s.arg.name])
    return params + rest


def _persistent_buffers(mod):
    names = set()
    for mname, m in mod.named_modules():
        skip = getattr(m, '_non_persistent_buffers_set', set())
        for b in m._buffers:
            if b not in skip and m._buffers[b] is not None:
                names.add(f'{mname}.{b}' if mname else b)
    return names
