"""Writes ember/vision/models/detection/weights.json: torchvision's published detection checkpoints.

Each weights enum of torchvision.models.detection: its members' URLs and meta dicts (the COCO
category lists stored once, by name; the documentation prose left out); aliases (DEFAULT) kept as
the name of the member they point at. Run with PyTorch and torchvision installed:

    python tests/vision/models/detection/record_weights_meta.py
"""
import json
import os

import torchvision.models.detection as detection
from torchvision.models._meta import _COCO_CATEGORIES, _COCO_PERSON_CATEGORIES, _COCO_PERSON_KEYPOINT_NAMES

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "ember", "vision", "models", "detection",
                   "weights.json")
_LISTS = {"coco": _COCO_CATEGORIES, "coco_person": _COCO_PERSON_CATEGORIES,
          "coco_person_keypoints": _COCO_PERSON_KEYPOINT_NAMES}


def _jsonable(value):
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    for name, lst in _LISTS.items():
        if isinstance(value, list) and value == lst:
            return name
    return value


def record():
    out = {"_lists": _LISTS}
    for name in sorted(n for n in dir(detection) if n.endswith("_Weights")):
        enum = getattr(detection, name)
        members = {}
        for member_name, member in enum.__members__.items():
            if member_name != member.name:
                members[member_name] = member.name  # an alias
                continue
            assert member.transforms.__name__ == "ObjectDetection", name
            meta = {k: _jsonable(v) for k, v in member.meta.items() if k != "_docs"}
            members[member_name] = {"url": member.url, "meta": meta}
        out[name] = members
    with open(OUT, "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    record()
