"""Records torch.func's results for tests/func/composition_cases.py (run under real PyTorch 2.13):

    python -m tests.func.record_compositions   # writes tests/fixtures/func/composition_results.npz
"""
import os

import numpy as np
import torch

from tests.func.composition_cases import CASES
from tests.func.record_func import flat


def main():
    out = {}
    for name, case in CASES.items():
        for i, a in enumerate(flat(case(torch))):
            out[f'{name}/{i}'] = a
    path = os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'func', 'composition_results.npz')
    np.savez(path, **out)
    print(f'wrote {len(out)} arrays to {path}')


if __name__ == '__main__':
    main()
