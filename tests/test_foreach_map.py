"""torch._higher_order_ops.foreach_map: a pointwise function applied across lists of tensors, other operands
repeated (the results read from PyTorch 2.13, rerun against it when it is installed)."""
import pytest

import ember
from ember._higher_order_ops.foreach_map import foreach_map

CASES = {
    'lambda': ([[2.0, 2.0], [1.0, 1.0]], lambda m, a, b: m(lambda x: x + 1, a)),
    'two_lists': ([[2.0, 2.0], [0.0, 0.0]], lambda m, a, b: m(lambda x, y: x + y, a, a)),
    'tensor_repeated': ([[0.5, 0.5], [0.0, 0.0]], lambda m, a, b: m(lambda x, w: x * w, a, b)),
    'number_repeated': ([[1.25, 1.25], [0.25, 0.25]], lambda m, a, b: m(lambda x, y, w: x + (y - x) * w, a,
                                                                         [t + 1 for t in a], 0.25)),
}


def _run(torch, case):
    a = [torch.ones(2), torch.zeros(2)]
    b = torch.tensor(0.5)
    out = CASES[case][1](foreach_map_of(torch), a, b)
    return [t.tolist() for t in out]


def foreach_map_of(torch):
    if torch is ember:
        return foreach_map
    from torch._higher_order_ops.foreach_map import foreach_map as theirs
    return theirs


@pytest.mark.parametrize('case', sorted(CASES))
def test_foreach_map(case):
    assert _run(ember, case) == CASES[case][0]


def test_no_list_applies_the_function_once():
    assert foreach_map(ember.add, ember.tensor(1), ember.tensor(2)).item() == 3


def test_results_are_a_list_of_what_the_function_returns():
    a = [ember.ones(2), ember.zeros(2)]
    out = foreach_map(lambda x: (x, x * 2), a)
    assert isinstance(out, list) and [[t.tolist() for t in pair] for pair in out] == \
        [[[1.0, 1.0], [2.0, 2.0]], [[0.0, 0.0], [0.0, 0.0]]]


def test_compiled_adam_written_with_foreach_map_updates_as_the_function_does():
    # the recipe's update rule, compiled and eager, on the same state
    def update(params, exp_avgs, lr):
        new = foreach_map(lambda p, m: p - lr * m, params, exp_avgs)
        ember._foreach_copy_(params, new)

    def state():
        return [ember.ones(3), ember.full((2,), 2.0)], [ember.full((3,), 0.5), ember.ones(2)]
    p1, m1 = state()
    p2, m2 = state()
    compiled = ember.compile(update)
    for _ in range(3):
        update(p1, m1, 0.1)
        compiled(p2, m2, 0.1)
    assert [t.tolist() for t in p1] == [t.tolist() for t in p2]
    assert [round(v, 5) for v in p2[0].tolist()] == [0.85, 0.85, 0.85]


def test_the_results_are_pytorchs():
    torch = pytest.importorskip('torch')
    for case in CASES:
        assert _run(torch, case) == CASES[case][0], case
