"""Published detection checkpoints (weights.json, recorded from torchvision by
tests/vision/models/detection/record_weights_meta.py) and their preprocessing, ObjectDetection."""
import json
import os

import ember
from ember import nn
from ember.vision.models._api import Weights, WeightsEnum

with open(os.path.join(os.path.dirname(__file__), "weights.json"), encoding="utf-8") as _f:
    _WEIGHTS = json.load(_f)
_LISTS = _WEIGHTS.pop("_lists")
_COCO_CATEGORIES = _LISTS["coco"]
_COCO_PERSON_CATEGORIES = _LISTS["coco_person"]
_COCO_PERSON_KEYPOINT_NAMES = _LISTS["coco_person_keypoints"]


class ObjectDetection(nn.Module):
    """The detectors' preprocessing: a PIL image or uint8 tensor becomes a float tensor in ``[0, 1]``
    (normalisation and resizing happen inside the model)."""

    def forward(self, img):
        from ember.vision.transforms import functional as F
        if not isinstance(img, ember.Tensor):
            img = F.pil_to_tensor(img)
        return F.convert_image_dtype(img, ember.float)

    def __repr__(self):
        return self.__class__.__name__ + "()"

    def describe(self):
        return ("Accepts ``PIL.Image``, batched ``(B, C, H, W)`` and single ``(C, H, W)`` image ``torch.Tensor`` "
                "objects. The images are rescaled to ``[0.0, 1.0]``.")


def _restore(value):
    if isinstance(value, str) and value in _LISTS:
        return list(_LISTS[value])
    if isinstance(value, dict):
        return {k: _restore(v) for k, v in value.items()}
    return value


def detection_weights_enum(name, module):
    """The ``WeightsEnum`` subclass ``name`` (e.g. 'FasterRCNN_ResNet50_FPN_Weights') from weights.json."""
    entries = _WEIGHTS[name]
    members = {}
    for key, entry in entries.items():
        if isinstance(entry, str):
            continue
        meta = _restore(entry["meta"])
        if "min_size" in meta:
            meta["min_size"] = tuple(meta["min_size"])
        members[key] = Weights(url=entry["url"], transforms=ObjectDetection, meta=meta)
    ordered = list(members.items()) + [(k, members[v]) for k, v in entries.items() if isinstance(v, str)]
    return WeightsEnum(name, ordered, module=module, qualname=name)
