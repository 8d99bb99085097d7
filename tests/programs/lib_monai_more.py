import numpy as np
import torch
from monai.data import ArrayDataset, MetaTensor, decollate_batch, DataLoader
from monai.losses import GeneralizedDiceLoss, TverskyLoss, DiceFocalLoss, MaskedDiceLoss
from monai.metrics import ConfusionMatrixMetric, SurfaceDistanceMetric, compute_roc_auc, ROCAUCMetric
from monai.networks.nets import AttentionUnet, BasicUNet, DynUNet, SegResNet, DenseNet121, SwinUNETR, ViT
from monai.transforms import (Compose, RandAffine, RandGaussianNoise, Resize, Spacing, Flip, CropForeground,
                              SpatialPad, RandSpatialCrop, ScaleIntensityRange, Activations, AsDiscrete, Lambda,
                              KeepLargestConnectedComponent, FillHoles)
from monai.utils import set_determinism

set_determinism(seed=0)
torch.manual_seed(0)
image = MetaTensor(torch.rand(1, 12, 10, 8), affine=torch.diag(torch.tensor([2.0, 1.5, 1.0, 1.0])))
print('meta', image.shape, image.affine.diag().tolist(), image.pixdim.tolist() if hasattr(image, 'pixdim') else None)
spaced = Spacing(pixdim=(1.0, 1.0, 1.0), mode='bilinear')(image)
print('spacing', spaced.shape, spaced.affine.diag().tolist(), f'{spaced.mean().item():.5f}')
flip = Flip(spatial_axis=(0, 1))
flipped = flip(image)
print('flip', flipped.shape, flipped.affine[:3, 3].tolist(), f'{(flipped.flip(1).flip(2) - image).abs().max().item():.5f}')
padded = SpatialPad(spatial_size=(16, 16, 16))(image)
print('pad', padded.shape, padded.affine[:3, 3].tolist())
resized = Resize(spatial_size=(6, 5, 4))(image)
print('resize', resized.shape, f'{resized.sum().item():.4f}')
fg = torch.zeros(1, 8, 8, 8)
fg[:, 2:5, 3:7, 1:4] = 1.0
print('crop foreground', CropForeground()(fg).shape)
affine = RandAffine(prob=1.0, rotate_range=(0.3, 0.3, 0.3), scale_range=(0.1, 0.1, 0.1), padding_mode='zeros')
affine.set_random_state(seed=1)
moved = affine(image)
print('rand affine', moved.shape, f'{moved.sum().item():.4f}', type(moved).__name__)
noise = RandGaussianNoise(prob=1.0, std=0.1)
noise.set_random_state(seed=2)
print('noise', f'{noise(image).mean().item():.5f}')
crop = RandSpatialCrop(roi_size=(6, 6, 6), random_size=False)
crop.set_random_state(seed=3)
print('rand crop', crop(image).shape)
print('scale range', ScaleIntensityRange(a_min=0.0, a_max=1.0, b_min=-1.0, b_max=1.0, clip=True)(image).min().item() >= -1)
inverted = flip.inverse(flipped)
print('inverse', f'{(inverted - image).abs().max().item():.5f}')

torch.manual_seed(0)
x3 = torch.rand(2, 1, 16, 16, 16)
x2 = torch.rand(2, 1, 32, 32)
networks = [
    ('BasicUNet', BasicUNet(spatial_dims=2, in_channels=1, out_channels=2, features=(4, 4, 8, 8, 16, 4)), x2),
    ('AttentionUnet', AttentionUnet(spatial_dims=2, in_channels=1, out_channels=2, channels=(4, 8, 16), strides=(2, 2)), x2),
    ('SegResNet', SegResNet(spatial_dims=3, in_channels=1, out_channels=2, init_filters=8, blocks_down=(1, 1), blocks_up=(1,)), x3),
    ('DynUNet', DynUNet(spatial_dims=2, in_channels=1, out_channels=2, kernel_size=[3, 3, 3], strides=[1, 2, 2],
                        upsample_kernel_size=[2, 2], filters=[4, 8, 16], deep_supervision=False), x2),
    ('DenseNet121', DenseNet121(spatial_dims=2, in_channels=1, out_channels=3, init_features=4, growth_rate=4, block_config=(2, 2, 2, 2)), x2),
    ('ViT', ViT(in_channels=1, img_size=(32, 32), patch_size=(8, 8), hidden_size=32, mlp_dim=64, num_layers=2, num_heads=4,
                spatial_dims=2, classification=True, num_classes=3), x2),
    ('SwinUNETR', SwinUNETR(in_channels=1, out_channels=2, feature_size=12, depths=(1, 1, 1, 1), num_heads=(1, 1, 1, 1),
                            spatial_dims=2), torch.rand(1, 1, 64, 64)),
]
for name, net, inputs in networks:
    torch.manual_seed(1)
    out = net(inputs)
    out = out[0] if isinstance(out, (tuple, list)) else out
    out.float().square().mean().backward()
    grads = sum(p.grad.abs().sum().item() for p in net.parameters() if p.grad is not None)
    # (gradient sums to 3 significant digits: DenseNet's conv weights' gradients, cancelling sums through batch norm,
    # differ from PyTorch's from the 4th)
    print(name, sum(p.numel() for p in net.parameters()), tuple(out.shape), f'{out.mean().item():.5f}', f'{grads:.3g}')

logits = torch.randn(2, 3, 8, 8, requires_grad=True)
target = torch.randint(0, 3, (2, 1, 8, 8))
for name, loss in [('generalized dice', GeneralizedDiceLoss(to_onehot_y=True, softmax=True)),
                   ('tversky', TverskyLoss(to_onehot_y=True, softmax=True, alpha=0.3, beta=0.7)),
                   ('dice focal', DiceFocalLoss(to_onehot_y=True, softmax=True, lambda_focal=0.5))]:
    value = loss(logits, target)
    grad, = torch.autograd.grad(value, logits)
    print(name, f'{value.item():.5f}', f'{grad.abs().sum().item():.5f}')
mask = (torch.rand(2, 1, 8, 8) > 0.3).float()
print('masked dice', f'{MaskedDiceLoss(to_onehot_y=True, softmax=True)(logits, target, mask=mask).item():.5f}')

pred = AsDiscrete(argmax=True, to_onehot=3)(logits[0]).unsqueeze(0)
lab = AsDiscrete(to_onehot=3)(target[0]).unsqueeze(0)
cm = ConfusionMatrixMetric(metric_name=['sensitivity', 'precision', 'f1 score'], include_background=True)
cm(y_pred=pred, y=lab)
print('confusion', [f'{v.item():.5f}' for v in cm.aggregate()])
sd = SurfaceDistanceMetric(include_background=False, symmetric=True)
sd(y_pred=pred, y=lab)
print('surface distance', f'{sd.aggregate().item():.5f}')
scores = torch.tensor([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]])
print('roc auc', compute_roc_auc(scores, torch.tensor([[0, 1], [1, 0], [1, 0], [0, 1]]), average='macro'))
post = Compose([Activations(sigmoid=True), AsDiscrete(threshold=0.5), KeepLargestConnectedComponent(applied_labels=[1]), FillHoles()])
blob = torch.full((1, 6, 6), -3.0)
blob[:, 1:4, 1:4] = 3.0
blob[:, 2, 2] = -3.0
blob[:, 5, 5] = 3.0
print('post', post(blob)[0].int().tolist())
ds = ArrayDataset([np.ones((1, 4, 4), np.float32) * i for i in range(4)], Lambda(lambda a: a * 2), [0, 1, 0, 1])
batch = next(iter(DataLoader(ds, batch_size=4)))
print('array dataset', batch[0].shape, batch[0].sum().item(), batch[1].tolist())
items = decollate_batch({'img': batch[0], 'label': batch[1]})
print('decollate', len(items), items[0]['img'].shape, items[1]['label'])
from monai.transforms import RandCropByPosNegLabeld
pair = {'image': torch.rand(1, 16, 16), 'label': (torch.rand(1, 16, 16) > 0.7).float()}
pos_neg = RandCropByPosNegLabeld(keys=['image', 'label'], label_key='label', spatial_size=(8, 8), num_samples=3)
pos_neg.set_random_state(0)
crops = pos_neg(pair)
print('pos/neg crops', len(crops), crops[0]['image'].shape, [f"{c['image'].sum().item():.4f}" for c in crops])
