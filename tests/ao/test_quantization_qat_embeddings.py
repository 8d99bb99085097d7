"""QAT embedding tables (ember.ao.nn.qat.Embedding/EmbeddingBag with the default embedding QAT qconfigs,
8- and 4-bit), their conversion to quantized tables, the dynamically quantized fused LinearReLU and
nnq.MaxPool2d; pinned by tests/fixtures/quantized/embedding_qat_cases.json (recorded by
embedding_qat_cases.py)."""
import json
import pathlib
import warnings

import numpy as np
import pytest

import ember
from ember import nn
from tests.fixtures.quantized import embedding_qat_cases

RECORD = json.loads((pathlib.Path(__file__).parents[1] / 'fixtures' / 'quantized' /
                     'embedding_qat_cases.json').read_text())
Q = ember.ao.quantization


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        yield


def test_embedding_qat_flow_matches_pytorch():
    got = embedding_qat_cases.run(ember)
    assert got['prepared'] == RECORD['prepared']
    assert got['converted'] == RECORD['converted']
    assert got['keys'] == RECORD['keys']
    for key in ('fake', 'quantized'):
        for g, e in zip(got[key], RECORD[key]):
            np.testing.assert_array_equal(np.array(g, np.float32), np.array(e, np.float32))


def test_qat_embedding_errors():
    with pytest.raises(AssertionError, match='^qconfig must be provided for QAT module$'):
        ember.ao.nn.qat.Embedding(3, 4)
    with pytest.raises(AssertionError, match='requires a qscheme of torch.per_channel_affine_float_qparams Got '
                                             'torch.per_tensor_symmetric'):
        ember.ao.nn.qat.EmbeddingBag(3, 4, qconfig=Q.default_qat_qconfig)
    emb = nn.Embedding(3, 4)
    emb.qconfig = Q.default_embedding_qat_qconfig
    qat = ember.ao.nn.qat.Embedding.from_float(emb)
    assert qat.weight.data_ptr() == emb.weight.data_ptr() and type(qat.to_float()) is nn.Embedding
    # float zero points may lie outside the integer range (PyTorch checks integer ones only)
    out = ember.fake_quantize_per_channel_affine(ember.ones(2, 2), ember.tensor([0.1, 0.2]),
                                                 ember.tensor([300.5, -7.0]), 0, 0, 255)
    assert out.shape == (2, 2)


def test_dynamic_linear_relu_and_quantized_maxpool():
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU()).eval()
    fused = Q.fuse_modules(model, [['0', '1']])
    q = Q.quantize_dynamic(fused, {ember.ao.nn.intrinsic.LinearReLU})
    assert repr(q[0]).replace('ember.', 'torch.') == ('DynamicQuantizedLinearReLU(in_features=3, out_features=4, '
                                                      'dtype=torch.qint8, qscheme=torch.per_tensor_affine)')
    x = ember.randn(5, 3)
    out = q(x)
    inner = fused[0][0]
    inner.qconfig = Q.default_dynamic_qconfig
    plain = ember.ao.nn.quantized.dynamic.Linear.from_float(inner)
    assert ember.equal(out, ember.relu(plain(x)))
    half = ember.ao.nn.intrinsic.quantized.dynamic.LinearReLU(3, 2, dtype=ember.float16)
    assert repr(half).endswith('dtype=ember.float16)') and half(x).grad_fn is None
    assert ember.ao.nn.quantized.MaxPool2d is nn.MaxPool2d
    import importlib
    assert importlib.import_module('ember.nn.intrinsic.quantized.dynamic').LinearReLU is \
        ember.ao.nn.intrinsic.quantized.dynamic.LinearReLU


def test_against_pytorch_directly():
    torch = pytest.importorskip('torch')
    assert embedding_qat_cases.run(ember) == embedding_qat_cases.run(torch)
