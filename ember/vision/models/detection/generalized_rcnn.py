"""GeneralizedRCNN: transform, backbone, region proposals and RoI heads chained (the R-CNN family's base)."""
import warnings

from ember import nn


class GeneralizedRCNN(nn.Module):
    """``forward(images, targets=None)``: in training the dict of losses, in evaluation a list of
    ``{'boxes', 'labels', 'scores', ...}`` per image in the original image coordinates."""

    def __init__(self, backbone, rpn, roi_heads, transform):
        super().__init__()
        self.transform = transform
        self.backbone = backbone
        self.rpn = rpn
        self.roi_heads = roi_heads
        self._has_warned = False

    def eager_outputs(self, losses, detections):
        return losses if self.training else detections

    def forward(self, images, targets=None):
        if self.training:
            if targets is None:
                raise AssertionError("targets should not be none when in training mode")
            for target in targets:
                boxes = target["boxes"]
                if not (len(boxes.shape) == 2 and boxes.shape[-1] == 4):
                    raise AssertionError(f"Expected target boxes to be a tensor of shape [N, 4], got {boxes.shape}.")
        original_image_sizes = []
        for img in images:
            val = img.shape[-2:]
            if len(val) != 2:
                raise AssertionError(f"expecting the last two dimensions of the Tensor to be H and W instead got "
                                     f"{img.shape[-2:]}")
            original_image_sizes.append((val[0], val[1]))
        images, targets = self.transform(images, targets)
        if targets is not None:
            for target_idx, target in enumerate(targets):
                boxes = target["boxes"]
                degenerate = boxes[:, 2:] <= boxes[:, :2]
                if degenerate.any():
                    bb_idx = degenerate.any(dim=1).nonzero().view(-1)[0].item()
                    degen_bb = boxes[bb_idx].tolist()
                    raise AssertionError("All bounding boxes should have positive height and width. Found invalid "
                                         f"box {degen_bb} for target at index {target_idx}.")
        features = self.backbone(images.tensors)
        if not isinstance(features, dict):
            from collections import OrderedDict
            features = OrderedDict([("0", features)])
        proposals, proposal_losses = self.rpn(images, features, targets)
        detections, detector_losses = self.roi_heads(features, proposals, images.image_sizes, targets)
        detections = self.transform.postprocess(detections, images.image_sizes, original_image_sizes)
        losses = {}
        losses.update(detector_losses)
        losses.update(proposal_losses)
        return self.eager_outputs(losses, detections)
