"""Gradients through views whose base (or another view of it) was written in place: their history is
regenerated as PyTorch's, one AsStridedBackward0 over the base (view_as_real and views of it replayed), and
must differentiate correctly (the nodes and texts themselves are pinned by
tests/fixtures/printed/view_regeneration.py against PyTorch's recorded output)."""
import pytest

import ember
from ember.autograd import gradcheck


def _base_written(x):
    b = x.clone()
    views = [b[1:], b.t(), b.diagonal(), b.expand(2, 4, 3), b[::2, 1:], b[2], b.view(12), b[1:][::2].t()]
    b.mul_(x)       # (the base's new value depends on x twice)
    return tuple(v * (k + 1) for k, v in enumerate(views))


def _view_of_view_written(x):
    b = x.clone()
    v = b[1:]
    vv = v[0]
    w = b[:, 0]
    vv.mul_(x[0])
    v.add_(x[1:] ** 2)
    return vv, v, w, b


def _complex_views(x):
    z = ember.complex(x, 2 * x)
    r = ember.view_as_real(z)
    re, im = z.real, z.imag
    rr = r[1:]
    of_slice = ember.view_as_real(z[1:])[..., 1]
    z.mul_(ember.complex(x, x))
    return r, re, im, rr, of_slice


def _view_as_complex_of_a_view(x):
    b = x.clone()
    pairs = ember.view_as_complex(b.view(2, 3, 2))
    row = pairs[1]
    b.mul_(x)
    return ember.view_as_real(pairs), ember.view_as_real(row)


@pytest.mark.parametrize('function', [_base_written, _view_of_view_written, _complex_views,
                                      _view_as_complex_of_a_view])
def test_regenerated_views_differentiate(function):
    x = ember.rand(4, 3, dtype=ember.float64, requires_grad=True)
    assert gradcheck(function, (x,))


def test_regenerated_nodes_are_one_as_strided_over_the_base():
    x = ember.rand(4, 3, dtype=ember.float64, requires_grad=True)
    b = x.clone()
    v = b[1:][::2].t()
    b.add_(1)
    node = v.grad_fn
    assert node.name() == 'AsStridedBackward0' and node.next_functions[0][0] is b.grad_fn
    assert (node._saved_size, node._saved_stride, node._saved_storage_offset) == ((3, 2), (1, 6), 3)


def test_a_view_made_in_no_grad_mode_may_be_written_there():
    x = ember.ones(3, requires_grad=True)
    b = x.clone()
    with ember.no_grad():
        v = b[1:]
        v.mul_(2)
    assert b.tolist() == [1.0, 2.0, 2.0]
    plain = ember.ones(3)
    with ember.no_grad():
        view = plain[1:]
    view.add_(1)        # (its base needs no gradient: nothing ambiguous to refuse)
    assert plain.tolist() == [1.0, 2.0, 2.0]
