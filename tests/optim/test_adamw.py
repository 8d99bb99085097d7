"""AdamW (adamw.py): trajectories, state dicts, repr and errors against PyTorch 2.13's recorded values."""
import numpy as np

import ember
from tests.optim._shared import PytorchParity

OPT = ember.optim.AdamW

CONFIGS = {
    'default': ({'lr': 0.05}, [{}, {'weight_decay': 0.3, 'amsgrad': True}]),
    'maximize': ({'lr': 0.02, 'maximize': True, 'betas': (0.5, 0.9)}, [{}, {'weight_decay': 0.0}]),
}
# PyTorch 2.13: the flattened parameters (w1, then w2) after each of 5 steps
EXPECTED = {
    'default': [
        [0.9495000000041667, -1.9490000000014451, 0.5497499999929578, 0.249875,
         0.34549999710982676, -0.6395000009208103, 1.132000000327225, 0.1484999974874373],
        [0.8992274570800776, -1.8981933181436694, 0.5993014369926429, 0.2869569031759117,
         0.37065305226452316, -0.5828597077848108, 1.0651434324171272, 0.183946445538402],
        [0.8493258788566129, -1.8477002289843683, 0.648547865758011, 0.3295536747682111,
         0.36548561814947833, -0.5321389275480168, 0.9995955934073247, 0.19638025670064294],
        [0.7999426898421411, -1.7976457760662772, 0.6973574669066861, 0.3746430357729364,
         0.3472253259173772, -0.48591269930092973, 0.9358032143523026, 0.19679581424135315],
        [0.7512267674694078, -1.7481581962100603, 0.745574911631516, 0.4211974154244835,
         0.3279354635014438, -0.44156754481310945, 0.8743847256633506, 0.19723458650582465],
    ],
    'maximize': [
        [1.0197999999983334, -2.019599999999422, 0.4799000000028169, 0.24995,
         0.28000000115606927, -0.7199999996316758, 1.21999999986911, 0.08000000100502508],
        [1.0397031287515253, -2.0392885128562486, 0.45971373492695566, 0.268278741024708,
         0.25929373971484104, -0.7404293911434343, 1.240014312613729, 0.059348254028685626],
        [1.059767156784869, -2.0591152457749944, 0.4393794219422211, 0.28918998086678077,
         0.2376988415649993, -0.7614550556476701, 1.260049321902911, 0.03786515788739963],
        [1.0800347981638128, -2.079116814185027, 0.41886057563282375, 0.31207210158803833,
         0.2151890047556284, -0.783161560602154, 1.2801055517266142, 0.01550785661887846],
        [1.1005336564405006, -2.099316719216908, 0.39813917259398374, 0.33634119385474426,
         0.19182691109980232, -0.8055669756287618, 1.3001785168840607, -0.0076807459780980115],
    ],
}
REPR = (
    'AdamW (\n'
    'Parameter Group 0\n'
    '    amsgrad: False\n'
    '    betas: (0.9, 0.999)\n'
    '    capturable: False\n'
    '    decoupled_weight_decay: True\n'
    '    differentiable: False\n'
    '    eps: 1e-08\n'
    '    foreach: None\n'
    '    fused: None\n'
    '    lr: 0.05\n'
    '    maximize: False\n'
    '    weight_decay: 0.01\n'
    '\n'
    'Parameter Group 1\n'
    '    amsgrad: True\n'
    '    betas: (0.9, 0.999)\n'
    '    capturable: False\n'
    '    decoupled_weight_decay: True\n'
    '    differentiable: False\n'
    '    eps: 1e-08\n'
    '    foreach: None\n'
    '    fused: None\n'
    '    lr: 0.05\n'
    '    maximize: False\n'
    '    weight_decay: 0.3\n'
    ')'
)
STATE_KEYS = {0: ['step', 'exp_avg', 'exp_avg_sq'], 1: ['step', 'exp_avg', 'exp_avg_sq', 'max_exp_avg_sq']}
GROUPS = [{'lr': 0.05,
            'betas': (0.9, 0.999),
            'eps': 1e-08,
            'weight_decay': 0.01,
            'amsgrad': False,
            'maximize': False,
            'foreach': None,
            'capturable': False,
            'differentiable': False,
            'fused': None,
            'decoupled_weight_decay': True,
            'params': [0]},
           {'weight_decay': 0.3,
            'amsgrad': True,
            'lr': 0.05,
            'betas': (0.9, 0.999),
            'eps': 1e-08,
            'maximize': False,
            'foreach': None,
            'capturable': False,
            'differentiable': False,
            'fused': None,
            'decoupled_weight_decay': True,
            'params': [1]}]
STEP_DTYPES = {0: 'float32', 1: 'float32'}
ERRORS = [(dict(lr=-0.5), "Invalid learning rate: -0.5")]


class TestPytorchParity(PytorchParity):
    OPT, CONFIGS, EXPECTED, REPR = OPT, CONFIGS, EXPECTED, REPR
    STATE_KEYS, GROUPS, STEP_DTYPES, ERRORS = STATE_KEYS, GROUPS, STEP_DTYPES, ERRORS


def test_defaults_and_decoupled_weight_decay():
    w = ember.tensor([1., -1.], dtype=ember.float64, requires_grad=True)
    opt = OPT([w], lr=0.1, weight_decay=0.5)
    assert opt.defaults['weight_decay'] == 0.5 and opt.defaults['decoupled_weight_decay'] is True
    assert OPT([w]).defaults['weight_decay'] == 1e-2
    w.grad = ember.tensor([2., -2.], dtype=ember.float64)
    opt.step()
    # p *= 1 - lr * wd, then the usual Adam step of size lr
    np.testing.assert_allclose(w.tolist(), [0.95 - 0.1, -0.95 + 0.1], atol=1e-7)


def test_loading_keeps_decoupled_weight_decay_on():
    w = ember.tensor([1.], requires_grad=True)
    sd = ember.optim.Adam([w], lr=0.1).state_dict()
    opt = OPT([w])
    opt.load_state_dict(sd)
    assert opt.param_groups[0]['decoupled_weight_decay'] is True and opt.param_groups[0]['lr'] == 0.1
