"""Rows for ember/ops/loss.py (gradcheck and gradgradcheck in float64, small shapes)."""
import numpy as np

import ember
import ember.ops.loss as L
from tests.opinfo import Const, OpInfo, Sample, positive


def _log_softmax(x, axis=1):
    s = x - x.max(axis=axis, keepdims=True)
    return s - np.log(np.exp(s).sum(axis=axis, keepdims=True))


def _ref_nll(x, t, reduction='mean'):
    picked = -np.take_along_axis(x, t[:, None], 1)[:, 0]
    return {'mean': picked.mean(), 'sum': picked.sum(), 'none': picked}[reduction]


def _ref_ce(x, t, reduction='mean'):
    return _ref_nll(_log_softmax(x), t, reduction)


def _pair(rng, shape=(2, 3)):
    return rng.standard_normal(shape), rng.standard_normal(shape)


def _regression(rng):
    x, y = _pair(rng)
    return [Sample(x, y), Sample(x, y, reduction='sum'), Sample(x, y, reduction='none'),
            Sample(x, rng.standard_normal((1, 3)) * np.ones((2, 1)))]


def _ce(rng):
    t = np.array([0, 2])
    return [Sample(rng.standard_normal((2, 3)), t),
            Sample(rng.standard_normal((2, 3)), np.array([1, -100]), weight=Const(positive(rng, 3)), reduction='sum'),
            Sample(rng.standard_normal((2, 3)), t, label_smoothing=0.2, reduction='none'),
            Sample(rng.standard_normal((2, 3)), np.array([2, 0]), weight=Const(positive(rng, 3)), label_smoothing=0.1),
            Sample(rng.standard_normal((2, 3)), rng.uniform(0.1, 1, (2, 3))),
            Sample(rng.standard_normal((2, 3)), rng.uniform(0.1, 1, (2, 3)), label_smoothing=0.3, reduction='none'),
            Sample(rng.standard_normal((2, 3, 2)), np.array([[0, 1], [2, 0]])),
            Sample(rng.standard_normal(3), np.array(1))]


def _nll(rng):
    return [Sample(rng.standard_normal((2, 3)), np.array([0, 2])),
            Sample(rng.standard_normal((2, 3)), np.array([1, -100]), weight=Const(positive(rng, 3)), reduction='none'),
            Sample(rng.standard_normal((2, 3, 2)), np.array([[0, 1], [2, 0]]), reduction='sum')]


def _bce(rng):
    p = rng.uniform(0.1, 0.9, (2, 3))
    return [Sample(p, rng.uniform(0, 1, (2, 3))),
            Sample(p, rng.uniform(0, 1, (2, 3)), weight=Const(positive(rng, 3)), reduction='none')]


def _bce_logits(rng):
    return [Sample(rng.standard_normal((2, 3)), rng.uniform(0, 1, (2, 3))),
            Sample(rng.standard_normal((2, 3)), rng.uniform(0, 1, (2, 3)), weight=positive(rng, 3),
                   pos_weight=positive(rng, 3), reduction='sum')]


def _signs(rng, shape):
    return np.where(rng.standard_normal(shape) > 0, 1.0, -1.0)


OPS = [
    OpInfo('mse_loss', L.mse_loss, _regression, ref=lambda x, y, reduction='mean': {
        'mean': np.mean, 'sum': np.sum, 'none': lambda a: a}[reduction]((x - y) ** 2)),
    OpInfo('l1_loss', L.l1_loss, _regression),
    OpInfo('smooth_l1_loss', L.smooth_l1_loss,
           lambda rng: [Sample(*_pair(rng), beta=0.5), Sample(*_pair(rng), reduction='none')]),
    OpInfo('huber_loss', L.huber_loss,
           lambda rng: [Sample(*_pair(rng), delta=0.6), Sample(*_pair(rng), reduction='sum')]),
    OpInfo('cross_entropy', L.cross_entropy, _ce),
    OpInfo('cross_entropy_ref', L.cross_entropy, lambda rng: [Sample(rng.standard_normal((3, 4)), np.array([0, 3, 1]))],
           ref=_ref_ce, grad=False),
    OpInfo('nll_loss', L.nll_loss, _nll),
    OpInfo('nll_loss_ref', L.nll_loss, lambda rng: [Sample(rng.standard_normal((3, 4)), np.array([0, 3, 1]))],
           ref=_ref_nll, grad=False),
    OpInfo('binary_cross_entropy', L.binary_cross_entropy, _bce),
    OpInfo('binary_cross_entropy_with_logits', L.binary_cross_entropy_with_logits, _bce_logits,
           called=L.binary_cross_entropy_with_logits),  # (the recorders call F's: torch's defaults to no reduction)
    OpInfo('kl_div', L.kl_div, lambda rng: [
        Sample(rng.standard_normal((2, 3)), rng.uniform(0.1, 1, (2, 3)), reduction='batchmean'),
        Sample(rng.standard_normal((2, 3)), rng.standard_normal((2, 3)), reduction='none', log_target=True)]),
    OpInfo('cosine_embedding_loss', L.cosine_embedding_loss, lambda rng: [
        Sample(rng.standard_normal((3, 4)), rng.standard_normal((3, 4)), np.array([1, -1, -1]), margin=-0.5)],
           called=ember.cosine_embedding_loss),     # (the recorders call torch's, whose reduction is an enum number)
    OpInfo('margin_ranking_loss', L.margin_ranking_loss, lambda rng: [
        Sample(rng.standard_normal(4), rng.standard_normal(4), Const(_signs(rng, 4)), margin=0.1)],
           called=ember.margin_ranking_loss),
    OpInfo('hinge_embedding_loss', L.hinge_embedding_loss, lambda rng: [
        Sample(rng.standard_normal((2, 3)), Const(_signs(rng, (2, 3))), margin=1.5, reduction='none')]),
    OpInfo('soft_margin_loss', L.soft_margin_loss, lambda rng: [
        Sample(rng.standard_normal((2, 3)), Const(_signs(rng, (2, 3))))]),
    OpInfo('multilabel_soft_margin_loss', L.multilabel_soft_margin_loss, lambda rng: [
        Sample(rng.standard_normal((2, 3)), Const(rng.integers(0, 2, (2, 3)).astype(float)),
               weight=Const(positive(rng, 3)))]),
    OpInfo('poisson_nll_loss', L.poisson_nll_loss, lambda rng: [
        Sample(rng.standard_normal((2, 3)), Const(rng.integers(0, 4, (2, 3)).astype(float))),
        Sample(positive(rng, (2, 3)), Const(rng.integers(0, 4, (2, 3)).astype(float)), log_input=False, full=True)]),
    OpInfo('gaussian_nll_loss', L.gaussian_nll_loss, lambda rng: [
        Sample(rng.standard_normal((2, 3)), rng.standard_normal((2, 3)), positive(rng, (2, 3))),
        Sample(rng.standard_normal((2, 3)), rng.standard_normal((2, 3)), positive(rng, 2), full=True)]),
    OpInfo('triplet_margin_loss', L.triplet_margin_loss, lambda rng: [
        Sample(rng.standard_normal((2, 3)), rng.standard_normal((2, 3)), rng.standard_normal((2, 3)), margin=3.0),
        Sample(rng.standard_normal((2, 3)), rng.standard_normal((2, 3)), rng.standard_normal((2, 3)), margin=3.0,
               p=3, swap=True, reduction='none')],
           called=ember.triplet_margin_loss),
    OpInfo('triplet_margin_with_distance_loss', L.triplet_margin_with_distance_loss, lambda rng: [
        Sample(rng.standard_normal((2, 3)), rng.standard_normal((2, 3)), rng.standard_normal((2, 3)), margin=4.0)]),
    # (these two have no second order: PyTorch's backward ops have no derivative, as ember's)
    OpInfo('multi_margin_loss', L.multi_margin_loss, lambda rng: [
        Sample(rng.standard_normal((2, 3)), np.array([0, 2]), margin=2.0),
        Sample(rng.standard_normal((2, 3)), np.array([1, 2]), p=2, margin=2.0, weight=Const(positive(rng, 3)),
               reduction='none')], gradgrad=False),
    OpInfo('multilabel_margin_loss', L.multilabel_margin_loss, lambda rng: [
        Sample(rng.standard_normal((2, 4)), np.array([[3, 0, -1, 1], [1, 1, 2, -1]])),
        Sample(rng.standard_normal(4), np.array([2, -1, 0, 0]), reduction='none')], gradgrad=False),
]
