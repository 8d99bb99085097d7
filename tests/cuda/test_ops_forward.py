"""Every op-table row on the 'cuda' device gives the CPU's result (forward values, dtypes)."""
import contextlib

import numpy as np
import pytest

import ember
from tests._op_harness import pick, to_ember
from tests.op_db import OPS


def to_cuda(x):
    if isinstance(x, ember.Tensor):
        return x.detach().to('cuda').requires_grad_(x.requires_grad)
    if isinstance(x, (list, tuple)) and any(isinstance(i, ember.Tensor) for i in x):
        return type(x)(to_cuda(i) for i in x)
    return x


def on_cuda(args, kwargs):
    return [to_cuda(a) for a in args], {k: to_cuda(v) for k, v in kwargs.items()}


@contextlib.contextmanager
def default_device(dev):
    before = ember.get_default_device()
    ember.set_default_device(dev)
    try:
        yield
    finally:
        ember.set_default_device(before)


def host(out):
    if isinstance(out, ember.Tensor):
        assert out.device.type == 'cuda', out.device
        return out.detach().cpu().numpy()
    if isinstance(out, (tuple, list)):
        return [host(o) for o in out]
    return out


def assert_same(info, got, want):
    if isinstance(want, (tuple, list)):
        assert len(got) == len(want), info.name
        for g, w in zip(got, want):
            assert_same(info, g, w)
        return
    if isinstance(want, ember.Tensor):
        want = want.detach().numpy()
        assert got.dtype == want.dtype and got.shape == want.shape, (info.name, got.dtype, want.dtype)
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-9, equal_nan=True, err_msg=info.name)
    else:
        assert got == want or (got != got and want != want), (info.name, got, want)


# Rows whose op still leaves the device (NumPy/SciPy on device arrays, host-only LAPACK routines).
# strict: a fix makes the test pass and the row must then leave this list.
NOT_YET_ON_DEVICE = set()


def rows(ops):
    return [pytest.param(op, marks=pytest.mark.xfail(strict=True, reason='not yet device-clean'))
            if op.name in NOT_YET_ON_DEVICE else op for op in ops]


@pytest.mark.parametrize('info', rows(OPS), ids=lambda op: op.name)
def test_forward_on_cuda_matches_cpu(info):
    dtype = 'float64' if 'float64' in info.dtypes else info.dtypes[0]
    for sample in info.samples(np.random.default_rng(0)):
        args, kwargs = to_ember(sample, dtype, requires_grad=False)
        want = pick(info.op(*args, **kwargs), info.output_index)
        cargs, ckwargs = on_cuda(args, kwargs)
        with default_device('cuda'):  # constants the row's lambda makes land on the device too
            got = pick(info.op(*cargs, **ckwargs), info.output_index)
        assert_same(info, host(got), want)
