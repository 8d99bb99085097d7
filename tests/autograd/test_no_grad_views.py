"""Views made in no_grad / inference_mode of a base that requires grad behave as PyTorch's (see
ember/autograd/_no_grad_views.py). The whole grid of view kinds, modes and follow-up actions is pinned by
tests/fixtures/printed/no_grad_views.py against PyTorch's recorded output (tests/test_printed_cases.py); here
the same grid runs against a live PyTorch when one is installed, and a few cases are checked directly."""
import contextlib
import io
import warnings

import pytest

import ember
from tests.fixtures.printed import no_grad_views


def _printed(library):
    out = io.StringIO()
    with contextlib.redirect_stdout(out), warnings.catch_warnings():
        warnings.simplefilter('ignore')
        no_grad_views.run(library)
    return out.getvalue().replace('ember.', 'torch.').splitlines()


def test_grid_matches_live_pytorch():
    torch = pytest.importorskip('torch')
    expected, got = _printed(torch), _printed(ember)
    for i, (g, e) in enumerate(zip(got, expected)):
        assert g == e, f'line {i + 1}'
    assert len(got) == len(expected)


def _views_of_leaf():
    x = ember.arange(6., dtype=ember.float64).requires_grad_()
    with ember.no_grad():
        return x, x.view(6), x[1:4], x.view(2, 3).t()


def test_views_report_their_base_requires_grad_and_stay_leaves():
    x, *views = _views_of_leaf()
    for v in views:
        assert v.requires_grad and v.grad_fn is None and v.is_leaf and v._is_view()


def test_ops_on_them_are_recorded_without_an_edge_to_them():
    x, a, b, c = _views_of_leaf()
    y = (a * 2).sum() + (b * x[1:4]).sum()
    assert y.requires_grad
    mul = y.grad_fn.next_functions[0][0].next_functions[0][0]
    assert mul.name() == 'MulBackward0' and mul.next_functions == ((None, 0), (None, 0))
    y.backward()
    # only the view recorded with grad mode on carries a gradient to x: b's values, at b's places
    assert x.grad.tolist() == [0., 1., 2., 3., 0., 0.] and a.grad is None and b.grad is None


def test_a_write_after_they_were_made_refuses_reading_their_history():
    x = ember.ones(3, requires_grad=True)
    with ember.no_grad():
        v = x[:2]
        x.add_(1)       # (an optimizer's step, say)
    with pytest.raises(RuntimeError, match='A view was created in no_grad mode and its base or another view of '
                                           'its base has been modified inplace with grad mode enabled'):
        v * 2
    assert v.requires_grad and v.tolist() == [2., 2.]
    with ember.no_grad():
        assert (v * 2).tolist() == [4., 4.]     # (nothing recorded reads its history)
    with ember.no_grad():
        fresh = x[:2]
    assert (fresh * 2).grad_fn.name() == 'MulBackward0'


@pytest.mark.parametrize('mode, text', [(ember.no_grad, 'no_grad mode and is being modified inplace with grad '
                                                       'mode enabled'),
                                        (ember.inference_mode, 'inference mode and is being modified inplace in '
                                                               'normal mode')])
def test_writes_with_grad_mode_on_are_refused_and_write_nothing(mode, text):
    x = ember.ones(4, requires_grad=True)
    b = x * 1
    with mode():
        pieces = (b[1:], b.t(), b.split(2)[0], b.unbind()[3], b.chunk(2)[1])
    for v in pieces:
        for write in (lambda: v.mul_(2), lambda: v.zero_(), lambda: v.copy_(v.detach() + 1)):
            with pytest.raises(RuntimeError, match=f'^A view was created in {text}'):
                write()
    assert b.tolist() == [1.] * 4 and b._version == 0


def test_requires_grad_true_gives_the_view_its_own_gradient():
    x, a, _, _ = _views_of_leaf()
    a.requires_grad_(False)
    assert a.requires_grad      # (still its base's)
    a.requires_grad_(True)
    (a * 3).sum().backward()
    assert a.grad.tolist() == [3.] * 6 and x.grad is None
    a.requires_grad_(False)
    assert (a * 1).grad_fn.next_functions == ((None, 0), (None, 0))


def test_inference_mode_false_turns_grad_mode_back_on():
    x = ember.ones(2, requires_grad=True)
    with ember.no_grad(), ember.inference_mode(False):
        assert ember.is_grad_enabled() and not ember.is_inference_mode_enabled()
        assert x[1:].grad_fn.name() == 'SliceBackward0'
    assert ember.is_grad_enabled()
