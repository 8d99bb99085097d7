"""Seeded random draws written once for both libraries: each case takes the module (``torch``
or ``ember``) and returns a tensor.  ``record.py`` runs them under PyTorch and stores the
results; the tests run them under ember and compare bit for bit.

Sizes cross PyTorch's algorithm switches: fewer than 16 elements (one-at-a-time Box-Muller with
its cached second value), 16 and more (blocks of 16, a partial last block redrawn), spans below
and above 2**28 (one word or two per integer), and non-contiguous tensors.
"""
SEED = 7
SIZES = (1, 3, 15, 16, 17, 33, 300)
FLOATS = ('float32', 'float64')


def _f(t, dt):
    return getattr(t, dt)


def _streams():
    c = {}
    for n in SIZES + (2051,):     # 2051: many blocks of 16 and a redrawn partial one
        for dt in FLOATS:
            c[f'randn {n} {dt}'] = lambda t, n=n, dt=dt: t.randn(n, dtype=_f(t, dt))
    for n in SIZES:
        for dt in FLOATS:
            c[f'rand {n} {dt}'] = lambda t, n=n, dt=dt: t.rand(n, dtype=_f(t, dt))
    for n in SIZES:
        for dt in FLOATS:
            c[f'uniform_ {n} {dt}'] = lambda t, n=n, dt=dt: t.empty(n, dtype=_f(t, dt)).uniform_(-0.3, 1.7)
            c[f'normal_ {n} {dt}'] = lambda t, n=n, dt=dt: t.empty(n, dtype=_f(t, dt)).normal_(0.5, 0.37)
            c[f'exponential_ {n} {dt}'] = lambda t, n=n, dt=dt: t.empty(n, dtype=_f(t, dt)).exponential_(1.5)
            c[f'geometric_ {n} {dt}'] = lambda t, n=n, dt=dt: t.empty(n, dtype=_f(t, dt)).geometric_(0.3)
            c[f'cauchy_ {n} {dt}'] = lambda t, n=n, dt=dt: t.empty(n, dtype=_f(t, dt)).cauchy_(0.5, 2.0)
            c[f'log_normal_ {n} {dt}'] = lambda t, n=n, dt=dt: t.empty(n, dtype=_f(t, dt)).log_normal_(0.1, 0.5)
            c[f'bernoulli_ {n} {dt}'] = lambda t, n=n, dt=dt: t.empty(n, dtype=_f(t, dt)).bernoulli_(0.3)
            c[f'bernoulli tensor p {n} {dt}'] = lambda t, n=n, dt=dt: t.bernoulli(t.full((n,), 0.3, dtype=_f(t, dt)))
        c[f'randint {n}'] = lambda t, n=n: t.randint(3, 1000, (n,))
        c[f'randint wide {n}'] = lambda t, n=n: t.randint(-2 ** 40, 2 ** 40, (n,))
        c[f'randperm {n}'] = lambda t, n=n: t.randperm(n)
    c['randint span 2**28 - 1'] = lambda t: t.randint(0, 2 ** 28 - 1, (9,))
    c['randint span 2**28'] = lambda t: t.randint(0, 2 ** 28, (9,))
    c['randperm 0 1 2 3'] = lambda t: t.cat([t.randperm(0), t.randperm(1), t.randperm(2), t.randperm(3)])
    c['randperm float32'] = lambda t: t.randperm(50, dtype=t.float32)
    c['rand float16'] = lambda t: t.rand(40, dtype=t.float16)
    for n in (5, 16, 17, 40):
        c[f'randn float16 {n}'] = lambda t, n=n: t.randn(n, dtype=t.float16)
    c['normal_ float16'] = lambda t: t.empty(33, dtype=t.float16).normal_(0.3, 2.0)
    c['uniform_ float16'] = lambda t: t.empty(33, dtype=t.float16).uniform_(-2, 3)
    c['exponential_ float16'] = lambda t: t.empty(33, dtype=t.float16).exponential_(2.0)
    c['bernoulli float16 p'] = lambda t: t.bernoulli(t.rand(33).half())
    for dt in FLOATS:
        for n, k in ((5, 1), (5, 3), (300, 5), (300, 1)):
            c[f'multinomial {n} {k} {dt}'] = (
                lambda t, n=n, k=k, dt=dt: t.multinomial(t.rand(n, dtype=_f(t, dt)), k))
        # few of many categories: the k largest keys found by partial selection
        c[f'multinomial few of many {dt}'] = lambda t, dt=dt: t.multinomial(t.rand(4, 300, dtype=_f(t, dt)), 7)
        c[f'multinomial few of many with zeros {dt}'] = lambda t, dt=dt: t.multinomial(
            t.rand(2, 400, dtype=_f(t, dt)) * (t.arange(400) % 3 == 0).to(_f(t, dt)), 30)
        for n, k in ((7, 20), (300, 5)):
            c[f'multinomial replacement {n} {k} {dt}'] = (
                lambda t, n=n, k=k, dt=dt: t.multinomial(t.rand(3, n, dtype=_f(t, dt)), k, replacement=True))
        c[f'normal(Tensor, float) {dt}'] = lambda t, dt=dt: t.normal(t.rand(20, dtype=_f(t, dt)), 0.3)
        c[f'normal(Tensor, float) small {dt}'] = lambda t, dt=dt: t.normal(t.rand(5, dtype=_f(t, dt)), 0.3)
        c[f'normal(float, Tensor) {dt}'] = lambda t, dt=dt: t.normal(0.7, t.rand(20, dtype=_f(t, dt)))
        c[f'normal(Tensor, Tensor) {dt}'] = (
            lambda t, dt=dt: t.normal(t.rand(4, 1, dtype=_f(t, dt)), t.rand(1, 20, dtype=_f(t, dt))))
        c[f'normal(float, float, size) {dt}'] = lambda t, dt=dt: t.normal(2.0, 3.0, (5, 7), dtype=_f(t, dt))
        c[f'cached Box-Muller value {dt}'] = lambda t, dt=dt: t.cat([
            t.randn(3, dtype=_f(t, dt)), t.randn(20, dtype=_f(t, dt)), t.randn(1, dtype=_f(t, dt)),
            t.randn(2, dtype=_f(t, dt))])
        c[f'transposed normal_ {dt}'] = lambda t, dt=dt: t.zeros(12, 10, dtype=_f(t, dt)).t().normal_().contiguous()
        c[f'strided normal_ {dt}'] = (
            lambda t, dt=dt: t.zeros(12, 10, dtype=_f(t, dt))[:, ::2].normal_().contiguous())
        c[f'transposed uniform_ {dt}'] = (
            lambda t, dt=dt: t.zeros(12, 10, dtype=_f(t, dt)).t().uniform_(-1, 2).contiguous())
        c[f'rand_like {dt}'] = lambda t, dt=dt: t.rand_like(t.zeros(3, 9, dtype=_f(t, dt)))
        c[f'randn_like {dt}'] = lambda t, dt=dt: t.randn_like(t.zeros(3, 9, dtype=_f(t, dt)))
        c[f'bernoulli(input, p) {dt}'] = lambda t, dt=dt: t.bernoulli(t.zeros(50, dtype=_f(t, dt)), 0.6)
        c[f'bernoulli_(Tensor) {dt}'] = (
            lambda t, dt=dt: t.zeros(5, 50, dtype=_f(t, dt)).bernoulli_(t.rand(50, dtype=_f(t, dt))))
    for dt in ('bool', 'uint8', 'int8', 'int16', 'int32', 'int64', 'float16', 'float32', 'float64'):
        c[f'random_() {dt}'] = lambda t, dt=dt: t.zeros(40, dtype=_f(t, dt)).random_()
        c[f'random_(2) {dt}'] = lambda t, dt=dt: t.zeros(40, dtype=_f(t, dt)).random_(2)
        c[f'randint_like {dt}'] = (
            lambda t, dt=dt: t.randint_like(t.zeros(40, dtype=_f(t, dt)), 2 if dt == 'bool' else 100))
        if dt != 'bool':
            c[f'random_(3, 9) {dt}'] = lambda t, dt=dt: t.zeros(40, dtype=_f(t, dt)).random_(3, 9)
            c[f'random_(5, None) {dt}'] = lambda t, dt=dt: t.zeros(40, dtype=_f(t, dt)).random_(5, None)
    for dt in ('int64', 'float32', 'float64'):
        c[f'random_(-2**63, None) {dt}'] = lambda t, dt=dt: t.zeros(40, dtype=_f(t, dt)).random_(-2 ** 63, None)
    # a value that rounds to the upper bound becomes the lower bound (narrow ranges, float16)
    c['uniform_ rounding to the upper bound float32'] = lambda t: t.empty(300).uniform_(1.0, 1.0 + 2 ** -20)
    c['uniform_ rounding to the upper bound float64'] = (
        lambda t: t.empty(300, dtype=t.float64).uniform_(1.0, 1.0 + 2 ** -49))
    c['uniform_ rounding to the upper bound float16'] = lambda t: t.empty(9000, dtype=t.float16).uniform_(1, 2)
    c['uniform_ symmetric float32'] = lambda t: t.empty(300).uniform_(-0.0625, 0.0625)
    c['uniform_ symmetric float64'] = lambda t: t.empty(300, dtype=t.float64).uniform_(-0.3, 0.3)
    c['uniform_ from zero float32'] = lambda t: t.empty(300).uniform_(0.0, 0.7)
    c['uniform_ empty range float32'] = lambda t: t.empty(20).uniform_(-0.0, -0.0)
    # bounds whose sums are exact in double, and one (a tiny lower bound) whose are not
    c['uniform_ off-grid range float32'] = lambda t: t.empty(300).uniform_(-123.4, 5e-5)
    c['uniform_ tiny lower bound float32'] = lambda t: t.empty(300).uniform_(1e-30, 1.0)
    c['uniform_ steps below the normal numbers float32'] = lambda t: t.empty(300).uniform_(1.1e-33, 3.7e-33)
    c['uniform_ off-grid range float16'] = lambda t: t.empty(300, dtype=t.float16).uniform_(0.001, 7.77)
    c['normal_ zero mean float32'] = lambda t: t.empty(300).normal_(0.0, 0.02)
    c['normal_ negative zero mean float32'] = lambda t: t.empty(300).normal_(-0.0, 3.0)
    # a std of zero or a power of two: the float32 product is exact (no fused-step emulation)
    c['normal_ power-of-two std float32'] = lambda t: t.empty(300).normal_(0.5, 2.0)
    c['normal_ unit std float32'] = lambda t: t.empty(300).normal_(-1.25, 1.0)
    c['normal_ zero std float32'] = lambda t: t.empty(40).normal_(0.7, 0.0)
    # products that underflow to zero keep their sign in the fused sum with a zero mean
    c['normal_ subnormal std float32'] = lambda t: t.empty(300).normal_(0.0, 1e-45)
    c['normal_ tiny std float32'] = lambda t: t.empty(300).normal_(0.0, 2e-30)
    c['randint int32 full range'] = lambda t: t.randint(-2 ** 31, 2 ** 31, (40,), dtype=t.int32)
    c['generator='] = lambda t: t.cat([t.rand(3, generator=t.Generator().manual_seed(3)),
                                       t.randn(20, generator=t.Generator().manual_seed(4))])
    return c


def _dropout():
    c = {}
    F = lambda t: t.nn.functional  # noqa: E731
    for dt in FLOATS:
        for p in (0.1, 0.5, 0.77):
            c[f'dropout {p} {dt}'] = lambda t, p=p, dt=dt: F(t).dropout(t.randn(33, 17, dtype=_f(t, dt)), p)
            c[f'Dropout(inplace) {p} {dt}'] = (
                lambda t, p=p, dt=dt: t.nn.Dropout(p, inplace=True)(t.randn(33, 17, dtype=_f(t, dt))))
            c[f'dropout1d {p} {dt}'] = lambda t, p=p, dt=dt: F(t).dropout1d(t.randn(4, 5, 6, dtype=_f(t, dt)), p)
            c[f'dropout1d unbatched {p} {dt}'] = (
                lambda t, p=p, dt=dt: F(t).dropout1d(t.randn(5, 6, dtype=_f(t, dt)), p))
            c[f'dropout2d {p} {dt}'] = (
                lambda t, p=p, dt=dt: F(t).dropout2d(t.randn(4, 5, 6, 3, dtype=_f(t, dt)), p))
            c[f'dropout3d {p} {dt}'] = (
                lambda t, p=p, dt=dt: F(t).dropout3d(t.randn(2, 5, 2, 6, 3, dtype=_f(t, dt)), p))
            c[f'alpha_dropout {p} {dt}'] = (
                lambda t, p=p, dt=dt: F(t).alpha_dropout(t.randn(33, 17, dtype=_f(t, dt)), p, training=True))
            c[f'feature_alpha_dropout {p} {dt}'] = (
                lambda t, p=p, dt=dt: F(t).feature_alpha_dropout(t.randn(3, 7, 4, 4, dtype=_f(t, dt)), p,
                                                                  training=True))
        c[f'Dropout gradient {dt}'] = lambda t, dt=dt: _dropout_grad(t, dt)
    # the mask is drawn into empty_like(input), in the input's memory order: a transposed, permuted or
    # channels-last input (attention's (T, B, E) outputs seen batch-first) is dropped where PyTorch drops it
    c['dropout transposed'] = lambda t: F(t).dropout(t.randn(17, 9).t(), 0.3)
    c['dropout permuted bfloat16'] = (
        lambda t: F(t).dropout(t.randn(6, 2, 16, dtype=t.bfloat16).transpose(0, 1), 0.1).float())
    c['dropout channels_last'] = (
        lambda t: F(t).dropout(t.randn(2, 3, 4, 5).to(memory_format=t.channels_last), 0.5))
    c['dropout sliced transposed'] = lambda t: F(t).dropout(t.randn(8, 6).t()[:, ::2], 0.5)
    c['alpha_dropout transposed'] = lambda t: F(t).alpha_dropout(t.randn(17, 9).t(), 0.3, training=True)
    for p in (0.3, 0.77):   # the scale 1/(1-p) is computed in float32, not from a float16 1-p
        c[f'dropout {p} float16'] = lambda t, p=p: F(t).dropout(t.randn(33, 17).half(), p)
    return c


def _dropout_grad(t, dt):
    x = t.randn(50, dtype=_f(t, dt), requires_grad=True)
    t.nn.Dropout(0.3)(x).sum().backward()
    return x.grad


def _init():
    c = {}
    I = lambda t: t.nn.init  # noqa: E731
    for dt in FLOATS:
        E = lambda t, dt=dt: t.empty(30, 20, dtype=_f(t, dt))  # noqa: E731
        c[f'init.uniform_ {dt}'] = lambda t, E=E: I(t).uniform_(E(t), -0.2, 0.7)
        c[f'init.normal_ {dt}'] = lambda t, E=E: I(t).normal_(E(t), 0.1, 0.3)
        c[f'init.kaiming_uniform_ {dt}'] = lambda t, E=E: I(t).kaiming_uniform_(E(t), a=5 ** 0.5)
        c[f'init.kaiming_normal_ {dt}'] = (
            lambda t, E=E: I(t).kaiming_normal_(E(t), mode='fan_out', nonlinearity='relu'))
        c[f'init.xavier_uniform_ {dt}'] = lambda t, E=E: I(t).xavier_uniform_(E(t), gain=1.3)
        c[f'init.xavier_normal_ {dt}'] = lambda t, E=E: I(t).xavier_normal_(E(t))
        for a, b in ((-2.0, 2.0), (0.5, 3.0), (-0.1, 0.1)):
            c[f'init.trunc_normal_ [{a}, {b}] {dt}'] = (
                lambda t, E=E, a=a, b=b: I(t).trunc_normal_(E(t), 0.0, 1.0, a, b))
        c[f'init.sparse_ {dt}'] = lambda t, E=E: I(t).sparse_(E(t), 0.3)
        c[f'init generator= {dt}'] = (
            lambda t, E=E: I(t).kaiming_uniform_(E(t), generator=t.Generator().manual_seed(5)))
    modules = {
        'Linear': lambda t: t.nn.Linear(20, 7), 'Conv1d': lambda t: t.nn.Conv1d(3, 4, 3),
        'Conv2d': lambda t: t.nn.Conv2d(3, 8, 5), 'Conv3d': lambda t: t.nn.Conv3d(2, 3, 2),
        'ConvTranspose1d': lambda t: t.nn.ConvTranspose1d(3, 4, 3),
        'ConvTranspose2d': lambda t: t.nn.ConvTranspose2d(3, 4, 3),
        'Embedding': lambda t: t.nn.Embedding(10, 4), 'EmbeddingBag': lambda t: t.nn.EmbeddingBag(10, 4),
        'RNN': lambda t: t.nn.RNN(4, 6, 2), 'LSTM': lambda t: t.nn.LSTM(4, 6, bidirectional=True),
        'GRU': lambda t: t.nn.GRU(4, 6), 'RNNCell': lambda t: t.nn.RNNCell(4, 6),
        'LSTMCell': lambda t: t.nn.LSTMCell(4, 6), 'GRUCell': lambda t: t.nn.GRUCell(4, 6),
        'Bilinear': lambda t: t.nn.Bilinear(3, 4, 5), 'MultiheadAttention': lambda t: t.nn.MultiheadAttention(8, 2),
        'TransformerEncoderLayer': lambda t: t.nn.TransformerEncoderLayer(8, 2, 16),
        'Transformer': lambda t: t.nn.Transformer(8, 2, 1, 1, 16),
        'PReLU': lambda t: t.nn.PReLU(3), 'BatchNorm2d': lambda t: t.nn.BatchNorm2d(3),
        'Sequential MLP': lambda t: t.nn.Sequential(t.nn.Linear(5, 6), t.nn.ReLU(), t.nn.Linear(6, 2)),
    }
    for name, make in modules.items():
        c[f'module {name}'] = (
            lambda t, make=make: t.cat([p.detach().reshape(-1).double() for p in make(t).parameters()]))
    return c


def _loader_orders(t, seed, shuffle=True, epochs=3, n=37, batch_size=5, **kw):
    ds = t.utils.data.TensorDataset(t.arange(n))
    g = t.Generator().manual_seed(seed) if seed is not None else None
    dl = t.utils.data.DataLoader(ds, batch_size=batch_size, shuffle=shuffle, generator=g, **kw)
    out = []
    for _ in range(epochs):
        for (b,) in dl:
            out += b.tolist()
    return t.tensor(out)


def _sampler(t, seed, **kw):
    g = t.Generator().manual_seed(seed) if seed is not None else None
    s = t.utils.data.RandomSampler(range(23), generator=g, **kw)
    return t.tensor(list(s) + list(s))


def _data():
    c = {}
    c['DataLoader shuffle'] = lambda t: _loader_orders(t, None)
    c['DataLoader shuffle generator='] = lambda t: _loader_orders(t, 11)
    c['DataLoader no shuffle'] = lambda t: _loader_orders(t, None, shuffle=False)
    c['DataLoader drop_last'] = lambda t: _loader_orders(t, None, drop_last=True)
    c['RandomSampler'] = lambda t: _sampler(t, None)
    c['RandomSampler generator='] = lambda t: _sampler(t, 3)
    c['RandomSampler num_samples'] = lambda t: _sampler(t, 3, num_samples=50)
    c['RandomSampler num_samples no generator'] = lambda t: _sampler(t, None, num_samples=50)
    c['RandomSampler replacement'] = lambda t: _sampler(t, 3, replacement=True, num_samples=70)
    c['RandomSampler replacement no generator'] = lambda t: _sampler(t, None, replacement=True)
    c['SubsetRandomSampler'] = lambda t: t.tensor(list(t.utils.data.SubsetRandomSampler([5, 9, 2, 7, 1])))
    c['WeightedRandomSampler'] = (
        lambda t: t.tensor(list(t.utils.data.WeightedRandomSampler([0.1, 0.5, 0.2, 0.9], 12))))
    c['WeightedRandomSampler no replacement'] = lambda t: t.tensor(
        list(t.utils.data.WeightedRandomSampler([0.1, 0.5, 0.2, 0.9], 3, replacement=False)))
    c['random_split'] = lambda t: t.tensor(t.utils.data.random_split(range(30), [10, 20])[1].indices)
    c['random_split fractions generator='] = lambda t: t.tensor(t.utils.data.random_split(
        range(31), [0.3, 0.7], generator=t.Generator().manual_seed(4))[0].indices)
    return c


def _worker_draws(t):
    """What each DataLoader worker sees: its seed, and a draw from ember/torch, NumPy and random."""
    import random

    import numpy as np

    class Probe(t.utils.data.Dataset):
        def __len__(self):
            return 4

        def __getitem__(self, i):
            info = t.utils.data.get_worker_info()
            return t.tensor([info.seed, int(t.randint(0, 10 ** 6, (1,))), int(np.random.randint(0, 10 ** 6)),
                             random.randint(0, 10 ** 6)])
    return t.cat([b.reshape(-1) for b in t.utils.data.DataLoader(Probe(), batch_size=1, num_workers=2)])


def _states():
    """Saved generator states (PyTorch's 5056-byte layout) at the positions that need care."""
    def after(draw):
        def case(t):
            g = t.Generator().manual_seed(3)
            draw(t, g)
            return g.get_state()
        return case
    c = {
        'fresh Generator()': lambda t: t.Generator().get_state(),
        'just seeded': after(lambda t, g: None),
        'cached normal': after(lambda t, g: t.randn(1, dtype=t.float64, generator=g)),
        '623 words': after(lambda t, g: t.randint(0, 10, (623,), generator=g)),
        '624 words': after(lambda t, g: t.randint(0, 10, (624,), generator=g)),
        '625 words': after(lambda t, g: t.randint(0, 10, (625,), generator=g)),
        'negative seed': lambda t: t.Generator().manual_seed(-5).get_state(),
    }
    return c


def _samplers():
    """The rejection samplers: each element takes as many draws as its accept/reject loop needs.
    Rates and shapes cross the algorithms' switches (Poisson at 10, gamma's boost below 1)."""
    c = {}
    rates = (0.0, 0.3, 2.5, 9.99, 10.0, 37.0, 1e4)
    for dt in FLOATS:
        c[f'poisson {dt}'] = lambda t, dt=dt: t.poisson(t.tensor(rates * 9, dtype=_f(t, dt)).reshape(9, 7))
        c[f'poisson large {dt}'] = lambda t, dt=dt: t.poisson(t.full((300,), 2e5, dtype=_f(t, dt)))
        c[f'gamma {dt}'] = lambda t, dt=dt: t.distributions.Gamma(
            t.tensor([0.05, 0.3, 0.999, 1.0, 1.5, 7.0, 300.0] * 6, dtype=_f(t, dt)), 2.0).sample((3,))
        c[f'gamma rsample {dt}'] = lambda t, dt=dt: t.distributions.Gamma(
            t.full((40,), 0.7, dtype=_f(t, dt)), t.ones(40, dtype=_f(t, dt))).rsample()
        c[f'dirichlet {dt}'] = lambda t, dt=dt: t.distributions.Dirichlet(
            t.tensor([[0.1, 0.5, 2.0], [1.0, 1.0, 1.0], [20.0, 0.01, 3.0]], dtype=_f(t, dt))).sample((4,))
        c[f'beta {dt}'] = lambda t, dt=dt: t.distributions.Beta(
            t.tensor([0.5, 2.0, 9.0], dtype=_f(t, dt)), t.tensor([0.5, 1.0, 0.2], dtype=_f(t, dt))).sample((5,))
        c[f'student t {dt}'] = lambda t, dt=dt: t.distributions.StudentT(
            t.tensor([1.0, 3.0, 30.0], dtype=_f(t, dt))).sample((6,))
        c[f'negative binomial {dt}'] = lambda t, dt=dt: t.distributions.NegativeBinomial(
            t.tensor([3.0, 40.0], dtype=_f(t, dt)), probs=t.tensor([0.2, 0.7], dtype=_f(t, dt))).sample((5,))
        # many elements, so that rejections and the cached normal's parity occur all along the stream
        c[f'gamma mixed shapes {dt}'] = lambda t, dt=dt: t.distributions.Gamma(
            t.rand(40, 50, dtype=_f(t, dt)) * t.tensor([0.05, 1.0, 3.0, 40.0, 1e4] * 10, dtype=_f(t, dt)), 1.0).sample()
        c[f'dirichlet wide {dt}'] = lambda t, dt=dt: t.distributions.Dirichlet(
            t.tensor([[0.02, 1.0, 60.0], [0.3, 4.0, 0.5]], dtype=_f(t, dt))).sample((150,))
        c[f'chi2 {dt}'] = lambda t, dt=dt: t.distributions.Chi2(t.tensor([0.5, 3.0, 200.0], dtype=_f(t, dt))).sample((200,))
        c[f'poisson mixed rates {dt}'] = lambda t, dt=dt: t.poisson(
            t.rand(60, 50, dtype=_f(t, dt)) * t.tensor([0.01, 1.0, 9.0, 12.0, 300.0] * 10, dtype=_f(t, dt)))
        # few distinct rates: outcomes tabled per stream position, both of PyTorch's algorithms
        c[f'poisson few rates {dt}'] = lambda t, dt=dt: t.cat([
            t.poisson(t.tensor([0.0, 0.7, 9.99, 12.5] * 500, dtype=_f(t, dt))),
            t.poisson(t.full((2000,), 40.0, dtype=_f(t, dt))), t.poisson(t.full((3000,), 4.0, dtype=_f(t, dt)))])
        c[f'binomial few pairs {dt}'] = lambda t, dt=dt: t.cat([
            t.binomial(t.tensor([0.0, 30.0, 400.0, 5.0] * 500, dtype=_f(t, dt)),
                       t.tensor([0.5, 0.9, 0.2, 1.0] * 500, dtype=_f(t, dt))),
            t.binomial(t.full((3000,), 20.0, dtype=_f(t, dt)), t.full((3000,), 0.3, dtype=_f(t, dt))),
            t.binomial(t.full((2000,), 1e6, dtype=_f(t, dt)), t.full((2000,), 0.7, dtype=_f(t, dt)))])
        c[f'binomial mixed {dt}'] = lambda t, dt=dt: t.binomial(
            t.tensor([5.0, 30.0, 400.0, 1e6] * 250, dtype=_f(t, dt)), t.rand(1000, dtype=_f(t, dt)))
    for seed in (1, 77, 2 ** 40 + 3):
        def seeded(t, seed=seed):
            t.manual_seed(seed)
            return t.cat([t.distributions.Gamma(t.full((700,), 0.4), 1.0).sample(),
                          t.distributions.Gamma(t.full((700,), 2.5, dtype=t.float64), 1.0).sample().float(),
                          t.poisson(t.full((700,), 3.0))])
        c[f'gamma and poisson seed {seed}'] = seeded
    # one shape for the whole tensor: whole stretches of elements accepted at once
    for dt in FLOATS:
        for shape in (0.3, 1.0, 7.0):
            c[f'gamma one shape {shape} {dt}'] = lambda t, shape=shape, dt=dt: t.cat([
                t.randn(1, dtype=t.float64), t.distributions.Gamma(t.full((1001,), shape, dtype=_f(t, dt)), 1.0).sample(),
                t.randn(3, dtype=t.float64).to(_f(t, dt))])
    c['gamma one shape odd count ends on a cached normal'] = lambda t: t.cat([
        t.distributions.Gamma(t.full((257,), 2.5, dtype=t.float64), 1.0).sample(), t.randn(3, dtype=t.float64)])
    c['gamma after a float64 normal starts from the cached value'] = lambda t: t.cat([
        t.randn(1, dtype=t.float64), t.distributions.Gamma(t.full((9,), 2.0, dtype=t.float64), 1.0).sample(),
        t.randn(3, dtype=t.float64)])
    c['normal after gamma uses the cached value'] = lambda t: t.cat([
        t.distributions.Gamma(t.tensor([2.0]), 1.0).sample(), t.randn(1), t.randn(3)])
    return c


def _bfloat16():
    """bfloat16 tensors (as float32 for the record): drawn in float32 then rounded, with float16's
    padded last normal block, 8-bit integers for random_()."""
    b = lambda t, n: t.empty(n, dtype=t.bfloat16)  # noqa: E731
    c = {}
    for n in (5, 16, 17, 40):
        c[f'normal_ {n}'] = lambda t, n=n: b(t, n).normal_(0.3, 2.0).float()
        c[f'randn {n}'] = lambda t, n=n: t.randn(n, dtype=t.bfloat16).float()
    c['uniform_'] = lambda t: b(t, 33).uniform_(-2, 3).float()
    c['uniform_ rounding to the upper bound'] = lambda t: b(t, 3000).uniform_(1, 2).float()
    c['rand'] = lambda t: t.rand(40, dtype=t.bfloat16).float()
    c['random_()'] = lambda t: b(t, 40).random_().float()
    c['random_(3, 9)'] = lambda t: b(t, 40).random_(3, 9).float()
    c['random_(-2**63, None)'] = lambda t: b(t, 40).random_(-2 ** 63, None).float()
    c['exponential_'] = lambda t: b(t, 40).exponential_(2.0).float()
    c['bernoulli'] = lambda t: t.bernoulli(t.full((40,), 0.4, dtype=t.bfloat16)).float()
    return c


def _distributions():
    """``sample((3, 4))`` (and ``rsample``) of every distribution whose draws are PyTorch's bit for
    bit, with small parameters that cross their samplers' switches; Laplace's also in float64 and
    in numbers large enough to cover SLEEF's ``log1p`` rounding away from the nearest value.
    (Kumaraswamy, Weibull, ContinuousBernoulli, GeneralizedPareto, LogisticNormal, RelaxedBernoulli, RelaxedOneHotCategorical,
    LKJCholesky and Wishart draw the same stream but differ from PyTorch in the last bit of some
    values: their pow, exp, log, log1p, softmax and matrix products round differently from
    PyTorch's vectorised math library.)"""
    def T(t, *v):
        return t.tensor(v if len(v) > 1 else v[0])
    D = {
        'Bernoulli': lambda t: t.distributions.Bernoulli(probs=T(t, 0.3, 0.6)),
        'Beta': lambda t: t.distributions.Beta(T(t, 0.5, 2.0), T(t, 0.7, 3.0)),
        'Beta small': lambda t: t.distributions.Beta(T(t, 0.2), T(t, 0.3)),
        'Binomial': lambda t: t.distributions.Binomial(10, probs=T(t, 0.3, 0.7)),
        'Binomial large count': lambda t: t.distributions.Binomial(T(t, 5.0, 400.0), probs=T(t, 0.2, 0.6)),
        'Categorical': lambda t: t.distributions.Categorical(probs=T(t, 0.2, 0.3, 0.5)),
        'Cauchy': lambda t: t.distributions.Cauchy(T(t, 0.0), T(t, 1.0)),
        'Chi2': lambda t: t.distributions.Chi2(T(t, 0.7, 3.0)),
        'Dirichlet': lambda t: t.distributions.Dirichlet(T(t, 0.5, 1.0, 2.0)),
        'Dirichlet small': lambda t: t.distributions.Dirichlet(T(t, 0.1, 0.3)),
        'Exponential': lambda t: t.distributions.Exponential(T(t, 1.5)),
        'FisherSnedecor': lambda t: t.distributions.FisherSnedecor(T(t, 0.8, 3.0), T(t, 0.6, 5.0)),
        'Gamma': lambda t: t.distributions.Gamma(T(t, 0.3, 2.0), T(t, 1.5, 0.5)),
        'Geometric': lambda t: t.distributions.Geometric(probs=T(t, 0.3, 0.7)),
        'Gumbel': lambda t: t.distributions.Gumbel(T(t, 0.0), T(t, 1.0)),
        'HalfCauchy': lambda t: t.distributions.HalfCauchy(T(t, 1.0)),
        'HalfNormal': lambda t: t.distributions.HalfNormal(T(t, 1.0)),
        'InverseGamma': lambda t: t.distributions.InverseGamma(T(t, 0.5, 2.0), T(t, 1.0, 1.0)),
        'LogNormal': lambda t: t.distributions.LogNormal(T(t, 0.0), T(t, 1.0)),
        'LowRankMultivariateNormal': lambda t: t.distributions.LowRankMultivariateNormal(
            t.zeros(2), t.ones(2, 1), t.ones(2)),
        'Multinomial': lambda t: t.distributions.Multinomial(5, probs=T(t, 0.2, 0.3, 0.5)),
        'MultivariateNormal': lambda t: t.distributions.MultivariateNormal(t.zeros(2), t.eye(2)),
        'NegativeBinomial': lambda t: t.distributions.NegativeBinomial(T(t, 3.0, 0.5), probs=T(t, 0.4, 0.6)),
        'Normal': lambda t: t.distributions.Normal(T(t, 0.0), T(t, 1.0)),
        'OneHotCategorical': lambda t: t.distributions.OneHotCategorical(probs=T(t, 0.2, 0.3, 0.5)),
        'Pareto': lambda t: t.distributions.Pareto(T(t, 1.0), T(t, 2.0)),
        'Poisson': lambda t: t.distributions.Poisson(T(t, 0.5, 4.0, 30.0)),
        'StudentT': lambda t: t.distributions.StudentT(T(t, 0.7, 3.0)),
        'Uniform': lambda t: t.distributions.Uniform(T(t, 0.0), T(t, 2.0)),
        'VonMises': lambda t: t.distributions.VonMises(T(t, 0.0, 1.0), T(t, 0.5, 4.0)),
        'MixtureSameFamily': lambda t: t.distributions.MixtureSameFamily(
            t.distributions.Categorical(T(t, 0.3, 0.7)), t.distributions.Normal(T(t, 0.0, 2.0), T(t, 1.0, 0.5))),
        'Independent': lambda t: t.distributions.Independent(t.distributions.Normal(t.zeros(3), t.ones(3)), 1),
    }
    c = {}
    for name, make in D.items():
        c[f'{name} sample'] = lambda t, make=make: make(t).sample((3, 4))
        if name in ('Beta', 'Dirichlet', 'Gamma', 'Chi2', 'StudentT', 'Normal', 'LogNormal', 'Uniform',
                    'FisherSnedecor', 'InverseGamma', 'MultivariateNormal', 'Pareto', 'Gumbel'):
            c[f'{name} rsample'] = lambda t, make=make: make(t).rsample((3, 4)).detach()
    c['Wishart stream position'] = lambda t: t.cat([  # its values: see the docstring
        t.tensor([float(t.distributions.Wishart(t.tensor(3.0), t.eye(2)).sample((3,)).shape[0])]), t.rand(3)])
    for dt in FLOATS:
        c[f'Laplace 2000 {dt}'] = lambda t, dt=dt: t.distributions.Laplace(
            t.tensor([0.5, -1.0], dtype=_f(t, dt)), t.tensor([2.0, 0.3], dtype=_f(t, dt))).sample((1000,))
        c[f'Laplace rsample 33 {dt}'] = lambda t, dt=dt: t.distributions.Laplace(
            t.tensor(0.0, dtype=_f(t, dt)), t.tensor(1.0, dtype=_f(t, dt))).rsample((33,)).detach()
    c['Laplace sample'] = lambda t: t.distributions.Laplace(T(t, 0.0, 1.0), T(t, 1.0, 0.5)).sample((3, 4))
    g = lambda t: t.Generator().manual_seed(11)  # noqa: E731
    c['_standard_gamma'] = lambda t: t._standard_gamma(t.tensor([0.1, 0.5, 0.9, 1.0, 3.0] * 7))
    c['_standard_gamma float64 generator='] = lambda t: t._standard_gamma(
        t.tensor([0.1, 0.5, 0.9, 1.0, 3.0] * 7, dtype=t.float64), generator=g(t))
    c['_sample_dirichlet'] = lambda t: t._sample_dirichlet(t.tensor([[0.1, 0.5, 2.0], [1.0, 1.0, 1.0]] * 5))
    c['_sample_dirichlet generator='] = lambda t: t._sample_dirichlet(
        t.tensor([[0.05, 0.5, 0.99]] * 6, dtype=t.float64), generator=g(t))
    return c


GROUPS = {'streams': _streams, 'bfloat16': _bfloat16, 'distributions': _distributions, 'dropout': _dropout, 'init': _init, 'data': _data, 'states': _states,
          'samplers': _samplers, 'workers': lambda: {'worker seeds': _worker_draws}}


def run(t, make_case):
    """Seed, run one case, and return (its result, the next int64 the global stream gives):
    the second pins how many words the case consumed."""
    t.manual_seed(SEED)
    out = make_case(t)
    after = int(t.empty((), dtype=t.int64).random_())
    return out.detach().contiguous().numpy(), after
