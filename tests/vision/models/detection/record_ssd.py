"""Records torchvision's SSD and SSDlite into fixtures/ssd.npz (eval outputs and training losses with
seeded weights) and fixtures/ssd.json (the builders' state_dict layouts and printed models).

Run with PyTorch and torchvision installed (from the repository root):

    python -m tests.vision.models.detection.record_ssd
"""
import json
import os

import numpy as np
import torch
import torchvision.models.detection as detection

from tests.vision.models.detection._cases import SSD_BUILDERS, SSD_CASES
from tests.vision.models.detection.record import HERE, _record_model, _shapes, _use_python_ops_if_needed


def record():
    _use_python_ops_if_needed()
    torch.manual_seed(0)
    builders = {}
    for name in SSD_BUILDERS:
        model = getattr(detection, name)(weights=None, weights_backbone=None)
        builders[name] = {"state_dict": _shapes(model), "repr": repr(model)}
    with open(os.path.join(HERE, "ssd.json"), "w") as f:
        json.dump(builders, f, indent=0)  # key order kept: the state_dict order is compared
        f.write("\n")
    arrays = {}
    for name, build in SSD_CASES.items():
        _record_model(arrays, name, build(detection, torch.nn))
    np.savez_compressed(os.path.join(HERE, "ssd.npz"), **arrays)


if __name__ == "__main__":
    record()
