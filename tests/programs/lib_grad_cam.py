import torch
import torchvision
import numpy as np
from pytorch_grad_cam import GradCAM, GradCAMPlusPlus, ScoreCAM, XGradCAM, EigenCAM, LayerCAM, HiResCAM
from pytorch_grad_cam.utils.model_targets import ClassifierOutputTarget
from pytorch_grad_cam.utils.image import show_cam_on_image

torch.manual_seed(0)
model = torchvision.models.resnet18(num_classes=10).eval()
x = torch.randn(2, 3, 64, 64)
targets = [ClassifierOutputTarget(3), ClassifierOutputTarget(7)]
layers = [model.layer4[-1]]
for cls in [GradCAM, GradCAMPlusPlus, XGradCAM, EigenCAM, LayerCAM, HiResCAM]:
    with cls(model=model, target_layers=layers) as cam:
        g = cam(input_tensor=x, targets=targets)
    print(cls.__name__, g.shape, g.dtype, f'{g.mean():.4f}', f'{g.max():.5f}', f'{g[:, 20:40, 20:40].mean():.4f}')
with ScoreCAM(model=model, target_layers=[model.layer3[-1]]) as cam:
    cam.batch_size = 128
    g = cam(input_tensor=x[:1, :, :48, :48], targets=targets[:1])
print('ScoreCAM', g.shape, f'{g.mean():.4f}')
with GradCAM(model=model, target_layers=[model.layer3[-1]]) as cam:
    g = cam(input_tensor=x, targets=None, aug_smooth=False, eigen_smooth=True)
print('eigen', f'{g.mean():.4f}')
img = np.float32(np.random.RandomState(0).rand(64, 64, 3))
vis = show_cam_on_image(img, g[0], use_rgb=True)
print(vis.shape, vis.dtype, round(float(vis.mean()), 1))
