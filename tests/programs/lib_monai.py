import numpy as np
import torch
from monai.data import CacheDataset, DataLoader
from monai.inferers import sliding_window_inference
from monai.losses import DiceCELoss, DiceLoss, FocalLoss
from monai.metrics import DiceMetric, HausdorffDistanceMetric, MeanIoU
from monai.networks.nets import UNet
from monai.networks.utils import one_hot
from monai.transforms import (AsDiscrete, Compose, EnsureChannelFirstd, NormalizeIntensityd, RandFlipd,
                              RandRotate90d, ScaleIntensityd, ToTensord)
from monai.utils import set_determinism

set_determinism(seed=0)
torch.manual_seed(0)
rng = np.random.RandomState(0)
samples = []
for i in range(4):
    image = rng.rand(16, 16).astype(np.float32)
    label = np.zeros((16, 16), dtype=np.float32)
    label[4 + i:10 + i, 3:9 + i] = 1.0
    samples.append({'image': image + label, 'label': label})
transforms = Compose([
    EnsureChannelFirstd(keys=['image', 'label'], channel_dim='no_channel'),
    ScaleIntensityd(keys='image'),
    NormalizeIntensityd(keys='image'),
    RandFlipd(keys=['image', 'label'], prob=0.5, spatial_axis=0),
    RandRotate90d(keys=['image', 'label'], prob=0.5),
    ToTensord(keys=['image', 'label']),
])
transforms.set_random_state(seed=0)
dataset = CacheDataset(samples, transforms, progress=False)
loader = DataLoader(dataset, batch_size=2, shuffle=False)
first = next(iter(loader))
print('batch', type(first['image']).__name__, first['image'].shape, first['label'].shape, first['image'].dtype)
print('image stats', f"{first['image'].mean().item():.5f}", f"{first['image'].std().item():.5f}")

model = UNet(spatial_dims=2, in_channels=1, out_channels=2, channels=(4, 8, 16), strides=(2, 2),
             num_res_units=1, norm='batch')
print('parameters', sum(p.numel() for p in model.parameters()))
loss_fn = DiceLoss(to_onehot_y=True, softmax=True)
dice_ce = DiceCELoss(to_onehot_y=True, softmax=True)
focal = FocalLoss(to_onehot_y=True, gamma=2.0)
# (SGD: a conv bias ahead of batch norm gets a gradient of rounding noise only, which Adam would scale up to full steps)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
for epoch in range(3):
    total = 0.0
    for batch in loader:
        optimizer.zero_grad()
        logits = model(batch['image'])
        loss = loss_fn(logits, batch['label'])
        loss.backward()
        optimizer.step()
        total += loss.item()
    print('epoch', epoch, f'{total / len(loader):.5f}')

model.eval()
post_pred = AsDiscrete(argmax=True, to_onehot=2)
post_label = AsDiscrete(to_onehot=2)
dice = DiceMetric(include_background=False, reduction='mean')
iou = MeanIoU(include_background=False)
hausdorff = HausdorffDistanceMetric(include_background=False, percentile=95)
with torch.no_grad():
    for batch in loader:
        logits = sliding_window_inference(batch['image'], roi_size=(8, 8), sw_batch_size=4, predictor=model,
                                          overlap=0.25, mode='gaussian')
        print('window logits', logits.shape, f'{logits.abs().mean().item():.5f}')
        print('losses', f"{dice_ce(logits, batch['label']).item():.5f}", f"{focal(logits, batch['label']).item():.5f}")
        preds = [post_pred(p) for p in logits]
        labels = [post_label(l) for l in batch['label']]
        dice(y_pred=preds, y=labels)
        iou(y_pred=preds, y=labels)
        hausdorff(y_pred=preds, y=labels)
print('dice', f'{dice.aggregate().item():.5f}', 'iou', f'{iou.aggregate().item():.5f}',
      'hausdorff', f'{hausdorff.aggregate().item():.5f}')
dice.reset()
labels = torch.tensor([[[0, 1], [1, 0]]]).unsqueeze(1)
print('one_hot', one_hot(labels, num_classes=2).shape, one_hot(labels, num_classes=2)[0, 1])
small = first['image'][0, 0, :2, :3]
print(small)
print('affine', first['image'].affine.shape, first['image'].meta.get('spatial_shape', None) is not None)
print('pred', type(preds[0]).__name__, preds[0].shape, preds[0].sum().item())
