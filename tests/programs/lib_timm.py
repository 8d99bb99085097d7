"""timm (pytorch-image-models): models built with random weights, a training step with timm's optimizer,
scheduler, Mixup and losses, its data transforms, feature extraction and a state_dict round trip."""
import io
import os
import random
import tempfile

import numpy as np
import timm
import torch
from PIL import Image
from timm.data import Mixup, create_transform, resolve_data_config
from timm.loss import LabelSmoothingCrossEntropy, SoftTargetCrossEntropy
from timm.optim import create_optimizer_v2
from timm.scheduler import create_scheduler_v2
from timm.utils import ModelEmaV3, accuracy

torch.manual_seed(0)
print(len(timm.list_models('resnet1*')) > 0, timm.list_models('convnext_at*'))


def summary(name, model, x):
    model.eval()
    with torch.no_grad():
        features = model.forward_features(x)
        pooled = model.forward_head(features, pre_logits=True)
        logits = model(x)
    count = sum(p.numel() for p in model.parameters())
    print(name, count, tuple(features.shape), tuple(pooled.shape), tuple(logits.shape))
    # three significant digits: convolutions and matmuls sum float32 products in another order than PyTorch's
    print('   ', f'{features.abs().mean().item():.2e}', [f'{v:.2e}' for v in pooled[0, :4].tolist()],
          f'{logits.abs().sum().item():.2e}')


specs = [('resnet18', {}, 64), ('vit_tiny_patch16_224', {'img_size': 32}, 32),
         ('mobilenetv3_small_100', {}, 64), ('efficientnet_b0', {}, 64), ('convnext_atto', {}, 64),
         ('deit_tiny_distilled_patch16_224', {'img_size': 32}, 32),
         ('swin_tiny_patch4_window7_224', {'img_size': 56, 'window_size': 7}, 56),
         ('mixer_s16_224', {'img_size': 32}, 32)]
for name, kwargs, size in specs:
    torch.manual_seed(1)
    model = timm.create_model(name, pretrained=False, num_classes=10, **kwargs)
    summary(name, model, torch.randn(2, 3, size, size))

torch.manual_seed(2)
model = timm.create_model('resnet18', pretrained=False, num_classes=10)
cfg = model.pretrained_cfg
print(cfg['input_size'], cfg['mean'], cfg['std'], cfg['interpolation'], model.default_cfg['num_classes'])
data_cfg = resolve_data_config({}, model=model)
print(sorted(data_cfg.items()))
train_tf = create_transform(input_size=64, is_training=True, auto_augment=None)
eval_tf = create_transform(input_size=64, crop_pct=0.875, interpolation='bilinear')
print(eval_tf)
rng = np.random.RandomState(0)
image = Image.fromarray(rng.randint(0, 256, (80, 96, 3), dtype=np.uint8))
t = eval_tf(image)
print(tuple(t.shape), t.dtype, f'{t.mean().item():.4f}', f'{t.std().item():.4f}')
torch.manual_seed(3)
random.seed(3)
t = train_tf(image)
print(tuple(t.shape), f'{t.mean().item():.4f}')

optimizer = create_optimizer_v2(model, opt='adamw', lr=1e-3, weight_decay=0.05)
print(type(optimizer).__name__, len(optimizer.param_groups), [g['weight_decay'] for g in optimizer.param_groups])
scheduler, epochs = create_scheduler_v2(optimizer, sched='cosine', num_epochs=4, warmup_epochs=1, warmup_lr=1e-5)
print(type(scheduler).__name__, epochs)
mixup = Mixup(mixup_alpha=0.8, cutmix_alpha=1.0, label_smoothing=0.1, num_classes=10)
soft_loss = SoftTargetCrossEntropy()
smooth_loss = LabelSmoothingCrossEntropy(smoothing=0.1)
torch.manual_seed(4)
np.random.seed(4)
xs = torch.randn(4, 3, 64, 64)
ys = torch.randint(0, 10, (4,))
model.train()
for epoch in range(4):
    x, y = mixup(xs.clone(), ys.clone())
    loss = soft_loss(model(x), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    scheduler.step(epoch + 1)
    print(epoch, f'{loss.item():.4f}', f'{optimizer.param_groups[0]["lr"]:.6f}', tuple(y.shape))
model.eval()
with torch.no_grad():
    logits = model(xs)
    print(f'{smooth_loss(logits, ys).item():.4f}', [f'{a.item():.1f}' for a in accuracy(logits, ys, topk=(1, 5))])
print(model.fc)
print(model.layer1[0])

# activation checkpointing through timm's checkpoint_seq, and an EMA of the weights
torch.manual_seed(5)
vit = timm.create_model('vit_tiny_patch16_224', pretrained=False, img_size=32, num_classes=10, drop_path_rate=0.1)
vit.set_grad_checkpointing(True)
ema = ModelEmaV3(vit, decay=0.9)
vit_opt = create_optimizer_v2(vit, opt='sgd', lr=0.05, momentum=0.9, weight_decay=1e-4)
vit.train()
images = torch.randn(4, 3, 32, 32)
for step in range(3):
    loss = smooth_loss(vit(images), ys)
    vit_opt.zero_grad()
    loss.backward()
    vit_opt.step()
    ema.update(vit, step=step)
    print(step, f'{loss.item():.4f}', f'{vit.head.weight.grad.norm().item():.4f}')
ema.module.eval()
with torch.no_grad():
    print(f'{ema.module(images).abs().sum().item():.2f}')

features = timm.create_model('resnet18', pretrained=False, features_only=True, out_indices=(1, 2, 3))
print(features.feature_info.channels(), features.feature_info.reduction())
with torch.no_grad():
    print([tuple(f.shape) for f in features(xs)])
    print(tuple(model.forward_features(xs).shape), tuple(model.forward_head(model.forward_features(xs), pre_logits=True).shape))

buffer = io.BytesIO()
torch.save(model.state_dict(), buffer)
buffer.seek(0)
clone = timm.create_model('resnet18', pretrained=False, num_classes=10)
print(clone.load_state_dict(torch.load(buffer)))
clone.eval()
with torch.no_grad():
    print(torch.equal(clone(xs), model(xs)))

# timm's torch.fx feature extractor, TorchScript, and weights read from a local safetensors file
small = timm.create_model('resnet10t', pretrained=False, num_classes=5).eval()
fx_features = timm.create_model('resnet10t', pretrained=False, features_only=True, feature_cls='fx', out_indices=(2, 3))
with torch.no_grad():
    print(type(fx_features).__name__, [tuple(f.shape) for f in fx_features(xs)])
    scripted = torch.jit.script(small)
    print(type(scripted).__name__, torch.allclose(scripted(xs), small(xs)))
from safetensors.torch import save_file
with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, 'weights.safetensors')
    save_file(small.state_dict(), path)
    loaded = timm.create_model('resnet10t', pretrained=True, num_classes=5,
                               pretrained_cfg_overlay=dict(file=path)).eval()
# (the pretrained config's 1000 classes differ from the 5 asked for: timm keeps a fresh classifier)
with torch.no_grad():
    print(torch.equal(loaded.forward_features(xs), small.forward_features(xs)),
          torch.equal(loaded.fc.weight, small.fc.weight))
