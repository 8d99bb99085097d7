"""ember.onnx.export, op by op: each small model is exported, run in onnxruntime and compared with
ember's own forward (skipped when the optional onnx/onnxruntime packages are absent)."""
import io

import numpy as np
import pytest

import ember
import ember.nn as nn
import ember.nn.functional as F

onnx = pytest.importorskip('onnx')
ort = pytest.importorskip('onnxruntime')


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
def test_recurrent_layers_with_dynamic_batch(kind, layers, bidirectional, batch_first):
    ember.manual_seed(0)
    rnn = getattr(nn, kind)(3, 4, num_layers=layers, bidirectional=bidirectional, batch_first=batch_first)
    x = ember.randn(2, 5, 3) if batch_first else ember.randn(5, 2, 3)
    other = ember.randn(3, 5, 3) if batch_first else ember.randn(5, 3, 3)
    ops = _check(rnn, (x,), [(other,)], input_names=['x'], dynamic_axes={'x': {int(not batch_first): 'batch'}})
    assert 'MatMul' in ops or 'Gemm' in ops


class _Stateful(nn.Module):
    def __init__(self, cell):
        super().__init__()
        self.rnn = cell

    def forward(self, x, h0, c0):
        out, (h, c) = self.rnn(x, (h0, c0))
        return out, h, c


def test_lstm_with_initial_states_and_projections():
    ember.manual_seed(0)
    model = _Stateful(nn.LSTM(3, 4, num_layers=2, proj_size=2, bidirectional=True))
    x, h0, c0 = ember.randn(5, 2, 3), ember.randn(4, 2, 2), ember.randn(4, 2, 4)
    _check(model, (x, h0, c0), [(ember.randn(5, 2, 3), ember.randn(4, 2, 2), ember.randn(4, 2, 4))])


def test_gru_and_rnn_relu_with_initial_state():
    ember.manual_seed(0)
    for layer in (nn.GRU(3, 4, 2), nn.RNN(3, 4, nonlinearity='relu')):
        h0 = ember.randn(layer.num_layers, 2, 4)
        _check(layer, (ember.randn(5, 2, 3), h0), [(ember.randn(5, 2, 3), ember.randn(layer.num_layers, 2, 4))])


def test_cells():
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
    x = ember.randn(4, 4)
    idx = ember.tensor([[0, 3], [1, 1], [2, 0]])
    _check(M(), (x, idx), [(ember.randn(4, 4), ember.tensor([[1, 2], [0, 0], [2, 1]]))])


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
