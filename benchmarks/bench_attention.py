"""Attention and transformer-block speed, side by side with PyTorch when it is importable.

    TORCH_PYTHON=/tmp/torch/bin/python python benchmarks/bench_attention.py

Measures (medians over interleaved rounds, see _common.side_by_side):

* ``sdpa_fwd_bwd_ms``: ``F.scaled_dot_product_attention`` forward and backward, batch 16, 4 heads,
  T 128, head size 32, causal, float32.
* ``gpt_block_step_ms``: one training step of a GPT block as Karpathy's programs write it
  (n_embd 128, 4 heads, T 64, batch 16: LayerNorm, attention written out with a registered causal
  mask, masked_fill and softmax, LayerNorm, MLP with exact GELU), a 65-token head,
  cross-entropy and AdamW.
* ``gpt_block_sdpa_step_ms``: the same block with its attention through
  ``F.scaled_dot_product_attention(is_causal=True)`` (nanoGPT's "flash" path).
* ``encoder_layer_step_ms``: one training step of ``nn.TransformerEncoderLayer(128, 4, 512,
  batch_first=True)`` (PyTorch's defaults otherwise: post-norm, ReLU, dropout 0.1) on a batch of 16
  sequences of 64, loss ``out.pow(2).mean()``, AdamW.
* ``encoder_layer_eval_ms``: the same layer's forward in eval mode under ``no_grad`` (where PyTorch
  takes its fused "fast path" kernel).
* ``gpt_block_peak_mb``: how far RSS peaks above its level before training during five
  ``gpt_block_step`` steps, first thing in a fresh process (see _common.peak_rss_growth_mb).
"""
import math

import numpy as np

from _common import best, import_lib, peak_rss_growth_mb, side_by_side


def gpt_block(lib, n_embd=128, n_head=4, block_size=64, vocab=65, fused=False):
    nn, F = lib.nn, lib.nn.functional

    class CausalSelfAttention(nn.Module):
        def __init__(self):
            super().__init__()
            self.c_attn = nn.Linear(n_embd, 3 * n_embd)
            self.c_proj = nn.Linear(n_embd, n_embd)
            self.register_buffer('bias', lib.tril(lib.ones(block_size, block_size))
                                 .view(1, 1, block_size, block_size))

        def forward(self, x):
            B, T, C = x.size()
            q, k, v = self.c_attn(x).split(n_embd, dim=2)
            k = k.view(B, T, n_head, C // n_head).transpose(1, 2)
            q = q.view(B, T, n_head, C // n_head).transpose(1, 2)
            v = v.view(B, T, n_head, C // n_head).transpose(1, 2)
            if fused:
                y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            else:
                att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
                att = att.masked_fill(self.bias[:, :, :T, :T] == 0, float('-inf'))
                att = F.softmax(att, dim=-1)
                y = att @ v
            y = y.transpose(1, 2).contiguous().view(B, T, C)
            return self.c_proj(y)

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln_1 = nn.LayerNorm(n_embd)
            self.attn = CausalSelfAttention()
            self.ln_2 = nn.LayerNorm(n_embd)
            self.mlp = nn.Sequential(nn.Linear(n_embd, 4 * n_embd), nn.GELU(), nn.Linear(4 * n_embd, n_embd))
            self.head = nn.Linear(n_embd, vocab)

        def forward(self, x):
            x = x + self.attn(self.ln_1(x))
            x = x + self.mlp(self.ln_2(x))
            return self.head(x)
    return Block()


def gpt_block_step(lib, fused):
    """One training step of ``gpt_block`` (cross-entropy, AdamW) on a batch of 16 sequences of 64."""
    rng = np.random.default_rng(0)
    lib.manual_seed(0)
    model = gpt_block(lib, fused=fused)
    opt = lib.optim.AdamW(model.parameters(), lr=1e-3)
    x = lib.tensor(rng.standard_normal((16, 64, 128)).astype(np.float32))
    y = lib.tensor(rng.integers(0, 65, (16, 64)))
    F = lib.nn.functional

    def step():
        logits = model(x)
        loss = F.cross_entropy(logits.view(-1, 65), y.view(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    return step


def _encoder_layer(lib):
    rng = np.random.default_rng(0)
    lib.manual_seed(0)
    layer = lib.nn.TransformerEncoderLayer(128, 4, 512, batch_first=True)
    opt = lib.optim.AdamW(layer.parameters(), lr=1e-3)
    x = lib.tensor(rng.standard_normal((16, 64, 128)).astype(np.float32))

    def step():
        loss = layer(x).pow(2).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    def evaluate():
        with lib.no_grad():
            layer(x)
    return layer, step, evaluate


def sdpa_fwd_bwd(lib, rng):
    """``F.scaled_dot_product_attention`` (B 16, H 4, T 128, D 32, causal, float32) and its backward."""
    def t(*shape):
        return lib.tensor(rng.standard_normal(shape).astype(np.float32), requires_grad=True)
    q, k, v = t(16, 4, 128, 32), t(16, 4, 128, 32), t(16, 4, 128, 32)
    g = lib.tensor(rng.standard_normal((16, 4, 128, 32)).astype(np.float32))

    def sdpa():
        lib.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True).backward(g)
    return sdpa


def bench(lib_name):
    lib = import_lib(lib_name)
    rng = np.random.default_rng(0)
    res = {'gpt_block_peak_mb': peak_rss_growth_mb(gpt_block_step(lib, False))}  # first: a fresh process
    res['sdpa_fwd_bwd_ms'] = best(sdpa_fwd_bwd(lib, rng), 3, repeat=7) * 1e3
    res['gpt_block_step_ms'] = best(gpt_block_step(lib, False), 3, repeat=7) * 1e3
    res['gpt_block_sdpa_step_ms'] = best(gpt_block_step(lib, True), 3, repeat=7) * 1e3
    layer, step, evaluate = _encoder_layer(lib)
    res['encoder_layer_step_ms'] = best(step, 3, repeat=7) * 1e3
    layer.eval()
    res['encoder_layer_eval_ms'] = best(evaluate, 3, repeat=7) * 1e3
    return res


if __name__ == '__main__':
    side_by_side(__file__, bench)
