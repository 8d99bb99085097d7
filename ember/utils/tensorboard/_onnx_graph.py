"""An ONNX model file as the ``GraphDef`` TensorBoard's graph tab draws (``SummaryWriter.add_onnx_graph``).

Each graph input and output becomes a ``Variable`` node with its element type and shape, and each
ONNX node a node named after its first output, with its attributes listed in one ``parameters``
string, as PyTorch's writer lays them out.
"""
from tensorboard.compat.proto.attr_value_pb2 import AttrValue
from tensorboard.compat.proto.graph_pb2 import GraphDef
from tensorboard.compat.proto.node_def_pb2 import NodeDef
from tensorboard.compat.proto.tensor_shape_pb2 import TensorShapeProto
from tensorboard.compat.proto.versions_pb2 import VersionDef


def load_onnx_graph(path):
    """The ``GraphDef`` of the ONNX model saved at ``path`` (needs the ``onnx`` package)."""
    try:
        import onnx
    except ImportError as exc:
        raise ImportError("add_onnx_graph needs the 'onnx' package: pip install onnx") from exc
    return graph_def(onnx.load(path).graph)


def _variable(value):
    tensor_type = value.type.tensor_type
    shape = TensorShapeProto(dim=[TensorShapeProto.Dim(size=d.dim_value) for d in tensor_type.shape.dim])
    return NodeDef(name=value.name, op='Variable', input=[],
                   attr={'dtype': AttrValue(type=tensor_type.elem_type), 'shape': AttrValue(shape=shape)})


def _operation(node):
    # every attribute as "field = field = ..." of its set fields, joined by ", " (PyTorch's summary string)
    described = ', '.join(' = '.join(str(value) for _, value in attribute.ListFields())
                          for attribute in node.attribute)
    return NodeDef(name=node.output[0], op=node.op_type, input=node.input,
                   attr={'parameters': AttrValue(s=described.encode('utf-8'))})


def graph_def(graph):
    """``graph`` (an ``onnx.GraphProto``) as a TensorBoard ``GraphDef``; prints each node's name as it goes,
    as PyTorch's writer does."""
    nodes = []
    for value in list(graph.input) + list(graph.output):
        print(value.name)
        nodes.append(_variable(value))
    for node in graph.node:
        print(node.output[0])
        nodes.append(_operation(node))
    return GraphDef(node=nodes, versions=VersionDef(producer=22))
