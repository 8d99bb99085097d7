"""Box regression losses (torchvision.ops.*_box_iou_loss): 1 - (generalized / distance / complete) IoU.

Unlike the pairwise IoU functions these compare ``boxes1[i]`` with ``boxes2[i]`` (same shape ``[..., 4]``).
"""
import ember
from ember.vision.ops.boxes import _aspect_term


def _upcast_non_float(t):
    return t if t.dtype in (ember.float32, ember.float64) else t.float()


def _reduce(loss, reduction):
    if reduction == "none":
        return loss
    if reduction == "mean":
        # NOTE: the mean of no boxes is a zero that keeps the graph, not a NaN
        return loss.mean() if loss.numel() > 0 else 0.0 * loss.sum()
    if reduction == "sum":
        return loss.sum()
    raise ValueError(f"Invalid Value for arg 'reduction': '{reduction} \n Supported reduction modes: 'none', "
                     "'mean', 'sum'")


def _inter_union(boxes1, boxes2):
    x1, y1, x2, y2 = boxes1.unbind(dim=-1)
    x1g, y1g, x2g, y2g = boxes2.unbind(dim=-1)
    w = ember.minimum(x2, x2g) - ember.maximum(x1, x1g)
    h = ember.minimum(y2, y2g) - ember.maximum(y1, y1g)
    inter = ember.where((w > 0) & (h > 0), w * h, ember.zeros_like(x1))
    return inter, (x2 - x1) * (y2 - y1) + (x2g - x1g) * (y2g - y1g) - inter


def _enclosing(boxes1, boxes2):
    x1, y1, x2, y2 = boxes1.unbind(dim=-1)
    x1g, y1g, x2g, y2g = boxes2.unbind(dim=-1)
    return ember.maximum(x2, x2g) - ember.minimum(x1, x1g), ember.maximum(y2, y2g) - ember.minimum(y1, y1g)


def generalized_box_iou_loss(boxes1, boxes2, reduction="none", eps=1e-7):
    """``1 - GIoU(boxes1[i], boxes2[i])``: defined (and with a gradient) even for disjoint boxes."""
    boxes1, boxes2 = _upcast_non_float(boxes1), _upcast_non_float(boxes2)
    inter, union = _inter_union(boxes1, boxes2)
    cw, ch = _enclosing(boxes1, boxes2)
    area_c = cw * ch
    giou = inter / (union + eps) - (area_c - union) / (area_c + eps)
    return _reduce(1 - giou, reduction)


def _diou_loss_and_iou(boxes1, boxes2, eps):
    inter, union = _inter_union(boxes1, boxes2)
    iou = inter / (union + eps)
    cw, ch = _enclosing(boxes1, boxes2)
    diagonal_squared = cw ** 2 + ch ** 2 + eps
    x1, y1, x2, y2 = boxes1.unbind(dim=-1)
    x1g, y1g, x2g, y2g = boxes2.unbind(dim=-1)
    centers_squared = ((x2 + x1) / 2 - (x1g + x2g) / 2) ** 2 + ((y2 + y1) / 2 - (y1g + y2g) / 2) ** 2
    return 1 - iou + centers_squared / diagonal_squared, iou


def distance_box_iou_loss(boxes1, boxes2, reduction="none", eps=1e-7):
    """``1 - DIoU``: IoU loss plus the squared centre distance over the enclosing diagonal squared."""
    boxes1, boxes2 = _upcast_non_float(boxes1), _upcast_non_float(boxes2)
    return _reduce(_diou_loss_and_iou(boxes1, boxes2, eps)[0], reduction)


def complete_box_iou_loss(boxes1, boxes2, reduction="none", eps=1e-7):
    """``1 - CIoU``: the distance IoU loss plus an aspect-ratio consistency term."""
    boxes1, boxes2 = _upcast_non_float(boxes1), _upcast_non_float(boxes2)
    # NOTE: torchvision computes the DIoU part with the default eps whatever eps is given; kept equal
    diou_loss, iou = _diou_loss_and_iou(boxes1, boxes2, 1e-7)
    x1, y1, x2, y2 = boxes1.unbind(dim=-1)
    x1g, y1g, x2g, y2g = boxes2.unbind(dim=-1)
    v = _aspect_term(x2g - x1g, y2g - y1g, x2 - x1, y2 - y1)
    with ember.no_grad():
        alpha = v / (1 - iou + v + eps)
    return _reduce(diou_loss + alpha * v, reduction)
