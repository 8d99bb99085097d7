"""Writes weights.json of ember.vision.models.segmentation, .video and .optical_flow from torchvision.

Each weights enum member: URL, its preprocessing (class name and keyword arguments) and meta (the
documentation prose left out; category lists stored once under "_lists" and named by key). Aliases
(DEFAULT) are kept as the name of the member they point at. Run with PyTorch and torchvision installed:

    python tests/vision/models/tasks/record_weights_meta.py
"""
import json
import os

import torchvision.models as models
from torchvision.models import _meta

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "ember", "vision", "models")
LISTS = {"voc": _meta._VOC_CATEGORIES, "kinetics400": _meta._KINETICS400_CATEGORIES}


def _jsonable(value):
    if isinstance(value, (tuple, list)):
        for key, categories in LISTS.items():
            if list(value) == categories:
                return key
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def record(package, name):
    out = {"_lists": {}}
    for enum_name in sorted(n for n in dir(package) if n.endswith("_Weights")):
        enum = getattr(package, enum_name)
        members = {}
        for member_name, member in enum.__members__.items():
            if member_name != member.name:
                members[member_name] = member.name
                continue
            preset = member.transforms  # a class, or a functools.partial of one
            func, keywords = getattr(preset, "func", preset), getattr(preset, "keywords", {})
            kwargs = {k: (v.name if hasattr(v, "name") else _jsonable(v)) for k, v in keywords.items()}
            meta = {k: _jsonable(v) for k, v in member.meta.items() if k != "_docs"}
            if isinstance(meta.get("categories"), str):
                out["_lists"][meta["categories"]] = LISTS[meta["categories"]]
            members[member_name] = {"url": member.url, "transforms": {"name": func.__name__, **kwargs},
                                    "meta": meta}
        out[enum_name] = members
    with open(os.path.join(ROOT, name, "weights.json"), "w") as f:
        json.dump(out, f, indent=1)  # insertion order: the enums keep their member order
        f.write("\n")


if __name__ == "__main__":
    record(models.segmentation, "segmentation")
    record(models.video, "video")
    record(models.optical_flow, "optical_flow")
