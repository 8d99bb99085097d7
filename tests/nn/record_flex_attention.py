"""Records PyTorch's flex_attention results for tests/nn/flex_attention_cases.py (run under PyTorch 2.13):

    python -m tests.nn.record_flex_attention   # writes tests/fixtures/nn/flex_attention.json
"""
import json
import os
import warnings

import torch
import torch.nn.attention.flex_attention as FA

from tests.nn.flex_attention_cases import CASES


def encode(x):
    if isinstance(x, str):
        return {'str': x}
    if x is None:
        return None
    return {'dtype': str(x.dtype).replace('torch.', ''), 'shape': list(x.shape),
            'values': x.detach().double().flatten().tolist()}


def main():
    warnings.simplefilter('ignore')
    out = {name: [encode(x) for x in case(torch, FA)] for name, case in CASES.items()}
    path = os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'nn', 'flex_attention.json')
    with open(path, 'w') as f:
        json.dump(out, f, ensure_ascii=False, indent=0)
    print(f'wrote {sum(map(len, out.values()))} results to {path}')


if __name__ == '__main__':
    main()
