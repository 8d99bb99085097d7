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
            or o.grad_fn.name() == 'ember::autograd::CopySlices'


@pytest.mark.parametrize('info', [op for op in OPS if op.error_inputs is not None], ids=lambda op: op.name)
def test_error_inputs(info):
    """Bad arguments raise PyTorch's exception type and text, and leave the inputs as they were."""
    for case in info.error_inputs():
        args, kwargs = to_ember(case.sample, 'float32', requires_grad=False)
        tensors = [a for a in list(args) + list(kwargs.values()) if isinstance(a, ember.Tensor)]
        before = [(t._data.copy(), t._version_counter.value) for t in tensors]
        with pytest.raises(case.error) as caught:
            info.op(*args, **kwargs)
        assert str(caught.value) == case.message, (info.name, case.sample)
        for t, (data, version) in zip(tensors, before):
            np.testing.assert_array_equal(t._data, data)
            assert t._version_counter.value == version


def _inplace_rows():
    from ember.ops._registry import REGISTRY
    by_name = {e.name: e for e in REGISTRY if e.inplace}
    return [(info, by_name[info.name]) for info in OPS if info.name in by_name]


@pytest.mark.parametrize('info,entry', _inplace_rows(), ids=lambda x: getattr(x, 'name', ''))
def test_inplace_variant_matches_out_of_place(info, entry):
    """``x.name_(...)`` (made by the registry) writes exactly what ``name(x, ...)`` returns, into ``x``."""
    from ember.ops._registry import inplace_variant
    method = inplace_variant(entry)
    checked = 0
    for sample in info.samples(np.random.default_rng(0)):
        args, kwargs = to_ember(sample, 'float64', requires_grad=False)
        if not args or not isinstance(args[0], ember.Tensor):
            continue
        expected = entry.fn(*args, **kwargs)
        if not isinstance(expected, ember.Tensor) or expected.shape != args[0].shape \
                or expected.dtype != args[0].dtype:
            continue  # the result would not fit the input (broadcasting or promotion): in-place refuses
        target = args[0].clone()
        version = target._version_counter.value
        assert method(target, *args[1:], **kwargs) is target
        np.testing.assert_array_equal(target.numpy(), expected.numpy(), err_msg=f'{entry.name}_ {sample}')
        assert target._version_counter.value > version
        checked += 1
    if not checked:
        pytest.skip(f'no sample of {info.name} keeps its first input\'s shape and dtype')


def test_remainder_keeps_fmod_s_signed_zero_as_pytorch_does():
    # PyTorch: r = fmod(a, b), plus b when r is nonzero and its sign differs from b's
    got = ember.remainder(ember.tensor([-3., -2., -1., 1., 2., 3.]), 2).numpy()
    assert got.tolist() == [1., 0., 1., 1., 0., 1.]
    assert np.signbit(got).tolist() == [False, True, False, False, False, False]
    got = ember.remainder(ember.tensor([1., 2., 3., 4., 5.]), -1.5).numpy()
    assert got.tolist() == [-0.5, -1.0, 0.0, -0.5, -1.0]
    assert not np.signbit(got[2])


def test_softshrink_maps_its_band_to_a_signed_zero_as_pytorch_does():
    got = ember.nn.functional.softshrink(ember.tensor([-2.0, -0.25, 0.0, 0.25, 1.5])).numpy()
    assert got.tolist() == [-1.5, 0.0, 0.0, 0.0, 1.0]
    assert np.signbit(got).tolist() == [True, True, False, False, False]
