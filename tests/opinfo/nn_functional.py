"""Rows for ember.nn.functional's layers-as-functions: linear, bilinear, dropout, embedding, one_hot,
pad, interpolate, normalize and the distances."""
import numpy as np

import ember
import ember.nn.functional as F
from tests.opinfo import OpInfo, Sample


def _linear_samples(rng):
    x, w, b = rng.standard_normal((4, 3)), rng.standard_normal((5, 3)), rng.standard_normal(5)
    return [Sample(x, w, b), Sample(x, w), Sample(rng.standard_normal((2, 4, 3)), w, b),
            Sample(rng.standard_normal(3), w, b), Sample(x, w, rng.standard_normal(()))]


def _linear_ref(x, w, b=None):
    y = x @ w.T
    return y if b is None else y + b


def _bilinear_samples(rng):
    w = rng.standard_normal((4, 3, 2))
    return [Sample(rng.standard_normal((5, 3)), rng.standard_normal((5, 2)), w, rng.standard_normal(4)),
            Sample(rng.standard_normal((2, 5, 3)), rng.standard_normal((2, 5, 2)), w)]


def _bilinear_ref(x1, x2, w, b=None):
    y = np.einsum('...i,oij,...j->...o', x1, w, x2)
    return y if b is None else y + b


def _seeded(fn, **kw):
    """A random op made repeatable: the same mask on every call (gradcheck calls it many times)."""
    def op(x, *args):
        ember.manual_seed(7)
        return fn(x, *args, **kw)
    return op


def _dropout_samples(rng):
    return [Sample(rng.standard_normal((4, 5))), Sample(rng.standard_normal((2, 3, 4)))]


def _feature_samples(ndim):
    return lambda rng: [Sample(rng.standard_normal((2, 3) + (3,) * (ndim - 2)))]


def _identity(x, *args):
    return x


def _embedding_samples(rng):
    w = rng.standard_normal((6, 3))
    idx = np.array([[0, 2, 5], [2, 2, 1]])
    return [Sample(idx, w), Sample(np.array(4), w), Sample(np.array([5, 5, 0]), w)]


def _embedding_rule_samples(rng):
    # padding_idx and scale_grad_by_freq change the gradient by definition (not the derivative), so
    # these rows check values only; tests/nn/test_functional.py checks their gradients against PyTorch's
    w = rng.standard_normal((6, 3))
    idx = np.array([[0, 2, 5], [2, 2, 1]])
    return [Sample(idx, w, padding_idx=2), Sample(idx, w, scale_grad_by_freq=True),
            Sample(idx, w, padding_idx=-1, scale_grad_by_freq=True)]


def _embedding_ref(idx, w, padding_idx=None, scale_grad_by_freq=False):
    return w[idx]


def _bag_samples(rng):
    w = rng.standard_normal((6, 3))
    idx = np.array([0, 2, 5, 2, 2, 1, 4])
    off = np.array([0, 3, 3, 5])
    return [Sample(idx, w, off), Sample(idx, w, off, mode='sum', padding_idx=2), Sample(idx, w, off, mode='max'),
            Sample(idx.reshape(1, 7), w, mode='max'), Sample(idx, w, off, mode='sum', per_sample_weights=rng.uniform(0.5, 2, 7)),
            Sample(idx[:6].reshape(2, 3), w, mode='mean')]


def _bag_ref(idx, w, off=None, mode='mean', padding_idx=None, per_sample_weights=None):
    if idx.ndim == 2:
        bags = [list(r) for r in idx]
        weights = None
    else:
        ends = list(off[1:]) + [len(idx)]
        bags = [list(idx[s:e]) for s, e in zip(off, ends)]
        weights = None if per_sample_weights is None else \
            [list(per_sample_weights[s:e]) for s, e in zip(off, ends)]
    out = []
    for k, bag in enumerate(bags):
        rows = [w[i] * (weights[k][j] if weights else 1) for j, i in enumerate(bag) if i != padding_idx]
        if not rows:
            out.append(np.zeros(w.shape[1]))
        elif mode == 'sum':
            out.append(np.sum(rows, 0))
        elif mode == 'mean':
            out.append(np.mean(rows, 0))
        else:
            out.append(np.max(rows, 0))
    return np.array(out)


def _pad_samples(rng):
    x4 = rng.standard_normal((1, 2, 3, 4))
    x3 = rng.standard_normal((2, 2, 4))
    return [Sample(x4, (1, 2)), Sample(x4, (1, 0, -1, 2), value=1.5), Sample(x4, (0, 1, 2, 0, 1, 1, 0, 1)),
            Sample(x4, (2, 1, 1, 2), mode='reflect'), Sample(x4, (2, 1, 1, 2), mode='replicate'),
            Sample(x4, (2, 1, 1, 2), mode='circular'), Sample(x3, (3, 3), mode='reflect'),
            Sample(x3, (4, 2), mode='circular'), Sample(x3, (5, 1), mode='replicate'),
            Sample(rng.standard_normal((1, 1, 2, 3, 3)), (1, 1, 1, 1, 1, 1), mode='reflect')]


def _np_pad(x, pad, mode='constant', value=0.0):
    widths = [(0, 0)] * x.ndim
    for i in range(len(pad) // 2):
        widths[x.ndim - 1 - i] = (pad[2 * i], pad[2 * i + 1])
    if mode == 'constant':
        crop = tuple(slice(max(-b, 0), x.shape[d] - max(-a, 0)) for d, (b, a) in enumerate(widths))
        return np.pad(x[crop], [(max(b, 0), max(a, 0)) for b, a in widths], constant_values=value)
    return np.pad(x, widths, mode={'reflect': 'reflect', 'replicate': 'edge', 'circular': 'wrap'}[mode])


def _interp_samples(rng):
    x4 = rng.standard_normal((1, 2, 3, 4))
    return [Sample(x4, scale_factor=2), Sample(x4, size=(5, 3)), Sample(x4, size=(4, 7), mode='bilinear'),
            Sample(x4, scale_factor=1.5, mode='bilinear', align_corners=True),
            Sample(x4, size=(2, 6), mode='bicubic'), Sample(x4, size=(2, 3), mode='area'),
            Sample(x4, size=(5, 5), mode='nearest-exact'),
            Sample(rng.standard_normal((2, 3, 4)), scale_factor=2.5, mode='linear'),
            Sample(rng.standard_normal((1, 1, 2, 3, 2)), size=(3, 4, 3), mode='trilinear', align_corners=True),
            Sample(x4, size=(2, 5), mode='bilinear', antialias=True),
            Sample(x4, scale_factor=0.6, mode='bicubic', antialias=True),
            Sample(x4, size=(4, 3), mode='lanczos', antialias=True)]


def _distance_samples(rng):
    return [Sample(rng.standard_normal((4, 3)), rng.standard_normal((4, 3))),
            Sample(rng.standard_normal((4, 3)), rng.standard_normal((1, 3))),
            Sample(rng.standard_normal((2, 4, 3)), rng.standard_normal((2, 4, 3)), dim=-1)]


def _cos_ref(a, b, dim=1):
    a, b = np.broadcast_arrays(a, b)
    return (a * b).sum(dim) / np.linalg.norm(a, axis=dim) / np.linalg.norm(b, axis=dim)


def _pairwise_samples(rng):
    return [Sample(rng.standard_normal((4, 3)), rng.standard_normal((4, 3))),
            Sample(rng.standard_normal((4, 3)), rng.standard_normal((4, 3)), p=1.5, keepdim=True),
            Sample(rng.standard_normal(5), rng.standard_normal(5))]


def _pairwise_ref(a, b, p=2.0, eps=1e-6, keepdim=False):
    return (np.abs(a - b + eps) ** p).sum(-1, keepdims=keepdim) ** (1 / p)


def _pdist_ref(x, p=2):
    i, j = np.triu_indices(x.shape[0], 1)
    return (np.abs(x[i] - x[j]) ** p).sum(1) ** (1 / p)


def _normalize_ref(x, p=2.0, dim=1, eps=1e-12):
    return x / np.maximum((np.abs(x) ** p).sum(dim, keepdims=True) ** (1 / p), eps)


def _pixel_shuffle_ref(x, r):
    *lead, c, h, w = x.shape
    n = len(lead)
    y = x.reshape(*lead, c // (r * r), r, r, h, w).transpose(*range(n), n, n + 3, n + 1, n + 4, n + 2)
    return y.reshape(*lead, c // (r * r), h * r, w * r)


def _channel_shuffle_ref(x, g):
    n, c = x.shape[:2]
    return x.reshape(n, g, c // g, *x.shape[2:]).swapaxes(1, 2).reshape(x.shape)


OPS = [
    OpInfo('linear', F.linear, _linear_samples, ref=_linear_ref),
    OpInfo('bilinear', F.bilinear, _bilinear_samples, ref=_bilinear_ref),
    OpInfo('dropout', _seeded(F.dropout, p=0.4), _dropout_samples),
    # not training: the input itself comes back (as in PyTorch), so there is no graph to check
    OpInfo('dropout', lambda x: F.dropout(x, 0.4, training=False), _dropout_samples, ref=_identity, grad=False),
    OpInfo('dropout', lambda x: F.dropout(x, 1.0), _dropout_samples, ref=lambda x: x * 0),
    OpInfo('dropout1d', _seeded(F.dropout1d, p=0.5), _feature_samples(3)),
    OpInfo('dropout2d', _seeded(F.dropout2d, p=0.5), _feature_samples(4)),
    OpInfo('dropout3d', _seeded(F.dropout3d, p=0.5), _feature_samples(5)),
    OpInfo('alpha_dropout', _seeded(F.alpha_dropout, p=0.3, training=True), _dropout_samples),
    OpInfo('alpha_dropout', F.alpha_dropout, _dropout_samples, ref=_identity, grad=False),
    OpInfo('feature_alpha_dropout', _seeded(F.feature_alpha_dropout, p=0.3, training=True), _feature_samples(4)),
    OpInfo('embedding', F.embedding, _embedding_samples, ref=_embedding_ref),
    OpInfo('embedding', F.embedding, _embedding_rule_samples, ref=_embedding_ref, grad=False),
    OpInfo('embedding_bag', F.embedding_bag, _bag_samples, ref=_bag_ref),
    OpInfo('one_hot', F.one_hot, lambda rng: [Sample(np.array([0, 3, 1])), Sample(np.array([[2], [0]]), 4)],
           ref=lambda t, n=-1: np.eye(t.max() + 1 if n < 0 else n, dtype=np.int64)[t], grad=False),
    OpInfo('pad', F.pad, _pad_samples, ref=_np_pad),
    OpInfo('interpolate', F.interpolate, _interp_samples,
           aliases=('upsample', 'upsample_nearest', 'upsample_bilinear')),
    OpInfo('normalize', F.normalize, lambda rng: [Sample(rng.standard_normal((3, 4))),
                                                  Sample(rng.standard_normal((3, 4)), 1.0, 0)],
           ref=_normalize_ref),
    OpInfo('cosine_similarity', F.cosine_similarity, _distance_samples, ref=_cos_ref),
    OpInfo('pairwise_distance', F.pairwise_distance, _pairwise_samples, ref=_pairwise_ref),
    # (no second order: PyTorch's _pdist_backward has no derivative)
    OpInfo('pdist', F.pdist, lambda rng: [Sample(rng.standard_normal((4, 3))), Sample(rng.standard_normal((5, 2)), 1.5)],
           ref=_pdist_ref, gradgrad=False),
    OpInfo('pixel_shuffle', F.pixel_shuffle, lambda rng: [Sample(rng.standard_normal((2, 8, 2, 3)), 2),
                                                          Sample(rng.standard_normal((9, 1, 2)), 3)],
           ref=_pixel_shuffle_ref),
    OpInfo('pixel_unshuffle', F.pixel_unshuffle, lambda rng: [Sample(rng.standard_normal((2, 2, 4, 6)), 2)],
           ref=lambda x, r: _pixel_shuffle_ref(x, 1) if r == 1 else
           x.reshape(2, 2, 2, r, 3, r).transpose(0, 1, 3, 5, 2, 4).reshape(2, 8, 2, 3)),
    OpInfo('channel_shuffle', F.channel_shuffle, lambda rng: [Sample(rng.standard_normal((2, 6, 2, 2)), 3),
                                                              Sample(rng.standard_normal((1, 4, 3)), 2)],
           ref=_channel_shuffle_ref),
    OpInfo('gumbel_softmax', _seeded(F.gumbel_softmax, tau=0.7), lambda rng: [Sample(rng.standard_normal((3, 5)))]),
    # hard samples: one-hot values, the soft sample's gradient (straight-through), so no finite differences
    OpInfo('gumbel_softmax', _seeded(F.gumbel_softmax, hard=True), lambda rng: [Sample(rng.standard_normal((3, 5)))],
           grad=False),
]
