"""Record the ops a function runs, by swapping ember's op entry points for recording ones."""
import itertools

from ember._capture_flag import _active, is_capturing  # noqa: F401  (the flag ops read without this module)
from ember._tensor import Tensor
from ember.autograd import grad_mode
from ember.autograd import _op_observers as _observe

from ._callers import public_caller
from .graph import Graph, Node, Value
from .composite import swap_in


class TraceError(RuntimeError):
    """The function did something a captured graph cannot represent."""


class _Recorder:
    def __init__(self, graph, names):
        self.graph, self.names = graph, names
        self.values = {}     # id(tensor) -> (tensor, Value, version when bound); the tensor keeps the id alive
        self.arrays = {}     # id(tensor's array) -> tensor: index keys hold tensors' arrays, not the tensors
        self.depth = 0       # ops called by ops (a user Function's forward) are not recorded twice
        self.scopes = []     # the modules being run, outermost first, as 'Class[attribute]'

    def bind(self, tensor, value):
        self.values[id(tensor)] = (tensor, value, tensor._version_counter.value)
        self.arrays[id(tensor._data)] = tensor
        return value

    def resolve(self, arg):
        """``arg`` with each tensor, and each array that is a traced tensor's data (the tensors of an
        index key reach the op as arrays), replaced by its Value, through nested tuples and lists."""
        if isinstance(arg, Tensor):
            return self.value_of(arg)
        if isinstance(arg, (tuple, list)):
            return type(arg)(self.resolve(a) for a in arg)
        if hasattr(arg, '__array_interface__') or hasattr(arg, '__cuda_array_interface__'):
            owner = self.arrays.get(id(arg))
            if owner is not None and owner._data is arg and id(owner) in self.values:
                return self.value_of(owner)
        return arg

    def value_of(self, tensor):
        entry = self.values.get(id(tensor))
        if entry is not None:
            if entry[0]._version_counter.value != entry[2]:
                raise TraceError("a tensor used by the traced function was modified in place through a view "
                                 "or by code outside ember's ops; the captured graph would not show the change")
            return entry[1]
        owner = self.arrays.get(id(tensor._data))
        if owner is not None and owner._data is tensor._data and id(owner) in self.values:
            # the same array under another tensor (.detach(), .data): the same value of the graph
            return self.bind(tensor, self.value_of(owner))
        name = self.names.get(id(tensor))
        if name is not None:
            value = Value('param', tensor, name)
            self.graph.params.append(value)
        else:
            self._check_not_alias(tensor)
            value = Value('constant', tensor, f"constant_{len(self.graph.constants)}")
            self.graph.constants.append(value)
        return self.bind(tensor, value)

    def _check_not_alias(self, tensor):
        import numpy as np
        data = tensor._data
        for t, v, _ in self.values.values():
            if v.kind in ('input', 'node') and np.may_share_memory(t._data, data):
                raise TraceError("the traced function read a tensor sharing memory with a traced value "
                                 "(.data, .detach() or a NumPy round trip?); the captured graph would "
                                 "freeze it as a constant")

    def record(self, op, args, kwargs, out):
        node_args = [self.resolve(a) for a in args]
        node_kwargs = {k: self.resolve(v) for k, v in kwargs.items()}
        results = out if isinstance(out, tuple) else (out,)
        node = Node(op, node_args, node_kwargs, [], '/'.join(self.scopes), public_caller(2))
        for i, r in enumerate(results):
            value = Value('node', r, f"{op.__name__.lower()}_{len(self.graph.nodes)}" + (f"_{i}" if i else ''),
                          node, i) if isinstance(r, Tensor) else None
            node.outputs.append(value)
            if value is not None:
                self.bind(r, value)
        self.graph.nodes.append(node)


def _flatten(obj):
    """The tensors of a nested tuple/list/dict structure, in order."""
    if isinstance(obj, Tensor):
        return [obj]
    if isinstance(obj, (tuple, list)):
        return [t for o in obj for t in _flatten(o)]
    if isinstance(obj, dict):
        return [t for o in obj.values() for t in _flatten(o)]
    return []


def _scope_hooks(fn, scopes):
    """Hooks keeping ``scopes`` at the path of modules being run (``Sequential/Linear[0]``), so each
    node knows the module that called it."""
    from ember.nn import Module
    if not isinstance(fn, Module):
        return []
    def enter(label):
        def hook(module, args):
            scopes.append(label)
        return hook

    def leave(module, args, output):
        scopes.pop()  # returns None: the output is left as it is

    hooks = []
    for name, module in fn.named_modules():
        label = type(module).__name__ + (f"[{name.rpartition('.')[2]}]" if name else '')
        hooks.append(module.register_forward_pre_hook(enter(label)))
        hooks.append(module.register_forward_hook(leave, always_call=True))
    return hooks


def _rewind_hook_ids(first, count):
    """Puts the hook numbering back to ``first`` once the capture's ``count`` hooks are removed, so hooks a
    program registers afterwards are numbered as in PyTorch, whose tracing registers none; left as it is when
    something else registered hooks meanwhile."""
    from ember.utils.hooks import RemovableHandle
    now = next(RemovableHandle._next_id)
    RemovableHandle._next_id = itertools.count(first if now == first + 1 + count else now)


def _map(obj, fn):
    """``obj`` with each tensor ``t`` of its nested tuples/lists/dicts replaced by ``fn(t)``."""
    if isinstance(obj, Tensor):
        return fn(obj)
    if isinstance(obj, (tuple, list)):
        return type(obj)(_map(o, fn) for o in obj)
    if isinstance(obj, dict):
        return {k: _map(v, fn) for k, v in obj.items()}
    return obj


def _distinct(args, kwargs):
    """The arguments with a tensor passed twice replaced the second time by a copy: each graph input
    must be its own tensor so that the graph stays right when they differ."""
    seen = set()

    def fresh(t):
        if id(t) in seen:
            return Tensor._make(t._data.copy(), t._device)
        seen.add(id(t))
        return t
    return _map(args, fresh), _map(kwargs, fresh)


def capture(fn, args=(), kwargs=None, names=None, input_names=None, scopes=False):
    """Run ``fn(*args, **kwargs)`` once and return ``(graph, result)``.

    Args:
        fn (Callable): a function or module of ember ops.
        args (tuple): its positional arguments; every tensor in them (nested in tuples, lists or
            dicts too) becomes a graph input, in order.
        kwargs (dict, optional): its keyword arguments (tensors there become inputs after ``args``'s).
        names (dict, optional): ``{id(tensor): name}`` for tensors to record as named parameters
            (a module's ``named_parameters``/``named_buffers``); other tensors the function reads
            are recorded as constants.
        input_names (list of str, optional): names of the inputs. Default: ``input_0``, ...
        scopes (bool): record in each node the path of modules that called it (``fn`` a module).
            Hooks on every submodule do it, which turns off the fused fast paths that modules
            skip when hooked (as PyTorch's transformer layers do).

    Raises:
        TraceError: when the function modifies a traced tensor in a way the graph cannot show, or
            returns something other than tensors built from its inputs.

    Example::

        >>> from ember._trace import capture
        >>> graph, result = capture(lambda x: (x * 2).relu(), (ember.ones(2),))
        >>> print(graph)
        graph(%input_0):
          %mul_0 = Mul(%input_0, 2)
          %relu_1 = Relu(%mul_0)
          return %relu_1
    """
    from ember.ops import inplace
    kwargs = kwargs or {}
    if is_capturing():
        raise TraceError("a graph is already being captured on this thread")
    graph = Graph()
    rec = _Recorder(graph, dict(names or {}))
    args, kwargs = _distinct(args, kwargs)
    for i, t in enumerate(_flatten(args) + _flatten(kwargs)):
        name = input_names[i] if input_names and i < len(input_names) else f"input_{i}"
        v = Value('input', t, name)
        graph.inputs.append(v)
        rec.bind(t, v)

    class Recording(_observe.OpObserver):
        # records each outermost op call (the ops it runs in turn belong to it) and each in-place write
        @staticmethod
        def op(proceed, cls, a, kw):
            if rec.depth:
                return proceed(cls, *a, **kw)
            rec.depth += 1
            try:
                out = proceed(cls, *a, **kw)
            finally:
                rec.depth -= 1
            rec.record(cls, a, kw, out)
            return out

        @staticmethod
        def inplace(proceed, t, a, kw):
            return recording_inplace(t, *a)

    def recording_whole(fn, cls, when):
        def record(*a, **kw):
            if rec.depth or not when(*a, **kw):
                return fn(*a, **kw)
            rec.depth += 1
            try:
                out = fn(*a, **kw)
            finally:
                rec.depth -= 1
            rec.record(cls, a, kw, out)
            return out
        return record

    def recording_inplace(t, compute, *a):
        # NOTE: the new value is computed out of place (so its op is recorded) and written into
        # ``t``, which from then on stands for that result in the graph
        inplace.check_inplace(t)
        if t._base is not None and id(t._base) in rec.values:
            raise TraceError("in-place operations on views cannot be traced; use the out-of-place op")
        with grad_mode.no_grad():
            res = compute(t, *a)
        inplace._write(t, res)
        rec.bind(t, rec.values[id(res)][1] if id(res) in rec.values else rec.value_of(res))
        return t

    from ember.utils.hooks import RemovableHandle
    first_hook_id = next(RemovableHandle._next_id)
    hooks = _scope_hooks(fn, rec.scopes) if scopes else []
    _active.recorder = rec
    recording = Recording()
    _observe.add(recording)
    restore_whole = swap_in(recording_whole)
    try:
        with grad_mode.no_grad():
            result = fn(*args, **kwargs)
    finally:
        _observe.remove(recording)
        restore_whole()
        _active.recorder = None
        for h in hooks:
            h.remove()
        _rewind_hook_ids(first_hook_id, len(hooks))
    outputs = _flatten(result)
    if not outputs:
        raise TraceError("the traced function returned no tensor")
    for t in outputs:
        entry = rec.values.get(id(t))
        if entry is None:
            raise TraceError("the traced function returned a tensor that no recorded op made from its inputs "
                             "(a tensor built with NumPy, or by an op with no gradient that the capture does "
                             "not record, such as nonzero)")
        graph.outputs.append(rec.value_of(t))
    return graph, result
