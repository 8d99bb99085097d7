"""Lazy layers, RMSNorm, the 3-d pools and PyTorch's module paths, against PyTorch 2.13.

Module results (lazy initialisation under ``manual_seed(0)``, reprs, forward/backward values) are
recorded in tests/fixtures/nn_layers/new_layers.json by record_new_layers.py next to it. CASES
are functional cases evaluated by tests/nn/_oracle_cases.py; EXPECTED (at the end) is PyTorch's.
"""
import importlib
import json
import os
import pickle
import warnings

import numpy as np
import pytest

import ember
import ember.nn as nn
import ember.nn.functional as F
from tests.fixtures.nn_layers.record_new_layers import FORWARD, LAZY, REPRS, inp, record
from tests.nn._oracle_cases import check_case, run_case

with open(os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'nn_layers', 'new_layers.json')) as _f:
    RECORDED = json.load(_f)

CASES = {
    'adaptive_max_pool3d': ('F.adaptive_max_pool3d(x, (2, 3, 2), return_indices=True)', {'x': (1, 2, 3, 5, 4)}),
    'adaptive_max_pool3d_none': ('F.adaptive_max_pool3d(x, (None, 2, 1), return_indices=True)',
                                 {'x': (2, 3, 3, 3)}),
    'lp_pool3d': ('F.lp_pool3d(x, 2, 2)', {'x': (1, 2, 4, 4, 4)}),
    'lp_pool3d_ceil': ('F.lp_pool3d(x.abs() + 0.1, 1.5, (3, 2, 2), 2, ceil_mode=True)', {'x': (1, 1, 5, 4, 5)}),
    'max_unpool3d': ('F.max_unpool3d(*F.max_pool3d(x, 2, return_indices=True), 2)', {'x': (1, 2, 4, 4, 4)}),
    'max_unpool3d_size': ('F.max_unpool3d(*F.max_pool3d(x, 2, return_indices=True), 2, output_size=(5, 5, 4))',
                          {'x': (1, 1, 4, 4, 4)}),
    'rms_norm': ('F.rms_norm(x, (4,))', {'x': (2, 3, 4)}),
    'rms_norm_weight': ('F.rms_norm(x, [3, 4], w, eps=1e-3)', {'x': (2, 3, 4), 'w': (3, 4)}),
}


def _make(a):
    return ember.tensor(a, requires_grad=True)


@pytest.mark.parametrize('name', sorted(CASES))
def test_functions_match_pytorch(name):
    check_case(EXPECTED[name], run_case(F, _make, *CASES[name]))


def test_rms_norm_errors_match_pytorch():
    x = ember.zeros(1, 2, 4)
    with pytest.raises(RuntimeError, match=r'^Given normalized_shape=\[3\], expected input with shape \[\*3\], but got '
                                           r'input of size\[1, 2, 4\]$'):
        F.rms_norm(x, (3,))
    with pytest.raises(RuntimeError, match=r'^Expected weight to be of same shape as normalized_shape, but got weight '
                                           r'of shape \[3\] and normalized_shape = \[4\]$'):
        F.rms_norm(x, (4,), ember.ones(3))


def test_rms_norm_default_eps_is_the_dtypes_epsilon():
    x = ember.zeros(2, 3)
    # an all-zero row divides by sqrt(eps): the result stays 0, and eps decides the gradient's size
    x.requires_grad_()
    F.rms_norm(x, (3,)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 1 / np.sqrt(np.finfo(np.float32).eps), rtol=1e-6)


# ------------------------------------------------------------------------------------- modules
@pytest.mark.parametrize('ctor', REPRS)
def test_reprs_match_pytorch(ctor):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        assert repr(eval('nn.' + ctor, {'nn': nn})) == RECORDED['reprs'][ctor]


@pytest.mark.parametrize('ctor', sorted(FORWARD))
def test_module_values_match_pytorch(ctor):
    got = record_ember()['forward'][ctor]
    want = RECORDED['forward'][ctor]
    assert got['out'][0] == want['out'][0] and got['grad_fn'] == want['grad_fn']
    np.testing.assert_allclose(got['out'][1], want['out'][1], rtol=1e-7, atol=1e-9)
    for g, w in zip(got['grads'], want['grads']):
        np.testing.assert_allclose(g, w, rtol=1e-7, atol=1e-9)


_EMBER = {}


def record_ember():
    """The recording script's own procedure, run on ember (once per session)."""
    if not _EMBER:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            _EMBER.update(record(ember))
    return _EMBER


@pytest.mark.parametrize('ctor', list(LAZY))
def test_lazy_layers_initialise_like_pytorch(ctor):
    got, want = record_ember()['lazy'][ctor], RECORDED['lazy'][ctor]
    assert got['before'] == want['before']
    assert got['after'] == want['after'] and got['class'] == want['class']
    assert list(got['state']) == list(want['state'])
    for key, (shape, values) in want['state'].items():
        assert got['state'][key][0] == shape, key
        np.testing.assert_allclose(got['state'][key][1], values, rtol=2e-6, atol=1e-7, err_msg=key)
    assert got['out'][0] == want['out'][0]
    np.testing.assert_allclose(got['out'][1], want['out'][1], rtol=2e-5, atol=2e-6)


def test_uninitialized_parameter_refuses_shape_and_materializes_in_place():
    m = nn.LazyLinear(3)
    w = m.weight
    assert isinstance(w, nn.UninitializedParameter) and isinstance(w, nn.Parameter)
    assert nn.parameter.is_lazy(w) and m.has_uninitialized_params()
    with pytest.raises(RuntimeError, match="^Can't access the shape of an uninitialized parameter or buffer"):
        w.shape
    opt = ember.optim.SGD(m.parameters(), lr=0.1)      # an optimizer made before the first call
    m(ember.ones(2, 4)).sum().backward()
    assert w is m.weight and type(w) is nn.Parameter and w.shape == (3, 4)
    assert not nn.parameter.is_lazy(w) and not hasattr(m, '_initialize_hook')
    before = w.detach().clone()
    opt.step()
    assert not ember.equal(before, w.detach())


def test_lazy_module_dtype_conversion_and_state_dict_round_trip():
    m = nn.LazyConv2d(4, 3).double()
    assert m.weight.dtype == ember.float64 and nn.parameter.is_lazy(m.weight)
    m(ember.ones(1, 2, 5, 5, dtype=ember.float64))
    fresh = nn.LazyConv2d(4, 3).double()
    fresh.load_state_dict(m.state_dict())         # loading materializes from the loaded shapes
    assert fresh.weight.shape == (4, 2, 3, 3)
    assert ember.equal(fresh.weight, m.weight)
    assert type(fresh).__name__ == 'LazyConv2d'      # the class changes on the first forward call only
    fresh(ember.ones(1, 2, 5, 5, dtype=ember.float64))
    assert type(fresh) is nn.Conv2d


def test_lazy_batchnorm_buffers_and_pickle():
    m = nn.LazyBatchNorm1d()
    assert isinstance(m.running_mean, nn.UninitializedBuffer) and repr(m.running_mean) == '<UninitializedBuffer>'
    restored = pickle.loads(pickle.dumps(m))
    assert nn.parameter.is_lazy(restored.weight)
    restored(ember.ones(4, 3))                          # its hooks survived the round trip
    assert type(restored) is nn.BatchNorm1d and not hasattr(restored, '_initialize_hook')
    m(ember.ones(4, 3))
    assert type(m.running_mean) is ember.Tensor and m.running_mean.shape == (3,)
    assert 'running_mean' in dict(m.named_buffers())


def test_lazy_conv_input_errors_match_pytorch():
    with pytest.raises(RuntimeError, match=r'^Expected 3D \(unbatched\) or 4D \(batched\) input to LazyConv2d, but got '
                                           r'input of size: ember.Size\(\[2, 3\]\)$'):
        nn.LazyConv2d(4, 3)(ember.ones(2, 3))
    with pytest.raises(ValueError, match='^in_channels must be divisible by groups$'):
        nn.LazyConv2d(4, 3, groups=2)(ember.ones(1, 3, 5, 5))


def test_deprecated_names_warn():
    with pytest.warns(FutureWarning, match='nn.Container` is deprecated'):
        nn.Container(a=nn.ReLU())
    with pytest.warns(FutureWarning, match='`NLLLoss2d` has been deprecated'):
        loss = nn.NLLLoss2d()
    x = F.log_softmax(ember.tensor(inp((2, 3, 2, 2))), 1)
    t = ember.tensor([[[0, 1], [2, 0]], [[1, 1], [0, 2]]])
    assert ember.allclose(loss(x, t), F.nll_loss(x, t))


# -------------------------------------------------------------------------- PyTorch's module paths
PATHS = {
    'activation': ['MultiheadAttention', 'NonDynamicallyQuantizableLinear', 'ReLU', 'GELU'],
    'linear': ['NonDynamicallyQuantizableLinear', 'LazyLinear', 'Linear', 'Identity', 'Bilinear'],
    'conv': ['LazyConv1d', 'LazyConvTranspose3d', 'Conv2d', 'Fold'],
    'batchnorm': ['BatchNorm1d', 'BatchNorm2d', 'BatchNorm3d', 'LazyBatchNorm2d', 'SyncBatchNorm', '_BatchNorm',
                  '_NormBase'],
    'instancenorm': ['InstanceNorm1d', 'InstanceNorm2d', 'InstanceNorm3d', 'LazyInstanceNorm1d', '_InstanceNorm'],
    'normalization': ['LayerNorm', 'GroupNorm', 'LocalResponseNorm', 'RMSNorm'],
    'pooling': ['MaxPool2d', 'AdaptiveMaxPool3d', 'LPPool3d', 'MaxUnpool3d'],
    'fold': ['Fold', 'Unfold'],
    'channelshuffle': ['ChannelShuffle'],
    'container': ['Sequential', 'ModuleList', 'ModuleDict', 'ParameterList', 'ParameterDict', 'Container'],
    'loss': ['NLLLoss2d', 'CrossEntropyLoss', 'PairwiseDistance'],
    'lazy': ['LazyModuleMixin'],
    'utils': ['_single', '_pair', '_triple', '_quadruple', '_ntuple', '_reverse_repeat_tuple',
              'consume_prefix_in_state_dict_if_present'],
    'transformer': ['Transformer', 'TransformerEncoder', 'TransformerDecoderLayer'],
}


@pytest.mark.parametrize('file', sorted(PATHS))
def test_pytorch_module_paths_import(file):
    mod = importlib.import_module(f'ember.nn.modules.{file}')
    for name in PATHS[file]:
        obj = getattr(mod, name)
        assert name in dir(mod)
        if hasattr(nn, name):
            assert obj is getattr(nn, name)
    exec(f'from ember.nn.modules.{file} import {", ".join(PATHS[file])}', {})


def test_transformer_example_import_line():
    from ember.nn.modules.activation import MultiheadAttention
    mha = MultiheadAttention(8, 2)
    assert type(mha.out_proj).__name__ == 'NonDynamicallyQuantizableLinear'
    with pytest.raises(AttributeError, match="has no attribute 'Nonexistent'"):
        importlib.import_module('ember.nn.modules.activation').Nonexistent


def test_consume_prefix_in_state_dict():
    from ember.nn.modules.utils import consume_prefix_in_state_dict_if_present
    model = nn.Sequential(nn.Linear(2, 2))
    sd = type(model.state_dict())((f'module.{k}', v) for k, v in model.state_dict().items())
    sd._metadata = {'': {}, 'module': {'version': 1}, 'module.0': {'version': 1}}
    consume_prefix_in_state_dict_if_present(sd, 'module.')
    assert list(sd) == ['0.weight', '0.bias']
    assert sd._metadata == {'': {'version': 1}, '0': {'version': 1}}
    model.load_state_dict(sd)


EXPECTED = {'adaptive_max_pool3d': {'indices': [20, 2, 29, 11, 12, 38, 20, 47, 29, 47, 56, 38, 5, 23, 32, 14, 32, 14, 41, 23, 32,
                                     50, 32, 59],
                         'shape': [1, 2, 2, 3, 2],
                         'out': [0.990607356, 0.98544973, 0.992766406, 0.988168234, 0.854598908, 0.994644774,
                                 0.990607356, 0.996241929, 0.992766406, 0.996241929, 0.997557419, 0.994644774,
                                 0.998590872, 0.999810581, 0.99999649, 0.999341997, 0.99999649, 0.999341997,
                                 0.999899674, 0.999810581, 0.99999649, 0.999520159, 0.99999649, 0.998858052],
                         'grad_fn': 'AdaptiveMaxPool3DBackward0',
                         'x': [0.0, 0.0, -0.560261281, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.911489729,
                               -0.432164353, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.920324078, 0.0, 0.0, 0.0, 0.0, 0.0,
                               0.0, 0.0, 0.0, -0.252841742, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.716160044, 0.0,
                               0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.08498295, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                               -0.574109302, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.904444936, 0.0, 0.0, 0.0, 0.0,
                               0.0, 0.0, 0.0, 0.0, 1.52217508, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.00473558,
                               0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.110599412, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                               0.0, 0.0, 0.0716080723, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.897144432, 0.0, 0.0,
                               0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.282824855]},
 'adaptive_max_pool3d_none': {'indices': [2, 3, 11, 12, 20, 21, 2, 3, 11, 12, 20, 21],
                              'shape': [2, 3, 2, 1],
                              'out': [0.98544973, 0.863209367, 0.988168234, 0.854598908, 0.990607356, 0.845746831,
                                      0.992766406, 0.836655639, 0.994644774, 0.827327901, 0.996241929, 0.817766255],
                              'grad_fn': 'AdaptiveMaxPool3DBackward0',
                              'x': [0.0, 0.0, 0.105104316, -0.560261281, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                                    -0.962127243, -0.911489729, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.432164353,
                                    0.250414671, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.815219762, 0.996614261, 0.0,
                                    0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.709285501, 0.0883686861, 0.0, 0.0, 0.0, 0.0, 0.0,
                                    0.0, 0.0, -0.574109302, -0.966574715, 0.0, 0.0, 0.0, 0.0, 0.0]},
 'lp_pool3d': {'shape': [1, 2, 2, 2, 2],
               'out': [1.92035297, 2.03184953, 2.10267073, 1.86199799, 1.85077731, 2.12234562, 1.99792667, 1.95238326,
                       1.87783809, 2.13575224, 1.88876629, 2.06773898, 1.98158131, 2.06484437, 1.84841331,
                       2.13660683],
               'grad_fn': 'PowBackward0',
               'x': [0.0, 0.0352591739, -0.271727468, -0.238020964, 0.0183344942, -0.0191989867, 0.240327913,
                     0.270901044, 0.288851137, -0.007693602, -0.321609658, -0.483730488, -0.391042154, -0.146011082,
                     0.179399744, 0.430630782, -0.0535921297, -0.0338317379, -0.00927120399, -0.184626867,
                     0.0542176934, 0.0462892206, -0.08358172, 0.105352202, 0.406127508, 0.446420995, 0.296079217,
                     -0.0246830353, -0.312048752, -0.454263995, -0.409561679, -0.140518704, 0.0928309383, 0.209030047,
                     -0.114662092, -0.0697740273, -0.01569337, -0.162090394, 0.11735772, 0.0976160726, 0.110538467,
                     -0.168488015, -0.460718349, -0.493970515, -0.23572673, 0.0342643385, 0.360471515, 0.508542013,
                     -0.190951889, -0.059469405, -0.0505210939, -0.10733119, 0.224939359, 0.131675196, 0.0118835681,
                     0.0847135216, 0.407036221, 0.32967971, 0.121687048, -0.226295618, -0.373970921, -0.391169675,
                     -0.280724596, 0.0599440046, 0.275571257, 0.377181628, 0.0330159926, 0.00918644489, -0.173115883,
                     -0.348674212, -0.0394623811, -0.0221701722, -0.0407647456, -0.225225995, -0.467147312,
                     -0.368216667, -0.0624936727, 0.143835244, 0.434476918, 0.443410746, -0.19699705, 0.0569423592,
                     0.0311212605, 0.0413680696, 0.293572682, 0.0714312161, -0.0201893718, -0.0387081556, 0.286666617,
                     0.154147608, -0.078231242, -0.356730126, -0.30395888, -0.23299937, -0.0806721476, 0.234922895,
                     0.42964804, 0.427845727, 0.0994610975, -0.0371355077, -0.353223714, -0.45638006, -0.152581508,
                     -0.0314983215, -0.0745871868, -0.136598621, -0.359566926, -0.184481313, 0.0289117159,
                     0.113164122, 0.385867214, 0.287423977, -0.0636080768, 0.242518132, 0.192260738, 0.186807859,
                     0.211338171, -0.0989779423, -0.160478131, -0.201692899, 0.10577216, 0.0176998636, -0.210595749,
                     -0.369510468, -0.132523953, -0.064638454, 0.0900419159, 0.310710431]},
 'lp_pool3d_ceil': {'shape': [1, 1, 2, 2, 3],
                    'out': [3.69266289, 4.42309761, 3.4612303, 4.31491212, 3.91879295, 3.65004092, 3.56614948,
                            4.45986684, 3.90227283, 4.1166714, 4.17656609, 3.30952896],
                    'grad_fn': 'PowBackward0',
                    'x': [0.0, 0.0471846472, -0.277544232, -0.261449429, -0.682159564, -0.036722699, -0.0539124485,
                          0.277160793, 0.227806037, -0.353504155, -0.38177712, -0.457734686, -0.213296264,
                          -0.14132883, -0.17904286, 0.434321587, 0.45583985, 0.185002019, -0.0798019434, 0.22996667,
                          0.05711957, 0.0531910013, -0.169138952, 0.184962224, 1.02785192, -0.0567258961,
                          -0.0459191434, -0.10331991, -0.235570348, -1.08121217, -0.424674103, -0.272992569,
                          0.153990393, 0.217783619, -0.271392261, 0.364852352, -0.179429738, -0.194548579,
                          -0.228406988, 0.252439646, 0.29622038, -0.348346252, -0.205784137, -0.212364397,
                          0.260298204, 0.208622859, 0.43671318, 0.215184546, 0.196890117, -0.1883074, 0.287249283,
                          0.39715121, 0.514794153, 0.40677656, -0.35862945, -0.357467684, -0.414076424, -0.475705455,
                          -0.290407829, 0.59003844, -0.43524443, -0.444176556, -0.380455714, 0.220052925, 0.654064451,
                          0.452473262, 0.40907366, 0.267799819, -0.352622374, -0.726365112, -0.0447089671,
                          -0.0347290971, -0.135924253, -0.257617778, -1.11416303, 0.0410354958, 0.024076914,
                          0.212686408, 0.28502829, 1.08812739, -0.340340249, 0.216172262, 0.435638713, 0.494908711,
                          0.672589982, 0.232118606, -0.331013043, -0.480226635, -0.481981632, -0.559543146,
                          0.0225200848, 0.0404635596, -0.294632435, -0.261505477, -0.554788243, -0.0338083901,
                          -0.044444682, 0.286124086, 0.216248993, -0.56620248]},
 'max_unpool3d': {'shape': [1, 2, 4, 4, 4],
                  'out': [0.0, 0.0, 0.98544973, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.988168234, 0.0, 0.0, 0.0,
                          0.0, 0.0, 0.0, 0.0, 0.0, 0.990607356, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.992766406,
                          0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.994644774, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                          0.996241929, 0.817766255, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.997557419, 0.0, 0.0, 0.0,
                          0.0, 0.0, 0.0, 0.0, 0.0, 0.998590872, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.999341997,
                          0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.999810581, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                          0.99999649, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.999899674, 0.0, 0.0, 0.0, 0.0, 0.0,
                          0.0, 0.0, 0.784429848, 0.999520159, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.998858052,
                          0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                  'grad_fn': 'MaxUnpool3DBackward0',
                  'x': [0.0, 0.0, -0.962127243, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.966574715, 0.0, 0.0, 0.0,
                        0.0, 0.0, 0.0, 0.0, 0.0, -0.97074891, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.974648648,
                        0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.978272826, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                        -0.98162042, -0.873729652, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.984690483, 0.0, 0.0, 0.0,
                        0.0, 0.0, 0.0, 0.0, 0.0, -0.987482147, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.989994623,
                        0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.992227201, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                        -0.994179249, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.995850216, 0.0, 0.0, 0.0, 0.0, 0.0,
                        0.0, 0.0, -0.714897508, -0.997239628, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.998347094,
                        0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]},
 'max_unpool3d_size': {'shape': [1, 1, 5, 5, 4],
                       'out': [0.0, 0.0, 0.98544973, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.988168234, 0.0, 0.0,
                               0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.990607356, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                               0.992766406, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.994644774, 0.0, 0.0, 0.0, 0.0,
                               0.0, 0.0, 0.0, 0.0, 0.996241929, 0.817766255, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                               0.997557419, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                               0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                               0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                       'grad_fn': 'MaxUnpool3DBackward0',
                       'x': [0.0, 0.0, -0.962127243, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.966574715, 0.0, 0.0,
                             0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.97074891, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                             -0.974648648, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.978272826, 0.0, 0.0, 0.0, 0.0,
                             0.0, 0.0, 0.0, 0.0, -0.98162042, -0.873729652, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                             -0.984690483, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]},
 'rms_norm': {'shape': [2, 3, 4],
              'out': [0.0, 0.882560784, 1.35003944, 1.18257345, 0.478539437, -0.501103123, -1.24506905, -1.40345955,
                      -0.939241344, 0.0250168622, 0.977509248, 1.47026376, 1.29561494, 0.483769171, -0.555600797,
                      -1.33366303, -1.46360595, -0.923947849, 0.0502573645, 1.00082575, 1.42446832, 1.21616255,
                      0.435876531, -0.549409035],
              'grad_fn': 'MulBackward0',
              'x': [0.143990066, 0.100361532, 0.00953140142, -0.0857814962, -0.148061847, -0.133700248, -0.0564573328,
                    0.0473383479, 0.130795091, 0.156105898, 0.107997662, 0.00909643835, -0.0837710209, -0.151396229,
                    -0.147817425, -0.0747177759, 0.0186818447, 0.115153939, 0.157467336, 0.125721385, 0.0401385981,
                    -0.0640195736, -0.138068339, -0.147181408]},
 'rms_norm_weight': {'shape': [2, 3, 4],
                     'out': [0.0, 0.834690722, 0.600116444, -0.314314117, -0.390586139, 0.497916947, 0.876221631,
                             0.116317278, -0.52030495, 0.0231896807, 0.844564368, 0.580283154, 1.21886252,
                             0.429482015, -0.231834339, 0.332742064, 1.1859773, 0.9114448, -0.0351134382,
                             -0.0823485421, 0.848152865, 1.2116973, 0.404777111, -0.233067162],
                     'grad_fn': 'MulBackward0',
                     'x': [0.144306361, -0.611726001, -0.411246126, 0.484894878, 0.563266135, -0.417624536,
                           -0.974048921, -0.292130169, 0.472720186, 0.124858029, -0.621576048, -0.392453468,
                           -1.07992448, -0.482746981, 0.0786195473, -0.528192256, -1.44589884, -1.18013538,
                           -0.0665188409, 0.236848025, -0.587693665, -1.07747952, -0.461789873, 0.0786260873],
                     'w': [-1.14408663, -0.711223139, -1.49564536, -2.19516086, -1.64852794, -0.763193168,
                           -1.00887045, -1.97771935, -2.06138703, -1.12097964, -0.717635247, -1.52093205]}}
