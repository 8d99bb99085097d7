"""``ember.jit.trace``: record what a module or function runs on example inputs as a TorchScript program.

The recording is ``ember.export``'s ATen graph (Python control flow followed for the example and frozen;
reading a tensor as a Python value warns, as PyTorch's tracer does, and freezes the value). It is
printed as TorchScript code (``_trace_code``; each module's class with the forward its call ran,
``_trace_modules``), compiled as ``ember.jit.load`` compiles an archive's code,
and given the module's own parameters and buffers: the traced module runs the recorded program, and
``ember.jit.save`` writes it as an archive PyTorch's ``torch.jit.load`` runs.
"""
import contextlib
import difflib
import inspect
import sys
import types
import warnings

import ember
from ember.autograd import _op_observers
from ember.jit import _script_code, _trace_code
from ember.jit._archive_write import ScriptArchive
from ember.jit._script_module import RecursiveScriptModule
from ember.jit._trace_code import TraceUnsupported


class TracerWarning(Warning):
    """A trace may not generalise: a tensor was read as a Python value, or the check found a difference."""


TracerWarning.__module__ = 'ember.jit._trace'


class TracingCheckError(Exception):
    """The traced program failed the check of ``trace(..., check_trace=True)``."""

    def __init__(self, graph_diff_error, tensor_compare_error, extra_msg=None):
        self.message = 'Tracing failed sanity checks!\n'
        if extra_msg is not None:
            self.message += extra_msg + '\n'
        if graph_diff_error is not None:
            self.message += 'ERROR: Graphs differed across invocations!\n' + _indent(graph_diff_error) + '\n'
        if tensor_compare_error is not None:
            self.message += ('ERROR: Tensor-valued Constant nodes differed in value across invocations. This often '
                             'indicates that the tracer has encountered untraceable code.\n'
                             + _indent(tensor_compare_error) + '\n')
        super().__init__(self.message)


def _indent(text):
    return '\n'.join('\t' + line for line in text.splitlines())


class TracedModule(RecursiveScriptModule):
    """A submodule of a traced module: the original's parameters, buffers and submodules."""

    def _get_name(self):
        return self.original_name       # printed under its original class's name, as PyTorch does

    @property
    def graph(self):
        """The recorded program as ember's ATen graph (PyTorch prints its TorchScript IR graph here)."""
        graph = self.__dict__.get('_recorded_graph')
        if graph is None:
            raise RuntimeError(f"Method 'forward' is not defined on the traced {self.original_name}")
        return graph


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
        return self._program_module.graph

    def save(self, f, _extra_files=None):
        from ember.jit._archive_write import write_archive
        write_archive(self._program_module, f, _extra_files)

    def __repr__(self):
        return f'<ember.jit.ScriptFunction object at {hex(id(self))}>'


ScriptFunction.__module__ = 'ember.jit'
# with its module named ember.jit, doctest's finder skips the class here: its example is named for it
__test__ = {'ScriptFunction': ScriptFunction.__doc__}


_PYTHON_VALUE_WARNING = ("Converting a tensor to a Python {} might cause the trace to be incorrect. We can't record "
                         "the data flow of Python values, so this value will be treated as a constant in the future. "
                         "This means that the trace might not generalize to other inputs!")
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


class _UntracedOps(_op_observers.OpObserver):
    """Finds computation the recording cannot see: an op run on traced values without being recorded
    (inside a module ember computes with its own internal functions) whose result the program uses."""

    def __init__(self):
        self.leaked = {}      # id(tensor) -> (tensor, what made it)
        self.first = None     # the first op run on traced values unrecorded (where the untraced computation began)

    def _is_leaked(self, t):
        from ember.export._tracer import TracedTensor
        entry = self.leaked.get(id(t))
        return entry is not None and entry[0] is t and type(t) is not TracedTensor

    def op(self, proceed, cls, args, kwargs):
        from ember.export._tracer import TracedTensor, _tracer
        from ember.overrides import _disabled
        out = proceed(cls, *args, **kwargs)
        tensors = [t for t in _flat(args) + _flat(list(kwargs.values())) if isinstance(t, ember.Tensor)]
        if _disabled():        # an op being recorded: a value it reads must be in the graph
            for t in tensors:
                if self._is_leaked(t):
                    raise self.error(t)
        elif any(type(t) is TracedTensor or self._is_leaked(t) for t in tensors):
            tracer = _tracer()
            where = tracer.module_stack[-1][1] if tracer is not None and tracer.module_stack else None
            for o in _flat([out]):
                if isinstance(o, ember.Tensor) and type(o) is not TracedTensor and id(o) not in self.leaked:
                    self.leaked[id(o)] = (o, (cls.__name__, where))
                    self.first = self.first or (cls.__name__, where)
        return out

    def error(self, t):
        import re
        name, where = self.first or self.leaked[id(t)][1]
        op = 'aten::' + re.sub(r'(?<=[a-z0-9])(?=[A-Z])', '_', name.lstrip('_')).lower()
        place = f" in {where[1].rsplit('.', 1)[-1]} '{where[0]}'" if where and where[0] else ''
        return TraceUnsupported(f"ember.jit.trace cannot record {op}{place}: ember computes it outside the operators "
                                "it can write as TorchScript, so this model cannot be traced by ember yet")

    def check_output(self, out):
        for o in _flat([out]):
            if isinstance(o, ember.Tensor) and self._is_leaked(o):
                raise self.error(o)


def _flat(values):
    out = []
    for v in values:
        if isinstance(v, (list, tuple)) and not isinstance(v, ember.Size):
            out += _flat(v)
        elif isinstance(v, dict):
            out += _flat(list(v.values()))
        else:
            out.append(v)
    return out


# ember's recurrent modules call these ATen-shaped functions of ember.ops.rnn directly (not through the API
# the recording sees): while tracing, each call on traced values is recorded as the one operator
# (``aten::lstm.input``), as PyTorch's tracer records it
_RECURRENT = ('lstm', 'gru', 'rnn_tanh', 'rnn_relu')


@contextlib.contextmanager
def _recording_recurrent_layers():
    from ember.export import _aten
    from ember.export._tracer import record_overload
    from ember.ops import rnn
    from ember.overrides import _disabled
    originals = {name: getattr(rnn, name) for name in _RECURRENT}

    def recording(name):
        original = originals[name]

        def call(input, hx, params, *rest):
            if len(rest) == 6 and not _disabled():      # the ``input`` overload, not inside a recorded call
                state = list(hx) if name == 'lstm' else hx
                out = record_overload(_aten.overload(name, 'input'), (input, state, list(params), *rest), {})
                if out is not NotImplemented:
                    return out
            return original(input, hx, params, *rest)
        return call
    for name in _RECURRENT:
        setattr(rnn, name, recording(name))
    try:
        yield
    finally:
        for name, fn in originals.items():
            setattr(rnn, name, fn)


@contextlib.contextmanager
def _recording_attention():
    """Multi-head attention as one ``aten::_native_multi_head_attention`` (PyTorch's fused kernel, with a
    key padding or a 2-D attention mask): ember computes it with internal functions the recording does not
    see. Other uses (both masks, per-head masks, separate projections, extra key/value biases) keep
    ember's code, and the trace refuses them."""
    from ember.export import _aten
    from ember.export._tracer import record_overload
    from ember.ops import attention
    from ember.overrides import _disabled
    original = attention.multi_head_attention_forward

    def call(query, key, value, embed_dim_to_check, num_heads, in_proj_weight, in_proj_bias, bias_k, bias_v,
             add_zero_attn, dropout_p, out_proj_weight, out_proj_bias, training=True, key_padding_mask=None,
             need_weights=True, attn_mask=None, use_separate_proj_weight=False, q_proj_weight=None,
             k_proj_weight=None, v_proj_weight=None, static_k=None, static_v=None, average_attn_weights=True,
             is_causal=False):
        # PyTorch's kernel takes one mask: a key padding mask (type 1) or a 2-D attention mask (type 0)
        mask, mask_type = (key_padding_mask, 1) if attn_mask is None else (attn_mask, 0)
        fused = not _disabled() and query.dim() == 3 and bias_k is None and bias_v is None and not add_zero_attn \
            and not use_separate_proj_weight and static_k is None and static_v is None and not is_causal and \
            (key_padding_mask is None or attn_mask is None) and (attn_mask is None or attn_mask.dim() == 2) and \
            (dropout_p == 0 or not training)
        if fused:
            q = query.transpose(1, 0)
            k = q if key is query else key.transpose(1, 0)
            v = k if value is key else value.transpose(1, 0)
            out = record_overload(_aten.overload('_native_multi_head_attention', 'default'),
                                  (q, k, v, embed_dim_to_check, num_heads, in_proj_weight, in_proj_bias,
                                   out_proj_weight, out_proj_bias, mask, need_weights, average_attn_weights,
                                   None if mask is None else mask_type), {})
            if out is not NotImplemented:
                return out[0].transpose(1, 0), (out[1] if need_weights else None)
        return original(query, key, value, embed_dim_to_check, num_heads, in_proj_weight, in_proj_bias, bias_k,
                        bias_v, add_zero_attn, dropout_p, out_proj_weight, out_proj_bias, training=training,
                        key_padding_mask=key_padding_mask, need_weights=need_weights, attn_mask=attn_mask,
                        use_separate_proj_weight=use_separate_proj_weight, q_proj_weight=q_proj_weight,
                        k_proj_weight=k_proj_weight, v_proj_weight=v_proj_weight, static_k=static_k,
                        static_v=static_v, average_attn_weights=average_attn_weights, is_causal=is_causal)
    attention.multi_head_attention_forward = call
    try:
        yield
    finally:
        attention.multi_head_attention_forward = original


class _DispatchingAttributes:
    """Functions of ember's API a module keeps as attributes (``layer.activation = F.relu``, taken before the
    trace switched dispatching on) are swapped for their dispatching forms while the trace runs, so that
    their calls are recorded; ``restore`` puts them back."""

    def __init__(self, mod):
        self.mod, self.swapped = mod, []

    def __call__(self, module, args):
        from ember import _torch_function
        wrappers = {fid: w for (kind, fid), w in _torch_function._WRAPPERS.items() if not kind.startswith('__')}
        for m in self.mod.modules():
            for name, value in list(vars(m).items()):
                if isinstance(value, types.FunctionType) and id(value) in wrappers:
                    self.swapped.append((m, name, value))
                    m.__dict__[name] = wrappers[id(value)]

    def restore(self):
        for m, name, value in reversed(self.swapped):
            m.__dict__[name] = value
        self.swapped.clear()


def _record(mod, args, kwargs):
    """``ember.export``'s ATen program of ``mod(*args, **kwargs)``, refusing computation it cannot see."""
    from ember.export._normalize import Unsupported
    from ember.export._tracer import python_values_as_constants
    watcher = _UntracedOps()

    def python_value(kind):
        # told where the program read the value; reads inside ember's own code are its business (PyTorch
        # likewise silences these warnings from its library)
        frame, level = sys._getframe(1), 1
        while frame is not None and frame.f_globals.get('__name__', '').startswith(('ember.export', 'ember.jit')):
            frame, level = frame.f_back, level + 1
        module = frame.f_globals.get('__name__', '') if frame is not None else ''
        if module != 'ember' and not module.startswith('ember.'):
            warnings.warn(_PYTHON_VALUE_WARNING.format(kind), TracerWarning, stacklevel=level + 1)

    handle = mod.register_forward_hook(lambda m, i, out: watcher.check_output(out))
    attributes = _DispatchingAttributes(mod)
    pre_handle = mod.register_forward_pre_hook(attributes)
    _op_observers.add(watcher)
    state = ember.jit._trace_state
    state.depth = getattr(state, 'depth', 0) + 1
    try:
        with python_values_as_constants(python_value), ember.enable_grad(), \
                _recording_recurrent_layers(), _recording_attention():
            return ember.export.export(mod, tuple(args), kwargs)
    except Unsupported as e:
        raise TraceUnsupported(str(e).replace('ember.export cannot', 'ember.jit.trace cannot')) from None
    finally:
        state.depth -= 1
        _op_observers.remove(watcher)
        handle.remove()
        pre_handle.remove()
        attributes.restore()


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
    ep = _record(mod, args, kwargs)
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
    return sources, constants, version, qualified, program, ep.graph


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


def _check(traced, fn, call, forward, check_inputs, check_tolerance, strict, retrace):
    """PyTorch's trace check: trace again on each check input (the program must be the same), and run the
    traced program and the Python function on it (their outputs must agree, else a TracerWarning)."""
    for inputs in check_inputs:
        again = retrace(inputs)
        diff = None
        if again != forward:
            lines = difflib.ndiff(forward.splitlines(), again.splitlines())
            diff = 'Code diff:\n' + _indent('\n'.join(lines))
        traced_outs = _run(lambda: call(traced, inputs), 'trace', diff)
        fn_outs = _run(lambda: call(fn, inputs), 'Python function', diff)
        _compare(traced_outs, fn_outs, 'Python function', check_tolerance, traced.graph)
        if diff is not None:
            raise TracingCheckError(diff, None)


def _run(thunk, what, diff):
    try:
        with ember.no_grad():
            out = thunk()
    except Exception as e:
        raise TracingCheckError(diff, None, extra_msg=f'encountered an exception while running the {what} with test '
                                f'inputs.\nException:\n{_indent(str(e))}') from e
    return [o for o in (out if isinstance(out, tuple) else (out,)) if isinstance(o, ember.Tensor)]


def _nondeterministic_nodes(graph):
    """The recorded calls whose results differ from run to run (random ops; dropout only in training)."""
    from ember.export._tracer import _RANDOM
    found = []
    for node in graph.nodes:
        packet = getattr(getattr(node.target, '_packet', None), '_name', None)
        if node.op != 'call_function' or packet not in _RANDOM:
            continue
        schema = node.target._schema
        train = next((i for i, a in enumerate(schema.args) if a.name == 'train'), None)
        if train is not None and train < len(node.args) and node.args[train] is False:
            continue
        found.append(node)
    return found


def _compare(original, reference, what, tolerance, graph):
    from ember.testing._comparison import _tolerances
    warned = False
    for i, (orig, ref) in enumerate(zip(original, reference)):
        try:
            cast = ember.cdouble if (orig.is_complex() or ref.is_complex()) else ember.double
            ember.testing.assert_close(orig.to(cast), ref.to(cast), rtol=tolerance,
                                       atol=_tolerances((orig.dtype, ref.dtype), None, None)[1], equal_nan=True)
        except AssertionError as e:
            nodes = [] if warned else _nondeterministic_nodes(graph)
            warned = True
            if nodes:
                warnings.warn('Trace had nondeterministic nodes. Did you forget call .eval() on your model? Nodes:\n'
                              + '\n'.join(_indent(n.format_node()) for n in nodes[:20])
                              + '\nThis may cause errors in trace checking. To disable trace checking, pass '
                              'check_trace=False to ember.jit.trace()', TracerWarning, stacklevel=5)
            warnings.warn(f'Output nr {i + 1}. of the traced function does not match the corresponding output of '
                          f'the {what}. Detailed error:\n{e}', TracerWarning, stacklevel=5)


class _FunctionModule(ember.nn.Module):
    """A traced function's program lives in a module without state, as PyTorch's ``PlaceholderModule``."""

    def __init__(self, fn):
        super().__init__()
        import functools
        object.__setattr__(self, '_fn', fn)
        # read through the instance at each call: while tracing, an ember op passed as the function is swapped
        # for its recorded form there (_DispatchingAttributes)
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
    sources, constants, version, qualified, forward, graph = program(args, kwargs)
    stored = {'forward': [_clone(a) for a in args] + [_clone(v) for v in kwargs.values()]} if store_inputs else None
    traced = _build(mod, sources, constants, version, qualified, stored)
    object.__setattr__(traced, '_recorded_graph', graph)
    if check_trace:
        checks = [(args, kwargs)] if check_inputs is None else [
            ((c if isinstance(c, tuple) else (c,)), {}) if example_kwarg_inputs is None else ((), dict(c))
            for c in check_inputs]
        _check(traced, func, lambda f, ak: f(*_clone(ak[0]), **_clone(ak[1])), forward, checks, check_tolerance,
               strict, lambda ak: program(_clone(ak[0]), _clone(ak[1]))[4])
    if is_module:
        return traced
    return ScriptFunction(traced, getattr(func, '__name__', 'fn'))
