import random

import torch
from denoising_diffusion_pytorch import (ElucidatedDiffusion, GaussianDiffusion, GaussianDiffusion1D,
                                         KarrasUnet, Unet, Unet1D)
from ema_pytorch import EMA


def fmt(values, digits=4):
    return [round(v, digits) for v in values]


torch.manual_seed(0)
unet = Unet(dim=8, dim_mults=(1, 2), channels=3, attn_dim_head=8, attn_heads=2)
diffusion = GaussianDiffusion(unet, image_size=8, timesteps=20, sampling_timesteps=4, objective='pred_v',
                              beta_schedule='sigmoid', min_snr_loss_weight=True)
print('params', sum(p.numel() for p in unet.parameters()))
print('betas', fmt(diffusion.betas[:4].tolist(), 6), diffusion.num_timesteps, diffusion.is_ddim_sampling)
ema = EMA(unet, beta=0.9, update_after_step=0, update_every=1)
opt = torch.optim.Adam(unet.parameters(), lr=1e-3)
images = torch.rand(4, 3, 8, 8)
for step in range(4):
    loss = diffusion(images)
    opt.zero_grad()
    loss.backward()
    opt.step()
    ema.update()
    print(step, f'{loss.item():.4f}')
print('ema step', ema.step.item(), f'{next(ema.ema_model.parameters()).abs().mean().item():.5f}')

diffusion.eval()
with torch.no_grad():
    sampled = diffusion.sample(batch_size=2)
    print('ddim sample', sampled.shape, f'{sampled.mean().item():.4f}', f'{sampled.min().item():.4f}',
          f'{sampled.max().item():.4f}')
    ancestral = GaussianDiffusion(ema.ema_model, image_size=8, timesteps=6, objective='pred_noise',
                                  beta_schedule='cosine')
    out = ancestral.sample(batch_size=1, return_all_timesteps=True)
    print('ancestral', out.shape, f'{out[:, -1].mean().item():.4f}')
    mixed = diffusion.interpolate(images[:1], images[1:2], t=3, lam=0.5)
    print('interpolate', mixed.shape, f'{mixed.std().item():.4f}')

# self-conditioning, the x0 objective, offset noise
torch.manual_seed(1)
random.seed(0)      # (self-conditioning is switched on per batch by Python's random())
cond_unet = Unet(dim=8, dim_mults=(1, 2), channels=1, self_condition=True,
                 attn_dim_head=8, attn_heads=2)
cond = GaussianDiffusion(cond_unet, image_size=8, timesteps=10, objective='pred_x0', beta_schedule='linear',
                         auto_normalize=False, offset_noise_strength=0.1)
loss = cond(torch.rand(2, 1, 8, 8) * 2 - 1)
loss.backward()
print('self-cond', f'{loss.item():.4f}', f'{cond_unet.init_conv.weight.grad.abs().sum().item():.4f}')

# 1-D sequences
torch.manual_seed(2)
unet1d = Unet1D(dim=8, dim_mults=(1, 2), channels=2, attn_dim_head=8, attn_heads=2)
diffusion1d = GaussianDiffusion1D(unet1d, seq_length=16, timesteps=10, objective='pred_noise')
loss = diffusion1d(torch.rand(3, 2, 16))
loss.backward()
print('1d', f'{loss.item():.4f}', diffusion1d.sample(batch_size=1).shape)

# Karras' EDM sampler over a U-Net with a learned-sinusoidal time embedding, and the magnitude-preserving U-Net
torch.manual_seed(3)
edm_unet = Unet(dim=8, dim_mults=(1, 2), channels=1, learned_sinusoidal_cond=True, attn_dim_head=8, attn_heads=2)
edm = ElucidatedDiffusion(edm_unet, image_size=8, channels=1, num_sample_steps=3)
loss = edm(torch.rand(2, 1, 8, 8))
loss.backward()
print('edm', f'{loss.item():.4f}')
with torch.no_grad():
    print('edm sample', edm.sample(batch_size=1).shape)
karras = KarrasUnet(image_size=8, dim=16, dim_max=32, channels=1, num_downsamples=1, num_blocks_per_stage=1,
                    attn_res=(4,), attn_dim_head=8)
denoised = karras(torch.randn(2, 1, 8, 8), torch.tensor([0.5, 1.5]))
(denoised - 1).square().mean().backward()
# (its output gain starts at zero: the gain alone gets a gradient on the first step)
print('karras', denoised.shape, f'{sum(p.grad.abs().sum() for p in karras.parameters() if p.grad is not None).item():.4f}')

torch.save({'model': unet.state_dict(), 'ema': ema.state_dict()}, 'ckpt.pt')
state = torch.load('ckpt.pt')
clone = Unet(dim=8, dim_mults=(1, 2), channels=3, attn_dim_head=8, attn_heads=2)
clone.load_state_dict(state['model'])
clone_ema = EMA(clone, beta=0.9)
clone_ema.load_state_dict(state['ema'])
t = torch.tensor([3, 7])
x = torch.randn(2, 3, 8, 8)
print('reloaded', torch.allclose(clone(x, t), unet(x, t), atol=1e-5),
      torch.allclose(clone_ema(x, t), ema(x, t), atol=1e-5))
