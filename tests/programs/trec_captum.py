# PyTorch's "Model Understanding with Captum" (beginner_source/introyt/captumyt.py), run offline and fast: a
# seeded, untrained resnet18 (no pretrained weights to download) on a synthetic 32x32 "photo" (not cat.jpg at 224),
# 10 integrated-gradient steps (not 200), and made-up class labels; the attributions are printed (shapes and
# sums to 2 decimals) where the tutorial draws them with matplotlib, and Captum Insights' widget is left out.
import numpy as np
import torch
import torch.nn.functional as F
import torchvision.transforms as transforms
import torchvision.models as models
from PIL import Image

import captum
from captum.attr import IntegratedGradients, Occlusion, LayerGradCam, LayerAttribution

torch.manual_seed(0)

model = models.resnet18()
model = model.eval()

rng = np.random.RandomState(0)
test_img = Image.fromarray(rng.randint(0, 256, (80, 96, 3)).astype(np.uint8))

# model expects a 3-color image (32x32 here)
transform = transforms.Compose([
 transforms.Resize(32),
 transforms.CenterCrop(32),
 transforms.ToTensor()
])

# standard ImageNet normalization
transform_normalize = transforms.Normalize(
     mean=[0.485, 0.456, 0.406],
     std=[0.229, 0.224, 0.225]
 )

transformed_img = transform(test_img)
input_img = transform_normalize(transformed_img)
input_img = input_img.unsqueeze(0) # the model requires a dummy batch dimension

idx_to_labels = {str(k): [f'n{k:08d}', f'class_{k}'] for k in range(1000)}

output = model(input_img)
output = F.softmax(output, dim=1)
prediction_score, pred_label_idx = torch.topk(output, 1)
pred_label_idx.squeeze_()
predicted_label = idx_to_labels[str(pred_label_idx.item())][1]
print('Predicted:', predicted_label, '(', round(prediction_score.squeeze().item(), 5), ')')


def summary(name, attributions):
    a = attributions.detach()
    print(name, tuple(a.shape), a.dtype, f"{a.sum().item():.2f}", f"{a.abs().sum().item():.2f}",
          f"{(a > 0).float().mean().item():.3f}")


# Initialize the attribution algorithm with the model
integrated_gradients = IntegratedGradients(model)

# Ask the algorithm to attribute our output target to
attributions_ig = integrated_gradients.attribute(input_img, target=pred_label_idx, n_steps=10)
summary('Integrated Gradients', attributions_ig)

occlusion = Occlusion(model)

attributions_occ = occlusion.attribute(input_img,
                                       target=pred_label_idx,
                                       strides=(3, 8, 8),
                                       sliding_window_shapes=(3,15, 15),
                                       baselines=0)
summary('Occlusion', attributions_occ)

layer_gradcam = LayerGradCam(model, model.layer3[1].conv2)
attributions_lgc = layer_gradcam.attribute(input_img, target=pred_label_idx)
summary('Layer GradCAM', attributions_lgc)

upsamp_attr_lgc = LayerAttribution.interpolate(attributions_lgc, input_img.shape[2:])

print(attributions_lgc.shape)
print(upsamp_attr_lgc.shape)
print(input_img.shape)
summary('Upsampled Layer GradCAM', upsamp_attr_lgc)

imgs = [Image.fromarray(rng.randint(0, 256, (72, 64, 3)).astype(np.uint8)) for _ in range(3)]

for img in imgs:
    transformed_img = transform(img)
    input_img = transform_normalize(transformed_img)
    input_img = input_img.unsqueeze(0) # the model requires a dummy batch dimension

    output = model(input_img)
    output = F.softmax(output, dim=1)
    prediction_score, pred_label_idx = torch.topk(output, 1)
    pred_label_idx.squeeze_()
    predicted_label = idx_to_labels[str(pred_label_idx.item())][1]
    print('Predicted:', predicted_label, '/', pred_label_idx.item(), ' (', round(prediction_score.squeeze().item(), 5), ')')
