"""SGD (sgd.py): trajectories, state dicts, repr and errors against PyTorch 2.13's recorded values."""
import pytest

import ember
from tests.optim._shared import PytorchParity

OPT = ember.optim.SGD

CONFIGS = {
    'momentum': ({'lr': 0.001},
                 [{'lr': 0.002, 'momentum': 0.9},
                  {'lr': 0.01, 'momentum': 0.5, 'dampening': 0.3, 'weight_decay': 0.1}]),
    'plain': ({'lr': 0.001}, [{}, {'lr': 0.01}]),
    'nesterov': ({'lr': 0.001, 'momentum': 0.9, 'nesterov': True}, [{'weight_decay': 0.05}, {'lr': 0.005}]),
    'maximize': ({'lr': 0.001, 'maximize': True, 'weight_decay': 0.1}, [{}, {'momentum': 0.8}]),
}
# PyTorch 2.13: the flattened parameters (w1, then w2) after each of 5 steps
EXPECTED = {
    'momentum': [
        [0.76, -1.308, 0.642, 0.25,
         0.30143, -0.69387, 1.18352, 0.10189000000000001],
        [0.43031552, -0.48869807103999996, 0.80565781696, 0.25648656,
         0.30324070339666054, -0.6864823979319947, 1.1643454984525885, 0.10425469255133113],
        [0.1126801049631049, 0.25942246113784484, 0.9057499713586168, 0.27802838232115007,
         0.305343576320794, -0.6784385055195448, 1.144498660949357, 0.10696110955201521],
        [-0.1674184031730025, 0.9432252441819704, 0.9233728969877537, 0.3191102075419846,
         0.3076848841849073, -0.6700528640819228, 1.1249829165678378, 0.10993377154342755],
        [-0.4270950434345048, 1.524809857542596, 0.8987819825918391, 0.37742414221471854,
         0.31022057711307505, -0.6615008488895189, 1.1062555315841818, 0.11311816680257454],
    ],
    'plain': [
        [0.88, -1.654, 0.571, 0.25,
         0.30173, -0.6945699999999999, 1.18472, 0.10199000000000001],
        [0.79476032, -1.45690638944, 0.6134155435599999, 0.25152082,
         0.3035779020121228, -0.68909660341813, 1.1702143264530995, 0.10410199104089402],
        [0.7287749213991392, -1.3222733358171281, 0.6413107909826706, 0.2540159761816202,
         0.30552217368446416, -0.6836003520668459, 1.1564134407744444, 0.10631475695261595],
        [0.6752893156295016, -1.2220057247341625, 0.6601358964934485, 0.2571612472706042,
         0.3075439872950489, -0.6780988234674572, 1.1432558154251555, 0.10860973999208819],
        [0.630612740503202, -1.143276131615367, 0.6727623763724079, 0.2607336103619763,
         0.309626887645342, -0.6726070173066978, 1.13068686043191, 0.11097071392013008],
    ],
    'nesterov': [
        [0.771905, -1.3424099999999999, 0.6348525, 0.24997625,
         0.3016435, -0.6948415, 1.185484, 0.10189050000000001],
        [0.5617510768821607, -0.8603042468884263, 0.7306385300186615, 0.2557587122329875,
         0.30409405778598847, -0.6874447123846101, 1.165478805770362, 0.10469704745743982],
        [0.37750838038933476, -0.46952780786769244, 0.7845791645888777, 0.26876158412861567,
         0.30735383211200273, -0.6780130297455114, 1.1411296335119154, 0.10841470744756045],
        [0.21947579532811504, -0.1339195394048139, 0.7984454414098912, 0.28862332403095,
         0.31142095181066376, -0.6667428384752628, 1.1135054666320032, 0.11303626920216504],
        [0.08436865052176148, 0.16727731847569852, 0.7803814809098956, 0.31349900149108,
         0.31628188027019943, -0.6538296741530474, 1.0835713146246995, 0.1185444774688877],
    ],
    'maximize': [
        [1.1199000000000001, -2.3458, 0.42895, 0.249975,
         0.299797, -0.7004729999999999, 1.201408, 0.099791],
        [1.2812923353439603, -2.90034393531648, 0.325156420592695, 0.25126954045,
         0.29943261152707973, -0.7013240024799366, 1.2039493948996618, 0.09941586064309517],
        [1.5145147490341142, -3.936880191060787, 0.16014447975145968, 0.2541552703479019,
         0.29894095231143697, -0.702476674301688, 1.2074101812084415, 0.09890973787867241],
        [1.892847878224773, -6.48646646126438, -0.1497926472164524, 0.25870003513992784,
         0.2983500143032454, -0.7038696493051032, 1.2116238477000854, 0.0983014847349819],
        [2.656833409390396, -17.65757025952385, -0.9951424356497425, 0.2633994090960102,
         0.2976827972397057, -0.7054535508362518, 1.2164611329059112, 0.09761481337155056],
    ],
}
REPR = (
    'SGD (\n'
    'Parameter Group 0\n'
    '    dampening: 0\n'
    '    differentiable: False\n'
    '    foreach: None\n'
    '    fused: None\n'
    '    lr: 0.002\n'
    '    maximize: False\n'
    '    momentum: 0.9\n'
    '    nesterov: False\n'
    '    weight_decay: 0\n'
    '\n'
    'Parameter Group 1\n'
    '    dampening: 0.3\n'
    '    differentiable: False\n'
    '    foreach: None\n'
    '    fused: None\n'
    '    lr: 0.01\n'
    '    maximize: False\n'
    '    momentum: 0.5\n'
    '    nesterov: False\n'
    '    weight_decay: 0.1\n'
    ')'
)
STATE_KEYS = {0: ['momentum_buffer'], 1: ['momentum_buffer']}
GROUPS = [{'lr': 0.002,
            'momentum': 0.9,
            'dampening': 0,
            'weight_decay': 0,
            'nesterov': False,
            'maximize': False,
            'foreach': None,
            'differentiable': False,
            'fused': None,
            'params': [0]},
           {'lr': 0.01,
            'momentum': 0.5,
            'dampening': 0.3,
            'weight_decay': 0.1,
            'nesterov': False,
            'maximize': False,
            'foreach': None,
            'differentiable': False,
            'fused': None,
            'params': [1]}]
STEP_DTYPES = {}
ERRORS = [
    (dict(lr=-0.1), "Invalid learning rate: -0.1"),
    (dict(lr=0.1, momentum=-1), "Invalid momentum value: -1"),
    (dict(lr=0.1, weight_decay=-1), "Invalid weight_decay value: -1"),
    (dict(lr=0.1, nesterov=True), "Nesterov momentum requires a momentum and zero dampening"),
    (dict(lr=0.1, momentum=0.9, dampening=0.1, nesterov=True),
     "Nesterov momentum requires a momentum and zero dampening"),
]


class TestPytorchParity(PytorchParity):
    OPT, CONFIGS, EXPECTED, REPR = OPT, CONFIGS, EXPECTED, REPR
    STATE_KEYS, GROUPS, STEP_DTYPES, ERRORS = STATE_KEYS, GROUPS, STEP_DTYPES, ERRORS


def test_seed001_session_prints_what_pytorch_prints():
    """Seed 001: the TypeError, one step by hand, then 20 epochs at lr 0.1, 10 (diverging to inf), 0.25."""
    import contextlib
    import io
    import pathlib
    import runpy
    import sys
    here = pathlib.Path(__file__).parent
    out = io.StringIO()
    saved = sys.modules.get('torch')
    sys.modules['torch'] = ember
    try:
        with contextlib.redirect_stdout(out):
            runpy.run_path(str(here / 'seed001_sgd.py'), run_name='__main__')
    finally:
        if saved is None:
            del sys.modules['torch']
        else:
            sys.modules['torch'] = saved
    assert out.getvalue() == (here / 'seed001_sgd.out').read_text()


def test_single_step_by_hand():
    a = ember.tensor([10., 10], requires_grad=True)
    opt = ember.optim.SGD([a], lr=0.1)
    loss = (a[0] - 3) ** 2 + (a[1] + 2) ** 2 + 8
    opt.zero_grad()
    loss.backward()
    opt.step()
    assert a.tolist() == pytest.approx([8.6, 7.6]) and a.dtype == ember.float32 and a.requires_grad


def test_momentum_buffer_is_the_first_gradient_then_accumulates():
    a = ember.tensor([1., 2.], dtype=ember.float64, requires_grad=True)
    opt = OPT([a], lr=0.1, momentum=0.9, dampening=0.5)
    a.grad = ember.tensor([1., -1.], dtype=ember.float64)
    opt.step()
    assert opt.state[a]['momentum_buffer'].tolist() == [1., -1.]   # no dampening on the first step
    opt.step()
    assert opt.state[a]['momentum_buffer'].tolist() == pytest.approx([1.4, -1.4])
    assert a.tolist() == pytest.approx([1 - 0.1 - 0.14, 2 + 0.1 + 0.14])


def test_default_lr_and_float32_update():
    a = ember.tensor([1., 2.], requires_grad=True)
    opt = OPT([a])
    assert opt.defaults['lr'] == 1e-3
    a.grad = ember.tensor([1000., 2000.])
    opt.step()
    # PyTorch's values: p + (-lr) * g is one fused multiply-add, so float32(1e-3) * 1000 being a little
    # above 1 shows (two roundings would give exactly 0)
    assert a.tolist() == [-4.7497451305389404e-08, -9.499490261077881e-08] and a.dtype == ember.float32
