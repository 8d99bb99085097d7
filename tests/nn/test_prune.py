"""nn.utils.prune: the pruning tutorial's steps give PyTorch's masks, names and counts (recorded by
tests/fixtures/prune/scenario.py), and bad input gets PyTorch's errors, leaving the module as it was."""
import json

import pytest

import ember
import ember.nn as nn
from ember.nn.utils import prune
from tests.fixtures.prune.scenario import RECORDED, run


def test_the_tutorial_steps_match_pytorch_s_recorded_results():
    with open(RECORDED) as f:
        want = json.load(f)
    assert run(ember) == want


def test_training_updates_the_original_while_pruned_entries_stay_zero():
    ember.manual_seed(0)
    m = nn.Linear(4, 3)
    prune.l1_unstructured(m, 'weight', amount=0.5)
    mask = m.weight_mask.clone()
    opt = ember.optim.SGD(m.parameters(), lr=0.1)
    for _ in range(3):
        opt.zero_grad()
        m(ember.randn(5, 4)).pow(2).sum().backward()
        opt.step()
    assert m.weight_orig.grad is not None
    assert ember.equal(m.weight_orig.grad * (1 - mask), ember.zeros_like(mask))   # pruned entries get no gradient
    assert ember.allclose(m(ember.eye(4)).detach() - m.bias.detach(), (m.weight_orig * mask).detach().t(), atol=1e-6)
    assert int((m.weight == 0).sum()) == 6


def test_importance_scores_choose_what_is_pruned():
    m = nn.Linear(3, 1, bias=False)
    scores = ember.tensor([[3., 1., 2.]])
    prune.l1_unstructured(m, 'weight', amount=1, importance_scores=scores)
    assert m.weight_mask.tolist() == [[1., 0., 1.]]
    with pytest.raises(AssertionError, match='importance_scores should have the same shape as parameter bias'):
        prune.l1_unstructured(nn.Linear(3, 2), 'bias', amount=1, importance_scores=ember.ones(3))


def test_a_pruned_module_saves_and_loads_its_mask_and_original():
    m = prune.l1_unstructured(nn.Linear(3, 2), 'weight', amount=2)
    fresh = prune.identity(nn.Linear(3, 2), 'weight')
    fresh.load_state_dict(m.state_dict())
    fresh(ember.zeros(1, 3))              # the pre-hook recomputes weight from the loaded buffers
    assert ember.equal(fresh.weight, m.weight)


@pytest.mark.parametrize('amount, error, message', [
    ('0.5', TypeError, 'Invalid type for amount: 0.5. Must be int or float.'),
    (1.5, ValueError, r'amount=1.5 should either be a float in the range \[0, 1\] or a non-negative integer'),
    (-1, ValueError, r'amount=-1 should either be a float in the range \[0, 1\] or a non-negative integer'),
    (10, ValueError, 'amount=10 should be smaller than the number of parameters to prune=6'),
])
def test_bad_amounts_raise_pytorch_s_errors_and_leave_the_module_unchanged(amount, error, message):
    m = nn.Linear(3, 2)
    before = dict(m.named_parameters())
    with pytest.raises(error, match=message):
        prune.l1_unstructured(m, 'weight', amount=amount)
    assert dict(m.named_parameters()) == before and not prune.is_pruned(m)
    assert list(m._buffers) == []


def test_structured_pruning_and_removal_errors():
    with pytest.raises(ValueError, match='Structured pruning can only be applied to multidimensional tensors. '
                                         r'Found tensor of shape ember.Size\(\[2\]\) with 1 dims'):
        prune.ln_structured(nn.Linear(3, 2), 'bias', amount=1, n=2, dim=0)
    with pytest.raises(IndexError, match=r'Invalid index 2 for tensor of size ember.Size\(\[2, 3\]\)'):
        prune.random_structured(nn.Linear(3, 2), 'weight', amount=1, dim=2)
    m = nn.Linear(3, 2)
    with pytest.raises(ValueError, match="Parameter 'weight' of module Linear\\(in_features=3, out_features=2, "
                                         "bias=True\\) has to be pruned before pruning can be removed"):
        prune.remove(m, 'weight')
    with pytest.raises(TypeError, match='Only "unstructured" PRUNING_TYPE supported'):
        prune.global_unstructured([(m, 'weight')], pruning_method=prune.RandomStructured, amount=1)


def test_prune_method_object_and_custom_method():
    class KeepEveryOther(prune.BasePruningMethod):
        PRUNING_TYPE = 'unstructured'

        def compute_mask(self, t, default_mask):
            mask = default_mask.clone()
            mask.view(-1)[::2] = 0
            return mask

    m = nn.Linear(3, 1)
    KeepEveryOther.apply(m, 'bias')
    assert m.bias_mask.tolist() == [0.]
    pruned = prune.L1Unstructured(amount=2).prune(ember.tensor([3., -1., 0.5, 2.]))
    assert pruned.tolist() == [3., -0., 0., 2.]
