"""Read a program PyTorch saved with ``torch.export.save`` (a ``.pt2`` zip: the graph as JSON in
``models/model.json``, raw weight bytes under ``data/weights``, example inputs in PyTorch's
checkpoint format) into an ember ``ExportedProgram``."""
import io
import json
import operator
import zipfile

import numpy as np

# PyTorch's serialized ScalarType codes (torch/_export/serde/schema.py)
_DTYPES = {1: 'uint8', 2: 'int8', 3: 'int16', 4: 'int32', 5: 'int64', 6: 'float16', 7: 'float32', 8: 'float64',
           10: 'complex64', 11: 'complex128', 12: 'bool', 13: 'bfloat16', 28: 'uint16', 34: 'uint32', 35: 'uint64'}
_LAYOUTS = {7: 'strided', 1: 'sparse_coo'}
_MEMORY_FORMATS = {1: 'contiguous_format', 2: 'channels_last', 3: 'channels_last_3d', 4: 'preserve_format'}


def is_pt2(f):
    """Whether ``f`` (a path or a seekable binary file) is a zip holding a PyTorch export archive."""
    try:
        pos = f.tell() if hasattr(f, 'tell') else None
        with zipfile.ZipFile(f) as z:
            found = any(n.endswith('/archive_format') for n in z.namelist())
        if pos is not None:
            f.seek(pos)
        return found
    except (zipfile.BadZipFile, OSError, ValueError):
        if hasattr(f, 'seek'):
            f.seek(0)
        return False


def _int(v):
    """A serialized size: its value, or for a symbolic one the example's value (its hint)."""
    if 'as_int' in v:
        return v['as_int']
    if 'as_expr' in v and v['as_expr'].get('hint') is not None:
        return _int(v['as_expr']['hint'])
    raise NotImplementedError(f'ember.export.load: the size {v} of a PyTorch archive is not supported')


def _tensor(raw, meta):
    import ember
    dtype = getattr(ember, _DTYPES[meta['dtype']])
    sizes = [_int(s) for s in meta['sizes']]
    strides = [_int(s) for s in meta['strides']]
    offset = _int(meta['storage_offset'])
    np_dtype = ember.empty(0, dtype=dtype).numpy().dtype if dtype != ember.bfloat16 else np.uint16
    flat = np.frombuffer(raw, dtype=np_dtype).copy()
    if dtype == ember.bfloat16:
        t = ember.from_numpy(flat.view(np.int16)).view(ember.bfloat16)
    else:
        t = ember.from_numpy(flat)
    return t.as_strided(sizes, strides, offset) if sizes else t[offset].reshape(())


class _Archive:
    def __init__(self, f):
        self.zip = zipfile.ZipFile(f)
        names = self.zip.namelist()
        root = next(n for n in names if n.endswith('/archive_format')).rsplit('/', 1)[0]
        self.root = root + '/'

    def read(self, path):
        return self.zip.read(self.root + path)

    def has(self, path):
        return (self.root + path) in self.zip.namelist()

    def weights(self, folder, config_name):
        if not self.has(f'data/{folder}/{config_name}'):
            return {}
        config = json.loads(self.read(f'data/{folder}/{config_name}'))['config']
        out = {}
        for fqn, entry in config.items():
            raw = self.read(f"data/{folder}/{entry['path_name']}")
            if entry.get('use_pickle'):
                import ember
                out[fqn] = ember.load(io.BytesIO(raw), weights_only=False)
            else:
                out[fqn] = _tensor(raw, entry['tensor_meta'])
            if entry.get('is_param'):
                import ember.nn as nn
                out[fqn] = nn.Parameter(out[fqn], requires_grad=entry['tensor_meta'].get('requires_grad', True))
        return out


def _argument(arg, nodes):
    import ember
    (kind, value), = arg.items()
    if kind == 'as_tensor':
        return nodes[value['name']]
    if kind == 'as_tensors':
        return [nodes[v['name']] for v in value]
    if kind == 'as_optional_tensors':
        return [None if 'as_none' in v else nodes[v['as_tensor']['name']] for v in value]
    if kind == 'as_none':
        return None
    if kind == 'as_sym_int':
        return nodes[value['as_name']] if 'as_name' in value else value['as_int']
    if kind == 'as_sym_ints':
        return [nodes[v['as_name']] if 'as_name' in v else v['as_int'] for v in value]
    if kind in ('as_int', 'as_float', 'as_bool', 'as_string', 'as_ints', 'as_floats', 'as_bools', 'as_strings'):
        return list(value) if isinstance(value, list) else value
    if kind == 'as_scalar_type':
        return getattr(ember, _DTYPES[value])
    if kind == 'as_layout':
        return getattr(ember, _LAYOUTS[value])
    if kind == 'as_memory_format':
        return getattr(ember, _MEMORY_FORMATS[value])
    if kind == 'as_device':
        return ember.device(value['type'] if value.get('index') is None else f"{value['type']}:{value['index']}")
    raise NotImplementedError(f"ember.export.load: the argument kind '{kind}' of a PyTorch archive is not supported")


def _target(name):
    prefix = 'torch.ops.aten.'
    if not name.startswith(prefix):
        raise NotImplementedError(f"ember.export.load: the operator '{name}' is not supported")
    op, overload = name[len(prefix):].rsplit('.', 1)
    from ember.export import _aten
    packet = _aten.packet(op)
    if packet is None or overload not in packet.overloads():
        raise NotImplementedError(f"ember.export.load: the operator '{name}' is not supported")
    return getattr(packet, overload)


def _spec(entry, output):
    from ember.export import graph_signature as gs
    (kind, body), = entry.items()
    if output:
        kinds = {'user_output': gs.OutputKind.USER_OUTPUT, 'loss_output': gs.OutputKind.LOSS_OUTPUT,
                 'buffer_mutation': gs.OutputKind.BUFFER_MUTATION,
                 'parameter_mutation': gs.OutputKind.PARAMETER_MUTATION,
                 'user_input_mutation': gs.OutputKind.USER_INPUT_MUTATION}
        target = body.get('buffer_name') or body.get('parameter_name') or body.get('user_input_name')
    else:
        kinds = {'user_input': gs.InputKind.USER_INPUT, 'parameter': gs.InputKind.PARAMETER,
                 'buffer': gs.InputKind.BUFFER, 'tensor_constant': gs.InputKind.CONSTANT_TENSOR}
        target = body.get('parameter_name') or body.get('buffer_name') or body.get('tensor_constant_name')
    if kind not in kinds:
        raise NotImplementedError(f"ember.export.load: the signature entry '{kind}' is not supported")
    arg = body['arg']
    if 'as_tensor' in arg:
        arg = gs.TensorArgument(arg['as_tensor']['name'])
    elif 'name' in arg:
        arg = gs.TensorArgument(arg['name'])
    elif 'as_constant' in arg or 'as_none' in arg:
        value = arg.get('as_constant')
        arg = gs.ConstantArgument('', None if value is None else list(value.values())[0])
    else:
        raise NotImplementedError(f'ember.export.load: the signature argument {arg} is not supported')
    if output:
        return gs.OutputSpec(kinds[kind], arg, target)
    return gs.InputSpec(kinds[kind], arg, target, body.get('persistent') if kind == 'buffer' else None)


def load_pt2(f, extra_files=None):
    """The ExportedProgram of a PyTorch ``.pt2`` archive; ``extra_files`` (a dict of names) is
    filled in with the texts stored under those names."""
    import ember
    from ember.export._export import placeholder
    from ember.export.exported_program import ExportedProgram
    from ember.export.graph_signature import ExportGraphSignature
    from ember.fx.graph import Graph
    archive = _Archive(f)
    model = json.loads(archive.read('models/model.json'))
    gm = model['graph_module']
    g = gm['graph']
    graph, nodes = Graph(), {}
    for inp in g['inputs']:
        (kind, value), = inp.items()
        name = value['name']
        nodes[name] = placeholder(graph, name)
    for n in g['nodes']:
        target = _target(n['target'])
        args, kwargs = [], {}
        for named in n['inputs']:
            v = _argument(named['arg'], nodes)
            if named.get('kind') == 2:
                kwargs[named['name']] = v
            else:
                args.append(v)
        node = graph.create_node('call_function', target, tuple(args), kwargs, name=n.get('name'))
        stack = n.get('metadata', {}).get('stack_trace')
        if stack:
            node.meta['stack_trace'] = stack
        modules = _module_stack(n.get('metadata', {}).get('nn_module_stack'))
        if modules:
            node.meta['nn_module_stack'] = modules
        outs = n['outputs']
        if len(outs) == 1 and 'as_sym_int' in outs[0]:       # a size read from a tensor (aten.sym_size.int)
            name = outs[0]['as_sym_int']['as_name']
            node.meta['val'] = _sym_value(g.get('sym_int_values', {}).get(name))
            nodes[name] = node
        elif len(outs) == 1 and 'as_tensor' in outs[0] and target._schema.returns == 1:
            nodes[outs[0]['as_tensor']['name']] = node
        else:
            items = outs[0]['as_tensors'] if len(outs) == 1 and 'as_tensors' in outs[0] else \
                [o.get('as_tensor') for o in outs]
            for i, item in enumerate(items):
                if item is not None and not item['name'].startswith(f"{n.get('name')}_unused"):
                    got = graph.call_function(operator.getitem, (node, i))
                    got.name = item['name'] if all(x.name != item['name'] for x in graph.nodes) else got.name
                    if stack:
                        got.meta['stack_trace'] = stack
                    if modules:
                        got.meta['nn_module_stack'] = dict(modules)
                    nodes[item['name']] = got
    outputs = []
    for out in g['outputs']:
        outputs.append(_argument(out, nodes))
    graph.output(tuple(outputs))
    from ember.export.dynamic_shapes import ValueRanges
    ranges = {name: ValueRanges(r['min_val'], r['max_val']) for name, r in model.get('range_constraints', {}).items()}
    _tensor_meta(graph, g.get('tensor_values', {}), ranges)
    signature = ExportGraphSignature([_spec(s, False) for s in gm['signature']['input_specs']],
                                     [_spec(s, True) for s in gm['signature']['output_specs']])
    weights = archive.weights('weights', 'model_weights_config.json')
    constants = archive.weights('constants', 'model_constants_config.json')
    state_dict, consts = {}, {}
    for spec in signature.input_specs:
        if spec.target in weights:
            if spec.kind.name == 'BUFFER' and not spec.persistent:
                consts[spec.target] = weights[spec.target]
            else:
                state_dict[spec.target] = weights[spec.target]
        elif spec.target in constants:
            consts[spec.target] = constants[spec.target]
    example_inputs = None
    if archive.has('data/sample_inputs/model.pt'):
        example_inputs = ember.load(io.BytesIO(archive.read('data/sample_inputs/model.pt')), weights_only=False)
    forward_arg_names = None
    for entry in gm.get('module_call_graph', []):
        if entry.get('fqn') == '' and entry.get('signature'):
            forward_arg_names = entry['signature'].get('forward_arg_names')
    for name in extra_files or {}:
        extra_files[name] = archive.read(f'extra/{name}').decode() if archive.has(f'extra/{name}') else ''
    n_user = len(signature.user_outputs)
    out_spec = None if n_user == 1 and _single_output(gm) else tuple([None] * n_user)   # None: one tensor
    call_graph = [_call_entry(entry) for entry in gm.get('module_call_graph', [])]
    return ExportedProgram(graph, signature, state_dict, ranges, call_graph, constants=consts, example_inputs=example_inputs,
                           out_spec=out_spec, forward_arg_names=forward_arg_names)


def _single_output(gm):
    for entry in gm.get('module_call_graph', []):
        if entry.get('fqn') == '' and entry.get('signature'):
            spec = json.loads(entry['signature']['out_spec'])
            return spec[1].get('type') is None
    return False


def _tensor_meta(graph, values, ranges):
    """Each node's example value (on the meta device); sizes that follow a dynamic dimension are kept
    as text (``meta['sym_shape']``), and an input's dynamic dimensions with their ranges."""
    import ember
    from ember.export._pt2_symbols import parse
    for node in graph.nodes:
        meta = values.get(node.name)
        if meta is None:
            continue
        node.meta['val'] = ember.empty_strided([_int(s) for s in meta['sizes']], [_int(s) for s in meta['strides']],
                                               dtype=getattr(ember, _DTYPES[meta['dtype']]), device='meta')
        shape, symbols = [], {}
        for d, size in enumerate(meta['sizes']):
            if 'as_expr' in size:
                text, symbol = parse(size['as_expr']['expr_str'])
                shape.append(text)
                if symbol is not None:
                    symbols[d] = symbol
            else:
                shape.append(size['as_int'])
        if any(isinstance(s, str) for s in shape):
            node.meta['sym_shape'] = shape
            if node.op == 'placeholder' and symbols:
                node.meta['dynamic_symbols'] = symbols
                node.meta['dynamic_dims'] = {d: (ranges[sym].lower, ranges[sym].upper) if sym in ranges else (0, None)
                                             for d, sym in symbols.items()}


def _module_stack(text):
    """A node's ``nn_module_stack`` from its serialized form (``key,fqn,type;...``)."""
    if not text:
        return None
    out = {}
    for item in text.split(';'):
        key, fqn, ty = item.split(',', 2)
        out[key] = (fqn, ty)
    return out


def _call_entry(entry):
    from ember.export._module_calls import ModuleCallEntry, ModuleCallSignature
    sig = entry.get('signature')
    if sig is None:
        return ModuleCallEntry(entry['fqn'])
    from ember.export.graph_signature import ConstantArgument, TensorArgument

    def arg(a):
        if 'as_tensor' in a:
            return TensorArgument(a['as_tensor']['name'])
        return ConstantArgument('', _argument(a, {}))
    return ModuleCallEntry(entry['fqn'], ModuleCallSignature(
        [arg(a) for a in sig.get('inputs', [])], [arg(a) for a in sig.get('outputs', [])],
        _treespec(json.loads(sig['in_spec'])[1]), _treespec(json.loads(sig['out_spec'])[1]),
        sig.get('forward_arg_names')))


def _treespec(d):
    """An ember ``TreeSpec`` from PyTorch's serialized pytree spec (tuples, lists, dicts and leaves;
    None for other node types, whose classes live in the writer's program)."""
    from ember.utils._pytree import LeafSpec, TreeSpec
    if d['type'] is None:
        return LeafSpec()
    children = [_treespec(c) for c in d['children_spec']]
    if any(c is None for c in children):
        return None
    kinds = {'builtins.tuple': tuple, 'builtins.list': list, 'builtins.dict': dict}
    if d['type'] not in kinds:
        return None
    context = json.loads(d['context']) if d['type'] == 'builtins.dict' else None
    return TreeSpec(kinds[d['type']], context, children)


def _sym_value(entry):
    """The example value of a symbolic int node (printed ``Sym(s17)``)."""
    from ember.export._pt2_symbols import SymInt, parse
    if entry is None or 'as_expr' not in entry:
        raise NotImplementedError(f'ember.export.load: the symbolic int {entry} of a PyTorch archive is not supported')
    expr = entry['as_expr']
    return SymInt(parse(expr['expr_str'])[0], expr['expr_str'], _int(expr['hint']))
