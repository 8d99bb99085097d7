"""Operators defined by users (``ember.library.custom_op``, ``Library.define``) and how a call runs:
its kernel for the inputs' device, below autograd unless the kernel is composite, with the
registered autograd formula and autocast policy, reachable as ``ember.ops.<namespace>.<name>``."""
import ast
import inspect

from ember._tensor import Tensor
from ember.autograd import _op_observers as _observe
from ember.autograd import grad_mode

OPS = {}    # 'namespace::name' -> OpDef


def _tensors(values):
    for v in values:
        if isinstance(v, Tensor):
            yield v
        elif isinstance(v, (list, tuple)):
            yield from (x for x in v if isinstance(x, Tensor))


def _parse_default(text):
    if text is None:
        return inspect.Parameter.empty
    import ember
    if hasattr(ember, text) and text not in ('True', 'False', 'None'):
        return getattr(ember, text)          # a dtype name (float32)
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


class OpDef:
    """One operator: its schema, kernels by device type, and optional autograd/fake/autocast registrations."""

    def __init__(self, qualname, schema):
        self.qualname = qualname
        self.namespace, self.name = qualname.split('::')
        self.schema = schema
        self.kernels = {}                  # 'cpu' / 'cuda' / None (any device) -> fn
        self.composite = None              # a kernel that runs above autograd (CompositeImplicitAutograd)
        self.fake = None
        self.backward = None
        self.setup_context = None
        self.autocast = {}                 # device type -> dtype floating inputs are cast to
        self.from_custom_op = False        # custom_op ops always run below an autograd kernel of their own
        self.tags = []                     # ember.Tag values, as op.tags reports them
        self._function = None

    # ------------------------------------------------------------------ binding
    def bind(self, args, kwargs):
        """The call's arguments in schema order, as (positional values, keyword-only values)."""
        names = [a[0] for a in self.schema.args]
        if len(args) > sum(1 for a in self.schema.args if not a[3]):
            raise TypeError(f"{self.qualname}() takes {len(names)} arguments but {len(args)} were given")
        values = dict(zip(names, args))
        for k, v in kwargs.items():
            if k not in names:
                raise TypeError(f"{self.qualname}() got an unexpected keyword argument '{k}'")
            if k in values:
                raise TypeError(f"{self.qualname}() got multiple values for argument '{k}'")
            values[k] = v
        pos, kw = [], {}
        for name, _, default, kw_only in self.schema.args:
            if name not in values:
                value = _parse_default(default)
                if value is inspect.Parameter.empty:
                    raise TypeError(f"{self.qualname}() missing required argument '{name}'")
            else:
                value = values[name]
            if kw_only:
                kw[name] = value
            else:
                pos.append(value)
        return pos, kw

    # ------------------------------------------------------------------ calling
    def __call__(self, *args, **kwargs):
        if _observe.custom_op_hooks and not _observe.entered():
            return _observe.run(_observe.custom_op_hooks, OpDef.__call__, self, args, kwargs)
        pos, kw = self.bind(args, kwargs)
        inputs = list(_tensors(pos)) + list(_tensors(kw.values()))
        device_type = inputs[0].device.type if inputs else 'cpu'
        if device_type in self.autocast:
            pos, kw = self._autocast(device_type, pos, kw)
        if self.composite is not None and device_type not in self.kernels:
            return self.composite(*pos, **kw)
        kernel = self.fake if device_type == 'meta' and self.fake is not None else \
            self.kernels.get(device_type, self.kernels.get(None))
        if kernel is None:
            raise NotImplementedError(f"Could not run '{self.qualname}' with arguments from the "
                                      f"'{device_type.upper()}' backend: no kernel is registered for it (register "
                                      "one with register_kernel or impl)")
        versions = [(t, t._version) for t in self._mutated(pos, kw)]
        if grad_mode.is_grad_enabled() and any(t.requires_grad for t in inputs):
            out = self._autograd_function().apply(kernel, kw, *pos)
        else:
            with grad_mode.no_grad():
                out = kernel(*pos, **kw)
        self._check_aliasing(out, inputs, kernel)
        for t, v in versions:
            if t._version == v:        # written through NumPy or another library: ember could not see it
                t._version_counter.value += 1
        return out

    def _mutated(self, pos, kw):
        names = set(self.schema.mutated())
        if not names:
            return []
        values = dict(zip([a[0] for a in self.schema.args if not a[3]], pos), **kw)
        return list(_tensors(values[n] for n in names if n in values))

    def _autocast(self, device_type, pos, kw):
        from ember.amp._state import is_autocast_enabled
        if not is_autocast_enabled(device_type):
            return pos, kw
        dtype = self.autocast[device_type]

        def cast(v):
            if isinstance(v, Tensor) and v.is_floating_point():
                return v.to(dtype)
            if isinstance(v, (list, tuple)):
                return type(v)(cast(x) for x in v)
            return v
        return [cast(v) for v in pos], {k: cast(v) for k, v in kw.items()}

    def _check_aliasing(self, out, inputs, kernel):
        from ember.backend import may_share_memory
        outs = out if isinstance(out, (tuple, list)) else (out,)
        outs = [o for o in outs if isinstance(o, Tensor)]
        for i, o in enumerate(outs):
            others = inputs + outs[:i]
            if any(o is t or may_share_memory(o._data, t._data) for t in others):
                raise RuntimeError(
                    f"{self.name} (with implementation in {inspect.getmodule(kernel)}): The output of this custom "
                    "operator (1) must not also be an input to this custom operator and (2) may not alias any "
                    "inputs to this custom operator or other returns. The most common way to trigger this error "
                    "is if we have y = custom_op(x) and y and x are the same Tensor. Please instead return a clone "
                    "of the offending output tensor(s) (e.g. return x.clone()) or refactor the custom operator to "
                    "not return y.")

    def _autograd_function(self):
        if self._function is None:
            from ember.autograd.function import Function
            op = self

            def forward(kernel, kw, *pos):
                return kernel(*pos, **kw)

            def setup_context(ctx, inputs, output):
                if op.setup_context is not None:
                    kw, pos = inputs[1], inputs[2:]
                    params = inspect.signature(op.setup_context).parameters
                    extra = {'keyword_only_inputs': kw} if 'keyword_only_inputs' in params else {}
                    op.setup_context(ctx=ctx, inputs=tuple(pos), output=output, **extra)

            def backward(ctx, *grads):
                if op.backward is None:
                    raise RuntimeError(f"Trying to backward through {op.namespace}.{op.name}.default but no "
                                       "autograd formula was registered. Please use register_autograd to add one.")
                result = op.backward(ctx, *grads)
                result = result if isinstance(result, tuple) else (result,)
                npos = sum(1 for a in op.schema.args if not a[3])
                if len(result) != npos:
                    raise RuntimeError(f"{op.qualname}: the backward registered with register_autograd returned "
                                       f"{len(result)} gradients; it must return one per positional input "
                                       f"({npos}), None for those without one")
                return (None, None) + result

            name = f'GeneratedBackwardFor_{self.namespace}_{self.name}_default'
            # PyTorch 2's style (forward without ctx, setup_context), which torch.func's transforms accept;
            # under vmap the kernel runs on the batched tensors
            self._function = type(name, (Function,), {'forward': staticmethod(forward),
                                                      'setup_context': staticmethod(setup_context),
                                                      'backward': staticmethod(backward), 'generate_vmap_rule': True})
        return self._function


class OpOverload:
    """``ember.ops.<namespace>.<name>.default``: the operator itself."""

    def __init__(self, op):
        self._op = op
        self._schema = op.schema

    def __call__(self, *args, **kwargs):
        return self._op(*args, **kwargs)

    def name(self):
        return self._op.qualname

    @property
    def tags(self):
        """The operator's tags (``ember.Tag`` values), as PyTorch's ``OpOverload.tags``."""
        return list(self._op.tags)

    @property
    def overloadpacket(self):
        """The operator's packet (``ember.ops.<namespace>.<name>``)."""
        return OpOverloadPacket(self._op)

    _overloadpacket = overloadpacket    # (PyTorch's private spelling, which flop counters read)

    def __repr__(self):
        return f"<OpOverload(op='{self._op.namespace}.{self._op.name}', overload='default')>"

    def __str__(self):
        return f'{self._op.namespace}.{self._op.name}.default'


class OpOverloadPacket:
    """``ember.ops.<namespace>.<name>``: calls the operator; ``.default`` is its one overload."""

    def __init__(self, op):
        self._op = op
        self.default = OpOverload(op)

    def __call__(self, *args, **kwargs):
        return self._op(*args, **kwargs)

    def overloads(self):
        return ['default']

    def __repr__(self):
        return f'{self._op.namespace}.{self._op.name}'

    # every ``ember.ops.ns.name`` lookup makes a packet: equal for the same operator (dictionary keys)
    def __eq__(self, other):
        return isinstance(other, OpOverloadPacket) and other._op is self._op

    def __hash__(self):
        return hash(self._op.qualname)
