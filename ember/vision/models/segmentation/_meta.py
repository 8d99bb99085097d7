"""Published checkpoints of the segmentation, video and optical-flow models.

Each of those packages has a ``weights.json`` (recorded from torchvision by
tests/vision/models/tasks/record_weights_meta.py): per weights enum, each member's URL, its
preprocessing (a class name and keyword arguments) and meta; category lists are stored once under
``"_lists"`` and named by key.
"""
import json
import os
from functools import partial

from ember.vision.models._api import Weights, WeightsEnum


def _restore(value, lists):
    if isinstance(value, str) and value in lists:
        return list(lists[value])
    if isinstance(value, dict):
        return {k: _restore(v, lists) for k, v in value.items()}
    return value


def task_weights_enums(package_dir, presets):
    """A function ``(name, module) -> WeightsEnum`` reading ``package_dir``'s weights.json; ``presets``
    maps the preprocessing class names found there to the classes."""
    with open(os.path.join(package_dir, "weights.json"), encoding="utf-8") as f:
        entries = json.load(f)
    lists = entries.pop("_lists")

    def make(name, module):
        members = {}
        for key, entry in entries[name].items():
            if isinstance(entry, str):
                continue  # an alias, added below
            meta = _restore(entry["meta"], lists)
            if "min_size" in meta:
                meta["min_size"] = tuple(meta["min_size"])
            kwargs = dict(entry["transforms"])
            preset = presets[kwargs.pop("name")]
            transforms = partial(preset, **kwargs) if kwargs else preset
            members[key] = Weights(url=entry["url"], transforms=transforms, meta=meta)
        ordered = list(members.items()) + [(k, members[v]) for k, v in entries[name].items() if isinstance(v, str)]
        return WeightsEnum(name, ordered, module=module, qualname=name)
    return make
