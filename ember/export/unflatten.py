"""``unflatten``: an exported program as a module with the original hierarchy. Each submodule that ran
becomes an ``InterpreterModule`` holding the part of the flat graph recorded inside it (the nodes'
``nn_module_stack``), called from its parent's graph by a ``call_module`` node; parameters, buffers and
constants go back to the submodules that own them, read by ``get_attr`` nodes."""
import copy
import re

import ember.nn as nn
from ember.export._aten import overload
from ember.export.graph_signature import InputKind, OutputKind
from ember.fx.graph import Graph
from ember.fx.graph_module import GraphModule
from ember.fx.interpreter import Interpreter
from ember.fx.node import Node, map_arg

__all__ = ['FlatArgsAdapter', 'InterpreterModule', 'InterpreterModuleDispatcher', 'UnflattenedModule', 'unflatten']


class _SubmoduleBase:
    _ty = None

    def type_name(self):
        """The qualified class name of the module this one stands for (``'__main__.Block'``)."""
        return self._ty


class InterpreterModule(_SubmoduleBase, nn.Module):
    """A submodule of an unflattened program: runs its ``graph`` node by node with ``ember.fx.Interpreter``."""

    def __init__(self, graph, ty=None):
        super().__init__()
        self.graph = graph
        self._ty = ty
        self.graph.owning_module = self

    def forward(self, *args, **kwargs):
        if self.__dict__.get('graph_module') is None:
            raise AssertionError("Didn't finalize this InterpreterModule")
        if kwargs:
            # placeholders are named after the values they receive; keywords fill the rest by name
            names = self.arg_names[len(args):]
            args = tuple(args) + tuple(kwargs[n] for n in names if n in kwargs)
            if len(names) != len(kwargs) or len(args) != len(self.arg_names):
                raise TypeError(f'{type(self).__name__} takes the arguments ({", ".join(self.arg_names)})')
        return Interpreter(self, graph=self.graph).run(*args, enable_io_processing=False)

    def finalize(self):
        """Build the ``graph_module`` (generated code) once the graph is complete."""
        self.__dict__['graph_module'] = GraphModule(self, self.graph)
        self.graph.lint()
        self.arg_names = [n.target for n in self.graph.nodes if n.op == 'placeholder']

    def print_readable(self, print_output=True, include_stride=False, include_device=False, colored=False):
        return _print_readable(self, 'InterpreterModule', print_output, include_stride, include_device)


class InterpreterModuleDispatcher(_SubmoduleBase, nn.Module):
    """A submodule called several times with its call signature preserved: each call runs the
    next of its ``InterpreterModule``s (one per call), wrapping round after the last."""

    def __init__(self, attrs, call_modules):
        super().__init__()
        if not call_modules:
            raise AssertionError('InterpreterModuleDispatcher needs at least one module to call')
        self._modules = call_modules[0]._modules
        for name in attrs:
            setattr(self, name, getattr(call_modules[0], name))
        self._ty = call_modules[0]._ty
        self._call_modules = call_modules
        self._num_calls = 0

    def forward(self, *args, **kwargs):
        module = self._call_modules[self._num_calls]
        self._num_calls = (self._num_calls + 1) % len(self._call_modules)
        try:
            return module(*args, **kwargs)
        except Exception:
            self._num_calls = 0
            raise

    def call_modules(self):
        return self._call_modules


class FlatArgsAdapter:
    """Adapts inputs whose structure differs from the exported one to the exported flat inputs:
    subclass it and implement ``adapt``."""

    def adapt(self, target_spec, input_spec, input_args, metadata=None, obj=None):
        raise NotImplementedError

    def get_flat_arg_paths(self):
        return []


class UnflattenedModule(_SubmoduleBase, nn.Module):
    """An exported program rebuilt with its original module hierarchy (see :func:`unflatten`)."""

    def __init__(self, export_module, flat_args_adapter=None):
        super().__init__()
        ep = export_module
        entries = ep.module_call_graph
        if not entries or entries[0].fqn != '':
            raise ValueError('unflatten needs the module call graph that ember.export.export records; this '
                             'program has none')
        flat = copy.deepcopy(ep.graph)
        self.graph_signature = copy.deepcopy(ep.graph_signature)
        self.graph = Graph()
        self.graph.owning_module = self
        self.module_call_graph = copy.deepcopy(entries)
        self.flat_args_adapter = flat_args_adapter
        self.range_constraints = ep.range_constraints
        self.equality_constraints = []
        self._out_spec = ep._out_spec
        self._arg_names = list(ep._forward_arg_names or [])
        _write_back_mutations(flat, self.graph_signature)
        self._ty = _root_type(flat)
        seen = _Outliner(flat, self).run()
        self._assign_state(ep)
        inputs_to_state = {}
        for s in self.graph_signature.input_specs:
            if s.kind in (InputKind.PARAMETER, InputKind.BUFFER, InputKind.CONSTANT_TENSOR):
                inputs_to_state[s.arg.name] = [s.target]
        _sink_params(self, inputs_to_state, [])
        redirected = _deduplicate(seen)
        _dispatch_modules(self, entries, redirected, [t for targets in inputs_to_state.values() for t in targets])
        order = {fqn: i for i, fqn in enumerate(e.fqn for e in entries if '@' not in e.fqn)}
        _reorder_submodules(self, order)
        self.input_placeholders = [n for n in self.graph.nodes if n.op == 'placeholder']
        self.check_input_constraints = True
        self._dynamic_dims = {n.name: n.meta['dynamic_dims'] for n in self.input_placeholders
                              if n.meta.get('dynamic_dims')}
        self.graph.lint()
        self.__dict__['graph_module'] = GraphModule(self, self.graph)

    def _assign_state(self, ep):
        sig = self.graph_signature
        for name in sig.parameters:
            p = ep.state_dict[name]
            _assign(self, name, nn.Parameter(p.detach().clone(), requires_grad=p.requires_grad), 'parameter')
        non_persistent = set(sig.non_persistent_buffers)
        for name in sig.buffers:
            value = ep.constants[name] if name in non_persistent else ep.state_dict[name]
            _assign(self, name, value.clone(), 'buffer', persistent=name not in non_persistent)
        for name, value in ep.constants.items():
            if name not in non_persistent:
                _assign(self, name, value.clone() if hasattr(value, 'clone') else value, 'constant')

    def process_forward_inputs(self, *args, **kwargs):
        """The flat inputs of the exported graph, checked against the exported shapes."""
        from ember.export._export import _flat_with_names
        from ember.export._unlift import _check_input
        import inspect
        params = [inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD) for n in self._arg_names]
        bound = inspect.Signature(params).bind(*args, **kwargs)
        leaves = []
        for name in self._arg_names:
            leaves += _flat_with_names(bound.arguments.get(name), name)
        if len(leaves) != len(self.input_placeholders):
            if self.flat_args_adapter is None:
                raise TypeError('There is no flat args adapter specified. Are you sure you are calling this with '
                                'the right arguments? ')
            flat = self.flat_args_adapter.adapt(target_spec=self.module_call_graph[0].signature.in_spec,
                                                input_spec=None, input_args=[v for _, v in leaves], obj=args)
            leaves = [(n.name, v) for n, v in zip(self.input_placeholders, flat)]
        if self.check_input_constraints:
            for (_, value), node in zip(leaves, self.input_placeholders):
                _check_input(node.name, value, node.meta.get('val'), self._dynamic_dims.get(node.name, {}))
        return [v for _, v in leaves]

    def forward(self, *args, **kwargs):
        from ember.export._export import _rebuild
        flat = self.process_forward_inputs(*args, **kwargs)
        out = Interpreter(self, graph=self.graph).run(*flat, enable_io_processing=False)
        return _rebuild(self._out_spec, iter(out))

    def print_readable(self, print_output=True, include_stride=False, include_device=False, colored=False):
        return _print_readable(self, 'UnflattenedModule', print_output, include_stride, include_device)


def unflatten(module, flat_args_adapter=None):
    """Unflatten an :class:`ExportedProgram` into a module with the original module's hierarchy: each
    submodule that ran becomes an ``InterpreterModule`` running its own part of the graph, and holds
    its own parameters and buffers.

    Args:
        module (ExportedProgram): the program to unflatten.
        flat_args_adapter (FlatArgsAdapter, optional): adapts inputs whose structure differs from the
            exported one.

    Returns:
        UnflattenedModule

    Example:
        >>> m = nn.Sequential(nn.Linear(3, 2), nn.ReLU())
        >>> u = ember.export.unflatten(ember.export.export(m, (ember.ones(1, 3),)))
        >>> print(u.graph)
        graph():
            %input_1 : [num_users=1] = placeholder[target=input]
            %_0 : [num_users=1] = call_module[target=0](args = (%input_1,), kwargs = {})
            %_1 : [num_users=1] = call_module[target=1](args = (%_0,), kwargs = {})
            return (_1,)
        >>> sorted(dict(u.named_parameters()))
        ['0.bias', '0.weight']
    """
    return UnflattenedModule(module, flat_args_adapter)


# ---------------------------------------------------------------------------------------- preparing
def _write_back_mutations(graph, signature):
    """A buffer or input the program mutates gets its new value written back with ``copy_`` where the
    value is made (instead of being returned), as the eager module would have."""
    output = next(iter(reversed(graph.nodes)))
    returned = output.args[0]
    buffer_inputs = {target: name for name, target in signature.inputs_to_buffers.items()}
    placeholders = {n.name: n for n in graph.nodes if n.op == 'placeholder'}
    kept, kept_specs = [], []
    for value, spec in zip(returned, signature.output_specs):
        if spec.kind == OutputKind.BUFFER_MUTATION:
            target = placeholders[buffer_inputs[spec.target]]
        elif spec.kind == OutputKind.USER_INPUT_MUTATION:
            target = placeholders[spec.target]
        else:
            kept.append(value)
            kept_specs.append(spec)
            continue
        with graph.inserting_after(value):
            write = graph.call_function(overload('copy_', 'default'), (target, value))
        write.meta = copy.copy(value.meta)
        value.replace_all_uses_with(write, lambda user: user is not write)
    output.args = (tuple(kept),)


def _root_type(graph):
    for node in graph.nodes:
        for fqn, ty in node.meta.get('nn_module_stack', {}).values():
            if not fqn:
                return ty
    return None


def _call_name(base, n):
    return base if n == 1 else f'{base}@{n - 1}'


def _accessor(parent_fqn, child_fqn):
    if not parent_fqn:
        return child_fqn
    parent, child = parent_fqn.split('.'), child_fqn.split('.')
    if child[:len(parent)] != parent:
        raise RuntimeError(f"Child module '{child_fqn}' is not a descendant of parent module '{parent_fqn}'.This is "
                           'currently unsupported.Please try to make child module attach to parent module directly.')
    return '.'.join(child[len(parent):])


_EMPTY_STACK = '_empty_nn_module_stack_from_metadata_hook'


def _stack_of(node):
    """``[(fqn, type, call index)]`` of the modules running when ``node`` was recorded."""
    stack = node.meta.get('nn_module_stack')
    if not stack:
        raise RuntimeError(f'Unable to find nn_module_stack for node {node}')
    out = []
    for key, (fqn, ty) in stack.items():
        out.append((fqn, ty if fqn else None, int(key.split('@')[-1]) if '@' in key else 0))
    return out


# ---------------------------------------------------------------------------------------- outlining
class _Outliner:
    """Walks the flat graph once, opening a frame (a submodule's graph) where a node's module stack
    grows and closing it where the stack shrinks."""

    def __init__(self, flat, root):
        self.flat, self.root = flat, root
        self.nodes = list(flat.nodes)
        self.seen_nodes = {}        # name -> flat node, once copied somewhere
        self.seen_modules = {}      # module key -> [frame, ...] (one per call)
        self.signatures = {e.fqn: e.signature for e in root.module_call_graph if e.fqn and e.signature is not None}
        self.created = {}           # fqn -> module made on the way to a deeper one

    def run(self):
        frame = _Frame(self, None, [('', None, 0)], '', self.root)
        i = 0
        while self.nodes[i].op == 'placeholder':
            frame.copy_node(self.nodes[i])
            i += 1
        frame.run_from(i)
        frame.copy_node(self.nodes[-1])
        return self.seen_modules


class _Frame:
    def __init__(self, outliner, parent, stack, module_id, module=None):
        self.o, self.parent, self.stack = outliner, parent, stack
        self.fqn, ty, calls = stack[-1]
        self.child_fqn = _call_name(self.fqn, calls + 1)
        self.module = module if module is not None else outliner.created.get(self.fqn, InterpreterModule(Graph(), ty))
        self.graph = self.module.graph
        self.node_map, self.node_to_placeholder = {}, {}
        self.parent_call = None
        if parent is not None:
            def create_module(fqn):
                path = f'{parent.fqn}.{fqn}' if parent.fqn else fqn
                if path not in outliner.created:
                    outliner.created[path] = InterpreterModule(Graph(), ty)
                return outliner.created[path]
            _add_submodule(parent.module, _accessor(parent.fqn, self.child_fqn), self.module, create_module)
            self.parent_call = parent.graph.call_module(_accessor(parent.fqn, self.child_fqn))
            calls_of = outliner.seen_modules.setdefault(module_id, [])
            if calls_of:       # a later call of the same module shares the first call's submodules
                self.module._modules = calls_of[0].module._modules
            calls_of.append(self)
            self.call_index = calls + 1
        self.signature = outliner.signatures.get(self.child_fqn) if parent is not None else None
        if self.signature is not None:
            self._take_signature_inputs()

    def _take_signature_inputs(self):
        """A call whose signature is preserved takes the original arguments: its graph flattens them
        (``_positional_arg_N`` and keyword placeholders) and the parent passes them rebuilt."""
        import operator
        sig = self.signature
        args_spec, kwargs_spec = sig.in_spec.children()
        with self.graph.inserting_after(None):
            arg_nodes = [self.graph.placeholder(f'_positional_arg_{i}') for i in range(args_spec.num_children)]
            kwarg_nodes = {name: self.graph.placeholder(name) for name in kwargs_spec.context}
            flat = _flatten_spec_node(self.module, (tuple(arg_nodes), kwarg_nodes), sig.in_spec)
            for i, arg in enumerate(sig.inputs):
                name = getattr(arg, 'name', '') or f'_constant_{i}'
                got = self.graph.create_node('call_function', operator.getitem, (flat, i),
                                             name=name if hasattr(arg, 'value') is False else f'_constant_{i}')
                seen = self.o.seen_nodes.get(getattr(arg, 'name', None))
                if not hasattr(arg, 'value') and seen is not None:
                    got.meta = copy.copy(seen.meta)
                    self.node_to_placeholder[seen] = got
        with self.parent.graph.inserting_before(self.parent_call):
            values = []
            for arg in sig.inputs:
                if hasattr(arg, 'value'):
                    values.append(arg.value)
                else:
                    seen = self.o.seen_nodes.get(arg.name)
                    values.append(self.parent.remap_input(seen) if seen is not None else None)
            rebuilt = _unflatten_node(self.parent.module, values, sig.in_spec)
            args = self.parent.graph.call_function(operator.getitem, (rebuilt, 0))
            kwargs = self.parent.graph.call_function(operator.getitem, (rebuilt, 1))
            arg_values = [self.parent.graph.call_function(operator.getitem, (args, i))
                          for i in range(args_spec.num_children)]
            kwarg_values = {k: self.parent.graph.call_function(operator.getitem, (kwargs, k))
                            for k in kwargs_spec.context}
        self.parent_call.args = tuple(arg_values)
        self.parent_call.kwargs = kwarg_values

    def remap_input(self, x):
        if x in self.node_map:
            return self.node_map[x]
        if x not in self.node_to_placeholder and self.signature is not None and x.op != 'placeholder':
            raise NotImplementedError(f"unflatten: the module '{self.fqn}', whose call signature is preserved, reads "
                                      f"'{x.name}', a value made outside it that it was not given")
        if x not in self.node_to_placeholder:
            # a value from outside this module: a new input, passed by the parent's call (both prepended)
            with self.graph.inserting_before(None):
                ph = self.graph.placeholder(x.name)
            ph.meta = copy.copy(x.meta)
            self.node_to_placeholder[x] = ph
            if self.parent_call is not None:
                with self.parent.graph.inserting_before(self.parent_call):
                    self.parent_call.args = (self.parent.remap_input(x),) + tuple(self.parent_call.args)
        return self.node_to_placeholder[x]

    def copy_node(self, node):
        self.node_map[node] = self.graph.node_copy(node, self.remap_input)
        self.o.seen_nodes[node.name] = node

    def finalize_outputs(self):
        self.o.created.pop(self.fqn, None)
        if self.signature is not None:
            self._give_signature_outputs()
            return
        originals, outputs = [], []
        for orig, new in self.node_map.items():
            if any(user.name not in self.o.seen_nodes for user in orig.users):
                originals.append(orig)
                outputs.append(new)
        self.graph.output(outputs[0] if len(outputs) == 1 else outputs)
        call = self.parent_call
        call.meta['val'] = outputs[0].meta.get('val') if len(outputs) == 1 else [o.meta.get('val') for o in outputs]
        if len(originals) == 1:
            self.parent.node_map[originals[0]] = call
            return
        import operator
        for i, orig in enumerate(originals):
            item = self.parent.graph.call_function(operator.getitem, (call, i))
            item.meta['val'] = orig.meta.get('val')
            self.parent.node_map[orig] = item

    def _give_signature_outputs(self):
        """The preserved call returns its original structure; the parent flattens it again."""
        import operator
        sig = self.signature
        originals, results = [], []
        for out in sig.outputs:
            seen = self.o.seen_nodes.get(getattr(out, 'name', None)) if not hasattr(out, 'value') else None
            originals.append(seen)
            if seen is None:
                results.append(out.value if hasattr(out, 'value') else None)
            elif seen in self.node_map:
                results.append(self.node_map[seen])
            elif seen in self.node_to_placeholder:
                results.append(self.node_to_placeholder[seen])
            else:
                raise RuntimeError(f'Could not find output node {out}. Graph: {self.graph}')
        self.graph.output(_unflatten_node(self.module, tuple(results), sig.out_spec))
        flat = _flatten_spec_node(self.parent.module, self.parent_call, sig.out_spec)
        for i, orig in enumerate(originals):
            if orig is None:
                continue
            item = self.parent.graph.call_function(operator.getitem, (flat, i))
            item.meta['val'] = orig.meta.get('val')
            self.parent.node_map[orig] = item

    def run_from(self, i):
        depth = len(self.stack)
        nodes = self.o.nodes
        while i < len(nodes):
            node = nodes[i]
            if node.op == 'output':
                if depth > 1:
                    self.finalize_outputs()
                return i
            # a node PyTorch made outside any module's code (a size read, ``aten.sym_size``) runs where it is
            stack = self.stack if _EMPTY_STACK in node.meta.get('nn_module_stack', {}) else _stack_of(node)
            if [(f, c) for f, _, c in stack[:depth]] != [(f, c) for f, _, c in self.stack]:
                self.finalize_outputs()          # this module's call is over
                return i
            if len(stack) > depth:               # a submodule's call begins
                key = list(node.meta['nn_module_stack'])[depth].split('@')[0]
                i = _Frame(self.o, self, self.stack + [stack[depth]], key).run_from(i)
                continue
            self.copy_node(node)
            i += 1
        return i


def _add_spec(module, spec):
    i = 0
    while hasattr(module, f'_spec_{i}'):
        i += 1
    setattr(module, f'_spec_{i}', spec)
    return f'_spec_{i}'


def _flatten_spec_node(module, value, spec):
    from ember.fx._pytree import tree_flatten_spec
    return module.graph.call_function(tree_flatten_spec, (value, module.graph.get_attr(_add_spec(module, spec))))


def _unflatten_node(module, values, spec):
    from ember.utils._pytree import tree_unflatten
    return module.graph.call_function(tree_unflatten, (values, module.graph.get_attr(_add_spec(module, spec))))


def _add_submodule(mod, target, child, create_module):
    *prefix, field = target.split('.')
    for i, item in enumerate(prefix):
        sub = getattr(mod, item, None)
        if sub is None:
            sub = create_module('.'.join(prefix[:i + 1]))
            setattr(mod, item, sub)
        mod = sub
    mod.add_module(field, child)


def _assign(root, fqn, value, kind, persistent=True):
    """Put ``value`` at ``fqn`` under ``root``, on every call of each module on the way (``lin`` and
    ``lin@1`` share their state)."""
    *prefix, field = fqn.split('.')
    owners = [root]
    for item in prefix:
        found = []
        for mod in owners:
            if mod._modules.get(item) is None:
                mod.add_module(item, nn.Module())
            found += [m for k, m in mod._modules.items() if re.fullmatch(re.escape(item) + r'(@\d+)?', k)]
        owners = found
    for mod in owners:
        if kind == 'parameter':
            mod.register_parameter(field, value)
        elif kind == 'buffer':
            mod.register_buffer(field, value, persistent=persistent)
        else:
            setattr(mod, field, value)


def _get_attr(mod, path):
    for item in path:
        mod = getattr(mod, item)
    return mod


def _sink_params(module, inputs_to_state, scope, removed_by_module=None):
    """Replace the inputs that carry state with ``get_attr`` reads of the module owning that state,
    innermost modules first; returns the names of the inputs each module dropped."""
    if removed_by_module is None:
        removed_by_module = {}
    if id(module) in removed_by_module:
        return {id(module): removed_by_module[id(module)]}
    for name, sub in module._modules.items():
        for k, v in _sink_params(sub, inputs_to_state, scope + [name], removed_by_module).items():
            removed_by_module.setdefault(k, set()).update(v)
    graph = getattr(module, 'graph', None)
    if not isinstance(graph, Graph) or len(graph.nodes) == 0:
        return removed_by_module
    inputs = [n for n in graph.nodes if n.op == 'placeholder']
    last_input = inputs[-1] if inputs else None
    for node in graph.nodes:
        if node.op == 'call_module':
            sub = _get_attr(module, node.target.split('.'))
            if id(sub) in removed_by_module:
                node.args = tuple(a for a in node.args
                                  if not (isinstance(a, Node) and a.name in removed_by_module[id(sub)]))
    plain_scope = [s.split('@')[0] for s in scope]
    removed = set()
    for node in inputs:
        state = None
        for target in inputs_to_state.get(node.name, ()):
            parts = target.split('.')
            if parts[:len(scope)] == plain_scope:
                state = parts
                break
        if state is None:
            continue
        if node.users:
            with graph.inserting_after(last_input):
                read = graph.get_attr('.'.join(state[len(scope):]))
            node.replace_all_uses_with(read, propagate_meta=True)
        graph.erase_node(node)
        removed.add(node.name)
    if isinstance(module, InterpreterModule):
        module.finalize()
    return {id(module): removed}


def _graph_dump(graph):
    index, lines = {}, []
    for i, node in enumerate(graph.nodes):
        def dump(a):
            return f'%{index[a]}' if isinstance(a, Node) else str(a)
        args = [str(map_arg(a, dump) if not isinstance(a, Node) else dump(a)) for a in node.args]
        args += [f'{k}={map_arg(v, dump) if not isinstance(v, Node) else dump(v)}' for k, v in node.kwargs.items()]
        target = node.target if node.op in ('call_function', 'get_attr') else ''
        lines.append(f"{i}: {node.op}[{target}]({', '.join(args)})")
        index[node] = i
    return '\n'.join(lines)


def _deduplicate(seen_modules):
    """A module called several times gives one submodule per call (``lin``, ``lin@1``); calls whose
    graphs are the same share the first call's submodule. Returns the call names redirected so."""
    redirected = {}
    for frames in seen_modules.values():
        for i, frame in enumerate(frames):
            for first in frames[:i]:
                if first.fqn == frame.fqn and _graph_dump(first.module.graph) == _graph_dump(frame.module.graph):
                    target = _accessor(frame.parent.fqn, frame.child_fqn)
                    *prefix, name = target.split('.')
                    _get_attr(frame.parent.module, prefix)._modules.pop(name)
                    frame.parent_call.target = _accessor(frame.parent.fqn, first.child_fqn)
                    redirected[frame.child_fqn] = first.child_fqn
                    break
    return redirected


def _dispatch_modules(root, entries, redirected, state_targets):
    """A module whose signature is preserved and which is called several times becomes one
    ``InterpreterModuleDispatcher`` over its calls' modules; calls name it without ``@n``."""
    called = {}
    for entry in entries:
        if entry.fqn and entry.signature is not None:
            base, index = entry.fqn.split('@') if '@' in entry.fqn else (entry.fqn, '0')
            module = _get_attr(root, redirected.get(entry.fqn, entry.fqn).split('.'))
            called.setdefault(base, []).append((int(index), module))
    attrs = {}                   # module path -> its state's names, in the program's input order
    for target in state_targets:
        owner, _, name = target.rpartition('.')
        attrs.setdefault(owner, []).append(name)
    for base, calls in called.items():
        modules = [m for _, m in sorted(calls, key=lambda c: c[0])]
        if len(modules) < 2:
            continue
        *path, name = base.split('.')
        parent = _get_attr(root, path)
        for i in range(1, len(modules)):
            if _call_name(base, i + 1) not in redirected:
                parent._modules.pop(f'{name}@{i}', None)
        parent._modules[name] = InterpreterModuleDispatcher(attrs.get(base, []), modules)
    for fqn, module in root.named_modules(remove_duplicate=False):
        graphs = [module.graph] if isinstance(getattr(module, 'graph', None), Graph) else \
            [m.graph for m in getattr(module, '_call_modules', ())]
        for graph in graphs:
            for node in graph.nodes:
                if node.op == 'call_module':
                    plain = node.target.split('@')[0]
                    if (f'{fqn}.{plain}' if fqn else plain) in called:
                        node.target = plain


def _reorder_submodules(parent, order, prefix=''):
    """Submodules in the original module's order (missing ones, never called, as empty Modules)."""
    if prefix == '':
        for fqn in list(order)[1:]:
            mod = parent
            for item in fqn.split('.'):
                child = mod._modules.get(item)
                if child is None:
                    child = nn.Module()
                    mod.add_module(item, child)
                mod = child
    children = []
    for name, child in list(parent._modules.items()):
        if child is None:
            continue
        fqn = prefix + name
        _reorder_submodules(child, order, fqn.split('@')[0] + '.')
        base = fqn.split('@')[0]
        children.append((order.get(fqn, order.get(base, len(order))), name, child))
        del parent._modules[name]
    children.sort(key=lambda c: c[0])
    for _, name, child in children:
        parent.add_module(name, child)


def _print_readable(module, name, print_output, include_stride, include_device):
    from ember.fx.graph_module import _readable
    text = _readable(module, name, include_stride, include_device)
    if print_output:
        print(text)
    return text
