"""``ember.jit.trace``: record what a module or function runs on example inputs as a TorchScript program.

The recording is ``ember.export``'s ATen graph (Python control flow followed for the example and frozen;
reading a tensor as a Python value warns, as PyTorch's tracer does, and freezes the value;
``_trace_record``). It is
printed as TorchScript code (``_trace_code``; each module's class with the forward its call ran,
``_trace_modules``), compiled as ``ember.jit.load`` compiles an archive's code,
and given the module's own parameters and buffers: the traced module runs the recorded program (checked
as PyTorch checks a trace, ``_trace_check``), and ``ember.jit.save`` writes it as an archive PyTorch's
``torch.jit.load`` runs.
"""
import inspect
import warnings

import ember
from ember.jit import _script_code, _trace_code
from ember.jit._archive_write import ScriptArchive
from ember.jit._script_module import RecursiveScriptModule
from ember.jit._trace_check import TracerWarning, TracingCheckError, check  # noqa: F401  (ember.jit's names)
from ember.jit._trace_code import TraceUnsupported
from ember.jit._trace_record import record


class TracedModule(RecursiveScriptModule):
    """A submodule of a traced module: the original's parameters, buffers and submodules."""

    def _get_name(self):
        return self.original_name       # printed under its original class's name, as PyTorch does

    @property
    def graph(self):
        """The traced program as TorchScript's IR graph: ``self`` and the inputs, the submodules read by
        ``prim::GetAttr`` and called by ``prim::CallMethod``, the operators, the returned value."""
        return self._ir_graph(inlined=False)

    @property
    def inlined_graph(self):
        """The IR graph with the submodules' calls inlined: every operator, parameters read by
        ``prim::GetAttr``, each operator's ``scope`` the submodule calls it ran in."""
        return self._ir_graph(inlined=True)

    def _ir_graph(self, inlined):
        if self.__dict__.get('_recorded_program') is None:
            raise RuntimeError(f"ember.jit: the graph of the traced {self.original_name} is its traced parent's "
                               "(ember keeps the recording of the whole call only)")
        from ember.jit._trace_ir import program_graph
        return program_graph(self, inlined)


class TopLevelTracedModule(TracedModule):
    """What ``ember.jit.trace`` gives for a module: its ``forward`` runs the recorded program."""


class ScriptFunction:
    """A traced function, what :func:`ember.jit.trace` returns for a plain function: calling it runs the
    recorded program; ``code`` is its TorchScript text and :func:`ember.jit.save` writes it as an archive.

    Example::

        >>> def double_plus_one(x):
        ...     return x * 2 + 1
        >>> traced = ember.jit.trace(double_plus_one, ember.ones(2))
        >>> isinstance(traced, ember.jit.ScriptFunction)
        True
        >>> traced(ember.tensor([1., 2.]))
        tensor([3., 5.])
    """

    def __init__(self, module, name):
        self._program_module, self.name = module, name
        self.qualified_name = f'__torch__.{name}'

    def __call__(self, *args, **kwargs):
        return self._program_module(*args, **kwargs)

    @property
    def code(self):
        return self._program_module.code.replace('def forward(self,\n    ', f'def {self.name}(', 1)\
            .replace('def forward(self)', f'def {self.name}()', 1)

    @property
    def graph(self):
        """The traced function as TorchScript's IR graph (its parameters by name, its operators, its result)."""
        return self._program_module.graph

    @property
    def inlined_graph(self):
        """The same graph: a traced function calls nothing it could inline."""
        return self._program_module.inlined_graph

    def save(self, f, _extra_files=None):
        from ember.jit._archive_write import write_archive
        write_archive(self._program_module, f, _extra_files)

    def __repr__(self):
        return f'<ember.jit.ScriptFunction object at {hex(id(self))}>'


ScriptFunction.__module__ = 'ember.jit'
# with its module named ember.jit, doctest's finder skips the class here: its example is named for it
__test__ = {'ScriptFunction': ScriptFunction.__doc__}


_CONTAINER_ADVICE = (" at the output of the tracer might cause the trace to be incorrect, this is only valid if the "
                     "container structure does not change based on the module's inputs. Consider using a constant "
                     "container instead (e.g. for `list`, use a `tuple` instead. for `dict`, use a `NamedTuple` "
                     "instead). If you absolutely need this and know the side effects, pass strict=False to trace() "
                     "to allow this behavior.")


def _type_name(value):
    if isinstance(value, ember.Tensor):
        return 'Tensor'
    if isinstance(value, tuple):
        return 'Tuple[' + ', '.join(_type_name(v) for v in value) + ']'
    if isinstance(value, list):
        return 'List[' + (_type_name(value[0]) if value else 'Tensor') + ']'
    if isinstance(value, dict):
        return 'Dict[str, ' + (_type_name(next(iter(value.values()))) if value else 'Tensor') + ']'
    return {bool: 'bool', int: 'int', float: 'float', str: 'str'}.get(type(value), type(value).__name__)


def _check_inputs_traceable(values):
    if not all(_only_tensors(v) for v in values):
        raise RuntimeError(f"Type '{_type_name(tuple(values))}' cannot be traced. Only Tensors and (possibly "
                           "nested) Lists, Dicts, and Tuples of Tensors can be traced")


def _only_tensors(value):
    if isinstance(value, ember.Tensor):
        return True
    if isinstance(value, (tuple, list)):
        return all(_only_tensors(v) for v in value)
    if isinstance(value, dict):
        return all(_only_tensors(v) for v in value.values())
    return False


def _check_output_structure(spec, strict):
    if isinstance(spec, dict):
        if strict:
            raise RuntimeError('Encountering a dict' + _CONTAINER_ADVICE)
    elif isinstance(spec, list) and strict:
        warnings.warn('Encountering a list' + _CONTAINER_ADVICE, TracerWarning, stacklevel=4)
    if isinstance(spec, (list, tuple)):
        for s in spec:
            _check_output_structure(s, strict)
    elif isinstance(spec, dict):
        for s in spec.values():
            _check_output_structure(s, strict)


def _forward_inputs(mod, args, kwargs):
    bound = inspect.signature(mod.forward).bind(*args, **kwargs)
    inputs = []
    for name, value in bound.arguments.items():
        kind = bound.signature.parameters[name].kind
        if kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD):
            raise TraceUnsupported(f"ember.jit.trace: the forward's *{name} cannot be written as TorchScript; "
                                   "name its parameters")
        inputs.append((name, value))
    return inputs


def _program(mod, args, kwargs, strict, root_name=None, per_module=True):
    """(sources, constants, version, {id(module): qualified class name}, program text, graph) of the trace:
    each module's class with the forward its call ran (``per_module``, where the program allows), else the
    whole program in the top module's forward."""
    from ember.jit import _trace_modules
    names = []
    ep = record(mod, args, kwargs, names)
    ep._jit_value_names = names
    # values the program computed but did not use (a tensor read as a number, then the number used) leave no
    # code, as TorchScript's dead-code pass leaves none
    ep.graph.eliminate_dead_code()
    _check_output_structure(ep._out_spec, strict)
    inputs = _forward_inputs(mod, args, kwargs)
    constants, forwards = [], None
    if per_module:
        try:
            forwards = _trace_modules.module_forwards(ep, mod, inputs, constants)
        except _trace_modules.Flat:
            constants = []
    if forwards is None:
        forwards = {id(mod): _trace_code.forward_code(ep, _trace_modules.QUALIFIED, constants, inputs)}
    version = max(v for _, v in forwards.values())
    qualified, sources, texts = {}, {}, {}
    root_module, root_class = _trace_code.torch_class_path(type(mod)) if root_name is None else ('', root_name)
    # class names, children before parents (a class's text names its children's classes)
    for _, m in reversed(list(mod.named_modules())):
        module_path, name = (root_module, root_class) if m is mod else _trace_code.torch_class_path(type(m))
        children = {k: qualified[id(c)] for k, c in m._modules.items() if c is not None}
        forward = forwards.get(id(m))
        text = _trace_code.class_source(name, m, children, forward[0] if forward else None)
        base = '.'.join(p for p in ('__torch__', module_path) if p)
        if (base, text) in texts and m is not mod:
            qualified[id(m)] = texts[(base, text)]
            continue
        target, n = base, 0
        while f'{target}.{name}' in qualified.values():
            target, n = f'{base}.___torch_mangle_{n}', n + 1
        qualified[id(m)] = f'{target}.{name}'
        texts[(base, text)] = qualified[id(m)]
        sources[target] = sources.get(target, '') + text.replace(_trace_modules.QUALIFIED, qualified[id(m)])
    program = '\n'.join(sources[k] for k in sorted(sources))
    return sources, constants, version, qualified, program, ep


def _build(mod, sources, constants, version, qualified, traced_inputs):
    """The traced module tree: classes compiled from ``sources``, state shared with ``mod``."""
    root = _script_code.compile_code(sources, tuple(constants))
    for name, text in sources.items():
        namespace = _script_code.lookup(root, name)
        for value in vars(namespace).values():
            if isinstance(value, type):
                value._archive_source = text
    archive = ScriptArchive(sources, constants, version, traced_inputs)
    built = {}

    def build(m, top):
        if id(m) in built:
            return built[id(m)]
        name = qualified[id(m)]
        traced = (TopLevelTracedModule if top else TracedModule)(_script_code.lookup(root, name), name)
        built[id(m)] = traced
        for k, p in m._parameters.items():
            if p is not None:
                traced.register_parameter(k, p)
        for k, b in m._buffers.items():
            if b is not None:
                traced.register_buffer(k, b, persistent=k not in m._non_persistent_buffers_set)
        for k, c in m._modules.items():
            if c is not None:
                traced.add_module(k, build(c, False))
        traced.training = m.training
        object.__setattr__(traced, '_is_full_backward_hook', None)
        traced._script_attributes.add('_is_full_backward_hook')
        object.__setattr__(traced, '_script_archive', archive)
        return traced
    return build(mod, True)


class _FunctionModule(ember.nn.Module):
    """A traced function's program lives in a module without state, as PyTorch's ``PlaceholderModule``."""

    def __init__(self, fn):
        super().__init__()
        import functools
        object.__setattr__(self, '_fn', fn)
        # read through the instance at each call: while tracing, an ember op passed as the function is swapped
        # for its recorded form there (ember.export._internal_calls.DispatchingAttributes)
        self.forward = functools.wraps(fn)(lambda *a, **k: self.__dict__['_fn'](*a, **k))


def _clone(inputs):
    return ember.utils._pytree.tree_map(lambda t: t.detach().clone() if isinstance(t, ember.Tensor) else t, inputs)


def trace(func, example_inputs, check_trace, check_inputs, check_tolerance, strict, example_kwarg_inputs,
          store_inputs=True):
    """The traced module (``func`` a module) or ScriptFunction (``func`` a function)."""
    is_module = isinstance(func, ember.nn.Module)
    if example_kwarg_inputs is not None:
        if not isinstance(example_kwarg_inputs, dict):
            raise RuntimeError('example_kwarg_inputs should be a dict')
        args, kwargs = (), dict(example_kwarg_inputs)
    else:
        # as PyTorch: a tensor or dict is the one argument, any other sequence the arguments
        args = (example_inputs,) if isinstance(example_inputs, (ember.Tensor, dict)) else tuple(example_inputs)
        kwargs = {}
    _check_inputs_traceable(list(args) + list(kwargs.values()))
    mod = func if is_module else _FunctionModule(func)
    root_name = None if is_module else 'PlaceholderModule'

    def program(a, k):
        return _program(mod, a, k, strict, root_name)
    sources, constants, version, qualified, forward, recorded = program(args, kwargs)
    stored = {'forward': [_clone(a) for a in args] + [_clone(v) for v in kwargs.values()]} if store_inputs else None
    traced = _build(mod, sources, constants, version, qualified, stored)
    object.__setattr__(traced, '_recorded_graph', recorded.graph)
    object.__setattr__(traced, '_recorded_program', recorded)
    object.__setattr__(traced, '_recorded_function', not is_module)
    tensors = [t for t in ember.utils._pytree.tree_leaves((args, kwargs)) if isinstance(t, ember.Tensor)]
    object.__setattr__(traced, '_recorded_device', tensors[0].device if tensors else ember.device('cpu'))
    if check_trace:
        checks = [(args, kwargs)] if check_inputs is None else [
            ((c if isinstance(c, tuple) else (c,)), {}) if example_kwarg_inputs is None else ((), dict(c))
            for c in check_inputs]
        check(traced, func, lambda f, ak: f(*_clone(ak[0]), **_clone(ak[1])), forward, checks, check_tolerance,
               strict, lambda ak: program(_clone(ak[0]), _clone(ak[1]))[4])
    if is_module:
        return traced
    return ScriptFunction(traced, getattr(func, '__name__', 'fn'))
