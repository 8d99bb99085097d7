"""Rows for ember/ops/ctc.py. PyTorch's CTC gradient is the gradient with respect to the logits
behind ``log_softmax`` (not a derivative of the loss in ``log_probs`` alone), so the row checks
``ctc_loss(log_softmax(x))`` in ``x``; like PyTorch's, the CTC backward is not differentiable
again (no gradgradcheck). Values against PyTorch's are in tests/nn/test_ctc_loss.py."""
import numpy as np

import ember.nn.functional as F
from ember.ops.activation import log_softmax
from ember.ops.ctc import ctc_loss
from tests.opinfo import OpInfo, Sample


def _on_logits(x, targets, input_lengths, target_lengths, **kwargs):
    return ctc_loss(log_softmax(x, 2), targets, input_lengths, target_lengths, **kwargs)


def _samples(rng):
    targets = np.array([[1, 1, 2], [3, 1, 0]])
    return [Sample(rng.standard_normal((6, 2, 4)), targets, [6, 5], [3, 2]),
            Sample(rng.standard_normal((5, 2, 4)), targets, [5, 4], [3, 2], reduction='sum', blank=0),
            Sample(rng.standard_normal((4, 2, 3)), np.array([1, 2, 2]), [4, 3], [2, 1], reduction='none')]


OPS = [OpInfo('ctc_loss', _on_logits, _samples, gradgrad=False, called=F.ctc_loss)]
