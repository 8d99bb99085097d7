"""Feature extraction over ember.fx: torchvision's node names (tests/fixtures/fx/feature_nodes.json,
recorded by record_feature_nodes.py under torchvision) and outputs equal to running the layers."""
import json
import pathlib
import warnings

import pytest

import ember
import ember.nn as nn
from ember.vision import models
from ember.vision.models.feature_extraction import create_feature_extractor, get_graph_node_names

RECORDED = json.loads((pathlib.Path(__file__).parents[2] / 'fixtures' / 'fx' / 'feature_nodes.json').read_text())


class _SmallLinear(nn.Linear):
    # VGG's classifier holds 120M weights: names only depend on module paths, so build it small
    def __init__(self, in_features, out_features, *args, **kwargs):
        super().__init__(min(in_features, 8), min(out_features, 8), *args, **kwargs)


_SmallLinear.__module__ = nn.Linear.__module__     # still one of ember.nn's leaf modules


@pytest.mark.parametrize('name', sorted(RECORDED))
def test_node_names_match_torchvision(name, monkeypatch):
    if name == 'vgg11':
        monkeypatch.setattr(nn, 'Linear', _SmallLinear)
    model = _resnet() if name == 'resnet18' else getattr(models, name)()
    train, eval_ = get_graph_node_names(model)
    assert train == RECORDED[name]['train']
    assert eval_ == RECORDED[name]['eval']


_RESNET = []


def _resnet():
    if not _RESNET:
        ember.manual_seed(0)
        _RESNET.append(models.resnet18(num_classes=10).eval())
    return _RESNET[0]


def test_resnet_features_equal_running_its_layers():
    model = _resnet()
    body = create_feature_extractor(model, return_nodes={'layer1.0.relu_1': 'block', 'layer2': 'mid',
                                                         'flatten': 'flat', 'fc': 'logits'})
    x = ember.randn(1, 3, 32, 32)
    out = body(x)
    assert list(out) == ['block', 'mid', 'flat', 'logits']
    with ember.no_grad():
        stem = model.maxpool(model.relu(model.bn1(model.conv1(x))))
        block = model.layer1[0](stem)
        mid = model.layer2(model.layer1[1](block))
        flat = ember.flatten(model.avgpool(model.layer4(model.layer3(mid))), 1)
        assert ember.allclose(out['block'], block)
        assert ember.allclose(out['mid'], mid)
        assert ember.allclose(out['flat'], flat)
        assert ember.allclose(out['logits'], model.fc(flat), atol=1e-6)
    # unused layers were dropped from the graph
    assert not any(n.target == 'layer3' for n in body.graph.nodes)


def test_list_return_nodes_and_mobilenet():
    ember.manual_seed(0)
    model = models.mobilenet_v3_small(num_classes=5).eval()
    body = create_feature_extractor(model, return_nodes=['features.3', 'classifier.0'])
    x = ember.randn(1, 3, 32, 32)
    out = body(x)
    with ember.no_grad():
        f3 = model.features[:4](x)
        assert ember.allclose(out['features.3'], f3, atol=1e-6)
        pooled = ember.flatten(model.avgpool(model.features(x)), 1)
        assert ember.allclose(out['classifier.0'], model.classifier[0](pooled), atol=1e-5)


def test_train_and_eval_return_nodes_switch_with_mode():
    model = _resnet()
    body = create_feature_extractor(model, train_return_nodes=['layer1'], eval_return_nodes=['layer2'])
    assert not body.training
    x = ember.randn(1, 3, 32, 32)
    assert list(body(x)) == ['layer2']
    body.train()
    assert list(body(x)) == ['layer1']


def test_bad_arguments_raise_torchvision_errors():
    model = _resnet()
    with pytest.raises(ValueError, match="node: 'layer9' is not present in model"):
        create_feature_extractor(model, return_nodes=['layer9'])
    with pytest.raises(ValueError, match='Either `return_nodes` or `train_return_nodes`'):
        create_feature_extractor(model)
    with pytest.raises(ValueError, match='If any of `train_return_nodes` and `eval_return_nodes` are specified'):
        create_feature_extractor(model, train_return_nodes=['fc'])


def test_tracer_kwargs_leaf_modules_and_diff_warning():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.block = nn.Sequential(nn.Linear(2, 2), nn.ReLU())
            self.drop = nn.Dropout()

        def forward(self, x):
            x = self.block(x)
            if self.training:
                x = self.drop(x)
            return x

    train, eval_ = get_graph_node_names(Net(), tracer_kwargs={'leaf_modules': [nn.Sequential]},
                                        suppress_diff_warning=True)
    assert train == ['x', 'block', 'drop'] and eval_ == ['x', 'block']
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        get_graph_node_names(Net())
    assert any('eval mode are a subsequence of those obtained in train mode' in str(w.message) for w in caught)
