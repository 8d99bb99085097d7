"""``save``/``load``: an ExportedProgram in one file — its graph, signature and range constraints as
JSON, its state and example inputs as tensors, all in ember's checkpoint format (``ember.save``)."""
import json
import operator

_FORMAT = 'ember.export'
_VERSION = 1


def _encode(value):
    import ember
    from ember.fx.node import Node
    if isinstance(value, Node):
        return {'node': value.name}
    if isinstance(value, (list, tuple)):
        return {'list' if isinstance(value, list) else 'tuple': [_encode(v) for v in value]}
    if isinstance(value, dict):
        return {'dict': [[k, _encode(v)] for k, v in value.items()]}
    if isinstance(value, ember.dtype):
        return {'dtype': str(value).split('.')[-1]}
    if isinstance(value, ember.device):
        return {'device': str(value)}
    if isinstance(value, (ember.layout, ember.memory_format)):
        return {'enum': str(value).split('.')[-1]}
    if isinstance(value, float) and (value != value or value in (float('inf'), float('-inf'))):
        return {'float': repr(value)}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f'ember.export.save cannot store the graph argument {value!r}')


def _decode(value, nodes):
    import ember
    if isinstance(value, dict):
        (kind, v), = value.items()
        if kind == 'node':
            return nodes[v]
        if kind == 'list':
            return [_decode(x, nodes) for x in v]
        if kind == 'tuple':
            return tuple(_decode(x, nodes) for x in v)
        if kind == 'dict':
            return {k: _decode(x, nodes) for k, x in v}
        if kind == 'dtype':
            return getattr(ember, v)
        if kind == 'device':
            return ember.device(v)
        if kind == 'enum':
            return getattr(ember, v)
        if kind == 'float':
            return float(v)
    return value


def _target_name(target):
    if target is operator.getitem:
        return 'getitem'
    return str(target)        # aten.linear.default


def _target(name):
    if name == 'getitem':
        return operator.getitem
    _, op, overload = name.split('.')
    from ember.export._aten import overload as find
    return find(op, overload)


def _val(v):
    import ember
    if isinstance(v, ember.Tensor):
        return {'tensor': [list(v.shape), str(v.dtype).split('.')[-1], list(v.stride())]}
    if isinstance(v, tuple):
        return {'tuple': [_val(x) for x in v]}
    return {'value': _encode(v)}


def _unval(v):
    import ember
    (kind, x), = v.items()
    if kind == 'tensor':
        shape, dtype, stride = x
        return ember.empty_strided(shape, stride, dtype=getattr(ember, dtype), device='meta')
    if kind == 'tuple':
        return tuple(_unval(y) for y in x)
    return _decode(x, {})


def _spec(s):
    from ember.export.graph_signature import ConstantArgument
    arg = {'kind': type(s.arg).__name__, 'name': s.arg.name}
    if isinstance(s.arg, ConstantArgument):
        arg['value'] = _encode(s.arg.value)
    out = {'kind': s.kind.name, 'arg': arg, 'target': s.target}
    if hasattr(s, 'persistent'):
        out['persistent'] = s.persistent
    return out


def _unspec(d, output):
    from ember.export import graph_signature as gs
    cls = getattr(gs, d['arg']['kind'])
    arg = cls(d['arg']['name'], _decode(d['arg']['value'], {})) if cls is gs.ConstantArgument else \
        cls(d['arg']['name'])
    if output:
        return gs.OutputSpec(gs.OutputKind[d['kind']], arg, d['target'])
    return gs.InputSpec(gs.InputKind[d['kind']], arg, d['target'], d.get('persistent'))


def save(ep, f, *, extra_files=None, opset_version=None, pickle_protocol=2):
    """Save an :class:`ExportedProgram` to ``f`` (a path or a writable binary file) as PyTorch's
    ``torch.export.save`` does: a ``.pt2`` archive that ``torch.export.load`` reads. A program
    with dynamic dimensions is written in ember's own format instead (the archive's symbolic sizes
    are not written yet), which only ``ember.export.load`` reads.

    Args:
        ep (ExportedProgram): the program.
        f (str, os.PathLike or file): where to write it.
        extra_files (dict, optional): name -> text, stored alongside and given back by ``load``.

    Example:
        >>> import io
        >>> ep = ember.export.export(nn.Linear(2, 1), (ember.ones(1, 2),))
        >>> buf = io.BytesIO()
        >>> ember.export.save(ep, buf)
        >>> _ = buf.seek(0)
        >>> ember.export.load(buf).module()(ember.ones(1, 2)).shape
        ember.Size([1, 1])
    """
    import ember
    from ember.export.exported_program import ExportedProgram
    if not isinstance(ep, ExportedProgram):
        raise TypeError(f'The \'ep\' parameter must be an instance of \'ExportedProgram\', got \'{type(ep).__name__}\' '
                        'instead.')
    if opset_version is not None:
        raise NotImplementedError('ember.export.save does not support opset_version')
    if not any(n.meta.get('dynamic_dims') for n in ep.graph.nodes):
        from ember.export._pt2_write import save_pt2
        save_pt2(ep, f, extra_files)
        return
    nodes = []
    for n in ep.graph.nodes:
        nodes.append({'op': n.op, 'name': n.name,
                      'target': n.target if isinstance(n.target, str) else _target_name(n.target),
                      'args': _encode(n.args), 'kwargs': _encode(n.kwargs),
                      'val': _val(n.meta['val']) if 'val' in n.meta else None,
                      'stack_trace': n.meta.get('stack_trace'),
                      'dynamic_dims': [[d, list(r)] for d, r in n.meta.get('dynamic_dims', {}).items()],
                      'dynamic_symbols': [[d, v] for d, v in n.meta.get('dynamic_symbols', {}).items()],
                      'sym_shape': n.meta.get('sym_shape')})
    sig = ep.graph_signature
    program = {'nodes': nodes, 'inputs': [_spec(s) for s in sig.input_specs],
               'outputs': [_spec(s) for s in sig.output_specs],
               'range_constraints': [[k, v.lower, v.upper] for k, v in ep.range_constraints.items()],
               'forward_arg_names': ep._forward_arg_names, 'out_spec': _encode(ep._out_spec)}
    ember.save({'format': _FORMAT, 'version': _VERSION, 'program': json.dumps(program),
                'state_dict': dict(ep.state_dict), 'constants': dict(ep.constants),
                'example_inputs': ep.example_inputs, 'extra_files': dict(extra_files or {})}, f)


def load(f, *, extra_files=None, expected_opset_version=None):
    """Load an :class:`ExportedProgram` written by :func:`save`, or by PyTorch's ``torch.export.save``
    (a ``.pt2`` archive). ``extra_files`` (a dict of names) is filled in with the texts stored under
    those names."""
    import ember
    from ember.export.dynamic_shapes import ValueRanges
    from ember.export.exported_program import ExportedProgram
    from ember.export.graph_signature import ExportGraphSignature
    from ember.fx.graph import Graph
    if expected_opset_version is not None:
        raise NotImplementedError('ember.export.load does not support expected_opset_version')
    from ember.export._pt2 import is_pt2, load_pt2
    if is_pt2(f):
        return load_pt2(f, extra_files)
    saved = ember.load(f, weights_only=False)
    if not isinstance(saved, dict) or saved.get('format') != _FORMAT:
        raise RuntimeError('ember.export.load: this file was not written by ember.export.save')
    if saved['version'] > _VERSION:
        raise RuntimeError(f"ember.export.load: the file's format version {saved['version']} is newer than this "
                           f'ember reads ({_VERSION})')
    program = json.loads(saved['program'])
    graph, nodes = Graph(), {}
    for d in program['nodes']:
        args, kwargs = _decode(d['args'], nodes), _decode(d['kwargs'], nodes)
        if d['op'] == 'output':
            node = graph.output(args[0])
        else:
            target = d['target'] if d['op'] in ('placeholder', 'get_attr') else _target(d['target'])
            node = graph.create_node(d['op'], target, args, kwargs, name=d['name'])
            if node.name != d['name']:
                node.name = d['name']        # an input named like a builtin (``input``), as saved
        if d['val'] is not None:
            node.meta['val'] = _unval(d['val'])
        if d['stack_trace'] is not None:
            node.meta['stack_trace'] = d['stack_trace']
        if d['dynamic_dims']:
            node.meta['dynamic_dims'] = {k: tuple(r) for k, r in d['dynamic_dims']}
        if d.get('dynamic_symbols'):
            node.meta['dynamic_symbols'] = {k: v for k, v in d['dynamic_symbols']}
        if d.get('sym_shape'):
            node.meta['sym_shape'] = d['sym_shape']
        nodes[d['name']] = node
    signature = ExportGraphSignature([_unspec(s, False) for s in program['inputs']],
                                     [_unspec(s, True) for s in program['outputs']])
    ranges = {k: ValueRanges(lo, hi) for k, lo, hi in program['range_constraints']}
    if extra_files is not None:
        for name in extra_files:
            extra_files[name] = saved['extra_files'].get(name, '')
    return ExportedProgram(graph, signature, saved['state_dict'], ranges, constants=saved['constants'],
                           example_inputs=saved['example_inputs'], out_spec=_decode(program['out_spec'], {}),
                           forward_arg_names=program['forward_arg_names'])
