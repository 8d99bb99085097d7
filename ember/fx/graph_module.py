"""``GraphModule``: a Module whose ``forward`` is Python code generated from a ``Graph``."""
import copy
import linecache
import sys

import ember.nn as nn
from ember.fx.graph import Graph

_next_id = [0]


def _exec_source(src, globals_):
    # a fake file name registered with linecache, so tracebacks and inspect show the generated code
    _next_id[0] += 1
    key = f'<eval_with_key>.{_next_id[0]}'
    linecache.cache[key] = (len(src), None, src.splitlines(True), key)
    scope = dict(globals_)
    exec(compile(src, key, 'exec'), scope)
    return scope['forward']


def _copy_attr(from_module, to_module, target):
    *prefix, field = target.split('.')
    for item in prefix:
        f = getattr(from_module, item)
        t = getattr(to_module, item, None)
        if f is t:
            return
        if t is None:
            t = nn.Module()
            setattr(to_module, item, t)
        from_module, to_module = f, t
    orig = getattr(from_module, field)
    if isinstance(orig, nn.Parameter) or not _is_buffer(from_module, field):
        setattr(to_module, field, orig)
    else:
        to_module.register_buffer(field, orig)


def _is_buffer(module, name):
    return name in getattr(module, '_buffers', {})


def _assign_attr(from_obj, to_module, target):
    *prefix, field = target.split('.')
    for item in prefix:
        t = getattr(to_module, item, None)
        if t is None:
            t = nn.Module()
            setattr(to_module, item, t)
        to_module = t
    import ember
    if isinstance(from_obj, ember.Tensor) and not isinstance(from_obj, nn.Parameter):
        to_module.register_buffer(field, from_obj)
    else:
        setattr(to_module, field, from_obj)


class GraphModule(nn.Module):
    """A Module built from a ``Graph``: it holds the submodules, parameters and buffers the graph
    reads, and its ``forward`` is generated from the graph (see ``code``).

    Args:
        root (Module or dict): where the graph's ``get_attr``/``call_module`` targets come from
            (the objects are shared, not copied), or a dict from qualified name to object.
        graph (Graph): the graph to run.
        class_name (str): the name shown for this module's class.

    Example:
        >>> import operator
        >>> g = ember.fx.Graph()
        >>> x = g.placeholder('x')
        >>> _ = g.output(g.call_module('lin', (x,)))
        >>> gm = ember.fx.GraphModule({'lin': nn.Linear(2, 2)}, g)
        >>> gm(ember.ones(1, 2)).shape
        ember.Size([1, 2])
    """

    def __new__(cls, *args, **kwargs):
        # each instance gets its own class, so that setting ``forward`` on it affects only this one
        for t in cls.__mro__:
            c = t.__qualname__.split('.')[-1]
            if c != 'GraphModuleImpl':
                cls = t
                break

        class GraphModuleImpl(cls):
            pass
        return super().__new__(GraphModuleImpl)

    def __init__(self, root, graph, class_name='GraphModule'):
        super().__init__()
        self.__class__.__name__ = class_name
        if isinstance(root, nn.Module):
            if hasattr(root, 'training'):
                self.training = root.training
            for node in graph.nodes:
                if node.op in ('get_attr', 'call_module'):
                    _copy_attr(root, self, node.target)
        elif isinstance(root, dict):
            for node in graph.nodes:
                if node.op in ('get_attr', 'call_module'):
                    if node.target not in root:
                        raise RuntimeError(f"Node {node} referenced target {node.target} but that target was "
                                           "not provided in ``root``!")
                    _assign_attr(root[node.target], self, node.target)
        else:
            raise RuntimeError('Unsupported type ' + str(root) + ' passed for root!')
        self.graph = graph
        self.meta = getattr(root, 'meta', {})
        self._tracer_cls = getattr(graph, '_tracer_cls', None)

    @property
    def graph(self):
        """The ``Graph`` this module runs; setting it regenerates ``forward``."""
        return self._graph

    @graph.setter
    def graph(self, g):
        if not isinstance(g, Graph):
            raise AssertionError(f'Expected a Graph instance, but got {type(g)}')
        self._graph = g
        g.owning_module = self
        self.recompile()

    @property
    def code(self):
        """The Python source of the generated ``forward``."""
        if not hasattr(self, '_code'):
            raise RuntimeError('Code has not been generated! Please report a bug to PyTorch')
        return self._code

    def recompile(self):
        """Regenerate ``forward`` (and ``code``) from ``graph``, after editing the graph."""
        python_code = self._graph.python_code(root_module='self')
        self._code = python_code.src
        cls = type(self)
        cls.forward = _exec_source(self._code, python_code.globals)
        return python_code

    def add_submodule(self, target, m):
        """Install ``m`` at the dotted path ``target``, creating empty modules for the missing parents.
        Returns False (installing nothing) where a parent on the path is not a module."""
        *path, name = target.split('.')
        mod = self
        for item in path:
            if not hasattr(mod, item):
                mod.add_module(item, nn.Module())
            mod = getattr(mod, item)
            if not isinstance(mod, nn.Module):
                return False
        mod.add_module(name, m)
        return True

    def delete_submodule(self, target):
        """Remove the submodule at the dotted path ``target``; False where there is none."""
        *path, name = target.split('.')
        mod = self
        for item in path:
            if not hasattr(mod, item):
                return False
            mod = getattr(mod, item)
            if not isinstance(mod, nn.Module):
                return False
        if not hasattr(mod, name):
            return False
        if not isinstance(getattr(mod, name), nn.Module):
            return False
        delattr(mod, name)
        return True

    def print_readable(self, print_output=True, include_stride=False, include_device=False, colored=False,
                       *, expanded_def=False, additional_meta=None):
        """The generated code as a class definition, with each value's dtype and shape and where in
        the user's code each group of nodes came from; printed unless ``print_output`` is False.
        Submodules that are GraphModules follow, nested."""
        if colored:
            raise NotImplementedError('print_readable(colored=True) is not supported by ember.fx')
        if expanded_def or additional_meta:
            raise NotImplementedError('print_readable(expanded_def=..., additional_meta=...) is not supported '
                                      'by ember.fx')
        out = _readable(self, self._get_name(), include_stride, include_device)
        if print_output:
            print(out)
        return out

    def __str__(self):
        return '\n'.join([super().__str__(), self._code,
                          '# To see more debug info, please use `graph_module.print_readable()`'])

    def _wrapped_call(self, *args, **kwargs):
        return type(self).forward(self, *args, **kwargs)

    def __copy__(self):
        res = GraphModule(self, self.graph, type(self).__name__)
        res.meta = getattr(self, 'meta', {})
        return res

    def __deepcopy__(self, memo):
        res = nn.Module.__new__(type(self))
        memo[id(self)] = res
        fake = nn.Module()
        fake.__dict__ = copy.deepcopy(self.__dict__, memo)
        GraphModule.__init__(res, fake, fake.__dict__['_graph'], type(self).__name__)
        for k, v in fake.__dict__.items():
            if k not in res.__dict__:
                res.__dict__[k] = v
        return res

    def __reduce__(self):
        # pickled as its attributes plus the generated source, from which the graph is traced again
        state = {k: v for k, v in self.__dict__.items() if k not in ('_graph', '_code')}
        return (_rebuild_graph_module, (state, self._code, self._graph_globals_source(), type(self).__name__))

    def _graph_globals_source(self):
        refs = {}
        for name, obj in self._graph.python_code('self').globals.items():
            if name in ('ember', 'inf', 'nan', 'NoneType'):
                continue
            module = getattr(obj, '__module__', None)
            qualname = getattr(obj, '__qualname__', None)
            if module is None or qualname is None:
                raise RuntimeError(f'cannot pickle a GraphModule that calls {obj!r}: it has no importable name')
            refs[name] = (module, qualname)
        return refs


def _readable(module, name, include_stride, include_device):
    src = module.graph.python_code('self', verbose=True, include_stride=include_stride,
                                   include_device=include_device).src
    lines = [line.rstrip() for line in src.strip().split('\n')]
    text = f'class {name}(ember.nn.Module):\n' + '\n'.join('    ' + line if line else '' for line in lines) + '\n'
    for child_name, child in module.named_children():
        if isinstance(child, GraphModule):
            nested = _readable(child, child_name, include_stride, include_device)
            text += '\n' + '\n'.join('    ' + line if line else '' for line in nested.split('\n')[:-1]) + '\n'
    return text


def _import_ref(module, qualname):
    __import__(module)
    obj = sys.modules[module]
    for part in qualname.split('.'):
        obj = getattr(obj, part)
    return obj


def _rebuild_graph_module(state, code, refs, class_name):
    import ember
    from ember.fx._symbolic_trace import Tracer
    scope = {'ember': ember, 'inf': float('inf'), 'nan': float('nan'), 'NoneType': type(None)}
    scope.update({name: _import_ref(*ref) for name, ref in refs.items()})
    forward = _exec_source(code, scope)

    class _CodeOnlyModule(nn.Module):
        def __init__(self, body):
            super().__init__()
            self.__dict__ = body

    _CodeOnlyModule.forward = forward
    com = _CodeOnlyModule(state)

    class KeepModules(Tracer):
        def is_leaf_module(self, m, qualname):
            return True

    graph = KeepModules().trace(com)
    return GraphModule(com, graph, class_name)
