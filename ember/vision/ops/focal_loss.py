"""sigmoid_focal_loss (torchvision.ops): cross-entropy down-weighted on well-classified examples."""
import ember
from ember.nn import functional as F
from ember.vision.ops.box_losses import _reduce


def sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2, reduction="none"):
    """Focal loss of RetinaNet (Lin et al., 2017) on logits ``inputs`` and 0/1 ``targets`` of the same shape.

    ``alpha`` in [0, 1] weighs positives against negatives (-1 disables it); ``gamma`` sharpens the
    focus on hard examples.
    """
    if not 0 <= alpha <= 1 and alpha != -1:
        raise ValueError(f"Invalid alpha value: {alpha}. alpha must be in the range [0,1] or -1 for ignore.")
    p = ember.sigmoid(inputs)
    ce_loss = F.binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce_loss * (1 - p_t) ** gamma
    if alpha >= 0:
        loss = (alpha * targets + (1 - alpha) * (1 - targets)) * loss
    if reduction == "mean":
        # NOTE: unlike the box losses, the mean of an empty input is NaN here, as in torchvision
        return loss.mean()
    return _reduce(loss, reduction)
