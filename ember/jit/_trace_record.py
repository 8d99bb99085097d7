"""Recording a trace: ``ember.export``'s ATen program of one call, with what TorchScript tracing adds. Tensors
read as Python values warn and are frozen; recurrent layers and multi-head attention (which ember computes
with internal functions) are recorded as their one ATen operator each; functions of ember's API a module
keeps as attributes are made to dispatch; and computation run on traced values outside the recording is
refused, naming the operator, instead of being frozen into the program as a constant."""
import contextlib
import sys
import types
import warnings

import ember
from ember.autograd import _op_observers
from ember.jit._trace_check import TracerWarning
from ember.jit._trace_code import TraceUnsupported


_PYTHON_VALUE_WARNING = ("Converting a tensor to a Python {} might cause the trace to be incorrect. We can't record "
                         "the data flow of Python values, so this value will be treated as a constant in the future. "
                         "This means that the trace might not generalize to other inputs!")
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


def record(mod, args, kwargs):
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
