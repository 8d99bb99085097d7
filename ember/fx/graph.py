"""``Graph``: the list of nodes (``Node``) a trace records, and the Python code generated from it."""
import builtins
import contextlib
import copy
import inspect
import keyword
import operator
import re
import warnings

from ember.fx.node import Node, _qualified_name, map_arg

_snake_case_sub = re.compile(r'(?<=[a-z])([A-Z])').sub
_illegal_char = re.compile('[^0-9a-zA-Z_]+')
_name_regex = re.compile(r'^([a-zA-Z_][0-9a-zA-Z_]*?)(?:_(\d+))?$')
# names a node may not take because the generated code needs them as they are
_ILLEGAL_NAMES = {k: object() for k in keyword.kwlist}
_ILLEGAL_NAMES.update(vars(builtins))
_ILLEGAL_NAMES.update({'inf': float('inf'), 'nan': float('nan'), 'NoneType': type(None), 'ember': object(),
                       'self': object()})

# operators printed as Python syntax in generated code
_OPERATOR_SYNTAX = {
    'add': '{} + {}', 'sub': '{} - {}', 'mul': '{} * {}', 'floordiv': '{} // {}', 'truediv': '{} / {}',
    'div': '{} / {}', 'mod': '{} % {}', 'pow': '{} ** {}', 'lshift': '{} << {}', 'rshift': '{} >> {}',
    'and_': '{} & {}', 'or_': '{} | {}', 'xor': '{} ^ {}', 'getitem': '{}[{}]', 'matmul': '{} @ {}',
    'eq': '{} == {}', 'ne': '{} != {}', 'lt': '{} < {}', 'gt': '{} > {}', 'le': '{} <= {}', 'ge': '{} >= {}',
    'pos': '+{}', 'neg': '-{}', 'invert': '~{}'}


def _snake_case(s):
    return _snake_case_sub(r'_\1', s).lower()


class _Namespace:
    """Hands out unique Python identifiers: ``add``, ``add_1``, ... (never shadowing a builtin)."""

    def __init__(self):
        self._obj_to_name = {}
        self._used_names = set()
        self._base_count = {}

    def create_name(self, candidate, obj):
        if obj is not None and obj in self._obj_to_name:
            return self._obj_to_name[obj]
        match = _name_regex.match(candidate)
        if match is None:
            candidate = _illegal_char.sub('_', candidate) or '_unnamed'
            if candidate[0].isdigit():
                candidate = f'_{candidate}'
            match = _name_regex.match(candidate)
        base, num = match.group(1, 2)
        if num is None or candidate in self._used_names:
            num = self._base_count.get(base, 0)
            if _ILLEGAL_NAMES.get(candidate, obj) is not obj:
                num += 1
                candidate = f'{base}_{num}'
        else:
            num = int(num)
        while candidate in self._used_names:
            num += 1
            candidate = f'{base}_{num}'
        self._used_names.add(candidate)
        self._base_count[base] = num
        if obj is not None:
            self._obj_to_name[obj] = candidate
        return candidate


class _NodeList:
    """The graph's nodes in order (iterable, reversible, sized)."""

    def __init__(self, graph, direction='_next'):
        self._graph, self._direction = graph, direction

    def __len__(self):
        return self._graph._len

    def __iter__(self):
        root = self._graph._root
        cur = getattr(root, self._direction)
        while cur is not root:
            nxt = getattr(cur, self._direction)
            if not cur._erased:
                yield cur
            cur = nxt

    def __reversed__(self):
        return iter(_NodeList(self._graph, '_prev' if self._direction == '_next' else '_next'))


class PythonCode:
    """The source of a generated ``forward`` and the globals it runs in."""

    def __init__(self, src, globals):
        self.src = src
        self.globals = globals


def _format_target(base, target):
    r = base
    for elem in target.split('.'):
        r = f'{r}.{elem}' if elem.isidentifier() else f'getattr({r}, "{elem}")'
    return r


class Graph:
    """The intermediate representation of fx: a list of nodes (``Node``) in execution order.

    Build one by tracing (``ember.fx.symbolic_trace``) or by hand with ``placeholder``,
    ``call_function``, ``call_module``, ``call_method``, ``get_attr`` and ``output``.

    Example:
        >>> import operator
        >>> g = ember.fx.Graph()
        >>> x = g.placeholder('x')
        >>> y = g.call_function(operator.mul, (x, 2))
        >>> _ = g.output(y)
        >>> print(g)
        graph():
            %x : [num_users=1] = placeholder[target=x]
            %mul : [num_users=1] = call_function[target=operator.mul](args = (%x, 2), kwargs = {})
            return mul
    """

    def __init__(self, owning_module=None, tracer_cls=None, tracer_extras=None):
        self._root = Node(self, '', 'root', '', (), {})
        self._len = 0
        self._graph_namespace = _Namespace()
        self._owning_module = owning_module
        self._tracer_cls = tracer_cls
        self._tracer_extras = tracer_extras
        self._insert = self._root.prepend

    @property
    def owning_module(self):
        """The ``GraphModule`` this graph belongs to, if any."""
        return self._owning_module

    @owning_module.setter
    def owning_module(self, mod):
        self._owning_module = mod

    @property
    def nodes(self):
        """The nodes, in order."""
        return _NodeList(self)

    def find_nodes(self, *, op, target=None):
        """The nodes with this ``op`` (and ``target`` if given)."""
        return [n for n in self.nodes if n.op == op and (target is None or n.target == target)]

    # ------------------------------------------------------------------ building
    def create_node(self, op, target, args=None, kwargs=None, name=None, type_expr=None):
        """Create a node and insert it at the current insertion point (the end by default)."""
        args = () if args is None else args
        kwargs = {} if kwargs is None else kwargs
        if not isinstance(args, tuple):
            raise AssertionError('args must be a tuple')
        if not isinstance(kwargs, dict):
            raise AssertionError('kwargs must be a dict')
        candidate = name if name is not None else self._target_to_str(target)
        name = self._graph_namespace.create_name(candidate, None)
        n = Node(self, name, op, target, args, kwargs, type_expr)
        self._insert(n)
        self._len += 1
        return n

    @staticmethod
    def _target_to_str(target):
        if callable(target):
            op = target.__name__
        else:
            op = target
            if op.startswith('__') and op.endswith('__'):
                op = op[2:-2]
        return _snake_case(op)

    def placeholder(self, name, type_expr=None, default_value=inspect.Signature.empty):
        """An input of the graph (a parameter of the generated ``forward``)."""
        args = () if default_value is inspect.Signature.empty else (default_value,)
        return self.create_node('placeholder', name, args=args, type_expr=type_expr)

    def get_attr(self, qualified_name, type_expr=None):
        """Read an attribute (parameter, buffer, submodule) of the owning module."""
        return self.create_node('get_attr', qualified_name, type_expr=type_expr)

    def call_module(self, module_name, args=None, kwargs=None, type_expr=None):
        """Call the submodule ``module_name`` of the owning module."""
        return self.create_node('call_module', module_name, args, kwargs, type_expr=type_expr)

    def call_method(self, method_name, args=None, kwargs=None, type_expr=None):
        """Call method ``method_name`` on ``args[0]``."""
        return self.create_node('call_method', method_name, args, kwargs, type_expr=type_expr)

    def call_function(self, the_function, args=None, kwargs=None, type_expr=None):
        """Call the free function ``the_function``."""
        return self.create_node('call_function', the_function, args, kwargs, type_expr=type_expr)

    def output_node(self):
        """The graph's output node (the last node, of op ``output``)."""
        for node in reversed(list(self.nodes)):
            if node.op == 'output':
                return node
        raise RuntimeError('Graph has no output node')

    def output(self, result, type_expr=None):
        """The value the graph returns."""
        return self.create_node('output', 'output', (result,), type_expr=type_expr)

    def node_copy(self, node, arg_transform=lambda x: x):
        """Copy ``node`` (from any graph) into this one, its input nodes mapped by ``arg_transform``."""
        args = map_arg(node.args, arg_transform)
        kwargs = map_arg(node.kwargs, arg_transform)
        result = self.create_node(node.op, node.target, args, kwargs, node.name, node.type)
        result.meta = copy.copy(node.meta)
        return result

    def graph_copy(self, g, val_map, return_output_node=False):
        """Copy every node of ``g`` into this graph; ``val_map`` maps ``g``'s nodes to ours (filled in
        as we go). Returns the value ``g`` outputs, mapped."""
        for node in g.nodes:
            if node in val_map:
                continue
            if node.op == 'output':
                rv = map_arg(node.args[0], lambda n: val_map[n])
                return (rv, node) if return_output_node else rv
            val_map[node] = self.node_copy(node, lambda n: val_map[n])
        return None

    def __deepcopy__(self, memo=None):
        memo = {} if memo is None else memo
        g = Graph(tracer_cls=self._tracer_cls)
        output_vals = g.graph_copy(self, val_map=memo, return_output_node=True)
        if output_vals is not None:
            out, old_out = output_vals
            new_out = g.output(out, type_expr=old_out.type)
            new_out.meta = copy.copy(old_out.meta)
        return g

    def erase_node(self, to_erase):
        """Remove a node that nothing uses any more."""
        if len(to_erase.users) > 0:
            raise RuntimeError(f'Tried to erase Node {to_erase} but it still had {len(to_erase.users)} '
                               f'users in the graph: {to_erase.users}!')
        if to_erase.graph is not self:
            raise RuntimeError(f'Attempting to remove {to_erase} from wrong graph!')
        if to_erase._erased:
            warnings.warn(f'erase_node({to_erase}) on an already erased node')
            return
        to_erase._remove_from_list()
        to_erase._erased = True
        self._len -= 1
        to_erase.args, to_erase.kwargs = (), {}

    @contextlib.contextmanager
    def inserting_before(self, n=None):
        """Within this context new nodes go just before ``n`` (the start of the graph if None)."""
        if n is None:
            with self.inserting_after(self._root):
                yield
            return
        saved, self._insert = self._insert, n.prepend
        try:
            yield
        finally:
            self._insert = saved

    @contextlib.contextmanager
    def inserting_after(self, n=None):
        """Within this context new nodes go just after ``n`` (the end of the graph if None)."""
        if n is None:
            with self.inserting_before(self._root):
                yield
            return
        saved, self._insert = self._insert, n.append
        try:
            yield
        finally:
            self._insert = saved

    def eliminate_dead_code(self, is_impure_node=None):
        """Remove the nodes whose values nothing uses and that have no side effect; returns whether
        anything was removed."""
        self.lint()
        impure = is_impure_node or (lambda node: node.is_impure())
        changed = False
        for node in reversed(self.nodes):
            if not impure(node) and len(node.users) == 0:
                self.erase_node(node)
                changed = True
        return changed

    def lint(self):
        """Check the graph is well formed: nodes belong to it, every input is defined before it is
        used, names are unique, and targets exist on the owning module."""
        seen_names, seen_values = set(), set()

        def check_arg(arg, n=None):
            where = f" of Node '{n}' " if n else ' '
            if arg.graph is not self:
                raise RuntimeError(f"Argument '{arg}'{where}does not belong to this Graph, but was used as an "
                                   'argument! If you are copying nodes from another graph, make sure to use '
                                   f'``arg_transform`` on node_copy() to remap values\n{self}')
            if arg not in seen_values:
                raise RuntimeError(f"Argument '{arg}'{where}was used before it has been defined! Please check "
                                   f'that Nodes in the graph are topologically ordered\n{self}')

        for node in self.nodes:
            if node.graph is not self:
                raise RuntimeError(f'Node {node} does not belong to this Graph!')
            map_arg(node.args, lambda arg: check_arg(arg, node))
            map_arg(node.kwargs, lambda arg: check_arg(arg, node))
            seen_values.add(node)
            if node.name in seen_names:
                raise RuntimeError(f'Node redefined name {node.name}!')
            seen_names.add(node.name)
        mod = self.owning_module
        if mod is None:
            return
        for node in self.nodes:
            if node.op in ('get_attr', 'call_module'):
                m = mod
                for i, atom in enumerate(node.target.split('.')):
                    if not hasattr(m, atom):
                        seen = '.'.join(node.target.split('.')[:i])
                        raise RuntimeError(f'Node {node} target {node.target} references nonexistent attribute '
                                           f'{atom} of {seen}')
                    m = getattr(m, atom)

    def print_tabular(self):
        """Print the nodes as a table (needs the ``tabulate`` package)."""
        try:
            from tabulate import tabulate
        except ImportError:
            print('`print_tabular` relies on the library `tabulate`, which could not be found on this '
                  'machine. Run `pip install tabulate` to install the library.')
            raise
        node_specs = [[n.op, n.name, n.target, n.args, n.kwargs] for n in self.nodes]
        print(tabulate(node_specs, headers=['opcode', 'name', 'target', 'args', 'kwargs']))

    def __str__(self):
        lines = ['graph():'] + ['    ' + n.format_node() for n in self.nodes]
        return '\n'.join(lines)

    # ------------------------------------------------------------------ code generation
    def python_code(self, root_module='self', *, verbose=False, include_stride=False, include_device=False,
                    colored=False):
        """Generate the Python source of a ``forward`` that runs this graph; ``verbose`` adds each value's
        dtype and shape (from ``node.meta``) and where in the user's code each group of nodes came from."""
        if colored:
            raise NotImplementedError('python_code(colored=True) is not supported by ember.fx')
        return _CodeGen(self, root_module, verbose, include_stride, include_device).generate()


# dtype abbreviations of annotated code (``f32[2, 3]``), PyTorch's
_DTYPE_ABBRS = {'uint8': 'u8', 'int8': 'i8', 'int16': 'i16', 'int32': 'i32', 'int64': 'i64', 'float16': 'f16',
                'float32': 'f32', 'float64': 'f64', 'complex32': 'c32', 'complex64': 'c64', 'complex128': 'c128',
                'bool': 'b8', 'bfloat16': 'bf16', 'uint16': 'u16', 'uint32': 'u32', 'uint64': 'u64',
                'float8_e5m2': 'f8e5m2', 'float8_e4m3fn': 'f8e4m3fn', 'float8_e5m2fnuz': 'f8e5m2fnuz',
                'float8_e4m3fnuz': 'f8e4m3fnuz', 'float8_e8m0fnu': 'f8e8m0fnu'}
_FRAME = re.compile(r'^File "(.+)", line (\d+), in (.+)$')


def _stack_summary(stack_trace):
    """``File: path:line in function, code: text`` for the innermost frame of a stack trace."""
    if not stack_trace:
        return None
    lines = stack_trace.strip().split('\n')
    for i in range(len(lines) - 2, -1, -1):
        m = _FRAME.match(lines[i].strip())
        if m:
            return f'File: {m.group(1)}:{m.group(2)} in {m.group(3)}, code: {lines[i + 1].strip()}'
    return None


def _annotation(node, include_stride, include_device):
    import ember
    from ember.fx.passes.shape_prop import TensorMetadata
    val = node.meta.get('val', node.meta.get('tensor_meta', node.meta.get('example_value')))
    if isinstance(val, (ember.Tensor, TensorMetadata)):
        dtype = _DTYPE_ABBRS.get(str(val.dtype).split('.')[-1], str(val.dtype))
        shape = node.meta.get('sym_shape', val.shape)      # sizes that follow a dynamic dimension: its symbol
        text = f"{dtype}[{', '.join(str(d) for d in shape)}]"
        if include_stride:
            stride = val.stride() if isinstance(val, ember.Tensor) else val.stride
            text += f"[{', '.join(str(d) for d in stride)}]"
        if include_device and isinstance(val, ember.Tensor):
            text += str(val.device)
        if isinstance(val, ember.Tensor) and type(val) is not ember.Tensor and val.device.type != 'meta':
            text = f'{type(val).__name__}({text})'
        return f': "{text}"'
    if type(val).__name__ in ('SymInt', 'SymFloat', 'SymBool'):
        return f': "Sym({val})"'
    return ''


class _CodeGen:
    def __init__(self, graph, root_module, verbose=False, include_stride=False, include_device=False):
        self.graph = graph
        self.root = root_module
        self.verbose, self.include_stride, self.include_device = verbose, include_stride, include_device
        self.namespace = _Namespace()
        # the code's name for each node: its own, unless that shadows a builtin (``input`` -> ``input_1``)
        self.names = {n: self.namespace.create_name(n.name, n) for n in graph.nodes}
        import ember
        self.globals = {'ember': ember, 'inf': float('inf'), 'nan': float('nan'), 'NoneType': type(None)}

    def add_global(self, qualified, obj):
        if getattr(builtins, qualified, None) is obj:
            return qualified
        if qualified.startswith('ember.') and _reaches(qualified, obj):
            return qualified
        name = self.namespace.create_name(qualified, obj)
        self.globals[name] = obj
        return name

    def repr_of(self, a):
        import ember
        if isinstance(a, Node):
            return self.names[a]
        if isinstance(a, tuple):
            inner = ', '.join(self.repr_of(x) for x in a)
            return f'({inner},)' if len(a) == 1 else f'({inner})'
        if isinstance(a, list):
            return '[' + ', '.join(self.repr_of(x) for x in a) + ']'
        if isinstance(a, dict):
            return '{' + ', '.join(f'{k!r}: {self.repr_of(v)}' for k, v in a.items()) + '}'
        if isinstance(a, slice):
            return f'slice({self.repr_of(a.start)}, {self.repr_of(a.stop)}, {self.repr_of(a.step)})'
        if isinstance(a, ember.device):
            # PyTorch's spelling, ``device(type='cpu')``, with ``device`` among the code's globals
            self.globals['device'] = ember.device
            return repr(a)
        if isinstance(a, float) and (a != a or a in (float('inf'), float('-inf'))):
            return repr(a)
        if a is None or isinstance(a, (bool, int, float, complex, str, bytes, ember.dtype)):
            return repr(a)
        if isinstance(a, type) or callable(a):
            return self.add_global(_qualified_name(a), a)
        return repr(a)

    def format_args(self, args, kwargs):
        parts = [self.repr_of(a) for a in args] + [f'{k} = {self.repr_of(v)}' for k, v in kwargs.items()]
        return ', '.join(parts)

    def emit(self, node):
        line = self._emit(node)
        if self.verbose and node.op not in ('output', 'placeholder'):
            head, eq, rest = line.partition(' = ')
            line = head + _annotation(node, self.include_stride, self.include_device) + eq + rest
        return line

    def _emit(self, node):
        r = self.repr_of
        if node.op == 'call_method':
            return f'{self.names[node]} = {_format_target(r(node.args[0]), node.target)}({self.format_args(node.args[1:], node.kwargs)})'
        if node.op == 'call_function':
            target = node.target
            if getattr(operator, getattr(target, '__name__', ''), None) is target and \
                    target.__name__ in _OPERATOR_SYNTAX and not node.kwargs:
                fmt = _OPERATOR_SYNTAX[target.__name__]
                if fmt.count('{}') == len(node.args):
                    return f'{self.names[node]} = {fmt.format(*(r(a) for a in node.args))}'
            global_name = self.add_global(_qualified_name(target), target)
            if global_name == 'getattr' and len(node.args) == 2 and isinstance(node.args[1], str) \
                    and node.args[1].isidentifier():
                return f'{self.names[node]} = {_format_target(r(node.args[0]), node.args[1])}'
            return f'{self.names[node]} = {global_name}({self.format_args(node.args, node.kwargs)})'
        if node.op == 'call_module':
            return f'{self.names[node]} = {_format_target(self.root, node.target)}({self.format_args(node.args, node.kwargs)})'
        if node.op == 'get_attr':
            return f'{self.names[node]} = {_format_target(self.root, node.target)}'
        if node.op == 'output':
            return f'return {r(node.args[0])}'
        raise NotImplementedError(f'node: {node.op} {node.target}')

    def generate(self):
        nodes = list(self.graph.nodes)
        last_use_of, deletions = {}, {}
        for node in reversed(nodes):
            def note(n, user=node):
                if n not in last_use_of:
                    last_use_of[n] = user
                    deletions.setdefault(user, []).append(n)
            map_arg(node.args, note)
            map_arg(node.kwargs, note)
        free_vars, body, previous_summary = [], [], None
        wrapped = {}     # names of the functions traced through wrap(), in first-use order
        for node in nodes:
            if self.verbose and node.op not in ('placeholder', 'output'):
                summary = _stack_summary(node.meta.get('stack_trace')) or 'No stacktrace found for following nodes'
                if summary != previous_summary:
                    previous_summary = summary
                    body.append(f'\n# {summary}\n')
            if node.op == 'placeholder':
                default = '' if not node.args else f' = {self.repr_of(node.args[0])}'
                annotation = _annotation(node, self.include_stride, self.include_device) if self.verbose else ''
                if not annotation and _type_text(node.type):
                    annotation = f' : {_type_text(node.type)}'   # a type given by annotate() or the signature
                free_vars.append(f'{node.target}{annotation}{default}')
                raw = node.target.replace('*', '')
                if raw != self.names[node]:
                    body.append(f'{self.names[node]} = {raw}\n')
                continue
            line = self.emit(node)
            if node.op == 'call_function' and node.meta.get('is_wrapped'):
                wrapped.setdefault(self.add_global(_qualified_name(node.target), node.target))
            if node.op == 'output':
                body.append(line + '\n')
                continue
            dead = list(deletions.get(node, []))
            if not node.users:
                dead.append(node)
            body.append(line + (';  ' + ' = '.join([self.names[n] for n in dead] + ['None']) if dead else '') + '\n')
        if not any(n.op == 'output' for n in nodes):
            body.append('pass\n')
        code = '\n'.join('    ' + line for line in ''.join(body).lstrip('\n').split('\n'))
        from ember.fx._symbolic_trace import wrap
        # a wrapped function stays a leaf when the generated module is traced again: its code wraps it
        wraps = '\n'.join(f'{self.add_global(_qualified_name(wrap), wrap)}("{name}")' for name in wrapped)
        output = next((n for n in nodes if n.op == 'output'), None)
        returns = f' -> {_type_text(output.type)}' if output is not None and _type_text(output.type) else ''
        src = f"\n{wraps}\n\ndef forward({', '.join([self.root] + free_vars)}){returns}:\n{code}"
        return PythonCode(src, self.globals)


def _reaches(qualified, obj):
    """Whether the dotted name leads to ``obj`` (a function defined in an ember module's namespace at
    run time, as a doctest's, does not: the code then holds it as a global)."""
    import ember
    from ember._torch_function import unwrapped
    value = ember
    for part in qualified.split('.')[1:]:
        value = getattr(value, part, None)
        if value is None:
            return False
    return value is obj or unwrapped(value) is unwrapped(obj)


def _type_text(t):
    """A placeholder's or the output's type as the code writes it (``int``, ``ember.Tensor``), or ''
    for none (other annotations are left out of the code)."""
    from ember import Tensor
    from ember.nn.parameter import Parameter
    if t is Tensor:
        return 'ember.Tensor'
    if t is Parameter:
        return 'ember.nn.parameter.Parameter'
    if isinstance(t, type) and t.__module__ == 'builtins':
        return t.__name__
    return ''
