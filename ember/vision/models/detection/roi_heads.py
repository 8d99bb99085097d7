"""RoIHeads: the second stage of the R-CNN detectors (box classification and regression per proposal)."""
import ember
from ember import nn
from ember.nn import functional as F
from ember.vision.models.detection import _utils as det_utils
from ember.vision.ops import boxes as box_ops
from ember.vision.ops.roi_align import roi_align


def fastrcnn_loss(class_logits, box_regression, labels, regression_targets):
    """Cross-entropy over the sampled proposals plus smooth-L1 (beta 1/9) on the positives' true class."""
    labels = ember.cat(labels, dim=0)
    regression_targets = ember.cat(regression_targets, dim=0)
    classification_loss = F.cross_entropy(class_logits, labels)
    pos = ember.where(labels > 0)[0]
    labels_pos = labels[pos]
    N = class_logits.shape[0]
    box_regression = box_regression.reshape(N, box_regression.size(-1) // 4, 4)
    box_loss = F.smooth_l1_loss(box_regression[pos, labels_pos], regression_targets[pos], beta=1 / 9,
                                reduction="sum")
    return classification_loss, box_loss / labels.numel()


def maskrcnn_inference(x, labels):
    """Per image, the sigmoid mask ``[N, 1, M, M]`` of each detection's predicted class, from the mask
    logits ``x`` ``[sum N, classes, M, M]`` and the detections' ``labels`` (one tensor per image)."""
    mask_prob = x.sigmoid()
    boxes_per_image = [label.shape[0] for label in labels]
    labels = ember.cat(labels)
    index = ember.arange(x.shape[0], device=labels.device)
    return mask_prob[index, labels][:, None].split(boxes_per_image, dim=0)


def project_masks_on_boxes(gt_masks, boxes, matched_idxs, M):
    """The ground-truth masks cropped to ``boxes`` and resampled to ``M`` x ``M`` (the mask-loss targets)."""
    matched_idxs = matched_idxs.to(boxes)
    rois = ember.cat([matched_idxs[:, None], boxes], dim=1)
    return roi_align(gt_masks[:, None].to(rois), rois, (M, M), 1.0)[:, 0]


def maskrcnn_loss(mask_logits, proposals, gt_masks, gt_labels, mask_matched_idxs):
    """Binary cross-entropy between each positive proposal's mask logits for its ground-truth class and
    the matched ground-truth mask projected onto the proposal."""
    discretization_size = mask_logits.shape[-1]
    labels = ember.cat([gt_label[idxs] for gt_label, idxs in zip(gt_labels, mask_matched_idxs)], dim=0)
    mask_targets = ember.cat([project_masks_on_boxes(m, p, i, discretization_size)
                              for m, p, i in zip(gt_masks, proposals, mask_matched_idxs)], dim=0)
    if mask_targets.numel() == 0:
        return mask_logits.sum() * 0  # no positive proposal: a zero loss that still reaches the head
    return F.binary_cross_entropy_with_logits(
        mask_logits[ember.arange(labels.shape[0], device=labels.device), labels], mask_targets)


def expand_boxes(boxes, scale):
    """``boxes`` ``[N, 4]`` grown (or shrunk) by ``scale`` about their centres."""
    w_half = (boxes[:, 2] - boxes[:, 0]) * 0.5 * scale
    h_half = (boxes[:, 3] - boxes[:, 1]) * 0.5 * scale
    x_c = (boxes[:, 2] + boxes[:, 0]) * 0.5
    y_c = (boxes[:, 3] + boxes[:, 1]) * 0.5
    return ember.stack((x_c - w_half, y_c - h_half, x_c + w_half, y_c + h_half), dim=1)


def expand_masks(mask, padding):
    """``mask`` ``[..., M, M]`` zero-padded by ``padding`` on each side, and the scale that padding means."""
    M = mask.shape[-1]
    return F.pad(mask, (padding,) * 4), float(M + 2 * padding) / M


def paste_mask_in_image(mask, box, im_h, im_w):
    """One ``[M, M]`` mask resized onto the integer ``box`` of an ``im_h`` x ``im_w`` image (zero elsewhere)."""
    x0, y0, x1, y1 = [int(v) for v in box.tolist()]
    w, h = max(x1 - x0 + 1, 1), max(y1 - y0 + 1, 1)
    mask = F.interpolate(mask.expand((1, 1, -1, -1)), size=(h, w), mode="bilinear", align_corners=False)[0][0]
    im_mask = ember.zeros((im_h, im_w), dtype=mask.dtype, device=mask.device)
    left, right = max(x0, 0), min(x1 + 1, im_w)
    top, bottom = max(y0, 0), min(y1 + 1, im_h)
    if right > left and bottom > top:
        im_mask[top:bottom, left:right] = mask[top - y0:bottom - y0, left - x0:right - x0]
    return im_mask


def paste_masks_in_image(masks, boxes, img_shape, padding=1):
    """Paste the per-detection masks ``[N, 1, M, M]`` into full images of ``img_shape`` (H, W), each onto
    its box: ``[N, 1, H, W]``.

    Args:
        masks (Tensor): mask probabilities ``[N, 1, M, M]``.
        boxes (Tensor): the detections ``[N, 4]`` in ``(x1, y1, x2, y2)`` image coordinates.
        img_shape (Tuple[int, int]): the image height and width.
        padding (int): border added around each mask before resizing, so its edge blends into zeros.

    Returns:
        Tensor: ``[N, 1, H, W]``, zero outside each box.

    Example:
        >>> masks = ember.ones(1, 1, 4, 4)
        >>> out = paste_masks_in_image(masks, ember.tensor([[2.0, 1.0, 5.0, 4.0]]), (6, 8))
        >>> (out[0, 0] > 0.5).int()
        tensor([[0, 0, 0, 0, 0, 0, 0, 0],
                [0, 0, 1, 1, 1, 0, 0, 0],
                [0, 0, 1, 1, 1, 0, 0, 0],
                [0, 0, 1, 1, 1, 0, 0, 0],
                [0, 0, 0, 0, 0, 0, 0, 0],
                [0, 0, 0, 0, 0, 0, 0, 0]], dtype=ember.int32)
    """
    masks, scale = expand_masks(masks, padding=padding)
    boxes = expand_boxes(boxes, scale).to(dtype=ember.int64)
    im_h, im_w = img_shape
    res = [paste_mask_in_image(m[0], b, im_h, im_w) for m, b in zip(masks, boxes)]
    if len(res) > 0:
        return ember.stack(res, dim=0)[:, None]
    return masks.new_empty((0, 1, im_h, im_w))


def keypoints_to_heatmap(keypoints, rois, heatmap_size):
    """The flat heatmap cell (``y * heatmap_size + x``) of each keypoint ``[N, K, 3]`` inside its roi
    ``[N, 4]``, and whether it is visible and inside (``[N, K]`` int64 each)."""
    offset_x, offset_y = rois[:, 0][:, None], rois[:, 1][:, None]
    scale_x = (heatmap_size / (rois[:, 2] - rois[:, 0]))[:, None]
    scale_y = (heatmap_size / (rois[:, 3] - rois[:, 1]))[:, None]
    x, y = keypoints[..., 0], keypoints[..., 1]
    # a keypoint on the roi's right or bottom edge belongs to the last cell, not one past it
    x_boundary = x == rois[:, 2][:, None]
    y_boundary = y == rois[:, 3][:, None]
    x = ((x - offset_x) * scale_x).floor().long()
    y = ((y - offset_y) * scale_y).floor().long()
    x[x_boundary] = heatmap_size - 1
    y[y_boundary] = heatmap_size - 1
    valid_loc = (x >= 0) & (y >= 0) & (x < heatmap_size) & (y < heatmap_size)
    valid = (valid_loc & (keypoints[..., 2] > 0)).long()
    return (y * heatmap_size + x) * valid, valid


def heatmaps_to_keypoints(maps, rois):
    """Keypoints ``[N, K, 3]`` (x, y, 1) and their scores ``[N, K]`` from heatmaps ``[N, K, H, W]``: each
    heatmap is resized bicubically onto its roi ``[N, 4]`` and its maximum taken."""
    offset_x, offset_y = rois[:, 0], rois[:, 1]
    widths = (rois[:, 2] - rois[:, 0]).clamp(min=1)
    heights = (rois[:, 3] - rois[:, 1]).clamp(min=1)
    widths_ceil, heights_ceil = widths.ceil(), heights.ceil()
    num_keypoints = maps.shape[1]
    xy_preds = ember.zeros((len(rois), 3, num_keypoints), dtype=ember.float32, device=maps.device)
    end_scores = ember.zeros((len(rois), num_keypoints), dtype=ember.float32, device=maps.device)
    for i in range(len(rois)):
        roi_map_width, roi_map_height = int(widths_ceil[i].item()), int(heights_ceil[i].item())
        width_correction = widths[i] / roi_map_width
        height_correction = heights[i] / roi_map_height
        roi_map = F.interpolate(maps[i][:, None], size=(roi_map_height, roi_map_width), mode="bicubic",
                                align_corners=False)[:, 0]
        w = roi_map.shape[2]
        pos = roi_map.reshape(num_keypoints, -1).argmax(dim=1)
        x_int = pos % w
        y_int = ember.div(pos - x_int, w, rounding_mode="floor")
        xy_preds[i, 0, :] = (x_int.float() + 0.5) * width_correction + offset_x[i]
        xy_preds[i, 1, :] = (y_int.float() + 0.5) * height_correction + offset_y[i]
        xy_preds[i, 2, :] = 1
        end_scores[i, :] = roi_map[ember.arange(num_keypoints, device=roi_map.device), y_int, x_int]
    return xy_preds.permute(0, 2, 1), end_scores


def keypointrcnn_loss(keypoint_logits, proposals, gt_keypoints, keypoint_matched_idxs):
    """Cross-entropy over each heatmap's cells against the cell of the matched ground-truth keypoint
    (visible keypoints inside their proposal only)."""
    N, K, H, W = keypoint_logits.shape
    if H != W:
        raise ValueError(f"keypoint_logits height and width (last two elements of shape) should be equal. "
                         f"Instead got H = {H} and W = {W}")
    heatmaps, valid = [], []
    for props, gt_kp, midx in zip(proposals, gt_keypoints, keypoint_matched_idxs):
        heatmaps_per_image, valid_per_image = keypoints_to_heatmap(gt_kp[midx], props, H)
        heatmaps.append(heatmaps_per_image.view(-1))
        valid.append(valid_per_image.view(-1))
    keypoint_targets = ember.cat(heatmaps, dim=0)
    valid = ember.where(ember.cat(valid, dim=0).to(dtype=ember.uint8))[0]
    if keypoint_targets.numel() == 0 or len(valid) == 0:
        return keypoint_logits.sum() * 0  # nothing to learn from: a zero loss that still reaches the head
    return F.cross_entropy(keypoint_logits.view(N * K, H * W)[valid], keypoint_targets[valid])


def keypointrcnn_inference(x, boxes):
    """Per image, the keypoints ``[N, K, 3]`` and their scores ``[N, K]`` from the heatmaps ``x`` of all
    images' detections ``boxes`` (one ``[N, 4]`` tensor per image)."""
    kp_probs, kp_scores = [], []
    for xx, bb in zip(x.split([b.size(0) for b in boxes], dim=0), boxes):
        kp_prob, scores = heatmaps_to_keypoints(xx, bb)
        kp_probs.append(kp_prob)
        kp_scores.append(scores)
    return kp_probs, kp_scores


class RoIHeads(nn.Module):
    """Pools each proposal's features (``box_roi_pool``), runs ``box_head`` and ``box_predictor``; in
    training it samples proposals against the targets and returns the Fast R-CNN losses, in evaluation
    the decoded, score-thresholded and NMS-filtered detections (at most ``detections_per_img``)."""

    def __init__(self, box_roi_pool, box_head, box_predictor, fg_iou_thresh, bg_iou_thresh, batch_size_per_image,
                 positive_fraction, bbox_reg_weights, score_thresh, nms_thresh, detections_per_img,
                 mask_roi_pool=None, mask_head=None, mask_predictor=None, keypoint_roi_pool=None,
                 keypoint_head=None, keypoint_predictor=None):
        super().__init__()
        self.box_similarity = box_ops.box_iou
        self.proposal_matcher = det_utils.Matcher(fg_iou_thresh, bg_iou_thresh, allow_low_quality_matches=False)
        self.fg_bg_sampler = det_utils.BalancedPositiveNegativeSampler(batch_size_per_image, positive_fraction)
        if bbox_reg_weights is None:
            bbox_reg_weights = (10.0, 10.0, 5.0, 5.0)
        self.box_coder = det_utils.BoxCoder(bbox_reg_weights)
        self.box_roi_pool = box_roi_pool
        self.box_head = box_head
        self.box_predictor = box_predictor
        self.score_thresh = score_thresh
        self.nms_thresh = nms_thresh
        self.detections_per_img = detections_per_img
        self.mask_roi_pool = mask_roi_pool
        self.mask_head = mask_head
        self.mask_predictor = mask_predictor
        self.keypoint_roi_pool = keypoint_roi_pool
        self.keypoint_head = keypoint_head
        self.keypoint_predictor = keypoint_predictor

    def has_mask(self):
        return self.mask_roi_pool is not None and self.mask_head is not None and self.mask_predictor is not None

    def has_keypoint(self):
        return (self.keypoint_roi_pool is not None and self.keypoint_head is not None
                and self.keypoint_predictor is not None)

    def assign_targets_to_proposals(self, proposals, gt_boxes, gt_labels):
        matched_idxs, labels = [], []
        for props, gt_b, gt_l in zip(proposals, gt_boxes, gt_labels):
            if gt_b.numel() == 0:
                clamped = ember.zeros((props.shape[0],), dtype=ember.int64, device=props.device)
                labels_in_image = ember.zeros((props.shape[0],), dtype=ember.int64, device=props.device)
            else:
                matched = self.proposal_matcher(box_ops.box_iou(gt_b, props))
                clamped = matched.clamp(min=0)
                labels_in_image = gt_l[clamped].to(dtype=ember.int64)
                labels_in_image[matched == self.proposal_matcher.BELOW_LOW_THRESHOLD] = 0
                labels_in_image[matched == self.proposal_matcher.BETWEEN_THRESHOLDS] = -1
            matched_idxs.append(clamped)
            labels.append(labels_in_image)
        return matched_idxs, labels

    def subsample(self, labels):
        pos, neg = self.fg_bg_sampler(labels)
        return [ember.where(p | n)[0] for p, n in zip(pos, neg)]

    def add_gt_proposals(self, proposals, gt_boxes):
        return [ember.cat((p, g)) for p, g in zip(proposals, gt_boxes)]

    def check_targets(self, targets):
        if targets is None:
            raise ValueError("targets should not be None")
        if not all("boxes" in t for t in targets):
            raise ValueError("Every element of targets should have a boxes key")
        if not all("labels" in t for t in targets):
            raise ValueError("Every element of targets should have a labels key")
        if self.has_mask() and not all("masks" in t for t in targets):
            raise ValueError("Every element of targets should have a masks key")

    def select_training_samples(self, proposals, targets):
        self.check_targets(targets)
        dtype, device = proposals[0].dtype, proposals[0].device
        gt_boxes = [t["boxes"].to(dtype) for t in targets]
        gt_labels = [t["labels"] for t in targets]
        proposals = self.add_gt_proposals(proposals, gt_boxes)
        matched_idxs, labels = self.assign_targets_to_proposals(proposals, gt_boxes, gt_labels)
        sampled_inds = self.subsample(labels)
        matched_gt_boxes = []
        for img_id, inds in enumerate(sampled_inds):
            proposals[img_id] = proposals[img_id][inds]
            labels[img_id] = labels[img_id][inds]
            matched_idxs[img_id] = matched_idxs[img_id][inds]
            gt = gt_boxes[img_id]
            if gt.numel() == 0:
                gt = ember.zeros((1, 4), dtype=dtype, device=device)
            matched_gt_boxes.append(gt[matched_idxs[img_id]])
        regression_targets = self.box_coder.encode(matched_gt_boxes, proposals)
        return proposals, matched_idxs, labels, regression_targets

    def postprocess_detections(self, class_logits, box_regression, proposals, image_shapes):
        device = class_logits.device
        num_classes = class_logits.shape[-1]
        boxes_per_image = [p.shape[0] for p in proposals]
        pred_boxes = self.box_coder.decode(box_regression, proposals)
        pred_scores = F.softmax(class_logits, -1)
        all_boxes, all_scores, all_labels = [], [], []
        for boxes, scores, image_shape in zip(pred_boxes.split(boxes_per_image, 0),
                                              pred_scores.split(boxes_per_image, 0), image_shapes):
            boxes = box_ops.clip_boxes_to_image(boxes, image_shape)
            labels = ember.arange(num_classes, device=device).view(1, -1).expand_as(scores)
            # NOTE: class 0 is the background; every other class gives its own candidate box
            boxes, scores, labels = boxes[:, 1:].reshape(-1, 4), scores[:, 1:].reshape(-1), labels[:, 1:].reshape(-1)
            inds = ember.where(scores > self.score_thresh)[0]
            boxes, scores, labels = boxes[inds], scores[inds], labels[inds]
            keep = box_ops.remove_small_boxes(boxes, min_size=1e-2)
            boxes, scores, labels = boxes[keep], scores[keep], labels[keep]
            keep = box_ops.batched_nms(boxes, scores, labels, self.nms_thresh)[:self.detections_per_img]
            all_boxes.append(boxes[keep])
            all_scores.append(scores[keep])
            all_labels.append(labels[keep])
        return all_boxes, all_scores, all_labels

    def forward(self, features, proposals, image_shapes, targets=None):
        if targets is not None:
            for t in targets:
                if t["boxes"].dtype not in (ember.float, ember.double, ember.half):
                    raise TypeError(f"target boxes must of float type, instead got {t['boxes'].dtype}")
                if not t["labels"].dtype == ember.int64:
                    raise TypeError(f"target labels must of int64 type, instead got {t['labels'].dtype}")
                if self.has_keypoint() and not t["keypoints"].dtype == ember.float32:
                    raise TypeError(f"target keypoints must of float type, instead got {t['keypoints'].dtype}")
        if self.training:
            proposals, matched_idxs, labels, regression_targets = self.select_training_samples(proposals, targets)
        box_features = self.box_head(self.box_roi_pool(features, proposals, image_shapes))
        class_logits, box_regression = self.box_predictor(box_features)
        result, losses = [], {}
        if self.training:
            loss_classifier, loss_box_reg = fastrcnn_loss(class_logits, box_regression, labels, regression_targets)
            losses = {"loss_classifier": loss_classifier, "loss_box_reg": loss_box_reg}
        else:
            boxes, scores, labels = self.postprocess_detections(class_logits, box_regression, proposals, image_shapes)
            result = [{"boxes": b, "labels": lab, "scores": s} for b, s, lab in zip(boxes, scores, labels)]
        if self.has_mask():
            losses.update(self._mask_branch(features, proposals, image_shapes, targets, result, labels,
                                            matched_idxs if self.training else None))
        if self.has_keypoint():
            losses.update(self._keypoint_branch(features, proposals, image_shapes, targets, result, labels,
                                                matched_idxs if self.training else None))
        return result, losses

    def _positive_proposals(self, proposals, labels, matched_idxs):
        """The training proposals matched to an object, and the index of that object."""
        positive, positive_idxs = [], []
        for props, lab, idxs in zip(proposals, labels, matched_idxs):
            pos = ember.where(lab > 0)[0]
            positive.append(props[pos])
            positive_idxs.append(idxs[pos])
        return positive, positive_idxs

    def _mask_branch(self, features, proposals, image_shapes, targets, result, labels, matched_idxs):
        """Training: the mask loss over positive proposals; evaluation: adds ``masks`` to ``result``."""
        if self.training:
            mask_proposals, pos_matched_idxs = self._positive_proposals(proposals, labels, matched_idxs)
        else:
            mask_proposals = [r["boxes"] for r in result]
        mask_logits = self.mask_predictor(self.mask_head(self.mask_roi_pool(features, mask_proposals, image_shapes)))
        if self.training:
            loss = maskrcnn_loss(mask_logits, mask_proposals, [t["masks"] for t in targets],
                                 [t["labels"] for t in targets], pos_matched_idxs)
            return {"loss_mask": loss}
        for mask_prob, r in zip(maskrcnn_inference(mask_logits, [r["labels"] for r in result]), result):
            r["masks"] = mask_prob
        return {}

    def _keypoint_branch(self, features, proposals, image_shapes, targets, result, labels, matched_idxs):
        """Training: the keypoint loss over positive proposals; evaluation: adds ``keypoints`` and
        ``keypoints_scores`` to ``result``."""
        if self.training:
            kp_proposals, pos_matched_idxs = self._positive_proposals(proposals, labels, matched_idxs)
        else:
            kp_proposals = [r["boxes"] for r in result]
        logits = self.keypoint_predictor(self.keypoint_head(self.keypoint_roi_pool(features, kp_proposals,
                                                                                   image_shapes)))
        if self.training:
            loss = keypointrcnn_loss(logits, kp_proposals, [t["keypoints"] for t in targets], pos_matched_idxs)
            return {"loss_keypoint": loss}
        for kp_prob, kp_scores, r in zip(*keypointrcnn_inference(logits, kp_proposals), result):
            r["keypoints"] = kp_prob
            r["keypoints_scores"] = kp_scores
        return {}
