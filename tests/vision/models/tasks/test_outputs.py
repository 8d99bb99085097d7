"""ember's segmentation, video and optical-flow models reproduce torchvision's outputs on the same
weights, loaded under torchvision's keys (fixtures recorded by record.py; weights from _weights.py).
When PyTorch and torchvision are importable, the same comparison also runs against them directly."""
import os

import numpy as np
import pytest

import ember
from ember.vision import models
from tests.vision.models._weights import generated_state_dict
from tests.vision.models.tasks._cases import CASES
from tests.vision.models.tasks._outputs import build, flatten, model_inputs

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures")
slow = pytest.mark.skipif(not os.environ.get("EMBER_SLOW_TESTS"), reason="large model; set EMBER_SLOW_TESTS=1 to run")
NAMES = [pytest.param(n, marks=slow) if case.get("slow") else n for n, case in CASES.items()]


def _run(case, spec, verbatim, inputs):
    model = build(models, case)
    state = model.state_dict()
    # the same keys, in the same order, with the same shapes and dtypes as torchvision's state_dict
    assert [(k, list(v.shape), str(v.dtype).replace("ember.", "")) for k, v in state.items()] == \
        [(k, list(s), d) for k, s, d in spec]
    for k, v in verbatim.items():  # buffers the model computes itself agree with torchvision's
        np.testing.assert_allclose(state[k].numpy(), v, rtol=1e-6, err_msg=k)
    for k, v in generated_state_dict(spec, verbatim).items():
        state[k] = ember.from_numpy(v)
    result = model.load_state_dict(state, strict=True)
    assert result.missing_keys == [] and result.unexpected_keys == []
    model.eval()
    with ember.no_grad():
        return flatten(model(*[ember.from_numpy(x) for x in inputs], **case.get("forward_kwargs", {})))


def _compare(outputs, expected):
    assert list(outputs) == list(expected)
    for k, want in expected.items():
        got = outputs[k].numpy()
        assert got.shape == want.shape, k
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4 * max(np.abs(want).max(), 1e-6), err_msg=k)


@pytest.mark.parametrize("name", NAMES)
def test_outputs_match_recorded_torchvision(name):
    record = ember.load(os.path.join(FIXTURES, f"{name}.pt"))
    outputs = _run(CASES[name], record["spec"], {k: v.numpy() for k, v in record["verbatim"].items()},
                   model_inputs(CASES[name]) if record["inputs"] is None else [x.numpy() for x in record["inputs"]])
    _compare(outputs, {k: v.numpy() for k, v in record["outputs"].items()})


@pytest.mark.parametrize("name", NAMES)
def test_outputs_match_torchvision_directly(name):
    torch = pytest.importorskip("torch")
    tv_models = pytest.importorskip("torchvision.models")
    from tests.vision.models._weights import COMPUTED
    case = CASES[name]
    torch.manual_seed(0)
    reference = build(tv_models, case)
    state = reference.state_dict()
    spec = [(k, list(v.shape), str(v.dtype).replace("torch.", "")) for k, v in state.items()]
    verbatim = {k: v.numpy().copy() for k, v in state.items() if not v.is_floating_point() or k.endswith(COMPUTED)}
    for k, v in generated_state_dict(spec, verbatim).items():
        state[k] = torch.from_numpy(v)
    reference.load_state_dict(state)
    reference.eval()
    inputs = model_inputs(case)
    with torch.no_grad():
        outputs = reference(*[torch.from_numpy(x) for x in inputs], **case.get("forward_kwargs", {}))
        expected = {k: v.numpy() for k, v in flatten(outputs).items()}
    _compare(_run(case, spec, verbatim, inputs), expected)
