"""ember.onnx.export: capture the model's ops once, translate each to ONNX, check and save the model."""
import inspect
import os

import numpy as np

from ember._formats import _c_order
from ember._trace import capture

from ._builder import Builder
from ._peephole import fuse_conv_batchnorm
from ._dynamic import Dynamic, axes_from_dynamic_shapes, fold_reshape_copies, growths, normalise_dynamic_axes, varied
from ._ops import CONVERTERS, Call

_state = {'exporting': False}


def _require_onnx():
    try:
        import onnx
    except ImportError as exc:
        raise ImportError("ember.onnx.export needs the 'onnx' package: pip install onnx") from exc
    return onnx


def _forward_params(model):
    try:
        return [p for p in inspect.signature(model.forward if hasattr(model, 'forward') else model).parameters]
    except (TypeError, ValueError):
        return []


def _input_names(model, args, kwargs, input_names):
    """PyTorch's naming: the given names first, then the forward's parameter names, else input_<i>."""
    from ember._trace.capture import _flatten
    count = len(_flatten(args)) + len(_flatten(kwargs))
    names = list(input_names or [])
    params = _forward_params(model)
    plain = [a for a in args] + list(kwargs.values())
    if len(plain) == count and all(hasattr(a, 'shape') for a in plain) and len(params) >= len(args):
        defaults = params[:len(args)] + list(kwargs)
    else:
        defaults = [f"input_{i}" for i in range(count)]
    return names + defaults[len(names):count]


def _fold_constants(graph, fold_params=True, keep=(), sized=()):
    """Nodes reading only constants (and parameters, with ``fold_params``) become constants holding
    their traced result; constants whose ids are in ``keep`` (computed at run time) are not folded,
    nor nodes whose ids are in ``sized`` (a shape argument following the dynamic axes: a parameter
    expanded to the batch size)."""
    foldable = ('param', 'constant') if fold_params else ('constant',)
    for node in graph.nodes:
        if id(node) in sized:
            continue
        if node.inputs and all(v.kind in foldable and id(v) not in keep for v in node.inputs):
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


def _check_produced(graph, nodes, needed, onnx_names):
    """Refuse a graph reading an output that its op's translation does not write (the indices of
    an adaptive max pool, ...), naming the op."""
    made = {o for n in nodes for o in n.output}
    made.update(onnx_names[id(v)] for v in graph.inputs + graph.params + graph.constants)
    for node in graph.nodes:
        for i, v in enumerate(node.outputs):
            if v is not None and onnx_names[id(v)] in needed and onnx_names[id(v)] not in made:
                raise NotImplementedError(f"ember.onnx.export: output {i} of the op '{node.name}' has no ONNX "
                                          f"translation, but the model uses it")


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
    for v in graph.constants:
        if id(v) in dynamic.constants:
            dynamic.build_constant(b, onnx_names, v)
    for node in graph.nodes:
        if all(v is None or v.kind == 'constant' for v in node.outputs):
            continue  # folded
        convert = CONVERTERS.get(node.name) if node.op.__module__.startswith('ember.') else None
        if convert is None:
            from ember.onnx._aten_names import aten_name
            from ember.onnx.errors import UnsupportedOperatorError
            raise UnsupportedOperatorError(aten_name(node), opset, None)
        convert(b, Call(node, onnx_names, dynamic))
    final = []
    for v, name in zip(graph.outputs, out_names):
        if onnx_names[id(v)] != name:
            b.op('Identity', [onnx_names[id(v)]], [name])
        final.append(name)
    nodes, needed = _prune(b.nodes, final)
    _check_produced(graph, nodes, needed, onnx_names)
    params = [v for v in graph.params if onnx_names[id(v)] in needed]
    consts = [v for v in graph.constants if onnx_names[id(v)] in needed and id(v) not in dynamic.constants]
    stored = (params if export_params else []) + consts  # without export_params, parameters are inputs

    arrays = {onnx_names[id(v)]: _c_order(np, v.example.detach().cpu().numpy()) for v in stored}   # 0-d stay 0-d
    if export_params and not keep_initializers_as_inputs:  # the weights are fixed: fold as PyTorch does
        nodes, arrays = fuse_conv_batchnorm(onnx, nodes, arrays)
    initializers = [onnx.numpy_helper.from_array(a, name) for name, a in arrays.items()]
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


def _output_symbols(graph, other, out_names, symbols):
    """Names for the output axes that changed with the dynamic input axes and were not named by the
    user: the input axis's symbol where an input axis changed alike, else ``<output>_dim_<axis>``."""
    sizes = {}
    for v, t in zip(graph.inputs, other.inputs):
        for d, sym in symbols.get(v.name, {}).items():
            sizes.setdefault((v.shape[d], t.shape[d]), sym)
    for v, t, name in zip(graph.outputs, other.outputs, out_names):
        given = symbols.setdefault(name, {})
        for d, (s, u) in enumerate(zip(v.shape, t.shape)):
            if s != u and d not in given:
                given[d] = sizes.get((s, u), f"{name}_dim_{d}")


def trace_for_export(model, args, kwargs, input_names, output_names, dynamic_axes, dynamic_shapes=None):
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
    if dynamic_shapes is not None:
        if dynamic_axes:
            raise ValueError("ember.onnx.export: give dynamic_shapes or dynamic_axes, not both")
        dynamic_axes = axes_from_dynamic_shapes(dynamic_shapes, _forward_params(model), args, kwargs, in_names)
    symbols = normalise_dynamic_axes(dynamic_axes)
    unknown = set(symbols) - set(in_names) - set(out_names)
    if unknown:
        raise ValueError(f"ember.onnx.export: dynamic_axes names {sorted(unknown)} are neither input nor output names")
    # NOTE: a second capture on other values (and longer dynamic axes) finds what the first one
    # froze but should not have: shapes that follow dynamic axes, and values computed outside ember's ops
    in_dyn = {n: symbols[n] for n in in_names if n in symbols}
    other_args, other_kwargs = varied(args, kwargs, in_names, in_dyn, growths(dynamic_axes))
    try:
        other, _ = capture(model, other_args, other_kwargs, names=names, input_names=in_names)
    except Exception as error:     # noqa: BLE001 - the model ran on the example inputs and fails on others
        raise NotImplementedError(
            "ember.onnx.export: the model's result is computed by code the exporter cannot record from the "
            "values of its inputs: run again on inputs with other values (each input's values moved by one "
            f"place), it fails ({type(error).__name__}: {str(error).splitlines()[0]})") from error
    dynamic = Dynamic(fold_reshape_copies(graph), fold_reshape_copies(other))
    _output_symbols(graph, other, out_names, symbols)
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
