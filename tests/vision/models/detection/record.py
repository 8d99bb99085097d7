"""Records torchvision's detection outputs and state_dict layouts into detection.npz / state_dicts.json.

Run with PyTorch and torchvision installed (from the repository root):

    python -m tests.vision.models.detection.record

torchvision's compiled operators (nms, roi_align) may be unavailable on a CPU-only install; then
they are replaced by the greedy NMS and torchvision's own Python RoIAlign (``_roi_align``).
"""
import json
import math
import os

import numpy as np
import torch
import torchvision
import torchvision.models.detection as detection
from torchvision.ops import boxes as box_ops, poolers
from torchvision.ops._utils import convert_boxes_to_roi_format

from tests.vision.models.detection._cases import FORWARD_CASES, MODEL_CASES, STATE_DICT_BUILDERS, images, \
    seeded_state_dict, targets

HERE = os.path.join(os.path.dirname(__file__), "fixtures")


def _python_nms(boxes, scores, iou_threshold):
    order = scores.argsort(descending=True, stable=True)
    iou = box_ops.box_iou(boxes, boxes)
    suppressed = torch.zeros(len(boxes), dtype=torch.bool)
    keep = []
    for i in order.tolist():
        if not suppressed[i]:
            keep.append(i)
            suppressed |= iou[i] > iou_threshold
    return torch.tensor(keep, dtype=torch.int64)


def _bilinear(feature, y, x):
    # feature [C, H, W]; the compiled kernel's rule: zero outside [-1, size], clamp onto the last row/column
    height, width = feature.shape[-2:]
    if y < -1.0 or y > height or x < -1.0 or x > width:
        return torch.zeros(feature.shape[0], dtype=feature.dtype)
    y, x = max(y, 0.0), max(x, 0.0)
    y_low, x_low = int(y), int(x)
    if y_low >= height - 1:
        y_high = y_low = height - 1
        y = float(y_low)
    else:
        y_high = y_low + 1
    if x_low >= width - 1:
        x_high = x_low = width - 1
        x = float(x_low)
    else:
        x_high = x_low + 1
    ly, lx = y - y_low, x - x_low
    hy, hx = 1.0 - ly, 1.0 - lx
    return (hy * hx * feature[:, y_low, x_low] + hy * lx * feature[:, y_low, x_high]
            + ly * hx * feature[:, y_high, x_low] + ly * lx * feature[:, y_high, x_high])


def _python_roi_align(input, boxes, output_size, spatial_scale=1.0, sampling_ratio=-1, aligned=False):
    """RoIAlign as torchvision's compiled CPU kernel computes it (its Python fallback treats the border
    differently), written out sample by sample."""
    rois = boxes if isinstance(boxes, torch.Tensor) else convert_boxes_to_roi_format(boxes)
    ph, pw = (output_size, output_size) if isinstance(output_size, int) else output_size
    out = torch.zeros(len(rois), input.shape[1], ph, pw, dtype=input.dtype)
    offset = 0.5 if aligned else 0.0
    for k, roi in enumerate(rois.tolist()):
        feature = input[int(roi[0])]
        x1, y1 = roi[1] * spatial_scale - offset, roi[2] * spatial_scale - offset
        rw, rh = roi[3] * spatial_scale - offset - x1, roi[4] * spatial_scale - offset - y1
        if not aligned:
            rw, rh = max(rw, 1.0), max(rh, 1.0)
        bh, bw = rh / ph, rw / pw
        gh = sampling_ratio if sampling_ratio > 0 else math.ceil(rh / ph)
        gw = sampling_ratio if sampling_ratio > 0 else math.ceil(rw / pw)
        count = max(gh * gw, 1)
        for i in range(ph):
            for j in range(pw):
                acc = torch.zeros(input.shape[1], dtype=input.dtype)
                for iy in range(gh):
                    y = y1 + i * bh + (iy + 0.5) * bh / gh
                    for ix in range(gw):
                        acc += _bilinear(feature, y, x1 + j * bw + (ix + 0.5) * bw / gw)
                out[k, :, i, j] = acc / count
    return out


def _use_python_ops_if_needed():
    try:
        torchvision.ops.nms(torch.zeros(1, 4), torch.zeros(1), 0.5)
    except RuntimeError:
        box_ops.nms = _python_nms
        poolers.roi_align = _python_roi_align
        detection.roi_heads.roi_align = _python_roi_align


def _shapes(model):
    return {k: [list(v.shape), str(v.dtype).replace("torch.", "")] for k, v in model.state_dict().items()}


def record():
    _use_python_ops_if_needed()
    os.makedirs(HERE, exist_ok=True)
    layouts = {name: _shapes(getattr(detection, name)(weights=None, weights_backbone=None))
               for name in STATE_DICT_BUILDERS}
    with open(os.path.join(HERE, "state_dicts.json"), "w") as f:
        json.dump(layouts, f, sort_keys=True)
        f.write("\n")
    arrays = {}
    for name, kwargs in FORWARD_CASES.items():
        model = getattr(detection, name)(**kwargs)
        _record_model(arrays, name, model)
    for name, (build, case_targets) in MODEL_CASES.items():
        _record_model(arrays, name, build(detection, torch.nn), case_targets)
    np.savez_compressed(os.path.join(HERE, "detection.npz"), **arrays)


def _record_model(arrays, name, model, case_targets=targets):
    """Eval outputs and train losses of ``model`` with the seeded weights, under ``name/``."""
    state = seeded_state_dict(_shapes(model))
    model.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()})
    imgs = [torch.from_numpy(i) for i in images()]
    model.eval()
    with torch.no_grad():
        for i, out in enumerate(model(imgs)):
            for key, value in out.items():
                arrays[f"{name}/eval/{i}/{key}"] = value.numpy()
    model.train()
    tgts = [{k: torch.from_numpy(v) for k, v in t.items()} for t in case_targets()]
    losses = model(imgs, tgts)
    for key, value in losses.items():
        arrays[f"{name}/train/{key}"] = value.detach().numpy()


if __name__ == "__main__":
    record()
