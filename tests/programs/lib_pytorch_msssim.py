import torch
from pytorch_msssim import ssim, ms_ssim, SSIM, MS_SSIM

torch.manual_seed(0)
X = torch.rand(2, 3, 192, 192)
Y = (X + 0.1 * torch.randn_like(X)).clamp(0, 1)
print(f'{ssim(X, Y, data_range=1.0, size_average=True).item():.6f}')
print([f'{v:.6f}' for v in ssim(X, Y, data_range=1.0, size_average=False).tolist()])
print(f'{ms_ssim(X, Y, data_range=1.0).item():.6f}')
print(f'{ms_ssim(X, Y, data_range=1.0, win_size=7, weights=[0.3, 0.3, 0.4]).item():.6f}')
m = SSIM(data_range=255, size_average=True, channel=3)
print(f'{m(X * 255, Y * 255).item():.5f}')
m2 = MS_SSIM(data_range=1.0, channel=3)
Xg = X.clone().requires_grad_()
loss = 1 - m2(Xg, Y)
loss.backward()
print(f'{loss.item():.6f}', f'{Xg.grad.abs().sum().item():.6f}')
V = torch.rand(1, 1, 16, 64, 64); W = (V + 0.05 * torch.randn_like(V)).clamp(0, 1)
print(f'{ssim(V, W, data_range=1.0, win_size=5).item():.6f}')
