"""NaViT (images of different sizes in one batch) written the way lucidrains/vit-pytorch's
na_vit_nested_tensor.py writes it: patches of each image become one sequence, the sequences are
packed into a jagged nested tensor (torch.nested, layout=torch.jagged), the transformer runs on it
without padding, and one learned query per image pools its sequence by attention."""
import torch
import torch.nn.functional as F
from torch import nn
from torch.nested import nested_tensor


def FeedForward(dim, hidden_dim, dropout=0.):
    return nn.Sequential(nn.LayerNorm(dim, bias=False), nn.Linear(dim, hidden_dim), nn.GELU(), nn.Dropout(dropout),
                         nn.Linear(hidden_dim, dim), nn.Dropout(dropout))


class Attention(nn.Module):
    def __init__(self, dim, heads=2, dim_head=8, dropout=0.):
        super().__init__()
        self.norm = nn.LayerNorm(dim, bias=False)
        self.heads, self.dim_head, self.dropout = heads, dim_head, dropout
        self.to_queries = nn.Linear(dim, heads * dim_head, bias=False)
        self.to_keys = nn.Linear(dim, heads * dim_head, bias=False)
        self.to_values = nn.Linear(dim, heads * dim_head, bias=False)
        self.query_norm = nn.LayerNorm(dim_head, bias=False)
        self.key_norm = nn.LayerNorm(dim_head, bias=False)
        self.to_out = nn.Linear(heads * dim_head, dim, bias=False)

    def forward(self, x, context=None):
        x = self.norm(x)
        context = x if context is None else context
        split = lambda t: t.unflatten(-1, (self.heads, self.dim_head))
        query, key, value = map(split, (self.to_queries(x), self.to_keys(context), self.to_values(context)))
        query, key = self.query_norm(query), self.key_norm(key)
        query, key, value = (t.transpose(1, 2) for t in (query, key, value))
        out = F.scaled_dot_product_attention(query, key, value, dropout_p=self.dropout if self.training else 0.)
        return self.to_out(out.transpose(1, 2).flatten(-2))


class NaViT(nn.Module):
    def __init__(self, *, image_size, patch_size, num_classes, dim, depth, mlp_dim, channels=3, dropout=0.,
                 emb_dropout=0., token_dropout_prob=None):
        super().__init__()
        self.patch_size, self.token_dropout_prob = patch_size, token_dropout_prob
        patch_dim = channels * patch_size ** 2
        self.to_patch_embedding = nn.Sequential(nn.LayerNorm(patch_dim), nn.Linear(patch_dim, dim), nn.LayerNorm(dim))
        self.pos_embed_height = nn.Parameter(torch.randn(image_size // patch_size, dim))
        self.pos_embed_width = nn.Parameter(torch.randn(image_size // patch_size, dim))
        self.dropout = nn.Dropout(emb_dropout)
        self.layers = nn.ModuleList([nn.ModuleList([Attention(dim, dropout=dropout), FeedForward(dim, mlp_dim, dropout)])
                                     for _ in range(depth)])
        self.norm = nn.LayerNorm(dim, bias=False)
        self.attn_pool_queries = nn.Parameter(torch.randn(dim))
        self.attn_pool = Attention(dim)
        self.mlp_head = nn.Sequential(nn.LayerNorm(dim, bias=False), nn.Linear(dim, num_classes, bias=False))

    def forward(self, images):
        p = self.patch_size
        tokens, positions = [], []
        for image in images:
            c, h, w = image.shape
            patches = image.unfold(1, p, p).unfold(2, p, p)              # c, h/p, w/p, p, p
            patches = patches.permute(1, 2, 0, 3, 4).reshape(h // p, w // p, c * p * p)
            hw = torch.stack(torch.meshgrid((torch.arange(h // p), torch.arange(w // p)), indexing='ij'), dim=-1)
            tokens.append(patches.reshape(-1, c * p * p))
            positions.append(hw.reshape(-1, 2))
        seq_lens = torch.tensor([t.shape[0] for t in tokens])
        if self.training and self.token_dropout_prob:
            keep = ((1. - self.token_dropout_prob) * seq_lens).int().clamp(min=1)
            picked = [torch.randn((int(n),)).topk(int(k), dim=-1).indices for n, k in zip(seq_lens, keep)]
            tokens = [t[i] for t, i in zip(tokens, picked)]
            positions = [q[i] for q, i in zip(positions, picked)]
            seq_lens = keep
        rows, cols = torch.cat(positions).unbind(dim=-1)
        x = self.to_patch_embedding(torch.cat(tokens)) + self.pos_embed_height[rows] + self.pos_embed_width[cols]
        x = nested_tensor(x.split(seq_lens.tolist()), layout=torch.jagged)
        x = self.dropout(x)
        for attn, ff in self.layers:
            x = attn(x) + x
            x = ff(x) + x
        x = self.norm(x)
        queries = nested_tensor([self.attn_pool_queries.unsqueeze(0)] * len(images), layout=torch.jagged)
        pooled = self.attn_pool(queries, x)
        return self.mlp_head(torch.stack(pooled.unbind()).squeeze(1))


torch.manual_seed(0)
model = NaViT(image_size=16, patch_size=4, num_classes=5, dim=16, depth=2, mlp_dim=32, dropout=0.1, emb_dropout=0.1,
              token_dropout_prob=0.25)
images = [torch.randn(3, 16, 16), torch.randn(3, 8, 12), torch.randn(3, 4, 16)]
packed = nested_tensor([torch.randn(n, 16) for n in (16, 6, 4)], layout=torch.jagged)
print(packed.shape[0], packed.dim(), packed.layout, packed.values().shape, packed.offsets())
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
for step in range(3):
    loss = F.cross_entropy(model(images), torch.tensor([0, 3, 4]))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    print(f"step {step} loss {loss.item():.5f}")
untouched = [n for n, p in model.named_parameters() if p.grad is None]
print("no gradient (before the nested copy):", untouched)
model.eval()
with torch.no_grad():
    print(model(images).argmax(-1).tolist(), f"{model(images).abs().sum().item():.4f}")
