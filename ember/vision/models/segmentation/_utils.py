"""What the segmentation models share: a backbone returning a dict of maps, heads upsampled to the input."""
from collections import OrderedDict

from ember import nn
from ember.nn import functional as F
from ember.vision.models.segmentation._meta import task_weights_enums
from ember.vision.models.segmentation._presets import SemanticSegmentation
import os

weights_enum = task_weights_enums(os.path.dirname(__file__), {"SemanticSegmentation": SemanticSegmentation})


class _SimpleSegmentationModel(nn.Module):
    """``classifier`` on the backbone's ``"out"`` map (and ``aux_classifier`` on ``"aux"``), each upsampled
    bilinearly to the input's size; returns an OrderedDict with keys ``"out"`` (and ``"aux"``)."""

    def __init__(self, backbone, classifier, aux_classifier=None):
        super().__init__()
        self.backbone = backbone
        self.classifier = classifier
        self.aux_classifier = aux_classifier

    def forward(self, x):
        input_shape = x.shape[-2:]
        features = self.backbone(x)
        result = OrderedDict()
        result["out"] = F.interpolate(self.classifier(features["out"]), size=input_shape, mode="bilinear",
                                      align_corners=False)
        if self.aux_classifier is not None:
            result["aux"] = F.interpolate(self.aux_classifier(features["aux"]), size=input_shape, mode="bilinear",
                                          align_corners=False)
        return result


def _reject_unused(builder, kwargs):
    # torchvision's segmentation builders accept and drop any other keyword; refusing it is clearer
    if kwargs:
        raise TypeError(f"{builder}() got an unexpected keyword argument '{next(iter(kwargs))}'")


def _load(model, weights, progress):
    if weights is not None:
        model.load_state_dict(weights.get_state_dict(progress=progress, check_hash=True))
    return model


def _mobilenet_stage_indices(features):
    # the first block, the strided blocks (the start of each stage C1..Cn-1) and the last block (Cn)
    return [0] + [i for i, b in enumerate(features) if getattr(b, "_is_cn", False)] + [len(features) - 1]
