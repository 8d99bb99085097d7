"""A GPT learning to add two-digit numbers, trained the way karpathy/minGPT's adder project trains:
weights initialised by module type, AdamW over decay / no-decay parameter groups found by walking
the modules, gradient clipping, an endless random sampler, greedy generation scored with integer
tensor arithmetic."""
import math

import torch
import torch.nn as nn
from torch.nn import functional as F
from torch.utils.data import DataLoader, Dataset


class Addition(Dataset):
    """a + b = c as digit tokens: the two operands, then c's digits reversed."""
    def __init__(self, split, ndigit=1):
        self.ndigit = ndigit
        num = (10 ** ndigit) ** 2
        rng = torch.Generator()
        rng.manual_seed(1337)
        perm = torch.randperm(num, generator=rng)
        num_test = min(int(num * 0.2), 500)
        self.ixes = perm[:num_test] if split == 'test' else perm[num_test:]

    def __len__(self):
        return self.ixes.nelement()

    def __getitem__(self, idx):
        nd = self.ndigit
        idx = self.ixes[idx].item()
        a, b = idx // (10 ** nd), idx % (10 ** nd)
        c = a + b
        render = f'%0{nd}d' % a + f'%0{nd}d' % b + (f'%0{nd + 1}d' % c)[::-1]
        dix = [int(s) for s in render]
        x = torch.tensor(dix[:-1], dtype=torch.long)
        y = torch.tensor(dix[1:], dtype=torch.long)
        y[:nd * 2 - 1] = -1
        return x, y


class SelfAttention(nn.Module):
    def __init__(self, n_embd, n_head, block_size, pdrop):
        super().__init__()
        self.c_attn = nn.Linear(n_embd, 3 * n_embd)
        self.c_proj = nn.Linear(n_embd, n_embd)
        self.attn_dropout, self.resid_dropout = nn.Dropout(pdrop), nn.Dropout(pdrop)
        self.register_buffer("bias", torch.tril(torch.ones(block_size, block_size)).view(1, 1, block_size,
                                                                                          block_size))
        self.n_head, self.n_embd = n_head, n_embd

    def forward(self, x):
        B, T, C = x.size()
        q, k, v = self.c_attn(x).split(self.n_embd, dim=2)
        q, k, v = (t.view(B, T, self.n_head, C // self.n_head).transpose(1, 2) for t in (q, k, v))
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        att = att.masked_fill(self.bias[:, :, :T, :T] == 0, float('-inf'))
        att = self.attn_dropout(F.softmax(att, dim=-1))
        y = (att @ v).transpose(1, 2).contiguous().view(B, T, C)
        return self.resid_dropout(self.c_proj(y))


class Block(nn.Module):
    def __init__(self, n_embd, n_head, block_size, pdrop):
        super().__init__()
        self.ln_1, self.ln_2 = nn.LayerNorm(n_embd), nn.LayerNorm(n_embd)
        self.attn = SelfAttention(n_embd, n_head, block_size, pdrop)
        self.mlp = nn.ModuleDict(dict(c_fc=nn.Linear(n_embd, 4 * n_embd), c_proj=nn.Linear(4 * n_embd, n_embd),
                                      act=nn.GELU(approximate='tanh'), dropout=nn.Dropout(pdrop)))

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        m = self.mlp
        return x + m.dropout(m.c_proj(m.act(m.c_fc(self.ln_2(x)))))


class GPT(nn.Module):
    def __init__(self, vocab_size, block_size, n_layer=2, n_head=2, n_embd=24, pdrop=0.1):
        super().__init__()
        self.block_size = block_size
        self.transformer = nn.ModuleDict(dict(
            wte=nn.Embedding(vocab_size, n_embd), wpe=nn.Embedding(block_size, n_embd), drop=nn.Dropout(pdrop),
            h=nn.ModuleList([Block(n_embd, n_head, block_size, pdrop) for _ in range(n_layer)]),
            ln_f=nn.LayerNorm(n_embd)))
        self.lm_head = nn.Linear(n_embd, vocab_size, bias=False)
        self.apply(self._init_weights)
        for pn, p in self.named_parameters():
            if pn.endswith('c_proj.weight'):
                torch.nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * n_layer))
        print("number of parameters: %.2fM" % (sum(p.numel() for p in self.transformer.parameters()) / 1e6,))

    def _init_weights(self, module):
        if isinstance(module, nn.Linear):
            torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)
            if module.bias is not None:
                torch.nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)
        elif isinstance(module, nn.LayerNorm):
            torch.nn.init.zeros_(module.bias)
            torch.nn.init.ones_(module.weight)

    def configure_optimizers(self, lr, weight_decay, betas):
        decay, no_decay = set(), set()
        for mn, m in self.named_modules():
            for pn, p in m.named_parameters():
                fpn = '%s.%s' % (mn, pn) if mn else pn
                if pn.endswith('bias'):
                    no_decay.add(fpn)
                elif pn.endswith('weight') and isinstance(m, (torch.nn.Linear,)):
                    decay.add(fpn)
                elif pn.endswith('weight') and isinstance(m, (torch.nn.LayerNorm, torch.nn.Embedding)):
                    no_decay.add(fpn)
        params = {pn: p for pn, p in self.named_parameters()}
        assert len(decay & no_decay) == 0 and len(params.keys() - (decay | no_decay)) == 0
        groups = [{"params": [params[pn] for pn in sorted(decay)], "weight_decay": weight_decay},
                  {"params": [params[pn] for pn in sorted(no_decay)], "weight_decay": 0.0}]
        return torch.optim.AdamW(groups, lr=lr, betas=betas)

    def forward(self, idx, targets=None):
        b, t = idx.size()
        pos = torch.arange(0, t, dtype=torch.long, device=idx.device).unsqueeze(0)
        x = self.transformer.drop(self.transformer.wte(idx) + self.transformer.wpe(pos))
        for block in self.transformer.h:
            x = block(x)
        logits = self.lm_head(self.transformer.ln_f(x))
        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), ignore_index=-1)
        return logits, loss

    @torch.no_grad()
    def generate(self, idx, max_new_tokens):
        for _ in range(max_new_tokens):
            logits, _ = self(idx if idx.size(1) <= self.block_size else idx[:, -self.block_size:])
            _, idx_next = torch.topk(F.softmax(logits[:, -1, :], dim=-1), k=1, dim=-1)
            idx = torch.cat((idx, idx_next), dim=1)
        return idx


def score(model, dataset, ndigit):
    factors = torch.tensor([[10 ** i for i in range(ndigit + 1)][::-1]])
    results, shown = [], 0
    for x, y in DataLoader(dataset, batch_size=10, num_workers=0, drop_last=False):
        d1d2 = x[:, :ndigit * 2]
        d3 = model.generate(d1d2, ndigit + 1)[:, -(ndigit + 1):].flip(1)
        d1i = (d1d2[:, :ndigit] * factors[:, 1:]).sum(1)
        d2i = (d1d2[:, ndigit:ndigit * 2] * factors[:, 1:]).sum(1)
        d3i_pred = (d3 * factors).sum(1)
        correct = (d3i_pred == d1i + d2i).cpu()
        for i in range(x.size(0)):
            results.append(int(correct[i]))
            if not correct[i] and shown < 3:
                shown += 1
                print("GPT claims that %d + %d = %d but gt is %d" % (d1i[i], d2i[i], d3i_pred[i], d1i[i] + d2i[i]))
    rt = torch.tensor(results, dtype=torch.float)
    print("final score: %d/%d = %.2f%% correct" % (rt.sum(), len(results), 100 * rt.mean()))


torch.manual_seed(3407)
train, test = Addition('train'), Addition('test')
model = GPT(10, 3 * 1 + 1 - 1)
optimizer = model.configure_optimizers(lr=5e-3, weight_decay=0.1, betas=(0.9, 0.95))
loader = DataLoader(train, sampler=torch.utils.data.RandomSampler(train, replacement=True, num_samples=int(1e10)),
                    shuffle=False, pin_memory=False, batch_size=16, num_workers=0)
model.train()
data_iter = iter(loader)
for it in range(12):
    x, y = next(data_iter)
    logits, loss = model(x, y)
    model.zero_grad(set_to_none=True)
    loss.backward()
    norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    if it % 4 == 0:
        print(f"iter {it}: train loss {loss.item():.5f} grad norm {norm.item():.4f}")
model.eval()
score(model, test, 1)
print(optimizer.param_groups[0]['weight_decay'], len(optimizer.param_groups[1]['params']))
