"""RMSprop (rmsprop.py): trajectories, state dicts, repr and errors against PyTorch 2.13's recorded values."""
import numpy as np

import ember
from tests.optim._shared import PytorchParity

OPT = ember.optim.RMSprop

CONFIGS = {
    'default': ({'lr': 0.01}, [{}, {'alpha': 0.9, 'momentum': 0.5, 'centered': True, 'weight_decay': 0.1}]),
    'maximize': ({'lr': 0.01, 'maximize': True}, [{'centered': True}, {'momentum': 0.3, 'eps': 0.01}]),
}
# PyTorch 2.13: the flattened parameters (w1, then w2) after each of 5 steps
EXPECTED = {
    'default': [
        [0.9000000000833334, -1.9000000000289017, 0.5999999998591549, 0.25,
         0.33333332556332734, -0.6666666684792458, 1.1666666673408845, 0.13333332745443963],
        [0.8368044897862084, -1.835736021764202, 0.6636893275125604, 0.34999999545454563,
         0.3490978718571395, -0.6291959239963505, 1.1245832860513012, 0.15932642173460776],
        [0.7885033739204449, -1.786175856264941, 0.7135155556231425, 0.4137172030279189,
         0.3395185939201726, -0.5956451927896379, 1.0819443482401234, 0.1672062470474655],
        [0.7487241330582133, -1.7451062021300532, 0.7547732620957681, 0.4696694570853599,
         0.32285662361322487, -0.5647108940068142, 1.042039862874343, 0.1697064958792732],
        [0.7146120521703522, -1.7097140392950247, 0.7901915318344773, 0.520459616080862,
         0.31331461691664775, -0.5341716196744037, 1.0057905658182473, 0.1786961419796208],
    ],
    'maximize': [
        [1.100503781441746, -2.1005037814967276, 0.3994962186163466, 0.25,
         0.23663003663003665, -0.7844479004665629, 1.2938574938574938, 0.03344481605351173],
        [1.1786839290931237, -2.177821425027798, 0.3226200816383071, 0.35050377593925086,
         0.14138125199408413, -0.8887252845380961, 1.3939083702848856, -0.06211136701342407],
        [1.2465014693030199, -2.244409051006883, 0.2565429599613903, 0.4452209341757094,
         0.03368671814312712, -0.9979646920595967, 1.4852831580291177, -0.16917283483599782],
        [1.3080283762804377, -2.3044903760181645, 0.19744005460277486, 0.5286108186255435,
         -0.07476323753598026, -1.1058605137240543, 1.5669720291833418, -0.2771880830551091],
        [1.3652276185714989, -2.360095522882525, 0.14335478223255976, 0.6028120428029291,
         -0.17883210701423646, -1.2095717111638364, 1.6407748511083635, -0.3812890726089166],
    ],
}
REPR = (
    'RMSprop (\n'
    'Parameter Group 0\n'
    '    alpha: 0.99\n'
    '    capturable: False\n'
    '    centered: False\n'
    '    differentiable: False\n'
    '    eps: 1e-08\n'
    '    foreach: None\n'
    '    lr: 0.01\n'
    '    maximize: False\n'
    '    momentum: 0\n'
    '    weight_decay: 0\n'
    '\n'
    'Parameter Group 1\n'
    '    alpha: 0.9\n'
    '    capturable: False\n'
    '    centered: True\n'
    '    differentiable: False\n'
    '    eps: 1e-08\n'
    '    foreach: None\n'
    '    lr: 0.01\n'
    '    maximize: False\n'
    '    momentum: 0.5\n'
    '    weight_decay: 0.1\n'
    ')'
)
STATE_KEYS = {0: ['step', 'square_avg'], 1: ['step', 'square_avg', 'momentum_buffer', 'grad_avg']}
GROUPS = [{'lr': 0.01,
            'momentum': 0,
            'alpha': 0.99,
            'eps': 1e-08,
            'centered': False,
            'weight_decay': 0,
            'capturable': False,
            'foreach': None,
            'maximize': False,
            'differentiable': False,
            'params': [0]},
           {'alpha': 0.9,
            'momentum': 0.5,
            'centered': True,
            'weight_decay': 0.1,
            'lr': 0.01,
            'eps': 1e-08,
            'capturable': False,
            'foreach': None,
            'maximize': False,
            'differentiable': False,
            'params': [1]}]
STEP_DTYPES = {0: 'float32', 1: 'float32'}
ERRORS = [
    (dict(lr=-1), "Invalid learning rate: -1"),
    (dict(eps=-1), "Invalid epsilon value: -1"),
    (dict(momentum=-1), "Invalid momentum value: -1"),
    (dict(weight_decay=-1), "Invalid weight_decay value: -1"),
    (dict(alpha=-1), "Invalid alpha value: -1"),
]


class TestPytorchParity(PytorchParity):
    OPT, CONFIGS, EXPECTED, REPR = OPT, CONFIGS, EXPECTED, REPR
    STATE_KEYS, GROUPS, STEP_DTYPES, ERRORS = STATE_KEYS, GROUPS, STEP_DTYPES, ERRORS


def test_state_holds_only_what_the_options_need():
    w = ember.tensor([1.], requires_grad=True)
    for kwargs, keys in [({}, ['step', 'square_avg']),
                         (dict(momentum=0.5), ['step', 'square_avg', 'momentum_buffer']),
                         (dict(centered=True, momentum=0.1), ['step', 'square_avg', 'momentum_buffer', 'grad_avg'])]:
        opt = OPT([w], **kwargs)
        w.grad = ember.tensor([1.])
        opt.step()
        assert list(opt.state[w]) == keys


def test_first_step():
    # square_avg = (1 - alpha) g^2, so the first step is lr * g / (sqrt(1 - alpha) |g| + eps)
    w = ember.tensor([1., -1.], dtype=ember.float64, requires_grad=True)
    opt = OPT([w], lr=0.01)
    w.grad = ember.tensor([4., -0.5], dtype=ember.float64)
    opt.step()
    np.testing.assert_allclose(w.tolist(), [0.9, -0.9], atol=1e-6)
