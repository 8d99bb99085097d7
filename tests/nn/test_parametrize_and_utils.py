"""nn.utils: parametrize, parametrizations, weight/spectral norm hooks, fusion, functional_call and
skip_init against PyTorch 2.13.

tests/fixtures/nn_layers/record_utils.py recorded utils.json with PyTorch; the same procedure runs
here on ember and every repr, state-dict key list, value and gradient is compared.
"""
import json
import os
import warnings

import pytest

import ember
import ember.nn as nn
from ember.nn.utils import parametrize as P
from tests.fixtures.nn_layers.record_utils import record
from tests.nn._recorded import same

with open(os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'nn_layers', 'utils.json')) as _f:
    RECORDED = json.load(_f)

_EMBER = {}


def ours():
    if not _EMBER:
        with warnings.catch_warnings():
            _EMBER.update(record(ember))
    return _EMBER


def _same(got, want, path=''):
    same(got, want, 2e-5, 2e-6, path)


@pytest.mark.parametrize('case', sorted(RECORDED))
def test_matches_pytorch(case):
    _same(ours()[case], RECORDED[case], case)


def test_cached_computes_once_per_block():
    calls = []

    class Count(nn.Module):
        def forward(self, x):
            calls.append(1)
            return x * 1

    m = P.register_parametrization(nn.Linear(2, 2), 'weight', Count())
    calls.clear()
    with P.cached():
        assert m.weight is m.weight
    assert len(calls) == 1
    m.weight, m.weight
    assert len(calls) == 3


def test_parametrize_errors_match_pytorch():
    class Shrink(nn.Module):
        def forward(self, x):
            return x[:1]

    m = nn.Linear(2, 3)
    with pytest.raises(ValueError, match=r'^Registering a parametrization may not change the shape of the tensor, '
                                         r'unless `unsafe` flag is enabled.\nunparametrized shape: ember.Size\(\[3, 2\]\)'):
        P.register_parametrization(m, 'weight', Shrink())
    assert type(m) is nn.Linear and 'weight' in m._parameters           # nothing changed
    with pytest.raises(ValueError, match="does not have a parameter, a buffer, or a parametrized element with name "
                                         "'nope'$"):
        P.register_parametrization(m, 'nope', Shrink())
    with pytest.raises(ValueError, match='does not have a parametrization on weight$'):
        P.remove_parametrizations(m, 'weight')
    P.register_parametrization(m, 'weight', Shrink(), unsafe=True)
    assert m.weight.shape == (1, 2)
    with pytest.raises(RuntimeError, match='^parametrization Shrink does not implement right_inverse.$'):
        m.weight = ember.zeros(1, 2)


def test_parametrized_module_trains_and_reloads():
    ember.manual_seed(0)
    m = nn.utils.parametrizations.weight_norm(nn.Linear(3, 2))
    opt = ember.optim.SGD(m.parameters(), lr=0.5)
    g_before = m.parametrizations.weight.original0.detach().clone()
    m(ember.ones(4, 3)).pow(2).sum().backward()
    opt.step()
    assert not ember.equal(g_before, m.parametrizations.weight.original0)
    fresh = nn.utils.parametrizations.weight_norm(nn.Linear(3, 2))
    fresh.load_state_dict(m.state_dict())
    assert ember.equal(fresh.weight, m.weight)
    # a state dict of the older hook (weight_g/weight_v) loads into the parametrization
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        old = nn.utils.weight_norm(nn.Linear(3, 2))
    fresh.load_state_dict(old.state_dict())
    assert ember.allclose(fresh.weight, old.weight)


def test_old_hooks_errors():
    with pytest.warns(FutureWarning, match='`torch.nn.utils.weight_norm` is deprecated'):
        m = nn.utils.weight_norm(nn.Linear(2, 2))
    with pytest.raises(RuntimeError, match='^Cannot register two weight_norm hooks on the same parameter weight$'), \
            pytest.warns(FutureWarning):
        nn.utils.weight_norm(m)
    with pytest.raises(ValueError, match="^weight_norm of 'bias' not found in"):
        nn.utils.remove_weight_norm(m, 'bias')
    with pytest.raises(ValueError, match="can't have uninitialized parameters"):
        nn.utils.spectral_norm(nn.LazyLinear(3))
    with pytest.raises(ValueError, match='^Expected n_power_iterations to be positive, but got n_power_iterations=0$'):
        nn.utils.parametrizations.spectral_norm(nn.Linear(2, 2), n_power_iterations=0)


def test_fusion_errors():
    with pytest.raises(AssertionError, match='^Fusion only for eval!$'):
        nn.utils.fuse_conv_bn_eval(nn.Conv2d(1, 2, 1), nn.BatchNorm2d(2))
    with pytest.raises(AssertionError, match=r'^To fuse, linear.out_features == bn.num_features or bn.num_features == '
                                             r'1, got linear.out_features=3 and bn.num_features=2$'):
        nn.utils.fuse_linear_bn_eval(nn.Linear(2, 3).eval(), nn.BatchNorm1d(2).eval())


def test_functional_call_restores_and_checks():
    model = nn.Sequential(nn.Linear(2, 2))
    before = model[0].weight
    with pytest.warns(FutureWarning, match='stateless.functional_call` is deprecated'):
        with pytest.raises(RuntimeError, match=r"^Error\(s\) in reparametrizing for Sequential:\n\tUnexpected key\(s\): "
                                               r"'x'.\n\tMissing key\(s\): '0.bias'.$"):
            nn.utils.stateless.functional_call(model, {'0.weight': ember.ones(2, 2), 'x': ember.ones(1)},
                                               ember.ones(2), strict=True)
    from ember.nn.utils.stateless import _functional_call

    class Boom(nn.Module):
        def __init__(self):
            super().__init__()
            self.w = nn.Parameter(ember.ones(1))

        def forward(self, x):
            raise KeyError('boom')

    boom = Boom()
    w = boom.w
    with pytest.raises(KeyError):
        _functional_call(boom, {'w': ember.zeros(1)}, ember.ones(1))
    assert boom.w is w and model[0].weight is before
    # tied weights: one value serves every name of the tensor
    tied = nn.Sequential(nn.Linear(2, 2, bias=False), nn.Linear(2, 2, bias=False))
    tied[1].weight = tied[0].weight
    out = _functional_call(tied, {'0.weight': ember.eye(2) * 2}, ember.ones(1, 2))
    assert out.tolist() == [[4.0, 4.0]]
    with pytest.raises(ValueError, match=r"^functional_call got multiple values for keys \['0.weight', '1.weight'\], "
                                         r"which are tied. Consider using tie_weights=False$"):
        _functional_call(tied, {'0.weight': ember.eye(2), '1.weight': ember.ones(2, 2)}, ember.ones(1, 2))


def test_skip_init_requires_a_device_argument():
    class NoDevice(nn.Module):
        def __init__(self, n):
            super().__init__()

    with pytest.raises(RuntimeError, match="^Module must support a 'device' arg to skip initialization$"):
        nn.utils.skip_init(NoDevice, 3)
    with pytest.raises(RuntimeError, match='^Expected a Module; got'):
        nn.utils.skip_init(int, 3)


def test_utils_namespaces():
    for name in ('parametrize', 'parametrizations', 'stateless', 'fusion', 'rnn', 'fuse_conv_bn_eval',
                 'fuse_conv_bn_weights', 'fuse_linear_bn_eval', 'fuse_linear_bn_weights', 'skip_init', 'weight_norm',
                 'remove_weight_norm', 'spectral_norm', 'remove_spectral_norm'):
        assert hasattr(nn.utils, name), name
    from ember.nn.utils.parametrize import (cached, is_parametrized, register_parametrization,  # noqa: F401
                                            remove_parametrizations, transfer_parametrizations_and_params,
                                            type_before_parametrizations)
    from ember.nn.utils.parametrizations import spectral_norm, weight_norm  # noqa: F401
    from ember.nn.utils.stateless import functional_call  # noqa: F401


def test_transfer_parametrizations_and_params():
    ember.manual_seed(0)
    src = nn.utils.parametrizations.weight_norm(nn.Linear(3, 2))
    dst = nn.Linear(3, 2)
    P.transfer_parametrizations_and_params(src, dst)
    assert P.is_parametrized(dst, 'weight') and type(dst).__name__ == 'ParametrizedLinear'
    assert ember.equal(dst.weight, src.weight)
    assert dst.parametrizations.weight.original0 is not src.parametrizations.weight.original0


def test_convert_conv_weight_memory_format():
    # PyTorch 2.13 gives these strides: channels_last for the 2-d convolutions only, values unchanged
    model = nn.Sequential(nn.Conv2d(2, 3, 2), nn.Sequential(nn.ConvTranspose2d(3, 4, 3)), nn.Conv3d(2, 2, 2),
                          nn.Linear(2, 2))
    weights = [m.weight for m in (model[0], model[1][0], model[2])]
    before = [w.detach().clone() for w in weights]
    assert nn.utils.convert_conv2d_weight_memory_format(model, ember.channels_last) is model
    assert model[0].weight.stride() == (8, 1, 4, 2) and model[1][0].weight.stride() == (36, 1, 12, 4)
    assert model[2].weight.stride() == (16, 8, 4, 2, 1)
    nn.utils.convert_conv3d_weight_memory_format(model, ember.channels_last_3d)
    assert model[2].weight.stride() == (16, 1, 8, 4, 2)
    for w, b, m in zip(weights, before, (model[0], model[1][0], model[2])):
        assert m.weight is w and ember.equal(w, b)
