import torch
import segmentation_models_pytorch as smp
from segmentation_models_pytorch.losses import DiceLoss, FocalLoss, JaccardLoss
from segmentation_models_pytorch.metrics import f1_score, get_stats, iou_score

torch.manual_seed(0)
model = smp.Unet(encoder_name='resnet18', encoder_weights=None, in_channels=3, classes=3, decoder_channels=(32, 16, 8, 8, 4))
print(type(model.encoder).__name__, sum(p.numel() for p in model.parameters()))
images = torch.rand(2, 3, 64, 64)   # (layer4's batch norm sees 2x2 maps: at 1x1 two samples normalise to +-1)
masks = torch.randint(0, 3, (2, 64, 64))
dice = DiceLoss(mode='multiclass')
focal = FocalLoss(mode='multiclass')
opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
for step in range(3):
    logits = model(images)
    loss = dice(logits, masks) + focal(logits, masks)
    opt.zero_grad()
    loss.backward()
    opt.step()
    print(step, tuple(logits.shape), f'{loss.item():.5f}')
model.eval()
with torch.no_grad():
    pred = model(images).argmax(1)
tp, fp, fn, tn = get_stats(pred, masks, mode='multiclass', num_classes=3)
print('iou', f'{iou_score(tp, fp, fn, tn, reduction="micro").item():.5f}',
      'f1', f'{f1_score(tp, fp, fn, tn, reduction="macro").item():.5f}')
print('jaccard', f'{JaccardLoss(mode="binary")(torch.randn(2, 1, 8, 8), (torch.rand(2, 1, 8, 8) > 0.5).float()).item():.5f}')
for arch in (smp.FPN, smp.DeepLabV3Plus, smp.Linknet, smp.PSPNet):
    net = arch(encoder_name='resnet18', encoder_weights=None, classes=2)
    net.eval()
    with torch.no_grad():
        print(arch.__name__, tuple(net(torch.rand(1, 3, 64, 64)).shape))
aux = smp.Unet('resnet18', encoder_weights=None, classes=1, aux_params={'classes': 4, 'dropout': 0.2})
aux.eval()
mask, label = aux(images)
print('aux', tuple(mask.shape), tuple(label.shape))
model.save_pretrained('smp-unet')
restored = smp.from_pretrained('smp-unet')
restored.eval()
with torch.no_grad():
    print('restored', type(restored).__name__, torch.allclose(restored(images), model(images), atol=1e-6))
