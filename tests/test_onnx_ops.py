"""ember.onnx.export, op by op: each small model is exported, run in onnxruntime and compared with
ember's own forward (skipped when the optional onnx/onnxruntime packages are absent).

For reference, PyTorch 2.13's TorchScript exporter (its dynamo exporter needs onnxscript) writes, at
opset 18: CumSum, Slice and Gather for ``x.cumsum(1)[:, 1:3] + x[:, [0, 2, 1, 0]]``; one LSTM/GRU op
per layer with initial states expanded from the input's batch size; Gather then Flatten for an
embedding; TopK for topk; and shapes as Constant nodes. ember's translations follow the same choices.
"""
import io

import numpy as np
import pytest

import ember
import ember.nn as nn
import ember.nn.functional as F

onnx = pytest.importorskip('onnx')
ort = pytest.importorskip('onnxruntime')


@pytest.fixture(autouse=True)
def _seeded():
    ember.manual_seed(0)   # the same example values on every run


def _export(model, args, **kw):
    buf = io.BytesIO()
    ember.onnx.export(model, args, buf, **kw)
    proto = onnx.load_from_string(buf.getvalue())
    onnx.checker.check_model(proto, full_check=True)
    return proto


def _forward(model, args):
    if isinstance(model, nn.Module):
        model.eval()
    with ember.no_grad():
        out = model(*args)
    flat = []

    def walk(o):
        if isinstance(o, ember.Tensor):
            flat.append(o.numpy())
        elif isinstance(o, (tuple, list)):
            for p in o:
                walk(p)
    walk(out)
    return flat


def _check(model, args, others=(), rtol=1e-5, atol=1e-5, **kw):
    """Export ``model`` on ``args``; onnxruntime must compute ember's result on them and on each
    argument tuple of ``others`` (other values or, with dynamic axes, other sizes)."""
    proto = _export(model, args, **kw)
    sess = ort.InferenceSession(proto.SerializeToString(), providers=['CPUExecutionProvider'])
    names = [i.name for i in sess.get_inputs()]
    for inputs in (args,) + tuple(others):
        got = sess.run(None, {n: a.numpy() for n, a in zip(names, inputs)})
        expected = _forward(model, inputs)
        assert len(got) == len(expected)
        for g, e in zip(got, expected):
            assert g.shape == e.shape and g.dtype == e.dtype
            np.testing.assert_allclose(g, e, rtol=rtol, atol=atol)
    return [n.op_type for n in proto.graph.node]


class Fn(nn.Module):
    """A function as a module (the exporter names inputs after the forward's parameters)."""

    def __init__(self, fn, *mods):
        super().__init__()
        self.fn, self.mods = fn, nn.ModuleList(mods)

    def forward(self, x):
        return self.fn(x, *self.mods)


# ---------------------------------------------------------------- recurrent layers
@pytest.mark.parametrize('kind', ['LSTM', 'GRU', 'RNN'])
@pytest.mark.parametrize('layers,bidirectional,batch_first', [(1, False, True), (2, True, False)])
def test_recurrent_layers_with_dynamic_batch_and_length(kind, layers, bidirectional, batch_first):
    # one ONNX recurrent op per layer (PyTorch's exporter writes the same ops), so both the batch and
    # the sequence length may vary
    ember.manual_seed(0)
    rnn = getattr(nn, kind)(3, 4, num_layers=layers, bidirectional=bidirectional, batch_first=batch_first)
    x = ember.randn(2, 5, 3) if batch_first else ember.randn(5, 2, 3)
    other = ember.randn(3, 7, 3) if batch_first else ember.randn(7, 3, 3)
    axes = {0: 'batch', 1: 'time'} if batch_first else {0: 'time', 1: 'batch'}
    ops = _check(rnn, (x,), [(other,)], input_names=['x'], dynamic_axes={'x': axes})
    assert ops.count(kind) == layers and 'MatMul' not in ops


class _Stateful(nn.Module):
    def __init__(self, cell):
        super().__init__()
        self.rnn = cell

    def forward(self, x, h0, c0):
        out, (h, c) = self.rnn(x, (h0, c0))
        return out, h, c


def test_lstm_with_initial_states_and_projections():
    ember.manual_seed(0)
    model = _Stateful(nn.LSTM(3, 4, num_layers=2, bias=False))
    x, h0, c0 = ember.randn(5, 2, 3), ember.randn(2, 2, 4), ember.randn(2, 2, 4)
    assert 'LSTM' in _check(model, (x, h0, c0), [(ember.randn(5, 2, 3), ember.randn(2, 2, 4), ember.randn(2, 2, 4))])
    # ONNX's LSTM has no projections: those layers are written unrolled, step by step (fixed length)
    model = _Stateful(nn.LSTM(3, 4, num_layers=2, proj_size=2, bidirectional=True))
    x, h0, c0 = ember.randn(5, 2, 3), ember.randn(4, 2, 2), ember.randn(4, 2, 4)
    ops = _check(model, (x, h0, c0), [(ember.randn(5, 2, 3), ember.randn(4, 2, 2), ember.randn(4, 2, 4))])
    assert 'LSTM' not in ops and 'Tanh' in ops


def test_gru_and_rnn_relu_with_initial_state():
    ember.manual_seed(0)
    for layer in (nn.GRU(3, 4, 2), nn.RNN(3, 4, nonlinearity='relu')):
        h0 = ember.randn(layer.num_layers, 2, 4)
        _check(layer, (ember.randn(5, 2, 3), h0), [(ember.randn(5, 2, 3), ember.randn(layer.num_layers, 2, 4))])


def test_cells_are_written_step_by_step():
    ember.manual_seed(0)
    lstm, gru = nn.LSTMCell(3, 4), nn.GRUCell(3, 4)
    model = Fn(lambda x, l, g: (l(x)[0] + g(x)), lstm, gru)
    _check(model, (ember.randn(2, 3),), [(ember.randn(2, 3),)])


# ---------------------------------------------------------------- indexing and cumulative ops
def test_cumsum_slicing_and_list_index():
    class M(nn.Module):
        def forward(self, x):
            return x.cumsum(1)[:, 1:3] * 2 + x[:, [0, 2, 1, 0]].mean(1, keepdim=True)
    ops = _check(M(), (ember.randn(2, 4),), [(ember.randn(2, 4),)])
    assert 'CumSum' in ops and 'Gather' in ops


def test_cumsum_of_integers_and_bools():
    _check(Fn(lambda x: ((x > 0).cumsum(0), x.long().cumsum(-1), x.cumsum(0, dtype=ember.float64))),
           (ember.randn(3, 4) * 3,))


def test_slicing_with_steps_and_negative_ends():
    _check(Fn(lambda x: (x[::2, 1::3], x[..., -3:-1], x[1, None, :, ::-1 * -2])), (ember.randn(5, 7, 6),))


def test_tensor_indices_from_inputs():
    class M(nn.Module):
        def forward(self, x, rows, cols):
            return x[rows], x[:, cols], x[rows, cols], x[rows[:, None], cols], x[:, cols, 1:]
    x = ember.randn(4, 5, 3)
    rows, cols = ember.tensor([0, 3, -1]), ember.tensor([4, 0, 2])
    ops = _check(M(), (x, rows, cols), [(ember.randn(4, 5, 3), ember.tensor([1, 1, 2]), ember.tensor([0, 1, -2]))])
    assert 'GatherND' in ops


def test_separated_indices_go_first():
    class M(nn.Module):
        def forward(self, x, i, j):
            return x[i, :, j], x[:, i, j]
    x = ember.randn(3, 4, 5, 2)
    _check(M(), (x, ember.tensor([[0, 1]]), ember.tensor([2, 4])),
           [(x, ember.tensor([[2, 0]]), ember.tensor([0, -1]))])


def test_boolean_masks():
    class M(nn.Module):
        def forward(self, x, keep):
            return x[keep], x[x > 0], x[:, ember.tensor([True, False, True])]
    x = ember.randn(4, 3)
    keep = ember.tensor([True, False, True, True])
    ops = _check(M(), (x, keep), [(ember.randn(4, 3), ember.tensor([False, True, False, False]))])
    assert 'NonZero' in ops


def test_gather_take_along_dim_and_index_select():
    class M(nn.Module):
        def forward(self, x, idx):
            return x.gather(1, idx), ember.take_along_dim(x, idx, 1), x.index_select(0, idx[:, 0])
    x = ember.randn(3, 4)      # (take_along_dim broadcasts the index against x but along dim: 3 rows each)
    idx = ember.tensor([[0, 2], [1, 1], [2, 0]])
    _check(M(), (x, idx), [(ember.randn(3, 4), ember.tensor([[1, 2], [0, 0], [2, 1]]))])


# ---------------------------------------------------------------- dynamic axes
def test_reshape_with_several_dynamic_axes():
    class M(nn.Module):
        def forward(self, x):
            b, t, f = x.shape
            y = x.reshape(b * t, f).relu().view(b, t, f)   # flatten and restore two dynamic axes
            return y.expand(b, t, f).reshape(b, -1), x.flatten(0, 1)
    x = ember.randn(2, 3, 4)
    _check(M(), (x,), [(ember.randn(5, 7, 4),)], input_names=['x'],
           dynamic_axes={'x': {0: 'batch', 1: 'time'}})


def test_tensors_built_from_dynamic_sizes():
    class M(nn.Module):
        def forward(self, x):
            positions = ember.arange(x.shape[1])
            return x + positions, ember.zeros(x.shape[0], 2) + x[:, :2], ember.full((x.shape[1],), 0.5) * x
    x = ember.randn(2, 3)
    ops = _check(M(), (x,), [(ember.randn(4, 3),), (ember.randn(1, 6),)], input_names=['x'],
                 dynamic_axes={'x': {0: 'batch', 1: 'width'}})
    assert 'Range' in ops and 'ConstantOfShape' in ops


def test_weights_saved_apart_still_load(tmp_path):
    # the weights go to the .data file; shapes the runtime reads while loading stay in the model
    ember.manual_seed(0)
    model = nn.Sequential(nn.Embedding(10, 4), nn.Flatten())
    ids = ember.tensor([[1, 2]])
    path = tmp_path / 'emb.onnx'
    ember.onnx.export(model, (ids,), str(path))
    assert (tmp_path / 'emb.onnx.data').exists()
    sess = ort.InferenceSession(str(path), providers=['CPUExecutionProvider'])
    got = sess.run(None, {sess.get_inputs()[0].name: ids.numpy()})[0]
    np.testing.assert_allclose(got, _forward(model, (ids,))[0])


# ---------------------------------------------------------------- activations, attention, layers
@pytest.mark.parametrize('opset', [17, 20])
def test_gelu_both_approximations_softmax_and_layer_norm(opset):
    ember.manual_seed(0)
    model = Fn(lambda x, ln: (F.gelu(x), F.gelu(x, approximate='tanh'), F.softmax(x, 0), F.log_softmax(x, -1),
                              ln(x), F.layer_norm(x, (5,), eps=1e-3)), nn.LayerNorm(5))
    ops = _check(model, (ember.randn(3, 5),), opset_version=opset)
    assert ('Gelu' in ops) == (opset >= 20) and 'LogSoftmax' in ops and 'LayerNormalization' in ops


def test_attention_variants():
    ember.manual_seed(0)

    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.mha = nn.MultiheadAttention(8, 2)
            self.layer = nn.TransformerEncoderLayer(8, 2, 16, activation='gelu', norm_first=True)

        def forward(self, x, q, kv, mask):
            grouped = F.scaled_dot_product_attention(q, kv, kv, attn_mask=mask, enable_gqa=True, scale=0.3)
            return self.mha(x, x, x, need_weights=False)[0], self.layer(x), grouped
    args = (ember.randn(5, 2, 8), ember.randn(1, 4, 3, 2), ember.randn(1, 2, 6, 2), ember.randn(3, 6))
    _check(M(), args, [tuple(ember.randn(*a.shape) for a in args)], atol=1e-4)


def test_convolutions_and_transposed_convolutions():
    ember.manual_seed(0)
    model = Fn(lambda x, c1, c2, t1, t2: (c1(x[..., 0]), c2(x), t1(x[..., 0]), t2(x)),
               nn.Conv1d(3, 4, 3, padding=2, dilation=2), nn.Conv2d(3, 2, 3, padding='same', groups=1),
               nn.ConvTranspose1d(3, 2, 4, stride=2), nn.ConvTranspose2d(3, 2, 3, stride=2, padding=1,
                                                                         output_padding=1))
    _check(model, (ember.randn(2, 3, 6, 6),), [(ember.randn(2, 3, 6, 6),)], atol=1e-4)


def test_batch_group_and_instance_norm():
    ember.manual_seed(0)
    bn1, bn2 = nn.BatchNorm1d(3), nn.BatchNorm2d(3)
    for bn in (bn1, bn2):
        bn.running_mean.uniform_(-1, 1)
        bn.running_var.uniform_(0.5, 2)
    model = Fn(lambda x, a, b_, g, i1, i2, i3: (a(x[..., 0]), b_(x), g(x), i1(x), i2(x[..., 0]), i3(x)),
               bn1, bn2, nn.GroupNorm(1, 3), nn.InstanceNorm2d(3, affine=True), nn.InstanceNorm1d(3),
               nn.BatchNorm2d(3, track_running_stats=False))
    _check(model, (ember.randn(2, 3, 4, 4),), [(ember.randn(2, 3, 4, 4),)], atol=1e-4)
    bn2.train()  # batch statistics with running ones to update: only eval mode exports
    with pytest.raises(NotImplementedError, match='export the model in eval mode'):
        ember.onnx.export(bn2, (ember.randn(2, 3, 4, 4),), io.BytesIO(), training=ember.onnx.TrainingMode.TRAINING)


def test_pooling():
    model = Fn(lambda x: (F.max_pool1d(x[..., 0], 3, 2, 1), F.max_pool2d(x, 3, 2, ceil_mode=True),
                          F.avg_pool1d(x[..., 0], 2), F.avg_pool2d(x, 2, padding=1, count_include_pad=False),
                          F.adaptive_max_pool2d(x, 1), F.adaptive_max_pool2d(x, (2, 4)),
                          F.adaptive_avg_pool1d(x[..., 0], 4), F.adaptive_avg_pool2d(x, (1, 2))))
    _check(model, (ember.randn(2, 3, 8, 8),))
    with pytest.raises(NotImplementedError, match="output 1 of the op 'AdaptiveMaxPool'"):
        _export(Fn(lambda x: F.adaptive_max_pool2d(x, 1, return_indices=True)[1].float()), (ember.randn(1, 2, 4, 4),))


def test_interpolate_modes():
    model = Fn(lambda x: (F.interpolate(x, size=(5, 12)), F.interpolate(x, scale_factor=2, mode='bilinear'),
                          F.interpolate(x, size=(5, 7), mode='bilinear', align_corners=True),
                          F.interpolate(x[..., 0], scale_factor=1.5, mode='linear'),
                          F.interpolate(x, scale_factor=2, mode='bicubic'), nn.Upsample(scale_factor=2)(x)))
    _check(model, (ember.randn(1, 2, 4, 6),), atol=1e-4)


# ---------------------------------------------------------------- joining, selecting, shaping
def test_concat_split_chunk_where_masked_fill_and_clamp():
    model = Fn(lambda x: (ember.cat([x, x * 2], 1), *x.split(2, 1), *x.chunk(2, 0), *x.split([1, 4], 1),
                          ember.where(x > 0, x, 0.0), x.masked_fill(x < 0, 1.5), ember.where(x > 0, 1.0, -1.0),
                          x.clamp(-0.5, 0.5), x.clamp(min=0), x.clamp(max=0.2), F.relu6(x * 9),
                          x.clamp(x * 0 - 0.1, x * 0 + 0.1), x.clamp(min=x.mean(0))))
    _check(model, (ember.randn(3, 5),), [(ember.randn(3, 5),)])


def test_argmax_topk_sort_any_all():
    model = Fn(lambda x: (x.argmax(1), x.argmin(0, keepdim=True), x.argmax(), *x.topk(2, 1),
                          *x.topk(2, 0, largest=False), *x.sort(1, descending=True), x.argsort(0),
                          (x > 0).any(1), (x > 0).all(), (x > 0).any(0, keepdim=True)))
    ops = _check(model, (ember.randn(3, 5),), [(ember.randn(3, 5),)])
    assert 'TopK' in ops and 'ArgMax' in ops
    # ties: the lower index first, as ember's stable sort; topk's tied indices follow PyTorch's CPU kernel,
    # which ONNX TopK (lower index first) cannot say: its values agree, and so do indices its ties leave alone
    tied = ember.tensor([[1.0, 2.0, 1.0, 2.0, 0.0]])
    _check(Fn(lambda x: (*x.sort(-1), x.topk(3)[0], x.topk(2)[1], x.argmax(-1))), (tied,))
    assert tied.topk(3).indices.tolist() == [[1, 3, 2]]   # (PyTorch's; ONNX Runtime's TopK gives [1, 3, 0])


def test_expand_repeat_flip_and_einsum():
    model = Fn(lambda x: (x[:1].expand(4, 5), x.repeat(2, 3), x.repeat(1, 1, 2), x.flip(0, 1),
                          ember.einsum('ij,kj->ik', x, x), ember.einsum('ij->j', x), ember.einsum('ij,ij->i', x, x)))
    ops = _check(model, (ember.randn(3, 5),), [(ember.randn(3, 5),)])
    assert 'Einsum' in ops and 'Tile' in ops


def test_embedding_with_dynamic_batch_and_length():
    ember.manual_seed(0)
    model = nn.Sequential(nn.Embedding(10, 4, padding_idx=0), nn.Flatten(), nn.Linear(12, 2))
    ids = ember.tensor([[1, 0, 3], [9, 2, 2]])
    _check(model, (ids,), [(ember.tensor([[4, 4, 1]] * 5),)], input_names=['ids'], dynamic_axes={'ids': [0]})


class _Dim:
    """A ``torch.export.Dim``-like object: dynamic_shapes takes anything with a ``__name__``."""
    def __init__(self, name):
        self.__name__ = name


def test_dynamic_shapes_argument_names_inputs_and_outputs():
    ember.manual_seed(0)

    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(4, 3)

        def forward(self, x, mask):
            return self.fc(x).masked_fill(mask[..., None], 0.0).flatten(0, 1)
    x, mask = ember.randn(2, 3, 4), ember.tensor([[True, False, False], [False, False, True]])
    others = [(ember.randn(4, 5, 4), ember.rand(4, 5) > 0.5)]
    for shapes in ({'x': {0: _Dim('batch'), 1: 'seq'}, 'mask': [_Dim('batch'), 'seq']},
                   ({0: 'batch', 1: 'seq'}, {0: 'batch', 1: 'seq'})):
        proto = _export(M(), (x, mask), dynamic_shapes=shapes)
        dims = [[d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim]
                for v in list(proto.graph.input) + list(proto.graph.output)]
        assert dims[:2] == [['batch', 'seq', 4], ['batch', 'seq']] and dims[2][1] == 3 and dims[2][0]
    model = M()
    _check(model, (x, mask), others, dynamic_shapes={'x': {0: 'batch', 1: 'seq'}, 'mask': {0: 'batch', 1: 'seq'}})
    with pytest.raises(ValueError, match="dynamic_shapes names \\['y'\\]"):
        _export(model, (x, mask), dynamic_shapes={'y': {0: 'b'}})
    with pytest.raises(ValueError, match='not both'):
        _export(model, (x, mask), dynamic_shapes={'x': {0: 'b'}}, dynamic_axes={'x': [0]})
    with pytest.raises(TypeError, match='must be a string naming the dimension'):
        _export(model, (x, mask), dynamic_shapes={'x': {0: 3}})


# ---------------------------------------------------------------- more math, activations and reductions
def test_more_activations():
    ember.manual_seed(0)
    model = Fn(lambda x, p: (F.celu(x), F.softsign(x), F.tanhshrink(x), F.hardshrink(x), F.softshrink(x, 0.3),
                             F.logsigmoid(x), F.prelu(x, ember.tensor([0.2])), F.glu(x.repeat(1, 2)),
                             F.threshold(x, 0.1, 2.0), p(x.reshape(1, 3, 5))), nn.PReLU(3))
    _check(model, (ember.randn(3, 5),), [(ember.randn(3, 5),)])


def test_more_math():
    model = Fn(lambda x: (x.exp2(), x.log1p().nan_to_num(), x.trunc(), x.round(), x.frac(), x.remainder(0.3),
                          x.fmod(0.3), x.floor_divide(0.3), ember.div(x, 0.3, rounding_mode='trunc'), x.atan(),
                          x.sinh(), x.cosh(), x.tan(), (x / 4).asin(), (x / 4).acos(), x.abs().log2(),
                          x.abs().log10(), x.expm1(), (x * 10).long() // 3, (x * 10).long() % 3,
                          ember.maximum(x, x * 0), ember.minimum(x, -x),
                          (x / 0).nan_to_num(posinf=9.0), x.rsqrt().nan_to_num(nan=-1.0)))
    _check(model, (ember.randn(3, 5),), [(ember.randn(3, 5),)], rtol=1e-4)


def test_more_reductions_and_norms():
    model = Fn(lambda x: (x.logsumexp(1), x.norm(dim=1), x.norm(), x.norm(p=1, dim=0), x.norm(p=3, dim=1),
                          x.norm(p=float('inf')), ember.linalg.vector_norm(x, 0, 1), x.var(1), x.std(0),
                          x.var(), x.var(1, correction=0, keepdim=True), x.prod(1), x.prod(), x.amax(1),
                          x.amin((0, 1)), F.normalize(x, dim=1), F.cosine_similarity(x, x * 2 + 1)))
    _check(model, (ember.randn(3, 5),), [(ember.randn(3, 5) * 100,)], rtol=1e-4)


def test_roll_triangles_and_pixel_shuffle():
    model = Fn(lambda x: (x.roll(1, 1), x.roll((2, -1), (0, 1)), x.roll(3), x.tril(), x.triu(1), x.tril(-1),
                          F.pixel_shuffle(x.reshape(1, 4, 2, 2), 2)))
    _check(model, (ember.randn(4, 4),), [(ember.randn(4, 4),)])


def test_logic_and_bitwise_ops():
    model = Fn(lambda x: ((x > 0) & (x < 1), (x > 0) | (x < -1), (x > 0) ^ (x < 1), ember.logical_and(x > 0, x),
                          ember.logical_or(x > 0, x < 0), ember.logical_xor(x, x < 1), (x * 8).int() & 5,
                          (x * 8).long() | 3, x[(x > 0) & (x < 1)]))
    _check(model, (ember.randn(3, 5),), [(ember.randn(3, 5),)])


class _TinyLM(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb, self.pos = nn.Embedding(20, 8), nn.Embedding(16, 8)
        self.enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16, batch_first=True), 2,
                                         enable_nested_tensor=False)
        self.head = nn.Linear(8, 20)

    def forward(self, ids):
        t = ids.shape[1]
        h = self.emb(ids) + self.pos(ember.arange(t))
        mask = nn.Transformer.generate_square_subsequent_mask(t)
        return self.head(self.enc(h, mask=mask, is_causal=True))


def test_causal_language_model_with_dynamic_batch_and_length():
    ember.manual_seed(0)
    ids = ember.tensor([[1, 2, 3, 4], [5, 6, 7, 8]])
    _check(_TinyLM(), (ids,), [(ember.tensor([[3, 1, 4, 1, 5, 9]] * 3),)], atol=1e-4, input_names=['ids'],
           dynamic_axes={'ids': {0: 'batch', 1: 'seq'}})


def test_slices_and_statistics_over_dynamic_axes():
    model = Fn(lambda x: (x[:, 1:], x[-1], x[:, :-1:2], x[..., -2], x.var(1), x.std(0, keepdim=True),
                          F.scaled_dot_product_attention(x[None, :, :2], x[None, :, :2], x[None, :, :2], is_causal=True)))
    _check(model, (ember.randn(3, 5),), [(ember.randn(6, 9),), (ember.randn(2, 2),)], input_names=['x'],
           dynamic_axes={'x': {0: 'rows', 1: 'cols'}})


def test_setitem_with_a_number():
    def fn(x):
        y = x * 1
        y[:, 0] = 0
        y[:, 1::2] = -1.5
        y[y > 1] = 1.0
        y[..., -1] = ember.tensor(7.0)
        return y
    ops = _check(Fn(fn), (ember.randn(3, 5),), [(ember.randn(6, 5),)], input_names=['x'], dynamic_axes={'x': [0]})
    assert ops.count('Where') == 4
    with pytest.raises(NotImplementedError, match='a key on a dynamic axis'):
        _export(Fn(fn), (ember.randn(3, 5),), input_names=['x'], dynamic_axes={'x': [1]})


def test_ops_recorded_as_one_named_node():
    # ops ember records as one node each, named as PyTorch's grad_fns (clamp's and rsub's tensor
    # variants, lerp, addcmul, hypot, logit, sinc, trace, nansum, rounded div, sort/topk's values)
    model = Fn(lambda xy: _one_node_ops(xy[0], xy[1]))
    _check(model, (ember.randn(2, 4, 4),), [(ember.randn(2, 4, 4),)], rtol=1e-4)


def _one_node_ops(x, y):
    return (x.clamp(min=y), x.clamp(max=y), x.clamp_min(0.1), x.clamp_max(0.2), ember.clamp(x, y, y + 1),
            ember.rsub(x, y, alpha=2), ember.rsub(x, y), x.lerp(y, 0.3), x.lerp(y, y), x.addcmul(x, y, value=0.5),
            x.addcdiv(x, y.abs() + 1), ember.hypot(x, y), x.sigmoid().logit(), x.sigmoid().logit(1e-3), x.sinc(),
            (x * 0).sinc(), x.trace(), ember.where(x > 0, x / 0, x).nansum(1),
            ember.div(x, y.abs() + 1, rounding_mode='floor'), x.remainder(y.abs() + 1), x.fmod(y.abs() + 1),
            x.masked_fill(x > 0, y[0, 0]), x.sort(1)[0], x.topk(2, 1)[0], x.log1p().nan_to_num())
