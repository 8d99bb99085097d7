"""The op-level tracer behind ``ember.export`` and ``make_fx``: run a function once on tensors that
carry their graph node, and record every call of ember's API they reach as the ATen overload
PyTorch records for it (``aten.linear.default``, ``aten.add.Tensor``).

The values are computed for real (ember has no fake tensors), so Python control flow is followed for
the example inputs and specialised, as PyTorch does for everything that does not depend on tensor
data; branching on tensor data raises PyTorch's error. Only the outermost API call is recorded
(``F.linear``, not the ops it is written with), which is PyTorch's pre-dispatch level.
"""
import contextlib
import operator
import os
import re
import sys
import threading
import traceback

from ember._tensor import Size, Tensor
from ember.autograd import grad_mode
from ember.export._normalize import Unsupported, to_aten
from ember.export import _aten, _composites
from ember.fx.graph import Graph
from ember.overrides import DisableTorchFunctionSubclass

_state = threading.local()
_EMBER_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_QUIET_DIRS = tuple(os.path.join(_EMBER_DIR, d) for d in ('export', 'fx', 'overrides.py', '_torch_function.py'))
_INT64_MAX = 9223372036854775807


def _tracer():
    return getattr(_state, 'tracer', None)


def _plain_detach(tensor):
    # the tracer's own detaching is not part of the program: past any dispatching wrapper
    from ember._torch_function import unwrapped
    return unwrapped(Tensor.detach)(tensor)


class TracedTensor(Tensor):
    """A tensor whose operations the running trace records (its values are real)."""
    _torch_function_on_demand = True     # switched on by the trace itself, only while it runs
    _traces_only = True

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        tracer = _tracer()
        if tracer is None:
            with DisableTorchFunctionSubclass():
                return func(*args, **kwargs)
        return tracer.call(func, args, kwargs)

    def __bool__(self):
        return _python_value(self, 'boolean', Tensor.__bool__)

    def item(self):
        return _python_value(self, 'number', Tensor.item)

    def tolist(self):
        return _python_value(self, 'list', Tensor.tolist)

    def __int__(self):
        return _python_value(self, 'integer', lambda t: int(Tensor.item(t)))

    def __float__(self):
        return _python_value(self, 'float', lambda t: float(Tensor.item(t)))

    def numpy(self, *, force=False):
        # TorchScript tracing freezes the array as any Python value; export's fake tensors have no data
        if getattr(_state, 'python_values', None) is None:
            raise RuntimeError('.numpy() is not supported for tensor subclasses.')
        return _python_value(self, 'NumPy array', lambda t: Tensor.numpy(t, force=force))

    # sizes are Python values too: specialised, unless they depend on the data (``nonzero``'s rows): those are
    # symbols, and deciding anything with them raises PyTorch's error (``_unbacked``)
    @property
    def shape(self):
        return _size_read(self, Tensor.shape.__get__(self))

    def size(self, dim=None):
        size = _size_read(self, Tensor.size(self))
        return size if dim is None else size[dim]

    def numel(self):
        return _size_read(self, Tensor.numel(self), whole=True)

    def nelement(self):
        return self.numel()

    def __len__(self):
        if _data_sized_here(self):
            from ember.export._unbacked import integer_error
            raise integer_error('u0')
        return Tensor.__len__(self)


def _data_sized_here(tensor):
    from ember.overrides import _disabled
    tracer = _tracer()
    return tracer is not None and not _disabled() and tracer._data_sized(tensor)


def _refuse_data_dependent_sizes(args, kwargs):
    # a graph of ember's holds sizes as numbers: an operator given one that depends on the data cannot be
    # recorded (PyTorch's graph would keep it as a symbol)
    from ember.export._unbacked import DataDependentSize, integer_error
    for value in list(args) + list(kwargs.values()):
        items = value if type(value) in (list, tuple) or isinstance(value, Size) else (value,)
        for item in items:
            if isinstance(item, DataDependentSize):
                raise integer_error(item.expr)


def _size_read(tensor, value, whole=False):
    """``value`` (the tensor's sizes, or its element count with ``whole``) as the program sees it: where the
    sizes depend on the data, the data-dependent ones are symbols."""
    if not _data_sized_here(tensor):
        return value
    from ember._tensor import Size
    from ember.export._unbacked import DataDependentSize
    sizes = Tensor.size(tensor)
    fixed = 1
    for s in sizes[1:]:
        fixed *= s
    symbol = DataDependentSize('u0')
    if whole:
        return symbol * fixed if fixed != 1 else symbol
    return Size((symbol,) + tuple(sizes[1:]))


def _python_value(tensor, kind, convert):
    """A traced tensor's value as a Python ``kind``: export refuses (the graph cannot branch on it); a
    handler set by ``python_values_as_constants`` (TorchScript tracing) is told, and the value is used."""
    handler = getattr(_state, 'python_values', None)
    if handler is None:
        _data_dependent('Eq(u0, 1)' if kind == 'boolean' else 'u0')
    handler(kind)
    _state.python_values = _quiet      # the conversion may read the value again (bool through item): once told
    try:
        with DisableTorchFunctionSubclass():
            return convert(tensor)
    finally:
        _state.python_values = handler


def _quiet(kind):
    pass


@contextlib.contextmanager
def python_values_as_constants(handler):
    """While tracing, a traced tensor read as a Python value calls ``handler(kind)`` and gives its value
    (which the graph then holds as a constant) instead of raising."""
    previous = getattr(_state, 'python_values', None)
    _state.python_values = handler
    try:
        yield
    finally:
        _state.python_values = previous


def _traced_method(name):
    # a Tensor method that is not among the dispatching ops (``to``, ``long``, ``new_zeros``): on a
    # traced tensor it is recorded like one, instead of giving a result the trace cannot see
    plain = getattr(Tensor, name)

    def method(self, *args, **kwargs):
        from ember.overrides import _disabled
        tracer = _tracer()
        if tracer is None or _disabled():
            return plain(self, *args, **kwargs)
        return tracer.call(method, (self,) + args, kwargs)
    method.__name__ = name
    method._plain = plain
    return method


def _traced_property(name, aten_name):
    # a Tensor property that computes (``x.T``, ``x.mT``): on a traced tensor it is recorded as its ATen operator
    plain = getattr(Tensor, name)

    def get(self):
        from ember.overrides import _disabled
        tracer = _tracer()
        if tracer is None or _disabled():
            return plain.__get__(self)
        return tracer._apply(aten_name, 'default', (self,), plain.__get__)
    return property(get, doc=plain.__doc__)


for _name, _aten_name in (('T', 'numpy_T'), ('mT', 'mT'), ('mH', 'mH'), ('H', 'matrix_H')):
    setattr(TracedTensor, _name, _traced_property(_name, _aten_name))


_TRACED_METHODS = ('to', 'cpu', 'cuda', 'float', 'double', 'half', 'bfloat16', 'cfloat', 'cdouble', 'long', 'int',
                   'short', 'char', 'byte', 'bool', 'type_as', 'type', 'new_tensor', 'new_zeros', 'new_ones',
                   'new_empty', 'new_full', 'detach', 'bernoulli', 'multinomial', 'uniform_', 'normal_',
                   'bernoulli_', 'random_', 'exponential_', 'geometric_', 'log_normal_', 'cauchy_', 'set_',
                   'resize', 'resize_as', 'to_dense', 'to_sparse')
for _name in _TRACED_METHODS:
    setattr(TracedTensor, _name, _traced_method(_name))


def _data_dependent(expr):
    from ember.export._errors import GuardOnDataDependentSymNode
    raise GuardOnDataDependentSymNode(
        f'Could not guard on data-dependent expression {expr} (unhinted: {expr}).  (Size-like symbols: none)\n\n'
        'consider using data-dependent friendly APIs such as guard_or_false, guard_or_true and statically_known_true')


def _api_names():
    """id(dispatch wrapper) -> (bound name, plain function), built from ember's op bindings."""
    from ember import _torch_function as tf
    from ember.ops._registry import BOUND
    plain = {}
    for target, name, fn in BOUND:
        plain.setdefault(id(fn), name)
    names = {}
    for (kind, fid), w in list(tf._WRAPPERS.items()):
        fn = w.__wrapped__
        if kind.startswith('__'):
            names[id(w)] = (kind, fn)
        else:
            names[id(w)] = (plain.get(fid, getattr(fn, '__name__', '')), fn)
    return names


class OpTracer:
    """Records ATen calls into ``graph``: ``bind`` gives tensors their nodes; ``call`` records one."""

    def __init__(self, graph=None, lift_constant=None):
        self.graph = graph if graph is not None else Graph()
        self.nodes = {}          # id(tensor) -> (tensor, node)
        self.lift_constant = lift_constant
        self.stack_trace = None     # set while a graph is re-traced: the stack of the node being lowered
        self.root_code = None       # strict mode: each node is placed at the line of this code (the root forward)
        # the modules whose forward is running, outermost first: [(key, (fqn, type name))]; a re-trace
        # sets ``module_stack_meta`` to the stack of the node being lowered instead
        self.module_stack = []
        self.module_stack_meta = None
        self.scopes = []            # names libraries push while a jit trace records (fvcore's module scopes)
        self.python_ops = []        # (name, call number) of the user autograd.Functions whose forward is recorded
        self.python_op_calls = 0
        # whether recorded values can require grad: not in a lowered program (PyTorch lowers without
        # autograd, so only its parameters do)
        self.track_grad = True
        self._names = {}
        # nodes whose sizes depend on tensor data (``nonzero``'s rows and what is made from them): PyTorch gives
        # them unbacked symbols, and reading such a size in Python cannot be specialised
        self.unbacked = set()

    # ------------------------------------------------------------------ values
    def bind(self, tensor, node, requires_grad=False):
        self.nodes[id(tensor)] = (tensor, node)
        with DisableTorchFunctionSubclass():        # the tracer's own size reads
            node.meta['val'] = _meta_value(tensor)
            node.meta['tensor_meta'] = _tensor_meta(tensor, requires_grad)
        return node

    def track(self, tensor, node, requires_grad=False):
        """``tensor`` as a traced tensor bound to ``node`` (the same object when it already is one);
        ``requires_grad``: whether PyTorch's trace would see the value require grad (``tensor_meta``)."""
        if type(tensor) is not TracedTensor:
            if type(tensor) is not Tensor:
                tensor = _plain_detach(tensor)
            tensor.__class__ = TracedTensor
        self.bind(tensor, node, requires_grad)
        return tensor

    def _requires_grad(self, node, out):
        # as autograd would: grad mode on, a floating result, an input that requires grad
        if not (self.track_grad and grad_mode.is_grad_enabled()) or \
                not (out.dtype.is_floating_point or out.dtype.is_complex):
            return False
        return any(getattr(n.meta.get('tensor_meta'), 'requires_grad', False) for n in node.all_input_nodes)

    def node_of(self, value):
        entry = self.nodes.get(id(value))
        if entry is not None and entry[0] is value:
            return entry[1]
        if self.lift_constant is None:
            raise Unsupported('a tensor that is neither an input nor made from one')
        node = self.lift_constant(value)
        self.nodes[id(value)] = (value, node)
        node.meta['val'] = _meta_value(value)
        return node

    def as_arg(self, value):
        if isinstance(value, Tensor):
            return self.node_of(value)
        if isinstance(value, (list, tuple)):
            return type(value)(self.as_arg(v) for v in value) if type(value) in (list, tuple) else \
                [self.as_arg(v) for v in value]
        if type(value) is dict:         # keyword arguments: a tensor among them is a value of the graph too
            return {k: self.as_arg(v) for k, v in value.items()}
        return value

    # ------------------------------------------------------------------ recording
    def call(self, func, args, kwargs):
        from ember._torch_function import unwrapped
        _refuse_data_dependent_sizes(args, kwargs)
        name, fn = self._api_name(func)
        if name == '__getitem__':
            return self._getitem(args[0], args[1])
        if name in ('__setitem__',):
            raise Unsupported('in-place index assignment')
        composite = _composites.FUNCTIONS.get(name)
        if composite is not None:       # written in Python by PyTorch: recorded as the calls it makes
            out = composite(*args, **kwargs)
            if out is not NotImplemented:
                return out
        with DisableTorchFunctionSubclass(), grad_mode.no_grad():
            out = func(*args, **kwargs)
        if name in _BROADCAST_FIRST:
            args, kwargs = self._broadcast_operands(args, kwargs)
        if name in _PASSTHROUGH or (name in _SAME_OBJECT and out is args[0]):
            return out
        try:
            op, aargs, akwargs = to_aten(name, fn or getattr(func, '_plain', None) or unwrapped(func), args, kwargs)
        except Unsupported as e:
            raise Unsupported(f"ember.export cannot record the call of '{name}': {e}") from None
        if isinstance(out, Tensor) and op._schema.returns > 1:
            # the Python call gives the first of the operator's results (F.adaptive_max_pool2d without indices):
            # the graph records them all, as PyTorch's does
            with DisableTorchFunctionSubclass(), grad_mode.no_grad():
                every = op._run(tuple(aargs), dict(akwargs))
            if isinstance(every, (tuple, list)):
                _verify(op, aargs, akwargs, every, name)
                return self._record(op, aargs, akwargs, every)[0]
        if isinstance(out, (tuple, list)) and op._packet._name in _ASKED_RESULTS:
            # the Python call gives the results its flags ask for, the operator always all of them
            with DisableTorchFunctionSubclass(), grad_mode.no_grad():
                every = op._run(tuple(aargs), dict(akwargs))
            _verify(op, aargs, akwargs, every, name)
            results = self._record(op, aargs, akwargs, every)
            bound = dict(zip((a.name for a in op._schema.args), aargs), **akwargs)
            return type(out)(results[i] for i in _ASKED_RESULTS[op._packet._name](bound))
        _verify(op, aargs, akwargs, out, name)
        if op._packet._name == 'to' and op._overloadname == 'dtype':
            self._record(_aten.overload('_assert_tensor_metadata', 'default'), (args[0],),
                         {'dtype': args[0].dtype, 'device': args[0].device, 'layout': args[0].layout}, None)
        return self._record(op, aargs, akwargs, out)

    def call_factory(self, name, fn, args, kwargs):
        _refuse_data_dependent_sizes(args, kwargs)
        with DisableTorchFunctionSubclass(), grad_mode.no_grad():
            out = fn(*args, **kwargs)
        try:
            op, aargs, akwargs = to_aten(name, fn, args, kwargs)
        except Unsupported as e:
            raise Unsupported(f"ember.export cannot record the call of '{name}': {e}") from None
        _verify(op, aargs, akwargs, out, name)
        return self._record(op, aargs, akwargs, out)

    def _broadcast_operands(self, args, kwargs):
        # these losses of PyTorch's (Python functions) broadcast input and target with torch.broadcast_tensors
        # first, which its graph records
        args, kwargs = list(args), dict(kwargs)
        places = [(i, None) if len(args) > i else (None, key) for i, key in ((0, 'input'), (1, 'target'))]
        operands = [args[i] if i is not None else kwargs.get(key) for i, key in places]
        if not all(isinstance(t, Tensor) for t in operands):
            return args, kwargs
        from ember.ops.shape import broadcast_tensors
        with DisableTorchFunctionSubclass(), grad_mode.no_grad():
            out = tuple(broadcast_tensors(*operands))
        results = self._record(_aten.overload('broadcast_tensors', 'default'), (operands,), {}, out)
        for (i, key), t in zip(places, results):
            if i is not None:
                args[i] = t
            else:
                kwargs[key] = t
        return tuple(args), kwargs

    def _data_sized(self, tensor):
        # export refuses to read a data-dependent size; TorchScript tracing freezes it as any Python value
        entry = self.nodes.get(id(tensor))
        return entry is not None and entry[0] is tensor and entry[1] in self.unbacked and \
            getattr(_state, 'python_values', None) is None

    def _mark_unbacked(self, op, args, node):
        from ember import bool as _BOOL
        name = op._packet._name
        if name in _DATA_SIZED or name == 'index' and any(
                isinstance(i, Tensor) and i.dtype is _BOOL for i in (args[1] if len(args) > 1 else ())) or \
                name == 'repeat_interleave' and any(isinstance(a, Tensor) for a in args[1:2]) or \
                any(n in self.unbacked for n in node.all_input_nodes):
            self.unbacked.add(node)

    def _api_name(self, func):
        entry = self._names.get(id(func))
        if entry is None:
            self._names = _api_names()
            entry = self._names.get(id(func), (getattr(func, '__name__', ''), None))
        return entry

    def _record(self, op, args, kwargs, out):
        # PyTorch names nodes by the operator in snake case (``mT``: ``m_t``), the metadata check by its overload too
        name = op._packet._name if op._packet._name != '_assert_tensor_metadata' else '_assert_tensor_metadata_default'
        if not name.islower():
            name = re.sub(r'(?<=[a-z0-9])(?=[A-Z])', '_', name).lower()
        node = self.graph.create_node('call_function', op, self.as_arg(tuple(args)), self.as_arg(kwargs), name=name)
        self._mark_unbacked(op, args, node)
        node.meta['stack_trace'] = self.stack_trace if self.stack_trace is not None else _user_stack(self.root_code)
        modules = self.module_stack_meta if self.module_stack_meta is not None else dict(self.module_stack)
        if modules:
            node.meta['nn_module_stack'] = dict(modules)
        if self.scopes:
            node.meta['scope'] = '/'.join(self.scopes)
        if self.python_ops:
            node.meta['python_op'] = self.python_ops[0]        # the outermost: one opaque call in TorchScript
        if out is None:
            return None
        if isinstance(out, (tuple, list)):
            node.meta['val'] = tuple(_meta_value(o) if isinstance(o, Tensor) else o for o in out)
            results = []
            for i, o in enumerate(out):
                if isinstance(o, Tensor):
                    item = self.graph.call_function(operator.getitem, (node, i))
                    if node in self.unbacked:
                        self.unbacked.add(item)
                    item.meta['stack_trace'] = node.meta['stack_trace']
                    if modules:
                        item.meta['nn_module_stack'] = dict(modules)
                    results.append(self.track(o, item, self._requires_grad(node, o)))
                else:
                    results.append(o)
            return type(out)(*results) if hasattr(out, '_fields') else type(out)(results)
        if isinstance(out, Tensor):
            if id(out) in self.nodes and not _rebinds(op):
                out = _plain_detach(out)      # the input handed back unchanged: a new value, the input stays itself
            return self.track(out, node, self._requires_grad(node, out))
        node.meta['val'] = out
        return out

    def _getitem(self, x, key):
        if not isinstance(key, tuple):
            key = (key,)
        if any(isinstance(k, Tensor) and k.dtype.is_floating_point for k in key):
            raise IndexError('tensors used as indices must be long, int, byte or bool tensors')
        dim, cur, tensors = 0, x, {}
        for k in key:
            if k is Ellipsis:
                dim = cur.dim() - _remaining_after(key, k)
                continue
            if k is None:
                cur = self._apply('unsqueeze', 'default', (cur, dim), lambda t: t.unsqueeze(dim))
                dim += 1
            elif isinstance(k, bool):
                raise Unsupported('indexing with a bool')
            elif isinstance(k, int):
                d = dim
                cur = self._apply('select', 'int', (cur, d, k), lambda t: t.select(d, k))
            elif isinstance(k, slice):
                if k.start is None and k.stop is None and k.step is None:
                    dim += 1
                    continue
                start = 0 if k.start is None else k.start
                stop = _INT64_MAX if k.stop is None else k.stop
                step = 1 if k.step is None else k.step
                d = dim
                args = (cur, d, start, stop) + ((step,) if step != 1 else ())
                cur = self._apply('slice', 'Tensor', args, lambda t: t[(slice(None),) * d + (k,)])
                dim += 1
            elif isinstance(k, Tensor):
                tensors[dim] = k
                dim += 1
            else:
                raise Unsupported(f'indexing with {type(k).__name__}')
        if tensors:
            indices = [tensors.get(i) for i in range(max(tensors) + 1)]
            cur = self._apply('index', 'Tensor', (cur, indices), lambda t: t[tuple(
                slice(None) if i is None else i for i in indices)])
        if cur is x:
            cur = self._apply('alias', 'default', (x,), lambda t: t.view(t.shape))
        return cur

    def _apply(self, name, ov, args, compute):
        with DisableTorchFunctionSubclass(), grad_mode.no_grad():
            out = compute(args[0])
        return self._record(_aten.overload(name, ov), args, {}, out)


# ops whose results differ from call to call: their recorded calls cannot be checked by running them again
_RANDOM = {'dropout', 'native_dropout', 'rrelu', 'rrelu_with_noise', 'bernoulli', 'multinomial', 'normal',
           'rand_like', 'randn_like', 'randint_like', 'poisson', 'feature_dropout', 'alpha_dropout',
           'feature_alpha_dropout', 'empty_like', 'empty', 'new_empty', 'new_empty_strided', 'empty_strided',
           'rand', 'randn', 'randint', 'randperm'}


def _verify(op, args, kwargs, out, name):
    """Run the recorded ATen call once more and check it gives what the Python call gave, so that a
    graph never holds a call that would compute something else (an argument order the binding got
    wrong raises here instead)."""
    if op._packet._name in _RANDOM or any('!' in a.type for a in op._schema.args):
        return
    try:
        with DisableTorchFunctionSubclass(), grad_mode.no_grad():
            again = op._run(tuple(args), dict(kwargs))
    except Exception as e:
        raise Unsupported(f"ember.export cannot record the call of '{name}' as {op}: {e}") from None
    got = list(again) if isinstance(again, (tuple, list)) else [again]
    want = list(out) if isinstance(out, (tuple, list)) else [out]
    with DisableTorchFunctionSubclass():
        same = _same_values(got, want)
    if not same:
        raise Unsupported(f"ember.export cannot record the call of '{name}': as {op} it computes something else")


def _same_values(got, want):
    import numpy as np
    same = len(got) == len(want)
    for g, w in zip(got, want):
        if not same:
            break
        if isinstance(w, Tensor):
            same = isinstance(g, Tensor) and g.shape == w.shape and g.dtype == w.dtype and \
                np.array_equal(np.asarray(g.detach().cpu().numpy()), np.asarray(w.detach().cpu().numpy()),
                               equal_nan=w.dtype.is_floating_point or w.dtype.is_complex)
        else:
            same = type(g) is type(w) and g == w
    return same


def _rebinds(op):
    # an in-place op's result is its input, changed; ``.to()`` of the same dtype hands its input back
    # and PyTorch then follows the result for later uses too
    return op._packet._name == 'to' or any('!' in a.type for a in op._schema.args)


def _remaining_after(key, ellipsis):
    after = key[key.index(ellipsis) + 1:]
    return sum(1 for k in after if k is not None and k is not Ellipsis)


# API calls that give Python values, not tensors: computed, not recorded (sizes are specialised)
_PASSTHROUGH = {'size', 'dim', 'numel', 'stride', 'is_contiguous', 'is_floating_point', 'is_complex',
                'element_size', 'nelement', 'ndimension', 'data_ptr', 'get_device', '__len__', 'storage_offset'}


# F's functions that PyTorch writes in Python with a torch.broadcast_tensors of input and target first
_BROADCAST_FIRST = {'mse_loss', 'l1_loss', 'huber_loss', 'smooth_l1_loss'}
# ops whose results' sizes depend on the data
_DATA_SIZED = {'nonzero', 'argwhere', 'masked_select', 'unique', '_unique', '_unique2', 'unique_consecutive',
               'unique_dim', 'nonzero_numpy'}


# operators that always give every result where the Python call gives those its flags ask for: which ones
_ASKED_RESULTS = {'unique_consecutive': lambda bound: [0] + [1] * bool(bound.get('return_inverse'))
                  + [2] * bool(bound.get('return_counts'))}


# calls PyTorch does not record when they hand back their input (``x.contiguous()`` of a contiguous x)
_SAME_OBJECT = {'contiguous', 'cpu', 'cuda'}


def _meta_value(t):
    """What a node's ``meta['val']`` holds: a meta-device tensor of the same shape, dtype and strides."""
    import ember
    if not isinstance(t, Tensor):
        return t
    try:
        return ember.empty_strided(tuple(t.shape), tuple(t.stride()), dtype=t.dtype, device='meta')
    except Exception:       # a layout the meta device lacks (sparse): its shape and dtype still matter
        return ember.empty(tuple(t.shape), dtype=t.dtype, device='meta')


_COMPREHENSIONS = {'<genexpr>', '<listcomp>', '<dictcomp>', '<setcomp>'}


def _tensor_meta(t, requires_grad):
    from ember.fx.passes.shape_prop import _extract_tensor_metadata
    return _extract_tensor_metadata(t)._replace(requires_grad=bool(requires_grad))


def _user_stack(root_code=None):
    """The frame that made the call, formatted as a traceback entry (``File "...", line N, in f``);
    with ``root_code``, the frame running that code (strict mode places every op at the line of
    the exported module's forward that led to it)."""
    frame = sys._getframe(2)
    if root_code is not None:
        outer, inner = frame, None
        while outer is not None and outer.f_code is not root_code:
            outer, inner = outer.f_back, outer
        if outer is not None:
            if inner is not None and inner.f_code.co_name in _COMPREHENSIONS \
                    and inner.f_code.co_filename == root_code.co_filename:
                outer = inner  # a comprehension of the forward is its own frame there
            summary = traceback.StackSummary.extract([(outer, outer.f_lineno)], lookup_lines=True)
            return ''.join(summary.format())
    # a comprehension's frame is reported as the function around it, as PyTorch does
    while frame is not None and (frame.f_code.co_filename.startswith(_QUIET_DIRS)
                                 or frame.f_code.co_name in _COMPREHENSIONS):
        frame = frame.f_back
    if frame is None:
        return None
    summary = traceback.StackSummary.extract([(frame, frame.f_lineno)], lookup_lines=True)
    return ''.join(summary.format())


def _has_traced(values):
    for v in values:
        if type(v) is TracedTensor:
            return True
        if type(v) in (list, tuple) and _has_traced(v):
            return True
    return False


def record_overload(op, args, kwargs):
    """An ATen overload called on traced tensors: computed and recorded as itself (NotImplemented
    when no trace is running or no argument is traced)."""
    tracer = _tracer()
    if tracer is None or not (_has_traced(args) or _has_traced(kwargs.values())):
        return NotImplemented
    with DisableTorchFunctionSubclass(), grad_mode.no_grad():
        out = op._run(args, kwargs)
    return tracer._record(op, args, kwargs, out)


def _recording_factory(name, fn):
    def factory(*args, **kwargs):
        from ember.overrides import _disabled
        tracer = _tracer()
        if tracer is None or _disabled():        # no trace, or called inside an op being recorded
            return fn(*args, **kwargs)
        return tracer.call_factory(name, fn, args, kwargs)
    factory.__wrapped__ = fn
    factory.__name__ = name
    return factory


def run_traced(tracer, fn, args):
    """Run ``fn(*args)`` with ``tracer`` recording; ops dispatch to traced tensors only meanwhile, and
    ember's factories (``ember.ones``) record their calls."""
    import ember
    from ember.export._normalize import FACTORIES
    from ember.fx._dispatch import dispatch_for_tracing
    previous = _tracer()
    _state.tracer = tracer
    originals = {}
    if previous is None:
        for name in FACTORIES:
            originals[name] = ember.__dict__[name]
            ember.__dict__[name] = _recording_factory(name, originals[name])
    try:
        with dispatch_for_tracing():
            return fn(*args)
    finally:
        ember.__dict__.update(originals)
        _state.tracer = previous
