"""Normalization (ember/ops/norm.py, ember/nn/modules/normalization.py) against values recorded
from PyTorch 2.13.

CASES are evaluated by tests/nn/_oracle_cases.py; EXPECTED (at the end) is what PyTorch gave for
the same inputs.  RUNNING holds the running statistics PyTorch's modules reached on the batches
of ``_steps`` below.
"""
import numpy as np
import pytest

import ember
import ember.nn as nn
import ember.nn.functional as F
from ember.autograd import gradcheck, gradgradcheck
from tests.nn._oracle_cases import _inp, check_case, run_case

_STATS = 'torch.tensor([0.1, -0.2, 0.3], dtype=torch.float64), torch.tensor([0.5, 2.0, 1.5], dtype=torch.float64)'

CASES = {
    'batch_norm_2d': ('F.batch_norm(x, None, None, w, b, training=True)', {'x': (4, 3), 'w': (3,), 'b': (3,)}),
    'batch_norm_4d': ('F.batch_norm(x, None, None, w, b, training=True, eps=1e-3)',
                      {'x': (2, 3, 2, 3), 'w': (3,), 'b': (3,)}),
    'batch_norm_3d_no_affine': ('F.batch_norm(x, None, None, training=True)', {'x': (2, 3, 4)}),
    'batch_norm_eval': (f'F.batch_norm(x, {_STATS}, w, b)', {'x': (2, 3, 2), 'w': (3,), 'b': (3,)}),
    'layer_norm': ('F.layer_norm(x, (4,), w, b)', {'x': (2, 3, 4), 'w': (4,), 'b': (4,)}),
    'layer_norm_2d_no_bias': ('F.layer_norm(x, (3, 4), w, None, 1e-3)', {'x': (2, 3, 4), 'w': (3, 4)}),
    'layer_norm_no_affine': ('F.layer_norm(x, (5,))', {'x': (3, 5)}),
    'group_norm': ('F.group_norm(x, 2, w, b)', {'x': (2, 4, 3), 'w': (4,), 'b': (4,)}),
    'group_norm_no_affine': ('F.group_norm(x, 3, eps=1e-3)', {'x': (2, 6, 2, 2)}),
    'instance_norm': ('F.instance_norm(x, weight=w, bias=b)', {'x': (2, 3, 4), 'w': (3,), 'b': (3,)}),
    'instance_norm_eval': (f'F.instance_norm(x, {_STATS}, use_input_stats=False)', {'x': (2, 3, 2, 2)}),
    'local_response_norm_3d': ('F.local_response_norm(x, 3)', {'x': (2, 5, 3)}),
    'local_response_norm_4d': ('F.local_response_norm(x, 2, 0.1, 0.5, 2.0)', {'x': (1, 4, 2, 3)}),
}


def _make(a):
    return ember.tensor(a, requires_grad=True)


@pytest.mark.parametrize('name', sorted(CASES))
def test_values_and_gradients_match_pytorch(name):
    check_case(EXPECTED[name], run_case(F, _make, *CASES[name], extra={'torch': ember}))


def test_float32_batch_norm_close_to_float64():
    got = run_case(F, lambda a: ember.tensor(a.astype(np.float32), requires_grad=True), *CASES['batch_norm_4d'])
    check_case(EXPECTED['batch_norm_4d'], got, rtol=1e-4, atol=1e-5)


# ------------------------------------------------------------------------------------ running statistics
def _steps(k):
    """The k-th training batch: shifted and scaled so the statistics move."""
    return ember.tensor(_inp((4, 3, 2, 2), k) * (k + 1) + k, dtype=ember.float32)


# PyTorch's BatchNorm2d(3, momentum=...) after three training batches, then eval on _inp(..., 7)
RUNNING = {
    0.3: {'running_mean': [0.80164659, 0.756155849, 0.919819951],
          'running_var': [2.245152, 2.24613142, 2.24597883],
          'eval_sum': [-9.90406418, -7.2812233, -9.96779156]},
    None: {'running_mean': [1.04334462, 0.886563838, 1.17041945],
           'running_var': [2.40723872, 2.40814209, 2.40791225],
           'eval_sum': [-12.0573063, -8.37660027, -12.2107086]},
}


@pytest.mark.parametrize('momentum', [0.3, None])
def test_batchnorm_running_stats_and_eval_match_pytorch(momentum):
    bn = nn.BatchNorm2d(3, momentum=momentum)
    for k in range(3):
        bn(_steps(k))
    assert bn.num_batches_tracked.item() == 3 and bn.num_batches_tracked.dtype == ember.int64
    np.testing.assert_allclose(bn.running_mean.numpy(), RUNNING[momentum]['running_mean'], rtol=1e-5)
    np.testing.assert_allclose(bn.running_var.numpy(), RUNNING[momentum]['running_var'], rtol=1e-5)
    bn.eval()
    out = bn(ember.tensor(_inp((4, 3, 2, 2), 7), dtype=ember.float32))
    np.testing.assert_allclose(out.sum((0, 2, 3)).detach().numpy(), RUNNING[momentum]['eval_sum'], rtol=1e-5)
    assert bn.num_batches_tracked.item() == 3   # eval does not count batches


def test_batchnorm_without_running_stats_uses_batch_stats_in_eval():
    bn = nn.BatchNorm1d(3, affine=False, track_running_stats=False).eval()
    assert bn.running_mean is None and bn.num_batches_tracked is None
    x = ember.tensor(_inp((5, 3), 0))
    np.testing.assert_allclose(bn(x).numpy(), F.batch_norm(x, None, None, training=True).numpy())
    assert list(dict(bn.state_dict())) == []


def test_batchnorm_training_does_not_track_when_told_not_to():
    bn = nn.BatchNorm2d(3, track_running_stats=False)
    bn(_steps(1))
    assert bn.running_mean is None


def test_batchnorm_state_dict_and_old_checkpoints():
    bn = nn.BatchNorm2d(2)
    assert list(bn.state_dict()) == ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']
    state = {k: v for k, v in nn.BatchNorm2d(2).state_dict().items() if k != 'num_batches_tracked'}
    from collections import OrderedDict
    old = OrderedDict(state)
    old._metadata = {'': {'version': 1}}    # written before num_batches_tracked existed
    bn.load_state_dict(old)
    assert bn.num_batches_tracked.item() == 0


def test_instance_norm_module_tracks_running_stats():
    m = nn.InstanceNorm1d(3, track_running_stats=True, momentum=0.5)
    x = ember.tensor(_inp((2, 3, 4), 1) * 2 + 1)
    m(x)
    per_sample = x.numpy().mean(-1)
    np.testing.assert_allclose(m.running_mean.numpy(), 0.5 * per_sample.mean(0), rtol=1e-6)
    assert m(x[0]).shape == (3, 4)   # unbatched


def test_gradgradcheck_of_norms():
    x = ember.tensor(_inp((3, 2, 2), 0), requires_grad=True)
    w = ember.tensor(_inp((2,), 1), requires_grad=True)
    b = ember.tensor(_inp((2,), 2), requires_grad=True)
    for fn in (lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
               lambda x, w, b: F.group_norm(x.reshape(3, 2, 2), 1, w, b),
               lambda x, w, b: F.layer_norm(x, (2,), w, b)):
        assert gradcheck(fn, (x, w, b)) and gradgradcheck(fn, (x, w, b))


# ------------------------------------------------------------------------------------ errors
ERRORS = [
    (lambda: F.batch_norm(ember.ones(1, 2, 5, 5), None, None), RuntimeError,
     'running_mean must be defined in evaluation mode'),
    (lambda: F.batch_norm(ember.ones(1, 3), None, None, training=True), ValueError,
     'Expected more than 1 value per channel when training, got input size ember.Size([1, 3])'),
    (lambda: F.batch_norm(ember.ones(1, 2, 5, 5), ember.zeros(3), ember.ones(3), training=True), RuntimeError,
     'running_mean should contain 2 elements not 3'),
    (lambda: F.batch_norm(ember.ones(1, 2, 5, 5), ember.zeros(2), ember.ones(2), ember.ones(3), training=True),
     RuntimeError, 'weight should contain 2 elements not 3'),
    (lambda: F.batch_norm(ember.ones(2, 3, dtype=ember.int64), None, None, training=True), NotImplementedError,
     '"batch_norm" not implemented for \'Long\''),
    (lambda: F.layer_norm(ember.ones(1, 2, 5, 5), (2, 4)), RuntimeError,
     'Given normalized_shape=[2, 4], expected input with shape [*, 2, 4], but got input of size[1, 2, 5, 5]'),
    (lambda: F.layer_norm(ember.ones(1, 2, 5, 5), (5,), ember.ones(4)), RuntimeError,
     'Expected weight to be of same shape as normalized_shape, but got weight of shape [4] and normalized_shape = [5]'),
    (lambda: F.layer_norm(ember.ones(1, 2, 5, 5), 5), TypeError,
     "layer_norm(): argument 'normalized_shape' (position 2) must be tuple of ints, not int"),
    (lambda: F.group_norm(ember.ones(1, 2, 5, 5), 3), RuntimeError,
     'Expected number of channels in input to be divisible by num_groups, but got input of shape [1, 2, 5, 5] and '
     'num_groups=3'),
    (lambda: F.group_norm(ember.ones(1, 2, 5, 5), 2, ember.ones(3)), RuntimeError,
     'Expected weight to be a vector of size equal to the number of channels in input, but got weight of shape [3] '
     'and input of shape [1, 2, 5, 5]'),
    (lambda: F.group_norm(ember.ones(4), 2), RuntimeError,
     'Expected at least 2 dimensions for input tensor but received 1'),
    (lambda: F.instance_norm(ember.ones(2, 3, 1)), ValueError,
     'Expected more than 1 spatial element when training, got input size ember.Size([2, 3, 1])'),
    (lambda: nn.BatchNorm1d(3)(ember.ones(2, 3, 4, 5)), ValueError, 'expected 2D or 3D input (got 4D input)'),
    (lambda: nn.BatchNorm2d(3)(ember.ones(2, 3, 4)), ValueError, 'expected 4D input (got 3D input)'),
    (lambda: nn.BatchNorm3d(3)(ember.ones(2, 3, 4)), ValueError, 'expected 5D input (got 3D input)'),
    (lambda: nn.BatchNorm2d(3)(ember.ones(2, 4, 4, 4)), RuntimeError, 'running_mean should contain 4 elements not 3'),
    (lambda: nn.InstanceNorm2d(3)(ember.ones(3, 4)), ValueError, 'expected 3D or 4D input (got 2D input)'),
    (lambda: nn.InstanceNorm1d(3, affine=True)(ember.ones(2, 4, 5)), ValueError,
     "expected input's size at dim=1 to match num_features (3), but got: 4."),
    (lambda: nn.GroupNorm(3, 4), ValueError, 'num_channels (4) must be divisible by num_groups (3)'),
    (lambda: nn.LayerNorm(4)(ember.ones(2, 3)), RuntimeError,
     'Given normalized_shape=[4], expected input with shape [*, 4], but got input of size[2, 3]'),
]


@pytest.mark.parametrize('fn,exc,message', ERRORS, ids=[str(i) for i in range(len(ERRORS))])
def test_errors_match_pytorch(fn, exc, message):
    with pytest.raises(exc) as info:
        fn()
    assert str(info.value) == message


# ------------------------------------------------------------------------------------ modules
def test_reprs_and_parameters():
    assert repr(nn.BatchNorm2d(3)) == \
        'BatchNorm2d(3, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)'
    assert repr(nn.BatchNorm1d(3, affine=False, momentum=None, track_running_stats=False)) == \
        'BatchNorm1d(3, eps=1e-05, momentum=None, affine=False, bias=False, track_running_stats=False)'
    assert repr(nn.BatchNorm3d(5, bias=False, eps=1e-3)) == \
        'BatchNorm3d(5, eps=0.001, momentum=0.1, affine=True, bias=False, track_running_stats=True)'
    assert repr(nn.LayerNorm(4)) == 'LayerNorm((4,), eps=1e-05, elementwise_affine=True, bias=True)'
    assert repr(nn.LayerNorm((2, 3), elementwise_affine=False)) == \
        'LayerNorm((2, 3), eps=1e-05, elementwise_affine=False, bias=False)'
    assert repr(nn.GroupNorm(2, 4)) == 'GroupNorm(2, 4, eps=1e-05, affine=True, bias=True)'
    assert repr(nn.InstanceNorm2d(3)) == \
        'InstanceNorm2d(3, eps=1e-05, momentum=0.1, affine=False, bias=False, track_running_stats=False)'
    assert repr(nn.LocalResponseNorm(2)) == 'LocalResponseNorm(2, alpha=0.0001, beta=0.75, k=1.0)'
    bn = nn.BatchNorm2d(3)
    assert bn.weight.tolist() == [1.0] * 3 and bn.bias.tolist() == [0.0] * 3
    assert bn.running_var.tolist() == [1.0] * 3 and bn.running_mean.tolist() == [0.0] * 3
    ln = nn.LayerNorm([2, 3], bias=False)
    assert ln.weight.shape == (2, 3) and ln.bias is None
    assert [n for n, _ in nn.GroupNorm(2, 4).named_parameters()] == ['weight', 'bias']


def test_modules_call_the_functions():
    x = ember.tensor(_inp((2, 4, 3), 0), dtype=ember.float32)
    np.testing.assert_allclose(nn.LayerNorm(3)(x).detach().numpy(), F.layer_norm(x, (3,)).numpy(), rtol=1e-6)
    np.testing.assert_allclose(nn.GroupNorm(2, 4)(x).detach().numpy(), F.group_norm(x, 2).numpy(), rtol=1e-6)
    np.testing.assert_allclose(nn.LocalResponseNorm(2)(x).numpy(), F.local_response_norm(x, 2).numpy(), rtol=1e-6)
    y = nn.BatchNorm1d(4)(x)
    assert y.grad_fn.name() == 'NativeBatchNormBackward0'


# recorded with tests/nn/_oracle_cases.py from PyTorch 2.13 (float64)
EXPECTED = {'batch_norm_2d': {'shape': [4, 3],
                   'out': [0.512183985, 0.490850808, -0.334003464, 1.86813609, 0.0736869147, -1.09998828,
                           -0.856910292, -1.70359712, -1.26077314, 0.538595704, 0.508076617, -0.332445104],
                   'grad_fn': 'NativeBatchNormBackward0',
                   'x': [0.123630876, 0.0677138829, 0.00543388329, -0.125443207, -0.165528913, -0.0569532075,
                         -0.121783071, 0.0320157921, 0.0470938872, 0.123595401, 0.0657992383, 0.00442543708],
                   'w': [-2.43891615, -2.6243039, -2.9490331],
                   'b': [0.0972030352, -0.569920675, -0.969001786]},
 'batch_norm_4d': {'shape': [2, 3, 2, 3],
                   'out': [-0.315634924, 0.985623582, 1.67487988, 1.42796596, 0.361009304, -1.02418371, -1.04651409,
                           -1.1794911, -0.758306106, 0.0189510104, 0.786724082, 1.18391744, -0.0153840863,
                           -0.364238169, -0.81086051, -1.14519764, -1.21000559, -0.974804162, -0.247719564,
                           1.03683236, 1.68529779, 1.3926933, 0.29663535, -1.08738288, -1.06569276, -1.1713038,
                           -0.726603455, 0.0592587617, 0.816679568, 1.18943212, -0.0270733048, -0.385114483,
                           -0.831105462, -1.15528972, -1.20519833, -0.95735849],
                   'grad_fn': 'NativeBatchNormBackward0',
                   'x': [0.262711802, 0.16101988, 0.0073069082, -0.126133502, -0.17654224, -0.120211289,
                         -0.0912333107, -0.00280803632, 0.0615769607, 0.0716404101, 0.0226493145, -0.0623550484,
                         0.020100352, -0.0254603172, -0.0450489914, -0.0294528111, 0.0139930966, 0.0648554422,
                         0.259889899, 0.154292287, -0.00016228314, -0.130831414, -0.176259371, -0.115080677,
                         -0.0870550383, 0.00115080372, 0.063454464, 0.0705535576, 0.0191092699, -0.0666833469,
                         0.0176093268, -0.0271292328, -0.0451108804, -0.027878566, 0.0164630836, 0.0670594977],
                   'w': [-5.46493924, -8.83457356, -8.195031],
                   'b': [-5.01337795, 2.06036906, 2.9931415]},
 'batch_norm_3d_no_affine': {'shape': [2, 3, 4],
                             'out': [-0.482969804, 0.545414917, 1.09013424, 0.894998143, 1.15112497, -0.00894880988,
                                     -0.889938879, -1.07750185, -1.66515548, -0.563729275, 0.524257389, 1.08710739,
                                     0.881253, 0.0264168319, -1.06799183, -1.88725549, -1.07196194, -0.461213574,
                                     0.641325688, 1.7171144, 1.09125273, 0.845059286, -0.0771489643, -1.24164307],
                             'grad_fn': 'NativeBatchNormBackward0',
                             'x': [0.208957525, 0.146266579, 0.0341500032, -0.0746620241, -0.192426797, -0.17859898,
                                   -0.0895435608, 0.0328553046, 0.115557938, 0.16478509, 0.129901274, 0.0273128951,
                                   -0.0767746487, -0.129343061, -0.101713583, -0.0068807892, 0.0357264977,
                                   0.132654066, 0.158422066, 0.100911403, 0.024375626, -0.0974098813, -0.179991964,
                                   -0.184530978]},
 'batch_norm_eval': {'shape': [2, 3, 2],
                     'out': [0.379235029, 1.25708691, 0.60446146, 0.525864724, -0.744593274, -0.983895286, -0.8084294,
                             -0.959517215, -0.435036673, -0.0183411274, -0.632230934, -0.516664093],
                     'grad_fn': 'NativeBatchNormBackward0',
                     'x': [0.143221807, -0.763447557, -0.618617769, -0.586059429, -0.150805068, 0.0873829627,
                           1.11087016, 1.35804981, 0.456048425, 0.0568183053, -0.200337191, -0.337289193],
                     'w': [-3.0917935, -1.69449904, -0.855850203],
                     'b': [1.35667706, -1.07596279, -1.7224337]},
 'layer_norm': {'shape': [2, 3, 4],
                'out': [-1.06466052, -0.107502543, -0.349439152, -1.16129855, 1.99934141, 0.04585037, -1.08825302,
                        -0.747366119, -0.864349082, -0.510566463, -0.481882708, -1.30063973, 1.79083724, 0.307292849,
                        -0.982597615, -0.666015065, -0.639170004, -0.726771126, -0.582514301, -1.3618514, 1.50084778,
                        0.527762721, -0.864808968, -0.610534193],
                'grad_fn': 'NativeLayerNormBackward0',
                'x': [0.178597009, -0.938792384, -0.420904445, 1.18109982, -0.303782065, 0.547945261, 0.487678118,
                      -0.731841314, 0.286888336, -0.315875902, -0.476315021, 0.505302588, -0.242669472, 0.155431591,
                      0.456929567, -0.369691686, 0.189937942, -0.0252907752, -0.441168077, 0.27652091, -0.137438686,
                      -0.0922906253, 0.440646511, -0.2109172],
                'w': [-5.23585462, -1.3351382, -1.92879606, -5.03930272],
                'b': [-0.497877434, -0.838230171, -0.784350162, -0.361578015]},
 'layer_norm_2d_no_bias': {'shape': [2, 3, 4],
                           'out': [-0.192971959, 0.669159962, 0.526441469, -0.269378168, -0.234465484, 0.707306097,
                                   1.03491937, 0.135267309, -0.646480833, -0.170195278, 0.680656712, 0.509270753,
                                   1.13026316, 0.342418406, -0.274833315, 0.359382391, 1.27186057, 1.01344762,
                                   0.0338693202, -0.0745994162, 0.795523205, 1.12263614, 0.318293514, -0.274576254],
                           'grad_fn': 'NativeLayerNormBackward0',
                           'x': [0.3178448, -0.483965351, -0.29580047, 0.623972857, 0.729126102, -0.238492281,
                                 -0.781094529, -0.0803399261, 0.682926736, 0.297207318, -0.494620783, -0.276764472,
                                 -0.60220297, 0.0404273959, 0.659011669, 0.0901112819, -0.824080258, -0.585758969,
                                 0.481355427, 0.735595457, -0.118431086, -0.599042234, 0.0627559033, 0.660258384],
                           'w': [-1.081972, -0.569310468, -1.35661518, -2.12086914, -1.67051546, -0.887232934,
                                 -1.19923981, -2.15019591, -2.12778035, -1.05608629, -0.574832486, -1.38286741]},
 'layer_norm_no_affine': {'shape': [3, 5],
                          'out': [-1.5757105, 0.219107495, 1.16979454, 0.829227668, -0.642419204, 0.587753694,
                                  -0.848855194, -1.15470952, -0.185961222, 1.60177225, 0.343956544, 1.02806392,
                                  0.752155625, -0.354004368, -1.77017173],
                          'grad_fn': 'NativeLayerNormBackward0',
                          'x': [0.170012165, 0.208505979, 0.0911753244, -0.126797358, -0.34289611, -0.340339843,
                                -0.11858937, 0.0972967071, 0.205783792, 0.155848714, 0.198366607, 0.00828199908,
                                -0.11367993, -0.11015858, 0.017189904]},
 'group_norm': {'shape': [2, 4, 3],
                'out': [-0.325031302, 0.986558898, 1.68128773, 0.707532333, -0.307335241, -1.62490279, -1.17257615,
                        -1.23535191, -1.03651901, -1.05206878, -1.26878675, -1.38090182, 2.16851932, 1.38716717,
                        0.386836827, -0.985833098, -1.12281377, -0.625682623, -1.09292299, -0.525145075, -0.238520344,
                        -1.23248594, -0.942813591, -0.577037485],
                'grad_fn': 'NativeGroupNormBackward0',
                'x': [0.256920379, 0.131978919, -0.0348417431, -0.0605810965, -0.147943398, -0.145533062,
                      0.0351160159, 0.121722106, 0.0100222309, -0.327397093, -0.0101997688, 0.170736508, 0.031463512,
                      -0.0477005239, -0.0622807165, -0.0731941831, 0.0143765709, 0.137335341, 0.0967592422,
                      -0.326346231, -0.584645077, 0.723246105, 0.31739579, -0.226409829],
                'w': [-3.49402837, -3.36646968, -3.92539019, -3.22180262],
                'b': [-2.47201226, 1.42402661, 1.03418368, -2.46823382]},
 'group_norm_no_affine': {'shape': [2, 6, 2, 2],
                          'out': [-0.109447732, 0.795876579, 1.27541272, 1.10362735, 0.361313817, -0.602406231,
                                  -1.33428019, -1.49009631, -1.14525777, -0.157008636, 0.819181942, 1.32419628,
                                  1.12051825, 0.303940799, -0.741486926, -1.52408394, -1.61168776, -1.07641835,
                                  -0.110135732, 0.832702288, 1.30866425, 1.09389782, 0.289410988, -0.726433507,
                                  -1.27100342, -1.39068549, -0.886735743, 0.00383038075, 0.862165719, 1.28458175,
                                  1.07240961, 0.325437183, -0.489436319, -1.15949981, -1.262657, -0.75039145,
                                  0.136370343, 0.980570454, 1.38516838, 1.1598754, 0.542096853, -0.456147147,
                                  -1.17089334, -1.26598542, -0.6967001, 0.269218842, 1.17748463, 1.60092568],
                          'grad_fn': 'NativeGroupNormBackward0',
                          'x': [0.16334497, 0.114149851, 0.0186244924, -0.0783040359, -0.131048733, -0.114802943,
                                -0.0372073156, 0.0652437136, 0.138108623, 0.165431677, 0.117492139, 0.0168367227,
                                -0.0891947571, -0.150734038, -0.138838236, -0.0591021309, 0.00508577128, 0.10180031,
                                0.14562355, 0.115944738, 0.0267222821, -0.0800811023, -0.154234115, -0.160861435,
                                -0.0917081218, 0.00451961647, 0.090830989, 0.126632409, 0.0950859085, 0.0110283003,
                                -0.0860068093, -0.150382292, -0.14213924, -0.0694475188, 0.0279107752, 0.104146515,
                                0.123404842, 0.0766282623, -0.0141834663, -0.106320169, -0.167298057, -0.142859121,
                                -0.0573811316, 0.0489342775, 0.126085308, 0.137786624, 0.0785349152, -0.0238028151]},
 'instance_norm': {'shape': [2, 3, 4],
                   'out': [-1.06466052, 0.568742697, 1.43393086, 1.12399245, 1.24253501, 0.04585037, -0.862942936,
                           -1.05642522, -1.36882607, -0.922632172, -0.481882708, -0.253869035, 1.79083724, 1.00829029,
                           0.00643029537, -0.743552335, -1.24739417, -0.726771126, 0.213071497, 1.13011102,
                           -0.319758593, -0.434605934, -0.864808968, -1.40803649],
                   'grad_fn': 'ViewBackward0',
                   'x': [-0.0203547917, 0.115010092, 0.0613762313, -0.156031532, 0.0306347189, -0.0566546643,
                         -0.0419111674, 0.0679311128, -0.0139780361, 0.0179766532, 0.0157109452, -0.0197095623,
                         0.033530797, -0.0340975416, -0.0337764111, 0.0343431558, -0.039803091, 0.032839352,
                         0.036785166, -0.0298214269, 0.0292114647, -0.0188790996, -0.0247336543, 0.0144012892],
                   'w': [-4.32500444, -4.65880256, -4.55528461],
                   'b': [-2.55865967, 2.80632111, -2.72969723]},
 'instance_norm_eval': {'shape': [2, 3, 2, 2],
                        'out': [-0.141419942, 0.769632338, 1.25220249, 1.07933024, 0.378292803, -0.106619576,
                                -0.474874596, -0.553276165, -0.760373491, -0.231219711, 0.291477366, 0.561885137,
                                1.06715334, 0.309848777, -0.659694514, -1.38548518, -0.550960479, -0.295666848,
                                0.165196028, 0.614877138, 0.563876665, 0.445598936, 0.00254611913, -0.556907124],
                        'grad_fn': 'ViewBackward0',
                        'x': [0.148638462, -0.792321179, -1.36063979, -1.28902825, -0.305585581, 0.177069469,
                              0.576445981, 0.704710941, 0.579127256, 0.0721524896, -0.46875672, -0.789202319,
                              -1.2790655, -0.589637115, 0.377106824, 1.16649153, 0.703633799, 0.493087488,
                              0.0506344269, -0.415632796, -0.792610524, -0.73251292, -0.327903044, 0.230924758]},
 'local_response_norm_3d': {'shape': [2, 5, 3],
                            'out': [0.0, 0.644209196, 0.985422775, 0.863176895, 0.334975652, -0.350770138,
                                    -0.87154298, -0.98241555, -0.631242998, 0.0168132741, 0.656961985, 0.98813095,
                                    0.854583299, 0.319094107, -0.366468953, -0.879678716, -0.979143285, -0.618116044,
                                    0.0336217946, 0.669544671, 0.990569977, 0.845715028, 0.303107051, -0.382057156,
                                    -0.887533627, -0.975589206, -0.604810182, 0.0504216916, 0.681939464,
                                    0.992732866],
                            'grad_fn': 'DivBackward0',
                            'x': [0.105102358, -0.560237608, -0.962049884, -0.911390821, -0.432123361, 0.250379306,
                                  0.815123908, 0.996502934, 0.70921189, 0.0883666397, -0.574038873, -0.966464109,
                                  -0.904395454, -0.416926871, 0.266630763, 0.82479453, 0.994988978, 0.697265949,
                                  0.0716078957, -0.587723113, -0.970637955, -0.897047407, -0.401561435, 0.282785949,
                                  0.834133869, 0.993175624, 0.68511215, 0.0548279892, -0.601246204, -0.974547125]},
 'local_response_norm_4d': {'shape': [1, 4, 2, 3],
                            'out': [0.0, 0.453185768, 0.688510553, 0.604774242, 0.236540826, -0.247660562,
                                    -0.610527112, -0.683014875, -0.438921777, 0.0117799679, 0.461433397, 0.689330482,
                                    0.593342831, 0.222685987, -0.257431044, -0.616105453, -0.680654321, -0.429850127,
                                    0.023560637, 0.470234633, 0.690896795, 0.587202771, 0.211576346, -0.268399421],
                            'grad_fn': 'DivBackward0',
                            'x': [0.0743199744, -0.379480659, -0.64886674, -0.626943606, -0.302116079, 0.170569223,
                                  0.549134456, 0.674477776, 0.48734894, 0.0621210168, -0.388180995, -0.651085585,
                                  -0.616932344, -0.288069649, 0.180713159, 0.555554197, 0.673666033, 0.479284699,
                                  0.0501764446, -0.408240755, -0.660887553, -0.612149358, -0.279688275,
                                  0.197964576]}}


@pytest.mark.parametrize('dtype', [ember.float32, ember.float64])
@pytest.mark.parametrize('shape,groups', [((4, 6, 5, 3), 3), ((2, 4, 7), 4), ((3, 8), 2), ((2, 6, 2, 2, 2), 1)])
def test_group_norm_backward_arrays_give_the_closed_forms_numbers(dtype, shape, groups):
    """The array backward (three reused buffers) gives the op-by-op closed form's gradients bit for bit, for
    each combination of wanted gradients, with and without an affine weight, and for a broadcast gradient."""
    from ember.ops.norm import _stats_backward
    gen = ember.Generator().manual_seed(3)
    x = ember.randn(shape, generator=gen, dtype=dtype)
    w, b = ember.randn(shape[1], generator=gen, dtype=dtype), ember.randn(shape[1], generator=gen, dtype=dtype)
    g = ember.randn(shape, generator=gen, dtype=dtype)
    n, per = shape[0], x.numel() // shape[0] // groups
    axes = (0,) + tuple(range(2, len(shape)))
    pshape = (1, shape[1]) + (1,) * (len(shape) - 2)
    node = F.group_norm(x.clone().requires_grad_(), groups).grad_fn   # the statistics forward saved
    mean, invstd = (t.reshape(n, groups, 1) for t in (node._saved_result1, node._saved_result2))
    for weight in (w, None):
        for grads in ((True, True, True), (True, False, False), (False, True, False), (False, False, True)):
            xi = x.clone().requires_grad_(grads[0])
            wi = None if weight is None else weight.clone().requires_grad_(grads[1])
            bi = b.clone().requires_grad_(grads[2])
            if not any(t is not None and t.requires_grad for t in (xi, wi, bi)):
                continue
            y = F.group_norm(xi, groups, wi, bi)
            for gy in (g, ember.ones((), dtype=dtype).expand(shape)):
                inputs = [t for t in (xi, wi, bi) if t is not None and t.requires_grad]
                got = ember.autograd.grad(y, inputs, gy, retain_graph=True)
                with ember.no_grad():   # the closed form, op by op, on the saved statistics
                    gxhat = gy if wi is None else gy * wi.reshape(pshape)
                    gx, xhat = _stats_backward(xi.reshape(n, groups, per), gxhat.reshape(n, groups, per), (2,),
                                               1e-5, mean, invstd)
                    want = {0: gx.reshape(shape), 1: (gy * xhat.reshape(shape)).sum(axes), 2: gy.sum(axes)}
                for t, got_t in zip(inputs, got):
                    k = 0 if t is xi else 1 if t is wi else 2
                    assert got_t.dtype == dtype and got_t.shape == want[k].shape
                    assert got_t.numpy().tobytes() == want[k].numpy().tobytes()


def test_norm_nodes_saved_statistics_when_only_the_weight_needs_grad():
    # the input needs no gradient, so its node has no input metadata: the sizes come from the forward
    # (PyTorch: result1/result2 of shape (N, groups) for group norm, (C,) for batch norm in training)
    weight = ember.ones(4, requires_grad=True)
    node = ember.nn.functional.group_norm(ember.randn(2, 4, 3), 2, weight).grad_fn
    assert node._saved_result1.shape == (2, 2) and node._saved_result2.shape == (2, 2)
    assert (node._saved_N, node._saved_C, node._saved_HxW) == (2, 4, 3)
    node = ember.nn.functional.batch_norm(ember.randn(3, 4, 2), None, None, weight, training=True).grad_fn
    assert node._saved_result1.shape == (4,)
