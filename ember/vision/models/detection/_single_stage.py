"""Steps shared by the detectors' forwards (RetinaNet, FCOS, SSD; the R-CNN family for its input checks):
input checks and transform, backbone and head, anchor matching, the flattening of per-level head outputs,
and the post-processing into detections."""
from collections import OrderedDict

import ember
from ember.vision.models.detection import _utils as det_utils
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


def split_levels(head_outputs, anchors, features):
    """The flat head outputs and anchors cut back into one piece per feature level."""
    num_per_level = [x.size(2) * x.size(3) for x in features]
    A = head_outputs["cls_logits"].size(1) // sum(num_per_level)  # anchors per location
    num_per_level = [hw * A for hw in num_per_level]
    return ({k: list(v.split(num_per_level, dim=1)) for k, v in head_outputs.items()},
            [list(a.split(num_per_level)) for a in anchors])


def keep_best(model, boxes, scores, labels):
    """One image's candidates (lists of pieces): per-class NMS at ``model.nms_thresh``, then the best
    ``model.detections_per_img`` as a detections dict."""
    boxes, scores, labels = ember.cat(boxes, dim=0), ember.cat(scores, dim=0), ember.cat(labels, dim=0)
    keep = box_ops.batched_nms(boxes, scores, labels, model.nms_thresh)[:model.detections_per_img]
    return {"boxes": boxes[keep], "scores": scores[keep], "labels": labels[keep]}


def postprocess_levels(model, head_outputs, anchors, image_shapes, level_scores, decode):
    """Detections of a per-class-sigmoid detector from its per-level outputs: on each level the (anchor,
    class) pairs scoring above ``model.score_thresh``, at most ``model.topk_candidates``, their boxes decoded
    and clipped to the image; then :func:`keep_best` over all levels.

    ``level_scores(outputs)`` gives a level's ``[A, K]`` scores from its outputs (the head's keys, for one
    image); ``decode(deltas, anchors)`` gives boxes.
    """
    detections = []
    for index, image_shape in enumerate(image_shapes):
        image_boxes, image_scores, image_labels = [], [], []
        for level, level_anchors in enumerate(anchors[index]):
            outputs = {k: v[level][index] for k, v in head_outputs.items()}
            num_classes = outputs["cls_logits"].shape[-1]
            scores = level_scores(outputs).flatten()
            keep = scores > model.score_thresh
            scores = scores[keep]
            topk_idxs = ember.where(keep)[0]
            scores, idxs = scores.topk(det_utils._topk_min(topk_idxs, model.topk_candidates, 0))
            topk_idxs = topk_idxs[idxs]
            anchor_idxs = ember.div(topk_idxs, num_classes, rounding_mode="floor")
            boxes = decode(outputs["bbox_regression"][anchor_idxs], level_anchors[anchor_idxs])
            image_boxes.append(box_ops.clip_boxes_to_image(boxes, image_shape))
            image_scores.append(scores)
            image_labels.append(topk_idxs % num_classes)
        detections.append(keep_best(model, image_boxes, image_scores, image_labels))
    return detections


def dense_forward(model, images, targets, loss, **check):
    """RetinaNet's and FCOS's forward: in training ``loss(targets, head_outputs, anchors, features)``, in
    evaluation ``model.postprocess_detections`` on the outputs split by level, mapped back to the original
    image sizes. ``check`` words the input errors (see :func:`transform_inputs`)."""
    images, targets, original_image_sizes = transform_inputs(model, images, targets, **check)
    features, head_outputs, anchors = features_heads_anchors(model, images)
    if model.training:
        return model.eager_outputs(loss(targets, head_outputs, anchors, features), [])
    split_outputs, split_anchors = split_levels(head_outputs, anchors, features)
    detections = model.postprocess_detections(split_outputs, split_anchors, images.image_sizes)
    return model.eager_outputs({}, model.transform.postprocess(detections, images.image_sizes,
                                                               original_image_sizes))
