"""GeneralizedRCNN: transform, backbone, region proposals and RoI heads chained (the R-CNN family's base)."""
from collections import OrderedDict

from ember import nn
from ember.vision.models.detection._single_stage import transform_inputs


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
        images, targets, original_image_sizes = transform_inputs(self, images, targets)
        features = self.backbone(images.tensors)
        if not isinstance(features, dict):
            features = OrderedDict([("0", features)])
        proposals, proposal_losses = self.rpn(images, features, targets)
        detections, detector_losses = self.roi_heads(features, proposals, images.image_sizes, targets)
        detections = self.transform.postprocess(detections, images.image_sizes, original_image_sizes)
        losses = {}
        losses.update(detector_losses)
        losses.update(proposal_losses)
        return self.eager_outputs(losses, detections)
