"""PyTorch's tutorial "Optimizing Vision Transformer Model for Deployment" (beginner_source/vt_tutorial.py) without
downloads: timm's DeiT with random weights (seeded; deit_tiny_patch16_224 instead of the hub's pretrained
deit_base_patch16_224, to run in seconds) and a synthetic RGB picture instead of the fetched one; then dynamic
quantization of its Linear layers and the profiler around the float and quantized models. The inference times
the tutorial prints (and tabulates with pandas) are timing: the program prints the predicted classes, how far the
quantized logits are from the float ones (roughly: see below), and that the profiles measured something. Left out: scripting
(ember's jit.script does not yet take the Enum-typed argument of timm's nchw_to), optimize_for_mobile (PyTorch's
CPU build fails it: no XNNPACK) and the lite interpreter that needs it."""
import numpy as np
from PIL import Image
import torch
import timm
import torchvision.transforms as transforms
from timm.data.constants import IMAGENET_DEFAULT_MEAN, IMAGENET_DEFAULT_STD

torch.manual_seed(0)

model = timm.create_model('deit_tiny_patch16_224', pretrained=False)
model.eval()

transform = transforms.Compose([
    transforms.Resize(256, interpolation=transforms.InterpolationMode.BICUBIC),
    transforms.CenterCrop(224),
    transforms.ToTensor(),
    transforms.Normalize(IMAGENET_DEFAULT_MEAN, IMAGENET_DEFAULT_STD),
])

rng = np.random.RandomState(0)
img = Image.fromarray(rng.randint(0, 256, size=(300, 400, 3), dtype=np.uint8))
img = transform(img)[None,]
print(img.shape, round(float(img.mean()), 4))
out = model(img)
clsidx = torch.argmax(out)
print(clsidx.item())
print(out.shape, [round(v, 4) for v in out[0, :4].tolist()])

# Use 'fbgemm' for server inference and 'qnnpack' for mobile inference
backend = "fbgemm"
model.qconfig = torch.quantization.get_default_qconfig(backend)
torch.backends.quantized.engine = backend

quantized_model = torch.quantization.quantize_dynamic(model, qconfig_spec={torch.nn.Linear}, dtype=torch.qint8)
print(type(quantized_model.blocks[0].attn.qkv).__name__, quantized_model.head)

out_q = quantized_model(img)
clsidx = torch.argmax(out_q)
print(clsidx.item())
# within a tenth of the float logits (the bits differ: a float32 sum in another order, a millionth in the patch
# embedding, moves some activations across a quantization step, and twelve blocks carry that on)
print(float((out_q - out).abs().max()) < 0.1)

with torch.autograd.profiler.profile(use_cuda=False) as prof1:
    out = model(img)
with torch.autograd.profiler.profile(use_cuda=False) as prof3:
    out = quantized_model(img)

print("original model timed:", prof1.self_cpu_time_total > 0)
print("quantized model timed:", prof3.self_cpu_time_total > 0)
