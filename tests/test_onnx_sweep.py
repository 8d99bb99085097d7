"""ember.onnx.export over the op registry: each op with an ONNX counterpart is exported alone on a
small input and onnxruntime must compute ember's result (values, shape and dtype); the ops that
cannot be exported are listed in :data:`NOT_EXPORTABLE` with the reason, and each must be refused
with an error naming what is missing, never written wrongly (skipped without onnx/onnxruntime)."""
import io

import numpy as np
import pytest

import ember
import ember.nn as nn
import ember.nn.functional as F

onnx = pytest.importorskip('onnx')
ort = pytest.importorskip('onnxruntime')


def _i(*rows):
    return ember.tensor(list(rows))


# op -> a function of one (3, 5) float tensor calling it (the input holds a NaN, an inf and a zero
# for the tests of values)
EXPORTABLE = {
    'isnan': lambda x: x.isnan(), 'isinf': lambda x: x.isinf(), 'isfinite': lambda x: ember.isfinite(x),
    'isposinf': lambda x: x.isposinf(), 'isneginf': lambda x: ember.isneginf(-x), 'signbit': lambda x: x.signbit(),
    'logical_not': lambda x: ember.logical_not(x), 'logical_and': lambda x: ember.logical_and(x > 0, x),
    'logical_or': lambda x: x.logical_or(x < 0), 'logical_xor': lambda x: ember.logical_xor(x, x < 1),
    'bitwise_not': lambda x: ~_ints(x), 'bitwise_and': lambda x: _ints(x) & 5, 'bitwise_or': lambda x: _ints(x) | 3,
    'bucketize': lambda x: (ember.bucketize(x, ember.tensor([-1.0, 0.0, 1.0])),
                            ember.bucketize(x, ember.tensor([-1.0, 0.0, 1.0]), right=True)),
    'bitwise_xor': lambda x: _ints(x) ^ 6, 'bitwise_left_shift': lambda x: _ints(x) << 2,
    'bitwise_right_shift': lambda x: (_ints(x) >> 1, ember.bitwise_right_shift(_ints(x), _ints(x).abs() % 3)), 'one_hot': lambda x: F.one_hot(_ints(x).abs() % 4, 4),
    'count_nonzero': lambda x: (ember.count_nonzero(x, 1), ember.count_nonzero(x)),
    'unfold': lambda x: (x.unfold(1, 2, 1), x.unfold(0, 2, 2)),
    'F.unfold': lambda x: (F.unfold(_img(x), (2, 3), padding=1, stride=(2, 1)), F.unfold(_img(x)[0], 2, dilation=2)),
    'F.fold': lambda x: F.fold(_cols(x), (3, 4), 2),
    'kthvalue': lambda x: x.kthvalue(2, 1), 'var_mean': lambda x: (ember.var_mean(x, 1), ember.var_mean(x, 0, keepdim=True)),
    'std_mean': lambda x: ember.std_mean(x, (0, 1), correction=0), 'vdot': lambda x: ember.vdot(x[0], x[1]),
    'dot': lambda x: x[0].dot(x[2]), 'mv': lambda x: ember.mv(x, x[0]),
    'xlogy': lambda x: (ember.xlogy(x, x.abs()), ember.xlogy(x, 2.0), ember.xlogy(2, x.abs())),
    'scatter': lambda x: (x.scatter(1, _i([0], [2], [1]), 1.5), x.scatter(1, _i([0, 1], [2, 3], [1, 4]), x.flip(0)),
                          x.scatter(0, _i([0, 1]), x * 2, reduce='add')),
    'scatter_add': lambda x: x.scatter_add(1, _i([0, 0], [2, 1], [1, 1]), x[:, :2]),
    'diagonal': lambda x: (x.diagonal(), x.diagonal(1), x.diagonal(-1), x.reshape(3, 5, 1).diagonal(0, 2, 0)),
    'diag': lambda x: x[:, :3].diag(), 'select': lambda x: (x.select(1, -1), x[1]),
    'roll': lambda x: (x.roll(1, 1), x.roll(-2)), 'erfc': lambda x: ember.special.erfc(x),
    'logaddexp': lambda x: ember.logaddexp(x, x * 2), 'deg2rad': lambda x: x.deg2rad(), 'rad2deg': lambda x: x.rad2deg(),
    'fmax': lambda x: ember.fmax(x, x.flip(1)), 'fmin': lambda x: ember.fmin(x, x.flip(0)),
    'heaviside': lambda x: ember.heaviside(x, x.flip(1)), 'copysign': lambda x: ember.copysign(x, x.flip(1)),
    'atan2': lambda x: ember.atan2(x, x.flip(1)), 'pixel_unshuffle': lambda x: F.pixel_unshuffle(_img(x)[..., :2, :4], 2),
    'channel_shuffle': lambda x: F.channel_shuffle(x.reshape(1, 3, 5, 1).repeat(1, 2, 1, 1), 3),
    'EmbeddingBag': lambda x: tuple(F.embedding_bag(_ints(x).abs() % 6, x[:, :4].repeat(2, 1), mode=m)
                                    for m in ('sum', 'mean', 'max')),
    'atan': lambda x: x.atan(), 'asin': lambda x: (x / 5).asin(), 'sinh': lambda x: x.sinh(), 'tan': lambda x: x.tan(),
    'round': lambda x: x.round(), 'square': lambda x: x.square(), 'outer': lambda x: ember.outer(x[0], x[1]),
    'cdist': lambda x: ember.cdist(x, x + 1), 'norm': lambda x: x.norm(), 'masked_select': lambda x: x.masked_select(x > 0),
    'repeat_interleave': lambda x: x.repeat_interleave(2, 0), 'tile': lambda x: x.tile(2), 'movedim': lambda x: x.movedim(0, 1),
    'flatten': lambda x: x.flatten(), 'max_pool1d': lambda x: F.max_pool1d(x[None], 2),
    'avg_pool1d': lambda x: F.avg_pool1d(x[None], 2),
    'pad': lambda x: tuple(F.pad(x[None], (1, 2), mode=m) for m in ('reflect', 'replicate', 'circular', 'constant')),
    'log_softmax': lambda x: F.log_softmax(x, 1), 'softmin': lambda x: F.softmin(x, 1), 'l1_loss': lambda x: F.l1_loss(x, x * 2),
    'kl_div': lambda x: F.kl_div(F.log_softmax(x, 1), F.softmax(x * 2, 1), reduction='batchmean'),
    'relu6': lambda x: F.relu6(x), 'tanhshrink': lambda x: F.tanhshrink(x), 'softsign': lambda x: F.softsign(x),
    'local_response_norm': lambda x: F.local_response_norm(x[None], 2),
    'interpolate': lambda x: F.interpolate(x[None, None], scale_factor=2, mode='bilinear'),
    'sgn': lambda x: x.sgn(), 'clamp': lambda x: x.clamp(-0.5, 0.5), 'inner': lambda x: ember.inner(x, x),
    'kron': lambda x: ember.kron(x[:2, :2], x[:2, :2]), 'take': lambda x: x.take(_i(0, 3, 7)),
    'aminmax': lambda x: ember.aminmax(x), 'diff': lambda x: x.diff(), 'nanmean': lambda x: x.nanmean(),
    'float_power': lambda x: x.abs().float_power(2), 'trapezoid': lambda x: ember.trapezoid(x),
    'addbmm': lambda x: ember.addbmm(x[:, :3], x[None], x.T[None]), 'group_norm': lambda x: F.group_norm(x[None], 3),
    'rms_norm': lambda x: F.rms_norm(x, (5,)), 'pairwise_distance': lambda x: F.pairwise_distance(x, x + 1),
    'glu': lambda x: F.glu(x[:, :4]), 'lp_pool1d': lambda x: F.lp_pool1d(x[None], 2, 2),
    'minimum': lambda x: ember.min(x, x * 2), 'argmax': lambda x: x.argmax(), 'sum': lambda x: x.sum(1, dtype=ember.float64),
}

# op -> why ember.onnx.export refuses it
NOT_EXPORTABLE = {
    'erfinv': ("ONNX has no inverse error function", lambda x: (x / 5).erfinv()),
    'searchsorted': ("computed outside the recorded ops", lambda x: ember.searchsorted(ember.tensor([-1.0, 1.0]), x)),
    'isclose': ("computed outside the recorded ops", lambda x: ember.isclose(x, x + 1e-9)),
    'index_fill': ("only x[mask] = value of a boolean mask is translated", lambda x: x.index_fill(1, _i(0, 2), 1.0)),
    'masked_scatter': ("only x[mask] = value of one element is translated", lambda x: x.masked_scatter(x > 0, x * 3)),
    'bilinear': ("its weight is read through a view the recorded ops do not show",
                 lambda x: F.bilinear(x, x, ember.randn(2, 5, 5))),
}

# ops users' models call that were refused before: each exported and checked like the others
EXPORTABLE.update({
    'median': lambda x: (x.median(1), x.median(), ember.median(x, 0, keepdim=True)),
    'nanmedian': lambda x: (x.nanmedian(1), x.nanmedian()),
    'cummax': lambda x: x.cummax(1), 'cummin': lambda x: ember.cummin(x, 0),
    'mode': lambda x: (x.round().mode(1), x.round().mode(0, keepdim=True)),
    'cumprod': lambda x: x.cumprod(1), 'logcumsumexp': lambda x: x.logcumsumexp(1),
    'ldexp': lambda x: ember.ldexp(x, ember.tensor(2)), 'rot90': lambda x: (x.rot90(), x.rot90(2), x.rot90(-1, (1, 0))),
    'index_add': lambda x: (x.index_add(0, _i(0, 2), x[:2]), x.index_add(1, _i(4, 4, 0), x[:, :3], alpha=2)),
    'index_copy': lambda x: x.index_copy(0, _i(0, 2), x[:2] * 3),
    'avg_pool3d': lambda x: F.avg_pool3d(x.reshape(1, 1, 1, 3, 5), (1, 2, 2)),
    'adaptive_avg_pool1d': lambda x: (F.adaptive_avg_pool1d(x[None], 2), F.adaptive_max_pool1d(x[None], 3)),
    'mse_loss': lambda x: (F.mse_loss(x, x * 2), F.mse_loss(x, x.flip(0), reduction='none')),
    'cross_entropy': lambda x: (F.cross_entropy(x, _i(0, 1, 2)), F.cross_entropy(x, _i(4, -100, 2), reduction='sum'),
                                F.cross_entropy(x, _i(0, 1, 2), label_smoothing=0.1),
                                F.cross_entropy(x, x.softmax(1))),
    'nll_loss': lambda x: (F.nll_loss(x.log_softmax(1), _i(0, 1, 2)), F.nll_loss(x, _i(0, 3, 2), reduction='none')),
    'binary_cross_entropy_with_logits': lambda x: (F.binary_cross_entropy_with_logits(x, x.sigmoid()),
                                                   F.binary_cross_entropy_with_logits(x, x.sigmoid(),
                                                                                      pos_weight=ember.ones(5) * 2)),
    'smooth_l1_loss': lambda x: F.smooth_l1_loss(x, x * 2, beta=0.5), 'huber_loss': lambda x: F.huber_loss(x, x * 2),
})


def _ints(x):
    return (x.nan_to_num(0.0, 9.0, -9.0) * 4).long()


def _img(x):
    return x.nan_to_num(0.0, 9.0, -9.0).reshape(1, 1, 3, 5)


def _cols(x):
    return ember.cat([x, x]).nan_to_num(0.0).reshape(-1)[:24].reshape(1, 4, 6)


class _Fn(nn.Module):
    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, x):
        return self.fn(x)


def _input():
    x = ember.randn(3, 5, generator=ember.Generator().manual_seed(1))
    x[0, 1], x[1, 2], x[2, 3], x[2, 4] = float('nan'), float('inf'), 0.0, -float('inf')
    return x


def _finite(x):
    return x.nan_to_num(0.0, 3.0, -3.0)


def _flat(out):
    if isinstance(out, ember.Tensor):
        return [out.numpy()]
    return [a for o in out for a in _flat(o)]


@pytest.mark.parametrize('name', sorted(EXPORTABLE))
def test_op_exports_and_matches(name):
    fn = EXPORTABLE[name]
    # tests of values see NaN and infinities; the others a finite input
    values = name in ('isnan', 'isinf', 'isfinite', 'isposinf', 'isneginf', 'signbit', 'fmax', 'fmin', 'copysign',
                      'logical_not', 'heaviside', 'xlogy')
    x = _input() if values else _finite(_input())
    model = _Fn(fn)
    buf = io.BytesIO()
    ember.onnx.export(model, (x,), buf, input_names=['x'])
    proto = onnx.load_from_string(buf.getvalue())
    onnx.checker.check_model(proto, full_check=True)
    sess = ort.InferenceSession(buf.getvalue(), providers=['CPUExecutionProvider'])
    for inputs in (x, x.flip(0) * 2):
        got = sess.run(None, {'x': inputs.numpy()})
        with ember.no_grad():
            expected = _flat(model(inputs))
        assert len(got) == len(expected)
        for g, e in zip(got, expected):
            assert g.shape == e.shape and g.dtype == e.dtype
            np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize('name', sorted(NOT_EXPORTABLE))
def test_op_is_refused_with_a_clear_error(name):
    reason, fn = NOT_EXPORTABLE[name]
    assert reason
    with pytest.raises((NotImplementedError, ember.onnx.OnnxExporterError),
                       match='ember.onnx.export|^Exporting the operator'):
        ember.onnx.export(_Fn(fn), (_finite(_input()),), io.BytesIO())


def test_embedding_bag_with_offsets_as_an_input_is_refused():
    # the bags follow the offsets' values, which NumPy reads outside the recorded ops
    bag = nn.EmbeddingBag(10, 3)
    with pytest.raises(NotImplementedError, match='computed by code the exporter cannot record'):
        ember.onnx.export(bag, (_i(1, 2, 3, 4), _i(0, 2)), io.BytesIO())


def test_lists_name_public_ops():
    spaces = (ember, ember.Tensor, F, ember.special, nn)
    for name in list(EXPORTABLE) + list(NOT_EXPORTABLE):
        assert any(hasattr(s, name.removeprefix('F.')) for s in spaces), name
    assert not set(EXPORTABLE) & set(NOT_EXPORTABLE)
