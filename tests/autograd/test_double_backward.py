"""Gradients of gradients match PyTorch's: piecewise-linear ops (ReLU family, pooling maxima, sorting,
masking, hinge losses) reach their inputs with zero second derivatives instead of leaving them unused,
and backward ops without a derivative in PyTorch refuse one with its error. Recorded by
tests/autograd/record_double_backward.py; the live variant reruns PyTorch where it is installed."""
import json
import math
import os

import pytest

import ember
from tests.autograd.double_backward_cases import CASES, hessian_vector_product, run

with open(os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'double_backward', 'results.json')) as _f:
    RECORDED = json.load(_f)


def _same(got, want, path='result'):
    """Assert ``got`` equals ``want`` (floats to 1e-9 relative, NaN equal to NaN), naming where it differs."""
    if isinstance(want, float) and isinstance(got, float):
        assert (math.isnan(got) and math.isnan(want)) or abs(got - want) <= 1e-9 * max(1.0, abs(want)), \
            f'{path}: {got} != {want}'
    elif isinstance(want, list) and isinstance(got, list):
        assert len(got) == len(want), f'{path}: {got} != {want}'
        for i, (g, w) in enumerate(zip(got, want)):
            _same(g, w, f'{path}[{i}]')
    elif isinstance(want, dict) and isinstance(got, dict):
        assert sorted(got) == sorted(want), f'{path}: keys {sorted(got)} != {sorted(want)}'
        for k in want:
            _same(got[k], want[k], f'{path}.{k}')
    else:
        assert got == want, f'{path}: {got!r} != {want!r}'


def test_every_case_is_recorded():
    assert sorted(RECORDED['cases']) == sorted(CASES)


@pytest.mark.parametrize('name', sorted(CASES))
def test_second_order_matches_recorded_pytorch(name):
    _same(run(ember, name), RECORDED['cases'][name], name)


def test_relu_network_hessian_vector_product_matches_recorded_pytorch():
    _same(hessian_vector_product(ember), RECORDED['hessian_vector_product'])


def test_relu_second_derivative_reaches_the_input_with_zeros():
    x = ember.tensor([-1.0, 2.0], dtype=ember.float64, requires_grad=True)
    g, = ember.autograd.grad(ember.nn.functional.relu(x).sum(), x, create_graph=True)
    assert g.grad_fn.name() == 'ThresholdBackwardBackward0'
    gg, = ember.autograd.grad(g.sum(), x)
    assert gg.tolist() == [0.0, 0.0]


def test_first_order_gradient_is_not_recorded_without_create_graph():
    x = ember.tensor([-1.0, 2.0], dtype=ember.float64, requires_grad=True)
    for f in (ember.nn.functional.relu, ember.nn.functional.hardtanh,
              lambda t: ember.nn.functional.max_pool1d(t.view(1, 1, 2), 2)):
        g, = ember.autograd.grad(f(x).sum(), x)
        assert not g.requires_grad and g.grad_fn is None


@pytest.mark.parametrize('name', sorted(CASES))
def test_second_order_matches_live_pytorch(name):
    torch = pytest.importorskip('torch')
    _same(run(ember, name), run(torch, name), name)


def test_hessian_vector_product_matches_live_pytorch():
    torch = pytest.importorskip('torch')
    _same(hessian_vector_product(ember), hessian_vector_product(torch))
