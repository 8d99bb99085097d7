"""Every option of gradcheck, gradgradcheck and autograd.grad does what it does in PyTorch: the outcomes
(results, error types and texts) of tests/autograd/gradcheck_cases.py, recorded with PyTorch 2.13 by
tests/autograd/record_gradcheck.py."""
import json
import os
import sys
import warnings

import pytest

import ember
from tests.autograd import gradcheck_cases as cases

RECORDED = json.load(open(os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'gradcheck', 'outcomes.json')))


def _one(table, which, key):
    cname, mname = key.split('/')
    custom, build = table[cname]
    modes = cases.GRADCHECK_MODES if which == 'gradcheck' else cases.GRADGRADCHECK_MODES
    fns = cases._functions(ember)
    ember.manual_seed(0)
    return cases._outcome(lambda: getattr(ember.autograd, which)(*build(ember, fns), **modes[mname]))


@pytest.mark.parametrize('key', sorted(RECORDED['gradcheck']))
def test_gradcheck_option(key):
    assert _one(cases.GRADCHECK_CASES, 'gradcheck', key) == RECORDED['gradcheck'][key]


@pytest.mark.parametrize('key', sorted(RECORDED['gradgradcheck']))
def test_gradgradcheck_option(key):
    assert _one(cases.GRADGRADCHECK_CASES, 'gradgradcheck', key) == RECORDED['gradgradcheck'][key]


def test_grad_options():
    assert cases.grad_outcomes(ember) == RECORDED['grad']


def test_every_recorded_combination_is_checked():
    # the recording covers each case in each mode except where PyTorch needs a jvp or fails internally
    skipped = {(c, m) for c, (custom, _) in cases.GRADCHECK_CASES.items() for m in cases.GRADCHECK_MODES
               if custom and m in cases.FORWARD_MODES} | cases._PYTORCH_FAILURES
    expected = {f'{c}/{m}' for c in cases.GRADCHECK_CASES for m in cases.GRADCHECK_MODES if (c, m) not in skipped}
    assert set(RECORDED['gradcheck']) == expected


def test_nondet_tol_accepts_small_nondeterminism():
    # the recorded run fails with the default tolerance (0.0) and passes with 1e-6
    assert RECORDED['gradcheck']['noisy_scaled/default'].startswith('GradcheckError: Backward is not reentrant')
    assert RECORDED['gradcheck']['noisy_scaled/nondet_tol'] == 'True'


def test_fast_mode_draws_its_own_random_vectors():
    # fast mode leaves the global random state alone (it uses a generator of its own)
    x = ember.tensor([1., 2.], dtype=ember.float64, requires_grad=True)
    ember.manual_seed(3)
    expected = ember.rand(2)
    ember.manual_seed(3)
    assert ember.autograd.gradcheck(lambda t: t.sin(), (x,), fast_mode=True)
    assert ember.equal(ember.rand(2), expected)


def test_gradgradcheck_non_contiguous_grad_outputs(monkeypatch):
    # the generated grad_outputs that gradgradcheck hands to gradcheck are non-contiguous only when asked
    module = sys.modules['ember.autograd.gradcheck']
    original, contiguous = module.gradcheck, []

    def spy(func, inputs, **kw):
        contiguous.append([t.is_contiguous() for t in inputs])
        return original(func, inputs, **kw)
    monkeypatch.setattr(module, 'gradcheck', spy)
    x = ember.tensor([[1., 2.], [3., 4.]], dtype=ember.float64, requires_grad=True)
    assert module.gradgradcheck(lambda a: a * a, (x,), gen_non_contig_grad_outputs=True)
    assert module.gradgradcheck(lambda a: a * a, (x,))
    assert contiguous == [[True, False], [True, True]]


def test_only_inputs_warning_points_at_the_caller():
    x = ember.tensor([1.], requires_grad=True)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter('always')
        ember.autograd.grad((x * 2).sum(), x, only_inputs=False)
    assert [w.category for w in seen] == [FutureWarning] and seen[0].filename == __file__
