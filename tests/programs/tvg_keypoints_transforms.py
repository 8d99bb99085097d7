# torchvision gallery "Transforms on KeyPoints" (gallery/transforms/plot_keypoints_transforms.py), run offline and
# fast: a synthetic 250x300 picture drawn with Pillow stands for assets/pottery.jpg, the gallery's points and sizes
# scaled to it by 0.25; the gallery's `plot` helper draws the points with draw_keypoints and prints them (to two
# decimals) and a digest of the pixels.
import hashlib

import numpy as np
from PIL import Image, ImageDraw

import torch
from torchvision.tv_tensors import KeyPoints
from torchvision.transforms import v2
from torchvision.transforms.v2 import functional as F
from torchvision.utils import draw_keypoints


def plot(imgs, bbox_width=3):
    for img, points in imgs:
        img = F.to_image(img)
        drawn = draw_keypoints(img, points, colors="yellow", radius=bbox_width // 2 + 1)
        pixels = drawn.permute(1, 2, 0).numpy()
        print(tuple(pixels.shape), hashlib.sha1(pixels.tobytes()).hexdigest()[:12], points.canvas_size,
              [round(v, 2) + 0.0 for v in points[0, ::4].flatten().tolist()])


torch.manual_seed(0)

rng = np.random.RandomState(0)
orig_img = Image.fromarray(rng.randint(100, 170, (300, 250, 3)).astype(np.uint8))
ImageDraw.Draw(orig_img).ellipse((60, 130, 160, 230), fill=(190, 120, 70))

orig_pts = KeyPoints(
    [
        [
            [445, 700],  # nose
            [320, 660],
            [370, 660],
            [420, 660],  # left eye
            [300, 620],
            [420, 620],  # left eyebrow
            [475, 665],
            [515, 665],
            [555, 655],  # right eye
            [460, 625],
            [560, 600],  # right eyebrow
            [370, 780],
            [450, 760],
            [540, 780],
            [450, 820],  # mouth
        ],
    ],
    canvas_size=(orig_img.size[1], orig_img.size[0]),
) * 0.25
orig_pts = KeyPoints(orig_pts, canvas_size=(orig_img.size[1], orig_img.size[0]))

plot([(orig_img, orig_pts)])

rotater = v2.RandomRotation(degrees=(0, 180), expand=True)
rotated_imgs = [rotater((orig_img, orig_pts)) for _ in range(4)]
plot([(orig_img, orig_pts)] + rotated_imgs, bbox_width=10)

padded_imgs_and_points = [
    v2.Pad(padding=padding)(orig_img, orig_pts)
    for padding in (8, 12, 25, 50)
]
plot([(orig_img, orig_pts)] + padded_imgs_and_points, bbox_width=10)

resized_imgs = [
    v2.Resize(size=size)(orig_img, orig_pts)
    for size in (75, 125, 250, orig_img.size)
]
plot([(orig_img, orig_pts)] + resized_imgs, bbox_width=5)

perspective_transformer = v2.RandomPerspective(distortion_scale=0.6, p=1.0)
perspective_imgs = [perspective_transformer(orig_img, orig_pts) for _ in range(4)]
plot([(orig_img, orig_pts)] + perspective_imgs, bbox_width=10)

center_crops_and_points = [
    v2.CenterCrop(size=size)(orig_img, orig_pts)
    for size in (75, 125, 250, orig_img.size)
]
plot([(orig_img, orig_pts)] + center_crops_and_points)

rotater = v2.RandomRotation(degrees=(0, 180))
rotated_imgs = [rotater((orig_img, orig_pts)) for _ in range(4)]
plot([(orig_img, orig_pts)] + rotated_imgs)
