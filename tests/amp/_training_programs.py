"""Small training programs under mixed precision on the CPU, each a function of the framework module (ember or
torch) returning its losses: recorded from PyTorch by ``record_training_losses.py``, compared by
``test_training_losses.py``."""


def _data(T, step, shape, classes, labels, seed, tokens=False):
    g = T.Generator().manual_seed(seed + step)
    x = T.randint(0, classes, shape, generator=g) if tokens else T.randn(*shape, generator=g)
    return x, T.randint(0, classes, labels, generator=g)


def _train(T, model, data, steps=3, dtype=None, scaler=False, plain=False):
    F = T.nn.functional
    opt = T.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    sc = T.amp.GradScaler('cpu') if scaler else None
    losses = []
    for step in range(steps):
        x, y = data(step)
        opt.zero_grad()
        if plain or dtype is None:
            x = x.to(dtype) if dtype is not None and x.is_floating_point() else x
            out = model(x)
            loss = F.cross_entropy(out.reshape(-1, out.shape[-1]), y.reshape(-1))
        else:
            with T.autocast('cpu', dtype=dtype):
                out = model(x)
                loss = F.cross_entropy(out.reshape(-1, out.shape[-1]), y.reshape(-1))
        if sc:
            sc.scale(loss).backward()
            sc.step(opt)
            sc.update()
        else:
            loss.backward()
            opt.step()
        losses.append(loss.float().item())
    return losses


def _resnet(T):
    nn, F = T.nn, T.nn.functional

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.c1, self.b1 = nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8)
            self.c2, self.b2 = nn.Conv2d(8, 8, 3, padding=1), nn.BatchNorm2d(8)
            self.fc = nn.Linear(8, 5)

        def forward(self, x):
            x = F.max_pool2d(F.relu(self.b1(self.c1(x))), 2)
            x = F.relu(x + self.b2(self.c2(x)))
            return self.fc(T.flatten(F.adaptive_avg_pool2d(x, 1), 1))
    return Net()


def _gpt_block(T):
    nn, F = T.nn, T.nn.functional

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb, self.ln1, self.qkv = nn.Embedding(20, 16), nn.LayerNorm(16), nn.Linear(16, 48)
            self.proj, self.ln2 = nn.Linear(16, 16), nn.LayerNorm(16)
            self.f1, self.f2, self.head = nn.Linear(16, 64), nn.Linear(64, 16), nn.Linear(16, 20)

        def forward(self, t):
            x = self.emb(t)
            b, n, c = x.shape
            q, k, v = (a.view(b, n, 2, 8).transpose(1, 2) for a in self.qkv(self.ln1(x)).split(16, dim=2))
            att = (q @ k.transpose(-2, -1)) * (1.0 / 8 ** 0.5)
            att = att.masked_fill(T.tril(T.ones(n, n)).view(1, 1, n, n) == 0, float('-inf'))
            y = (F.softmax(att, dim=-1) @ v).transpose(1, 2).contiguous().view(b, n, c)
            x = x + self.proj(y)
            return self.head(x + self.f2(F.gelu(self.f1(self.ln2(x)))))
    return Block()


def _seeded(T, build):
    T.manual_seed(0)
    return build(T)


def programs(T):
    """name -> (run, how many leading losses equal PyTorch's bit for bit)."""
    img = lambda s: _data(T, s, (4, 3, 8, 8), 5, (4,), 100)                       # noqa: E731
    seq = lambda s: _data(T, s, (2, 6, 16), 16, (2, 6), 200)                        # noqa: E731
    tok = lambda s: _data(T, s, (2, 6), 20, (2, 6), 300, tokens=True)               # noqa: E731
    encoder = lambda T: T.nn.TransformerEncoderLayer(16, 2, 32, dropout=0.1, batch_first=True)  # noqa: E731
    return {
        # dropout on attention's (T, B, E) output seen batch-first: the mask follows its memory order; from the
        # third step on, attention's products (OpenBLAS's sums, not MKL's) move the loss by a unit in the last place
        'encoder_dropout_float32': (lambda: _train(T, _seeded(T, encoder), seq), 2),
        'encoder_dropout_bfloat16_autocast': (lambda: _train(T, _seeded(T, encoder), seq, dtype=T.bfloat16), 1),
        # BatchNorm under autocast keeps float32 statistics, and its gradients are computed in float32 in
        # PyTorch's order; with float16 and GradScaler the second step still differs in the last bits
        'resnet_bfloat16_autocast': (lambda: _train(T, _seeded(T, _resnet), img, dtype=T.bfloat16), 3),
        'resnet_float16_autocast_scaler': (
            lambda: _train(T, _seeded(T, _resnet), img, dtype=T.float16, scaler=True), 1),
        'gpt_block_bfloat16_autocast': (lambda: _train(T, _seeded(T, _gpt_block), tok, dtype=T.bfloat16), 3),
    }
