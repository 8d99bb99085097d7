"""Adagrad (adagrad.py): trajectories, state dicts, repr and errors against PyTorch 2.13's recorded values."""
import pytest

import ember
from tests.optim._shared import PytorchParity

OPT = ember.optim.Adagrad

CONFIGS = {
    'default': ({'lr': 0.1}, [{}, {'lr_decay': 0.1, 'weight_decay': 0.1, 'eps': 1e-06}]),
    'initial_accumulator': ({'lr': 0.1, 'initial_accumulator_value': 0.5, 'maximize': True},
                            [{}, {'lr_decay': 0.05}]),
}
# PyTorch 2.13: the flattened parameters (w1, then w2) after each of 5 steps
EXPECTED = {
    'default': [
        [0.9000000000000833, -1.9000000000000288, 0.5999999999998592, 0.25,
         0.3999993007041909, -0.6000001631318709, 1.1000000606795748, 0.19999947090227038],
        [0.8369953252564621, -1.835925703167619, 0.6634989982816999, 0.34999999999545456,
         0.3177373187519299, -0.5888144575669322, 1.0358546594097624, 0.1300110228134156],
        [0.788975871146341, -1.7866495438676673, 0.713043407055604, 0.41342095323595685,
         0.35106106875329524, -0.5381198076380782, 1.002808375145222, 0.1758761859867214],
        [0.7495367443990536, -1.745926105920001, 0.7539600773555786, 0.4689562089561683,
         0.3383072924951802, -0.5166346474764251, 0.9723598922595303, 0.1745145941132692],
        [0.7158067815840099, -1.7109257583634334, 0.7889970714904778, 0.519231180642893,
         0.3364543766758292, -0.4953924699394538, 0.949022337066832, 0.1825450970827135],
    ],
    'initial_accumulator': [
        [1.0999982639340156, -2.0999997911730666, 0.40000495896471205, 0.25,
         0.27623503058227183, -0.7609056403228049, 1.2907534968125753, 0.07290951979271144],
        [1.1772175515666798, -2.1763640638638813, 0.3240783723237873, 0.3430752356632979,
         0.2485760397688599, -0.818800526149372, 1.3621709687523045, 0.04315094307676993],
        [1.2437013734395401, -2.241636702845678, 0.25933464027321346, 0.4357239934072479,
         0.21384959232398143, -0.8748294582795677, 1.42158754851663, 0.007494308016401573],
        [1.3035651363483856, -2.300086084978832, 0.20183378940164737, 0.5177508208377452,
         0.17185347225658124, -0.9289371883247355, 1.4722311530737855, -0.03451138398540979],
        [1.358800436009288, -2.3537716375830957, 0.14958743058555957, 0.5905516354764941,
         0.1252762452344302, -0.9806274310632678, 1.5159897219149232, -0.08067115190070548],
    ],
}
REPR = (
    'Adagrad (\n'
    'Parameter Group 0\n'
    '    differentiable: False\n'
    '    eps: 1e-10\n'
    '    foreach: None\n'
    '    fused: None\n'
    '    initial_accumulator_value: 0\n'
    '    lr: 0.1\n'
    '    lr_decay: 0\n'
    '    maximize: False\n'
    '    weight_decay: 0\n'
    '\n'
    'Parameter Group 1\n'
    '    differentiable: False\n'
    '    eps: 1e-06\n'
    '    foreach: None\n'
    '    fused: None\n'
    '    initial_accumulator_value: 0\n'
    '    lr: 0.1\n'
    '    lr_decay: 0.1\n'
    '    maximize: False\n'
    '    weight_decay: 0.1\n'
    ')'
)
STATE_KEYS = {0: ['step', 'sum'], 1: ['step', 'sum']}
GROUPS = [{'lr': 0.1,
            'lr_decay': 0,
            'eps': 1e-10,
            'weight_decay': 0,
            'initial_accumulator_value': 0,
            'foreach': None,
            'maximize': False,
            'differentiable': False,
            'fused': None,
            'params': [0]},
           {'lr_decay': 0.1,
            'weight_decay': 0.1,
            'eps': 1e-06,
            'lr': 0.1,
            'initial_accumulator_value': 0,
            'foreach': None,
            'maximize': False,
            'differentiable': False,
            'fused': None,
            'params': [1]}]
STEP_DTYPES = {0: 'float32', 1: 'float32'}
ERRORS = [
    (dict(lr=-1), "Invalid learning rate: -1"),
    (dict(lr_decay=-1), "Invalid lr_decay value: -1"),
    (dict(weight_decay=-1), "Invalid weight_decay value: -1"),
    (dict(initial_accumulator_value=-1), "Invalid initial_accumulator_value value: -1"),
    (dict(eps=-1), "Invalid epsilon value: -1"),
]


class TestPytorchParity(PytorchParity):
    OPT, CONFIGS, EXPECTED, REPR = OPT, CONFIGS, EXPECTED, REPR
    STATE_KEYS, GROUPS, STEP_DTYPES, ERRORS = STATE_KEYS, GROUPS, STEP_DTYPES, ERRORS


def test_state_is_created_at_construction():
    w = ember.tensor([1., 2.], dtype=ember.float64, requires_grad=True)
    opt = OPT([w], initial_accumulator_value=0.25)
    assert list(opt.state[w]) == ['step', 'sum']
    assert opt.state[w]['sum'].tolist() == [0.25, 0.25] and opt.state[w]['sum'].dtype == ember.float64
    assert opt.state[w]['step'].item() == 0.0 and opt.state[w]['step'].dtype == ember.float32


def test_group_added_later_gets_state_on_its_first_step():
    w, v = (ember.tensor([1.], dtype=ember.float64, requires_grad=True) for _ in range(2))
    opt = OPT([w], lr=0.5)
    opt.add_param_group({'params': [v], 'lr': 0.1})
    assert v not in opt.state
    v.grad = ember.tensor([2.], dtype=ember.float64)
    opt.step()
    # sum = g^2, so the step is lr * g / |g| = lr
    assert opt.state[v]['sum'].tolist() == [4.] and v.tolist() == pytest.approx([0.9])


def test_lr_decay():
    w = ember.tensor([0.], dtype=ember.float64, requires_grad=True)
    opt = OPT([w], lr=1.0, lr_decay=1.0)
    for _ in range(3):
        w.grad = ember.tensor([1.], dtype=ember.float64)
        opt.step()
    # steps of size clr = 1 / (1 + (t - 1)) times 1 / sqrt(t)
    assert w.item() == pytest.approx(-(1 + 0.5 / 2 ** 0.5 + 1 / 3 / 3 ** 0.5))
