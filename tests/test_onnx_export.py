"""ember.onnx.export: the written models pass onnx.checker and onnxruntime computes what ember computes."""
import io

import numpy as np
import pytest

import ember
import ember.nn as nn
import ember.nn.functional as F

onnx = pytest.importorskip('onnx')


def _export(model, args, **kw):
    buf = io.BytesIO()
    program = ember.onnx.export(model, args, buf, **kw)
    proto = onnx.load_from_string(buf.getvalue())
    onnx.checker.check_model(proto, full_check=True)
    return proto, program


def _run(proto, feeds):
    ort = pytest.importorskip('onnxruntime')
    sess = ort.InferenceSession(proto.SerializeToString(), providers=['CPUExecutionProvider'])
    return sess.run(None, feeds)


def _expect(model, *args):
    if isinstance(model, nn.Module):
        model.eval()
    with ember.no_grad():
        out = model(*args)
    return [o.numpy() for o in (out if isinstance(out, tuple) else (out,))]


def _ops(proto):
    return [n.op_type for n in proto.graph.node]


class _TwoInputs(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 3)

    def forward(self, a, b):
        h = self.fc(a) * b - 0.5
        return F.gelu(h), (h / 2).sigmoid().tanh().exp().mean(-1, keepdim=True)


def _cnn():
    return nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(4, 4, 3, stride=2, padding=1, groups=2, bias=False), nn.LeakyReLU(0.1),
                         nn.AvgPool2d(1), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4, 5), nn.Hardtanh())


def test_mlp_matches_and_keeps_parameter_names():
    ember.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3), nn.Softmax(-1))
    x = ember.randn(2, 4)
    proto, _ = _export(model, (x,), input_names=['x'], output_names=['probs'])
    assert _ops(proto) == ['Gemm', 'Relu', 'Gemm', 'Softmax']
    assert sorted(i.name for i in proto.graph.initializer) == ['0.bias', '0.weight', '2.bias', '2.weight']
    assert [i.name for i in proto.graph.input] == ['x'] and [o.name for o in proto.graph.output] == ['probs']
    np.testing.assert_allclose(_run(proto, {'x': x.numpy()})[0], _expect(model, x)[0], rtol=1e-5, atol=1e-6)


def test_cnn_matches_with_dynamic_batch():
    ember.manual_seed(0)
    model = _cnn()
    model[1].running_mean.uniform_(-1, 1)
    model[1].running_var.uniform_(0.5, 2)
    x = ember.randn(2, 3, 8, 8)
    proto, _ = _export(model, (x,), input_names=['img'], dynamic_axes={'img': {0: 'batch'}, 'output_0': [0]})
    # the eval batch norm after the convolution is folded into its weights, as PyTorch's exporter does
    assert 'Conv' in _ops(proto) and 'BatchNormalization' not in _ops(proto) and 'MaxPool' in _ops(proto)
    assert proto.graph.input[0].type.tensor_type.shape.dim[0].dim_param == 'batch'
    assert proto.graph.output[0].type.tensor_type.shape.dim[0].dim_param == 'output_0_dynamic_axes_1'
    for batch in (x, ember.randn(5, 3, 8, 8)):
        np.testing.assert_allclose(_run(proto, {'img': batch.numpy()})[0], _expect(model, batch)[0],
                                   rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize('norm_first', [False, True])
def test_transformer_encoder_matches_with_dynamic_batch(norm_first):
    ember.manual_seed(0)
    layer = nn.TransformerEncoderLayer(8, 2, 16, batch_first=True, norm_first=norm_first, activation='gelu')
    model = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
    x = ember.randn(2, 5, 8)
    proto, _ = _export(model, (x,), input_names=['src'], dynamic_axes={'src': [0]})
    assert 'LayerNormalization' in _ops(proto) and 'Softmax' in _ops(proto)
    for batch in (x, ember.randn(3, 5, 8)):
        np.testing.assert_allclose(_run(proto, {'src': batch.numpy()})[0], _expect(model, batch)[0],
                                   rtol=1e-4, atol=1e-5)


def test_hooked_transformer_layer_takes_the_split_path():
    ember.manual_seed(0)
    layer = nn.TransformerEncoderLayer(8, 2, 16)
    layer.register_forward_hook(lambda m, a, o: None)  # hooks turn off the fused path, as in PyTorch
    x = ember.randn(5, 2, 8)
    proto, _ = _export(layer, (x,))
    assert 'Split' in _ops(proto)
    np.testing.assert_allclose(_run(proto, {'src': x.numpy()})[0], _expect(layer, x)[0], rtol=1e-4, atol=1e-5)


def test_multihead_attention_with_weights_and_causal_mask():
    ember.manual_seed(0)
    mha = nn.MultiheadAttention(8, 2, batch_first=True)
    q, kv = ember.randn(2, 4, 8), ember.randn(2, 6, 8)
    proto, _ = _export(mha, (q, kv, kv), input_names=['q', 'k', 'v'])
    got = _run(proto, {'q': q.numpy(), 'k': kv.numpy(), 'v': kv.numpy()})
    for g, e in zip(got, _expect(mha, q, kv, kv)):
        np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-6)
    # self-attention: three graph inputs that may differ, though the example passed one tensor thrice
    other = ember.randn(2, 4, 8)
    proto, _ = _export(mha, (q, q, q), input_names=['q', 'k', 'v'])
    got = _run(proto, {'q': q.numpy(), 'k': other.numpy(), 'v': other.numpy()})
    np.testing.assert_allclose(got[0], _expect(mha, q, other, other)[0], rtol=1e-5, atol=1e-6)
    causal = lambda x: F.scaled_dot_product_attention(x, x, x, is_causal=True)  # noqa: E731
    x = ember.randn(1, 2, 5, 4)
    proto, _ = _export(causal, (x,))
    np.testing.assert_allclose(_run(proto, {'x': x.numpy()})[0], _expect(causal, x)[0], rtol=1e-5, atol=1e-6)


def test_two_inputs_two_outputs_elementwise_ops_and_opsets():
    ember.manual_seed(0)
    model = _TwoInputs()
    a, b = ember.randn(2, 3), ember.randn(2, 3)
    for opset in (17, 18, 20):
        proto, _ = _export(model, (a, b), opset_version=opset)
        assert proto.opset_import[0].version == opset
        assert [i.name for i in proto.graph.input] == ['a', 'b']  # the forward's parameter names
        got = _run(proto, {'a': a.numpy(), 'b': b.numpy()})
        for g, e in zip(got, _expect(model, a, b)):
            np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-6)


def test_indexing_shapes_and_inplace_ops():
    def fn(x):
        y = x[:, 1:3].unsqueeze(0)
        y = ember.cat([y, y * 2], 1).transpose(1, 2).reshape(-1, 2)
        F.relu(y, inplace=True)
        y.add_(1)
        z = ember.stack([x[0], x[-1, ...]], 0).flatten().sum(0, keepdim=True)
        return y.permute(1, 0).squeeze(), z
    x = ember.randn(3, 4)
    proto, _ = _export(fn, (x,))
    got = _run(proto, {'x': x.numpy()})
    for g, e in zip(got, _expect(fn, x)):
        np.testing.assert_allclose(g, e, rtol=1e-6, atol=1e-6)


class _Masked(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16, batch_first=True), 2,
                                         enable_nested_tensor=False)

    def forward(self, x, padding):
        causal = nn.Transformer.generate_square_subsequent_mask(x.shape[1])
        return self.enc(x, mask=causal, src_key_padding_mask=padding)


def test_transformer_encoder_with_causal_and_padding_masks():
    ember.manual_seed(0)
    model = _Masked()
    x = ember.randn(2, 5, 8)
    padding = ember.tensor([[0.0] * 5, [0.0] * 3 + [float('-inf')] * 2])
    proto, _ = _export(model, (x, padding))
    other = ember.tensor([[0.0] * 4 + [float('-inf')], [0.0] * 5])
    for pad in (padding, other):  # the padding mask is an input, not a constant
        np.testing.assert_allclose(_run(proto, {'x': x.numpy(), 'padding': pad.numpy()})[0],
                                   _expect(model, x, pad)[0], rtol=1e-4, atol=1e-5)


def test_more_ops_match():
    ember.manual_seed(0)
    gn, fc = nn.GroupNorm(2, 4), nn.Linear(3, 2, bias=False)

    def fn(x, ids):
        y = F.pad(x, (1, 2), value=0.5)
        y = ember.where(y > 0, y, y * 0.1).masked_fill(y < -1, -1.0)
        y = 1 - y + 2 / (y.abs() + 1) + y.pow(2) + F.softplus(y) + F.hardswish(y) + F.hardsigmoid(y) + F.mish(y)
        z = gn(y.reshape(2, 4, 3, 2))
        z = F.interpolate(z, scale_factor=2, mode='nearest').index_select(1, ember.tensor([0, 2]))
        values, where_max = y.max(-1)
        parts = fc(y[..., :3]).unbind(1)
        flags = (x >= 0).float() + (x != 0).to(ember.float32) + (ids == 2).float()
        return z, values, where_max, parts[0] * parts[1], flags, y.max() - y.min(), y.mean() + y.sum()

    x = ember.randn(2, 4, 3)
    ids = ember.tensor([[1, 2, 3]])
    proto, _ = _export(fn, (x, ids))
    got = _run(proto, {'x': x.numpy(), 'ids': ids.numpy()})
    expected = _expect(fn, x, ids)
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        assert g.dtype == e.dtype
        np.testing.assert_allclose(g, e, rtol=1e-4, atol=1e-5)


def test_embedding_and_constant_folding():
    ember.manual_seed(0)

    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(10, 4)
            self.scale = nn.Parameter(ember.tensor(2.0))

        def forward(self, ids):
            return self.emb(ids) * (self.scale * 3).exp()  # (scale * 3).exp() reads parameters only

    model = Model()
    ids = ember.tensor([[1, 2, 9], [0, 0, 3]])
    folded, _ = _export(model, (ids,))
    unfolded, _ = _export(model, (ids,), do_constant_folding=False)
    assert 'Exp' not in _ops(folded) and 'Exp' in _ops(unfolded)
    for proto in (folded, unfolded):
        np.testing.assert_allclose(_run(proto, {'ids': ids.numpy()})[0], _expect(model, ids)[0], rtol=1e-6)
    as_inputs, _ = _export(model, (ids,), export_params=False)  # parameters may change: nothing folded
    assert 'Exp' in _ops(as_inputs) and [i.name for i in as_inputs.graph.input] == ['ids', 'emb.weight', 'scale']
    feeds = {'ids': ids.numpy(), 'emb.weight': model.emb.weight.detach().numpy(), 'scale': np.array(0.5, np.float32)}
    model.scale.data.fill_(0.5)
    np.testing.assert_allclose(_run(as_inputs, feeds)[0], _expect(model, ids)[0], rtol=1e-6)


def test_params_as_inputs_external_data_and_program_save(tmp_path):
    ember.manual_seed(0)
    model = nn.Linear(3, 2)
    x = ember.randn(1, 3)
    proto, program = _export(model, (x,), export_params=False)
    assert [i.name for i in proto.graph.input] == ['input', 'weight', 'bias'] and not proto.graph.initializer
    proto, _ = _export(model, (x,), keep_initializers_as_inputs=True)
    assert len(proto.graph.input) == 3 and len(proto.graph.initializer) == 2
    path = tmp_path / 'm.onnx'
    ember.onnx.export(model, (x,), str(path))
    assert (tmp_path / 'm.onnx.data').exists()
    loaded = onnx.load(str(path))
    np.testing.assert_allclose(_run(loaded, {'input': x.numpy()})[0], _expect(model, x)[0], rtol=1e-6)
    ember.onnx.export(model, (x,), str(tmp_path / 'inline.onnx'), external_data=False)
    assert not (tmp_path / 'inline.onnx.data').exists()
    program.save(str(tmp_path / 'p.onnx'), external_data=False)
    assert onnx.load(str(tmp_path / 'p.onnx')).graph.node[0].op_type == 'Gemm'


def test_eval_mode_for_export_and_restored_after():
    model = nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.5))
    model.train()
    seen = []

    class Probe(nn.Module):
        def forward(self, x):
            seen.append((self.training, ember.onnx.is_in_onnx_export()))
            return x

    model.append(Probe())
    _export(model, (ember.randn(1, 2),))
    # traced twice (the second time on other values, to find what depends on them)
    assert seen == [(False, True)] * 2 and model.training and not ember.onnx.is_in_onnx_export()


def test_unsupported_op_names_it():
    # PyTorch's UnsupportedOperatorError, naming the ATen operator called
    with pytest.raises(ember.onnx.errors.UnsupportedOperatorError,
                       match="^Exporting the operator 'aten::erfinv' to ONNX opset version 18 is not supported$"):
        _export(lambda x: x.erfinv(), (ember.rand(3),))
    with pytest.raises(NotImplementedError, match="ScatterReduce with reduce='amax' at opset 17"):
        ember.onnx.export(lambda x: x.scatter_reduce(0, ember.tensor([0, 0, 1]), x, 'amax'), (ember.randn(3),),
                          io.BytesIO(), opset_version=17)


def test_bad_arguments_are_refused():
    model = nn.Linear(2, 2)
    x = ember.randn(1, 2)
    with pytest.raises(ValueError, match='opset_version 12 is not supported'):
        _export(model, (x,), opset_version=12)
    with pytest.raises(NotImplementedError, match='custom_opsets'):
        _export(model, (x,), custom_opsets={'x': 1})
    with pytest.raises(ValueError, match="dynamic_axes names \\['y'\\]"):
        _export(model, (x,), dynamic_axes={'y': [0]})
    with pytest.raises(ValueError, match='3 input names'):
        _export(model, (x,), input_names=['a', 'b', 'c'])


def test_untraceable_models_raise_clear_errors():
    def part_through_numpy(x):
        return (x[1:] * 2) + ember.from_numpy(x.numpy()[1:])
    with pytest.raises(ember.onnx.OnnxExporterError, match='sharing memory'):
        _export(part_through_numpy, (ember.randn(3),))

    def view_inplace(x):
        y = x * 1
        y[0:1].relu_()
        return y
    with pytest.raises(ember.onnx.OnnxExporterError, match='in-place operations on views'):
        _export(view_inplace, (ember.randn(2),))

    def through_python(x):
        return x * ember.tensor(x.tolist()).max()
    with pytest.raises(NotImplementedError, match='frozen as a constant'):
        _export(through_python, (ember.randn(4),))
    with pytest.raises(NotImplementedError, match="dropout's in training mode"):
        _export(nn.Dropout(0.5), (ember.randn(8),), training=ember.onnx.TrainingMode.TRAINING)
    with pytest.raises(NotImplementedError, match='runs different ops for other input values'):
        _export(lambda x: x.exp() if x.sum() > 0 else x.neg(), (ember.tensor([1.0, -1.5, 0.2]),))
    with pytest.raises(ember.onnx.OnnxExporterError, match='no recorded op made'):
        _export(lambda x: ember.tensor(x.tolist()), (ember.randn(3),))

    def expand_unexplained(x):
        return x.sum().expand(x.shape[0] + x.shape[1])
    with pytest.raises(NotImplementedError, match='cannot express with the inputs'):
        _export(expand_unexplained, (ember.randn(2, 6),), dynamic_axes={'x': [0, 1]})
