"""Records torch.autograd.forward_ad's tangents for tests/autograd/forward_ad_cases.py (PyTorch 2.13):

    python -m tests.autograd.record_forward_ad    # writes tests/fixtures/forward_ad/tangents.json
"""
import json
import os

import torch

from tests.autograd.forward_ad_cases import CASES


def main():
    out = {}
    for name, case in CASES.items():
        got = case(torch)
        got = got if isinstance(got, tuple) else (got,)
        out[name] = [t.tolist() for t in got]
    path = os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'forward_ad', 'tangents.json')
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        json.dump(out, f, indent=1)


if __name__ == '__main__':
    main()
