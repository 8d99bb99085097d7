"""An encoder-decoder Transformer trained on token pairs the way hyunwoongko/transformer trains its
translation model: padding masks from comparisons, a causal mask built as a ByteTensor and combined
with '&', scores filled with -10000 where masked, a hand-written LayerNorm, sinusoidal positions,
weights reset with the deprecated nn.init.kaiming_uniform, Adam with a tiny eps, clipping and
ReduceLROnPlateau on the validation loss."""
import math
import warnings

import torch
from torch import nn, optim


class PositionalEncoding(nn.Module):
    def __init__(self, d_model, max_len):
        super().__init__()
        self.encoding = torch.zeros(max_len, d_model)
        self.encoding.requires_grad = False
        pos = torch.arange(0, max_len).float().unsqueeze(dim=1)
        _2i = torch.arange(0, d_model, step=2).float()
        self.encoding[:, 0::2] = torch.sin(pos / (10000 ** (_2i / d_model)))
        self.encoding[:, 1::2] = torch.cos(pos / (10000 ** (_2i / d_model)))

    def forward(self, x):
        return self.encoding[:x.size(1), :]


class LayerNorm(nn.Module):
    def __init__(self, d_model, eps=1e-12):
        super().__init__()
        self.gamma, self.beta, self.eps = nn.Parameter(torch.ones(d_model)), nn.Parameter(torch.zeros(d_model)), eps

    def forward(self, x):
        mean = x.mean(-1, keepdim=True)
        var = x.var(-1, unbiased=False, keepdim=True)
        return self.gamma * (x - mean) / torch.sqrt(var + self.eps) + self.beta


class MultiHeadAttention(nn.Module):
    def __init__(self, d_model, n_head):
        super().__init__()
        self.n_head = n_head
        self.w_q, self.w_k, self.w_v, self.w_concat = (nn.Linear(d_model, d_model) for _ in range(4))
        self.softmax = nn.Softmax(dim=-1)

    def split(self, t):
        b, length, d = t.size()
        return t.view(b, length, self.n_head, d // self.n_head).transpose(1, 2)

    def forward(self, q, k, v, mask=None):
        q, k, v = self.split(self.w_q(q)), self.split(self.w_k(k)), self.split(self.w_v(v))
        score = (q @ k.transpose(2, 3)) / math.sqrt(k.size(-1))
        if mask is not None:
            score = score.masked_fill(mask == 0, -10000)
        out = self.softmax(score) @ v
        b, h, length, d = out.size()
        return self.w_concat(out.transpose(1, 2).contiguous().view(b, length, h * d))


class Layer(nn.Module):
    def __init__(self, d_model, ffn_hidden, n_head, drop_prob, cross):
        super().__init__()
        self.attn, self.norm1 = MultiHeadAttention(d_model, n_head), LayerNorm(d_model)
        self.cross = MultiHeadAttention(d_model, n_head) if cross else None
        self.norm2 = LayerNorm(d_model)
        self.ffn = nn.Sequential(nn.Linear(d_model, ffn_hidden), nn.ReLU(), nn.Dropout(p=drop_prob),
                                 nn.Linear(ffn_hidden, d_model))
        self.norm3, self.dropout = LayerNorm(d_model), nn.Dropout(p=drop_prob)

    def forward(self, x, mask, enc=None, enc_mask=None):
        x = self.norm1(self.dropout(self.attn(x, x, x, mask)) + x)
        if self.cross is not None:
            x = self.norm2(self.dropout(self.cross(x, enc, enc, enc_mask)) + x)
        return self.norm3(self.dropout(self.ffn(x)) + x)


class Transformer(nn.Module):
    def __init__(self, pad, voc, d_model=16, n_head=2, ffn_hidden=32, n_layers=2, drop_prob=0.1, max_len=16):
        super().__init__()
        self.pad = pad
        self.src_emb, self.trg_emb = nn.Embedding(voc, d_model, padding_idx=pad), nn.Embedding(voc, d_model,
                                                                                             padding_idx=pad)
        self.pos = PositionalEncoding(d_model, max_len)
        self.enc = nn.ModuleList([Layer(d_model, ffn_hidden, n_head, drop_prob, False) for _ in range(n_layers)])
        self.dec = nn.ModuleList([Layer(d_model, ffn_hidden, n_head, drop_prob, True) for _ in range(n_layers)])
        self.linear = nn.Linear(d_model, voc)

    def forward(self, src, trg):
        src_mask = (src != self.pad).unsqueeze(1).unsqueeze(2)
        trg_pad_mask = (trg != self.pad).unsqueeze(1).unsqueeze(3)
        trg_sub_mask = torch.tril(torch.ones(trg.shape[1], trg.shape[1])).type(torch.ByteTensor)
        trg_mask = trg_pad_mask & trg_sub_mask
        x = self.src_emb(src) + self.pos(src)
        for layer in self.enc:
            x = layer(x, src_mask)
        y = self.trg_emb(trg) + self.pos(trg)
        for layer in self.dec:
            y = layer(y, trg_mask, x, src_mask)
        return self.linear(y)


def initialize_weights(m):
    if hasattr(m, 'weight') and m.weight.dim() > 1:
        nn.init.kaiming_uniform(m.weight.data)


torch.manual_seed(0)
g = torch.Generator().manual_seed(5)
batches = []
for _ in range(5):
    src = torch.randint(3, 30, (4, 8), generator=g)
    src[:, -2:] = 1
    trg = torch.cat([torch.full((4, 1), 2), src.flip(1)[:, 2:], torch.ones(4, 1, dtype=torch.long)], 1)
    batches.append((src, trg))
train_iter, valid_iter = batches[:3], batches[3:]
model = Transformer(pad=1, voc=30)
print(f'The model has {sum(p.numel() for p in model.parameters() if p.requires_grad):,} trainable parameters')
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter('always')
    model.apply(initialize_weights)
print(len(caught), caught[0].category.__name__, str(caught[0].message))
optimizer = optim.Adam(params=model.parameters(), lr=1e-3, weight_decay=5e-4, eps=5e-9)
scheduler = optim.lr_scheduler.ReduceLROnPlateau(optimizer=optimizer, factor=0.5, patience=0)
criterion = nn.CrossEntropyLoss(ignore_index=1)
for epoch in range(4):
    model.train()
    for i, (src, trg) in enumerate(train_iter):
        optimizer.zero_grad()
        output = model(src, trg[:, :-1])
        loss = criterion(output.contiguous().view(-1, output.shape[-1]), trg[:, 1:].contiguous().view(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
    model.eval()
    with torch.no_grad():
        losses = []
        for src, trg in valid_iter:
            output = model(src, trg[:, :-1])
            losses.append(criterion(output.contiguous().view(-1, output.shape[-1]),
                                    trg[:, 1:].contiguous().view(-1)).item())
            words = output[0].max(dim=1)[1]
        valid_loss = sum(losses) / len(losses)
    scheduler.step(valid_loss)
    print(f'Epoch {epoch + 1} | Train Loss: {loss.item():.4f} | Val Loss: {valid_loss:.4f} | '
          f'PPL: {math.exp(valid_loss):7.3f} | lr {scheduler.get_last_lr()[0]:.2e} | {words.tolist()}')
