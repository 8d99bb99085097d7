"""The v2 functionals and photometric transforms whose signatures are torchvision's (normalize's
inplace, pad's padding_mode and per-channel fill, rotate/affine's center, fill and expand,
gaussian_blur's sigma, the adjust_* factors, the per-kind kernels, the Random* transforms' p):
every parameter against torchvision's outcome on tensors, tv_tensors and PIL images, recorded in
tests/fixtures/vision/v2_signature_cases.json, and live where torchvision is installed."""
import base64
import inspect
import json
import sys
from pathlib import Path

import numpy as np
import pytest

import ember
from ember.vision import tv_tensors
from ember.vision.transforms import v2

sys.path.insert(0, str(Path(__file__).resolve().parent))
import v2_signature_cases as cases  # noqa: E402

sys.path.pop(0)

RECORDED = json.loads((Path(__file__).resolve().parents[2] / "fixtures" / "vision" /
                       "v2_signature_cases.json").read_text())["cases"]
NAMES = cases.case_names()


def _decode(value):
    if isinstance(value, dict) and "base64" in value:
        return np.frombuffer(base64.b64decode(value["base64"]), dtype=np.dtype(value["dtype"]).newbyteorder("<")) \
            .astype(value["dtype"]).reshape(value["shape"])
    if isinstance(value, dict):
        return {key: _decode(v) for key, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def _unsupported_kind_text(message):
    # torchvision lists its registry's classes in this text; ember names the refused type only
    return message.startswith("Functional F.") and "inputs of type" in message


def assert_same(theirs, ours, path=""):
    if isinstance(theirs, dict) and "error" in theirs:
        assert isinstance(ours, dict) and ours.get("error") == theirs["error"], (path, theirs, ours)
        if not _unsupported_kind_text(theirs["message"]):
            assert ours["message"] == theirs["message"].replace("torch.", "ember."), path
        return
    if isinstance(theirs, dict):
        assert isinstance(ours, dict) and set(ours) == set(theirs), (path, theirs, ours)
        for key in theirs:
            assert_same(theirs[key], ours[key], f"{path}.{key}")
    elif isinstance(theirs, np.ndarray):
        assert isinstance(ours, np.ndarray) and ours.shape == theirs.shape and ours.dtype == theirs.dtype, path
        if theirs.dtype.kind == "f":
            np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6, err_msg=path)
        else:
            np.testing.assert_array_equal(ours, theirs, err_msg=path)
    elif isinstance(theirs, list):
        assert isinstance(ours, list) and len(ours) == len(theirs), (path, theirs, ours)
        for i, (a, b) in enumerate(zip(theirs, ours)):
            assert_same(a, b, f"{path}[{i}]")
    elif isinstance(theirs, str):
        assert ours == theirs.replace("torch.", "ember."), path
    else:
        assert ours == theirs, (path, theirs, ours)


def test_every_case_is_recorded():
    assert sorted(RECORDED) == sorted(NAMES)


@pytest.fixture(scope="module")
def ours():
    return cases.run(ember, v2, tv_tensors)


@pytest.mark.parametrize("name", NAMES)
def test_matches_recorded_torchvision(ours, name):
    assert_same(_decode(RECORDED[name]), ours[name], name)


def test_matches_torchvision_live(ours):
    torch = pytest.importorskip("torch")
    pytest.importorskip("torchvision")
    from torchvision import tv_tensors as tv_tensors_tv
    from torchvision.transforms import v2 as v2_tv
    theirs = cases.run(torch, v2_tv, tv_tensors_tv)
    assert sorted(theirs) == sorted(ours)
    for name in theirs:
        assert_same(theirs[name], ours[name], name)


@pytest.mark.parametrize("cls,args", [(v2.RandomInvert, ()), (v2.RandomPosterize, (2,)), (v2.RandomSolarize, (100,)),
                                      (v2.RandomAutocontrast, ()), (v2.RandomEqualize, ()),
                                      (v2.RandomAdjustSharpness, (0.0,))])
def test_random_photometric_p_is_the_share_of_changed_images(cls, args):
    ember.manual_seed(0)
    # low contrast and spanning the threshold, with enough pixels for equalize: every op changes it
    img = ember.from_numpy(np.random.default_rng(1).integers(40, 160, (3, 32, 32)).astype(np.uint8))
    transform = cls(*args, p=0.3)
    changed = sum(not ember.equal(transform(img), img) for _ in range(400))
    assert 85 <= changed <= 155, changed  # binomial(400, 0.3): mean 120, sd 9.2


def test_random_photometric_keep_their_arguments():
    assert v2.RandomPosterize(3, p=0.2).bits == 3
    assert v2.RandomSolarize(0.4).threshold == 0.4
    assert v2.RandomAdjustSharpness(1.5).sharpness_factor == 1.5
    assert inspect.signature(v2.RandomInvert).parameters["p"].default == 0.5
    with pytest.raises(TypeError):
        v2.RandomPosterize(p=0.5)  # bits is required, as in torchvision
