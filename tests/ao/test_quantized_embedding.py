"""Quantized Embedding and EmbeddingBag (weight-only, per-row float qparams, 8- and 4-bit): lookups bit for
bit as PyTorch's FBGEMM kernels (tests/fixtures/quantized/embedding_cases.json, recorded by
embedding_cases.py: random tables, indices, offsets, per-sample weights), repr, state_dict, conversion and
errors."""
import json
import pathlib
import warnings

import numpy as np
import pytest

import ember
from ember import nn
from tests.fixtures.quantized import embedding_cases

RECORD = json.loads((pathlib.Path(__file__).parents[1] / 'fixtures' / 'quantized' /
                     'embedding_cases.json').read_text())
Q = ember.ao.quantization
nnq = ember.ao.nn.quantized


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', DeprecationWarning)
        warnings.simplefilter('ignore', UserWarning)
        yield


def test_lookups_match_pytorch_bit_for_bit():
    got = embedding_cases.run(ember)
    assert sorted(got) == sorted(RECORD)
    for case, (text, ints, out) in RECORD.items():
        assert got[case][0] == text, case
        assert got[case][1] == ints, case
        np.testing.assert_array_equal(np.array(got[case][2], np.float32), np.array(out, np.float32), err_msg=case)


def test_quantize_dynamic_with_quint8_and_quint4x2_defaults():
    model = nn.Sequential(nn.Embedding(7, 4), nn.EmbeddingBag(7, 4), nn.Linear(4, 2))
    q8 = Q.quantize_dynamic(model, dtype=ember.quint8)
    assert [m._get_name() for m in q8] == ['QuantizedEmbedding', 'QuantizedEmbeddingBag', 'Linear']
    q4 = Q.quantize_dynamic(model, dtype=ember.quint4x2)
    assert type(q4[0]) is nn.Embedding and q4[1].weight().dtype is ember.quint4x2
    assert q4[1]._packed_params.dtype is ember.quint4x2
    with pytest.raises(AssertionError, match='dynamic quantized linear are qint8 and float16, got: ember.quint8'):
        Q.quantize_dynamic(model, {nn.Embedding, nn.Linear}, dtype=ember.quint8)    # a set: one qconfig for all
    with pytest.raises(ValueError, match="Don't know how to quantize with default settings for ember.qint32"):
        Q.quantize_dynamic(model, dtype=ember.qint32)


def test_state_dict_round_trip_and_keys():
    bag = nn.EmbeddingBag(5, 6, mode='mean')
    bag.qconfig = Q.float_qparams_weight_only_qconfig
    q = nnq.EmbeddingBag.from_float(bag)
    state = q.state_dict()
    assert list(state) == ['_packed_params.dtype', '_packed_params._packed_weight']
    assert state['_packed_params.dtype'] is ember.quint8
    assert state['_packed_params._packed_weight'].qscheme() is ember.per_channel_affine_float_qparams
    fresh = nnq.EmbeddingBag(5, 6)
    assert fresh.weight().int_repr().sum().item() == 0
    fresh.load_state_dict(state)
    idx, offs = ember.tensor([0, 4, 2, 2]), ember.tensor([0, 1])
    assert ember.equal(fresh(idx, offs), q(idx, offs))
    assert q.mode == 'mean'     # kept, though the quantized bag sums as PyTorch's does
    np.testing.assert_allclose(q(idx, offs).numpy(),
                               np.stack([q.weight().dequantize()[[0]].sum(0).numpy(),
                                         q.weight().dequantize()[[4, 2, 2]].sum(0).numpy()]), atol=1e-5)


def test_static_convert_of_an_embedding():
    model = nn.Sequential(nn.Embedding(5, 4), Q.QuantStub(), nn.Linear(4, 2), Q.DeQuantStub()).eval()
    model.qconfig = Q.default_qconfig
    prepared = Q.prepare(model)
    prepared(ember.tensor([1, 2]))
    with pytest.raises(AssertionError, match='only supported with float_qparams_weight_only_qconfig'):
        Q.convert(prepared)
    model[0].qconfig = Q.float_qparams_weight_only_qconfig
    prepared = Q.prepare(model)
    assert repr(prepared[0].activation_post_process) == 'PlaceholderObserver(dtype=ember.float32, is_dynamic=False)'
    prepared(ember.tensor([1, 2]))
    converted = Q.convert(prepared)
    assert converted[0]._get_name() == 'QuantizedEmbedding'
    assert converted(ember.tensor([1, 2])).shape == (2, 2)


def test_errors_are_pytorchs():
    q = nnq.EmbeddingBag(6, 4)
    with pytest.raises(RuntimeError, match='^embedding_bag_byte expects offsets to be set for 1D indices.$'):
        q(ember.tensor([0, 1, 2]))
    with pytest.raises(RuntimeError, match='^Index 1 is out of bounds: 7, range 0 to 6$'):
        q(ember.tensor([0, 7]), ember.tensor([0]))
    assert q(ember.tensor([[0, 1], [2, 3]])).shape == (2, 4)     # 2-D indices: one bag per row
    with pytest.raises(NotImplementedError, match='Supports quint8 and quint4x2. Got dtype: ember.qint8'):
        nnq.Embedding(3, 4, dtype=ember.qint8)
    with pytest.raises(AssertionError, match='Shape of weight does not match'):
        nnq.Embedding(3, 4, _weight=ember.quantize_per_channel(ember.zeros(2, 4), ember.ones(2), ember.zeros(2), 0,
                                                              ember.quint8))
    emb = nn.Embedding(3, 4)
    with pytest.raises(AssertionError, match='must have qconfig defined'):
        nnq.Embedding.from_float(emb)
    with pytest.raises(AssertionError, match='only works for Embedding'):
        nnq.Embedding.from_float(nn.EmbeddingBag(3, 4))


def test_against_pytorch_directly():
    torch = pytest.importorskip('torch')
    got, expected = embedding_cases.run(ember), embedding_cases.run(torch)
    for case in expected:
        assert got[case][:2] == expected[case][:2]
        np.testing.assert_array_equal(np.array(got[case][2], np.float32), np.array(expected[case][2], np.float32))


def test_tables_save_and_load_as_pytorch_saves_them(tmp_path):
    bag = nn.EmbeddingBag(7, 4)
    bag.qconfig = Q.float_qparams_weight_only_qconfig
    q = nnq.EmbeddingBag.from_float(bag)
    ember.save(q.state_dict(), tmp_path / 'bag.pt')
    fresh = nnq.EmbeddingBag(7, 4)
    fresh.load_state_dict(ember.load(tmp_path / 'bag.pt'))
    weight = fresh.weight()
    assert weight.qscheme() is ember.per_channel_affine_float_qparams
    assert weight.q_per_channel_zero_points().dtype is ember.float32
    idx, offs = ember.tensor([1, 2, 6, 0]), ember.tensor([0, 2])
    assert ember.equal(fresh(idx, offs), q(idx, offs))
    torch = pytest.importorskip('torch')
    loaded = torch.load(tmp_path / 'bag.pt')['_packed_params._packed_weight']     # PyTorch reads ember's file
    assert loaded.qscheme() == torch.per_channel_affine_float_qparams
    reference = torch.ao.nn.quantized.EmbeddingBag(7, 4)
    reference.load_state_dict(torch.load(tmp_path / 'bag.pt'))
    torch.save(reference.state_dict(), tmp_path / 'torch_bag.pt')                 # and ember reads PyTorch's
    again = nnq.EmbeddingBag(7, 4)
    again.load_state_dict(ember.load(tmp_path / 'torch_bag.pt'))
    np.testing.assert_array_equal(again(idx, offs).numpy(), reference(torch.tensor([1, 2, 6, 0]),
                                                                      torch.tensor([0, 2])).numpy())
