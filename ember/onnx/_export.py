"""ember.onnx.export: capture the model's ops once, translate each to ONNX, check and save the model."""
import inspect
import os

import numpy as np

from ember._trace import capture
from ember._trace.graph import Value

from ._builder import Builder
from ._ops import CONVERTERS, Call

_state = {'exporting': False}


def _require_onnx():
    try:
        import onnx
    except ImportError as exc:
        raise ImportError("ember.onnx.export needs the 'onnx' package: pip install onnx") from exc
    return onnx


def _input_names(model, args, kwargs, input_names):
    """PyTorch's naming: the given names first, then the forward's parameter names, else input_<i>."""
    from ember._trace.capture import _flatten
    count = len(_flatten(args)) + len(_flatten(kwargs))
    names = list(input_names or [])
    try:
        params = [p for p in inspect.signature(model.forward if hasattr(model, 'forward') else model).parameters]
    except (TypeError, ValueError):
        params = []
    plain = [a for a in args] + list(kwargs.values())
    if len(plain) == count and all(hasattr(a, 'shape') for a in plain) and len(params) >= len(args):
        defaults = params[:len(args)] + list(kwargs)
    else:
        defaults = [f"input_{i}" for i in range(count)]
    return names + defaults[len(names):count]


def _normalise_dynamic_axes(dynamic_axes):
    spec = {}
    for name, axes in (dynamic_axes or {}).items():
        if isinstance(axes, dict):
            spec[name] = {int(d): str(s) for d, s in axes.items()}
        else:
            spec[name] = {int(d): f"{name}_dynamic_axes_{i + 1}" for i, d in enumerate(axes)}
    return spec


def _varied(args, kwargs, names, dyn):
    """The arguments with other values (rolled by one place; floats also scaled and shifted) and
    every dynamic input axis one longer, for a second capture that shows what depends on them."""
    import ember
    it = iter(names)

    def vary(obj):
        if isinstance(obj, ember.Tensor):
            axes = dyn.get(next(it), {})
            data = obj.detach().cpu().numpy()
            shape = [s + 1 if d in axes else s for d, s in enumerate(data.shape)]
            data = np.roll(np.resize(data, shape).reshape(-1), 1).reshape(shape)
            if data.dtype.kind in 'fc':
                data = data * 1.5 + 0.25
            return ember.from_numpy(np.ascontiguousarray(data))
        if isinstance(obj, (tuple, list)):
            return type(obj)(vary(o) for o in obj)
        if isinstance(obj, dict):
            return {k: vary(v) for k, v in obj.items()}
        return obj
    return vary(args), vary(kwargs)


def _check_constants(graph, other):
    """Tensors made outside ember's traced ops are frozen as constants: refuse them if they changed
    with the input (an argmax, a nonzero, a mask built from sizes of dynamic axes...)."""
    for mine, theirs in zip(graph.constants, other.constants):
        a, b = mine.example._data, theirs.example._data
        if a.shape != b.shape or not np.array_equal(a, b, equal_nan=a.dtype.kind in 'fc'):
            users = [n.name for n in graph.nodes if any(v is mine for v in n.inputs)]
            raise NotImplementedError(
                f"ember.onnx.export: a tensor read by {users[0] if users else 'the model'} was computed by code "
                f"the exporter cannot record (an op with no gradient such as argmax or nonzero, a tensor "
                f"built from the input's values or sizes, or random numbers such as dropout's in training mode), "
                f"so it would be frozen as a constant")


def _dynamic_args(graph, other):
    """For each node, the positions within its shape arguments that change with the dynamic axes."""
    if [n.name for n in graph.nodes] != [n.name for n in other.nodes] or \
            len(graph.constants) != len(other.constants):
        raise NotImplementedError("ember.onnx.export: the model runs different ops for other input values or "
                                  "sizes (Python control flow on tensor values?), so one graph cannot serve them all")
    found = {}
    for node, twin in zip(graph.nodes, other.nodes):
        for i, (a, t) in enumerate(zip(node.args, twin.args)):
            if isinstance(a, Value) or a == t:
                continue
            if node.name in ('View', 'UnsafeView', 'Reshape', 'ReshapeAlias', 'Expand') and i == 1:
                found.setdefault(id(node), {})[i] = [p for p, (u, v) in enumerate(zip(a, t)) if u != v]
            else:
                raise NotImplementedError(
                    f"ember.onnx.export: {node.name} takes {a!r} as a constant, but it changes with the input (the "
                    f"size of a dynamic axis, or a value read with .item() or .tolist())")
    return found


def _fold_constants(graph, fold_params=True):
    """Nodes reading only constants (and parameters, with ``fold_params``) become constants holding
    their traced result."""
    foldable = ('param', 'constant') if fold_params else ('constant',)
    for node in graph.nodes:
        if node.inputs and all(v.kind in foldable for v in node.inputs):
            for v in node.outputs:
                if v is not None:
                    v.kind = 'constant'
                    v.name = f"onnx::{node.name}_{v.name}"
                    graph.constants.append(v)


def _tensor_type(onnx, value, name, symbols):
    shape = [symbols.get(d, s) for d, s in enumerate(value.shape)]
    elem = onnx.helper.np_dtype_to_tensor_dtype(value.example.detach().cpu().numpy().dtype)
    return onnx.helper.make_tensor_value_info(name, elem, shape)


def _prune(nodes, outputs):
    """Drop nodes no output depends on (a transpose a Gemm absorbed, ...)."""
    needed, kept = set(outputs), []
    for n in reversed(nodes):
        if any(o in needed for o in n.output):
            kept.append(n)
            needed.update(i for i in n.input if i)
    return kept[::-1], needed


def build_model(graph, names, opset, dynamic, symbols, export_params, keep_initializers_as_inputs):
    """The ONNX ModelProto of a captured graph."""
    onnx = _require_onnx()
    b = Builder(onnx, opset)
    onnx_names = {}
    for v in graph.inputs:
        onnx_names[id(v)] = v.name
    for node in graph.nodes:
        for v in node.outputs:
            if v is not None:
                onnx_names[id(v)] = v.name
    for v in graph.params + graph.constants:
        onnx_names[id(v)] = v.name
    out_names = names['outputs']
    renamed = {}
    for v, name in zip(graph.outputs, out_names):
        if v.kind == 'node' and id(v) not in renamed:
            renamed[id(v)] = name
            onnx_names[id(v)] = name
    for node in graph.nodes:
        if all(v is None or v.kind == 'constant' for v in node.outputs):
            continue  # folded
        convert = CONVERTERS.get(node.name) if node.op.__module__.startswith('ember.') else None
        if convert is None:
            raise NotImplementedError(f"ember.onnx.export: the op '{node.name}' has no ONNX translation "
                                      f"(called by the model while it was traced)")
        convert(b, Call(node, onnx_names, dynamic.get(id(node), {})))
    final = []
    for v, name in zip(graph.outputs, out_names):
        if onnx_names[id(v)] != name:
            b.op('Identity', [onnx_names[id(v)]], [name])
        final.append(name)
    nodes, needed = _prune(b.nodes, final)
    params = [v for v in graph.params if onnx_names[id(v)] in needed]
    consts = [v for v in graph.constants if onnx_names[id(v)] in needed]
    stored = (params if export_params else []) + consts  # without export_params, parameters are inputs

    def array(v):
        return onnx.numpy_helper.from_array(np.ascontiguousarray(v.example.detach().cpu().numpy()), onnx_names[id(v)])
    initializers = [array(v) for v in stored] + [i for i in b.initializers if i.name in needed]
    graph_inputs = [_tensor_type(onnx, v, v.name, symbols.get(v.name, {})) for v in graph.inputs]
    if not export_params:
        graph_inputs += [_tensor_type(onnx, v, onnx_names[id(v)], {}) for v in params]
    elif keep_initializers_as_inputs:
        graph_inputs += [_tensor_type(onnx, v, onnx_names[id(v)], {}) for v in params]
    graph_outputs = [_tensor_type(onnx, v, name, symbols.get(name, {})) for v, name in zip(graph.outputs, final)]
    g = onnx.helper.make_graph(nodes, 'main_graph', graph_inputs, graph_outputs, initializers)
    opsets = [onnx.helper.make_opsetid('', opset)]
    model = onnx.helper.make_model(g, opset_imports=opsets, producer_name='ember',
                                   ir_version=onnx.helper.find_min_ir_version_for(opsets))
    onnx.checker.check_model(model)
    return model


def trace_for_export(model, args, kwargs, input_names, output_names, dynamic_axes):
    """Capture ``model`` (and, with dynamic axes, once more with those axes grown) for export."""
    from ember.nn import Module
    names = {}
    if isinstance(model, Module):
        names = {id(t): n for n, t in model.named_parameters(remove_duplicate=False)}
        names.update({id(t): n for n, t in model.named_buffers(remove_duplicate=False) if id(t) not in names})
    in_names = _input_names(model, args, kwargs, input_names)
    graph, _ = capture(model, args, kwargs, names=names, input_names=in_names)
    out_names = list(output_names or [])
    out_names += [f"output_{i}" for i in range(len(out_names), len(graph.outputs))]
    if len(out_names) > len(graph.outputs) or len(in_names) > len(graph.inputs):
        raise ValueError(f"ember.onnx.export: {len(in_names)} input names and {len(out_names)} output names given "
                         f"for a model with {len(graph.inputs)} inputs and {len(graph.outputs)} outputs")
    symbols = _normalise_dynamic_axes(dynamic_axes)
    unknown = set(symbols) - set(in_names) - set(out_names)
    if unknown:
        raise ValueError(f"ember.onnx.export: dynamic_axes names {sorted(unknown)} are neither input nor output names")
    # NOTE: a second capture on other values (and longer dynamic axes) finds what the first one
    # froze but should not have: shapes that follow dynamic axes, and values computed outside ember's ops
    in_dyn = {n: symbols[n] for n in in_names if n in symbols}
    other_args, other_kwargs = _varied(args, kwargs, in_names, in_dyn)
    other, _ = capture(model, other_args, other_kwargs, names=names, input_names=in_names)
    dynamic = _dynamic_args(graph, other)
    _check_constants(graph, other)
    return graph, {'inputs': in_names, 'outputs': out_names}, dynamic, symbols


def save(model_proto, f, external_data):
    """Write the model to a path or a binary file object (weights beside it in ``<f>.data`` when
    ``external_data`` and ``f`` is a path)."""
    onnx = _require_onnx()
    if isinstance(f, (str, os.PathLike)):
        if external_data:
            copy = onnx.ModelProto()
            copy.CopyFrom(model_proto)  # saving externally rewrites the tensors it moves out
            onnx.save_model(copy, os.fspath(f), save_as_external_data=True, all_tensors_to_one_file=True,
                            location=os.path.basename(os.fspath(f)) + '.data', size_threshold=0)
        else:
            onnx.save_model(model_proto, os.fspath(f))
    else:
        f.write(model_proto.SerializeToString())
