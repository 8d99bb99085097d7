"""A model's captured graph as the TensorFlow GraphDef that TensorBoard's graph tab draws."""
from tensorboard.compat.proto.attr_value_pb2 import AttrValue
from tensorboard.compat.proto.config_pb2 import RunMetadata
from tensorboard.compat.proto.graph_pb2 import GraphDef
from tensorboard.compat.proto.node_def_pb2 import NodeDef
from tensorboard.compat.proto.step_stats_pb2 import DeviceStepStats, StepStats
from tensorboard.compat.proto.tensor_shape_pb2 import TensorShapeProto
from tensorboard.compat.proto.versions_pb2 import VersionDef


def _attrs(value, text=''):
    shape = TensorShapeProto(dim=[TensorShapeProto.Dim(size=d) for d in value.shape])
    return {'attr': AttrValue(s=text.encode('utf-8')), '_output_shapes': AttrValue(list=AttrValue.ListValue(shape=[shape]))}


def graph(model, args, verbose=False):
    """(GraphDef, RunMetadata) of ``model`` run once on ``args`` in eval mode."""
    from ember._trace import capture
    from ember.nn import Module
    names = {}
    if isinstance(model, Module):
        names = {id(t): n for n, t in model.named_parameters(remove_duplicate=False)}
        names.update({id(t): n for n, t in model.named_buffers(remove_duplicate=False)})
        was_training = model.training
        model.train(False)
    try:
        g, _ = capture(model, args if isinstance(args, tuple) else (args,), names=names, scopes=True)
    finally:
        if isinstance(model, Module):
            model.train(was_training)
    if verbose:
        print(g)
    base = type(model).__name__
    node_names, nodes = {}, []
    for v in g.inputs:
        node_names[id(v)] = f"{base}/{v.name}"
        nodes.append(NodeDef(name=node_names[id(v)], op='IO Node', attr=_attrs(v)))
    for v in g.params + g.constants:
        node_names[id(v)] = f"{base}/{v.name}"
        nodes.append(NodeDef(name=node_names[id(v)], op='prim::GetAttr' if v.kind == 'param' else 'prim::Constant',
                             attr=_attrs(v)))
    for node in g.nodes:
        scope = node.scope or base
        inputs = [node_names[id(v)] for v in node.inputs]
        consts = {i: a for i, a in enumerate(node.args) if not any(a is v for v in node.inputs)}
        for v in node.outputs:
            if v is None:
                continue
            node_names[id(v)] = f"{scope}/{v.name}"
            nodes.append(NodeDef(name=node_names[id(v)], op=node.name, input=inputs,
                                 attr=_attrs(v, ', '.join(f"{i}: {a!r}" for i, a in consts.items()))))
    for i, v in enumerate(g.outputs):
        nodes.append(NodeDef(name=f"{base}/output.{i}", op='IO Node', input=[node_names[id(v)]], attr=_attrs(v)))
    stats = RunMetadata(step_stats=StepStats(dev_stats=[DeviceStepStats(device='/device:CPU:0')]))
    return GraphDef(node=nodes, versions=VersionDef(producer=22)), stats
