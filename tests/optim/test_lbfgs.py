"""LBFGS (lbfgs.py): trajectories with and without the strong-Wolfe line search against PyTorch 2.13."""
import copy

import numpy as np
import pytest

import ember

OPT = ember.optim.LBFGS


def rosen(x):
    return (100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2).sum()


def problem(**kwargs):
    x = ember.tensor([-1.2, 1.0, -0.5, 0.8], dtype=ember.float64, requires_grad=True)
    y = ember.tensor([[0.3, 0.2]], dtype=ember.float64, requires_grad=True)
    opt = OPT([x, y], **kwargs)

    def closure():
        opt.zero_grad()
        loss = rosen(x) + ((y - 1) ** 2).sum() * 3 + (y.sum() * x.sum()) ** 2 * 0.01
        loss.backward()
        return loss
    return x, y, opt, closure


CONFIGS = {
    'fixed_step': ({'lr': 0.1, 'max_iter': 10}, 3),
    'short_history': ({'lr': 1, 'max_iter': 7, 'history_size': 3}, 3),
    'strong_wolfe': ({'line_search_fn': 'strong_wolfe', 'max_iter': 15}, 3),
    'strong_wolfe_h2': ({'line_search_fn': 'strong_wolfe', 'history_size': 2, 'max_iter': 8, 'lr': 0.5}, 4),
}
# PyTorch 2.13: (loss returned by step, x, y) after each step, then (func_evals, n_iter, len(old_dirs))
EXPECTED = {
    'fixed_step': [
        (285.09002499999997, [-0.9224335022972763, 0.7059116264434108, 0.014951553318051869, 0.2892235229690292],
         [[0.3256200468877871, 0.22928001872913178]]),
        (41.716417460734824, [-0.8588367680580712, 0.7042689300114443, 0.3752954944475028, 0.18632948145069922],
         [[0.3645716583225495, 0.27379808485059287]]),
        (8.501875842479398, [-0.8384141814332745, 0.7023843003679031, 0.46570918256812577, 0.21971641654541074],
         [[0.4211692300305868, 0.3384890326452454]]),
        (30, 30, 29),
    ],
    'short_history': [
        (285.09002499999997, [-0.4385277826566486, 0.18500685449169002, 0.06695151654293272, -0.005360977098744806],
         [[0.4711035531597673, 0.3955490498415167]]),
        (5.661813324978412, [-0.26078690533178367, 0.08428738168250967, 0.0028686089326790676, 0.008741332357983612],
         [[1.0124035405751772, 1.0141972921602544]]),
        (3.4604839333253152, [-0.06079660701132589, 0.012829997402044694, 0.003941290431911122, 0.003414854669078474],
         [[1.0013074466215324, 1.0015349185158198]]),
        (21, 21, 3),
    ],
    'strong_wolfe': [
        (285.09002499999997, [-0.09496702694575501, -0.005018694013870048, 0.0012052527991521236, 0.01386878558891435],
         [[0.957444127854125, 0.9513959053050236]]),
        (3.258463594187901, [0.7965668311195826, 0.6337959730815712, 0.3835691545580353, 0.135589239082921],
         [[0.9736125151678889, 0.9706809847379874]]),
        (0.7500429941884035, [0.9268858960953746, 0.8593084958926223, 0.738336131705627, 0.5440538436645574],
         [[0.940928240022961, 0.9409339073222224]]),
        (52, 44, 43),
    ],
    'strong_wolfe_h2': [
        (285.09002499999997, [-0.6135687707470637, 0.3850620752559238, 0.14954150285953735, 0.011644929247353218],
         [[0.36775068062069133, 0.27742964350760474]]),
        (6.489628809906288, [-0.6248051231719242, 0.4031330082925824, 0.17909458184494947, 0.03711739697814672],
         [[0.9904570098568041, 0.9890951715821401]]),
        (3.7170458730303317, [-0.6273269882224258, 0.4063140051700581, 0.17331238503378063, 0.02989552859695651],
         [[1.0026153811122704, 1.0029901520960895]]),
        (3.707209394920457, [-0.5934752792461347, 0.3668654607659955, 0.14207553457343927, 0.020385838472666184],
         [[0.9792464271416087, 0.9762780733937352]]),
        (36, 32, 2),
    ],
}
STATE_KEYS = ['func_evals',
              'n_iter',
              'al',
              'd',
              't',
              'old_dirs',
              'old_stps',
              'ro',
              'H_diag',
              'prev_flat_grad',
              'prev_loss']
STATE_TYPES = {'func_evals': 'int',
               'n_iter': 'int',
               'al': 'list',
               'd': 'Tensor',
               't': 'float',
               'old_dirs': 'list',
               'old_stps': 'list',
               'ro': 'list',
               'H_diag': 'Tensor',
               'prev_flat_grad': 'Tensor',
               'prev_loss': 'float'}
GROUPS = [{'lr': 0.5,
           'max_iter': 8,
           'max_eval': 10,
           'tolerance_grad': 1e-07,
           'tolerance_change': 1e-09,
           'history_size': 2,
           'line_search_fn': 'strong_wolfe',
           'params': [0, 1]}]
REPR = (
    'LBFGS (\n'
    'Parameter Group 0\n'
    '    history_size: 2\n'
    '    line_search_fn: strong_wolfe\n'
    '    lr: 0.5\n'
    '    max_eval: 10\n'
    '    max_iter: 8\n'
    '    tolerance_change: 1e-09\n'
    '    tolerance_grad: 1e-07\n'
    ')'
)


@pytest.mark.parametrize('name', sorted(CONFIGS))
def test_trajectory_matches_pytorch(name):
    kwargs, steps = CONFIGS[name]
    x, y, opt, closure = problem(**kwargs)
    for loss, ex, ey in EXPECTED[name][:steps]:
        got = opt.step(closure)
        assert got.item() == pytest.approx(loss, rel=1e-10, abs=1e-12)
        np.testing.assert_allclose(x.tolist(), ex, rtol=0, atol=1e-9)
        np.testing.assert_allclose(y.tolist(), ey, rtol=0, atol=1e-9)
    state = opt.state[x]
    assert (state['func_evals'], state['n_iter'], len(state['old_dirs'])) == EXPECTED[name][steps]


def test_state_dict_layout_repr_and_round_trip():
    kwargs, steps = CONFIGS['strong_wolfe_h2']
    x, y, opt, closure = problem(**kwargs)
    for _ in range(2):
        opt.step(closure)
    sd = opt.state_dict()
    assert list(sd['state'][0]) == STATE_KEYS
    assert {k: type(v).__name__ for k, v in sd['state'][0].items()} == STATE_TYPES
    assert sd['param_groups'] == GROUPS
    assert repr(opt) == REPR

    saved = copy.deepcopy(sd)
    x2, y2, opt2, closure2 = problem(**kwargs)
    with ember.no_grad():
        x2.copy_(x)
        y2.copy_(y)
    opt2.load_state_dict(saved)
    for _ in range(2):
        opt.step(closure)
        opt2.step(closure2)
    assert x2.tolist() == x.tolist() and y2.tolist() == y.tolist()
    np.testing.assert_allclose(x.tolist(), EXPECTED['strong_wolfe_h2'][3][1], rtol=0, atol=1e-9)


def test_weighted_quadratic_converges():
    target = ember.tensor([1., -2., 3.], dtype=ember.float64)
    x = ember.zeros(3, dtype=ember.float64, requires_grad=True)
    opt = OPT([x], line_search_fn='strong_wolfe')

    def closure():
        opt.zero_grad()
        loss = (((x - target) * ember.tensor([1., 2., 3.], dtype=ember.float64)) ** 2).sum()
        loss.backward()
        return loss
    opt.step(closure)
    # PyTorch 2.13 stops here too (the gradient is below tolerance_grad after 10 evaluations)
    np.testing.assert_allclose(x.tolist(), [1.0000023610836763, -2.000000739530725, 3.0000003043528642],
                               rtol=0, atol=1e-12)
    assert opt.state[x]['func_evals'] == 10
    assert opt.step(closure).item() == pytest.approx(8.596014893971312e-12, rel=1e-6)


def test_float32_parameters_and_gradient_free_parameters():
    x = ember.tensor([2., -1.], requires_grad=True)
    unused = ember.tensor([5.], requires_grad=True)
    opt = OPT([x, unused], lr=0.5, max_iter=5)

    def closure():
        opt.zero_grad()
        loss = ((x - 1) ** 2).sum()
        loss.backward()
        return loss
    opt.step(closure)
    assert x.dtype == ember.float32 and unused.tolist() == [5.]
    assert opt.state[x]['d'].dtype == ember.float32 and opt.state[x]['d'].shape == (3,)


def test_errors():
    a, b = (ember.tensor([1.], requires_grad=True) for _ in range(2))
    with pytest.raises(ValueError, match="^LBFGS doesn't support per-parameter options \\(parameter groups\\)$"):
        OPT([{'params': [a]}, {'params': [b]}])
    with pytest.raises(ValueError, match="^Invalid learning rate: -1$"):
        OPT([a], lr=-1)
    opt = OPT([a], line_search_fn='backtracking')

    def closure():
        opt.zero_grad()
        loss = (a ** 2).sum()
        loss.backward()
        return loss
    with pytest.raises(RuntimeError, match="^only 'strong_wolfe' is supported$"):
        opt.step(closure)
    assert OPT([a], max_iter=8).defaults['max_eval'] == 10
