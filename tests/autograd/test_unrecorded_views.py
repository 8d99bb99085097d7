"""view, reshape, flatten, t, transpose, permute, unsqueeze and indexing with ints and slices skip ``Function.apply`` when
nothing is recorded (``function.unrecorded_view``): the views they make must be apply's (same memory,
version counter, base, replay function, inference flag, live-view registration), and every other call
(recorded, observed, a subclass, an error) must take apply as before."""
import gc

import numpy as np
import pytest

import ember
from ember.autograd import _op_observers, function
from ember.ops import index as index_ops
from ember.ops.shape import Permute, T, Transpose, Unsqueeze, View


def _x():
    return ember.arange(24.).reshape(2, 3, 4).clone()


_CASES = {
    'view': (lambda x: x.view(6, 4), lambda x: View.apply(x, (6, 4))),
    'view -1': (lambda x: x.view(-1, 12), lambda x: View.apply(x, (-1, 12))),
    'reshape': (lambda x: x.reshape(4, 6), lambda x: View.apply(x, (4, 6))),
    'flatten': (lambda x: x.flatten(1), lambda x: View.apply(x, (2, 12))),
    'flatten all': (lambda x: ember.flatten(x), lambda x: View.apply(x, (24,))),
    'flatten -3..-2': (lambda x: x.flatten(-3, -2), lambda x: View.apply(x, (6, 4))),
    'nn.Flatten': (lambda x: ember.nn.Flatten()(x), lambda x: View.apply(x, (2, 12))),
    'int': (lambda x: x[1], lambda x: index_ops.SelectIndex.apply(x, ((1,), None))),
    'negative int': (lambda x: x[-2], lambda x: index_ops.SelectIndex.apply(x, ((-2,), None))),
    'slice': (lambda x: x[1:], lambda x: index_ops.BasicIndex.apply(x, ((slice(1, None),), None))),
    'stepped slice': (lambda x: x[::2], lambda x: index_ops.BasicIndex.apply(x, ((slice(None, None, 2),), None))),
    'tuple': (lambda x: x[:, 1], lambda x: index_ops.SelectIndex.apply(x, ((slice(None), 1), None))),
    'tuple of slices': (lambda x: x[0, 1:, :3],
                        lambda x: index_ops.BasicIndex.apply(x, ((0, slice(1, None), slice(None, 3)), None))),
    'transpose': (lambda x: x.transpose(0, -1), lambda x: Transpose.apply(x, 0, 2)),
    't': (lambda x: x[0].t(), lambda x: T.apply(index_ops.SelectIndex.apply(x, ((0,), None)))),
    'permute': (lambda x: x.permute(2, 0, -2), lambda x: Permute.apply(x, (2, 0, 1))),
    'unsqueeze': (lambda x: x.unsqueeze(-1), lambda x: Unsqueeze.apply(x, 3)),
    'unsqueeze 1': (lambda x: ember.unsqueeze(x, 1), lambda x: Unsqueeze.apply(x, 1)),
}


def _same_view(got, expected, base):
    assert type(got) is ember.Tensor
    assert got.shape == expected.shape and got.stride() == expected.stride()
    assert got._data.dtype == expected._data.dtype and got.tolist() == expected.tolist()
    assert np.shares_memory(got._data, base._data)
    assert got._base is expected._base is base
    assert got._version_counter is base._version_counter
    assert not got.requires_grad and got.grad_fn is None
    assert got.is_inference() == expected.is_inference()
    # the replay an in-place change uses gives the same view of another base
    other = ember.arange(100., 124.).reshape(2, 3, 4)
    assert got._view_fn(other).tolist() == expected._view_fn(other).tolist()


@pytest.mark.parametrize('name', sorted(_CASES))
def test_views_are_apply_s(name):
    fast, slow = _CASES[name]
    x = _x()
    _same_view(fast(x), slow(x), x)
    with ember.no_grad():
        _same_view(fast(x), slow(x), x)


@pytest.mark.parametrize('name', sorted(_CASES))
def test_views_of_views_share_the_first_base(name):
    fast, slow = _CASES[name]
    x = ember.arange(48.).reshape(2, 2, 3, 4).clone()
    v = x[1]
    got, expected = fast(v), slow(v)
    assert got._base is expected._base is x and got._version_counter is x._version_counter
    other = ember.arange(100., 148.).reshape(2, 2, 3, 4)
    assert got._view_fn(other).tolist() == expected._view_fn(other).tolist()


@pytest.mark.parametrize('name', sorted(_CASES))
def test_a_view_made_unrecorded_follows_its_base_gaining_history(name):
    fast, _ = _CASES[name]
    w = ember.ones(2, 3, 4, requires_grad=True)
    b = ember.zeros(2, 3, 4)
    v = fast(b)
    assert not v.requires_grad
    b.add_(w * ember.arange(24.).reshape(2, 3, 4))
    assert v.requires_grad and v.tolist() == fast(ember.arange(24.).reshape(2, 3, 4)).tolist()
    v.sum().backward()
    expected = ember.zeros(2, 3, 4)
    fast(expected).add_(1.)
    assert (w.grad == expected * ember.arange(24.).reshape(2, 3, 4)).all()


def test_writes_through_a_fast_view_bump_the_shared_version():
    x = _x()
    v = x.view(24)
    v[0] = 5.
    assert x._version == 1 and x[0, 0, 0].item() == 5.


def test_views_made_under_no_grad_are_not_registered():
    x = _x()
    with ember.no_grad():
        x.view(24), x[0], x.t() if x.ndim <= 2 else x.transpose(0, 1)
    assert x._live_views is None
    v = x.view(24)
    assert x._live_views.alive() == [v]


def test_dead_views_are_dropped_from_the_registry():
    x = _x()
    keep = [x[i % 2] for i in range(40)]
    for _ in range(1000):
        x.view(24)
        x[0]
    gc.collect()
    assert len(x._live_views) <= 2 * 40 + 32
    alive = x._live_views.alive()
    assert len(alive) == 40 and all(any(a is k for a in alive) for k in keep)


def test_inference_flag_follows_the_base():
    x = _x()
    with ember.inference_mode():
        assert not x.view(24).is_inference() and not x[0].is_inference()
        y = ember.ones(2, 3)
        assert y.view(6).is_inference() and y[0].is_inference() and y.t().is_inference()
    assert y.flatten().is_inference()


def test_recorded_views_take_apply():
    x = ember.ones(2, 3, requires_grad=True)
    assert x.view(6).grad_fn.name() == 'ViewBackward0'
    assert x.flatten().grad_fn.name() == 'ViewBackward0'
    assert x[0].grad_fn.name() == 'SelectBackward0'
    assert x[:, 1:].grad_fn.name() == 'SliceBackward0'
    assert x.t().grad_fn.name() == 'TBackward0'
    assert x.transpose(0, 1).grad_fn.name() == 'TransposeBackward0'
    with ember.no_grad():
        # (as PyTorch's: a view made in no_grad mode reports its base's requires_grad, and is a leaf)
        assert x.view(6).grad_fn is None and x[0].requires_grad and x[0].is_leaf


def test_observers_see_the_view_ops():
    x = _x()
    seen = []

    class Log(_op_observers.OpObserver):
        def op(self, proceed, cls, args, kwargs):
            seen.append(cls.__name__)
            return proceed(cls, *args, **kwargs)
    log = Log()
    _op_observers.add(log)
    try:
        x.view(24), x.flatten(), x[0], x[0].t(), x.transpose(0, 1)
    finally:
        _op_observers.remove(log)
    assert seen == ['View', 'View', 'SelectIndex', 'SelectIndex', 'T', 'Transpose']


def test_subclasses_take_apply():
    class Mine(ember.Tensor):
        pass
    m = _x().as_subclass(Mine)
    assert function.unrecorded_view(View, m, lambda a, s: a.reshape(s), (24,)) is None
    assert type(m.view(24)) is Mine and type(m[0]) is Mine and type(m.flatten()) is Mine


def test_errors_and_copies_are_apply_s():
    x = _x()
    with pytest.raises(RuntimeError, match=r"shape '\[5\]' is invalid for input of size 24"):
        x.view(5)
    with pytest.raises(RuntimeError, match="only one dimension can be inferred"):
        x.view(-1, -1)
    with pytest.raises(RuntimeError, match="invalid shape dimension -2"):
        x.view(-2, -12)
    with pytest.raises(RuntimeError, match="view size is not compatible"):
        x.transpose(0, 1).view(24)
    with pytest.raises(IndexError, match="index 2 is out of bounds for dimension 0 with size 2"):
        x[2]
    with pytest.raises(ValueError, match="step must be greater than zero"):
        x[::-1]
    with pytest.raises(IndexError, match="too many indices for tensor of dimension 3"):
        x[0, 0, 0, 0]
    r = x.transpose(0, 1).reshape(24)      # not viewable: a copy, as before
    assert r._base is None and not np.shares_memory(r._data, x._data)
    assert r.tolist() == x.transpose(0, 1).contiguous().view(24).tolist()
    assert x.flatten(1, 1) is x and ember.tensor(3.).flatten().shape == (1,)


@pytest.mark.parametrize('name', sorted(_CASES))
def test_unrecorded_calls_skip_apply(name, monkeypatch):
    fast, _ = _CASES[name]
    x = _x()
    expected = fast(x).tolist()

    def refuse(cls, *args, **kwargs):
        raise AssertionError(f'{cls.__name__}.apply called')
    for cls in (View, Transpose, T, Permute, Unsqueeze, index_ops.SelectIndex, index_ops.BasicIndex):
        monkeypatch.setattr(cls, 'apply', classmethod(refuse))
    assert fast(x).tolist() == expected
    x.requires_grad_()
    with pytest.raises(AssertionError, match='apply called'):
        fast(x)


@pytest.mark.parametrize('dim', [0, 1, 2, 3, -1])
def test_unsqueeze_of_strided_views_has_apply_s_strides(dim):
    base = ember.arange(120.).reshape(4, 5, 6)
    for v in (base.transpose(0, 2), base[:, ::2], base[..., 1:4], base.expand(2, 4, 5, 6)[1], base[:, 0]):
        if dim > v.ndim:
            continue
        got, expected = v.unsqueeze(dim), Unsqueeze.apply(v, dim % (v.ndim + 1))
        assert got.shape == expected.shape and got.stride() == expected.stride()
        assert got.tolist() == expected.tolist() and got._base is expected._base is not None
