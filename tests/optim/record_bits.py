"""Record PyTorch's float32 optimizer trajectories for test_optimizer_bits (run under PyTorch, not ember).

    python -m tests.optim.record_bits      # from the repository root, with PyTorch installed

Writes ``tests/fixtures/optimizer_bits/<case>.npz`` for each case of ``_bits_cases`` (PyTorch's CPU
tensors, so its default single-tensor path).

PyTorch's contiguous float32 ``sqrt`` goes through MKL's vector library, which for a fraction of inputs
(about one in 150 on an AVX-512 machine, fewer on small arrays) returns the root one unit below the
correctly rounded one; that library's arithmetic is not published, and ember's ``sqrt`` is NumPy's,
correctly rounded. The cases named ``*_crsqrt`` are therefore recorded with PyTorch's float32 ``sqrt``
replaced by the correctly rounded root: they pin the rest of each update (its fused multiply-adds and
its order of operations) bit for bit.
"""
from pathlib import Path

import numpy as np
import torch

from tests.optim._bits_cases import CASES, run

OUT = Path(__file__).parent.parent / 'fixtures' / 'optimizer_bits'


class CorrectlyRoundedSqrt(torch.overrides.TorchFunctionMode):
    """``sqrt`` and ``sqrt_`` of float32 tensors as NumPy's correctly rounded root."""

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if func in (torch.Tensor.sqrt, torch.sqrt, torch.Tensor.sqrt_) and args[0].dtype == torch.float32:
            root = torch.from_numpy(np.asarray(np.sqrt(args[0].detach().numpy())))
            return args[0].copy_(root) if func is torch.Tensor.sqrt_ else root
        return func(*args, **kwargs)


def record(case):
    if case.endswith('_crsqrt'):
        with CorrectlyRoundedSqrt():
            return run(torch, case)
    return run(torch, case)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for case in CASES:
        np.savez(OUT / f'{case}.npz', **record(case))
        print(case, 'recorded')


if __name__ == '__main__':
    main()
