"""Records PyTorch 2.13's second-order gradients for tests/autograd/double_backward_cases.py:

    python -m tests.autograd.record_double_backward    # writes tests/fixtures/double_backward/results.json
"""
import json
import os

import torch

from tests.autograd.double_backward_cases import CASES, hessian_vector_product, run


def main():
    out = {'cases': {name: run(torch, name) for name in CASES}, 'hessian_vector_product': hessian_vector_product(torch)}
    path = os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'double_backward', 'results.json')
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write('\n')


if __name__ == '__main__':
    main()
