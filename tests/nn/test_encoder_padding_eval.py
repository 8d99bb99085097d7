"""nn.TransformerEncoder in eval with a src_key_padding_mask: where PyTorch takes its nested-tensor
"sparsity fast path", each sequence runs on its unpadded positions only and the padded positions come
out as zeros (before the final norm); elsewhere they hold the layers' values. Pinned by PyTorch 2.13's
outputs recorded in tests/fixtures/nn/encoder_padding.json (tests/nn/record_encoder_padding.py)."""
import json
import pathlib
import warnings

import numpy as np
import pytest

import ember
from ember.backends import mha

FIXTURE = pathlib.Path(__file__).resolve().parents[1] / 'fixtures' / 'nn' / 'encoder_padding.json'
CASES = json.loads(FIXTURE.read_text())['cases']


def _encoder(case):
    layer = ember.nn.TransformerEncoderLayer(8, 2, 16, batch_first=True)
    enc = ember.nn.TransformerEncoder(layer, 2, norm=ember.nn.LayerNorm(8) if case['norm'] else None,
                                      enable_nested_tensor=case['nested'], mask_check=case['mask_check'])
    enc.load_state_dict({k: ember.tensor(v) for k, v in case['state'].items()})
    return enc.eval()


def _inputs(case):
    pad = ember.tensor(case['rows'])
    mask = ember.zeros(3, 5).masked_fill(pad, float('-inf')) if case['float_mask'] else pad
    return ember.tensor(case['x']), mask


@pytest.mark.parametrize('name', sorted(CASES))
@pytest.mark.parametrize('mode', ['no_grad', 'inference_mode'])
def test_matches_pytorchs_recorded_output(name, mode):
    case = CASES[name]
    enc = _encoder(case)
    x, mask = _inputs(case)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        with getattr(ember, mode)():
            out = enc(x, src_key_padding_mask=mask).numpy()
    expected = np.array(case['out'], np.float32)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=2e-5)
    if not case['norm']:    # PyTorch's zeros exactly where it dropped the padding
        np.testing.assert_array_equal(out == 0, expected == 0)


def test_unpadded_positions_keep_the_padded_batchs_values():
    case = CASES['left_aligned_float']
    enc = _encoder(case)
    x, mask = _inputs(case)
    with ember.no_grad():
        fast = enc(x, src_key_padding_mask=mask).numpy()
        mha.set_fastpath_enabled(False)
        try:
            general = enc(x, src_key_padding_mask=mask).numpy()
        finally:
            mha.set_fastpath_enabled(True)
    kept = ~np.array(case['rows'])
    np.testing.assert_array_equal(fast[kept].view(np.uint32), general[kept].view(np.uint32))
    assert (fast[~kept] == 0).all() and not (general[~kept] == 0).all()


def test_recorded_or_training_calls_keep_the_padded_positions():
    case = CASES['left_aligned_float']
    enc = _encoder(case)
    x, mask = _inputs(case)
    out = enc(x, src_key_padding_mask=mask)          # parameters require grad: PyTorch keeps the batch
    assert out.requires_grad
    assert not (out.detach().numpy()[np.array(case['rows'])] == 0).all()
    with ember.no_grad():
        kept_mask = enc(x, mask=ember.zeros(5, 5), src_key_padding_mask=mask).numpy()
    assert not (kept_mask[np.array(case['rows'])] == 0).all()


def test_warns_as_pytorch_does_once_per_process():
    import ember.nested as nested
    case = CASES['left_aligned']
    enc = _encoder(case)
    x, mask = _inputs(case)
    nested._warned = False
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter('always')
        with ember.no_grad():
            enc(x, src_key_padding_mask=mask)
            enc(x, src_key_padding_mask=mask)
    texts = [str(w.message) for w in seen if 'nested tensors is in prototype' in str(w.message)]
    assert len(texts) == 1
