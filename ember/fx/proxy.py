"""``Proxy``: the stand-in value a symbolic trace passes through the program; every operation on
it is recorded as a ``Node`` instead of being computed."""
import bisect
import dis
import inspect
import operator

from ember.fx.node import Node, map_aggregate


class TraceError(ValueError):
    """Raised when a program does something with a ``Proxy`` that a symbolic trace cannot record."""


class TracerBase:
    """What ``Proxy`` needs from a tracer: a graph to add nodes to and the rules for arguments."""

    graph = None
    record_stack_traces = False

    def create_node(self, kind, target, args, kwargs, name=None, type_expr=None):
        """Insert a node into the graph being built (a hook tracers may override); inside
        ``fx.traceback.preserve_node_meta()`` it copies the current node metadata."""
        from ember.fx import traceback as fx_traceback
        node = self.graph.create_node(kind, target, args, kwargs, name, type_expr)
        fx_traceback.copy_into(node)
        return node

    def proxy(self, node):
        """Wrap ``node`` in a ``Proxy``."""
        return Proxy(node, self)

    def create_proxy(self, kind, target, args, kwargs, name=None, type_expr=None, proxy_factory_fn=None):
        """Record a node whose arguments may hold proxies, and return the proxy for its value."""
        args_ = self.create_arg(args)
        kwargs_ = self.create_arg(kwargs)
        node = self.create_node(kind, target, args_, kwargs_, name, type_expr)
        return self.proxy(node) if proxy_factory_fn is None else proxy_factory_fn(node)

    def create_arg(self, a):
        """Turn a value the program passes into something a node can hold (proxies become nodes)."""
        import ember
        if isinstance(a, Proxy):
            return a.node
        if isinstance(a, Node):
            return a
        if isinstance(a, tuple):
            t = tuple(self.create_arg(elem) for elem in a)
            return t if not hasattr(a, '_fields') else type(a)(*t)
        if isinstance(a, list):
            return [self.create_arg(elem) for elem in a]
        if isinstance(a, dict):
            out = {}
            for k, v in a.items():
                k = self.create_arg(k)
                if isinstance(k, Node):
                    raise RuntimeError(f'Keys for dictionaries used as an argument cannot contain a Node. Got key: {k}')
                out[k] = self.create_arg(v)
            return out
        if isinstance(a, slice):
            return slice(self.create_arg(a.start), self.create_arg(a.stop), self.create_arg(a.step))
        if isinstance(a, range):
            return range(self.create_arg(a.start), self.create_arg(a.stop), self.create_arg(a.step))
        if a is None or a is ... or isinstance(a, (str, int, float, bool, complex, ember.dtype, ember.device,
                                                  ember.layout, ember.memory_format, ember.Size)):
            return a
        if isinstance(a, type) or inspect.isfunction(a) or inspect.isbuiltin(a):
            return a
        raise NotImplementedError(f'argument of type: {type(a)}')

    def to_bool(self, obj):
        """Called when a proxy is used as a condition: tracing cannot follow data-dependent control flow."""
        raise TraceError('symbolically traced variables cannot be used as inputs to control flow')

    def iter(self, obj):
        """Called when a proxy is iterated: its length is unknown while tracing."""
        raise TraceError('Proxy object cannot be iterated. This can be attempted when the Proxy is used in a loop '
                         'or as a *args or **kwargs function argument. See the torch.fx docs on pytorch.org for a '
                         'more detailed explanation of what types of control flow can be traced, and check out '
                         'the Proxy docstring for help troubleshooting Proxy iteration errors')

    def keys(self, obj):
        """Called for ``**proxy``: records ``proxy.keys()``."""
        return Attribute(obj, 'keys')()


class Proxy:
    """A value flowing through a symbolic trace. Operators, method calls, attribute reads,
    indexing, and ember functions applied to it add nodes to the tracer's graph.

    Example:
        >>> import ember.fx
        >>> gm = ember.fx.symbolic_trace(lambda x: x.sum(1) * 2)
        >>> print(gm.code.strip())
        def forward(self, x):
            sum_1 = x.sum(1);  x = None
            mul = sum_1 * 2;  sum_1 = None
            return mul
    """

    def __init__(self, node, tracer=None):
        if tracer is None:
            tracer = GraphAppendingTracer(node.graph)
        from ember.fx._dispatch import ensure_dispatch
        ensure_dispatch()
        self.tracer = tracer
        self.node = node

    def __repr__(self):
        return f'Proxy({self.node.name})'

    def __getattr__(self, k):
        if k.startswith('__') and k.endswith('__'):
            raise AttributeError(k)
        return Attribute(self, k)

    def __getstate__(self):
        return self.__dict__

    def __setstate__(self, d):
        self.__dict__ = d

    def __deepcopy__(self, memo):
        # a copy of a proxy is the proxy: values in a trace are immutable nodes
        return self

    def __call__(self, *args, **kwargs):
        return self.tracer.create_proxy('call_method', '__call__', (self,) + args, kwargs)

    def __iter__(self):
        frame = inspect.currentframe().f_back
        insts = list(dis.get_instructions(frame.f_code))
        idx = bisect.bisect_left([i.offset for i in insts], frame.f_lasti)
        if idx < len(insts) and insts[idx].opname == 'UNPACK_SEQUENCE':
            # ``a, b = proxy``: the count is known from the unpacking, so index it
            return (self[i] for i in range(insts[idx].argval))
        return self.tracer.iter(self)

    def __bool__(self):
        return self.tracer.to_bool(self)

    def __len__(self):
        raise RuntimeError("'len' is not supported in symbolic tracing by default. If you want this call to be "
                           "recorded, please call ember.fx.wrap('len') at module scope")

    def keys(self):
        """``proxy.keys()`` as a recorded method call."""
        return self.tracer.keys(self)

    __hash__ = object.__hash__

    @classmethod
    def __torch_function__(cls, orig_method, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        tracers = {}

        def find_tracer(a):
            if isinstance(a, cls):
                tracers[a.tracer] = None
        map_aggregate(args, find_tracer)
        map_aggregate(kwargs, find_tracer)
        if len(tracers) > 1:
            raise RuntimeError(f'Found multiple different tracers {list(tracers.keys())} while trying to trace '
                               f'operations {orig_method}')
        tracer = next(iter(tracers))
        from ember._tensor import Tensor
        name = getattr(orig_method, '__name__', '')
        if Tensor.__dict__.get(name) is orig_method or name in _FROM_DUNDER:
            if name in _FROM_DUNDER:           # a tensor's operator met a proxy: record the operator
                fn, swap = _FROM_DUNDER[name]
                return tracer.create_proxy('call_function', fn, args[::-1] if swap else args, kwargs)
            return tracer.create_proxy('call_method', name, args, kwargs)
        if getattr(tracer, 'records_defaults', True):
            from ember.fx._functional_call_form import handed_on
            args, kwargs = handed_on(orig_method, args, kwargs)
        return tracer.create_proxy('call_function', orig_method, args, kwargs)


class Attribute(Proxy):
    """``proxy.name``: a method call when called, else a ``getattr`` node (made only when used)."""

    def __init__(self, root, attr):
        self.root = root
        self.attr = attr
        self.tracer = root.tracer
        self._node = None

    @property
    def node(self):
        if self._node is None:
            self._node = self.tracer.create_proxy('call_function', getattr, (self.root, self.attr), {}).node
        return self._node

    def __call__(self, *args, **kwargs):
        return self.tracer.create_proxy('call_method', self.attr, (self.root,) + args, kwargs)


class GraphAppendingTracer(TracerBase):
    """A tracer that only appends to an existing graph (for building graphs by hand with proxies)."""

    def __init__(self, graph):
        super().__init__()
        self.graph = graph


_BINARY = ('add', 'sub', 'mul', 'floordiv', 'truediv', 'mod', 'pow', 'lshift', 'rshift', 'and_', 'or_', 'xor',
           'matmul')
_COMPARE = ('eq', 'ne', 'lt', 'gt', 'le', 'ge')
_UNARY = ('neg', 'pos', 'invert', 'abs')
_FROM_DUNDER = {}


def _dunder(name):
    return f"__{name.rstrip('_')}__"


def _define_operators():
    for name in _BINARY + _COMPARE + ('getitem',) + _UNARY:
        fn = getattr(operator, name)

        def forward(self, *rest, fn=fn):
            return self.tracer.create_proxy('call_function', fn, (self,) + rest, {})
        forward.__name__ = _dunder(name)
        setattr(Proxy, _dunder(name), forward)
        _FROM_DUNDER[_dunder(name)] = (fn, False)
    for name in _BINARY:
        fn = getattr(operator, name)

        def reflected(self, lhs, fn=fn):
            return self.tracer.create_proxy('call_function', fn, (lhs, self), {})
        rname = f"__r{name.rstrip('_')}__"
        reflected.__name__ = rname
        setattr(Proxy, rname, reflected)
        _FROM_DUNDER[rname] = (fn, True)


_define_operators()
