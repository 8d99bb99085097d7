"""Batching rules for nn, indexing, FFT and matrix ops: each case runs batched (one call, no op looped)
and gives the per-element loop's values, with the batch at dim 0, with the batch elsewhere
(``in_dims``/``out_dims``), and split across two nested vmaps; gradients through the rules too."""
import warnings

import numpy as np
import pytest

import ember
import ember.nn.functional as F
from ember.func import grad, vmap

B = 4


def _r(*shape, seed=0):
    return ember.tensor(np.random.default_rng(seed * 7 + len(shape)).standard_normal(shape), dtype=ember.float64)


def _i(high, *shape, seed=0):
    return ember.tensor(np.random.default_rng(seed + 11).integers(0, high, shape), dtype=ember.int64)


W1, W2, W3 = _r(3, 2, 3, seed=1), _r(3, 2, 3, 3, seed=2), _r(2, 2, 2, 2, 2, seed=3)
WT = _r(2, 3, 3, 3, seed=4)
TABLE = _r(6, 3, seed=5)
MASK = _r(3, 4, seed=12) > 0
CLASS_W = ember.tensor([1.0, 2.0, 0.5, 3.0], dtype=ember.float64)
ember.manual_seed(0)
LSTM, GRU = ember.nn.LSTM(3, 4, batch_first=True).double(), ember.nn.GRU(3, 4, num_layers=2).double()
SPD = _r(B, 3, 3, seed=6) @ _r(B, 3, 3, seed=6).transpose(-1, -2) + 3 * ember.eye(3, dtype=ember.float64)

# (name, function of one element, inputs with the batch first, in_dims (None: not mapped))
CASES = [
    ('conv1d_2d_3d', lambda x1, x2, x3: (F.conv1d(x1, W1, stride=2), F.conv2d(x2, W2, padding=1, dilation=1),
                                         F.conv3d(x3, W3)), (_r(B, 2, 2, 7), _r(B, 1, 2, 5, 5), _r(B, 1, 2, 3, 4, 3)),
     (0, 0, 0)),
    ('conv2d_batched_weight_bias', lambda x, w, b: F.conv2d(x, w, b, padding=1, groups=1),
     (_r(B, 2, 2, 4, 4), _r(B, 3, 2, 3, 3), _r(B, 3)), (0, 0, 0)),
    ('conv2d_groups_shared_input', lambda x, w: F.conv2d(x, w, groups=2, stride=(1, 2)),
     (_r(2, 4, 5, 5), _r(B, 4, 2, 2, 2)), (None, 0)),
    ('conv_transpose', lambda x, w, b: (F.conv_transpose2d(x, WT, stride=2, output_padding=1),
                                        F.conv_transpose2d(x, w, b, padding=1),
                                        F.conv_transpose1d(x[:, :, 0], w[:, :, 0])),
     (_r(B, 2, 2, 3, 3), _r(B, 2, 4, 2, 2), _r(B, 4)), (0, 0, 0)),
    ('pooling', lambda x: (F.max_pool2d(x, 2), *F.max_pool2d(x, 3, 1, 1, return_indices=True), F.avg_pool2d(x, 2, 1),
                           F.adaptive_avg_pool2d(x, (2, 3)), F.adaptive_max_pool2d(x, 2), F.max_pool1d(x[0], 2),
                           F.avg_pool1d(x[0], 3, ceil_mode=True), F.avg_pool3d(x.unsqueeze(0), 2),
                           F.max_pool3d(x.unsqueeze(0), (1, 2, 2)), F.adaptive_avg_pool3d(x.unsqueeze(0), 1),
                           F.adaptive_max_pool3d(x.unsqueeze(0), (1, 2, 2))), (_r(B, 2, 5, 6),), (0,)),
    ('pool_4d_input', lambda x: (F.max_pool2d(x, 2, ceil_mode=True), F.avg_pool2d(x, 3, padding=1,
                                                                                  count_include_pad=False)),
     (_r(B, 2, 3, 5, 5),), (0,)),
    ('norms', lambda x, w, b, rm, rv: (F.batch_norm(x, rm, rv, w, b), F.batch_norm(x, None, None, w, b, training=True),
                                       F.group_norm(x, 2, w, b), F.group_norm(x, 1), F.layer_norm(x, (4,), w, b),
                                       F.instance_norm(x), F.layer_norm(x, (4, 4, 4))),
     (_r(B, 3, 4, 4, 4), _r(B, 4), _r(B, 4), _r(4).abs(), _r(4).abs() + 1), (0, 0, 0, None, None)),
    ('norms_batched_stats', lambda x, rm, rv: F.batch_norm(x, rm, rv, training=False),
     (_r(B, 2, 3, 5), _r(B, 3), _r(B, 3).abs() + 0.5), (0, 0, 0)),
    ('embedding', lambda i, w: (F.embedding(i, TABLE), F.embedding(i, w), F.embedding(i, TABLE, padding_idx=2),
                                F.embedding(i[0], w, scale_grad_by_freq=True)),
     (_i(6, B, 2, 3), _r(B, 6, 3)), (0, 0)),
    ('losses', lambda x, t, p: (F.nll_loss(x, t), F.nll_loss(x, t, reduction='sum'), F.nll_loss(x, t, CLASS_W),
                                F.nll_loss(x, t, CLASS_W, ignore_index=1, reduction='none'),
                                F.nll_loss(x[0], t[0]), F.nll_loss(x, t, ignore_index=0),
                                F.binary_cross_entropy(p, p.flip(0)), F.binary_cross_entropy(p, p * 0.5, CLASS_W[:3],
                                                                                             reduction='sum')),
     (_r(B, 3, 4), _i(4, B, 3), _r(B, 3).sigmoid()), (0, 0, 0)),
    ('pad_shuffle_sdpa', lambda x, q: (F.pad(x, (1, 2, 0, 1), value=0.5), F.pixel_shuffle(x, 2),
                                      F.pixel_unshuffle(x[:1], 2), F.channel_shuffle(x.unsqueeze(0), 2),
                                      F.scaled_dot_product_attention(q, q.flip(-1), q.cos()),
                                      F.scaled_dot_product_attention(q, q, q, scale=0.3)),
     (_r(B, 4, 4, 4), _r(B, 2, 3, 4)), (0, 0)),
    ('scatter_index', lambda x, i, s: (x.scatter(1, i, s), x.scatter(0, i, 1.5), x.scatter_add(1, i, s),
                                       x.scatter_reduce(1, i, s, 'amax'), x.scatter_reduce(0, i, s, 'mean',
                                                                                          include_self=False),
                                       x.index_add(1, ember.tensor([0, 2]), s[:, :2], alpha=2.0),
                                       x.index_copy(0, ember.tensor([2, 0]), s[:2, :4])),
     (_r(B, 3, 4), _i(3, B, 3, 2), _r(B, 3, 4)), (0, 0, 0)),
    ('masked_roll_prod', lambda x, v: (x.masked_fill(x > 0, v), x.roll(1, 0), x.roll((1, -1), (0, 1)), x.roll(2),
                                      x.prod(), x.prod(1, keepdim=True), ember.prod(x, 0), x.trace(),
                                      ember.diag_embed(x), ember.diag(x[0]), x.rot90(1, (0, 1)), F.glu(x, 1)),
     (_r(B, 4, 4), _r(B)), (0, 0)),
    ('fft_complex', lambda x: (ember.fft.rfft(x), ember.fft.fft(x, dim=0), ember.fft.irfft(ember.fft.rfft(x)),
                               ember.fft.fft2(x).abs(), ember.view_as_real(ember.fft.fft(x)),
                               ember.view_as_complex(x[..., :2].contiguous()).angle(),
                               ember.special.polygamma(1, x.abs() + 1), ember.special.zeta(x.abs() + 2, 1.0),
                               ember.special.gammainc(x.abs() + 1, x.abs())),
     (_r(B, 3, 4),), (0,)),
    ('matrix', lambda a, b: (ember.linalg.solve(a, b), ember.linalg.cholesky(a), ember.linalg.eigh(a)[0],
                             ember.linalg.qr(a)[1].abs(), ember.linalg.svdvals(a),
                             ember.linalg.solve_triangular(a.triu(), b, upper=True)),
     (SPD, _r(B, 3, 2)), (0, 0)),
]


def _put(x, key, value, accumulate=False):
    y = x.clone()
    y.index_put_(key, value, accumulate=accumulate)
    return y


def _setitem(x, key, value):
    y = x.clone()
    y[key] = value
    return y


CASES += [
    ('class_losses', lambda x, t, p, img, seg: (
        F.cross_entropy(x, t, CLASS_W), F.cross_entropy(x, t, label_smoothing=0.2),
        F.cross_entropy(x, t, CLASS_W, ignore_index=2, label_smoothing=0.1, reduction='sum'),
        F.cross_entropy(x, t, reduction='none', ignore_index=0), F.cross_entropy(x[0], t[0], label_smoothing=0.3),
        F.cross_entropy(x, p), F.cross_entropy(x, p, CLASS_W, reduction='sum', label_smoothing=0.1),
        F.cross_entropy(x, p, reduction='none'), F.cross_entropy(img, seg), F.cross_entropy(img, seg, reduction='none'),
        F.nll_loss(img, seg, CLASS_W[:3], ignore_index=1), F.nll_loss(img[:, :, 0], seg[:, 0], reduction='none'),
        F.cross_entropy(img[:, :, 0], seg[:, 0], reduction='sum')),
     (_r(B, 3, 4), _i(4, B, 3), _r(B, 3, 4).softmax(-1), _r(B, 2, 3, 2, 3), _i(3, B, 2, 2, 3)), (0, 0, 0, 0, 0)),
    ('rnn_prelu_fold_unpool', lambda x, img: (
        LSTM(x)[0], GRU(x)[0], GRU(x[0])[1], F.prelu(img, ember.tensor([0.2, -0.5], dtype=ember.float64)),
        F.prelu(img[0], ember.tensor([0.3], dtype=ember.float64)), F.unfold(img, 2, padding=1), F.unfold(img[0], 3),
        F.fold(F.unfold(img, 2), (4, 4), 2), F.fold(F.unfold(img[0], 2), (4, 4), 2),
        F.max_unpool2d(*F.max_pool2d(img, 2, return_indices=True), 2)),
     (_r(B, 2, 5, 3), _r(B, 1, 2, 4, 4)), (0, 0)),
    ('plain_keys', lambda x, v: (x[ember.tensor([2, 0])], x[:, [1, 0, 1]], x[[0, 1], [2, 3]],
                                 x.unsqueeze(1).expand(3, 2, 4)[[0, 2], :, [1, 0]],
                                 x[0, [1, 1]], x[..., [3]], x[MASK], x[1:, None, [0, 2]],
                                 _setitem(x, (0,), v[0]), _setitem(x, (slice(None), [1, 2]), v[:, 1:3]),
                                 _put(x, (ember.tensor([0, 0]), ember.tensor([1, 1])), v[0, :2], accumulate=True),
                                 _put(x, (ember.tensor([2]),), ember.tensor(7.0, dtype=ember.float64)),
                                 x.clone().fill_(1.5), x.clone().zero_() + x, x.clone().copy_(v),
                                 x.clone().copy_(v[0]), x.clone().copy_(TABLE[0, 0])),
     (_r(B, 3, 4), _r(B, 3, 4)), (0, 0)),
]


CASES += [
    ('margin_complex_lu', lambda x, t, a, b: (
        F.multi_margin_loss(x, t), F.multi_margin_loss(x, t, p=2, margin=0.5, weight=CLASS_W, reduction='none'),
        F.multi_margin_loss(x[0], t[0], reduction='sum'),
        F.multilabel_margin_loss(x, ember.tensor([[3, 0, -1, 1], [1, 2, 0, 3], [-1, 0, 0, 0]])),
        ember.complex(x, x.flip(0)).abs(), ember.vdot(x[0], x[1]), ember.take_along_dim(x, t.unsqueeze(1), 1),
        *ember.linalg.lu_factor(a), ember.linalg.ldl_solve(*ember.linalg.ldl_factor(a), b)),
     (_r(B, 3, 4), _i(4, B, 3), SPD, _r(B, 3, 2)), (0, 0, 0, 0)),
]


CASES += [
    ('sort_topk_argmax', lambda x: (x.sort()[0], x.sort(0, descending=True)[1], x.argsort(1), x.topk(2)[0],
                                    x.topk(2, dim=0, largest=False)[1], x.argmax(), x.argmax(1, keepdim=True),
                                    x.argmin(0), x.argmin(keepdim=True), ember.sort(x, stable=True).values[:, 0],
                                    x.msort(), F.embedding(x.argmax(-1), TABLE, sparse=True)),
     (_r(B, 3, 5),), (0,)),
]


CASES += [
    ('embedding_bag', lambda w, psw: (F.embedding_bag(ember.tensor([1, 2, 4, 5, 4, 3]), w, ember.tensor([0, 4, 4])),
                                      F.embedding_bag(ember.tensor([[1, 2], [0, 5]]), w, mode='mean'),
                                      F.embedding_bag(ember.tensor([1, 2, 4]), w, ember.tensor([0, 1]),
                                                      per_sample_weights=psw, mode='sum')),
     (_r(B, 6, 3), _r(B, 3)), (0, 0)),
]


def _element(inputs, dims, i):
    return [x if d is None else x.select(d, i) for x, d in zip(inputs, dims)]


def _loop(fn, inputs, dims, n):
    results = [fn(*_element(inputs, dims, i)) for i in range(n)]
    if not isinstance(results[0], tuple):
        results = [(r,) for r in results]
    return [ember.stack([r[k] for r in results]) for k in range(len(results[0]))]


def _batched_only(fn, inputs, in_dims, out_dims=0):
    """vmap(fn) with every op on a batching rule (a looped op warns, and warnings are errors here)."""
    calls = []
    ember.func._set_vmap_fallback_warning_enabled(True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('error')
            got = vmap(lambda *a: calls.append(1) or fn(*a), in_dims=in_dims, out_dims=out_dims)(*inputs)
    finally:
        ember.func._set_vmap_fallback_warning_enabled(False)
    assert len(calls) == 1
    return list(got) if isinstance(got, tuple) else [got]


def _close(got, want, name):
    assert len(got) == len(want)
    for k, (g, w) in enumerate(zip(got, want)):
        assert tuple(g.shape) == tuple(w.shape), (name, k, g.shape, w.shape)
        np.testing.assert_allclose(g.detach().numpy(), w.detach().numpy(), rtol=1e-10, atol=1e-10,
                                   err_msg=f"{name}[{k}]")


@pytest.mark.parametrize('name, fn, inputs, in_dims', CASES, ids=[c[0] for c in CASES])
def test_rule_matches_the_loop(name, fn, inputs, in_dims):
    _close(_batched_only(fn, inputs, in_dims), _loop(fn, inputs, in_dims, B), name)


@pytest.mark.parametrize('name, fn, inputs, in_dims', CASES, ids=[c[0] for c in CASES])
def test_rule_with_the_batch_last_and_out_dims(name, fn, inputs, in_dims):
    moved = [x if d is None else x.movedim(0, -1) for x, d in zip(inputs, in_dims)]
    dims = tuple(None if d is None else -1 for d in in_dims)
    got = _batched_only(fn, moved, dims, out_dims=-1)
    _close([g.movedim(-1, 0) for g in got], _loop(fn, inputs, in_dims, B), name)


@pytest.mark.parametrize('name, fn, inputs, in_dims', CASES, ids=[c[0] for c in CASES])
def test_rule_under_nested_vmap(name, fn, inputs, in_dims):
    split = [x if d is None else x.reshape((2, B // 2) + tuple(x.shape[1:])) for x, d in zip(inputs, in_dims)]
    inner = vmap(fn, in_dims=in_dims)
    got = _batched_only(inner, split, in_dims)
    _close([g.reshape((B,) + tuple(g.shape[2:])) for g in got], _loop(fn, inputs, in_dims, B), name)


def test_batch_norm_training_with_shared_running_stats_is_pytorchs_error():
    bn = ember.nn.BatchNorm2d(3).double()
    before = bn.running_mean.clone()
    with pytest.raises(RuntimeError, match=r"^Batch norm got a batched tensor as input while the running_mean or "
                                           r"running_var, which will be updated in place, were not batched\.\nIf you "
                                           r"are using a module and do not need eval mode, please set "
                                           r"`track_running_stats` to be False\.If you are using a prebuilt module"):
        vmap(bn)(_r(B, 2, 3, 4, 4))
    assert (bn.running_mean == before).all()
    bn.eval()
    want = bn(_r(B, 2, 3, 4, 4).reshape(8, 3, 4, 4)).reshape(B, 2, 3, 4, 4)
    np.testing.assert_allclose(vmap(bn)(_r(B, 2, 3, 4, 4)).detach().numpy(), want.detach().numpy(), rtol=1e-12)


def test_embedding_index_out_of_range_inside_vmap():
    with pytest.raises(IndexError, match=r"^index out of range in self$"):
        vmap(F.embedding)(ember.tensor([[0, 6]]), _r(1, 6, 3))


GRAD_CASES = [
    ('conv_pool_norm', lambda w, x: F.max_pool2d(F.group_norm(F.conv2d(x, w, padding=1), 1), 2).tanh().sum(),
     (_r(3, 2, 3, 3, seed=8), _r(B, 1, 2, 4, 4))),
    ('conv_transpose_avg_pool', lambda w, x: F.avg_pool2d(F.conv_transpose2d(x, w, stride=2), 2).sin().sum(),
     (_r(2, 3, 2, 2, seed=9), _r(B, 1, 2, 3, 3))),
    ('embedding_nll', lambda w, i: F.nll_loss(F.log_softmax(F.embedding(i, w).sum(1), -1), i[:, 0], CLASS_W),
     (_r(6, 4, seed=10), _i(4, B, 3, 2))),
    ('batch_norm_affine_bce', lambda w, x: F.binary_cross_entropy(
        F.batch_norm(x, None, None, w, None, training=True).sigmoid(), x.sigmoid().detach()),
     (_r(3, seed=11), _r(B, 2, 3, 4))),
    ('lstm_cross_entropy_smoothed', lambda w, x: F.cross_entropy(LSTM(x)[0][:, -1] @ w, ember.tensor([1, 3]), CLASS_W,
                                                                 label_smoothing=0.1),
     (_r(4, 4, seed=12), _r(B, 2, 5, 3))),
    ('setitem_prelu_soft_targets', lambda w, x: F.cross_entropy(
        F.prelu(_setitem(x, (slice(None), [0, 2]), x[:, [1, 1]] * 2), w).sum(-1), x[:, :, 0].softmax(-1)),
     (_r(3, seed=13), _r(B, 2, 3, 4))),
]


@pytest.mark.parametrize('name, f, inputs', GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_per_sample_gradients_match_the_loop(name, f, inputs):
    w, xs = inputs
    got = vmap(grad(f), in_dims=(None, 0))(w, xs)
    want = ember.stack([grad(f)(w, xs[i]) for i in range(B)])
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize('name, f, inputs', GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_gradient_through_batched_weights_matches_the_loop(name, f, inputs):
    """Ensembles: each element its own weights, the gradient of the sum reaching each copy."""
    w0, xs = inputs
    ws = ember.stack([w0 * (1 + 0.1 * k) for k in range(B)]).requires_grad_()
    vmap(f)(ws, xs).sum().backward()
    loop_ws = ws.detach().clone().requires_grad_()
    sum(f(loop_ws[k], xs[k]) for k in range(B)).backward()
    np.testing.assert_allclose(ws.grad.numpy(), loop_ws.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_randomness_modes_through_the_rules():
    """Dropout between batched convolution and pooling: 'same' draws one mask for every element (and
    runs once), 'different' one per element, 'error' refuses, as PyTorch's vmap does."""
    def net(img):
        return F.max_pool2d(F.dropout(F.conv2d(img, W2, padding=1), 0.5), 2)
    imgs = _r(1, 1, 2, 5, 5).expand(B, 1, 2, 5, 5)
    calls = []
    ember.manual_seed(0)
    same = vmap(lambda x: calls.append(1) or net(x), randomness='same')(imgs)
    assert calls == [1]
    assert (same == same[0]).all() and not (same == 0).all()
    ember.manual_seed(0)
    np.testing.assert_allclose(same[2].numpy(), net(imgs[2]).numpy(), rtol=1e-12)   # the first draw, as unbatched
    different = vmap(net, randomness='different')(imgs)
    assert not (different == different[0]).all()
    with pytest.raises(RuntimeError, match=r"^vmap: called random operation while in randomness error mode\."):
        vmap(net)(imgs)


def test_mixed_dtypes_with_batched_zero_dim_tensors_promote_as_the_loop():
    f32 = ember.arange(4, dtype=ember.float32) * 0.1
    i64 = ember.arange(4)
    vec64 = _r(3)
    for fn, args in [(lambda a, b: a * (b + 1), (f32, i64)), (lambda a: a * vec64, (f32,)),
                     (lambda a: a * vec64.float(), (_r(4),))]:
        got = vmap(fn)(*args)
        want = ember.stack([fn(*[a[i] for a in args]) for i in range(4)])
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got.numpy(), want.numpy())


@pytest.mark.parametrize('loss', [F.binary_cross_entropy_with_logits, F.soft_margin_loss, F.smooth_l1_loss,
                                  lambda a, b: F.binary_cross_entropy_with_logits(a, b, weight=b[0],
                                                                                  pos_weight=b[1] + 1, reduction='sum'),
                                  lambda a, b: F.huber_loss(a, b, reduction='none', delta=0.3)])
def test_reducing_losses_reduce_each_element_alone(loss):
    """Losses whose inputs broadcast like an elementwise op's still reduce per element (a whole-batch
    mean gave per-sample gradients scaled by the batch size)."""
    w, xs, ts = _r(4, 3, seed=14), _r(B, 2, 4, seed=15), _r(B, 2, 3, seed=16).sigmoid()

    def f(w, x, t):
        return loss(x @ w, t).sum()
    got = vmap(grad(f), in_dims=(None, 0, 0))(w, xs, ts)
    want = ember.stack([grad(f)(w, xs[i], ts[i]) for i in range(B)])
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-12, atol=1e-14)
    loop = ember.stack([loss(xs[i] @ w, ts[i]) for i in range(B)])
    np.testing.assert_allclose(vmap(loss)(xs @ w, ts).numpy(), loop.numpy(), rtol=1e-12)
