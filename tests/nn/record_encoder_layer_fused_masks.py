"""Records tests/fixtures/nn/encoder_layer_fused_masks.json: PyTorch 2.13's nn.TransformerEncoderLayer
outputs in eval with masks, where its fused kernel reads every mask as boolean (nonzero masks) and gives
NaN for a query whose keys are all masked, and where the general path runs (sequence-first, fast path off).
Run with PyTorch: python tests/nn/record_encoder_layer_fused_masks.py"""
import json
import pathlib
import warnings

import torch

OUT = pathlib.Path(__file__).resolve().parents[1] / 'fixtures' / 'nn' / 'encoder_layer_fused_masks.json'
N, L, E, H = 3, 4, 16, 4
PAD = [[0, 0, 1, 1], [1, 1, 1, 1], [0, 0, 0, 0]]
PARTIAL = [[0, 0, 1, 1], [0, 1, 1, 1], [0, 0, 0, 0]]


def masks():
    """name: (src_mask, src_key_padding_mask[, is_causal])."""
    pad = torch.tensor(PAD, dtype=torch.bool)
    row = torch.zeros(L, L)
    row[2] = float('-inf')
    g = torch.Generator().manual_seed(1)
    finite = torch.zeros(N, L)
    finite[0, 3], finite[1, 0] = -2.0, 0.5
    return {
        'padding_bool': (None, pad),
        'padding_float': (None, torch.zeros(N, L).masked_fill(pad, float('-inf'))),
        'padding_finite': (None, torch.zeros(N, L).masked_fill(pad, -1e9)),
        'padding_partial': (None, torch.tensor(PARTIAL, dtype=torch.bool)),
        'padding_finite_values': (None, finite),
        'src_mask_row': (row, None),
        'src_mask_row_bool': (row.isinf(), None),
        'src_mask_3d': (row.expand(N * H, L, L).clone(), None),
        'src_mask_random': (torch.randn(L, L, generator=g), None),
        'both': (row, torch.zeros(N, L).masked_fill(pad, float('-inf'))),
        'causal': (torch.nn.Transformer.generate_square_subsequent_mask(L), None),
        'causal_hint_alone': (None, None, True),            # the fused kernel takes no hint: no causal mask
        'causal_hint_padding': (None, torch.tensor(PARTIAL, dtype=torch.bool), True),
    }


def _short(t):
    """A float32 tensor as nested lists of numbers printed with 9 digits (enough to read back every float32)."""
    return json.loads(json.dumps(t.tolist()), parse_float=lambda v: float('%.9g' % float(v)))


def record():
    warnings.simplefilter('ignore')
    layers, cases = {}, {}
    for batch_first in (True, False):
        for norm_first in (False, True):
            key = f'bf{int(batch_first)}-nf{int(norm_first)}'
            torch.manual_seed(len(layers))
            layer = torch.nn.TransformerEncoderLayer(E, H, 32, batch_first=batch_first, norm_first=norm_first).eval()
            x = torch.randn(N, L, E) if batch_first else torch.randn(L, N, E)
            layers[key] = {'batch_first': batch_first, 'norm_first': norm_first, 'x': _short(x),
                           'state': {k: _short(v) for k, v in layer.state_dict().items()}}
            for name, (src_mask, kpm, *hint) in masks().items():
                case = cases[f'{name}-{key}'] = {
                    'layer': key, 'is_causal': bool(hint),
                    'src_mask': None if src_mask is None else [str(src_mask.dtype), src_mask.tolist()],
                    'kpm': None if kpm is None else [str(kpm.dtype), kpm.tolist()]}
                try:
                    with torch.no_grad():
                        out = layer(x, src_mask=src_mask, src_key_padding_mask=kpm, is_causal=bool(hint))
                    case['out'] = [[[repr(v) for v in r] for r in m] for m in _short(out)]
                except RuntimeError as e:        # the general path wants a mask with the hint
                    case['error'] = str(e)
    OUT.write_text(json.dumps({'torch': torch.__version__, 'layers': layers, 'cases': cases}))


if __name__ == '__main__':
    record()
