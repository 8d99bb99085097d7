"""PyTorch's tutorial "Getting Started with Nested Tensors" (unstable_source/nestedtensor.py): construction,
padding, indexing, reshape/transpose/matmul/dropout/softmax on nested tensors, and multi-head attention on a
jagged batch checked against the padded computation, eagerly and compiled. Cut for a CPU run: a batch of 16
sentences, embeddings of 32 over 4 heads (the tutorial: 512, 512, 8), no timings (and so no
torch.cuda.synchronize); the differences printed to 4 decimals. Causal attention over jagged tensors has no
CPU kernel in PyTorch: its error is printed and the attention made non-causal."""
import numpy as np
import torch
import torch.nn.functional as F

from torch import nn

torch.manual_seed(1)
np.random.seed(1)

device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')

nt = torch.nested.nested_tensor([torch.arange(12).reshape(
    2, 6), torch.arange(18).reshape(3, 6)], dtype=torch.float, device=device)
print(f"{nt=}")

padded_out_tensor = torch.nested.to_padded_tensor(nt, padding=0.0)
print(f"{padded_out_tensor=}")

print(f"nt is nested: {nt.is_nested}")
print(f"padded_out_tensor is nested: {padded_out_tensor.is_nested}")

print("First underlying tensor component:", nt[0], sep='\n')
print("last column of 2nd underlying tensor component:", nt[1, :, -1], sep='\n')

# When indexing a nestedtensor's 0th dimension, the result is a regular tensor.
print(f"First underlying tensor component is nested: {nt[0].is_nested}")

nt_reshaped = nt.reshape(2, -1, 2, 3)
print(f"{nt_reshaped=}")

nt_transposed = nt_reshaped.transpose(1, 2)
print(f"{nt_transposed=}")

nt_mm = torch.nested.nested_tensor([torch.randn((2, 3, 4)), torch.randn((2, 3, 5))], device=device)
nt3 = torch.matmul(nt_transposed, nt_mm)
print(f"Result of Matmul:\n {nt3}")

nt4 = F.dropout(nt3, 0.1)
print(f"Result of Dropout:\n {nt4}")

nt5 = F.softmax(nt4, -1)
print(f"Result of Softmax:\n {nt5}")

sentences = [["goodbye", "padding"],
             ["embrace", "nested", "tensor"]]
vocabulary = {"goodbye": 1.0, "padding": 2.0,
              "embrace": 3.0, "nested": 4.0, "tensor": 5.0}
padded_sentences = torch.tensor([[1.0, 2.0, 0.0],
                                 [3.0, 4.0, 5.0]])
nested_sentences = torch.nested.nested_tensor([torch.tensor([1.0, 2.0]),
                                               torch.tensor([3.0, 4.0, 5.0])])
print(f"{padded_sentences=}")
print(f"{nested_sentences=}")

padded_sentences_for_softmax = torch.tensor([[1.0, 2.0, float("-inf")],
                                             [3.0, 4.0, 5.0]])
print(F.softmax(padded_sentences_for_softmax, -1))
print(F.softmax(nested_sentences, -1))


class MultiHeadAttention(nn.Module):
    """
    Computes multi-head attention. Supports nested or padded tensors.

    Args:
        E_q (int): Size of embedding dim for query
        E_k (int): Size of embedding dim for key
        E_v (int): Size of embedding dim for value
        E_total (int): Total embedding dim of combined heads post input projection. Each head
            has dim E_total // nheads
        nheads (int): Number of heads
        dropout_p (float, optional): Dropout probability. Default: 0.0
    """
    def __init__(self, E_q: int, E_k: int, E_v: int, E_total: int,
                 nheads: int, dropout_p: float = 0.0):
        super().__init__()
        self.nheads = nheads
        self.dropout_p = dropout_p
        self.query_proj = nn.Linear(E_q, E_total)
        self.key_proj = nn.Linear(E_k, E_total)
        self.value_proj = nn.Linear(E_v, E_total)
        E_out = E_q
        self.out_proj = nn.Linear(E_total, E_out)
        assert E_total % nheads == 0, "Embedding dim is not divisible by nheads"
        self.E_head = E_total // nheads

    def forward(self, query: torch.Tensor, key: torch.Tensor, value: torch.Tensor) -> torch.Tensor:
        # Step 1. Apply input projection
        query = self.query_proj(query)
        key = self.key_proj(key)
        value = self.value_proj(value)

        # Step 2. Split heads and prepare for SDPA
        query = query.unflatten(-1, [self.nheads, self.E_head]).transpose(1, 2)
        key = key.unflatten(-1, [self.nheads, self.E_head]).transpose(1, 2)
        value = value.unflatten(-1, [self.nheads, self.E_head]).transpose(1, 2)

        # Step 3. Run SDPA
        attn_output = F.scaled_dot_product_attention(
            query, key, value, dropout_p=dropout_p, is_causal=is_causal)
        attn_output = attn_output.transpose(1, 2).flatten(-2)

        # Step 4. Apply output projection
        attn_output = self.out_proj(attn_output)

        return attn_output


N = 16
E_q, E_k, E_v, E_total = 32, 32, 32, 32
E_out = E_q
nheads = 4

dropout_p = 0.0
is_causal = True


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


def gen_batch(N, E_q, E_k, E_v, device):
    sentence_lengths = zipf_sentence_lengths(alpha=1.2, batch_size=N)

    query = torch.nested.nested_tensor([
        torch.randn(l.item(), E_q, device=device)
        for l in sentence_lengths
    ], layout=torch.jagged)

    key = torch.nested.nested_tensor([
        torch.randn(s.item(), E_k, device=device)
        for s in sentence_lengths
    ], layout=torch.jagged)

    value = torch.nested.nested_tensor([
        torch.randn(s.item(), E_v, device=device)
        for s in sentence_lengths
    ], layout=torch.jagged)

    return query, key, value, sentence_lengths


query, key, value, sentence_lengths = gen_batch(N, E_q, E_k, E_v, device)
print("sentence lengths:", sentence_lengths)
# (the ragged dim prints as j<n>, numbered process-wide: sizes printed apart from it)
print(query.size(0), query.size(-1), query.dim(), query.layout)


def jagged_to_padded(jt, padding_val):
    return torch.nested.to_padded_tensor(
        torch.nested.nested_tensor(list(jt.unbind())),
        padding_val)


padded_query, padded_key, padded_value = (
    jagged_to_padded(t, 0.0) for t in (query, key, value)
)
print(padded_query.shape)

mha = MultiHeadAttention(E_q, E_k, E_v, E_total, nheads, dropout_p).to(device=device)


def benchmark(func, *args, **kwargs):
    output = func(*args, **kwargs)
    return output


# on a CPU no attention kernel takes causal attention over jagged nested tensors: the error, then
# non-causal attention for the rest
try:
    benchmark(mha, query, key, value)
except RuntimeError as e:
    print(type(e).__name__, e)
is_causal = False
output_nested = benchmark(mha, query, key, value)
output_padded = benchmark(mha, padded_query, padded_key, padded_value)

for i, entry_length in enumerate(sentence_lengths):
    output_padded[i, entry_length:] = 0.0

print("=== without compile ===")
print("nested and padded calculations differ by",
      round((jagged_to_padded(output_nested, 0.0) - output_padded).abs().max().item(), 4))
print(output_nested.size(0), output_nested.size(-1), output_nested.is_nested)
print("first sentence's output, first row:\n", output_nested[0][0])

compiled_mha = torch.compile(mha)
compiled_mha(query, key, value)
compiled_output_nested = benchmark(compiled_mha, query, key, value)

compiled_mha(padded_query, padded_key, padded_value)
compiled_output_padded = benchmark(compiled_mha, padded_query, padded_key, padded_value)

for i, entry_length in enumerate(sentence_lengths):
    compiled_output_padded[i, entry_length:] = 0.0

print("=== with compile ===")
print("nested and padded calculations differ by",
      round((jagged_to_padded(compiled_output_nested, 0.0) - compiled_output_padded).abs().max().item(), 4))
print("compiled and eager differ by",
      round((jagged_to_padded(compiled_output_nested, 0.0) - jagged_to_padded(output_nested, 0.0)).abs().max().item(), 4))
