"""IntermediateLayerGetter lives in ember.vision.models._utils (torchvision's place) and stays importable
from detection.backbone_utils."""
from collections import OrderedDict

import pytest

import ember
from ember import nn
from ember.vision.models import _utils
from ember.vision.models.detection import backbone_utils


def test_same_class_from_both_modules():
    assert backbone_utils.IntermediateLayerGetter is _utils.IntermediateLayerGetter


def test_drops_children_after_the_last_returned_and_names_outputs():
    model = nn.Sequential(OrderedDict(a=nn.Linear(3, 4), b=nn.ReLU(), c=nn.Linear(4, 2)))
    getter = _utils.IntermediateLayerGetter(model, {"a": "first", "b": "second"})
    assert list(getter.keys()) == ["a", "b"]
    x = ember.randn(2, 3)
    out = getter(x)
    assert list(out) == ["first", "second"]
    ember.testing.assert_close(out["second"], model.b(model.a(x)))


def test_unknown_layer_is_refused():
    with pytest.raises(ValueError, match="return_layers are not present in model"):
        _utils.IntermediateLayerGetter(nn.Sequential(nn.ReLU()), {"x": "y"})
