"""Character-level name models trained and sampled the way karpathy/makemore does it: a words
dataset with its own vocabulary, an endless random-sampling loader, bigram / MLP / GRU / causal
transformer models, AdamW, top-k sampling, and evaluation under inference mode."""
import math

import torch
import torch.nn as nn
from torch.nn import functional as F
from torch.utils.data import DataLoader, Dataset

NAMES = ('emma olivia ava isabella sophia mia amelia harper evelyn abigail emily ella elizabeth camila luna '
         'sofia avery mila aria scarlett penelope layla chloe victoria madison eleanor grace nora riley zoey '
         'liam noah oliver elijah james william benjamin lucas henry theodore jack levi alexander jackson').split()


class Words(Dataset):
    def __init__(self, words, chars, longest):
        self.words, self.longest = words, longest
        self.stoi = {ch: i + 1 for i, ch in enumerate(chars)}
        self.itos = {i: ch for ch, i in self.stoi.items()}

    def __len__(self):
        return len(self.words)

    def vocab_size(self):
        return len(self.stoi) + 1

    def encode(self, word):
        return torch.tensor([self.stoi[c] for c in word], dtype=torch.long)

    def decode(self, ix):
        return ''.join(self.itos[i] for i in ix)

    def __getitem__(self, idx):
        ix = self.encode(self.words[idx])
        x = torch.zeros(self.longest + 1, dtype=torch.long)
        y = torch.zeros(self.longest + 1, dtype=torch.long)
        x[1:1 + len(ix)] = ix
        y[:len(ix)] = ix
        y[len(ix) + 1:] = -1          # no loss past the end token
        return x, y


class Endless:
    def __init__(self, dataset, **kwargs):
        sampler = torch.utils.data.RandomSampler(dataset, replacement=True, num_samples=int(1e10))
        self.it = iter(DataLoader(dataset, sampler=sampler, **kwargs))

    def next(self):
        return next(self.it)


class Bigram(nn.Module):
    def __init__(self, vocab, block):
        super().__init__()
        self.block = block
        self.logits = nn.Parameter(torch.zeros((vocab, vocab)))

    def forward(self, idx, targets=None):
        logits = self.logits[idx]
        loss = None if targets is None else F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1),
                                                            ignore_index=-1)
        return logits, loss


class MLP(nn.Module):
    def __init__(self, vocab, block, n_embd=12, hidden=32):
        super().__init__()
        self.block, self.vocab = block, vocab
        self.wte = nn.Embedding(vocab + 1, n_embd)       # one extra token pads the start
        self.mlp = nn.Sequential(nn.Linear(block * n_embd, hidden), nn.Tanh(), nn.Linear(hidden, vocab))

    def forward(self, idx, targets=None):
        embs = []
        for _ in range(self.block):
            embs.append(self.wte(idx))
            idx = torch.roll(idx, 1, 1)
            idx[:, 0] = self.vocab
        logits = self.mlp(torch.cat(embs, -1))
        loss = None if targets is None else F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1),
                                                            ignore_index=-1)
        return logits, loss


class GRUCell(nn.Module):
    def __init__(self, n_embd, n_hidden):
        super().__init__()
        self.xh_to_z = nn.Linear(n_embd + n_hidden, n_hidden)
        self.xh_to_r = nn.Linear(n_embd + n_hidden, n_hidden)
        self.xh_to_hbar = nn.Linear(n_embd + n_hidden, n_hidden)

    def forward(self, xt, hprev):
        xh = torch.cat([xt, hprev], dim=1)
        r = F.sigmoid(self.xh_to_r(xh))
        hbar = F.tanh(self.xh_to_hbar(torch.cat([xt, r * hprev], dim=1)))
        z = F.sigmoid(self.xh_to_z(xh))
        return (1 - z) * hprev + z * hbar


class GRU(nn.Module):
    def __init__(self, vocab, block, n_embd=12, hidden=16):
        super().__init__()
        self.block = block
        self.start = nn.Parameter(torch.zeros(1, hidden))
        self.wte = nn.Embedding(vocab, n_embd)
        self.cell = GRUCell(n_embd, hidden)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, idx, targets=None):
        b, t = idx.size()
        emb = self.wte(idx)
        h = self.start.expand((b, -1))
        hiddens = []
        for i in range(t):
            h = self.cell(emb[:, i, :], h)
            hiddens.append(h)
        logits = self.head(torch.stack(hiddens, 1))
        loss = None if targets is None else F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1),
                                                            ignore_index=-1)
        return logits, loss


class NewGELU(nn.Module):
    def forward(self, x):
        return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


class CausalSelfAttention(nn.Module):
    def __init__(self, n_embd, n_head, block):
        super().__init__()
        self.c_attn = nn.Linear(n_embd, 3 * n_embd)
        self.c_proj = nn.Linear(n_embd, n_embd)
        self.register_buffer("bias", torch.tril(torch.ones(block, block)).view(1, 1, block, block))
        self.n_head, self.n_embd = n_head, n_embd

    def forward(self, x):
        B, T, C = x.size()
        q, k, v = self.c_attn(x).split(self.n_embd, dim=2)
        k = k.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        q = q.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        v = v.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        att = att.masked_fill(self.bias[:, :, :T, :T] == 0, float('-inf'))
        att = F.softmax(att, dim=-1)
        y = (att @ v).transpose(1, 2).contiguous().view(B, T, C)
        return self.c_proj(y)


class Block(nn.Module):
    def __init__(self, n_embd, n_head, block):
        super().__init__()
        self.ln_1 = nn.LayerNorm(n_embd)
        self.attn = CausalSelfAttention(n_embd, n_head, block)
        self.ln_2 = nn.LayerNorm(n_embd)
        self.mlp = nn.ModuleDict(dict(c_fc=nn.Linear(n_embd, 4 * n_embd), c_proj=nn.Linear(4 * n_embd, n_embd),
                                      act=NewGELU()))
        m = self.mlp
        self.mlpf = lambda x: m.c_proj(m.act(m.c_fc(x)))

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlpf(self.ln_2(x))


class Transformer(nn.Module):
    def __init__(self, vocab, block, n_embd=16, n_head=2, n_layer=2):
        super().__init__()
        self.block = block
        self.transformer = nn.ModuleDict(dict(
            wte=nn.Embedding(vocab, n_embd), wpe=nn.Embedding(block, n_embd),
            h=nn.ModuleList([Block(n_embd, n_head, block) for _ in range(n_layer)]), ln_f=nn.LayerNorm(n_embd)))
        self.lm_head = nn.Linear(n_embd, vocab, bias=False)
        print("number of parameters: %.2fK" % (sum(p.numel() for p in self.transformer.parameters()) / 1e3,))

    def forward(self, idx, targets=None):
        b, t = idx.size()
        assert t <= self.block, f"Cannot forward sequence of length {t}, block size is only {self.block}"
        pos = torch.arange(0, t, dtype=torch.long, device=idx.device).unsqueeze(0)
        x = self.transformer.wte(idx) + self.transformer.wpe(pos)
        for blk in self.transformer.h:
            x = blk(x)
        logits = self.lm_head(self.transformer.ln_f(x))
        loss = None if targets is None else F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1),
                                                            ignore_index=-1)
        return logits, loss


@torch.no_grad()
def generate(model, idx, max_new_tokens, temperature=1.0, do_sample=False, top_k=None):
    for _ in range(max_new_tokens):
        idx_cond = idx if idx.size(1) <= model.block else idx[:, -model.block:]
        logits, _ = model(idx_cond)
        logits = logits[:, -1, :] / temperature
        if top_k is not None:
            v, _ = torch.topk(logits, top_k)
            logits[logits < v[:, [-1]]] = -float('Inf')
        probs = F.softmax(logits, dim=-1)
        idx_next = torch.multinomial(probs, num_samples=1) if do_sample else torch.topk(probs, k=1, dim=-1)[1]
        idx = torch.cat((idx, idx_next), dim=1)
    return idx


@torch.inference_mode()
def evaluate(model, dataset, batch_size=8, max_batches=2):
    model.eval()
    loader = DataLoader(dataset, shuffle=True, batch_size=batch_size, num_workers=0)
    losses = []
    for i, (X, Y) in enumerate(loader):
        losses.append(model(X, Y)[1].item())
        if i + 1 >= max_batches:
            break
    model.train()
    return torch.tensor(losses).mean().item()


def samples(model, train, num=4):
    X_init = torch.zeros(num, 1, dtype=torch.long)
    X_samp = generate(model, X_init, train.longest + 1, top_k=5, do_sample=True).to('cpu')
    out = []
    for i in range(X_samp.size(0)):
        row = X_samp[i, 1:].tolist()
        crop = row.index(0) if 0 in row else len(row)
        out.append(train.decode(row[:crop]))
    return out


torch.manual_seed(3407)
chars = sorted(set(''.join(NAMES)))
longest = max(len(w) for w in NAMES)
perm = torch.randperm(len(NAMES)).tolist()
test_set = Words([NAMES[i] for i in perm[:8]], chars, longest)
train_set = Words([NAMES[i] for i in perm[8:]], chars, longest)
print(f"vocabulary {train_set.vocab_size()}, block {longest + 1}, {len(train_set)} train / {len(test_set)} test")
for kind in (Bigram, MLP, GRU, Transformer):
    model = kind(train_set.vocab_size(), longest + 1)
    print(kind.__name__, "params:", sum(p.numel() for p in model.parameters()))
    opt = torch.optim.AdamW(model.parameters(), lr=5e-3, weight_decay=0.01, betas=(0.9, 0.99), eps=1e-8)
    batches = Endless(train_set, batch_size=8, pin_memory=False, num_workers=0)
    for step in range(6):
        X, Y = batches.next()
        logits, loss = model(X, Y)
        model.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if step % 2 == 0:
            print(f"  step {step} | loss {loss.item():.4f}")
    print(f"  train {evaluate(model, train_set):.4f} test {evaluate(model, test_set):.4f}")
    print("  samples:", samples(model, train_set))
