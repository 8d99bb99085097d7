"""``t.__dict__`` and ``vars(t)`` hold what a user set on a tensor, as in PyTorch, never the autograd fields ember
keeps in the instance dict (its gradient, accumulator, view base, inference flag, ...). Recorded from PyTorch
2.13: every case below shows an empty dict there, but for the attributes named."""
import copy
import pickle

import pytest

import ember


def _leaf_after_backward():
    t = ember.ones(2, requires_grad=True)
    (t * 2).sum().backward()
    return t


def _retained():
    w = ember.ones(2, requires_grad=True) * 2
    w.retain_grad()
    w.sum().backward()
    return w


def _hooked():
    h = ember.ones(2, requires_grad=True)
    h.register_hook(lambda g: g)
    return h


def _post_accumulate_hooked():
    h = ember.ones(2, requires_grad=True)
    h.register_post_accumulate_grad_hook(lambda p: None)
    return h


def _inference():
    with ember.inference_mode():
        return ember.ones(2)


def _no_grad_view():
    t = ember.ones(2, requires_grad=True)
    with ember.no_grad():
        return t[:1]


CASES = {
    'leaf': lambda: ember.ones(2, requires_grad=True), 'after backward': _leaf_after_backward,
    'view of a leaf': lambda: ember.ones(2, requires_grad=True)[0:1], 'retained grad': _retained,
    'hooked': _hooked, 'post-accumulate hook': _post_accumulate_hooked, 'inference': _inference,
    'no-grad view': _no_grad_view, 'detached': lambda: _leaf_after_backward().detach(),
    'deepcopy of a leaf': lambda: copy.deepcopy(_leaf_after_backward()),
    'batch norm buffer': lambda: ember.nn.BatchNorm1d(2).running_mean,
}


@pytest.mark.parametrize('name', CASES)
def test_a_tensors_dict_shows_nothing_of_autograd(name):
    t = CASES[name]()
    assert dict(t.__dict__) == {} and dict(vars(t)) == {} and len(vars(t)) == 0 and '_grad' not in vars(t)


def test_user_attributes_and_buffer_flags_show():
    u = ember.ones(2)
    u.foo = 3
    assert dict(vars(u)) == {'foo': 3}
    assert sorted(vars(ember.nn.Buffer(ember.ones(2)))) == ['_is_buffer', 'persistent']


def test_a_tensors_dict_writes_through_and_keeps_autograd_state():
    t = _leaf_after_backward()
    grad = t.grad
    vars(t)['note'] = 'x'
    assert t.note == 'x'
    t.__dict__ = {'other': 1}
    assert t.other == 1 and not hasattr(t, 'note') and t.grad is grad
    t.grad_dtype = ember.float32
    assert dict(vars(t)) == {'other': 1}


def test_pickled_and_deep_copied_tensors_keep_user_attributes_only():
    t = _leaf_after_backward()
    t.note = 'kept'
    for u in (pickle.loads(pickle.dumps(t)), copy.deepcopy(t)):
        assert dict(vars(u)) == {'note': 'kept'} and u.note == 'kept'
    assert ember.equal(copy.deepcopy(t).grad, t.grad)


class _Metadata:
    """A plain Python mixin ahead of Tensor, as MONAI's ``class MetaTensor(MetaObj, torch.Tensor)``: its own
    ``__dict__`` descriptor would come first in the subclass's MRO."""

    def copy_meta_from(self, other):
        self.__dict__.update({k: copy.copy(v) for k, v in other.__dict__.items()})
        return self


class _WithMetadata(_Metadata, ember.Tensor):
    pass


def test_a_subclass_with_a_mixin_ahead_of_tensor_shows_user_attributes_only():
    leaf = ember.ones(3).as_subclass(_WithMetadata).requires_grad_()
    leaf.meta = {'spacing': 1.5}
    view = leaf[:2]                              # the leaf now holds its live views
    (leaf * 2).sum().backward()
    assert dict(leaf.__dict__) == {'meta': {'spacing': 1.5}} and dict(vars(leaf)) == {'meta': {'spacing': 1.5}}
    # copying one tensor's __dict__ onto another (what MONAI does for every op's result) carries metadata only
    result = (leaf.detach() + 1).as_subclass(_WithMetadata).copy_meta_from(leaf)
    assert result.meta == {'spacing': 1.5} and result.grad is None and not result.requires_grad
    view.squeeze(0)                              # a view of a view of the leaf: the leaf's view list intact
    assert leaf.grad.tolist() == [2., 2., 2.]
