"""Rows for ember/ops/linear_cross_entropy.py (gradcheck and gradgradcheck in float64), with a NumPy
reference; values against PyTorch's are in tests/test_torch_nn_natives.py."""
import numpy as np

from ember.nn import LinearCrossEntropyOptions
from ember.ops.linear_cross_entropy import linear_cross_entropy
from tests.opinfo import OpInfo, Sample


def _ref(x, w, t, linear_bias=None, weight=None, reduction='mean', ignore_index=None, options=None):
    logits = x @ w.T + (0 if linear_bias is None else linear_bias)
    logp = logits - np.log(np.exp(logits - logits.max(-1, keepdims=True)).sum(-1, keepdims=True)) \
        - logits.max(-1, keepdims=True)
    ignore = -100 if ignore_index is None else ignore_index
    keep = t != ignore
    safe = np.where(keep, t, 0)
    cw = np.ones(w.shape[0]) if weight is None else weight
    losses = -np.take_along_axis(logp, safe[:, None], 1)[:, 0] * cw[safe] * keep
    if reduction == 'none':
        return losses
    if reduction == 'sum':
        return losses.sum()
    return losses.sum() / (cw[safe] * keep).sum()


def _samples(rng):
    r = rng.standard_normal
    t = np.array([0, 4, 2, 1])
    return [Sample(r((4, 3)), r((5, 3)), t),
            Sample(r((4, 3)), r((5, 3)), t, linear_bias=r((5,)), reduction='sum'),
            Sample(r((4, 3)), r((5, 3)), np.array([0, 4, -100, 1]), reduction='none'),
            Sample(r((4, 3)), r((5, 3)), t, ignore_index=2, options=LinearCrossEntropyOptions(batch_chunk_size=3))]


OPS = [OpInfo('linear_cross_entropy', linear_cross_entropy, _samples, ref=_ref, atol=1e-4)]
