"""PyTorch's intermediate tutorial "Implementing High-Performance Transformers with Scaled Dot Product
Attention" (intermediate_source/scaled_dot_product_attention_tutorial.py) on the CPU: small sizes,
results printed instead of timings (the benchmark Timer runs a few times), the profiler's table
reduced to the names it found."""
import torch
import torch.nn as nn
import torch.nn.functional as F
device = "cuda" if torch.cuda.is_available() else "cpu"
torch.manual_seed(0)

# Example Usage:
query, key, value = torch.randn(2, 3, 8, device=device), torch.randn(2, 3, 8, device=device), torch.randn(2, 3, 8, device=device)
print(F.scaled_dot_product_attention(query, key, value))

import torch.utils.benchmark as benchmark


def benchmark_torch_function_in_microseconds(f, *args, **kwargs):
    t0 = benchmark.Timer(
        stmt="f(*args, **kwargs)", globals={"args": args, "kwargs": kwargs, "f": f}
    )
    return t0.timeit(2).mean * 1e6


# Lets define the hyper-parameters of our input
batch_size = 2
max_sequence_len = 16
num_heads = 4
embed_dimension = 8

dtype = torch.float16

query = torch.rand(batch_size, num_heads, max_sequence_len, embed_dimension, device=device, dtype=dtype)
key = torch.rand(batch_size, num_heads, max_sequence_len, embed_dimension, device=device, dtype=dtype)
value = torch.rand(batch_size, num_heads, max_sequence_len, embed_dimension, device=device, dtype=dtype)

print(benchmark_torch_function_in_microseconds(F.scaled_dot_product_attention, query, key, value) > 0)

# Lets explore the speed of each of the 3 implementations
from torch.nn.attention import SDPBackend, sdpa_kernel

default = F.scaled_dot_product_attention(query, key, value)
with sdpa_kernel(SDPBackend.MATH):
    math_out = F.scaled_dot_product_attention(query, key, value)
    print(f"The math implementation gives {math_out.dtype} {tuple(math_out.shape)}")

with sdpa_kernel(SDPBackend.FLASH_ATTENTION):
    try:
        flash_out = F.scaled_dot_product_attention(query, key, value)
        print(f"The flash attention implementation gives {flash_out.dtype} {tuple(flash_out.shape)}")
    except RuntimeError:
        print("FlashAttention is not supported. See warnings for reasons.")

with sdpa_kernel(SDPBackend.EFFICIENT_ATTENTION):
    try:
        efficient_out = F.scaled_dot_product_attention(query, key, value)
        print(f"The memory efficient implementation gives {efficient_out.dtype}")
    except RuntimeError:
        print("EfficientAttention is not supported. See warnings for reasons.")


class CausalSelfAttention(nn.Module):

    def __init__(self, num_heads: int, embed_dimension: int, bias: bool=False, is_causal: bool=False, dropout:float=0.0):
        super().__init__()
        assert embed_dimension % num_heads == 0
        # key, query, value projections for all heads, but in a batch
        self.c_attn = nn.Linear(embed_dimension, 3 * embed_dimension, bias=bias)
        # output projection
        self.c_proj = nn.Linear(embed_dimension, embed_dimension, bias=bias)
        # regularization
        self.dropout = dropout
        self.resid_dropout = nn.Dropout(dropout)
        self.num_heads = num_heads
        self.embed_dimension = embed_dimension
        # Perform causal masking
        self.is_causal = is_causal

    def forward(self, x):
        # calculate query, key, values for all heads in batch and move head forward to be the batch dim
        query_projected = self.c_attn(x)

        batch_size = query_projected.size(0)
        embed_dim = query_projected.size(2)
        head_dim = embed_dim // (self.num_heads * 3)

        query, key, value = query_projected.chunk(3, -1)
        query = query.view(batch_size, -1, self.num_heads, head_dim).transpose(1, 2)
        key = key.view(batch_size, -1, self.num_heads, head_dim).transpose(1, 2)
        value = value.view(batch_size, -1, self.num_heads, head_dim).transpose(1, 2)

        if self.training:
            dropout = self.dropout
            is_causal = self.is_causal
        else:
            dropout = 0.0
            is_causal = False

        y = F.scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=dropout, is_causal=is_causal)
        y = y.transpose(1, 2).view(batch_size, -1, self.num_heads * head_dim)

        y = self.resid_dropout(self.c_proj(y))
        return y


num_heads = 4
heads_per_dim = 8
embed_dimension = num_heads * heads_per_dim
dtype = torch.float16
model = CausalSelfAttention(num_heads=num_heads, embed_dimension=embed_dimension, bias=False, is_causal=True, dropout=0.1).to(device).to(dtype).eval()
print(model)

import random
random.seed(0)


def generate_rand_batch(
    batch_size,
    max_sequence_len,
    embed_dimension,
    pad_percentage=None,
    dtype=torch.float16,
    device="cuda",
):
    if not pad_percentage:
        return (
            torch.randn(
                batch_size,
                max_sequence_len,
                embed_dimension,
                dtype=dtype,
                device=device,
            ),
            None,
        )
    # Random sequence lengths
    seq_len_list = [
        int(max_sequence_len * (1 - random.gauss(pad_percentage, 0.01)))
        for _ in range(batch_size)
    ]
    # Make random entry in the batch have max sequence length
    seq_len_list[random.randint(0, batch_size - 1)] = max_sequence_len
    return (
        torch.nested.nested_tensor(
            [
                torch.randn(seq_len, embed_dimension,
                            dtype=dtype, device=device)
                for seq_len in seq_len_list
            ]
        ),
        seq_len_list,
    )


random_nt, lens = generate_rand_batch(4, 16, embed_dimension, pad_percentage=0.5, dtype=dtype, device=device)
random_dense, _ = generate_rand_batch(4, 16, embed_dimension, pad_percentage=None, dtype=dtype, device=device)
print(lens, random_nt.is_nested, random_dense.shape)

# Currently the fused implementations don't support ``NestedTensor`` for training
model.eval()

with sdpa_kernel(SDPBackend.FLASH_ATTENTION):
    try:
        out_nt = model(random_nt)
        print(f"Random NT gives {[t.shape for t in out_nt.unbind()]}")
        print(f"Random Dense gives {model(random_dense).shape}")
    except RuntimeError:
        print("FlashAttention is not supported. See warnings for reasons.")

batch_size = 2
max_sequence_len = 16
x = torch.rand(batch_size, max_sequence_len,
               embed_dimension, device=device, dtype=dtype)
y = model(x)

compiled_model = torch.compile(model)
# Let's compile it
print(torch.equal(compiled_model(x), y))

from torch.profiler import profile, record_function, ProfilerActivity
activities = [ProfilerActivity.CPU]
if device == 'cuda':
    activities.append(ProfilerActivity.CUDA)

with profile(activities=activities, record_shapes=False) as prof:
    with record_function(" Non-Compilied Causal Attention"):
        for _ in range(3):
            model(x)
keys = {e.key for e in prof.key_averages()}
print(" Non-Compilied Causal Attention" in keys, 'aten::scaled_dot_product_attention' in keys)

from torch.nn.attention.bias import causal_lower_right, causal_upper_left

batch_size = 4
sequence_length_q = 2
sequence_length_kv = 10
num_heads = 4
embed_dimension = 8

dtype = torch.float16

query = torch.rand(batch_size, num_heads, sequence_length_q, embed_dimension, device=device, dtype=dtype)
key = torch.rand(batch_size, num_heads, sequence_length_kv, embed_dimension, device=device, dtype=dtype)
value = torch.rand(batch_size, num_heads, sequence_length_kv, embed_dimension, device=device, dtype=dtype)

upper_left_bias = causal_upper_left(sequence_length_q, sequence_length_kv)
lower_right_bias = causal_lower_right(sequence_length_q, sequence_length_kv)

print(type(upper_left_bias))
print(type(lower_right_bias))

assert type(upper_left_bias) == type(lower_right_bias)
assert issubclass(type(upper_left_bias), torch.Tensor)

print(upper_left_bias)
print(lower_right_bias)

out_upper_left = F.scaled_dot_product_attention(query, key, value, upper_left_bias)
out_lower_right = F.scaled_dot_product_attention(query, key, value, lower_right_bias)
out_is_causal = F.scaled_dot_product_attention(query, key, value, is_causal=True)

assert torch.allclose(out_upper_left, out_is_causal)
assert not torch.allclose(out_upper_left, out_lower_right)
# (values not printed: the fused kernel's blocked float32 sums round differently from ember's in the last bit)
print(out_lower_right.shape, out_lower_right.dtype, torch.allclose(out_lower_right, out_is_causal, atol=1e-3))

# These attention biases should also be compatible with torch.compile
compiled_sdpa = torch.compile(F.scaled_dot_product_attention, fullgraph=True)
out_upper_left = compiled_sdpa(query, key, value, upper_left_bias)
print(torch.equal(out_upper_left, out_is_causal))
