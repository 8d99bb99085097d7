# torchvision gallery "Getting started with transforms v2" (gallery/transforms/plot_transforms_getting_started.py),
# run offline: a synthetic 512x512 RGB PNG drawn with Pillow stands for assets/astronaut.jpg, read through
# pil_to_tensor (torchvision.io.read_image's result: the torchvision this was recorded with lacks its image-decoding
# extension); the gallery's matplotlib `plot` helper draws the same boxes with draw_bounding_boxes and prints a
# digest of each picture's pixels instead of showing it; `isinstance(img_dp, Tensor)` is printed where the gallery
# prints `isinstance(img_dp, torch.Tensor)` (an f-string's `=` echoes its source, which names the module).
import hashlib

import numpy as np
from PIL import Image, ImageDraw

import torch
from torchvision.transforms import v2
from torchvision.transforms.functional import pil_to_tensor
from torchvision.utils import draw_bounding_boxes
from torchvision.transforms.v2 import functional as F

torch.manual_seed(1)


def make_picture(path, size=512):
    rng = np.random.RandomState(0)
    y, x = np.mgrid[0:size, 0:size]
    base = np.stack([x * 255 // size, y * 255 // size, (x + y) * 127 // size], -1).astype(np.uint8)
    pic = Image.fromarray(np.clip(base + rng.randint(0, 24, base.shape), 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(pic)
    draw.ellipse((120, 60, 380, 420), fill=(230, 200, 170))
    draw.rectangle((280, 350, 500, 500), fill=(40, 60, 200))
    pic.save(path)


def read_image(path):
    return pil_to_tensor(Image.open(path))


def plot(imgs):
    # what the gallery's helper shows, as a digest of the pixels it would draw
    for img in imgs:
        boxes = None
        if isinstance(img, tuple):
            img, boxes = img
        img = F.to_image(img)
        if img.dtype.is_floating_point and img.min() < 0:
            img -= img.min()
            img /= img.max()
        img = F.to_dtype(img, torch.uint8, scale=True)
        if boxes is not None:
            img = draw_bounding_boxes(img, boxes, colors="yellow", width=3)
        pixels = img.permute(1, 2, 0).numpy()
        print(tuple(pixels.shape), hashlib.sha1(pixels.tobytes()).hexdigest()[:16])


make_picture('astronaut.png')
img = read_image('astronaut.png')
print(f"{type(img) = }, {img.dtype = }, {img.shape = }")

transform = v2.RandomCrop(size=(224, 224))
out = transform(img)

plot([img, out])

transforms = v2.Compose([
    v2.RandomResizedCrop(size=(224, 224), antialias=True),
    v2.RandomHorizontalFlip(p=0.5),
    v2.ToDtype(torch.float32, scale=True),
    v2.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225]),
])
out = transforms(img)

plot([img, out])
print(out.dtype, out.shape, round(out.sum().item(), 1), round(out.std().item(), 4))

from torchvision import tv_tensors  # we'll describe this a bit later, bare with us

boxes = tv_tensors.BoundingBoxes(
    [
        [15, 10, 370, 510],
        [275, 340, 510, 510],
        [130, 345, 210, 425]
    ],
    format="XYXY", canvas_size=img.shape[-2:])

transforms = v2.Compose([
    v2.RandomResizedCrop(size=(224, 224), antialias=True),
    v2.RandomPhotometricDistort(p=1),
    v2.RandomHorizontalFlip(p=1),
])
out_img, out_boxes = transforms(img, boxes)
print(type(boxes), type(out_boxes))
print(out_boxes)

plot([(img, boxes), (out_img, out_boxes)])

img_dp = tv_tensors.Image(torch.randint(0, 256, (3, 256, 256), dtype=torch.uint8))

Tensor = torch.Tensor  # the f-string below prints its source text, which names no module
print(f"{isinstance(img_dp, Tensor) = }")
print(f"{img_dp.dtype = }, {img_dp.shape = }, {img_dp.sum() = }")

target = {
    "boxes": boxes,
    "labels": torch.arange(boxes.shape[0]),
    "this_is_ignored": ("arbitrary", {"structure": "!"})
}

# Re-using the transforms and definitions from above.
out_img, out_target = transforms(img, target)

plot([(img, target["boxes"]), (out_img, out_target["boxes"])])
print(f"{out_target['this_is_ignored']}")
print(out_target['boxes'], out_target['labels'])
