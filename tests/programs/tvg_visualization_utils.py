# torchvision gallery "Visualization utilities" (gallery/others/plot_visualization_utils.py), run offline and fast:
# two synthetic 240x320 "dog" pictures drawn with Pillow (and a 320x240 "person") stand for the assets, read through
# pil_to_tensor (read_image's result: the torchvision this was recorded with lacks its image-decoding extension);
# the gallery's boxes are scaled to the smaller pictures; FCN-ResNet50 runs with fresh weights
# (weights=None, weights_backbone=None, 21 classes) under the DEFAULT weights' preprocessing; the Faster/Mask/Keypoint
# R-CNN outputs are stood for by fixed boxes, seeded mask probabilities and the gallery's own keypoint prediction
# (the torchvision this was recorded with lacks the C++ operators, nms and roi_align, that those models need).
# `show` saves each picture as a PNG with Pillow and prints a digest of the pixels read back.
import hashlib

import numpy as np
from PIL import Image, ImageDraw

import torch
import torchvision.transforms.functional as F

torch.manual_seed(0)
_shown = [0]


def show(imgs):
    if not isinstance(imgs, list):
        imgs = [imgs]
    for i, img in enumerate(imgs):
        img = img.detach()
        img = F.to_pil_image(img)
        _shown[0] += 1
        path = f'shown_{_shown[0]}.png'
        img.save(path)
        pixels = np.asarray(Image.open(path))
        print('show', _shown[0], img.mode, pixels.shape, hashlib.sha1(pixels.tobytes()).hexdigest()[:16])


def picture(path, seed, size=(320, 240)):
    rng = np.random.RandomState(seed)
    pic = Image.fromarray(rng.randint(60, 120, (size[1], size[0], 3)).astype(np.uint8))
    draw = ImageDraw.Draw(pic)
    for _ in range(6):
        x, y = rng.randint(0, size[0] - 40), rng.randint(0, size[1] - 40)
        draw.ellipse((x, y, x + rng.randint(20, 120), y + rng.randint(20, 120)),
                     fill=tuple(int(c) for c in rng.randint(0, 256, 3)))
    pic.save(path)


def read_image(path):
    return F.pil_to_tensor(Image.open(path))


picture('dog1.png', 1)
picture('dog2.png', 2)
picture('person1.png', 3, size=(240, 320))

from torchvision.utils import make_grid

dog1_int = read_image('dog1.png')
dog2_int = read_image('dog2.png')
dog_list = [dog1_int, dog2_int]

grid = make_grid(dog_list)
show(grid)
show(make_grid(dog_list, nrow=1, padding=4, pad_value=255))

from torchvision.utils import draw_bounding_boxes

boxes = torch.tensor([[25, 25, 50, 100], [105, 75, 175, 215]], dtype=torch.float)
colors = ["blue", "yellow"]
result = draw_bounding_boxes(dog1_int, boxes, colors=colors, width=5)
show(result)
show(draw_bounding_boxes(dog2_int, boxes, labels=["dog", "cat"], colors=["red", (0, 255, 0)], fill=True, width=2))

# what fasterrcnn_resnet50_fpn returned for each dog, as fixed boxes and scores
outputs = [{'boxes': torch.tensor([[30.5, 20.25, 200.0, 180.75], [10.0, 100.0, 60.0, 230.0]]),
            'scores': torch.tensor([0.9876, 0.4321])},
           {'boxes': torch.tensor([[120.0, 40.0, 300.0, 220.0]]), 'scores': torch.tensor([0.9123])}]
score_threshold = .8
dogs_with_boxes = [
    draw_bounding_boxes(dog_int, boxes=output['boxes'][output['scores'] > score_threshold], width=4)
    for dog_int, output in zip(dog_list, outputs)
]
show(dogs_with_boxes)

from torchvision.models.segmentation import fcn_resnet50, FCN_ResNet50_Weights

weights = FCN_ResNet50_Weights.DEFAULT
transforms = weights.transforms(resize_size=None)

model = fcn_resnet50(weights=None, weights_backbone=None, num_classes=21, aux_loss=True, progress=False)
model = model.eval()

batch = torch.stack([transforms(d) for d in dog_list])
print(batch.shape, round(batch.mean().item(), 4))
with torch.no_grad():
    output = model(batch)['out']
print(output.shape, round(output.min().item(), 2), round(output.max().item(), 2))

sem_class_to_idx = {cls: idx for (idx, cls) in enumerate(weights.meta["categories"])}

normalized_masks = torch.nn.functional.softmax(output, dim=1)

dog_and_boat_masks = [
    normalized_masks[img_idx, sem_class_to_idx[cls]]
    for img_idx in range(len(dog_list))
    for cls in ('dog', 'boat')
]
print([round(m.mean().item(), 4) for m in dog_and_boat_masks])

class_dim = 1
boolean_dog_masks = (normalized_masks.argmax(class_dim) == sem_class_to_idx['dog'])
print(f"shape = {boolean_dog_masks.shape}, dtype = {boolean_dog_masks.dtype}")
print(boolean_dog_masks.sum().item(), normalized_masks.argmax(class_dim).unique())
show([m.float() for m in boolean_dog_masks])

from torchvision.utils import draw_segmentation_masks

dogs_with_masks = [
    draw_segmentation_masks(img, masks=mask, alpha=0.7)
    for img, mask in zip(dog_list, boolean_dog_masks)
]
show(dogs_with_masks)

num_classes = normalized_masks.shape[1]
dog1_masks = normalized_masks[0]
class_dim = 0
dog1_all_classes_masks = dog1_masks.argmax(class_dim) == torch.arange(num_classes)[:, None, None]

print(f"dog1_masks shape = {dog1_masks.shape}, dtype = {dog1_masks.dtype}")
print(f"dog1_all_classes_masks = {dog1_all_classes_masks.shape}, dtype = {dog1_all_classes_masks.dtype}")

dog_with_all_masks = draw_segmentation_masks(dog1_int, masks=dog1_all_classes_masks, alpha=.6)
show(dog_with_all_masks)

class_dim = 1
all_classes_masks = normalized_masks.argmax(class_dim) == torch.arange(num_classes)[:, None, None, None]
print(f"shape = {all_classes_masks.shape}, dtype = {all_classes_masks.dtype}")
all_classes_masks = all_classes_masks.swapaxes(0, 1)

dogs_with_masks = [
    draw_segmentation_masks(img, masks=mask, alpha=.6)
    for img, mask in zip(dog_list, all_classes_masks)
]
show(dogs_with_masks)

# what maskrcnn_resnet50_fpn returned: seeded, smooth per-instance mask probabilities
def instance_masks(n, h, w):
    coarse = torch.rand(n, 1, h // 16, w // 16)
    return torch.nn.functional.interpolate(coarse, size=(h, w), mode='bilinear', align_corners=False)


output = [{'masks': instance_masks(3, 240, 320), 'scores': torch.tensor([0.99, 0.6, 0.3]),
           'labels': torch.tensor([18, 1, 1])},
          {'masks': instance_masks(2, 240, 320), 'scores': torch.tensor([0.95, 0.8]),
           'labels': torch.tensor([18, 15])}]
dog1_output = output[0]
dog1_masks = dog1_output['masks']
print(f"shape = {dog1_masks.shape}, dtype = {dog1_masks.dtype}, "
      f"min = {dog1_masks.min()}, max = {dog1_masks.max()}")

from torchvision.models.detection import MaskRCNN_ResNet50_FPN_Weights

weights = MaskRCNN_ResNet50_FPN_Weights.DEFAULT
print("For the first dog, the following instances were detected:")
print([weights.meta["categories"][label] for label in dog1_output['labels']])

proba_threshold = 0.5
dog1_bool_masks = dog1_output['masks'] > proba_threshold
print(f"shape = {dog1_bool_masks.shape}, dtype = {dog1_bool_masks.dtype}")

dog1_bool_masks = dog1_bool_masks.squeeze(1)

show(draw_segmentation_masks(dog1_int, dog1_bool_masks, alpha=0.9))

print(dog1_output['scores'])

score_threshold = .75

boolean_masks = [
    out['masks'][out['scores'] > score_threshold] > proba_threshold
    for out in output
]

dogs_with_masks = [
    draw_segmentation_masks(img, mask.squeeze(1))
    for img, mask in zip(dog_list, boolean_masks)
]
show(dogs_with_masks)
show(draw_segmentation_masks(dog2_int, boolean_masks[1].squeeze(1), colors=["purple", (255, 128, 0)], alpha=0.4))

from torchvision.utils import draw_keypoints

person_int = read_image('person1.png')

coco_keypoints = [
    "nose", "left_eye", "right_eye", "left_ear", "right_ear",
    "left_shoulder", "right_shoulder", "left_elbow", "right_elbow",
    "left_wrist", "right_wrist", "left_hip", "right_hip",
    "left_knee", "right_knee", "left_ankle", "right_ankle",
]

connect_skeleton = [
    (0, 1), (0, 2), (1, 3), (2, 4), (0, 5), (0, 6), (5, 7), (6, 8),
    (7, 9), (8, 10), (5, 11), (6, 12), (11, 13), (12, 14), (13, 15), (14, 16)
]

# the gallery's keypoint prediction, scaled to the smaller picture
prediction = torch.tensor(
    [[[208.0176, 214.2409, 1.0000],
      [000.0000, 000.0000, 0.0000],
      [197.8246, 210.6392, 1.0000],
      [000.0000, 000.0000, 0.0000],
      [178.6378, 217.8425, 1.0000],
      [221.2086, 253.8591, 1.0000],
      [160.6502, 269.4662, 1.0000],
      [243.9929, 304.2822, 1.0000],
      [138.4654, 328.8935, 1.0000],
      [277.5698, 340.8990, 1.0000],
      [153.4551, 374.5145, 1.0000],
      [000.0000, 000.0000, 0.0000],
      [226.0053, 370.3125, 1.0000],
      [221.8081, 455.5516, 1.0000],
      [273.9723, 448.9486, 1.0000],
      [193.6275, 546.1933, 1.0000],
      [273.3727, 545.5930, 1.0000]]]
) * torch.tensor([0.55, 0.55, 1.0])
keypoints = prediction[..., :2]

res = draw_keypoints(person_int, keypoints, colors="blue", radius=3)
show(res)

res = draw_keypoints(person_int, keypoints, connectivity=connect_skeleton, colors="blue", radius=4, width=3)
show(res)

coordinates, visibility = prediction.split([2, 1], dim=-1)
visibility = visibility.bool()

res = draw_keypoints(
    person_int, coordinates, visibility=visibility, connectivity=connect_skeleton, colors="blue", radius=4, width=3
)
show(res)
