"""nn.TransformerEncoderLayer in eval with masks: where PyTorch runs its fused kernel, every mask is read
as boolean (nonzero masks its key) and a query whose keys are all masked comes out NaN; on the general
path (sequence-first here) masks add and such queries get finite values. Pinned by PyTorch 2.13's outputs
recorded in tests/fixtures/nn/encoder_layer_fused_masks.json (tests/nn/record_encoder_layer_fused_masks.py)."""
import json
import pathlib

import numpy as np
import pytest

import ember
from ember.backends import mha

FIXTURE = pathlib.Path(__file__).resolve().parents[1] / 'fixtures' / 'nn' / 'encoder_layer_fused_masks.json'
DATA = json.loads(FIXTURE.read_text())
E, H = 16, 4


def _layer(key):
    spec = DATA['layers'][key]
    layer = ember.nn.TransformerEncoderLayer(E, H, 32, batch_first=spec['batch_first'], norm_first=spec['norm_first'])
    layer.load_state_dict({k: ember.tensor(v) for k, v in spec['state'].items()})
    return layer.eval(), ember.tensor(spec['x'])


def _mask(entry):
    if entry is None:
        return None
    dtype, values = entry
    return ember.tensor(values, dtype=ember.bool if dtype == 'torch.bool' else ember.float32)


@pytest.mark.parametrize('name', sorted(DATA['cases']))
def test_matches_pytorchs_recorded_output(name):
    case = DATA['cases'][name]
    layer, x = _layer(case['layer'])
    kw = dict(src_mask=_mask(case['src_mask']), src_key_padding_mask=_mask(case['kpm']), is_causal=case['is_causal'])
    if 'error' in case:
        with pytest.raises(RuntimeError) as caught, ember.no_grad():
            layer(x, **kw)
        assert str(caught.value) == case['error'].replace('torch', 'ember')
        return
    with ember.no_grad():
        out = layer(x, **kw).numpy()
    expected = np.array(case['out'], dtype=np.float64).astype(np.float32)
    np.testing.assert_array_equal(np.isnan(out), np.isnan(expected))
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=2e-5)


@pytest.mark.parametrize('name', ['padding_float', 'padding_partial', 'causal', 'both'])
def test_usual_masks_keep_the_general_paths_values_to_the_bit(name):
    case = DATA['cases'][f'{name}-bf1-nf0']
    layer, x = _layer('bf1-nf0')
    kw = dict(src_mask=_mask(case['src_mask']), src_key_padding_mask=_mask(case['kpm']))
    with ember.no_grad():
        fused = layer(x, **kw).numpy()
        mha.set_fastpath_enabled(False)
        try:
            general = layer(x, **kw).numpy()
        finally:
            mha.set_fastpath_enabled(True)
    live = ~np.isnan(fused)
    assert live.any()
    np.testing.assert_array_equal(fused[live].view(np.uint32), general[live].view(np.uint32))


def test_recorded_calls_take_the_general_path():
    case = DATA['cases']['padding_bool-bf1-nf0']
    layer, x = _layer('bf1-nf0')
    out = layer(x, src_key_padding_mask=_mask(case['kpm']))   # parameters require grad: no fused kernel
    assert not np.isnan(out.detach().numpy()).any()
