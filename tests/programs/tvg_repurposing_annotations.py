# torchvision gallery "Repurposing masks into bounding boxes" (gallery/others/plot_repurposing_annotations.py), run
# offline: a synthetic pedestrian picture and its instance mask (three people as grey levels 1, 2 and 3 of an 8-bit
# PNG) drawn with Pillow stand for assets/FudanPed00054*.png, read through pil_to_tensor (read_image's result: the
# torchvision this was recorded with lacks its image-decoding extension); `show` prints a digest of each picture's
# pixels; the Faster R-CNN training step is left out (the torchvision this was recorded with lacks the C++
# operators, nms and roi_align, that it needs), and the segmentation-to-detection dataset is built and read on a
# synthetic PennFudanPed folder.
import hashlib
import os

import numpy as np
from PIL import Image, ImageDraw

import torch

import torchvision.transforms.functional as F


def show(imgs):
    if not isinstance(imgs, list):
        imgs = [imgs]
    for i, img in enumerate(imgs):
        img = img.detach()
        img = F.to_pil_image(img)
        pixels = np.asarray(img)
        print('show', img.mode, pixels.shape, hashlib.sha1(pixels.tobytes()).hexdigest()[:16])


def make_pedestrians(img_path, mask_path, seed, size=(200, 150)):
    rng = np.random.RandomState(seed)
    pic = Image.fromarray(rng.randint(0, 256, (size[1], size[0], 3)).astype(np.uint8))
    mask = Image.new('L', size)
    for k, (x, y) in enumerate([(20, 30), (80, 10), (140, 40)]):
        w, h = 30 + 5 * k + seed, 90 - 10 * k
        ImageDraw.Draw(pic).ellipse((x, y, x + w, y + h), fill=(200, 40 * k, 90))
        ImageDraw.Draw(mask).ellipse((x, y, x + w, y + h), fill=k + 1)
    pic.save(img_path)
    mask.save(mask_path)


def read_image(path):
    return F.pil_to_tensor(Image.open(path))


make_pedestrians("FudanPed00054.png", "FudanPed00054_mask.png", 0)
img = read_image("FudanPed00054.png")
mask = read_image("FudanPed00054_mask.png")

print(mask.size())
print(img.size())
print(mask)

obj_ids = torch.unique(mask)

obj_ids = obj_ids[1:]

masks = mask == obj_ids[:, None, None]

print(masks.size())
print(masks)

from torchvision.utils import draw_segmentation_masks

drawn_masks = []
for mask in masks:
    drawn_masks.append(draw_segmentation_masks(img, mask, alpha=0.8, colors="blue"))

show(drawn_masks)

from torchvision.ops import masks_to_boxes

boxes = masks_to_boxes(masks)
print(boxes.size())
print(boxes)

from torchvision.utils import draw_bounding_boxes

drawn_boxes = draw_bounding_boxes(img, boxes, colors="red")
show(drawn_boxes)

from torchvision.models.detection import FasterRCNN_ResNet50_FPN_Weights

weights = FasterRCNN_ResNet50_FPN_Weights.DEFAULT
print(img.size())

tranforms = weights.transforms()
img = tranforms(img)
target = {}
target["boxes"] = boxes
target["labels"] = labels = torch.ones((masks.size(0),), dtype=torch.int64)
print(img.dtype, img.shape, round(img.sum().item(), 3), target)


class SegmentationToDetectionDataset(torch.utils.data.Dataset):
    def __init__(self, root, transforms):
        self.root = root
        self.transforms = transforms
        # load all image files, sorting them to
        # ensure that they are aligned
        self.imgs = list(sorted(os.listdir(os.path.join(root, "PNGImages"))))
        self.masks = list(sorted(os.listdir(os.path.join(root, "PedMasks"))))

    def __getitem__(self, idx):
        # load images and masks
        img_path = os.path.join(self.root, "PNGImages", self.imgs[idx])
        mask_path = os.path.join(self.root, "PedMasks", self.masks[idx])

        img = read_image(img_path)
        mask = read_image(mask_path)

        img = F.convert_image_dtype(img, dtype=torch.float)
        mask = F.convert_image_dtype(mask, dtype=torch.float)

        # We get the unique colors, as these would be the object ids.
        obj_ids = torch.unique(mask)

        # first id is the background, so remove it.
        obj_ids = obj_ids[1:]

        # split the color-encoded mask into a set of boolean masks.
        masks = mask == obj_ids[:, None, None]

        boxes = masks_to_boxes(masks)

        # there is only one class
        labels = torch.ones((masks.shape[0],), dtype=torch.int64)

        target = {}
        target["boxes"] = boxes
        target["labels"] = labels

        if self.transforms is not None:
            img, target = self.transforms(img, target)

        return img, target

    def __len__(self):
        return len(self.imgs)


os.makedirs(os.path.join("PennFudanPed", "PNGImages"))
os.makedirs(os.path.join("PennFudanPed", "PedMasks"))
for k in range(3):
    make_pedestrians(os.path.join("PennFudanPed", "PNGImages", "FudanPed%05d.png" % (k + 1)),
                     os.path.join("PennFudanPed", "PedMasks", "FudanPed%05d_mask.png" % (k + 1)), k + 1)
dataset = SegmentationToDetectionDataset("PennFudanPed", None)
for k in range(len(dataset)):
    img, target = dataset[k]
    print(img.shape, round(img.mean().item(), 5), target)
