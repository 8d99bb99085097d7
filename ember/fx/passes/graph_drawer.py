"""``FxGraphDrawer``: a ``GraphModule``'s graph as a Graphviz drawing (a ``pydot.Dot``), one record per
node (its name, op, target, constant arguments, users and ``tensor_meta``), as PyTorch draws it.
Needs the optional ``pydot`` package."""
import hashlib
import re
from itertools import chain

__all__ = ['FxGraphDrawer']

_COLOR_MAP = {'placeholder': '"AliceBlue"', 'call_module': 'LemonChiffon1', 'get_param': 'Yellow2',
              'get_attr': 'LightGrey', 'output': 'PowderBlue'}
# other nodes get one of these, chosen by a hash of their target's name, so a drawing's colours are stable
_HASH_COLOR_MAP = ['CadetBlue1', 'Coral', 'DarkOliveGreen1', 'DarkSeaGreen1', 'GhostWhite', 'Khaki1', 'LavenderBlush1',
                   'LightSkyBlue', 'MistyRose1', 'MistyRose2', 'PaleTurquoise2', 'PeachPuff1', 'Salmon', 'Thistle1',
                   'Thistle3', 'Wheat1']
_FRAME = re.compile(r'^File "(.+)", line (\d+), in (.+)$')


def _format_arg(arg, max_list_len=float('inf')):
    from ember.fx.node import Node
    if isinstance(arg, (list, tuple)):
        items = ', '.join(_format_arg(a) for i, a in enumerate(arg) if i < max_list_len)
        more = '' if len(arg) < max_list_len + 1 else f', ...[total_len={len(arg)}]'
        if isinstance(arg, list):
            return f'[{items}{more}]'
        return f"({items}{',' if len(arg) == 1 else ''}{more})"
    if isinstance(arg, dict):
        return '{' + ', '.join(f'{k}: {_format_arg(v)}' for k, v in arg.items()) + '}'
    if isinstance(arg, Node):
        return f'%{arg}'
    return str(arg)


def _escape(text):
    # braces delimit record fields in Graphviz labels
    return text.replace('{', r'\{').replace('}', r'\}')


class FxGraphDrawer:
    """Draw a ``GraphModule`` with Graphviz: ``FxGraphDrawer(gm, "name").get_dot_graph()`` is a
    ``pydot.Dot`` (``.write_svg(path)``, ``.to_string()``); submodules that are GraphModules get
    drawings of their own (``get_submod_dot_graph``).

    Args:
        graph_module (GraphModule): what to draw.
        name (str): the drawing's name.
        ignore_getattr (bool): leave out ``get_attr`` nodes.
        ignore_parameters_and_buffers (bool): leave out the parameters and buffers of called
            submodules (drawn as nodes feeding the call otherwise).
        skip_node_names_in_args (bool): list only the constant arguments in each node's record.
        parse_stack_trace (bool): add each node's source line (from its ``stack_trace``).
        dot_graph_shape (str, optional): the Graphviz node shape (``"record"``).
        normalize_args (bool): not supported by ember (raises).

    Example::

        gm = ember.fx.symbolic_trace(nn.Sequential(nn.Linear(4, 5), nn.ReLU()))
        FxGraphDrawer(gm, "mlp").get_dot_graph().write_svg("mlp.svg")   # needs Graphviz's dot program
    """

    def __init__(self, graph_module, name, ignore_getattr=False, ignore_parameters_and_buffers=False,
                 skip_node_names_in_args=True, parse_stack_trace=False, dot_graph_shape=None, normalize_args=False):
        try:
            import pydot
        except ModuleNotFoundError:
            raise RuntimeError('FXGraphDrawer requires the pydot package to be installed. Please install pydot '
                               'through your favorite Python package manager.') from None
        if normalize_args:
            raise NotImplementedError('FxGraphDrawer(normalize_args=True) is not supported by ember')
        from ember.fx.graph_module import GraphModule
        self._pydot = pydot
        self._name = name
        self.dot_graph_shape = dot_graph_shape if dot_graph_shape is not None else 'record'
        self.normalize_args = normalize_args
        self._weight_style = {'fillcolor': 'Salmon', 'style': '"filled,rounded"', 'fontcolor': '#000000',
                              'shape': self.dot_graph_shape}
        options = (ignore_getattr, ignore_parameters_and_buffers, skip_node_names_in_args, parse_stack_trace)
        self._dot_graphs = {name: self._to_dot(graph_module, name, *options)}
        for node in graph_module.graph.nodes:
            if node.op != 'call_module':
                continue
            leaf = self._get_leaf_node(graph_module, node)
            if isinstance(leaf, GraphModule):
                self._dot_graphs[f'{name}_{node.target}'] = self._to_dot(leaf, f'{name}_{node.target}', *options)

    def get_dot_graph(self, submod_name=None):
        """The drawing of the module, or of its submodule ``submod_name``."""
        return self.get_main_dot_graph() if submod_name is None else self.get_submod_dot_graph(submod_name)

    def get_main_dot_graph(self):
        return self._dot_graphs[self._name]

    def get_submod_dot_graph(self, submod_name):
        return self._dot_graphs[f'{self._name}_{submod_name}']

    def get_all_dot_graphs(self):
        return self._dot_graphs

    # ------------------------------------------------------------------ one node
    def _get_node_style(self, node):
        from ember.fx.node import _format_target
        style = {'shape': self.dot_graph_shape, 'fillcolor': '#CAFFE3', 'style': '"filled,rounded"',
                 'fontcolor': '#000000'}
        if node.op in _COLOR_MAP:
            style['fillcolor'] = _COLOR_MAP[node.op]
        else:
            digest = hashlib.md5(_format_target(node.target).encode(), usedforsecurity=False).hexdigest()
            style['fillcolor'] = _HASH_COLOR_MAP[int(digest[:8], 16) % len(_HASH_COLOR_MAP)]
        return style

    def _get_leaf_node(self, module, node):
        obj = module
        for atom in node.target.split('.'):
            if not hasattr(obj, atom):
                raise RuntimeError(f'{obj} does not have attribute {atom}!')
            obj = getattr(obj, atom)
        return obj

    def _typename(self, target):
        import ember
        from ember.fx.node import _qualified_name
        if isinstance(target, ember.nn.Module):
            name = ember.typename(target)
        elif isinstance(target, str):
            name = target
        else:
            name = _qualified_name(target)
        return _escape(name)

    def _args_label(self, values, skip_node_names):
        if isinstance(values, tuple):
            head, tail = r'|args=(\l', r',\n)\l'
            parts = [_format_arg(a, max_list_len=8) for a in values]
        else:
            head, tail = r'|kwargs={\l', r',\n}\l'
            parts = [f'{k}: {_format_arg(v, max_list_len=8)}' for k, v in values.items()]
        if skip_node_names:
            parts = [p for p in parts if '%' not in p]
        if not parts:
            return ''
        text = head + r',\n'.join(parts) + tail
        if len(parts) == 1:
            text = text.replace(r'\l', '').replace(r'\n', '')
        return _escape(text)

    def _get_node_label(self, module, node, skip_node_names_in_args, parse_stack_trace):
        label = '{' + f'name=%{node.name}|op_code={node.op}\n'
        if node.op == 'call_module':
            leaf = self._get_leaf_node(module, node)
            label += r'\n' + self._typename(leaf) + r'\n|'
            constants = getattr(leaf, '__constants__', None)
            if constants is not None:
                label += r'\n'.join(f'{c}: {getattr(leaf, c)}' for c in constants)
            label += r'\n'
        else:
            label += f'|target={self._typename(node.target)}' + r'\n'
            if node.args:
                label += self._args_label(tuple(node.args), skip_node_names_in_args)
            if node.kwargs:
                label += self._args_label(dict(node.kwargs), skip_node_names_in_args)
            label += f'|num_users={len(node.users)}' + r'\n'
        label += self._tensor_meta_to_label(node.meta.get('tensor_meta'))
        if parse_stack_trace and node.meta.get('stack_trace'):
            frame = _innermost_frame(node.meta['stack_trace'])
            if frame is not None:
                file, line, code = frame
                label += f"|file={'/'.join(file.split('/')[-2:])}:{line} {code}" + r'\n'
        return label + '}'

    def _tensor_meta_to_label(self, tm):
        from ember.fx.passes.shape_prop import TensorMetadata
        if tm is None:
            return ''
        if isinstance(tm, TensorMetadata):
            return self._stringify_tensor_meta(tm)
        if isinstance(tm, (list, tuple)):
            return ''.join(self._tensor_meta_to_label(t) for t in tm)
        if isinstance(tm, dict):
            return ''.join(self._tensor_meta_to_label(t) for t in tm.values())
        raise RuntimeError(f'Unsupported tensor meta type {type(tm)}')

    def _stringify_tensor_meta(self, tm):
        import ember
        text = (f'|dtype={tm.dtype}' + r'\n' + f'|shape={tuple(tm.shape)}' + r'\n'
                + f'|requires_grad={tm.requires_grad}' + r'\n' + f'|stride={tm.stride}' + r'\n')
        if tm.is_quantized:
            q = tm.qparams
            if q['qscheme'] in (ember.per_tensor_affine, ember.per_tensor_symmetric):
                text += f"|q_scale={q['scale']}" + r'\n' + f"|q_zero_point={q['zero_point']}" + r'\n'
            else:
                text += (f"|q_per_channel_scale={q['scale']}" + r'\n' + f"|q_per_channel_zero_point={q['zero_point']}"
                         + r'\n' + f"|q_per_channel_axis={q['axis']}" + r'\n')
            text += f"|qscheme={q['qscheme']}" + r'\n'
        return text

    def _get_tensor_label(self, t):
        return str(t.dtype) + str(list(t.shape)) + r'\n'

    # ------------------------------------------------------------------ the drawing
    def _to_dot(self, graph_module, name, ignore_getattr, ignore_parameters_and_buffers, skip_node_names_in_args,
                parse_stack_trace):
        import ember
        from ember.fx.graph_module import GraphModule
        pydot = self._pydot
        dot = pydot.Dot(name, rankdir='TB')
        for node in graph_module.graph.nodes:
            if ignore_getattr and node.op == 'get_attr':
                continue
            dot.add_node(pydot.Node(node.name, label=self._get_node_label(graph_module, node, skip_node_names_in_args,
                                                                          parse_stack_trace),
                                    **self._get_node_style(node)))
            if node.op != 'call_module' or ignore_parameters_and_buffers:
                continue
            leaf = self._get_leaf_node(graph_module, node)
            if isinstance(leaf, GraphModule):
                continue
            # a called module's parameters and buffers, each drawn feeding the call
            for pname, tensor in chain(leaf.named_parameters(), leaf.named_buffers()):
                full = f'{node.name}.{pname}'
                kind = full + '|op_code=get_parameter' if isinstance(tensor, ember.nn.Parameter) else 'buffer' + r'\l'
                dot.add_node(pydot.Node(full, label='{' + kind + self._get_tensor_label(tensor) + '}',
                                        **self._weight_style))
                dot.add_edge(pydot.Edge(full, node.name))
        for node in graph_module.graph.nodes:
            if ignore_getattr and node.op == 'get_attr':
                continue
            for user in node.users:
                dot.add_edge(pydot.Edge(node.name, user.name))
        return dot


def _innermost_frame(stack_trace):
    """``(file, line, code)`` of the last frame of a stack trace."""
    lines = stack_trace.strip().split('\n')
    for i in range(len(lines) - 2, -1, -1):
        m = _FRAME.match(lines[i].strip())
        if m:
            return m.group(1), m.group(2), lines[i + 1].strip()
    return None
