import torch
import torch.nn.functional as F
from torch import nn
from rotary_embedding_torch import RotaryEmbedding, apply_learned_rotations, apply_rotary_emb, broadcat


def fmt(values, digits=4):
    return [round(v, digits) for v in values]


class RotaryAttention(nn.Module):
    """A causal self-attention block whose queries and keys are rotated by position (RoPE)."""

    def __init__(self, dim, heads, rotary):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, dim * 3, bias=False)
        self.out = nn.Linear(dim, dim)
        self.rotary = rotary

    def forward(self, x):
        b, n, d = x.shape
        q, k, v = self.qkv(x).view(b, n, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        if self.rotary.use_xpos:
            q, k = self.rotary.rotate_queries_and_keys(q, k)
        else:
            q, k = self.rotary.rotate_queries_or_keys(q), self.rotary.rotate_queries_or_keys(k)
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        return self.out(y.transpose(1, 2).reshape(b, n, d))


torch.manual_seed(0)
rotary = RotaryEmbedding(dim=8)
print('freqs', fmt(rotary.freqs.tolist(), 6), rotary.freqs.requires_grad)
model = nn.Sequential(nn.Embedding(16, 32), RotaryAttention(32, 2, rotary), nn.LayerNorm(32), nn.Linear(32, 16))
opt = torch.optim.AdamW(model.parameters(), lr=1e-2)
tokens = torch.randint(0, 16, (4, 12))
for step in range(5):
    logits = model(tokens[:, :-1])
    loss = F.cross_entropy(logits.reshape(-1, 16), tokens[:, 1:].reshape(-1))
    opt.zero_grad()
    loss.backward()
    opt.step()
    print(step, f'{loss.item():.5f}')
print('cached', rotary.cached_freqs_seq_len, rotary.cached_freqs.shape)

# rotating keeps norms and makes q.k depend on the offset between positions only
q = torch.randn(1, 2, 6, 8)
rotated = rotary.rotate_queries_or_keys(q)
print('norms kept', torch.allclose(rotated.norm(dim=-1), q.norm(dim=-1), atol=1e-5))
same = torch.ones(1, 1, 6, 8)
r = rotary.rotate_queries_or_keys(same)
print('relative', f'{(r[0, 0, 1] @ r[0, 0, 3]).item():.5f}', f'{(r[0, 0, 2] @ r[0, 0, 4]).item():.5f}')
shifted = rotary.rotate_queries_or_keys(q, offset=3)
print('offset', fmt(shifted[0, 0, 0, :4].tolist()))

# decoding with a key cache: the queries rotated at the cache's end
k = torch.randn(1, 2, 9, 8)
q_last, k_all = rotary.rotate_queries_with_cached_keys(q[:, :, -2:], k)
print('cached keys', q_last.shape, k_all.shape,
      torch.allclose(q_last, rotary.rotate_queries_or_keys(q[:, :, -2:], offset=7), atol=1e-6))

# xpos: queries and keys rotated and scaled in opposite directions
torch.manual_seed(1)
xpos = RotaryEmbedding(dim=8, use_xpos=True, xpos_scale_base=16)
attn = RotaryAttention(16, 2, xpos)
x = torch.randn(2, 7, 16, requires_grad=True)
y = attn(x)
y.square().mean().backward()
print('xpos', f'{y.abs().mean().item():.5f}', f'{x.grad.abs().sum().item():.5f}')
qx, kx = xpos.rotate_queries_and_keys(q, q.clone())
print('xpos scale', fmt((qx.norm(dim=-1) / q.norm(dim=-1))[0, 0].tolist()))

# sequence before heads, an interpolation factor for longer contexts, and partial rotation
seq_first = RotaryEmbedding(dim=4, seq_before_head_dim=True, interpolate_factor=2.)
t = torch.randn(1, 5, 2, 8)
rotated = seq_first.rotate_queries_or_keys(t)
print('seq first', rotated.shape, torch.equal(rotated[..., 4:], t[..., 4:]), fmt(rotated[0, 1, 0, :4].tolist()))

# learned frequencies receive gradients
learned = RotaryEmbedding(dim=8, learned_freq=True)
out = learned.rotate_queries_or_keys(torch.randn(1, 1, 5, 8))
out.sum().backward()
print('learned grad', fmt(learned.freqs.grad.tolist()))

# axial (pixel) frequencies for a 2-D feature map
pixel = RotaryEmbedding(dim=4, freqs_for='pixel', max_freq=8)
freqs = pixel.get_axial_freqs(3, 5)
image_tokens = torch.randn(1, 3, 5, 16)
rotated = apply_rotary_emb(freqs, image_tokens)
print('axial', freqs.shape, rotated.shape, fmt(rotated[0, 1, 2, :6].tolist()))

# the lower-level functions
freqs = rotary(torch.arange(6))
print('freqs table', freqs.shape, fmt(freqs[5, :4].tolist()))
print('apply', fmt(apply_rotary_emb(freqs, q)[0, 1, 5, :4].tolist()))
rotations = torch.randn(6, 4)
print('learned rotations', fmt(apply_learned_rotations(rotations, q[0, 0])[5, :4].tolist()))
print('broadcat', broadcat((torch.ones(3, 1, 2), torch.zeros(1, 4, 2)), dim=-1).shape)

torch.save(model.state_dict(), 'model.pt')
clone = nn.Sequential(nn.Embedding(16, 32), RotaryAttention(32, 2, RotaryEmbedding(dim=8)), nn.LayerNorm(32),
                      nn.Linear(32, 16))
print(sorted(k for k in clone.state_dict() if 'rotary' in k))
clone.load_state_dict(torch.load('model.pt'))
print('reloaded', torch.allclose(clone(tokens), model(tokens), atol=1e-6))
