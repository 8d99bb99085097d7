"""float32 batch norm gives PyTorch's bits for inputs with one element per sample and channel ((N, C) and
(N, C, 1), which PyTorch normalises with its channels-last kernel: per-thread float32 sums of rows) and with
small spatial sizes, in training (output and running statistics) and in eval (recorded in
tests/fixtures/batch_norm_rows by its record.py, with 1 and 2 threads)."""
import math
import os

import numpy as np
import pytest

import ember
from ember.ops import _batch_norm_arrays
from tests.fixtures.batch_norm_rows.record import SHAPES, THREADS, inputs, key

RESULTS = os.path.join(os.path.dirname(__file__), 'fixtures', 'batch_norm_rows', 'results.npz')


@pytest.fixture(scope='module')
def recorded():
    with np.load(RESULTS) as f:
        return dict(f)


@pytest.mark.parametrize('threads', THREADS)
@pytest.mark.parametrize('shape', SHAPES, ids=str)
def test_batch_norm_is_pytorchs_bits(recorded, monkeypatch, threads, shape):
    monkeypatch.setattr(_batch_norm_arrays, 'intra_op_threads', lambda: threads)
    x, w, b = (ember.from_numpy(a) for a in inputs(shape))
    rm, rv = ember.zeros(shape[1]), ember.ones(shape[1])
    F = ember.nn.functional
    y = F.batch_norm(x, rm, rv, w, b, training=True, momentum=0.1)
    ye = F.batch_norm(x, rm, rv, w, b)
    for what, v in (('y', y), ('mean', rm), ('var', rv), ('eval', ye)):
        np.testing.assert_array_equal(v.numpy(), recorded[key(threads, shape, what)], err_msg=what)


def test_batch_norm1d_module_on_a_table_trains_and_backpropagates():
    # (N, C) float32 through the module: the gradient still flows through the batch statistics
    x = ember.from_numpy(inputs((64, 7))[0]).requires_grad_()
    bn = ember.nn.BatchNorm1d(7)
    y = bn(x)
    (y * y[:, :1]).sum().backward()
    assert y.shape == (64, 7) and x.grad.shape == (64, 7)
    assert abs(y.mean(0)).max().item() < 1e-5 and x.grad.abs().sum().item() > 0


@pytest.mark.parametrize('shape', [(1, 1, 2), (2, 1, 3), (3, 1, 2, 2), (2, 1, 1, 1, 4)])
def test_one_channel_with_spatial_dims_normalises_and_leaves_the_input(shape):
    # (one channel: the statistics' working copy once aliased the input and was centred in place)
    x = ember.arange(float(math.prod(shape))).reshape(shape) ** 2
    before = x.clone()
    y = ember.nn.functional.batch_norm(x, None, None, training=True)
    assert ember.equal(x, before)
    flat = before.flatten().double()
    want = (flat - flat.mean()) / (flat.var(unbiased=False) + 1e-5).sqrt()
    assert ember.allclose(y.flatten().double(), want, atol=1e-5)
    assert ember.nn.InstanceNorm3d(1)(ember.tensor([[[[[1., 3.]]]]])).flatten().tolist() == \
        pytest.approx([-1.0, 1.0], abs=1e-4)
