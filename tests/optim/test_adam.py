"""Adam (adam.py): trajectories, state dicts, repr and errors against PyTorch 2.13's recorded values."""
import numpy as np
import pytest

import ember
from tests.optim._shared import PytorchParity

OPT = ember.optim.Adam

CONFIGS = {
    'default': ({'lr': 0.05}, [{}, {'betas': (0.8, 0.99), 'weight_decay': 0.1, 'amsgrad': True}]),
    'maximize': ({'lr': 0.05, 'maximize': True}, [{'amsgrad': True}, {'eps': 0.001}]),
    'decoupled': ({'lr': 0.05, 'weight_decay': 0.2, 'decoupled_weight_decay': True}, [{}, {'amsgrad': True}]),
}
# PyTorch 2.13: the flattened parameters (w1, then w2) after each of 5 steps
EXPECTED = {
    'default': [
        [0.9500000000041666, -1.950000000001445, 0.5499999999929578, 0.25,
         0.3499999965034967, -0.6500000008156607, 1.150000000303398, 0.14999999735449748],
        [0.9001990632934287, -1.9001643513610358, 0.5998288982643095, 0.2872068406773466,
         0.3588239261984366, -0.6034100935714755, 1.1000199266633381, 0.17753861082653388],
        [0.8507386231512141, -1.8506109771035828, 0.6493818818343955, 0.3299418273015143,
         0.3396646842968742, -0.5607452265635327, 1.050380615422906, 0.18041730725367053],
        [0.8017641202390499, -1.801462601006202, 0.6985287997659388, 0.37518551500370534,
         0.3130178868854639, -0.5199191937965253, 1.00170897340655, 0.17568537932237885],
        [0.7534226193103172, -1.752845246171534, 0.7471159097293772, 0.4219119217303558,
         0.29172911323762934, -0.47897040188028894, 0.954697098875287, 0.1775665322127663],
    ],
    'maximize': [
        [1.0499999999958334, -2.0499999999985548, 0.45000000000704227, 0.25,
         0.25028735632183907, -0.7499080882352941, 1.249967298888162, 0.05025000000000002],
        [1.100067726297232, -2.1000656715234416, 0.39993543469148896, 0.2872068406246095,
         0.20275236862930007, -0.799352480822926, 1.299955188362222, 0.0021526385744237084],
        [1.1502476134309167, -2.1502394603455577, 0.3497639485244299, 0.32718581793973384,
         0.15537737590700984, -0.8486176097082501, 1.350001027940423, -0.045707165940245875],
        [1.200583159842991, -2.2005625316017476, 0.29944815498087113, 0.369497078544581,
         0.10772071862796563, -0.8979012249876479, 1.4001482039109907, -0.09374229502115489],
        [1.2511166648063006, -2.2510745972976416, 0.24895497878161257, 0.4135871433705575,
         0.05961627630319542, -0.9473454792203918, 1.450444364968483, -0.14213412230188568],
    ],
    'decoupled': [
        [0.9400000000041666, -1.930000000001445, 0.5449999999929578, 0.2475,
         0.34699999710982676, -0.6430000009208102, 1.138000000327225, 0.1489999974874373],
        [0.8808656602818595, -1.8609387752814743, 0.5893242857829617, 0.28223184064725104,
         0.3716508845649671, -0.5896388866064061, 1.0766977388974763, 0.18366274829133813],
        [0.8227756907107937, -1.7929768201337586, 0.6328382625390695, 0.3222438789151819,
         0.365429257112031, -0.5419880632499007, 1.0162449623541177, 0.19399450375814045],
        [0.7659099652101148, -1.7262775065431577, 0.6753818944290095, 0.3644598760654929,
         0.3464462493380508, -0.498496346049472, 0.9570610341917715, 0.19211273240339918],
        [0.7104452103918013, -1.6610036245223914, 0.7167741427440348, 0.40782480752734185,
         0.3262824688985853, -0.45649527226206443, 0.8997281039049175, 0.19008306177512463],
    ],
}
REPR = (
    'Adam (\n'
    'Parameter Group 0\n'
    '    amsgrad: False\n'
    '    betas: (0.9, 0.999)\n'
    '    capturable: False\n'
    '    decoupled_weight_decay: False\n'
    '    differentiable: False\n'
    '    eps: 1e-08\n'
    '    foreach: None\n'
    '    fused: None\n'
    '    lr: 0.05\n'
    '    maximize: False\n'
    '    weight_decay: 0\n'
    '\n'
    'Parameter Group 1\n'
    '    amsgrad: True\n'
    '    betas: (0.8, 0.99)\n'
    '    capturable: False\n'
    '    decoupled_weight_decay: False\n'
    '    differentiable: False\n'
    '    eps: 1e-08\n'
    '    foreach: None\n'
    '    fused: None\n'
    '    lr: 0.05\n'
    '    maximize: False\n'
    '    weight_decay: 0.1\n'
    ')'
)
STATE_KEYS = {0: ['step', 'exp_avg', 'exp_avg_sq'], 1: ['step', 'exp_avg', 'exp_avg_sq', 'max_exp_avg_sq']}
GROUPS = [{'lr': 0.05,
            'betas': (0.9, 0.999),
            'eps': 1e-08,
            'weight_decay': 0,
            'amsgrad': False,
            'maximize': False,
            'foreach': None,
            'capturable': False,
            'differentiable': False,
            'fused': None,
            'decoupled_weight_decay': False,
            'params': [0]},
           {'betas': (0.8, 0.99),
            'weight_decay': 0.1,
            'amsgrad': True,
            'lr': 0.05,
            'eps': 1e-08,
            'maximize': False,
            'foreach': None,
            'capturable': False,
            'differentiable': False,
            'fused': None,
            'decoupled_weight_decay': False,
            'params': [1]}]
STEP_DTYPES = {0: 'float32', 1: 'float32'}
ERRORS = [
    (dict(lr=-1), "Invalid learning rate: -1"),
    (dict(eps=-1), "Invalid epsilon value: -1"),
    (dict(betas=(1.0, 0.9)), "Invalid beta parameter at index 0: 1.0"),
    (dict(betas=(0.9, -0.1)), "Invalid beta parameter at index 1: -0.1"),
    (dict(betas=(0.9, 1)), "Invalid beta parameter at index 1: 1"),
    (dict(betas=(0.9, 0)), "betas must be either both floats or both Tensors"),
    (dict(weight_decay=-1), "Invalid weight_decay value: -1"),
]


class TestPytorchParity(PytorchParity):
    OPT, CONFIGS, EXPECTED, REPR = OPT, CONFIGS, EXPECTED, REPR
    STATE_KEYS, GROUPS, STEP_DTYPES, ERRORS = STATE_KEYS, GROUPS, STEP_DTYPES, ERRORS


def test_first_step_moves_each_coordinate_by_lr():
    # with bias correction the first Adam step is lr * sign(grad) (up to eps)
    w = ember.tensor([1., -1., 0.5], dtype=ember.float64, requires_grad=True)
    opt = OPT([w], lr=0.1)
    w.grad = ember.tensor([3., -0.001, 100.], dtype=ember.float64)
    opt.step()
    np.testing.assert_allclose(w.tolist(), [0.9, -0.9, 0.4], atol=1e-6)
    state = opt.state[w]
    assert list(state) == ['step', 'exp_avg', 'exp_avg_sq']
    assert state['step'].dtype == ember.float32 and state['step'].shape == () and state['step'].item() == 1.0
    np.testing.assert_allclose(state['exp_avg'].tolist(), [0.3, -0.0001, 10.], rtol=1e-12)


def test_step_is_float64_under_float64_default_dtype():
    old = ember.get_default_dtype()
    ember.set_default_dtype(ember.float64)
    try:
        w = ember.tensor([1.], requires_grad=True)
        opt = OPT([w])
        w.grad = ember.tensor([1.])
        opt.step()
    finally:
        ember.set_default_dtype(old)
    assert opt.state[w]['step'].dtype == ember.float64


def test_tensor_betas_stay_tensors_in_the_group():
    w = ember.tensor([1.], requires_grad=True)
    opt = OPT([w], betas=(ember.tensor(0.9), ember.tensor([0.99])))
    b1, b2 = opt.param_groups[0]['betas']
    assert isinstance(b1, ember.Tensor) and b2.shape == ()
    w.grad = ember.tensor([1.])
    opt.step()
    assert w.tolist() == pytest.approx([0.999])


def test_float32_parameters_stay_float32():
    w = ember.tensor([[1., 2.], [3., 4.]], requires_grad=True)
    opt = OPT([w], lr=0.01, amsgrad=True)
    for _ in range(3):
        opt.zero_grad()
        (w ** 2).sum().backward()
        opt.step()
    assert w.dtype == ember.float32
    assert all(v.dtype == ember.float32 for v in opt.state[w].values())
