"""Adadelta (adadelta.py): trajectories, state dicts, repr and errors against PyTorch 2.13's recorded values."""
import pytest

import ember
from tests.optim._shared import PytorchParity

OPT = ember.optim.Adadelta

CONFIGS = {
    'default': ({}, [{}, {'rho': 0.5, 'lr': 0.5, 'weight_decay': 0.1}]),
    'maximize': ({'lr': 2.0, 'maximize': True}, [{'eps': 0.001}, {'rho': 0.95}]),
}
# PyTorch 2.13: the flattened parameters (w1, then w2) after each of 5 steps
EXPECTED = {
    'default': [
        [0.9968377223409296, -1.9968377223399636, 0.5031622776570318, 0.25,
         0.3007070722046832, -0.6992928951005651, 1.1992928934791711, 0.10070708698674939],
        [0.9936031235460073, -1.9936017729803166, 0.5063983105766388, 0.25315835699845457,
         0.30151751071128774, -0.6984781605197832, 1.1984764460255917, 0.10151928551268743],
        [0.9903258199998146, -1.990321249598855, 0.5096808682101411, 0.2564498908923887,
         0.302401232828503, -0.6975830513008457, 1.1975768437083336, 0.1024077004096858],
        [0.9870205300567285, -1.9870105995163208, 0.5129958415548929, 0.25982559661701543,
         0.3033433437680873, -0.6966203160305385, 1.1966060842812483, 0.10335836672024462],
        [0.983696033161141, -1.9836784410311556, 0.5163348126886631, 0.2632554610254163,
         0.30433446113738866, -0.6955975270312873, 1.1955711599817287, 0.10436271310830834],
    ],
    'maximize': [
        [1.1999999305555917, -2.199999991646898, 0.3000001983730435, 0.25,
         0.2910587150897869, -0.7089439685744983, 1.2089442336014684, 0.09105798583234043],
        [1.437138860880399, -2.4332732342180456, 0.06998979641669073, 0.44990241507233536,
         0.28117831345341093, -0.7183743108521915, 1.2180115273870742, 0.08130465246344737],
        [1.726147488294906, -2.711644585786058, -0.19501624387554173, 0.7175201731370465,
         0.27013500029343157, -0.7284064787748527, 1.2271561606830659, 0.07053485665092368],
        [2.083570271246925, -3.047678479205753, -0.4969004047107272, 1.0386663622840855,
         0.2577644052918556, -0.7391369734650354, 1.2363403029013948, 0.058591930541301775],
        [2.5301513979095853, -3.456571452611856, -0.8424884392532386, 1.389591309852443,
         0.24391362657289098, -0.7506608760533445, 1.245525488133978, 0.04532812772684724],
    ],
}
REPR = (
    'Adadelta (\n'
    'Parameter Group 0\n'
    '    capturable: False\n'
    '    differentiable: False\n'
    '    eps: 1e-06\n'
    '    foreach: None\n'
    '    lr: 1.0\n'
    '    maximize: False\n'
    '    rho: 0.9\n'
    '    weight_decay: 0\n'
    '\n'
    'Parameter Group 1\n'
    '    capturable: False\n'
    '    differentiable: False\n'
    '    eps: 1e-06\n'
    '    foreach: None\n'
    '    lr: 0.5\n'
    '    maximize: False\n'
    '    rho: 0.5\n'
    '    weight_decay: 0.1\n'
    ')'
)
STATE_KEYS = {0: ['step', 'square_avg', 'acc_delta'], 1: ['step', 'square_avg', 'acc_delta']}
GROUPS = [{'lr': 1.0,
            'rho': 0.9,
            'eps': 1e-06,
            'weight_decay': 0,
            'maximize': False,
            'capturable': False,
            'foreach': None,
            'differentiable': False,
            'params': [0]},
           {'rho': 0.5,
            'lr': 0.5,
            'weight_decay': 0.1,
            'eps': 1e-06,
            'maximize': False,
            'capturable': False,
            'foreach': None,
            'differentiable': False,
            'params': [1]}]
STEP_DTYPES = {0: 'float32', 1: 'float32'}
ERRORS = [
    (dict(lr=-1), "Invalid learning rate: -1"),
    (dict(rho=1.5), "Invalid rho value: 1.5"),
    (dict(eps=-1), "Invalid epsilon value: -1"),
    (dict(weight_decay=-1), "Invalid weight_decay value: -1"),
]


class TestPytorchParity(PytorchParity):
    OPT, CONFIGS, EXPECTED, REPR = OPT, CONFIGS, EXPECTED, REPR
    STATE_KEYS, GROUPS, STEP_DTYPES, ERRORS = STATE_KEYS, GROUPS, STEP_DTYPES, ERRORS


def test_first_step_and_state():
    w = ember.tensor([1.], dtype=ember.float64, requires_grad=True)
    opt = OPT([w])
    assert opt.defaults['lr'] == 1.0
    w.grad = ember.tensor([2.], dtype=ember.float64)
    opt.step()
    # delta = sqrt(eps) / sqrt(0.1 g^2 + eps) * g
    expected = 1 - (1e-6) ** 0.5 / (0.4 + 1e-6) ** 0.5 * 2
    assert w.item() == pytest.approx(expected, rel=1e-12)
    assert list(opt.state[w]) == ['step', 'square_avg', 'acc_delta']
