"""Forward values of every op-table row against its NumPy reference, in each listed dtype."""
import numpy as np
import pytest

import ember
from tests._op_harness import pick, to_ember, to_numpy_args
from tests.op_db import OPS


@pytest.mark.parametrize('info', [op for op in OPS if op.ref is not None], ids=lambda op: op.name)
def test_forward_matches_reference(info):
    for dtype in info.dtypes:
        rng = np.random.default_rng(0)
        for sample in info.samples(rng):
            args, kwargs = to_ember(sample, dtype, requires_grad=False)
            out = pick(info.op(*args, **kwargs), info.output_index)
            nargs, nkwargs = to_numpy_args(sample, dtype)
            expected = info.ref(*nargs, **nkwargs)
            if isinstance(out, (tuple, list)):  # split, chunk, unbind...: compare part by part
                assert isinstance(expected, (tuple, list)) and len(out) == len(expected), (sample, len(out))
                for o, e in zip(out, expected):
                    _compare(info, sample, dtype, o, e)
            else:
                _compare(info, sample, dtype, out, expected)


def _compare(info, sample, dtype, out, expected):
    expected = np.asarray(expected)
    got = out.detach().numpy() if isinstance(out, ember.Tensor) else np.asarray(out)
    assert got.shape == expected.shape, (sample, got.shape, expected.shape)
    tol = dict(atol=info.atol, rtol=info.rtol) if dtype == 'float64' else dict(atol=1e-4, rtol=1e-4)
    np.testing.assert_allclose(got.astype(np.float64) if got.dtype.kind not in 'bc' else got, expected,
                               err_msg=f'{info.name} {sample} {dtype}', **tol)
    if isinstance(out, ember.Tensor) and got.dtype.kind == 'f' and np.dtype(dtype).kind == 'f' \
            and expected.dtype.kind == 'f':
        assert got.dtype == np.dtype(dtype), f'{info.name}: dtype {got.dtype} for {dtype} inputs'


@pytest.mark.parametrize('info', [op for op in OPS if op.grad], ids=lambda op: op.name)
def test_backward_records_graph(info):
    rng = np.random.default_rng(1)
    sample = info.samples(rng)[0]
    args, kwargs = to_ember(sample, 'float32', requires_grad=True)
    out = pick(info.op(*args, **kwargs), info.output_index)
    for o in (out if isinstance(out, (tuple, list)) else (out,)):
        assert o.requires_grad and o.grad_fn is not None
        assert o.grad_fn.name().endswith(tuple('0123456789')) or 'Backward' in o.grad_fn.name() \
            or o.grad_fn.name() == 'CopySlices'


@pytest.mark.parametrize('info', [op for op in OPS if op.error_inputs is not None], ids=lambda op: op.name)
def test_error_inputs(info):
    """Bad arguments raise PyTorch's exception type and text, and leave the inputs as they were."""
    for case in info.error_inputs():
        args, kwargs = to_ember(case.sample, 'float32', requires_grad=False)
        tensors = [a for a in list(args) + list(kwargs.values()) if isinstance(a, ember.Tensor)]
        before = [(t._data.copy(), t._version.value) for t in tensors]
        with pytest.raises(case.error) as caught:
            info.op(*args, **kwargs)
        assert str(caught.value) == case.message, (info.name, case.sample)
        for t, (data, version) in zip(tensors, before):
            np.testing.assert_array_equal(t._data, data)
            assert t._version.value == version
