"""Records torch.func's results for tests/func/func_cases.py (run under real PyTorch 2.13):

    python -m tests.func.record_func      # writes tests/fixtures/func/func_results.npz
"""
import os

import numpy as np
import torch

from tests.func.func_cases import CASES


def flat(x):
    if isinstance(x, torch.Tensor):
        return [x.detach().numpy()]
    if isinstance(x, dict):
        return [a for v in x.values() for a in flat(v)]
    return [a for v in x for a in flat(v)]


def main():
    out = {}
    for name, case in CASES.items():
        for i, a in enumerate(flat(case(torch))):
            out[f'{name}/{i}'] = a
    path = os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'func', 'func_results.npz')
    np.savez(path, **out)
    print(f'wrote {len(out)} arrays to {path}')


if __name__ == '__main__':
    main()
