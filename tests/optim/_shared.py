"""The checks every optimizer's recorded PyTorch values go through, written once.

Each optimizer test module (test_adam.py, test_sgd.py, ...) records PyTorch 2.13's behaviour on
the fixed problem of ``_problem`` and binds it to a subclass of ``PytorchParity``::

    class TestPytorchParity(PytorchParity):
        OPT, CONFIGS, EXPECTED, REPR = OPT, CONFIGS, EXPECTED, REPR
        STATE_KEYS, GROUPS, STEP_DTYPES, ERRORS = STATE_KEYS, GROUPS, STEP_DTYPES, ERRORS

OPT          the ember optimizer class
CONFIGS      name -> (defaults, [group 0 options, group 1 options])
EXPECTED     name -> the flattened parameters (w1, then w2) after each of 5 steps
REPR         repr() of the optimizer built from the first config
STATE_KEYS   parameter index -> the state's keys, in order, after 2 steps of the first config
GROUPS       state_dict()['param_groups'] after those 2 steps (values and key order)
STEP_DTYPES  parameter index -> the dtype name of its 'step' state ({} when there is none)
ERRORS       [(constructor kwargs, the exact ValueError message PyTorch gives)]

The trajectory and round-trip tests run once per config name, test_errors once per ERRORS entry.
"""
import importlib

import numpy as np
import pytest

import ember
from tests.optim import _problem as P


class PytorchParity:
    """Base for the per-optimizer ``TestPytorchParity`` classes; not collected itself (no Test prefix)."""
    OPT = CONFIGS = EXPECTED = REPR = STATE_KEYS = GROUPS = STEP_DTYPES = ERRORS = None
    PROBLEM = None    # another problem module (``_problem_2d``), or None for ``_problem``'s

    def pytest_generate_tests(self, metafunc):
        if 'name' in metafunc.fixturenames:
            metafunc.parametrize('name', sorted(self.CONFIGS))
        if 'message' in metafunc.fixturenames:
            metafunc.parametrize('kwargs, message', self.ERRORS)

    def test_trajectory_matches_pytorch(self, name):
        defaults, groups = self.CONFIGS[name]
        got = P.trajectory(ember, self.OPT, defaults, groups, len(self.EXPECTED[name]), self.PROBLEM)
        np.testing.assert_allclose(got, self.EXPECTED[name], rtol=0, atol=1e-10)

    def test_state_dict_round_trip_continues_the_same_trajectory(self, name):
        defaults, groups = self.CONFIGS[name]
        after = len(self.EXPECTED[name]) - 3
        continued, resumed = P.resumed_trajectory(ember, self.OPT, defaults, groups, after=after, problem=self.PROBLEM)
        assert continued == resumed
        np.testing.assert_allclose(continued, self.EXPECTED[name][3:], rtol=0, atol=1e-10)

    def test_state_dict_layout_matches_pytorch(self):
        defaults, groups = next(iter(self.CONFIGS.values()))
        params = (self.PROBLEM or P).make_params(ember)
        opt = P.make_optimizer(self.OPT, params, defaults, groups)
        P.run(opt, params, 2, self.PROBLEM)
        sd = opt.state_dict()
        assert {k: list(v.keys()) for k, v in sd['state'].items()} == self.STATE_KEYS
        assert sd['param_groups'] == self.GROUPS
        assert [list(g.keys()) for g in sd['param_groups']] == [list(g.keys()) for g in self.GROUPS]
        assert {k: v['step'].dtype for k, v in sd['state'].items() if 'step' in v} == \
            {k: getattr(ember, v) for k, v in self.STEP_DTYPES.items()}
        for k, v in sd['state'].items():
            for name, value in v.items():
                if name != 'step':
                    assert value.dtype == ember.float64 and value.shape == params[k].shape

    def test_repr_matches_pytorch(self):
        defaults, groups = next(iter(self.CONFIGS.values()))
        opt = P.make_optimizer(self.OPT, (self.PROBLEM or P).make_params(ember), defaults, groups)
        assert repr(opt) == self.REPR

    def test_errors(self, kwargs, message):
        with pytest.raises(ValueError) as e:
            self.OPT([(self.PROBLEM or P).make_params(ember)[0]], **kwargs)
        assert str(e.value) == message


class RecordedParity(PytorchParity):
    """``PytorchParity`` fed by ``_recorded.RECORDED[NAME]`` (written by ``record_pytorch.py``).

    The state-dict layout check compares every state entry's dtype and shape with PyTorch's
    (scalar state such as NAdam's ``mu_product`` is a 0-dim float32 tensor there too).
    """
    NAME = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        from tests.optim._recorded import RECORDED
        from tests.optim._recorded_cases import CASES
        rec = RECORDED[cls.NAME]
        cls.CONFIGS = CASES[cls.NAME]['configs']
        cls.EXPECTED, cls.REPR, cls.GROUPS, cls.ERRORS = rec['expected'], rec['repr'], rec['groups'], rec['errors']
        cls.STATE_LAYOUT, cls.RESUMED = rec['state_layout'], rec['resumed']
        if CASES[cls.NAME].get('problem'):
            cls.PROBLEM = importlib.import_module('tests.optim.' + CASES[cls.NAME]['problem'])

    def test_state_dict_round_trip_continues_the_same_trajectory(self, name):
        defaults, groups = self.CONFIGS[name]
        continued, resumed = P.resumed_trajectory(ember, self.OPT, defaults, groups, after=len(self.RESUMED[name]),
                                                    problem=self.PROBLEM)
        np.testing.assert_allclose(continued, self.EXPECTED[name][3:], rtol=0, atol=1e-10)
        np.testing.assert_allclose(resumed, self.RESUMED[name], rtol=0, atol=1e-10)

    def test_state_dict_layout_matches_pytorch(self):
        defaults, groups = next(iter(self.CONFIGS.values()))
        params = (self.PROBLEM or P).make_params(ember)
        opt = P.make_optimizer(self.OPT, params, defaults, groups)
        P.run(opt, params, 2, self.PROBLEM)
        sd = opt.state_dict()
        layout = {k: {key: (str(v.dtype).replace('ember.', ''), tuple(v.shape)) for key, v in s.items()}
                  for k, s in sd['state'].items()}
        assert layout == self.STATE_LAYOUT
        assert [list(s) for s in layout.values()] == [list(s) for s in self.STATE_LAYOUT.values()]
        assert sd['param_groups'] == self.GROUPS
        assert [list(g.keys()) for g in sd['param_groups']] == [list(g.keys()) for g in self.GROUPS]
