"""Activation layers and functions against values recorded from PyTorch 2.13 (float64)."""
import warnings

import numpy as np
import pytest

import ember
import ember.nn as nn
import ember.nn.functional as F

X0 = [[-3.5, -1.2, -0.3, 0.05], [0.4, 1.1, 2.7, 6.5]]

# module constructor -> (output, grad of sum(output * arange) w.r.t. the input, grad_fn name), from PyTorch
EXPECTED = {'CELU(1.5)': [[[-1.3545420482033923, -0.8260065538241677, -0.2719038703830272, 0.05], [0.4, 1.1, 2.7, 6.5]],
               [[0.0969719678644051, 0.8986579282344432, 2.4561922592339456, 4.0], [5.0, 6.0, 7.0, 8.0]],
               'CeluBackward0'],
 'ELU(0.5)': [[[-0.48490130828884076, -0.34940289404389896, -0.12959088965914106, 0.05], [0.4, 1.1, 2.7, 6.5]],
              [[0.01509869171115925, 0.30119421191220214, 1.1112273310225769, 4.0], [5.0, 6.0, 7.0, 8.0]],
              'EluBackward0'],
 "GELU('tanh')": [[[-0.0006161976553737403, -0.13829723086213508, -0.11462907645724074, 0.025996938238622008],
                   [0.2621611694273562, 0.9505810461745109, 2.6911124053605326, 6.499999999999372]],
                  [[-0.0024226437601167334, -0.23545226946622516, 0.8031136450835945, 2.1594433496868297],
                   [4.013294172102807, 6.621956775414883, 7.172675058046333, 8.000000000052669]],
                  'GeluBackward0'],
 'GELU()': [[[-0.0008142017766243903, -0.13808360426604993, -0.1146265733433142, 0.025996940291918624],
             [0.2621686966441297, 0.9507673329589791, 2.6906391707317905, 6.49999999973896]],
            [[-0.0028217603536246205, -0.23590719151629452, 0.8030166995186704, 2.1594440061724427],
             [4.013648988658268, 6.623828002736537, 7.172686851371303, 8.000000013560415]],
            'GeluBackward0'],
 'GLU()': [[[-1.4894511911591937, -0.6149968757810523], [0.37481065757720144, 1.0983486995175893]],
           [[0.425557483188341, 1.0249947929684207, -0.8556040909176105, -0.5996251561946795],
            [2.8110799318290107, 3.993995270973052, 0.07080925498069829, 0.006595286317703901]],
           'GluBackward0'],
 'GLU(0)': [[[-2.095406810393582, -0.9003121267141412, -0.28110799318290103, 0.04992494088716315]],
            [[0.598687660112452, 1.5005202111902354, 2.8110799318290107, 3.993995270973052],
             [-0.840912610095352, -0.4496877109140493, -0.053106941235523716, 0.0002997857417138137]],
            'GluBackward0'],
 'Hardshrink(1.0)': [[[-3.5, -1.2, 0.0, 0.0], [0.0, 1.1, 2.7, 6.5]], [[1.0, 2.0, 0.0, 0.0], [0.0, 6.0, 7.0, 8.0]],
                     'HardshrinkBackward0'],
 'Hardsigmoid()': [[[0.0, 0.3, 0.45, 0.5083333333333333],
                    [0.5666666666666667, 0.6833333333333332, 0.9500000000000001, 1.0]],
                   [[0.0, 0.3333333432674408, 0.5000000149011612, 0.6666666865348816],
                    [0.833333358168602, 1.0000000298023224, 1.1666667014360428, 0.0]],
                   'HardsigmoidBackward0'],
 'Hardswish()': [[[-0.0, -0.36000000000000004, -0.135, 0.025416666666666667],
                  [0.22666666666666668, 0.7516666666666666, 2.5650000000000004, 6.5]],
                 [[0.0, 0.20000000000000007, 1.2000000000000002, 2.066666666666667],
                  [3.1666666666666665, 5.2, 9.799999999999999, 8.0]],
                 'HardswishBackward0'],
 'Hardtanh(-2.0, 2.0)': [[[-2.0, -1.2, -0.3, 0.05], [0.4, 1.1, 2.0, 2.0]],
                         [[0.0, 2.0, 3.0, 4.0], [5.0, 6.0, 0.0, 0.0]], 'HardtanhBackward0'],
 'LeakyReLU(0.2)': [[[-0.7000000000000001, -0.24, -0.06, 0.05], [0.4, 1.1, 2.7, 6.5]],
                    [[0.2, 0.4, 0.6000000000000001, 4.0], [5.0, 6.0, 7.0, 8.0]], 'LeakyReluBackward0'],
 'LogSigmoid()': [[[-3.5297504182726205, -1.4632824673380311, -0.8543552444685272, -0.6684596480132863],
                   [-0.5130152523999526, -0.2873353251154308, -0.06504356177659054, -0.0015023101597542838]],
                  [[0.9706877692486436, 1.5370495669980353, 1.7233275504349768, 1.9500104140631587],
                   [2.00656169943774, 1.4984393664292943, 0.4408134923989754, 0.012009458053895932]],
                  'LogSigmoidBackward0'],
 'LogSoftmax(dim=0)': [[[-3.9200397672603975, -2.395545464597963, -3.048587351573742, -6.45157927445809],
                        [-0.020039767260397558, -0.09554546459796301, -0.048587351573741965,
                         -0.0015792744580897771]],
                       [[0.880958165595535, 1.271016311881151, 2.525741268224332, 3.9810636632751537],
                        [-0.8809581655955352, -1.2710163118811506, -2.5257412682243325, -3.9810636632751537]],
                       'LogSoftmaxBackward0'],
 'Mish()': [[[-0.10409575448637122, -0.3088357963148626, -0.15113317713833455, 0.030797713339453456],
             [0.2890305340723631, 0.9708415798947235, 2.6786701114408404, 6.499970703939837]],
            [[-0.07276041344326706, -0.004017522787058064, 1.2255326308071064, 2.5274282789832134],
             [4.185087512708981, 6.390060651935377, 7.223408466120765, 8.000431975558834]],
            'MishBackward0'],
 'ReLU()': [[[0.0, 0.0, 0.0, 0.05], [0.4, 1.1, 2.7, 6.5]], [[0.0, 0.0, 0.0, 4.0], [5.0, 6.0, 7.0, 8.0]],
            'ReluBackward0'],
 'ReLU6()': [[[0.0, 0.0, 0.0, 0.05], [0.4, 1.1, 2.7, 6.0]], [[0.0, 0.0, 0.0, 4.0], [5.0, 6.0, 7.0, 0.0]],
             'HardtanhBackward0'],
 'SELU()': [[[-1.705009340957283, -1.2285699954174891, -0.45566731537912203, 0.05253504936777403],
             [0.4202803949421922, 1.1557710860910286, 2.8368926658597973, 6.829556417810623]],
            [[0.05308999989009366, 1.0590586908597752, 3.907296076404764, 4.202803949421922],
             [5.253504936777402, 6.304205924132883, 7.354906911488364, 8.405607898843844]],
            'EluBackward0'],
 'SiLU()': [[[-0.10259280762974712, -0.2777702598011788, -0.1276672449565023, 0.025624869824210517],
             [0.2394750640449808, 0.8252861161546294, 2.52997193864611, 6.490242315331209]],
            [[-0.07027335282771814, 0.03600377544963104, 1.0566599690433518, 2.0999583489530647],
             [3.473959792045318, 5.7382018385843425, 7.674432273547023, 8.065934834791696]],
            'SiluBackward0'],
 'Sigmoid()': [[[0.02931223075135632, 0.23147521650098238, 0.425557483188341, 0.5124973964842103],
                [0.598687660112452, 0.7502601055951177, 0.9370266439430035, 0.998498817743263]],
               [[0.02845302387973556, 0.3557888812936114, 0.7333749350722375, 0.9993752603244658],
                [1.2013037287076458, 1.1242192772851232, 0.4130539873874067, 0.011991429668552546]],
               'SigmoidBackward0'],
 'Softmax(dim=1)': [[[0.014220699251917863, 0.14183984897367594, 0.34886973382168524, 0.49506971795272103],
                     [0.002179381845726295, 0.004388736092443328, 0.021737552167984932, 0.9716943298938455]],
                    [[-0.03306011766295409, -0.1879077965742709, -0.11330886724303871, 0.3342767814802633],
                     [-0.006457392531393899, -0.008614855600850761, -0.020932106954510765, 0.036004355086754765]],
                    'SoftmaxBackward0'],
 'Softmax2d()': [[[[[0.01984030573407751, 0.09112296101485615], [0.04742587317756679, 0.001578028060403861]],
                   [[0.9801596942659225, 0.9088770389851438], [0.9525741268224334, 0.9984219719395961]]]],
                 [[-0.07778667200982337, -0.33127826796296456, -0.1807066389236486, -0.006302151551377756],
                  [0.0777866720098232, 0.3312782679629651, 0.18070663892364758, 0.006302151551377743]],
                 'SoftmaxBackward0'],
 'Softmin(dim=1)': [[[0.8548866739238213, 0.08570994944163589, 0.03484706498086984, 0.024556311653673054],
                     [0.625356838291789, 0.31054301552116337, 0.0626975535212831, 0.001402592665764357]],
                    [[0.19583146733568127, -0.06607611296202047, -0.06171160774481988, -0.06804374662884076],
                     [0.27524824876193316, -0.17385878029166535, -0.09779903588496815, -0.0035904325852999333]],
                    'SoftmaxBackward0'],
 'Softplus()': [[[0.029750418272620566, 0.26328246733803123, 0.5543552444685271, 0.7184596480132863],
                 [0.9130152523999526, 1.3873353251154308, 2.765043561776591, 6.501502310159754]],
                [[0.029312230751356316, 0.46295043300196476, 1.2766724495650232, 2.0499895859368413],
                 [2.9934383005622602, 4.501560633570705, 6.559186507601025, 7.987990541946104]],
                'SoftplusBackward0'],
 'Softplus(2.0, 5.0)': [[[0.00045573322688712237, 0.04341807607697484, 0.2187439752429428, 0.3721983300367855],
                         [0.5855503329738889, 1.152541659884348, 2.7, 6.5]],
                        [[0.0009110511944006454, 0.16634539298784476, 1.0630310813226134, 2.09991674991576],
                         [3.4498724056380623, 5.401497065281889, 7.0, 8.0]],
                        'SoftplusBackward0'],
 'Softshrink(1.0)': [[[-2.5, -0.19999999999999996, 0.0, 0.0], [0.0, 0.10000000000000009, 1.7000000000000002, 5.5]],
                     [[1.0, 2.0, 0.0, 0.0], [0.0, 6.0, 7.0, 8.0]], 'SoftshrinkBackward0'],
 'Softsign()': [[[-0.7777777777777778, -0.5454545454545454, -0.23076923076923075, 0.047619047619047616],
                 [0.28571428571428575, 0.5238095238095238, 0.7297297297297297, 0.8666666666666667]],
                [[0.04938271604938271, 0.41322314049586784, 1.7751479289940826, 3.6281179138321993],
                 [2.5510204081632653, 1.360544217687075, 0.5113221329437547, 0.14222222222222214]],
                'DivBackward0'],
 'Tanh()': [[[-0.9981778976111987, -0.8336546070121552, -0.2913126124515909, 0.04995837495787998],
             [0.3799489622552249, 0.8004990217606297, 0.9910074536781176, 0.9999954793514042]],
            [[0.0036408847204873578, 0.6100399924148181, 2.7454108854798873, 3.9900166430862716],
             [4.278193930405888, 2.1552078969616493, 0.1253295872808952, 7.233021404262682e-05]],
            'TanhBackward0'],
 'Tanhshrink()': [[[-2.501822102388801, -0.36634539298784474, -0.008687387548409087, 4.162504212002621e-05],
                   [0.020051037744775124, 0.2995009782393704, 1.7089925463218827, 5.500004520648596]],
                  [[0.9963591152795126, 1.389960007585182, 0.2545891145201127, 0.009983356913728425],
                   [0.7218060695941118, 3.8447921030383507, 6.874670412719105, 7.999927669785957]],
                  'SubBackward0'],
 'Threshold(0.5, -1.0)': [[[-1.0, -1.0, -1.0, -1.0], [-1.0, 1.1, 2.7, 6.5]],
                          [[0.0, 0.0, 0.0, 0.0], [0.0, 6.0, 7.0, 8.0]], 'ThresholdBackward0']}


@pytest.mark.parametrize('ctor', sorted(EXPECTED))
def test_values_and_gradients_match_pytorch(ctor):
    y_exp, g_exp, node = EXPECTED[ctor]
    m = eval('nn.' + ctor)
    x = ember.tensor(X0, dtype=ember.float64, requires_grad=True)
    xi = x.reshape(1, 2, 2, 2) if ctor == 'Softmax2d()' else x
    y = m(xi)
    w = ember.arange(1., y.numel() + 1, dtype=ember.float64).reshape(y.shape)
    (y * w).sum().backward()
    np.testing.assert_allclose(y.detach().numpy(), y_exp, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(x.grad.numpy(), g_exp, rtol=1e-12, atol=1e-12)
    assert y.grad_fn.name() == node


def test_prelu_per_channel_matches_pytorch():
    m = nn.PReLU(2, 0.1).double()
    assert m.weight.tolist() == pytest.approx([0.1, 0.1])
    with ember.no_grad():
        m.weight.copy_(ember.tensor([0.1, 0.3]))
    x = ember.tensor([[[-1.0, 2.0], [-3.0, 0.5]], [[0.7, -0.2], [-1.5, 4.0]]], dtype=ember.float64,
                     requires_grad=True)
    y = m(x)
    (y * ember.arange(1., 9, dtype=ember.float64).reshape(2, 2, 2)).sum().backward()
    y_exp, gx_exp, gw_exp = [[[[-0.10000000149011612, 2.0], [-0.9000000357627869, 0.5]], [[0.7, -0.020000000298023225], [-0.45000001788139343, 4.0]]], [[[0.10000000149011612, 2.0], [0.9000000357627869, 4.0]], [[5.0, 0.6000000089406967], [2.1000000834465027, 8.0]]], [-2.2, -19.5]]
    np.testing.assert_allclose(y.detach().numpy(), y_exp, rtol=1e-12)
    np.testing.assert_allclose(x.grad.numpy(), gx_exp, rtol=1e-12)
    np.testing.assert_allclose(m.weight.grad.numpy(), gw_exp, rtol=1e-12)
    assert y.grad_fn.name() == 'PreluKernelBackward0'
    with pytest.raises(RuntimeError, match="Mismatch of parameter numbers and input channel size. Found parameter "
                                           "numbers = 2 and channel size = 3."):
        m(ember.zeros(1, 3, dtype=ember.float64))


def test_huge_logits_stay_finite_like_pytorch():
    big = ember.tensor([-1e30, -1e4, -50., 0., 50., 1e4, 1e30])
    rows = ember.stack([big, big.flip(0)])
    lsm, sp, ls, sm = [[[-2.0000000300949324e+30, -1.0000000150474662e+30, -1.0000000150474662e+30, -1.0000000150474662e+30, -1.0000000150474662e+30, -1.0000000150474662e+30, 0.0], [0.0, -1.0000000150474662e+30, -1.0000000150474662e+30, -1.0000000150474662e+30, -1.0000000150474662e+30, -1.0000000150474662e+30, -2.0000000300949324e+30]], [0.0, 0.0, 1.9287498933537385e-22, 0.6931471824645996, 50.0, 10000.0, 1.0000000150474662e+30], [-1.0000000150474662e+30, -10000.0, -50.0, -0.6931471824645996, -1.9287498933537385e-22, 0.0, 0.0], [[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0], [1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]]
    np.testing.assert_allclose(F.log_softmax(rows, 1).numpy(), lsm, rtol=1e-6)
    np.testing.assert_allclose(F.softplus(big).numpy(), sp, rtol=1e-6, atol=1e-30)
    np.testing.assert_allclose(F.logsigmoid(big).numpy(), ls, rtol=1e-6, atol=1e-30)
    np.testing.assert_allclose(F.softmax(rows, 1).numpy(), sm)
    x = big.clone().requires_grad_()
    F.logsigmoid(x).sum().backward()
    assert np.isfinite(x.grad.numpy()).all()
    x.grad = None
    F.softplus(x).sum().backward()
    assert np.isfinite(x.grad.numpy()).all()


REPRS = [
    ('ReLU()', 'ReLU()'), ('ReLU(True)', 'ReLU(inplace=True)'), ('ReLU6(True)', 'ReLU6(inplace=True)'),
    ('LeakyReLU()', 'LeakyReLU(negative_slope=0.01)'),
    ('LeakyReLU(0.2, True)', 'LeakyReLU(negative_slope=0.2, inplace=True)'), ('ELU()', 'ELU(alpha=1.0)'),
    ('ELU(0.5, True)', 'ELU(alpha=0.5, inplace=True)'), ('SELU(True)', 'SELU(inplace=True)'),
    ('CELU(2., True)', 'CELU(alpha=2.0, inplace=True)'), ('GELU()', "GELU(approximate='none')"),
    ("GELU('tanh')", "GELU(approximate='tanh')"), ('SiLU(True)', 'SiLU(inplace=True)'), ('Mish()', 'Mish()'),
    ('Hardtanh()', 'Hardtanh(min_val=-1.0, max_val=1.0)'),
    ('Hardtanh(-2, 2, True)', 'Hardtanh(min_val=-2, max_val=2, inplace=True)'), ('Hardsigmoid(True)', 'Hardsigmoid()'),
    ('Hardswish(True)', 'Hardswish()'), ('Softplus()', 'Softplus(beta=1.0, threshold=20.0)'),
    ('Softplus(2, 10)', 'Softplus(beta=2, threshold=10)'), ('Threshold(0.1, 20)', 'Threshold(threshold=0.1, value=20)'),
    ('Threshold(0.1, 20, True)', 'Threshold(threshold=0.1, value=20, inplace=True)'),
    ('PReLU()', 'PReLU(num_parameters=1)'), ('PReLU(3, 0.1)', 'PReLU(num_parameters=3)'),
    ('Softmax()', 'Softmax(dim=None)'), ('Softmax(1)', 'Softmax(dim=1)'), ('LogSoftmax(dim=1)', 'LogSoftmax(dim=1)'),
    ('Softmin(1)', 'Softmin(dim=1)'), ('GLU()', 'GLU(dim=-1)'), ('LogSigmoid()', 'LogSigmoid()'),
    ('Softshrink()', 'Softshrink(0.5)'), ('Hardshrink()', 'Hardshrink(0.5)'), ('Softmax2d()', 'Softmax2d()'),
    ('RReLU()', 'RReLU(lower=0.125, upper=0.3333333333333333)'), ('Sigmoid()', 'Sigmoid()'), ('Tanh()', 'Tanh()'),
    ('Softsign()', 'Softsign()'), ('Tanhshrink()', 'Tanhshrink()'),
]


@pytest.mark.parametrize('ctor,text', REPRS)
def test_repr_matches_pytorch(ctor, text):
    assert repr(eval('nn.' + ctor)) == text


@pytest.mark.parametrize('fn,name', [(F.softmax, 'softmax'), (F.log_softmax, 'log_softmax'), (F.softmin, 'softmin')])
def test_implicit_dim_warns_and_picks_pytorchs_dim(fn, name):
    x = ember.tensor([[1., 2., 3.], [1., 1., 1.]])
    with pytest.warns(UserWarning, match=f"Implicit dimension choice for {name} has been deprecated. Change the call "
                                         "to include dim=X as an argument."):
        y = fn(x)
    assert ember.allclose(y, fn(x, 1))          # 2-D: dim 1
    with pytest.warns(UserWarning):
        y3 = fn(ember.ones(2, 3, 4))
    assert ember.allclose(y3, fn(ember.ones(2, 3, 4), 0))   # 0-, 1- and 3-D: dim 0
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        fn(x, dim=1)


def test_softmax_module_without_dim_warns_once_per_call():
    with pytest.warns(UserWarning, match='Implicit dimension choice for softmax'):
        nn.Softmax()(ember.ones(2, 3))


@pytest.mark.parametrize('fn,args', [(F.relu, ()), (F.leaky_relu, (0.1,)), (F.elu, (1.0,)), (F.selu, ()),
                                     (F.celu, (1.0,)), (F.hardtanh, (-1., 1.)), (F.relu6, ()), (F.silu, ()),
                                     (F.mish, ()), (F.hardsigmoid, ()), (F.hardswish, ()),
                                     (F.threshold, (0.1, 5.0)), (F.rrelu, ())])
def test_inplace_writes_into_the_input(fn, args):
    x = ember.tensor([-2.0, -0.5, 0.3, 4.0])
    expected = fn(x.clone(), *args)
    out = fn(x, *args, inplace=True)
    assert out is x
    assert ember.equal(x, expected)


def test_inplace_modules_keep_the_graph():
    a = ember.tensor([-2.0, 0.5, 3.0], requires_grad=True)
    h = a * 2
    nn.ReLU(inplace=True)(h)
    h.sum().backward()
    assert a.grad.tolist() == [0.0, 2.0, 2.0]


def test_relu_backward_is_lean_and_twice_differentiable():
    x = ember.tensor([-1.0, 2.0, 3.0], dtype=ember.float64, requires_grad=True)
    y = F.relu(x)
    (g,) = ember.autograd.grad((y * y).sum(), x, create_graph=True)
    assert g.tolist() == [0.0, 4.0, 6.0]
    (gg,) = ember.autograd.grad(g.sum(), x)
    assert gg.tolist() == [0.0, 2.0, 2.0]


# PyTorch 2.13's relu is ``x < 0 ? 0 : x``: -0 stays -0 (its printed value too), NaNs pass as they are
# (bit patterns below from the oracle: relu of -0, +0, -1, 2, inf, -inf, the smallest subnormals, +/-NaN)
_RELU_IN = {'float32': [0x80000000, 0x00000000, 0xBF800000, 0x40000000, 0x7F800000, 0xFF800000, 0x00000001,
                        0x80000001, 0x7FC00000, 0xFFC00001],
            'float64': [0x8000000000000000, 0, 0xBFF0000000000000, 0x4000000000000000, 0x7FF0000000000000,
                        0xFFF0000000000000, 1, 0x8000000000000001, 0x7FF8000000000000, 0xFFF8000000000001]}
_RELU_OUT = {'float32': [0x80000000, 0, 0, 0x40000000, 0x7F800000, 0, 1, 0, 0x7FC00000, 0xFFC00001],
             'float64': [0x8000000000000000, 0, 0, 0x4000000000000000, 0x7FF0000000000000, 0, 1, 0,
                         0x7FF8000000000000, 0xFFF8000000000001]}


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
@pytest.mark.parametrize('repeat', [1, 40, 2000])     # (maximum's short and long arrays, and the bit masking past them)
def test_relu_keeps_negative_zero_and_nans_as_pytorch(dtype, repeat):
    uint = np.uint32 if dtype == 'float32' else np.uint64
    x = np.array(_RELU_IN[dtype] * repeat, uint).view(dtype)
    want = np.array(_RELU_OUT[dtype] * repeat, uint)
    for got in (ember.relu(ember.from_numpy(x.copy())), F.relu(ember.from_numpy(x.copy())), nn.ReLU()(ember.from_numpy(x.copy())),
                ember.from_numpy(x.copy()).relu_(), F.relu(ember.from_numpy(x.copy()), inplace=True)):
        assert got.numpy().view(uint).tolist() == want.tolist()
    assert str(ember.relu(ember.tensor([-0.0, -1.0, 2.0]))) == 'tensor([-0., 0., 2.])'
    y = ember.from_numpy(x.copy()).requires_grad_()
    ember.relu(y).sum().backward()      # (-0 is not above zero: no gradient, as PyTorch's threshold_backward)
    assert y.grad.numpy().tolist()[:4] == [0.0, 0.0, 0.0, 1.0]


@pytest.mark.parametrize('dtype', ['float16', 'bfloat16'])
def test_relu_keeps_negative_zero_in_half_types(dtype):
    x = ember.tensor([-0.0, 0.0, -1.5, 2.5] * 80, dtype=getattr(ember, dtype))
    for got in (ember.relu(x[:4]), ember.relu(x), x.clone().relu_()):
        assert ember.signbit(got).tolist() == [True, False, False, False] * (got.numel() // 4)
        assert got.float().tolist() == [0.0, 0.0, 0.0, 2.5] * (got.numel() // 4)


def test_gelu_rejects_unknown_approximation():
    with pytest.raises(RuntimeError, match='approximate argument must be either none or tanh'):
        F.gelu(ember.ones(2), approximate='erf')


def test_glu_needs_an_even_dimension():
    with pytest.raises(RuntimeError, match='Halving dimension must be even, but dimension 1 is size 3'):
        F.glu(ember.ones(2, 3))


def test_rrelu_training_draws_slopes_in_range():
    m = nn.RReLU(0.1, 0.3)
    x = -ember.ones(1000)
    y = m(x)
    assert ((-y >= 0.1) & (-y <= 0.3)).all()
    assert y.unique().numel() > 10
    m.eval()
    assert ember.allclose(m(x), x * 0.2)


def test_softmax2d_rejects_2d_input():
    with pytest.raises(ValueError, match='Softmax2d: expected input to be 3D or 4D, got 2D instead'):
        nn.Softmax2d()(ember.ones(2, 3))


def test_sigmoid_family_keeps_tiny_tails_like_pytorch():
    # float32 values recorded from PyTorch 2.13: the tails are not rounded to zero
    x = ember.tensor([-1e30, -100., -50., 0., 50., 1e30], requires_grad=True)
    assert ember.sigmoid(x).tolist() == [0.0, 0.0, 1.9287498933537385e-22, 0.5, 1.0, 1.0]
    y = F.silu(x)
    y.sum().backward()
    assert y.tolist()[2] == -9.643749794934829e-21
    assert x.grad.tolist()[2] == -9.450874540542191e-21


@pytest.mark.parametrize('dtype', [np.float32, np.float64])
@pytest.mark.parametrize('slope', [0.2, 0.01, 1.0, 0.0, 1e-30, 3.0, -0.5])
def test_leaky_relu_and_its_gradient_bit_for_bit_as_where(dtype, slope):
    # the forward takes max(x, x * slope) and the backward picks its factor by bits where they give
    # the same values; signed zeros, infinities, NaN and subnormals included
    tiny = np.finfo(dtype).smallest_subnormal
    x = np.concatenate([np.array([0., -0., np.inf, -np.inf, np.nan, tiny, -tiny, 3.], dtype),
                        np.random.default_rng(0).standard_normal(200).astype(dtype)])
    g = np.random.default_rng(1).standard_normal(x.shape).astype(dtype)
    g[:3] = [np.inf, -np.inf, np.nan]
    t = ember.tensor(x, requires_grad=True)
    y = F.leaky_relu(t, slope)
    y.backward(ember.tensor(g))
    with np.errstate(invalid='ignore'):
        want_y = np.where(x > 0, x, x * slope)
        f = np.where(x > 0, 1.0, slope).astype(dtype)
        want_g = np.where(f != 0, g * f, dtype(0))
    assert y.dtype == t.dtype and t.grad.dtype == t.dtype
    np.testing.assert_array_equal(y.detach().numpy().view(np.uint8), want_y.view(np.uint8))
    np.testing.assert_array_equal(t.grad.numpy().view(np.uint8), want_g.view(np.uint8))


def test_hardtanh_and_relu6_keep_integer_dtypes():
    # PyTorch 2.13: integer inputs are clamped to the limits cast to their type (truncated), the dtype kept
    assert F.hardtanh(ember.tensor([-3, 0, 2])).tolist() == [-1, 0, 1]
    out = F.hardtanh(ember.tensor([-3, 0, 2]), -1.7, 2.9)
    assert out.dtype == ember.int64 and out.tolist() == [-1, 0, 2]
    assert F.relu6(ember.tensor([-3, 0, 7], dtype=ember.int8)).dtype == ember.int8
    assert nn.ReLU6()(ember.tensor([8, -1])).tolist() == [6, 0]
    x = ember.tensor([-3, 0, 2])
    F.hardtanh(x, inplace=True)
    assert x.tolist() == [-1, 0, 1]
    assert F.hardtanh(ember.tensor([253, 0, 2], dtype=ember.uint8), 0., 1.5).tolist() == [1, 0, 1]
    for make, text in [(lambda: F.hardtanh(ember.tensor([1], dtype=ember.uint8)),
                        'cannot do hardtanh on an unsigned type with negative limits'),
                       (lambda: F.hardtanh(ember.tensor([True, False])), 'Bool inputs not supported for hardtanh'),
                       (lambda: F.hardtanh(ember.tensor([1], dtype=ember.int32), 0., 1e10),
                        'value cannot be converted to type int without overflow'),
                       (lambda: F.hardtanh(ember.tensor([1], dtype=ember.int8), 0., 1000.),
                        'value cannot be converted to type int8_t without overflow'),
                       (lambda: F.hardtanh(ember.tensor([1], dtype=ember.int8), 0., 1e20),
                        'value cannot be converted to type int64_t without overflow')]:
        with pytest.raises(RuntimeError, match=f'^{text}$'):
            make()


# F.threshold is a Python function named ``_threshold`` in PyTorch (Python's own binding errors name it so);
# ember.threshold and threshold_ are C-bound there: PyTorch's argument parser words their errors (recorded, 2.13)
THRESHOLD_ERRORS = [
    (lambda x: F.threshold(x, 1.0), "_threshold() missing 1 required positional argument: 'value'"),
    (lambda x: F.threshold(x), "_threshold() missing 2 required positional arguments: 'threshold' and 'value'"),
    (lambda x: F.threshold(x, th=1.0, value=2.), "_threshold() got an unexpected keyword argument 'th'"),
    (lambda x: F.threshold(x, 1, 2, 3, 4), '_threshold() takes from 3 to 4 positional arguments but 5 were given'),
    (lambda x: F.threshold(x, '1', 0.), "threshold(): argument 'threshold' (position 2) must be Number, not str"),
    (lambda x: ember.threshold(x, 1.0), 'threshold() missing 1 required positional arguments: "value"'),
    (lambda x: ember.threshold(x), 'threshold() missing 2 required positional argument: "threshold", "value"'),
    (lambda x: ember.threshold(x, value=1.),
     'threshold() missing 2 required positional argument: "threshold", "value"'),
    (lambda x: ember.threshold_(x, 1.), 'threshold_() missing 1 required positional arguments: "value"'),
    (lambda x: F.threshold_(x, 1.), 'threshold_() missing 1 required positional arguments: "value"'),
    (lambda x: ember.threshold(x, 1., 2., 3.), 'threshold() takes 3 positional arguments but 4 were given'),
    (lambda x: nn.Threshold(1.0), "Threshold.__init__() missing 1 required positional argument: 'value'"),
]


@pytest.mark.parametrize('call,message', THRESHOLD_ERRORS, ids=[str(i) for i in range(len(THRESHOLD_ERRORS))])
def test_threshold_argument_errors_match_pytorch(call, message):
    x = ember.tensor([-1., 0.5, 2.])
    with pytest.raises(TypeError) as info:
        call(x)
    assert str(info.value) == message
    assert x.tolist() == [-1., 0.5, 2.]


def test_threshold_keywords_and_saved_name():
    import io
    import zipfile
    x = ember.tensor([-1., 0.5, 2.])
    assert F.threshold(x, threshold=1.0, value=0.0, inplace=False).tolist() == [0., 0., 2.]
    assert F.threshold.__name__ == '_threshold' and F._threshold is F.threshold
    buffer = io.BytesIO()
    ember.save({'f': F.threshold}, buffer)      # PyTorch writes torch.nn.functional._threshold
    pickled = zipfile.ZipFile(io.BytesIO(buffer.getvalue())).read('archive/data.pkl')
    assert b'torch.nn.functional\n_threshold\n' in pickled
    buffer.seek(0)
    assert ember.load(buffer, weights_only=False)['f'] is F.threshold


def test_relu_checks_numpy_maximum_before_trusting_it(monkeypatch):
    """relu takes np.maximum(0, x) only where a check says it keeps -0 and NaNs as PyTorch's relu: a
    maximum that turned -0 into +0 is caught and the masking path used instead."""
    from ember.ops import activation
    real = np.maximum

    def plus_zero_maximum(a, b, *args, **kwargs):
        return real(b, a, *args, **kwargs)     # NumPy's other operand order: -0 becomes +0

    monkeypatch.setattr(activation.np, 'maximum', plus_zero_maximum)
    assert not activation._check_maximum_keeps_negative_zero()
    monkeypatch.setattr(activation.np, 'maximum', real)
    assert activation._check_maximum_keeps_negative_zero()
    monkeypatch.setattr(activation, '_MAXIMUM_IS_RELU', [False])
    x = ember.tensor([-0.0, -1.0, 2.0, float('nan')])
    assert ember.signbit(ember.relu(x)).tolist() == [True, False, False, False]
