import torch
from torch import nn
from torch.utils.data import TensorDataset, DataLoader
from opacus import PrivacyEngine, GradSampleModule
from opacus.validators import ModuleValidator

torch.manual_seed(0)
X = torch.randn(64, 10)
y = (X[:, 0] + X[:, 1] > 0).long()
loader = DataLoader(TensorDataset(X, y), batch_size=16)

# per-sample gradients
model = nn.Sequential(nn.Linear(10, 8), nn.ReLU(), nn.Linear(8, 2))
gsm = GradSampleModule(model)
out = gsm(X[:4])
nn.functional.cross_entropy(out, y[:4]).backward()
for n, p in gsm.named_parameters():
    print(n, tuple(p.grad_sample.shape), f'{p.grad_sample.abs().sum().item():.6f}', f'{p.grad_sample.norm().item():.6f}')
gsm.zero_grad()
gsm._close()

# a conv net with GroupNorm and an embedding/LSTM-free set of layers
conv = nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 6 * 6, 3))
print([str(e) for e in ModuleValidator.validate(conv, strict=False)])
conv = ModuleValidator.fix(conv)
print(conv)
g = GradSampleModule(conv)
img = torch.randn(5, 1, 8, 8)
nn.functional.cross_entropy(g(img), torch.tensor([0, 1, 2, 0, 1])).backward()
for n, p in g.named_parameters():
    print(n, tuple(p.grad_sample.shape), f'{p.grad_sample.abs().sum().item():.5f}')
g._close()

# DP-SGD
torch.manual_seed(1)
model = nn.Sequential(nn.Linear(10, 8), nn.ReLU(), nn.Linear(8, 2))
opt = torch.optim.SGD(model.parameters(), lr=0.5)
pe = PrivacyEngine(accountant='rdp')
model, opt, dl = pe.make_private(module=model, optimizer=opt, data_loader=loader, noise_multiplier=1.1,
                                 max_grad_norm=1.0, poisson_sampling=False)
torch.manual_seed(2)
for epoch in range(2):
    for xb, yb in dl:
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(xb), yb)
        loss.backward()
        opt.step()
    print(epoch, f'{loss.item():.5f}', f'{pe.get_epsilon(1e-5):.4f}')
print(f'{sum(p.sum() for p in model.parameters()).item():.5f}')
# noise-free clipping is deterministic: check the clipped average
torch.manual_seed(3)
m2 = nn.Sequential(nn.Linear(10, 3))
o2 = torch.optim.SGD(m2.parameters(), lr=1.0)
pe2 = PrivacyEngine()
m2, o2, dl2 = pe2.make_private(module=m2, optimizer=o2, data_loader=loader, noise_multiplier=0.0,
                               max_grad_norm=0.5, poisson_sampling=False)
xb, yb = next(iter(dl2))
o2.zero_grad()
nn.functional.cross_entropy(m2(xb), yb).backward()
o2.step()
print([f'{v:.6f}' for v in m2._module[0].weight.sum(1).tolist()])
print(type(pe2.accountant).__name__, len(pe2.accountant.history))
