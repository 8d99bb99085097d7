# torchvision gallery "Transforms v2: End-to-end object detection/segmentation example"
# (gallery/transforms/plot_transforms_e2e.py), run offline: a synthetic COCO folder (two pictures drawn with Pillow and
# an instances.json with polygon and box annotations) stands for assets/coco; tv_tensors.Image is spelled as
# torchvision 0.28 spells it (the gallery's older copy says datapoints.Image); the gallery's `plot` helper prints the
# boxes and a digest of the pixels and masks; the Mask R-CNN built by get_model is not run (the torchvision this was
# recorded with lacks the C++ operators, nms and roi_align, that it needs), the batches it would get are printed.
import hashlib
import json
import os
import pathlib

import numpy as np
from PIL import Image, ImageDraw

import torch
import torch.utils.data

from torchvision import models, datasets, tv_tensors
from torchvision.transforms import v2
from torchvision.transforms.v2 import functional as F

torch.manual_seed(0)

ROOT = pathlib.Path("coco")
IMAGES_PATH = str(ROOT / "images")
ANNOTATIONS_PATH = str(ROOT / "instances.json")


def make_coco():
    os.makedirs(IMAGES_PATH)
    rng = np.random.RandomState(0)
    images, annotations = [], []
    for image_id, (w, h) in enumerate([(160, 120), (144, 176)], start=1):
        name = "%012d.png" % image_id
        Image.fromarray(rng.randint(0, 256, (h, w, 3)).astype(np.uint8)).save(os.path.join(IMAGES_PATH, name))
        images.append({"id": image_id, "file_name": name, "width": w, "height": h})
        for k in range(3):
            x, y = 10 + 35 * k, 15 + 20 * k
            poly = [x, y, x + 30, y + 5, x + 25, y + 40, x + 2, y + 35]
            annotations.append({"id": len(annotations) + 1, "image_id": image_id, "category_id": k + 1,
                                "segmentation": [poly], "area": 900.0, "bbox": [x, y, 30, 40], "iscrowd": 0})
    json.dump({"images": images, "annotations": annotations,
               "categories": [{"id": k, "name": n} for k, n in [(1, "person"), (2, "dog"), (3, "cat")]]},
              open(ANNOTATIONS_PATH, "w"))


def plot(samples):
    for img, target in samples:
        img = F.to_dtype(F.to_image(img), torch.uint8, scale=True)
        pixels = img.permute(1, 2, 0).numpy()
        print(tuple(pixels.shape), hashlib.sha1(pixels.tobytes()).hexdigest()[:12],
              [[round(v, 2) for v in b] for b in target["boxes"].tolist()], target["labels"].tolist(),
              hashlib.sha1(target["masks"].numpy().tobytes()).hexdigest()[:12], target["masks"].sum().item())


make_coco()

dataset = datasets.CocoDetection(IMAGES_PATH, ANNOTATIONS_PATH)

sample = dataset[0]
img, target = sample
print(f"{type(img) = }\n{type(target) = }\n{type(target[0]) = }\n{target[0].keys() = }")

dataset = datasets.wrap_dataset_for_transforms_v2(dataset, target_keys=("boxes", "labels", "masks"))

sample = dataset[0]
img, target = sample
print(f"{type(img) = }\n{type(target) = }\n{target.keys() = }")
print(f"{type(target['boxes']) = }\n{type(target['labels']) = }\n{type(target['masks']) = }")

plot([dataset[0], dataset[1]])

transforms = v2.Compose(
    [
        v2.ToImage(),
        v2.RandomPhotometricDistort(p=1),
        v2.RandomZoomOut(fill={tv_tensors.Image: (123, 117, 104), "others": 0}),
        v2.RandomIoUCrop(),
        v2.RandomHorizontalFlip(p=1),
        v2.SanitizeBoundingBoxes(),
        v2.ToDtype(torch.float32, scale=True),
    ]
)

dataset = datasets.CocoDetection(IMAGES_PATH, ANNOTATIONS_PATH, transforms=transforms)
dataset = datasets.wrap_dataset_for_transforms_v2(dataset, target_keys=["boxes", "labels", "masks"])

plot([dataset[0], dataset[1]])

data_loader = torch.utils.data.DataLoader(
    dataset,
    batch_size=2,
    collate_fn=lambda batch: tuple(zip(*batch)),
)

model = models.get_model("maskrcnn_resnet50_fpn_v2", weights=None, weights_backbone=None).train()
print(type(model).__name__, sum(p.numel() for p in model.parameters()))

for imgs, targets in data_loader:
    print(f"{[img.shape for img in imgs] = }")
    print(f"{[type(target) for target in targets] = }")
    plot(zip(imgs, targets))
