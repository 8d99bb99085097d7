"""``symbolic_trace`` and ``Tracer``: run a module's ``forward`` on ``Proxy`` values and record what
it does as a ``Graph``."""
import builtins
import functools
import inspect
import math
import types

from ember.fx._dispatch import dispatch_for_tracing, plain_targets
from ember.fx.graph import Graph
from ember.fx.node import map_aggregate
from ember.fx.proxy import Proxy, TracerBase

# functions named by ``wrap`` at module scope: (globals dict of that module, name)
_wrapped_fns_to_patch = {}


class PHBase:
    """A placeholder marker inside ``concrete_args``: this part of the argument stays symbolic."""

    def __repr__(self):
        return 'PH'


PH = PHBase()


def wrap(fn_or_name):
    """Record calls to a module-level function as a single ``call_function`` node instead of tracing
    into it. Call at module scope, with the function or its name.

    Args:
        fn_or_name (Callable or str): the function, or its name in the calling module's globals.

    Returns:
        ``fn_or_name``, unchanged (so it can be used as a decorator).

    Example:
        >>> def scale(x, k):
        ...     return x * k
        >>> _ = ember.fx.wrap(scale)
    """
    if not callable(fn_or_name) and not isinstance(fn_or_name, str):
        raise RuntimeError('Unsupported type for global function! Must be either a callable or string name')
    if callable(fn_or_name):
        if isinstance(fn_or_name, str):
            raise AssertionError
        fn_name = fn_or_name.__name__
    else:
        fn_name = fn_or_name
    caller = inspect.currentframe().f_back
    if caller.f_code.co_name != '<module>' and 'doctest' not in caller.f_code.co_filename:
        raise NotImplementedError('wrap must be called at the top level of a module')
    _wrapped_fns_to_patch[(id(caller.f_globals), fn_name)] = caller.f_globals
    return fn_or_name


def _is_from_ember_nn(m):
    module = type(m).__module__ or ''
    return module.startswith('ember.nn') or module.startswith('torch.nn')


class _Patcher:
    """Swaps attributes and dict entries for the length of a trace, and puts them back after."""

    def __init__(self):
        self._undo = []

    def set_attr(self, obj, name, value):
        self._undo.append(lambda old=obj.__dict__.get(name, _MISSING): _restore_attr(obj, name, old))
        setattr(obj, name, value)

    def set_item(self, d, name, value):
        old = d.get(name, _MISSING)
        self._undo.append(lambda: d.pop(name, None) if old is _MISSING else d.__setitem__(name, old))
        d[name] = value

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        while self._undo:
            self._undo.pop()()


_MISSING = object()


def _restore_attr(obj, name, old):
    if old is _MISSING:
        delattr(obj, name)
    else:
        setattr(obj, name, old)


class Tracer(TracerBase):
    """Records a ``Graph`` by running a module's ``forward`` (or a function) on ``Proxy`` inputs.

    Submodules for which ``is_leaf_module`` is true (ember.nn's built-in modules) are recorded as
    ``call_module`` nodes; other modules are traced through.

    Args:
        autowrap_modules (tuple of modules): modules whose functions are recorded as calls rather
            than traced into when they meet a proxy (``math`` by default).
        autowrap_functions (tuple of callables): further functions recorded that way.
        param_shapes_constant (bool): must be False; ember records shape reads of parameters as
            graph nodes.

    Example:
        >>> tracer = ember.fx.Tracer()
        >>> graph = tracer.trace(nn.Sequential(nn.Linear(2, 3)))
        >>> [n.op for n in graph.nodes]
        ['placeholder', 'call_module', 'output']
    """

    def __init__(self, autowrap_modules=(math,), autowrap_functions=(), param_shapes_constant=False):
        super().__init__()
        if param_shapes_constant:
            raise NotImplementedError('param_shapes_constant=True is not supported by ember.fx')
        for m in autowrap_modules:
            if not inspect.ismodule(m):
                raise TypeError(f'autowrap_modules must hold modules, got {type(m).__name__}')
        for f in autowrap_functions:
            if not callable(f):
                raise TypeError(f'autowrap_functions must hold callables, got {type(f).__name__}')
        self._autowrap_modules = tuple(autowrap_modules)
        self._autowrap_functions = tuple(autowrap_functions)
        self._autowrap_function_ids = {id(v) for m in autowrap_modules for name, v in m.__dict__.items()
                                       if not name.startswith('_') and callable(v)}
        self._autowrap_function_ids.update(id(f) for f in autowrap_functions)
        self.param_shapes_constant = param_shapes_constant
        self.submodule_paths = None
        self.root = None
        self.graph = None
        self.tensor_attrs = {}

    # ------------------------------------------------------------------ overridable rules
    def is_leaf_module(self, m, module_qualified_name):
        """Whether ``m`` is recorded as one ``call_module`` node (ember.nn's own modules, except
        ``Sequential``) instead of being traced through."""
        import ember.nn as nn
        return _is_from_ember_nn(m) and not isinstance(m, nn.Sequential)

    def path_of_module(self, mod):
        """The qualified name of ``mod`` inside the traced root."""
        if self.submodule_paths:
            path = self.submodule_paths.get(mod)
            if path is None:
                raise NameError('module is not installed as a submodule')
            return path
        for name, m in self.root.named_modules():
            if m is mod:
                return name
        raise NameError('module is not installed as a submodule')

    def call_module(self, m, forward, args, kwargs):
        """Record a call of submodule ``m``, or trace through its ``forward`` if it is not a leaf."""
        module_qualified_name = self.path_of_module(m)
        if not self.is_leaf_module(m, module_qualified_name):
            return forward(*args, **kwargs)
        return self.create_proxy('call_module', module_qualified_name, args, kwargs)

    def getattr(self, attr, attr_val, parameter_proxy_cache):
        """What reading attribute ``attr`` of a module gives during a trace: parameters of the root
        become ``get_attr`` nodes."""
        import ember.nn as nn
        if isinstance(attr_val, nn.Parameter):
            for n, p in self.root.named_parameters():
                if attr_val is p:
                    if n not in parameter_proxy_cache:
                        parameter_proxy_cache[n] = self.create_proxy('get_attr', n, (), {})
                    return parameter_proxy_cache[n]
        return attr_val

    def create_arg(self, a):
        """Like ``TracerBase.create_arg``; tensors become ``get_attr`` nodes of the parameter or buffer
        they are (or of a new ``_tensor_constant`` attribute) and modules are refused."""
        import ember
        import ember.nn as nn
        if isinstance(a, ember.Tensor):
            for n, p in self.root.named_parameters():
                if a is p:
                    return self.create_node('get_attr', n, (), {})
            for n, b in self.root.named_buffers():
                if a is b:
                    return self.create_node('get_attr', n, (), {})
            qualname = self.tensor_attrs.get(a)
            if qualname is None:
                i = 0
                while True:
                    qualname = f'_tensor_constant{i}'
                    if not hasattr(self.root, qualname):
                        break
                    i += 1
                self.tensor_attrs[a] = qualname
                setattr(self.root, qualname, a)
            return self.create_node('get_attr', qualname, (), {})
        if isinstance(a, nn.Module):
            raise NotImplementedError(f'argument of type: {type(a)}')
        return super().create_arg(a)

    # ------------------------------------------------------------------ tracing
    def create_args_for_root(self, root_fn, is_module, concrete_args=None):
        """Make the placeholders for ``root_fn``'s parameters; returns the function and its arguments."""
        sig = inspect.signature(root_fn)
        params = list(sig.parameters.values())
        if is_module:
            params = params[1:]
        concrete_args = {} if concrete_args is None else concrete_args
        if not isinstance(concrete_args, dict):
            names = [p.name for p in params]
            concrete_args = dict(zip(names, concrete_args))
        args = []
        variadic = any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params)
        if variadic:
            root_fn = _without_varargs(root_fn)
        for p in params:
            if (p.kind is p.VAR_POSITIONAL or p.kind is p.VAR_KEYWORD) and p.name not in concrete_args:
                # the whole tuple (dict) is one placeholder, ``*args``, indexed by the traced code
                stars = '*' if p.kind is p.VAR_POSITIONAL else '**'
                args.append(self.create_proxy('placeholder', stars + p.name, (), {}))
                continue
            if p.name in concrete_args:
                args.append(self._concrete(p, concrete_args[p.name]))
                continue
            default = inspect.Signature.empty if p.default is p.empty else p.default
            # the parameter's annotation is the placeholder's type, as PyTorch's tracer records it
            args.append(self.create_proxy('placeholder', p.name, () if default is inspect.Signature.empty
                                          else (default,), {},
                                          type_expr=None if p.annotation is p.empty else p.annotation))
        if variadic:
            # the rewritten function takes them in its code's order: positional, keyword-only, *args, **kwargs
            order = {p.POSITIONAL_ONLY: 0, p.POSITIONAL_OR_KEYWORD: 0, p.KEYWORD_ONLY: 1, p.VAR_POSITIONAL: 2,
                     p.VAR_KEYWORD: 3}
            args = [a for _, a in sorted(zip([order[p.kind] for p in params], args), key=lambda pair: pair[0])]
        return root_fn, args

    def _concrete(self, param, value):
        default = () if param.default is param.empty else (param.default,)
        count = [0]

        def replace(x):
            count[0] += 1
            out = self.create_proxy('placeholder', f'{param.name}_{count[0]}', default, {})
            if isinstance(x, PHBase):
                return out
            return x
        return map_aggregate(value, replace)

    def trace(self, root, concrete_args=None):
        """Trace ``root`` (a Module or a function) and return the recorded ``Graph``."""
        with dispatch_for_tracing():
            graph = self._trace(root, concrete_args)
        plain_targets(graph)
        return graph

    def _trace(self, root, concrete_args):
        import ember
        import ember.nn as nn
        if isinstance(root, nn.Module):
            self.root = root
            fn = type(root).forward
            is_module = True
        else:
            self.root = nn.Module()
            fn = root
            is_module = False
        self.graph = Graph(tracer_cls=type(self))
        self.tensor_attrs = {}
        self.submodule_paths = {mod: name for name, mod in self.root.named_modules()}
        fn, args = self.create_args_for_root(fn, is_module, concrete_args)
        parameter_proxy_cache = {}
        tracer = self
        orig_call = nn.Module.__call__
        orig_getattr = nn.Module.__getattr__

        def module_getattr_wrapper(mod, attr):
            return tracer.getattr(attr, orig_getattr(mod, attr), parameter_proxy_cache)

        def module_call_wrapper(mod, *args, **kwargs):
            def forward(*args, **kwargs):
                return orig_call(mod, *args, **kwargs)
            return tracer.call_module(mod, forward, args, kwargs)

        with _Patcher() as patcher:
            patcher.set_attr(nn.Module, '__getattr__', module_getattr_wrapper)
            patcher.set_attr(nn.Module, '__call__', module_call_wrapper)
            self._patch_wrapped(patcher, fn)
            result = fn(root, *args) if is_module else fn(*args)
            # the return annotation is the output's type, as PyTorch's tracer records it
            returns = getattr(fn, '__annotations__', {}).get('return')
            self.create_node('output', 'output', (self.create_output_arg(result),), {},
                             type_expr=returns if isinstance(returns, type) else None)
        self.submodule_paths = None
        return self.graph

    def create_output_arg(self, result):
        """The output node's argument for what the traced code returned."""
        return self.create_arg(result)

    def _patch_wrapped(self, patcher, fn):
        fn_globals = getattr(fn, '__globals__', {})
        for (_, name), space in list(_wrapped_fns_to_patch.items()):
            if name in space:
                patcher.set_item(space, name, _recording(self, space[name]))
            elif hasattr(builtins, name):
                patcher.set_item(space, name, _recording(self, getattr(builtins, name)))
        for name, value in list(fn_globals.items()):
            if not name.startswith('_') and id(value) in self._autowrap_function_ids:
                patcher.set_item(fn_globals, name, _recording(self, value))
        for module in self._autowrap_modules:
            for name, value in list(module.__dict__.items()):
                if not name.startswith('_') and callable(value) and id(value) in self._autowrap_function_ids:
                    patcher.set_attr(module, name, _recording(self, value))


def _recording(tracer, fn):
    """``fn`` that records a ``call_function`` node when any argument is a proxy, else just runs."""
    @functools.wraps(fn)
    def wrapped(*args, **kwargs):
        found = []
        map_aggregate((args, kwargs), lambda a: found.append(a) if isinstance(a, Proxy) else None)
        if found:
            proxy = found[0].tracer.create_proxy('call_function', fn, args, kwargs)
            proxy.node.meta['is_wrapped'] = True    # the generated code re-registers it with wrap()
            return proxy
        return fn(*args, **kwargs)
    wrapped.__fx_original__ = fn
    return wrapped


def symbolic_trace(root, concrete_args=None):
    """Trace a module or function into a ``GraphModule``: its ``graph`` holds the recorded
    operations and its ``code`` the Python that runs them.

    Args:
        root (Module or Callable): what to trace.
        concrete_args (dict, optional): values for some parameters, fixed for the trace (``PH``
            inside one keeps that part symbolic); each still becomes a placeholder named
            ``<param>_1``, ``<param>_2``, ...

    Returns:
        GraphModule

    Example:
        >>> class Net(nn.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.fc = nn.Linear(3, 2)
        ...     def forward(self, x):
        ...         return F.relu(self.fc(x)) + 1
        >>> gm = ember.fx.symbolic_trace(Net())
        >>> print(gm.code.strip())
        def forward(self, x):
            fc = self.fc(x);  x = None
            relu = ember.nn.functional.relu(fc, inplace = False);  fc = None
            add = relu + 1;  relu = None
            return add
    """
    from ember.fx.graph_module import GraphModule
    tracer = Tracer()
    graph = tracer.trace(root, concrete_args)
    name = root.__class__.__name__ if isinstance(root, _module_type()) else root.__name__
    return GraphModule(tracer.root, graph, name)


def _module_type():
    import ember.nn as nn
    return nn.Module


def _without_varargs(fn):
    """``fn`` with its ``*args``/``**kwargs`` turned into ordinary parameters, so that a trace can pass
    one proxy for each (as PyTorch's tracer does, by rewriting the code object's flags)."""
    code = fn.__code__
    # (keyword-only parameters become positional too: the code keeps them before ``*args`` and ``**kwargs``)
    extra = bool(code.co_flags & inspect.CO_VARARGS) + bool(code.co_flags & inspect.CO_VARKEYWORDS)
    new = code.replace(co_argcount=code.co_argcount + code.co_kwonlyargcount + extra, co_kwonlyargcount=0,
                       co_flags=code.co_flags & ~(inspect.CO_VARARGS | inspect.CO_VARKEYWORDS))
    return types.FunctionType(new, fn.__globals__, fn.__name__, fn.__defaults__, fn.__closure__)
