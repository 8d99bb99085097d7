"""Records PyTorch 2.13's gradcheck / gradgradcheck / autograd.grad outcomes for tests/autograd/gradcheck_cases.py:

    python -m tests.autograd.record_gradcheck    # writes tests/fixtures/gradcheck/outcomes.json
"""
import json
import os

import torch

from tests.autograd.gradcheck_cases import gradcheck_outcomes, grad_outcomes


def main():
    out = {'gradcheck': gradcheck_outcomes(torch), 'gradgradcheck': gradcheck_outcomes(torch, 'gradgradcheck'),
           'grad': grad_outcomes(torch)}
    path = os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'gradcheck', 'outcomes.json')
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        json.dump(out, f, indent=1)


if __name__ == '__main__':
    main()
