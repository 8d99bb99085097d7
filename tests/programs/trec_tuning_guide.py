# PyTorch recipe "Performance Tuning Guide" (recipes_source/recipes/tuning_guide.py), its runnable CPU code:
# gradients set to None versus zeroed, the TorchScript-fused GELU, oneDNN Graph fusion with a traced and frozen
# model, the bfloat16 autocast path through torch.fx.experimental.optimization.fuse, and the cuDNN auto-tuner
# flag. Seeded; resnet18 on 2x3x64x64 inputs (not resnet50 on 32x3x224x224), and what the guide times is
# printed as results: the traced/frozen/fused models' outputs compared with the eager model's. (The frozen
# module's type is not printed: torch.jit.freeze makes a RecursiveScriptModule, ember returns the traced module.)
import torch
import torch.nn as nn
import torchvision

torch.manual_seed(0)

# Use parameter.grad = None instead of model.zero_grad() or optimizer.zero_grad()
model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 2))
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
model(torch.randn(4, 8)).sum().backward()
model.zero_grad(set_to_none=False)
print([p.grad is None for p in model.parameters()], [float(p.grad.abs().sum()) for p in model.parameters()])
model(torch.randn(4, 8)).sum().backward()
optimizer.zero_grad()
print([p.grad is None for p in model.parameters()])
model(torch.randn(4, 8)).sum().backward()
for param in model.parameters():
    param.grad = None
print([p.grad is None for p in model.parameters()])


# Fuse pointwise operations
@torch.jit.script
def fused_gelu(x):
    return x * 0.5 * (1.0 + torch.erf(x / 1.41421))

x = torch.randn(3, 4)
print(fused_gelu(x))
print(torch.allclose(fused_gelu(x), nn.functional.gelu(x), atol=1e-4))

# Use oneDNN Graph with TorchScript for inference
torch.jit.enable_onednn_fusion(True)
print(torch.jit.onednn_fusion_enabled())

sample_input = [torch.rand(2, 3, 64, 64)]
model = getattr(torchvision.models, "resnet18")().eval()
with torch.no_grad():
    expected = model(*sample_input)
traced_model = torch.jit.trace(model, sample_input)
traced_model = torch.jit.freeze(traced_model)

with torch.no_grad():
    # a couple of warm-up runs
    traced_model(*sample_input)
    traced_model(*sample_input)
    out = traced_model(*sample_input)
print(out.shape, torch.allclose(out, expected, atol=1e-4))

# (the guide turns TorchScript's own autocast pass off here, torch._C._jit_set_autocast_mode(False): ember's traced
# programs have no such pass, so the line is left out and both run with their default)

example_input = sample_input[0]
with torch.no_grad(), torch.cpu.amp.autocast(cache_enabled=False, dtype=torch.bfloat16):
    import torch.fx.experimental.optimization as optimization
    model = optimization.fuse(model)
    print(type(model).__name__, sum(isinstance(m, nn.BatchNorm2d) for m in model.modules()))
    model = torch.jit.trace(model, (example_input))
    model = torch.jit.freeze(model)
    # a couple of warm-up runs
    model(example_input)
    model(example_input)
    out = model(example_input)
print(out.dtype, out.shape, (out.float() - expected).abs().max().item() < 0.25 * expected.abs().max().item())
torch.jit.enable_onednn_fusion(False)

# Enable cuDNN auto-tuner
torch.backends.cudnn.benchmark = True
print(torch.backends.cudnn.benchmark)
torch.backends.cudnn.benchmark = False
