import warnings

import torch
from diffusers import DDIMScheduler, DDPMPipeline, DDPMScheduler, EulerDiscreteScheduler, UNet2DModel
from diffusers.models import AutoencoderKL
from diffusers.optimization import get_cosine_schedule_with_warmup
from diffusers.training_utils import EMAModel

warnings.filterwarnings('ignore')
torch.manual_seed(0)
unet = UNet2DModel(sample_size=8, in_channels=1, out_channels=1, layers_per_block=1, block_out_channels=(8, 16),
                   down_block_types=('DownBlock2D', 'AttnDownBlock2D'), up_block_types=('AttnUpBlock2D', 'UpBlock2D'),
                   norm_num_groups=4, attention_head_dim=4)
print(sum(p.numel() for p in unet.parameters()), unet.config.sample_size, unet.dtype)
scheduler = DDPMScheduler(num_train_timesteps=50, beta_schedule='squaredcos_cap_v2')
opt = torch.optim.AdamW(unet.parameters(), lr=1e-3)
lr_sched = get_cosine_schedule_with_warmup(opt, num_warmup_steps=1, num_training_steps=4)
ema = EMAModel(unet.parameters(), decay=0.9)
images = torch.rand(4, 1, 8, 8) * 2 - 1
for step in range(4):
    noise = torch.randn_like(images)
    timesteps = torch.randint(0, 50, (4,))
    noisy = scheduler.add_noise(images, noise, timesteps)
    pred = unet(noisy, timesteps).sample
    loss = torch.nn.functional.mse_loss(pred, noise)
    opt.zero_grad()
    loss.backward()
    opt.step()
    lr_sched.step()
    ema.step(unet.parameters())
    print(step, f'{loss.item():.5f}', f'{lr_sched.get_last_lr()[0]:.6f}')

unet.save_pretrained('unet')
reloaded = UNet2DModel.from_pretrained('unet')
x = torch.randn(1, 1, 8, 8)
with torch.no_grad():
    print('reloaded', torch.allclose(reloaded(x, 3).sample, unet(x, 3).sample, atol=1e-6))
ema.copy_to(reloaded.parameters())

pipeline = DDPMPipeline(unet=unet, scheduler=scheduler)
pipeline.set_progress_bar_config(disable=True)
generated = pipeline(batch_size=2, num_inference_steps=5, generator=torch.Generator().manual_seed(1), output_type='np')
print('ddpm', generated.images.shape, f'{generated.images.mean():.5f}')

for sampler_cls in (DDIMScheduler, EulerDiscreteScheduler):
    sampler = sampler_cls.from_config(scheduler.config)
    sampler.set_timesteps(4)
    sample = torch.randn(1, 1, 8, 8, generator=torch.Generator().manual_seed(2)) * sampler.init_noise_sigma
    with torch.no_grad():
        for t in sampler.timesteps:
            model_input = sampler.scale_model_input(sample, t)
            sample = sampler.step(unet(model_input, t).sample, t, sample).prev_sample
    print(sampler_cls.__name__, sampler.timesteps.tolist(), f'{sample.abs().mean().item():.6g}')

vae = AutoencoderKL(in_channels=3, out_channels=3, down_block_types=('DownEncoderBlock2D', 'DownEncoderBlock2D'),
                    up_block_types=('UpDecoderBlock2D', 'UpDecoderBlock2D'), block_out_channels=(8, 16),
                    latent_channels=2, norm_num_groups=4, sample_size=16)
posterior = vae.encode(torch.rand(1, 3, 16, 16)).latent_dist
latent = posterior.sample(generator=torch.Generator().manual_seed(3))
print('vae', tuple(latent.shape), tuple(vae.decode(latent).sample.shape), f'{posterior.kl().item():.4f}')
