"""Vision transformers written the way lucidrains/vit-pytorch writes them: einops' Rearrange layers
and repeat/rearrange on tensors, a class token and learned positions (ViT), 2-d sine-cosine
positions built with meshgrid (SimpleViT), pre-norm attention with a fused qkv projection."""
import torch
from einops import rearrange, repeat
from einops.layers.torch import Rearrange
from torch import nn


def pair(t):
    return t if isinstance(t, tuple) else (t, t)


def posemb_sincos_2d(h, w, dim, temperature=10000, dtype=torch.float32):
    y, x = torch.meshgrid(torch.arange(h), torch.arange(w), indexing="ij")
    omega = torch.arange(dim // 4) / (dim // 4 - 1)
    omega = 1.0 / (temperature ** omega)
    y = y.flatten()[:, None] * omega[None, :]
    x = x.flatten()[:, None] * omega[None, :]
    return torch.cat((x.sin(), x.cos(), y.sin(), y.cos()), dim=1).type(dtype)


class FeedForward(nn.Module):
    def __init__(self, dim, hidden_dim, dropout=0.):
        super().__init__()
        self.net = nn.Sequential(nn.LayerNorm(dim), nn.Linear(dim, hidden_dim), nn.GELU(), nn.Dropout(dropout),
                                 nn.Linear(hidden_dim, dim), nn.Dropout(dropout))

    def forward(self, x):
        return self.net(x)


class Attention(nn.Module):
    def __init__(self, dim, heads=4, dim_head=8, dropout=0.):
        super().__init__()
        inner_dim = dim_head * heads
        self.heads, self.scale = heads, dim_head ** -0.5
        self.norm = nn.LayerNorm(dim)
        self.attend = nn.Softmax(dim=-1)
        self.dropout = nn.Dropout(dropout)
        self.to_qkv = nn.Linear(dim, inner_dim * 3, bias=False)
        self.to_out = nn.Sequential(nn.Linear(inner_dim, dim), nn.Dropout(dropout))

    def forward(self, x):
        x = self.norm(x)
        qkv = self.to_qkv(x).chunk(3, dim=-1)
        q, k, v = map(lambda t: rearrange(t, 'b n (h d) -> b h n d', h=self.heads), qkv)
        dots = torch.matmul(q, k.transpose(-1, -2)) * self.scale
        attn = self.dropout(self.attend(dots))
        out = rearrange(torch.matmul(attn, v), 'b h n d -> b n (h d)')
        return self.to_out(out)


class Transformer(nn.Module):
    def __init__(self, dim, depth, heads, dim_head, mlp_dim, dropout=0.):
        super().__init__()
        self.norm = nn.LayerNorm(dim)
        self.layers = nn.ModuleList([nn.ModuleList([Attention(dim, heads, dim_head, dropout),
                                                    FeedForward(dim, mlp_dim, dropout)]) for _ in range(depth)])

    def forward(self, x):
        for attn, ff in self.layers:
            x = attn(x) + x
            x = ff(x) + x
        return self.norm(x)


class ViT(nn.Module):
    def __init__(self, *, image_size, patch_size, num_classes, dim, depth, heads, mlp_dim, pool='cls', channels=3,
                 dim_head=8, dropout=0., emb_dropout=0.):
        super().__init__()
        ih, iw = pair(image_size)
        ph, pw = pair(patch_size)
        num_patches = (ih // ph) * (iw // pw)
        self.to_patch_embedding = nn.Sequential(
            Rearrange('b c (h p1) (w p2) -> b (h w) (p1 p2 c)', p1=ph, p2=pw),
            nn.LayerNorm(channels * ph * pw), nn.Linear(channels * ph * pw, dim), nn.LayerNorm(dim))
        self.pos_embedding = nn.Parameter(torch.randn(1, num_patches + 1, dim))
        self.cls_token = nn.Parameter(torch.randn(1, 1, dim))
        self.dropout = nn.Dropout(emb_dropout)
        self.transformer = Transformer(dim, depth, heads, dim_head, mlp_dim, dropout)
        self.pool = pool
        self.mlp_head = nn.Linear(dim, num_classes)

    def forward(self, img):
        x = self.to_patch_embedding(img)
        b, n, _ = x.shape
        cls_tokens = repeat(self.cls_token, '1 1 d -> b 1 d', b=b)
        x = torch.cat((cls_tokens, x), dim=1)
        x += self.pos_embedding[:, :(n + 1)]
        x = self.transformer(self.dropout(x))
        x = x.mean(dim=1) if self.pool == 'mean' else x[:, 0]
        return self.mlp_head(x)


class SimpleViT(nn.Module):
    def __init__(self, *, image_size, patch_size, num_classes, dim, depth, heads, mlp_dim, channels=3, dim_head=8):
        super().__init__()
        ih, iw = pair(image_size)
        ph, pw = pair(patch_size)
        self.to_patch_embedding = nn.Sequential(
            Rearrange("b c (h p1) (w p2) -> b (h w) (p1 p2 c)", p1=ph, p2=pw),
            nn.LayerNorm(ph * pw * channels), nn.Linear(ph * pw * channels, dim), nn.LayerNorm(dim))
        self.register_buffer('pos_embedding', posemb_sincos_2d(ih // ph, iw // pw, dim), persistent=False)
        self.transformer = Transformer(dim, depth, heads, dim_head, mlp_dim)
        self.linear_head = nn.Linear(dim, num_classes)

    def forward(self, img):
        x = self.to_patch_embedding(img)
        x = x + self.pos_embedding.to(x.device, dtype=x.dtype)
        return self.linear_head(self.transformer(x).mean(dim=1))


torch.manual_seed(0)
imgs = torch.randn(4, 3, 16, 16)
targets = torch.tensor([0, 1, 2, 1])
for model in (ViT(image_size=16, patch_size=4, num_classes=3, dim=32, depth=2, heads=4, mlp_dim=64, dropout=0.1,
                  emb_dropout=0.1),
              ViT(image_size=(16, 8), patch_size=(4, 2), num_classes=3, dim=16, depth=1, heads=2, mlp_dim=32,
                  pool='mean'),
              SimpleViT(image_size=16, patch_size=4, num_classes=3, dim=32, depth=2, heads=4, mlp_dim=64)):
    print(type(model).__name__, sum(p.numel() for p in model.parameters()), sorted(model.state_dict())[:3])
    opt = torch.optim.Adam(model.parameters(), lr=3e-4)
    x = imgs if model.to_patch_embedding[0].axes_lengths['p1'] == model.to_patch_embedding[0].axes_lengths['p2'] \
        else imgs[..., :8]
    for step in range(3):
        loss = nn.functional.cross_entropy(model(x), targets)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"  step {step} loss {loss.item():.5f}")
    model.eval()
    with torch.no_grad():
        print("  eval", model(x).argmax(-1).tolist(), f"{model(x).abs().sum().item():.4f}")
print(repr(Rearrange('b c (h p1) (w p2) -> b (h w) (p1 p2 c)', p1=4, p2=4)))
print(posemb_sincos_2d(2, 2, 8))
