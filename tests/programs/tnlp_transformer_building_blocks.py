# PyTorch tutorial "Accelerating PyTorch Transformers by replacing nn.Transformer with Nested Tensors and
# torch.compile()" (intermediate_source/transformer_building_blocks.py), run on the CPU and small: batches
# of 12 jagged sequences with embedding size 16 and 2 heads, the CUDA benchmark helper replaced by one that
# only runs the function (no times or memory printed), differences printed as whether they are below
# 1e-5. PyTorch's CPU kernels refuse the tutorial's nested attention (its heads split from a packed projection
# are not contiguous; causal masks): the refusals are printed, and the layer is compared on padded dense
# inputs instead. Covers the nested-tensor MultiHeadAttention against nn.MultiheadAttention with padding masks
# (forward and backward), cross attention, fully masked rows, FlexAttention with an ALiBi score_mod on
# nested tensors, and the packed input projection. Every torch call as the tutorial writes it.
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class MultiHeadAttention(nn.Module):
    def __init__(
        self,
        E_q: int,
        E_k: int,
        E_v: int,
        E_total: int,
        nheads: int,
        dropout: float = 0.0,
        bias=True,
        device=None,
        dtype=None,
    ):
        factory_kwargs = {"device": device, "dtype": dtype}
        super().__init__()
        self.nheads = nheads
        self.dropout = dropout
        self._qkv_same_embed_dim = E_q == E_k and E_q == E_v
        if self._qkv_same_embed_dim:
            self.packed_proj = nn.Linear(E_q, E_total * 3, bias=bias, **factory_kwargs)
        else:
            self.q_proj = nn.Linear(E_q, E_total, bias=bias, **factory_kwargs)
            self.k_proj = nn.Linear(E_k, E_total, bias=bias, **factory_kwargs)
            self.v_proj = nn.Linear(E_v, E_total, bias=bias, **factory_kwargs)
        E_out = E_q
        self.out_proj = nn.Linear(E_total, E_out, bias=bias, **factory_kwargs)
        assert E_total % nheads == 0, "Embedding dim is not divisible by nheads"
        self.E_head = E_total // nheads
        self.bias = bias

    def forward(
        self,
        query: torch.Tensor,
        key: torch.Tensor,
        value: torch.Tensor,
        attn_mask=None,
        is_causal=False,
    ) -> torch.Tensor:
        # Step 1. Apply input projection
        if self._qkv_same_embed_dim:
            if query is key and key is value:
                result = self.packed_proj(query)
                query, key, value = torch.chunk(result, 3, dim=-1)
            else:
                q_weight, k_weight, v_weight = torch.chunk(
                    self.packed_proj.weight, 3, dim=0
                )
                if self.bias:
                    q_bias, k_bias, v_bias = torch.chunk(
                        self.packed_proj.bias, 3, dim=0
                    )
                else:
                    q_bias, k_bias, v_bias = None, None, None
                query, key, value = (
                    F.linear(query, q_weight, q_bias),
                    F.linear(key, k_weight, k_bias),
                    F.linear(value, v_weight, v_bias),
                )

        else:
            query = self.q_proj(query)
            key = self.k_proj(key)
            value = self.v_proj(value)

        # Step 2. Split heads and prepare for SDPA
        query = query.unflatten(-1, [self.nheads, self.E_head]).transpose(1, 2)
        key = key.unflatten(-1, [self.nheads, self.E_head]).transpose(1, 2)
        value = value.unflatten(-1, [self.nheads, self.E_head]).transpose(1, 2)

        # Step 3. Run SDPA
        attn_output = F.scaled_dot_product_attention(
            query, key, value, dropout_p=self.dropout, is_causal=is_causal
        )
        attn_output = attn_output.transpose(1, 2).flatten(-2)

        # Step 4. Apply output projection
        attn_output = self.out_proj(attn_output)

        return attn_output


import numpy as np


def zipf_sentence_lengths(alpha: float, batch_size: int) -> torch.Tensor:
    # generate fake corpus by unigram Zipf distribution
    # from wikitext-2 corpus, we get rank "." = 3, "!" = 386, "?" = 858
    sentence_lengths = np.empty(batch_size, dtype=int)
    for ibatch in range(batch_size):
        sentence_lengths[ibatch] = 1
        word = np.random.zipf(alpha)
        while word != 3 and word != 386 and word != 858:
            sentence_lengths[ibatch] += 1
            word = np.random.zipf(alpha)
    return torch.tensor(sentence_lengths)


def gen_batch(N, E_q, E_k, E_v, device, dtype=torch.float32, query_seq_len_1=False):
    sentence_lengths = zipf_sentence_lengths(alpha=1.2, batch_size=N)
    if query_seq_len_1:
        query = torch.nested.nested_tensor(
            [torch.randn(1, E_q, dtype=dtype, device=device) for l in sentence_lengths],
            layout=torch.jagged,
        )
    else:
        query = torch.nested.nested_tensor(
            [
                torch.randn(l.item(), E_q, dtype=dtype, device=device)
                for l in sentence_lengths
            ],
            layout=torch.jagged,
        )

    key = torch.nested.nested_tensor(
        [
            torch.randn(s.item(), E_k, dtype=dtype, device=device)
            for s in sentence_lengths
        ],
        layout=torch.jagged,
    )

    value = torch.nested.nested_tensor(
        [
            torch.randn(s.item(), E_v, dtype=dtype, device=device)
            for s in sentence_lengths
        ],
        layout=torch.jagged,
    )

    return query, key, value, sentence_lengths


def benchmark(func, *args, **kwargs):
    # the tutorial's helper times the call on a GPU and reads its peak memory; here it only runs it
    output = func(*args, **kwargs)
    return output, 1.0, 0


def small(x):
    return bool(x < 1e-5)


np.random.seed(0)   # Zipf sentence lengths come from NumPy's global generator
N, E_q, E_k, E_v, E_total = 12, 16, 16, 16, 16
E_out = E_q
d_model = E_q
nheads = 2
dropout = 0.0
bias = True
device = "cpu"
torch.manual_seed(6)
query, key, value, sentence_lengths = gen_batch(N, E_q, E_k, E_v, device)
S = sentence_lengths.max().item()
print(
    f"Total sequence length in nested query {sentence_lengths.sum().item()}, max sequence length {S}"
)
padded_query, padded_key, padded_value = (
    t.to_padded_tensor(0.0) for t in (query, key, value)
)
print(query.size(0), query.size(-1), query.layout, padded_query.shape)   # (the ragged size is numbered per process)

torch.manual_seed(6)
mha_layer = MultiHeadAttention(
    E_q, E_k, E_v, E_total, nheads, dropout=dropout, bias=bias, device="cpu"
)
torch.manual_seed(6)
vanilla_mha_layer = nn.MultiheadAttention(
    E_q, nheads, dropout=dropout, batch_first=True, bias=bias, device="cpu"
)

mha_layer.out_proj.weight = nn.Parameter(
    vanilla_mha_layer.out_proj.weight.clone().detach()
)
mha_layer.packed_proj.weight = nn.Parameter(
    vanilla_mha_layer.in_proj_weight.clone().detach()
)
mha_layer.out_proj.bias = nn.Parameter(vanilla_mha_layer.out_proj.bias.clone().detach())
mha_layer.packed_proj.bias = nn.Parameter(
    vanilla_mha_layer.in_proj_bias.clone().detach()
)

new_mha_layer = mha_layer   # the tutorial compiles it: torch.compile(mha_layer)


def attempt(fn, *args, **kwargs):
    """The tutorial's nested attention runs on CUDA: PyTorch's CPU kernels refuse nested inputs that are not
    contiguous once their heads are split (as chunks of the packed projection are), and causal masks."""
    try:
        return fn(*args, **kwargs)
    except RuntimeError as e:
        print("RuntimeError:", e)


nested_result_warmup = attempt(new_mha_layer, query, query, query, is_causal=True)
nested_result_warmup = attempt(new_mha_layer, query, query, query, is_causal=False)

src_key_padding_mask = torch.where(padded_query == 0.0, -math.inf, 0)[:, :, 0]
attn_mask = torch.empty((N, S, S), device=device).fill_(float("-inf"))
for i, s in enumerate(sentence_lengths):
    attn_mask[i, :s, :s] = nn.Transformer.generate_square_subsequent_mask(s)
attn_mask = attn_mask.unsqueeze(1).expand(N, nheads, S, S).reshape(N * nheads, S, S)

(padded_result, _), padded_time, padded_peak_memory = benchmark(
    vanilla_mha_layer,
    padded_query,
    padded_query,
    padded_query,
    key_padding_mask=src_key_padding_mask,
    need_weights=False,
    attn_mask=attn_mask,
    is_causal=True,
)
for i, entry_length in enumerate(sentence_lengths):
    # padding-specific step: remove output projection bias from padded entries for fair comparison
    padded_result[i, entry_length:, :] = 0.0
_, padded_bw_time, padded_bw_peak_mem = benchmark(
    lambda: padded_result.sum().backward()
)
print(padded_result.shape, padded_result[0, 0, :4], vanilla_mha_layer.out_proj.bias.grad[:4])

# the layer's own padded path against nn.MultiheadAttention (dense inputs: the CPU computes them)
dense_result = new_mha_layer(padded_query, padded_query, padded_query, is_causal=True)
for i, entry_length in enumerate(sentence_lengths):
    dense_result[i, entry_length:, :] = 0.0
print("Max difference between vanilla and dense custom result below 1e-5:",
      small((dense_result - padded_result).abs().max().item()))

# Cross Attention
query, _, _, q_len = gen_batch(N, E_q, E_k, E_v, device)
_, key, value, kv_len = gen_batch(N, E_q, E_k, E_v, device)

print(
    f"Total sequence length in nested query {q_len.sum().item()}, max sequence length {q_len.max().item()}"
)
print(
    f"Total sequence length in nested key/value {kv_len.sum().item()}, max sequence length {kv_len.max().item()}"
)
out = attempt(new_mha_layer, query, key, value, is_causal=False)

torch.manual_seed(6)
query, _, _, q_len = gen_batch(N, E_q, E_k, E_v, device)
_, key, value, kv_len = gen_batch(N, E_q, E_k, E_v, device)
padded_query, padded_key, padded_value = (
    t.to_padded_tensor(0.0) for t in (query, key, value)
)

key_padding_mask = torch.where(padded_key == 0.0, -math.inf, 0)[:, :, 0]
(padded_result, _), padded_time, padded_peak_memory = benchmark(
    vanilla_mha_layer,
    padded_query,
    padded_key,
    padded_value,
    key_padding_mask=key_padding_mask,
    need_weights=False,
    is_causal=False,
)
for i, entry_length in enumerate(q_len):
    padded_result[i, entry_length:, :] = 0.0
print(padded_result.shape, padded_result[1, 0, :4])

# Fully masked rows no longer cause NaNs
q = torch.randn(1, 1, 3, 4)
mask = torch.tensor([[True, False], [False, False], [True, True]])
print(F.scaled_dot_product_attention(q, torch.randn(1, 1, 2, 4), torch.randn(1, 1, 2, 4), attn_mask=mask)[0, 0, 1])

# FlexAttention + NJT
from torch.nn.attention.flex_attention import flex_attention


def generate_alibi_bias(H: int):
    def alibi_mod(score, b, h, q_idx, kv_idx):
        scale = torch.exp2(-((h + 1) * 8.0 / H))
        bias = (q_idx - kv_idx) * scale
        return score + bias

    return alibi_mod


query, key, value, _ = gen_batch(N, E_q, E_k, E_v, device)
n_heads, D = 2, E_q // 2
alibi_score_mod = generate_alibi_bias(n_heads)
query = query.unflatten(-1, [n_heads, D]).transpose(1, 2).detach().requires_grad_()
key = key.unflatten(-1, [n_heads, D]).transpose(1, 2).detach().requires_grad_()
value = value.unflatten(-1, [n_heads, D]).transpose(1, 2).detach().requires_grad_()
try:
    out_flex2 = flex_attention(query, key, value, score_mod=alibi_score_mod)
    print(out_flex2.shape, out_flex2.is_nested)
except Exception as e:
    print(type(e).__name__)


# Packed Projection
class InputProjection(nn.Module):
    def __init__(self, E_q, E_total, bias=False, device=None, dtype=None):
        factory_kwargs = {"device": device, "dtype": dtype}
        super().__init__()
        self.q_proj = nn.Linear(E_q, E_total, bias=bias, **factory_kwargs)
        self.k_proj = nn.Linear(E_q, E_total, bias=bias, **factory_kwargs)
        self.v_proj = nn.Linear(E_q, E_total, bias=bias, **factory_kwargs)

    def forward(self, x):
        return self.q_proj(x), self.k_proj(x), self.v_proj(x)


class PackedInputProjection(nn.Module):
    def __init__(self, E_q, E_total, bias=False, device=None, dtype=None):
        factory_kwargs = {"device": device, "dtype": dtype}
        super().__init__()
        self.packed_proj = nn.Linear(E_q, E_total * 3, bias=bias, **factory_kwargs)

    def forward(self, query):
        return torch.chunk(self.packed_proj(query), 3, dim=-1)


B, D, dtype = 8, 32, torch.bfloat16
torch.set_float32_matmul_precision("high")
in_proj = InputProjection(D, D, device="cpu", dtype=torch.bfloat16)
packed_in_proj = PackedInputProjection(D, D, device="cpu", dtype=torch.bfloat16)
q, _, _, sequence_lengths = gen_batch(D, D, D, D, device="cpu", dtype=torch.bfloat16)
with torch.no_grad():
    packed_in_proj.packed_proj.weight.copy_(torch.cat([in_proj.q_proj.weight, in_proj.k_proj.weight,
                                                       in_proj.v_proj.weight]))
    a = in_proj(q)
    b = packed_in_proj(q)
print([t.dtype for t in b], [(x.to_padded_tensor(0.0) - y.to_padded_tensor(0.0)).abs().max().item() for x, y in zip(a, b)])
torch.set_float32_matmul_precision("highest")   # back to the default for whatever runs next in this process
