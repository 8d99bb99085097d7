"""Records tests/fixtures/nn/encoder_padding.json: PyTorch 2.13's nn.TransformerEncoder outputs in eval
with a src_key_padding_mask, where PyTorch runs its nested-tensor "sparsity fast path" (padded positions
come out as zeros) and where it does not. Run with PyTorch: python tests/nn/record_encoder_padding.py"""
import json
import pathlib
import warnings

import numpy as np
import torch

OUT = pathlib.Path(__file__).resolve().parents[1] / 'fixtures' / 'nn' / 'encoder_padding.json'
LEFT = [[False, False, False, True, True], [False] * 5, [True] * 5]
GAPS = [[False, True, False, False, True], [False] * 5, [False, False, True, True, True]]
# name: (padding rows, as float -inf mask?, mask_check, enable_nested_tensor, final norm)
CASES = {
    'left_aligned': (LEFT, False, True, True, True),
    'left_aligned_float': (LEFT, True, True, True, False),
    'gaps_unchecked': (GAPS, False, False, True, True),
    'gaps_checked': (GAPS, False, True, True, False),
    'nested_disabled': (GAPS[:2] + [LEFT[0]], False, True, False, False),
}


def record():
    warnings.simplefilter('ignore')
    cases = {}
    for name, (rows, as_float, check, nested, norm) in CASES.items():
        torch.manual_seed(len(cases))
        layer = torch.nn.TransformerEncoderLayer(8, 2, 16, batch_first=True)
        enc = torch.nn.TransformerEncoder(layer, 2, norm=torch.nn.LayerNorm(8) if norm else None,
                                          enable_nested_tensor=nested, mask_check=check).eval()
        with torch.no_grad():
            for p in enc.parameters():
                p.normal_(0, 0.5)
        x = torch.randn(3, 5, 8)
        pad = torch.tensor(rows)
        mask = torch.zeros(3, 5).masked_fill(pad, float('-inf')) if as_float else pad
        with torch.no_grad():
            out = enc(x, src_key_padding_mask=mask)
        cases[name] = {'rows': rows, 'float_mask': as_float, 'mask_check': check, 'nested': nested, 'norm': norm,
                       'state': {k: v.tolist() for k, v in enc.state_dict().items()},
                       'x': x.tolist(), 'out': out.tolist()}
    OUT.write_text(json.dumps({'torch': torch.__version__, 'cases': cases}))


if __name__ == '__main__':
    record()
