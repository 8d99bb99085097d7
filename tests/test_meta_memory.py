"""Ops on 'meta' tensors allocate nothing proportional to their shapes: results are zero-memory
arrays from start to end, so a model of any size runs forward and backward on 'meta' in a few
megabytes (measured with tracemalloc, which sees NumPy's allocations)."""
import tracemalloc

import pytest

import ember
import ember.nn.functional as F
from ember import nn

N = 100000          # a 100000 x 100000 float32 tensor would hold 40 GB
SMALL = 8 * 2**20   # what a whole forward and backward may allocate at the peak, whatever the shapes


def meta(*shape, **kw):
    return ember.empty(*shape, device='meta', **kw)


def peak_bytes(fn):
    tracemalloc.start()
    try:
        result = fn()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


HUGE_OPS = {
    'matmul': (lambda: meta(N, N) @ meta(N, N), (N, N)),
    'sum': (lambda: meta(N, N).sum(0), (N,)),
    'linear': (lambda: F.linear(meta(N, N), meta(N, N), meta(N)), (N, N)),
    'softmax': (lambda: meta(N, N).softmax(-1), (N, N)),
    'log_softmax': (lambda: F.log_softmax(meta(N, N), 1), (N, N)),
    'cat': (lambda: ember.cat([meta(N, N), meta(N, N)], 1), (N, 2 * N)),
    'stack': (lambda: ember.stack([meta(N, N), meta(N, N)]), (2, N, N)),
    'conv2d': (lambda: F.conv2d(meta(64, 256, 512, 512), meta(256, 256, 3, 3), padding=1), (64, 256, 512, 512)),
    'conv2d_strided': (lambda: F.conv2d(meta(64, 256, 512, 512), meta(256, 256, 3, 3), stride=2), (64, 256, 255, 255)),
    # PyTorch's "reasoning about shapes" recipe: columns made a few samples at a time, products into out=
    'conv2d_chunked': (lambda: F.conv2d(meta(2**10, 3, 2**16, 2**16), meta(5, 3, 2, 2), meta(5)),
                       (2**10, 5, 2**16 - 1, 2**16 - 1)),
    'conv_transpose2d': (lambda: F.conv_transpose2d(meta(64, 256, 512, 512), meta(256, 128, 4, 4), stride=2),
                         (64, 128, 1026, 1026)),
    'max_pool2d': (lambda: F.max_pool2d(meta(64, 256, 512, 512), 2), (64, 256, 256, 256)),
    'batch_norm': (lambda: F.batch_norm(meta(64, 256, 512, 512), meta(256), meta(256), training=True),
                   (64, 256, 512, 512)),
    'layer_norm': (lambda: F.layer_norm(meta(N, N), (N,)), (N, N)),
    'gelu': (lambda: F.gelu(meta(N, N)), (N, N)),
    'dropout': (lambda: F.dropout(meta(N, N), 0.5), (N, N)),
    'rrelu': (lambda: F.rrelu(meta(N, N), training=True), (N, N)),
    'contiguous': (lambda: meta(N, N).t().contiguous(), (N, N)),
    'index': (lambda: meta(N, N)[meta(N, dtype=ember.long)], (N, N)),
    'embedding': (lambda: F.embedding(meta(4, N, dtype=ember.long), meta(N, 4096)), (4, N, 4096)),
    'where': (lambda: ember.where(meta(N, N, dtype=ember.bool), meta(N, N), 0.), (N, N)),
    'var': (lambda: meta(N, N).var(1), (N,)),
    'sort': (lambda: meta(N, N).sort(1).values, (N, N)),
    'cumsum': (lambda: meta(N, N).cumsum(1), (N, N)),
    'pad': (lambda: F.pad(meta(64, 256, 512, 512), (1, 1, 1, 1)), (64, 256, 514, 514)),
    'sdpa': (lambda: F.scaled_dot_product_attention(*[meta(64, 32, 8192, 128)] * 3, is_causal=True),
             (64, 32, 8192, 128)),
    'cross_entropy': (lambda: F.cross_entropy(meta(N, N), meta(N, dtype=ember.long)), ()),
    'einsum': (lambda: ember.einsum('ij,jk->ik', meta(N, N), meta(N, N)), (N, N)),
    'broadcast': (lambda: meta(N, 1) + meta(1, N), (N, N)),
    'half': (lambda: meta(N, N).half(), (N, N)),
    'masked_fill': (lambda: meta(N, N).masked_fill(meta(N, N, dtype=ember.bool), 0), (N, N)),
    'randn': (lambda: ember.randn(N, N, device='meta'), (N, N)),
    'randint': (lambda: ember.randint(0, 5, (N, N), device='meta'), (N, N)),
}


@pytest.mark.parametrize('name', sorted(HUGE_OPS))
def test_op_on_huge_shape_allocates_nothing(name):
    fn, shape = HUGE_OPS[name]
    fn()    # first: the op's lazily imported modules and caches (their memory is no part of the shape's)
    out, peak = peak_bytes(fn)
    assert out.is_meta and tuple(out.shape) == shape
    assert not any(out._data.strides)
    assert peak < 2**20


def test_backward_on_huge_shapes():
    def run():
        x = meta(64, 256, 512, 512, requires_grad=True)
        w = meta(256, 256, 3, 3, requires_grad=True)
        F.conv2d(x, w, padding=1).relu().sum().backward()
        a, b = meta(N, N, requires_grad=True), meta(N, N, requires_grad=True)
        (a @ b).softmax(-1).mean().backward()
        return x, w, a, b
    (x, w, a, b), peak = peak_bytes(run)
    assert peak < SMALL
    for t in (x, w, a, b):
        assert t.grad.is_meta and t.grad.shape == t.shape and not any(t.grad._data.strides)


class _Block(nn.Module):
    """A transformer block: GPT-2's (LayerNorm, GELU MLP, explicit causal attention) or LLaMA's
    (RMSNorm, SwiGLU MLP, scaled_dot_product_attention)."""

    def __init__(self, d, heads, hidden, llama):
        super().__init__()
        self.heads, self.llama = heads, llama
        norm = nn.RMSNorm if llama else nn.LayerNorm
        self.n1, self.n2 = norm(d), norm(d)
        self.qkv = nn.Linear(d, 3 * d, bias=not llama)
        self.proj = nn.Linear(d, d, bias=not llama)
        self.up = nn.Linear(d, hidden, bias=not llama)
        self.gate = nn.Linear(d, hidden, bias=False) if llama else None
        self.down = nn.Linear(hidden, d, bias=not llama)

    def forward(self, x):
        B, T, C = x.shape
        q, k, v = [t.view(B, T, self.heads, -1).transpose(1, 2) for t in self.qkv(self.n1(x)).split(C, dim=2)]
        if self.llama:
            a = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        else:
            w = (q @ k.transpose(-2, -1)) * q.shape[-1] ** -0.5
            causal = ember.ones(T, T, dtype=ember.bool, device=x.device).tril()
            a = w.masked_fill(~causal, float('-inf')).softmax(-1) @ v
        x = x + self.proj(a.transpose(1, 2).reshape(B, T, C))
        y = self.n2(x)
        y = F.silu(self.gate(y)) * self.up(y) if self.llama else F.gelu(self.up(y))
        return x + self.down(y)


class _LM(nn.Module):
    def __init__(self, vocab, d, heads, hidden, layers, llama):
        super().__init__()
        self.emb = nn.Embedding(vocab, d)
        self.blocks = nn.Sequential(*[_Block(d, heads, hidden, llama) for _ in range(layers)])
        self.norm = nn.RMSNorm(d) if llama else nn.LayerNorm(d)
        self.head = nn.Linear(d, vocab, bias=False)

    def forward(self, idx):
        return self.head(self.norm(self.blocks(self.emb(idx))))


@pytest.mark.parametrize('config', [
    dict(vocab=50257, d=768, heads=12, hidden=3072, layers=12, llama=False, batch=8, seq=1024),   # GPT-2
    dict(vocab=32000, d=4096, heads=32, hidden=11008, layers=4, llama=True, batch=4, seq=2048),   # LLaMA-7B widths
])
def test_language_model_forward_and_backward_on_meta(config):
    def run():
        with ember.device('meta'):
            lm = _LM(*[config[k] for k in ('vocab', 'd', 'heads', 'hidden', 'layers', 'llama')])
        idx = ember.zeros(config['batch'], config['seq'], dtype=ember.long, device='meta')
        logits = lm(idx)
        F.cross_entropy(logits.flatten(0, 1), idx.flatten()).backward()
        return lm, logits
    (lm, logits), peak = peak_bytes(run)
    assert peak < SMALL
    assert logits.shape == (config['batch'], config['seq'], config['vocab']) and logits.is_meta
    for p in lm.parameters():
        assert p.grad is not None and p.grad.is_meta and p.grad.shape == p.shape and p.grad.dtype == p.dtype
