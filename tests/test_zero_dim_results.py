"""Ops given a 0-d tensor return a 0-d tensor, as PyTorch's do. NumPy's ``ascontiguousarray`` returns at least
1-d arrays, so ops that make their result contiguous with it (logsigmoid, masked_fill) or draw through it
(bernoulli, poisson) once returned shape ``(1,)``. The values are PyTorch's (recorded with seed 0)."""
import pytest

import ember
import ember.nn.functional as F

# (expression on ember, PyTorch's printed result), each run after manual_seed(0)
RECORDED = [
    (lambda: ember.bernoulli(ember.tensor(0.3)), 'tensor(0.)'),
    (lambda: ember.poisson(ember.tensor(4.)), 'tensor(7.)'),
    (lambda: F.logsigmoid(ember.tensor(0.5)), 'tensor(-0.4741)'),
    (lambda: ember.tensor(1.).masked_fill(ember.tensor(True), 0.), 'tensor(0.)'),
    (lambda: ember.tensor(1.).masked_fill(ember.tensor(False), ember.tensor(5.)), 'tensor(1.)'),
    (lambda: ember.distributions.NegativeBinomial(3., ember.tensor(0.25)).log_prob(ember.tensor(2.)),
     'tensor(-1.8439)'),
]


@pytest.mark.parametrize('index', range(len(RECORDED)))
def test_a_0d_input_gives_a_0d_result_with_pytorch_s_value(index):
    make, printed = RECORDED[index]
    ember.manual_seed(0)
    result = make()
    assert result.shape == () and repr(result) == printed


def test_results_stay_contiguous_and_differentiable():
    t = ember.arange(6.).view(2, 3).t()                  # a non-contiguous input still gives a contiguous result
    assert F.logsigmoid(t).is_contiguous() and t.masked_fill(t > 2, 0.).is_contiguous()
    x = ember.tensor(0.5, requires_grad=True)
    F.logsigmoid(x).backward()
    assert x.grad.shape == () and abs(x.grad.item() - 0.3775406687981454) < 1e-6   # sigmoid(-0.5)


def test_against_pytorch_live():
    torch = pytest.importorskip('torch')
    ember_calls = [make for make, _ in RECORDED]
    torch_calls = [lambda: torch.bernoulli(torch.tensor(0.3)), lambda: torch.poisson(torch.tensor(4.)),
                   lambda: torch.nn.functional.logsigmoid(torch.tensor(0.5)),
                   lambda: torch.tensor(1.).masked_fill(torch.tensor(True), 0.),
                   lambda: torch.tensor(1.).masked_fill(torch.tensor(False), torch.tensor(5.)),
                   lambda: torch.distributions.NegativeBinomial(3., torch.tensor(0.25)).log_prob(torch.tensor(2.))]
    for make, make_torch in zip(ember_calls, torch_calls):
        ember.manual_seed(0)
        torch.manual_seed(0)
        assert repr(make()) == repr(make_torch())
