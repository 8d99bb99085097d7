"""Steps shared by the detectors' forwards (RetinaNet, FCOS, SSD; the R-CNN family for its input checks):
input checks and transform, backbone and head, anchor matching, and the flattening of per-level head
outputs."""
from collections import OrderedDict

import ember
from ember.vision.ops import boxes as box_ops


def transform_inputs(model, images, targets, shape_detail=True, type_detail=True):
    """Checks ``images``/``targets`` as torchvision's detectors do, runs ``model.transform`` and returns
    ``(image_list, targets, original_image_sizes)``.

    torchvision's detectors word two of the errors differently: ``shape_detail`` / ``type_detail`` add the
    offending shape / type to the message, as the detector being imitated does.
    """
    if model.training:
        if targets is None:
            raise AssertionError("targets should not be none when in training mode")
        for target in targets:
            boxes = target["boxes"]
            if not isinstance(boxes, ember.Tensor):
                raise AssertionError("Expected target boxes to be of type Tensor"
                                     + (f", got {type(boxes)}." if type_detail else "."))
            if not (len(boxes.shape) == 2 and boxes.shape[-1] == 4):
                raise AssertionError("Expected target boxes to be a tensor of shape [N, 4]"
                                     + (f", got {boxes.shape}." if shape_detail else "."))
    original_image_sizes = []
    for img in images:
        val = img.shape[-2:]
        if len(val) != 2:
            raise AssertionError(f"expecting the last two dimensions of the Tensor to be H and W instead got "
                                 f"{img.shape[-2:]}")
        original_image_sizes.append((val[0], val[1]))
    images, targets = model.transform(images, targets)
    if targets is not None:
        for target_idx, target in enumerate(targets):
            boxes = target["boxes"]
            degenerate = boxes[:, 2:] <= boxes[:, :2]
            if degenerate.any():
                bb_idx = ember.where(degenerate.any(dim=1))[0][0]
                raise AssertionError("All bounding boxes should have positive height and width. Found invalid "
                                     f"box {boxes[bb_idx].tolist()} for target at index {target_idx}.")
    return images, targets, original_image_sizes


def backbone_features(backbone, tensors):
    """The backbone's feature maps as a list (a single map counts as one level)."""
    features = backbone(tensors)
    if isinstance(features, ember.Tensor):
        features = OrderedDict([("0", features)])
    return list(features.values())


def features_heads_anchors(model, image_list):
    """``(features, head_outputs, anchors)`` of a single-stage detector on the batched images."""
    features = backbone_features(model.backbone, image_list.tensors)
    head_outputs = model.head(features)
    anchors = model.anchor_generator(image_list, features)
    return features, head_outputs, anchors


def unmatched(anchors_per_image):
    """Every anchor of an image without boxes: -1 (background)."""
    return ember.full((anchors_per_image.size(0),), -1, dtype=ember.int64, device=anchors_per_image.device)


def match_anchors(matcher, anchors, targets):
    """Per image, the index of the target box each anchor matches by IoU (negative when none)."""
    matched_idxs = []
    for anchors_per_image, target in zip(anchors, targets):
        if target["boxes"].numel() == 0:
            matched_idxs.append(unmatched(anchors_per_image))
        else:
            matched_idxs.append(matcher(box_ops.box_iou(target["boxes"], anchors_per_image)))
    return matched_idxs


def flatten_levels(outputs, width):
    """Per-level maps ``[N, A * width, H, W]`` as one ``[N, sum(H * W * A), width]``."""
    flat = []
    for out in outputs:
        N, _, H, W = out.shape
        flat.append(out.view(N, -1, width, H, W).permute(0, 3, 4, 1, 2).reshape(N, -1, width))
    return ember.cat(flat, dim=1)
