"""Write an ember ``ExportedProgram`` as PyTorch's ``torch.export.save`` does: a ``.pt2`` zip
holding the graph as JSON (``models/model.json``, PyTorch's serialization schema), each weight's
raw bytes under ``data/weights`` and each constant's under ``data/constants`` (with their
configs), and the example inputs in PyTorch's checkpoint format."""
import io
import json
import os
import random
import zipfile

import numpy as np

from ember.export._pt2 import _DTYPES, _LAYOUTS, _MEMORY_FORMATS
from ember.export._pt2_symbols import range_constraints, sizes_and_strides

_CODES = {name: code for code, name in _DTYPES.items()}
_SCHEMA_VERSION = {'major': 8, 'minor': 20}


def _code(table, value):
    name = str(value).rsplit('.', 1)[-1]
    return next(code for code, n in table.items() if n == name)


def _tensor_meta(t, requires_grad=False, shape=None):
    """A tensor's serialized metadata; ``shape`` names the sizes that follow a dynamic dimension."""
    if shape is not None and any(isinstance(s, str) for s in shape):
        sizes, strides = sizes_and_strides(t, shape)
    else:
        sizes, strides = [{'as_int': int(s)} for s in t.shape], [{'as_int': int(s)} for s in t.stride()]
    return {'dtype': _CODES[str(t.dtype).rsplit('.', 1)[-1]], 'sizes': sizes,
            'requires_grad': bool(requires_grad), 'device': {'type': 'cpu', 'index': None},
            'strides': strides, 'storage_offset': {'as_int': 0}, 'layout': 7}


def _sym_shape(node):
    """The node's sizes with each that follows a dynamic dimension as its symbol (None if none does)."""
    if node.meta.get('sym_shape'):
        return node.meta['sym_shape']
    symbols = node.meta.get('dynamic_symbols')
    if symbols:
        return [symbols.get(d, s) for d, s in enumerate(node.meta['val'].shape)]
    return None


def _argument(value):
    """PyTorch's serialized form of one node argument."""
    import ember
    from ember.fx.node import Node
    if isinstance(value, Node):
        if _is_sym(value):
            return {'as_sym_int': {'as_name': value.name}}
        return {'as_tensor': {'name': value.name}}
    if value is None:
        return {'as_none': True}
    if isinstance(value, bool):
        return {'as_bool': value}
    if isinstance(value, int):
        return {'as_int': value}
    if isinstance(value, float):
        return {'as_float': value}
    if isinstance(value, str):
        return {'as_string': value}
    if isinstance(value, ember.dtype):
        return {'as_scalar_type': _CODES[str(value).rsplit('.', 1)[-1]]}
    if isinstance(value, ember.device):
        return {'as_device': {'type': value.type, 'index': value.index}}
    if isinstance(value, ember.layout):
        return {'as_layout': _code(_LAYOUTS, value)}
    if isinstance(value, ember.memory_format):
        return {'as_memory_format': _code(_MEMORY_FORMATS, value)}
    if isinstance(value, (list, tuple)):
        items = list(value)
        if any(isinstance(v, Node) and _is_sym(v) for v in items):      # sizes, some read from tensors
            return {'as_sym_ints': [{'as_name': v.name} if isinstance(v, Node) else {'as_int': v} for v in items]}
        if items and all(isinstance(v, Node) for v in items):
            return {'as_tensors': [{'name': v.name} for v in items]}
        if any(isinstance(v, Node) for v in items):
            return {'as_optional_tensors': [{'as_none': True} if v is None else {'as_tensor': {'name': v.name}}
                                            for v in items]}
        if all(isinstance(v, bool) for v in items) and items:
            return {'as_bools': items}
        if all(isinstance(v, int) and not isinstance(v, bool) for v in items):
            return {'as_ints': items}
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in items):
            return {'as_floats': [float(v) for v in items]}
    raise NotImplementedError(f'ember.export.save: an argument {value!r} has no form in a PyTorch archive')


def _is_sym(node):
    from ember.export._pt2_symbols import SymInt
    return isinstance(node.meta.get('val'), SymInt)


def _node(n, getitems):
    """One call_function node; ``getitems`` maps it to its getitem users by index."""
    target = n.target
    schema = target._schema
    inputs = [{'name': schema.args[i].name, 'arg': _argument(a), 'kind': 1} for i, a in enumerate(n.args)]
    inputs += [{'name': k, 'arg': _argument(v), 'kind': 2} for k, v in n.kwargs.items()]
    picks = getitems.get(n, {})
    returns = schema.text.rsplit('->', 1)[1].strip()
    if returns.endswith('[]'):       # a list of tensors (chunk, split)
        count = len(n.meta['val']) if isinstance(n.meta.get('val'), (list, tuple)) else len(picks)
        outputs = [{'as_tensors': [{'name': picks[i].name if i in picks else f'{n.name}_unused_{i}'}
                                   for i in range(count)]}]
    elif returns == '()':
        outputs = []
    elif returns == 'SymInt':
        outputs = [{'as_sym_int': {'as_name': n.name}}]
    elif schema.returns == 1:
        outputs = [{'as_tensor': {'name': n.name}}]
    else:
        outputs = [{'as_tensor': {'name': picks[i].name if i in picks else f'{n.name}_unused_{i}'}}
                   for i in range(schema.returns)]
    metadata = {'stack_trace': n.meta['stack_trace']} if n.meta.get('stack_trace') else {}
    if n.meta.get('nn_module_stack'):
        metadata['nn_module_stack'] = ';'.join(f'{key},{fqn},{ty}' for key, (fqn, ty) in n.meta['nn_module_stack'].items())
    return {'target': f'torch.ops.aten.{target.__name__}', 'inputs': inputs, 'outputs': outputs,
            'metadata': metadata, 'is_hop_single_tensor_return': None, 'name': n.name}


def _spec_json(spec, output):
    kind, arg = spec.kind.name, spec.arg
    tensor = {'name': arg.name}
    if output:
        body = {'arg': {'as_tensor': tensor} if kind in ('USER_OUTPUT', 'LOSS_OUTPUT') else tensor}
        key = {'USER_OUTPUT': 'user_output', 'LOSS_OUTPUT': 'loss_output', 'BUFFER_MUTATION': 'buffer_mutation',
               'PARAMETER_MUTATION': 'parameter_mutation', 'USER_INPUT_MUTATION': 'user_input_mutation'}[kind]
        if kind == 'BUFFER_MUTATION':
            body['buffer_name'] = spec.target
        elif kind == 'PARAMETER_MUTATION':
            body['parameter_name'] = spec.target
        elif kind == 'USER_INPUT_MUTATION':
            body['user_input_name'] = spec.target
        return {key: body}
    if kind == 'USER_INPUT':
        if not hasattr(arg, 'value'):
            return {'user_input': {'arg': {'as_tensor': tensor}}}
        return {'user_input': {'arg': {'as_constant': _argument(arg.value)}}}
    if kind == 'PARAMETER':
        return {'parameter': {'arg': tensor, 'parameter_name': spec.target}}
    if kind == 'BUFFER':
        return {'buffer': {'arg': tensor, 'buffer_name': spec.target, 'persistent': bool(spec.persistent)}}
    return {'tensor_constant': {'arg': tensor, 'tensor_constant_name': spec.target}}


def _treespec(value):
    """PyTorch's pytree spec of a value's structure (leaves where the value holds anything else)."""
    if isinstance(value, (tuple, list)) and not hasattr(value, '_fields'):
        kind = 'builtins.tuple' if isinstance(value, tuple) else 'builtins.list'
        return {'type': kind, 'context': 'null', 'children_spec': [_treespec(v) for v in value]}
    if isinstance(value, dict):
        return {'type': 'builtins.dict', 'context': json.dumps(list(value)),
                'children_spec': [_treespec(v) for v in value.values()]}
    return {'type': None, 'context': None, 'children_spec': []}


def _treespec_json(spec):
    """PyTorch's serialized form of an ember ``TreeSpec`` (tuples, lists, dicts and leaves)."""
    if spec.is_leaf():
        return {'type': None, 'context': None, 'children_spec': []}
    kinds = {tuple: 'builtins.tuple', list: 'builtins.list', dict: 'builtins.dict'}
    if spec.type not in kinds:
        raise NotImplementedError(f'ember.export.save: a call signature holding {spec.type.__name__} cannot be '
                                  'written yet')
    return {'type': kinds[spec.type], 'context': json.dumps(list(spec.context)) if spec.type is dict else 'null',
            'children_spec': [_treespec_json(c) for c in spec.children()]}


def _signature_json(sig):
    """A preserved call signature: its flat inputs and outputs and their structure."""
    if sig is None:
        return None

    def arg(a):
        return {'as_tensor': {'name': a.name}} if not hasattr(a, 'value') else _argument(a.value)
    return {'inputs': [arg(a) for a in sig.inputs], 'outputs': [arg(a) for a in sig.outputs],
            'in_spec': json.dumps([1, _treespec_json(sig.in_spec)]), 'out_spec': json.dumps([1, _treespec_json(sig.out_spec)]),
            'forward_arg_names': sig.forward_arg_names}


def _raw(t):
    """A tensor's bytes, in its dtype (bfloat16 as its 16 bits)."""
    import ember
    t = t.detach().contiguous()
    if t.dtype == ember.bfloat16:
        return t.view(ember.int16).numpy().tobytes()
    return np.ascontiguousarray(t.numpy()).tobytes()


def save_pt2(ep, f, extra_files=None):
    """Write ``ep`` to ``f`` (a path or a writable binary file) as a PyTorch ``.pt2`` archive."""
    import operator

    import ember
    root = os.path.splitext(os.path.basename(os.fspath(f)))[0] if isinstance(f, (str, os.PathLike)) else 'archive'
    getitems = {}
    for n in ep.graph.nodes:
        if n.op == 'call_function' and n.target is operator.getitem:
            getitems.setdefault(n.args[0], {})[n.args[1]] = n
    nodes, values, inputs, outputs, sym_values = [], {}, [], [], {}
    params = {s.arg.name for s in ep.graph_signature.input_specs if s.kind.name == 'PARAMETER'}
    for n in ep.graph.nodes:
        val = n.meta.get('val')
        if isinstance(val, ember.Tensor):
            values[n.name] = _tensor_meta(val, n.name in params, _sym_shape(n))
        elif isinstance(val, (tuple, list)):   # the outputs of a node returning several (unused ones too)
            for i, v in enumerate(val):
                if isinstance(v, ember.Tensor):
                    item = getitems.get(n, {}).get(i)
                    values[item.name if item is not None else f'{n.name}_unused_{i}'] = \
                        _tensor_meta(v, shape=_sym_shape(item) if item is not None else None)
        if _is_sym(n):
            sym_values[n.name] = {'as_expr': {'expr_str': val.expr_str, 'hint': {'as_int': val.hint}}}
        if n.op == 'placeholder':
            inputs.append({'as_tensor': {'name': n.name}} if isinstance(val, ember.Tensor) else _argument(val))
        elif n.op == 'call_function' and n.target is not operator.getitem:
            nodes.append(_node(n, getitems))
        elif n.op == 'output':
            outputs = [_argument(a) for a in n.args[0]]
    sig = ep.graph_signature
    args, kwargs = ep.example_inputs if ep.example_inputs is not None else ((), {})
    in_spec = {'type': 'builtins.tuple', 'context': 'null', 'children_spec': [_treespec(tuple(args)), _treespec(dict(kwargs))]}
    out_spec = _treespec(ep._out_spec if ep._out_spec is not None else None)
    call_graph = [{'fqn': '', 'signature': {'inputs': [], 'outputs': [], 'in_spec': json.dumps([1, in_spec]),
                                            'out_spec': json.dumps([1, out_spec]),
                                            'forward_arg_names': list(ep._forward_arg_names or [])}}]
    call_graph += [{'fqn': entry.fqn, 'signature': _signature_json(entry.signature)}
                   for entry in ep.module_call_graph[1:]]
    graph = {'inputs': inputs, 'outputs': outputs, 'nodes': nodes, 'tensor_values': values, 'sym_int_values': sym_values,
             'sym_bool_values': {}, 'is_single_tensor_return': False, 'custom_obj_values': {}, 'sym_float_values': {}}
    model = {'graph_module': {'graph': graph, 'signature': {'input_specs': [_spec_json(s, False) for s in sig.input_specs],
                                                            'output_specs': [_spec_json(s, True) for s in sig.output_specs]},
                              'module_call_graph': call_graph, 'metadata': {}, 'treespec_namedtuple_fields': {}},
             'opset_version': {'aten': 10}, 'range_constraints': range_constraints(ep.range_constraints), 'schema_version': _SCHEMA_VERSION,
             'verifiers': [ep.dialect], 'torch_version': '2.13.0', 'guards_code': []}
    files = {}

    def store(folder, prefix, tensors, is_param):
        config = {}
        for i, (fqn, t) in enumerate(tensors.items()):
            name = f'{prefix}{i}'
            files[f'data/{folder}/{name}'] = _raw(t)
            config[fqn] = {'path_name': name, 'is_param': is_param(fqn), 'use_pickle': False,
                           'tensor_meta': _tensor_meta(t, getattr(t, 'requires_grad', False) and is_param(fqn))}
        files[f'data/{folder}/model_{folder}_config.json'] = json.dumps({'config': config}).encode()
    param_names = set(sig.parameters)
    store('weights', 'weight_', dict(ep.state_dict), lambda fqn: fqn in param_names)
    store('constants', 'tensor_', dict(ep.constants), lambda fqn: False)
    files['models/model.json'] = json.dumps(model).encode()
    if ep.example_inputs is not None:
        buf = io.BytesIO()
        ember.save(ep.example_inputs, buf)
        files['data/sample_inputs/model.pt'] = buf.getvalue()
    for name, text in (extra_files or {}).items():
        files[f'extra/{name}'] = text.encode() if isinstance(text, str) else bytes(text)
    files['archive_format'] = b'pt2'
    files['archive_version'] = b'0'
    files['.data/version'] = b'6\n'
    files['byteorder'] = b'little'
    files['.data/serialization_id'] = str(random.SystemRandom().getrandbits(128)).zfill(40)[:40].encode()
    with zipfile.ZipFile(f, 'w', compression=zipfile.ZIP_STORED) as z:
        for path, data in files.items():
            z.writestr(f'{root}/{path}', data)
