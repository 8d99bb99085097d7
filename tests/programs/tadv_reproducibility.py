"""PyTorch's note "Reproducibility" (docs/source/notes/randomness.md) on a CPU: seeding torch, random and
NumPy; an op that draws random numbers internally (svd_lowrank) repeated after reseeding;
use_deterministic_algorithms and its flags; fill_uninitialized_memory filling torch.empty; SDPA restricted to
the math backend; and a DataLoader whose workers are seeded by seed_worker and a seeded generator, run twice
(with two worker processes) to show the same batches and per-worker draws."""
import random

import numpy
import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(0)
random.seed(0)
np.random.seed(0)
print(torch.initial_seed(), random.random(), np.random.rand())

A = torch.randn(20, 8) @ torch.randn(8, 12)
torch.manual_seed(1)
U1, S1, V1 = torch.svd_lowrank(A, q=4)
U2, S2, V2 = torch.svd_lowrank(A, q=4)
torch.manual_seed(1)
U3, S3, V3 = torch.svd_lowrank(A, q=4)
print("back-to-back calls equal:", torch.equal(U1, U2), "after reseeding:", torch.equal(U1, U3))
print(S1)

print(torch.backends.cudnn.benchmark, torch.backends.cudnn.deterministic)
torch.backends.cudnn.benchmark = False
print(torch.are_deterministic_algorithms_enabled(), torch.is_deterministic_algorithms_warn_only_enabled())
torch.use_deterministic_algorithms(True)
print(torch.are_deterministic_algorithms_enabled(), torch.is_deterministic_algorithms_warn_only_enabled())
print(torch.utils.deterministic.fill_uninitialized_memory)
print(torch.empty(3), torch.empty(2, dtype=torch.int64), torch.empty(2, dtype=torch.bool))
x = torch.zeros(2, 2)
print(x.index_add_(0, torch.tensor([0, 1]), torch.ones(2, 2)))
torch.use_deterministic_algorithms(True, warn_only=True)
print(torch.are_deterministic_algorithms_enabled(), torch.is_deterministic_algorithms_warn_only_enabled())
torch.use_deterministic_algorithms(False)
print(torch.get_deterministic_debug_mode())
torch.set_deterministic_debug_mode("error")
print(torch.get_deterministic_debug_mode(), torch.are_deterministic_algorithms_enabled())
torch.set_deterministic_debug_mode(0)
try:
    torch.use_deterministic_algorithms("yes")
except TypeError as e:
    print(type(e).__name__, e)

from torch.nn.attention import sdpa_kernel, SDPBackend

torch.use_deterministic_algorithms(True)
q, k, v = torch.randn(3, 1, 2, 4, 8).unbind(0)
with sdpa_kernel(SDPBackend.MATH):
    out = torch.nn.functional.scaled_dot_product_attention(q, k, v)
print(out.sum())
torch.use_deterministic_algorithms(False)


class Noisy(Dataset):
    """Each item draws from torch, random and NumPy inside the worker that loads it."""

    def __len__(self):
        return 8

    def __getitem__(self, i):
        return torch.tensor([float(i), torch.rand(()).item(), random.random(), float(numpy.random.rand())])


def seed_worker(worker_id):
    worker_seed = torch.initial_seed() % 2**32
    numpy.random.seed(worker_seed)
    random.seed(worker_seed)


def run():
    g = torch.Generator()
    g.manual_seed(0)
    loader = DataLoader(
        Noisy(),
        batch_size=2,
        num_workers=2,
        worker_init_fn=seed_worker,
        generator=g,
        shuffle=True,
    )
    return [batch for batch in loader]


if __name__ == '__main__':
    first, second = run(), run()
    print(all(torch.equal(a, b) for a, b in zip(first, second)))
    for batch in first:
        print(batch)
