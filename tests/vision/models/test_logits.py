"""ember's models reproduce torchvision's logits on the same weights, loaded under torchvision's keys.

The fixtures (recorded from torchvision by fixtures/record_models.py) list the state_dict layout and
hold an input and torchvision's eval-mode logits; the weights are regenerated from _weights.py.
"""
import os

import numpy as np
import pytest

import ember
from ember.vision import models
from tests.vision.models._cases import CASES
from tests.vision.models._weights import build, generated_state_dict

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures")
slow = pytest.mark.skipif(not os.environ.get("EMBER_SLOW_TESTS"),
                          reason="~100M parameters; set EMBER_SLOW_TESTS=1 to run")


def _params(names):
    return [pytest.param(n, marks=slow) if CASES[n].get("slow") else n for n in names]


@pytest.mark.parametrize("name", _params(CASES))
def test_logits_match_torchvision(name):
    record = ember.load(os.path.join(FIXTURES, f"{name}.pt"))
    model = build(models, CASES[name])
    state = model.state_dict()
    # the same keys, in the same order, with the same shapes and dtypes as torchvision's state_dict
    assert [(k, list(v.shape), str(v.dtype).replace("ember.", "")) for k, v in state.items()] == \
        [(k, list(s), d) for k, s, d in record["spec"]]
    # buffers the model computes itself (index tables, ...) agree with torchvision's
    for k, v in record["verbatim"].items():
        np.testing.assert_allclose(state[k].numpy(), v.numpy(), rtol=1e-6, err_msg=k)
    values = generated_state_dict(record["spec"], {k: v.numpy() for k, v in record["verbatim"].items()})
    for k, v in values.items():  # in place, so the state_dict keeps its _metadata (module versions)
        state[k] = ember.from_numpy(v)
    result = model.load_state_dict(state, strict=True)
    assert result.missing_keys == [] and result.unexpected_keys == []
    model.eval()
    with ember.no_grad():
        logits = model(record["input"])
    expected = record["logits"].numpy()
    assert logits.shape == record["logits"].shape
    np.testing.assert_allclose(logits.numpy(), expected, rtol=1e-4, atol=1e-4 * np.abs(expected).max())


def test_regnet_stage_settings_match_torchvision():
    import json
    from ember.vision.models.regnet import _SETTINGS, BlockParams
    with open(os.path.join(FIXTURES, "regnet_block_params.json")) as f:
        recorded = json.load(f)
    assert {r["name"] for r in recorded} == set(_SETTINGS)
    for r in recorded:
        depth, w_0, w_a, w_m, group_width = r["settings"]
        assert list(_SETTINGS[r["name"]]) == r["settings"]
        p = BlockParams.from_init_params(depth=depth, w_0=w_0, w_a=w_a, w_m=w_m, group_width=group_width,
                                         bottleneck_multiplier=r["bottleneck_multiplier"])
        assert (p.depths, p.widths, p.group_widths) == (r["depths"], r["widths"], r["group_widths"]), r["name"]
