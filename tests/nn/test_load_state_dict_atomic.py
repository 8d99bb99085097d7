"""load_state_dict is all or nothing: when it raises, the model is exactly as before."""
import pytest

import ember
import ember.nn as nn


def _model():
    ember.manual_seed(0)
    return nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 2))


def _snapshot(model):
    return {k: v.clone() for k, v in model.state_dict().items()}


def _unchanged(model, before):
    after = model.state_dict()
    return list(after) == list(before) and all(ember.equal(after[k], before[k]) for k in before)


def _changed_checkpoint(model):
    # every entry different from the model's, so any partial copy would show
    return {k: (v + 1 if v.is_floating_point() else v + 5) for k, v in model.state_dict().items()}


@pytest.mark.parametrize('assign', [False, True])
def test_shape_mismatch_late_in_the_model_changes_nothing(assign):
    model = _model()
    before = _snapshot(model)
    sd = _changed_checkpoint(model)
    sd['2.weight'] = ember.zeros(3, 3)      # the last layer: PyTorch has copied the others by now
    with pytest.raises(RuntimeError, match=r'size mismatch for 2\.weight: copying a param with shape '
                                           r'ember\.Size\(\[3, 3\]\) from checkpoint'):
        model.load_state_dict(sd, assign=assign)
    assert _unchanged(model, before)


@pytest.mark.parametrize('edit, message', [
    (lambda sd: sd.pop('2.bias'), r'Missing key\(s\) in state_dict: "2\.bias"'),
    (lambda sd: sd.__setitem__('extra', ember.ones(1)), r'Unexpected key\(s\) in state_dict: "extra"'),
])
def test_strict_key_errors_change_nothing(edit, message):
    model = _model()
    before = _snapshot(model)
    sd = _changed_checkpoint(model)
    edit(sd)
    with pytest.raises(RuntimeError, match=message):
        model.load_state_dict(sd)
    assert _unchanged(model, before)


def test_failing_hook_changes_nothing():
    model = _model()
    before = _snapshot(model)

    def boom(module, *args):
        raise ValueError('hook failed')
    model[2].register_load_state_dict_pre_hook(boom)
    with pytest.raises(ValueError, match='hook failed'):
        model.load_state_dict(_changed_checkpoint(model))
    assert _unchanged(model, before)


def test_successful_and_non_strict_loads_still_copy():
    model = _model()
    sd = _changed_checkpoint(model)
    sd.pop('2.bias')
    result = model.load_state_dict(sd, strict=False)
    assert result.missing_keys == ['2.bias']
    assert ember.equal(model[0].weight, sd['0.weight'])
