# PyTorch tutorial "TorchVision Object Detection Finetuning Tutorial" (intermediate_source/torchvision_tutorial.py),
# run offline and fast: a synthetic PennFudanPed folder (4 images of 64x80 pixels with two pedestrians each, their
# instance masks as grey levels 1 and 2 of an 8-bit PNG) instead of the download, the models with fresh weights
# (weights=None, weights_backbone=None) and images resized to min_size=64/max_size=96 instead of 800/1333, loading in
# the main process; the references' engine/utils are not downloaded (their collate_fn is written inline). The
# models are built, their heads replaced, the data loaded and the optimizer and scheduler made, but not run: the
# torchvision this was recorded with lacks its C++ operators (roi_align, nms), so PyTorch's side of the forward
# passes and the training cannot be recorded here;
# images are read with pil_to_tensor(Image.open(...)) where the tutorial calls torchvision.io.read_image (the same
# uint8 CHW tensors: the torchvision this was recorded with lacks its image-decoding extension).
import os

import numpy as np
from PIL import Image

import torch

from torchvision.transforms.functional import pil_to_tensor
from torchvision.ops.boxes import masks_to_boxes
from torchvision import tv_tensors
from torchvision.transforms.v2 import functional as F

torch.manual_seed(0)


def read_image(path):   # torchvision.io.read_image's result, read through PIL
    return pil_to_tensor(Image.open(path))


root = 'data/PennFudanPed'
os.makedirs(os.path.join(root, "PNGImages"), exist_ok=True)
os.makedirs(os.path.join(root, "PedMasks"), exist_ok=True)
rng = np.random.RandomState(0)
for k in range(4):
    Image.fromarray(rng.randint(0, 256, (64, 80, 3)).astype(np.uint8)).save(
        os.path.join(root, "PNGImages", "FudanPed%05d.png" % (k + 1)))
    mask = np.zeros((64, 80), np.uint8)
    mask[5 + k:40 + k, 6:20 + 2 * k] = 1
    mask[12:60, 40 + k:70] = 2
    Image.fromarray(mask, mode='L').save(os.path.join(root, "PedMasks", "FudanPed%05d_mask.png" % (k + 1)))


class PennFudanDataset(torch.utils.data.Dataset):
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
        # instances are encoded as different colors
        obj_ids = torch.unique(mask)
        # first id is the background, so remove it
        obj_ids = obj_ids[1:]
        num_objs = len(obj_ids)

        # split the color-encoded mask into a set
        # of binary masks
        masks = (mask == obj_ids[:, None, None]).to(dtype=torch.uint8)

        # get bounding box coordinates for each mask
        boxes = masks_to_boxes(masks)

        # there is only one class
        labels = torch.ones((num_objs,), dtype=torch.int64)

        image_id = idx
        area = (boxes[:, 3] - boxes[:, 1]) * (boxes[:, 2] - boxes[:, 0])
        # suppose all instances are not crowd
        iscrowd = torch.zeros((num_objs,), dtype=torch.int64)

        # Wrap sample and targets into torchvision tv_tensors:
        img = tv_tensors.Image(img)

        target = {}
        target["boxes"] = tv_tensors.BoundingBoxes(boxes, format="XYXY", canvas_size=F.get_size(img))
        target["masks"] = tv_tensors.Mask(masks)
        target["labels"] = labels
        target["image_id"] = image_id
        target["area"] = area
        target["iscrowd"] = iscrowd

        if self.transforms is not None:
            img, target = self.transforms(img, target)

        return img, target

    def __len__(self):
        return len(self.imgs)


import torchvision
from torchvision.models.detection.faster_rcnn import FastRCNNPredictor

model = torchvision.models.detection.fasterrcnn_resnet50_fpn(weights=None, weights_backbone=None,
                                                             min_size=64, max_size=96)
num_classes = 2  # 1 class (person) + background
in_features = model.roi_heads.box_predictor.cls_score.in_features
model.roi_heads.box_predictor = FastRCNNPredictor(in_features, num_classes)
print(model.roi_heads.box_predictor)

from torchvision.models.detection import FasterRCNN
from torchvision.models.detection.rpn import AnchorGenerator

backbone = torchvision.models.mobilenet_v2(weights=None).features
backbone.out_channels = 1280

anchor_generator = AnchorGenerator(
    sizes=((32, 64, 128, 256, 512),),
    aspect_ratios=((0.5, 1.0, 2.0),)
)

roi_pooler = torchvision.ops.MultiScaleRoIAlign(
    featmap_names=['0'],
    output_size=7,
    sampling_ratio=2
)

model = FasterRCNN(
    backbone,
    num_classes=2,
    rpn_anchor_generator=anchor_generator,
    box_roi_pool=roi_pooler,
    min_size=64, max_size=96
)
print(model.rpn.anchor_generator.num_anchors_per_location(), model.roi_heads.box_roi_pool)

from torchvision.models.detection.mask_rcnn import MaskRCNNPredictor


def get_model_instance_segmentation(num_classes):
    # load an instance segmentation model
    model = torchvision.models.detection.maskrcnn_resnet50_fpn(weights=None, weights_backbone=None,
                                                               min_size=64, max_size=96)

    # get number of input features for the classifier
    in_features = model.roi_heads.box_predictor.cls_score.in_features
    # replace the pre-trained head with a new one
    model.roi_heads.box_predictor = FastRCNNPredictor(in_features, num_classes)

    # now get the number of input features for the mask classifier
    in_features_mask = model.roi_heads.mask_predictor.conv5_mask.in_channels
    hidden_layer = 256
    # and replace the mask predictor with a new one
    model.roi_heads.mask_predictor = MaskRCNNPredictor(
        in_features_mask,
        hidden_layer,
        num_classes
    )

    return model


from torchvision.transforms import v2 as T


def get_transform(train):
    transforms = []
    if train:
        transforms.append(T.RandomHorizontalFlip(0.5))
    transforms.append(T.ToDtype(torch.float, scale=True))
    transforms.append(T.ToPureTensor())
    return T.Compose(transforms)


def collate_fn(batch):   # references/detection/utils.py's
    return tuple(zip(*batch))


model = torchvision.models.detection.fasterrcnn_resnet50_fpn(weights=None, weights_backbone=None,
                                                             min_size=64, max_size=96)
dataset = PennFudanDataset('data/PennFudanPed', get_transform(train=True))
img, target = dataset[0]
print(type(img), img.dtype, img.shape, {k: (type(v).__name__, getattr(v, 'shape', v)) for k, v in target.items()})
print(target["boxes"], target["area"])
data_loader = torch.utils.data.DataLoader(
    dataset,
    batch_size=2,
    shuffle=True,
    num_workers=0,
    collate_fn=collate_fn
)

# For Training
images, targets = next(iter(data_loader))
images = list(image for image in images)
targets = [{k: v for k, v in t.items()} for t in targets]
print([img.shape for img in images], [t['labels'] for t in targets])

device = torch.device('cuda') if torch.cuda.is_available() else torch.device('cpu')

num_classes = 2
dataset = PennFudanDataset('data/PennFudanPed', get_transform(train=True))
dataset_test = PennFudanDataset('data/PennFudanPed', get_transform(train=False))

indices = torch.randperm(len(dataset)).tolist()
print(indices)
dataset = torch.utils.data.Subset(dataset, indices[:-2])
dataset_test = torch.utils.data.Subset(dataset_test, indices[-2:])

data_loader = torch.utils.data.DataLoader(
    dataset,
    batch_size=2,
    shuffle=True,
    num_workers=0,
    collate_fn=collate_fn
)

data_loader_test = torch.utils.data.DataLoader(
    dataset_test,
    batch_size=1,
    shuffle=False,
    num_workers=0,
    collate_fn=collate_fn
)

model = get_model_instance_segmentation(num_classes)
model.to(device)

params = [p for p in model.parameters() if p.requires_grad]
optimizer = torch.optim.SGD(
    params,
    lr=0.005,
    momentum=0.9,
    weight_decay=0.0005
)
lr_scheduler = torch.optim.lr_scheduler.StepLR(
    optimizer,
    step_size=3,
    gamma=0.1
)

print(len(params), lr_scheduler.get_last_lr())
for images, targets in data_loader_test:
    print([img.shape for img in images], [sorted(t) for t in targets])
print("That's it!")
