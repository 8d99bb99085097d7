"""Warnings from ember's functions point at the user's line, as PyTorch's do, even through ember's own
wrappers (autocast, __torch_function__ dispatch)."""
import warnings

import ember
import ember.nn.functional as F


class _Tagged(ember.Tensor):   # defining a subclass switches __torch_function__ dispatch on: one more frame
    pass


def _warnings_of(call):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        call()
    return caught


def test_loss_size_warning_names_the_callers_line():
    caught = _warnings_of(lambda: F.mse_loss(ember.ones(2, 1), ember.ones(2)))
    assert [w.filename for w in caught] == [__file__]
    assert 'Using a target size (ember.Size([2]))' in str(caught[0].message)


def test_deprecation_warnings_name_the_callers_line():
    for call in (lambda: F.upsample(ember.ones(1, 1, 2), scale_factor=2),
                 lambda: ember.meshgrid(ember.ones(2), ember.ones(2)),
                 lambda: F.grid_sample(ember.ones(1, 1, 2, 2), ember.zeros(1, 1, 1, 2))):
        caught = _warnings_of(call)
        assert caught and {w.filename for w in caught} == {__file__}
