import torch
from torch import nn
from vector_quantize_pytorch import (FSQ, LFQ, LatentQuantize, ResidualFSQ, ResidualLFQ, ResidualVQ, SimVQ,
                                     VectorQuantize, GroupedResidualVQ)


def fmt(values, digits=4):
    return [round(v, digits) for v in values]


torch.manual_seed(0)
# a VQ-VAE bottleneck: k-means initialised codebook updated by EMA, dead codes replaced, commitment loss
vq = VectorQuantize(dim=16, codebook_size=32, decay=0.8, commitment_weight=1.0, kmeans_init=True, kmeans_iters=4,
                    threshold_ema_dead_code=2)
encoder = nn.Sequential(nn.Linear(8, 16), nn.GELU(), nn.Linear(16, 16))
decoder = nn.Sequential(nn.Linear(16, 16), nn.GELU(), nn.Linear(16, 8))
opt = torch.optim.Adam([*encoder.parameters(), *decoder.parameters(), *vq.parameters()], lr=3e-3)
data = torch.randn(4, 24, 8)
for step in range(6):
    quantized, indices, commit_loss = vq(encoder(data))
    recon = decoder(quantized)
    loss = (recon - data).pow(2).mean() + commit_loss.sum()
    opt.zero_grad()
    loss.backward()
    opt.step()
    print(step, f'{loss.item():.5f}', f'{commit_loss.item():.5f}', indices.shape, indices.unique().numel())
print('codebook', vq.codebook.shape, f'{vq.codebook.abs().mean().item():.5f}', bool(vq._codebook.initted))
vq.eval()
with torch.no_grad():
    quantized, indices, _ = vq(encoder(data[:1]))
    print('indices', indices[0, :10].tolist())
    print('from indices', torch.allclose(vq.get_output_from_indices(indices), quantized, atol=1e-6))

# cosine-similarity codebook with several heads and a lower codebook dimension, on an image feature map
torch.manual_seed(1)
vq_heads = VectorQuantize(dim=12, codebook_size=16, codebook_dim=4, heads=2, separate_codebook_per_head=True,
                          use_cosine_sim=True, accept_image_fmap=True, orthogonal_reg_weight=0.1)
fmap = torch.randn(2, 12, 4, 4, requires_grad=True)
quantized, indices, loss = vq_heads(fmap)
print('heads', quantized.shape, indices.shape, fmt(loss.flatten().tolist()))
(quantized.square().mean() + loss.sum()).backward()
print('fmap grad', f'{fmap.grad.abs().sum().item():.5f}')

# residual VQ with shared codebook, quantizer dropout and codes returned per layer
torch.manual_seed(2)
residual = ResidualVQ(dim=8, num_quantizers=3, codebook_size=16, shared_codebook=True, quantize_dropout=True,
                      kmeans_init=False)
x = torch.randn(2, 10, 8)
quantized, indices, losses = residual(x)
print('residual', quantized.shape, indices.shape, losses.shape, f'{(quantized - x).pow(2).mean().item():.5f}')
residual.eval()
quantized, indices, losses, all_codes = residual(x, return_all_codes=True)
print('all codes', all_codes.shape, torch.allclose(all_codes.sum(0), quantized, atol=1e-5))
print('residual from indices', torch.allclose(residual.get_output_from_indices(indices), quantized, atol=1e-5))
grouped = GroupedResidualVQ(dim=8, num_quantizers=2, groups=2, codebook_size=8)
quantized, indices, losses = grouped(x)
print('grouped', quantized.shape, indices.shape, losses.shape)

# finite scalar quantization: implicit codebook, indices round trip, a straight-through gradient
fsq = FSQ(levels=[8, 5, 5, 5])
z = torch.randn(2, 6, 4, requires_grad=True)
codes, indices = fsq(z)
print('fsq', codes.shape, indices[0].tolist(), fsq.codebook_size)
print('fsq round trip', torch.allclose(fsq.indices_to_codes(indices), codes))
codes.sum().backward()
print('fsq grad', fmt(z.grad[0, 0].tolist()))
residual_fsq = ResidualFSQ(dim=16, levels=[8, 5, 5], num_quantizers=2)
quantized, indices = residual_fsq(torch.randn(1, 5, 16))
print('residual fsq', quantized.shape, indices.shape)

# lookup-free quantization with its entropy auxiliary loss, and a residual stack of them
torch.manual_seed(3)
lfq = LFQ(codebook_size=64, dim=16, entropy_loss_weight=0.1, diversity_gamma=1.0)
image = torch.randn(1, 16, 4, 4)
quantized, indices, entropy_aux_loss = lfq(image)
print('lfq', quantized.shape, indices.shape, f'{entropy_aux_loss.item():.5f}')
print('lfq indices', indices[0, 0].tolist())
residual_lfq = ResidualLFQ(dim=16, codebook_size=16, num_quantizers=2)
quantized, indices, aux = residual_lfq(torch.randn(1, 7, 16))
print('residual lfq', quantized.shape, indices.shape, fmt(aux.tolist()))

# SimVQ (a frozen codebook through a learned linear map) and latent quantization
torch.manual_seed(4)
sim = SimVQ(dim=8, codebook_size=32, rotation_trick=True)
x = torch.randn(2, 9, 8, requires_grad=True)
quantized, indices, commit = sim(x)
print('simvq', quantized.shape, indices.shape, f'{commit.item():.5f}')
(quantized.sum() + commit).backward()
# (printed to 3 decimals: NumPy's BLAS sums the codebook's small matmul in another order than PyTorch's, one float32 rounding apart)
print('simvq grad', f'{x.grad.abs().sum().item():.3f}')
latent = LatentQuantize(levels=[5, 5, 8], dim=16, commitment_loss_weight=0.1, quantization_loss_weight=0.1)
quantized, indices, loss = latent(torch.randn(1, 16, 3, 3))
print('latent', quantized.shape, indices.shape, f'{loss.item():.5f}')

torch.save(vq.state_dict(), 'vq.pt')
clone = VectorQuantize(dim=16, codebook_size=32, kmeans_init=True)
clone.load_state_dict(torch.load('vq.pt'))
clone.eval()
with torch.no_grad():
    print('reloaded', torch.equal(clone(encoder(data[:1]))[1], vq(encoder(data[:1]))[1]))
