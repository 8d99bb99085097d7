"""``Node``: one operation of an fx ``Graph``, and helpers that map over nested arguments."""
import builtins
import operator
import types
import typing

from ember.fx.immutable_collections import immutable_dict, immutable_list

_OPS = ('placeholder', 'call_method', 'call_module', 'call_function', 'get_attr', 'output', 'root')


def map_aggregate(a, fn):
    """Apply ``fn`` to every leaf of ``a`` (tuples, lists, dicts and slices are walked into); lists and
    dicts come back as the read-only ``immutable_list``/``immutable_dict`` that nodes keep."""
    if isinstance(a, tuple):
        t = tuple(map_aggregate(elem, fn) for elem in a)
        return t if not hasattr(a, '_fields') else type(a)(*t)
    if isinstance(a, list):
        return immutable_list(map_aggregate(elem, fn) for elem in a)
    if isinstance(a, dict):
        return immutable_dict((k, map_aggregate(v, fn)) for k, v in a.items())
    if isinstance(a, slice):
        return slice(map_aggregate(a.start, fn), map_aggregate(a.stop, fn), map_aggregate(a.step, fn))
    return fn(a)


def map_arg(a, fn):
    """Apply ``fn`` to every ``Node`` inside the (possibly nested) argument ``a``."""
    if not callable(fn):
        raise AssertionError('torch.fx.map_arg(a, fn): fn must be a callable')
    return map_aggregate(a, lambda x: fn(x) if isinstance(x, Node) else x)


def _qualified_name(func):
    """The dotted name users know a callable by (``operator.add``, ``ember.relu``, ``builtins.getattr``)."""
    if getattr(builtins, getattr(func, '__name__', ''), None) is func:
        return func.__name__
    name = func.__name__
    if isinstance(func, (types.MethodDescriptorType, types.WrapperDescriptorType)):
        return f'{func.__objclass__.__module__}.{func.__objclass__.__qualname__}.{name}'
    if getattr(operator, name, None) is func:
        return f'_operator.{name}'
    from ember.fx._names import public_name
    found = public_name(func)
    if found is not None:
        return found
    module = getattr(func, '__module__', None) or '__main__'
    return f'{module}.{getattr(func, "__qualname__", name)}'


def _format_target(target):
    if isinstance(target, str):
        return target
    if getattr(target, '__module__', None) == 'builtins':
        return f'builtins.{target.__name__}'
    name = _qualified_name(target)
    return 'operator.' + name[len('_operator.'):] if name.startswith('_operator.') else name


class Node:
    """One operation in a ``Graph``: ``op`` says what kind (``placeholder``, ``get_attr``,
    ``call_function``, ``call_method``, ``call_module``, ``output``), ``target`` what it calls, and
    ``args``/``kwargs`` its inputs, which may hold other nodes.

    Example:
        >>> import ember.fx
        >>> gm = ember.fx.symbolic_trace(lambda x: ember.relu(x) + 1)
        >>> [(n.name, n.op) for n in gm.graph.nodes]
        [('x', 'placeholder'), ('relu', 'call_function'), ('add', 'call_function'), ('output', 'output')]
    """

    def __init__(self, graph, name, op, target, args, kwargs, return_type=None):
        if op not in _OPS:
            raise AssertionError(f'Unknown op {op}')
        if op == 'call_function' and not callable(target):
            raise ValueError(f"Node [graph = {graph}, name = '{name}'] target {target} has type "
                             f"{type(target).__name__} but a Callable is expected")
        if op in ('placeholder', 'call_method', 'call_module', 'get_attr', 'output') and \
                not isinstance(target, str):
            raise ValueError(f"Node [graph = {graph}, name = '{name}'] target {target} has type "
                             f"{type(target).__name__} but a str is expected")
        self.graph = graph
        self.name = name
        self.op = op
        self.target = target
        self._input_nodes = {}
        self._args = ()
        self._kwargs = {}
        self.__update_args_kwargs(args, kwargs)
        self.users = {}
        self.type = return_type
        self._prev = self
        self._next = self
        self._erased = False
        self.meta = {}

    # the doubly linked list the graph keeps its nodes in
    @property
    def next(self):
        """The node after this one in the graph."""
        return self._next

    @property
    def prev(self):
        """The node before this one in the graph."""
        return self._prev

    def prepend(self, x):
        """Insert node ``x`` just before this one."""
        if x is self:
            return
        x._remove_from_list()
        p = self._prev
        p._next, x._prev = x, p
        x._next, self._prev = self, x

    def append(self, x):
        """Insert node ``x`` just after this one."""
        self._next.prepend(x)

    def _remove_from_list(self):
        p, n = self._prev, self._next
        p._next, n._prev = n, p
        self._prev = self._next = self

    @property
    def args(self):
        """The positional arguments (nodes and constants)."""
        return self._args

    @args.setter
    def args(self, a):
        self.__update_args_kwargs(a, self._kwargs)

    @property
    def kwargs(self):
        """The keyword arguments (nodes and constants)."""
        return self._kwargs

    @kwargs.setter
    def kwargs(self, k):
        self.__update_args_kwargs(self._args, k)

    @property
    def all_input_nodes(self):
        """The nodes this node reads, in the order they first appear in its arguments."""
        return list(self._input_nodes)

    def update_arg(self, idx, arg):
        """Set positional argument ``idx`` to ``arg``."""
        args = list(self.args)
        args[idx] = arg
        self.args = tuple(args)

    def update_kwarg(self, key, arg):
        """Set keyword argument ``key`` to ``arg``."""
        self.kwargs = {**self.kwargs, key: arg}

    def __update_args_kwargs(self, new_args, new_kwargs):
        for old in self._input_nodes:
            old.users.pop(self, None)
        self._input_nodes = {}
        self._args = map_arg(tuple(new_args), self._note_input)
        self._kwargs = map_arg(dict(new_kwargs), self._note_input)
        for new in self._input_nodes:
            new.users.setdefault(self)

    def _note_input(self, n):
        if n.graph is not self.graph:
            raise AssertionError(f"Argument '{n}' of Node '{self}' was used before it has been defined! "
                                 'Please check that Nodes in the graph are topologically ordered')
        self._input_nodes.setdefault(n)
        return n

    def replace_all_uses_with(self, replace_with, delete_user_cb=lambda user: True, *, propagate_meta=False):
        """Make every user of this node read ``replace_with`` instead; returns the users changed."""
        if propagate_meta:
            for k, v in self.meta.items():
                replace_with.meta.setdefault(k, v)
        to_process = [u for u in self.users if delete_user_cb(u)]
        for use in to_process:
            use.replace_input_with(self, replace_with)
        return to_process

    def replace_input_with(self, old_input, new_input):
        """Replace every occurrence of the input node ``old_input`` by ``new_input``."""
        def swap(n):
            return new_input if n is old_input else n
        self.__update_args_kwargs(map_arg(self._args, swap), map_arg(self._kwargs, swap))

    def format_node(self, placeholder_names=None, maybe_return_typename=None):
        """This node as one line of ``str(graph)``."""
        if self.op == 'placeholder':
            default = f'(default={self.args[0]})' if self.args else ''
            typename = f'{_type_repr(self.type)} ' if self.type else ''
            return (f'%{self.name} : {typename}[num_users={len(self.users)}] = placeholder[target={self.target}]'
                    f'{default}')
        if self.op == 'get_attr':
            return f'%{self.name} : [num_users={len(self.users)}] = get_attr[target={self.target}]'
        if self.op == 'output':
            return f'return {_format_value(self.args[0])}'
        return (f'%{self.name} : [num_users={len(self.users)}] = {self.op}[target={_format_target(self.target)}]'
                f'(args = {_format_value(self.args, "%")}, kwargs = {_format_kwargs(self.kwargs)})')

    def __repr__(self):
        return self.name

    def is_impure(self, impure_random=True):
        """Whether removing this node could change what the program does (placeholders, outputs,
        in-place calls)."""
        if self.op in ('placeholder', 'output'):
            return True
        schema = getattr(self.target, '_schema', None) if self.op == 'call_function' else None
        if schema is not None:       # an operator overload: impure when its schema writes an argument
            return any('!' in (a[1] if isinstance(a, tuple) else a.type) for a in schema.args)
        if self.op == 'call_function':
            return getattr(self.target, '__name__', '').endswith('_') and \
                not getattr(self.target, '__name__', '').endswith('__') or self.target in _SIDE_EFFECTS
        if self.op == 'call_method':
            return self.target.endswith('_') and not self.target.endswith('__')
        if self.op == 'call_module':
            mod = self.graph.owning_module
            if mod is None:
                return False
            sub = mod.get_submodule(self.target)
            return bool(getattr(sub, '_is_impure', False))
        return False


_SIDE_EFFECTS = set()


def has_side_effect(fn):
    """Register ``fn`` as a function whose calls ``Graph.eliminate_dead_code`` must keep even when
    nothing uses their result (asserts, logging, profiler marks). Returns ``fn`` (usable as a decorator)."""
    _SIDE_EFFECTS.add(fn)
    return fn


# the types fx annotates targets and arguments with (``torch.fx.node.Target``/``Argument``)
Target = typing.Union[typing.Callable[..., typing.Any], str]
BaseArgumentTypes = typing.Union[str, int, float, bool, complex, 'ember.dtype', 'ember.Tensor', 'ember.device',
                                 'ember.memory_format', 'ember.layout']
Argument = typing.Optional[typing.Union[tuple, list, dict, slice, range, Node, BaseArgumentTypes]]


def _format_value(a, prefix=''):
    if isinstance(a, Node):
        return f'{prefix}{a.name}'
    if isinstance(a, tuple):
        inner = ', '.join(_format_value(x, prefix) for x in a)
        return f'({inner},)' if len(a) == 1 else f'({inner})'
    if isinstance(a, list):
        return '[' + ', '.join(_format_value(x, prefix) for x in a) + ']'
    if isinstance(a, dict):
        return '{' + ', '.join(f'{k!r}: {_format_value(v, prefix)}' for k, v in a.items()) + '}'
    return str(a)


def _format_kwargs(kwargs):
    return '{' + ', '.join(f'{k}: {_format_value(v, "%")}' for k, v in kwargs.items()) + '}'


def _type_repr(obj):
    """How a node's type reads in ``str(graph)``: builtins by name, classes by their module's dotted name."""
    if isinstance(obj, type):
        return obj.__qualname__ if obj.__module__ == 'builtins' else f'{obj.__module__}.{obj.__qualname__}'
    if obj is ...:
        return '...'
    if isinstance(obj, types.FunctionType):
        return obj.__name__
    return repr(obj)
