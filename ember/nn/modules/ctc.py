"""CTCLoss: the connectionist temporal classification loss as a module (math in ember/ops/ctc.py)."""
from ember.nn import functional as F
from ember.nn.modules.loss import _Loss

__all__ = ['CTCLoss']


class CTCLoss(_Loss):
    """CTC loss of label sequences under per-frame class log-probabilities.

    Call with ``(log_probs, targets, input_lengths, target_lengths)``; ``log_probs`` is (T, N, C)
    from ``log_softmax``, ``targets`` (N, S) padded or concatenated, ``blank`` the blank class.

    >>> CTCLoss(blank=0, zero_infinity=True)
    CTCLoss()
    """
    __constants__ = ['blank', 'reduction']

    def __init__(self, blank=0, reduction='mean', zero_infinity=False):
        super().__init__(reduction=reduction)
        self.blank = blank
        self.zero_infinity = zero_infinity

    def forward(self, log_probs, targets, input_lengths, target_lengths):
        return F.ctc_loss(log_probs, targets, input_lengths, target_lengths, self.blank, self.reduction,
                          self.zero_infinity)
