# torchvision gallery "Transforms on Rotated Bounding Boxes" (gallery/transforms/plot_rotated_box_transforms.py), run
# offline and fast: a synthetic 300x500 picture of a leaning tower drawn with Pillow stands for
# assets/leaning_tower.jpg, the gallery's box and crop sizes scaled to it by 0.2; the gallery's matplotlib `plot`
# helper draws each picture's boxes with draw_bounding_boxes and prints a digest of the pixels and the boxes (the
# boxes to two decimals: ember's float32 sine and rotated-box clamping differ from PyTorch's in the last bits; the
# elastic warp's picture by its mean colour: its displacement is blurred by a convolution whose float32 sums are
# ordered differently, which moves a few pixels by one).
import hashlib

import numpy as np
from PIL import Image, ImageDraw

import torch
import torchvision.transforms.functional as F
from torchvision import tv_tensors
from torchvision.transforms import v2
from torchvision.transforms.v2 import functional as F2
from torchvision.utils import draw_bounding_boxes


def plot(imgs, exact=True):
    if not isinstance(imgs[0], list):
        imgs = [imgs]
    for row in imgs:
        for img in row:
            boxes = None
            if isinstance(img, tuple):
                img, boxes = img
            img = F2.to_image(img)
            if boxes is not None:
                img = draw_bounding_boxes(img, boxes, colors="yellow", width=3)
                print(boxes.format, boxes.canvas_size, boxes.clamping_mode,
                      [round(v, 2) + 0.0 for v in boxes.flatten().tolist()])
            pixels = img.permute(1, 2, 0).numpy()
            if exact:
                print(' ', pixels.shape, hashlib.sha1(pixels.tobytes()).hexdigest()[:16])
            else:
                print(' ', pixels.shape, [round(v, 2) for v in pixels.reshape(-1, 3).mean(0).tolist()])


torch.manual_seed(0)

rng = np.random.RandomState(0)
orig_img = Image.fromarray(rng.randint(90, 160, (500, 300, 3)).astype(np.uint8))
ImageDraw.Draw(orig_img).polygon([(135, 40), (230, 52), (190, 420), (90, 410)], fill=(220, 210, 180))
ImageDraw.Draw(orig_img).rectangle((0, 430, 300, 500), fill=(60, 140, 60))

orig_box = tv_tensors.BoundingBoxes(
    [
        [172.0, 220, 114, 368, -7],
    ],
    format="CXCYWHR",
    canvas_size=(orig_img.size[1], orig_img.size[0]),
    clamping_mode="hard",
)
orig_box = v2.ConvertBoundingBoxFormat("xyxyxyxy")(orig_box)

plot([(orig_img, orig_box)])

out_img, out_box = v2.RandomRotation(degrees=(0, 180), expand=True)(orig_img, orig_box)
plot([(out_img, out_box)])

padded_imgs_and_boxes = [
    v2.Pad(padding=padding)(orig_img, orig_box) for padding in (10, 30, 50, 100)
]
plot([(orig_img, orig_box)] + padded_imgs_and_boxes)

resized_imgs_and_boxes = [v2.Resize(size=size)(orig_img, orig_box) for size in (30, 50, 100, orig_img.size)]
plot([(orig_img, orig_box)] + resized_imgs_and_boxes)

rotater = v2.RandomRotation(degrees=(0, 180))
rotated_imgs = [rotater((orig_img, orig_box)) for _ in range(4)]
plot([(orig_img, orig_box)] + rotated_imgs)

plot([v2.ElasticTransform(alpha=250.0)(orig_img, orig_box)], exact=False)

soft_box = orig_box.clone()
soft_box.clamping_mode = "soft"

hard_center_crops_and_boxes = [
    v2.CenterCrop(size=size)(orig_img, orig_box)
    for size in (160, 240, 400, orig_img.size)
]

soft_center_crops_and_boxes = [
    v2.CenterCrop(size=size)(orig_img, soft_box)
    for size in (160, 240, 400, orig_img.size)
]

plot([[(orig_img, orig_box)] + hard_center_crops_and_boxes,
      [(orig_img, soft_box)] + soft_center_crops_and_boxes])
