"""Published checkpoints of the classification models, read from the package's data files.

``imagenet_categories.txt`` holds the 1000 ImageNet-1K class names in index order;
``weights.json`` each weights enum's members: URL, preprocessing arguments and meta (recorded from
torchvision by tests/vision/models/fixtures/record_weights_meta.py).
"""
import json
import os
from functools import partial

from ember.vision.models._api import Weights, WeightsEnum
from ember.vision.models._presets import ImageClassification
from ember.vision.transforms import InterpolationMode

_HERE = os.path.dirname(__file__)

with open(os.path.join(_HERE, "imagenet_categories.txt"), encoding="utf-8") as _f:
    _IMAGENET_CATEGORIES = [line.rstrip("\n") for line in _f]

with open(os.path.join(_HERE, "weights.json"), encoding="utf-8") as _f:
    _WEIGHTS = json.load(_f)


def _weights(entry):
    kwargs = dict(entry["transforms"])
    if "interpolation" in kwargs:
        kwargs["interpolation"] = InterpolationMode[kwargs["interpolation"]]
    for key in ("mean", "std"):
        if key in kwargs:
            kwargs[key] = tuple(kwargs[key])
    meta = dict(entry["meta"])
    meta["categories"] = None if meta["categories"] is None else _IMAGENET_CATEGORIES
    if "min_size" in meta:
        meta["min_size"] = tuple(meta["min_size"])
    return Weights(url=entry["url"], transforms=partial(ImageClassification, **kwargs), meta=meta)


def weights_enum(name, module):
    """The ``WeightsEnum`` subclass ``name`` (e.g. 'ResNet18_Weights'), its members from weights.json.

    Aliases such as ``DEFAULT`` are members sharing the value of the one they name.
    """
    entries = _WEIGHTS[name]
    members = {key: _weights(value) for key, value in entries.items() if not isinstance(value, str)}
    ordered = list(members.items()) + [(key, members[value]) for key, value in entries.items()
                                       if isinstance(value, str)]
    return WeightsEnum(name, ordered, module=module, qualname=name)
