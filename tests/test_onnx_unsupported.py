"""What ember.onnx.export does with the ops PyTorch's exporter refuses (recorded from PyTorch by
tests/fixtures/onnx/record_torch_unsupported.py): an op ember cannot write either is refused with
PyTorch's ``UnsupportedOperatorError`` naming the ATen operator the user called, in PyTorch's words;
the ops listed below are written (and computed right by onnxruntime) or refused for a stated reason."""
import io
import json
import pathlib

import numpy as np
import pytest

import ember
from ember.onnx.errors import UnsupportedOperatorError
from tests.fixtures.onnx.unsupported_cases import CASES, module

_RECORDED = json.loads((pathlib.Path(__file__).parent / 'fixtures' / 'onnx' / 'torch_unsupported.json').read_text())

# written by ember, though PyTorch 2.13 refuses them (its TorchScript exporter has no rule for them,
# or, for squeeze over several dims, fails inside its rule)
WRITTEN_BEYOND_PYTORCH = {'cumprod', 'cov', 'kthvalue', 'median', 'logcumsumexp', 'squeeze_dims'}
# written by both
WRITTEN_BY_BOTH = {'logdet', 'bitwise_left_shift', 'bitwise_right_shift', 'repeat_interleave', 'nonzero',
                   'bucketize', 'as_strided'}
# refused by ember for its own reason (the text says which)
REFUSED_OTHERWISE = {
    # computed on the data outside the recorded ops, so the capture holds no node to name
    'bessel_j0': 'no recorded op made', 'histc': 'no recorded op made', 'isclose': 'no recorded op made',
    'searchsorted': 'no recorded op made',
    # PyTorch writes this; ember does not yet
    'adaptive_max_pool2d_indices': "output 1 of the op 'AdaptiveMaxPool' has no ONNX translation",
}


def _export(name, **kwargs):
    ember.manual_seed(0)
    mod, args = module(ember, name)
    buf = io.BytesIO()
    ember.onnx.export(mod, args, buf, opset_version=18, **kwargs)
    return mod, args, buf.getvalue()


def test_every_case_has_an_expected_outcome():
    refused = {k for k, r in _RECORDED.items() if r.get('error') == 'UnsupportedOperatorError'}
    assert set(_RECORDED) == set(CASES)
    assert WRITTEN_BY_BOTH == {k for k, r in _RECORDED.items() if 'nodes' in r} - set(REFUSED_OTHERWISE)
    assert WRITTEN_BEYOND_PYTORCH - {'squeeze_dims'} <= refused
    assert len(refused - WRITTEN_BEYOND_PYTORCH - set(REFUSED_OTHERWISE)) >= 35


@pytest.mark.parametrize('name', sorted(k for k, r in _RECORDED.items() if r.get('error') == 'UnsupportedOperatorError'
                                        and k not in WRITTEN_BEYOND_PYTORCH and k not in REFUSED_OTHERWISE))
# ember has one exporter: with dynamo=True too it raises the TorchScript exporter's error (PyTorch's
# dynamo exporter raises its ConversionError, also an OnnxExporterError and a RuntimeError, whose
# text quotes its own decomposed graph)
@pytest.mark.parametrize('dynamo', [False, True])
def test_refused_as_pytorch_refuses(name, dynamo):
    pytest.importorskip('onnx')
    with pytest.raises(UnsupportedOperatorError) as info:
        _export(name, dynamo=dynamo)
    assert str(info.value) == _RECORDED[name]['message']
    assert isinstance(info.value, ember.onnx.OnnxExporterError) and isinstance(info.value, RuntimeError)


@pytest.mark.parametrize('name', sorted(REFUSED_OTHERWISE))
def test_refused_for_a_stated_reason(name):
    pytest.importorskip('onnx')
    with pytest.raises((NotImplementedError, ember.onnx.OnnxExporterError), match=REFUSED_OTHERWISE[name]):
        _export(name)


@pytest.mark.parametrize('name', sorted(WRITTEN_BEYOND_PYTORCH | WRITTEN_BY_BOTH))
def test_written_and_computed_right(name):
    onnx = pytest.importorskip('onnx')
    ort = pytest.importorskip('onnxruntime')
    mod, args, blob = _export(name)
    onnx.checker.check_model(onnx.load_from_string(blob))
    session = ort.InferenceSession(blob, providers=['CPUExecutionProvider'])
    got = session.run(None, {i.name: a.numpy() for i, a in zip(session.get_inputs(), args)})[0]
    np.testing.assert_allclose(got, mod(*args).numpy(), rtol=1e-5, atol=1e-6, equal_nan=True)


def test_logdet_of_negative_and_singular_determinants():
    # NaN for a negative determinant and -inf for a singular matrix, as PyTorch's Log(Det(x))
    ort = pytest.importorskip('onnxruntime')
    a = ember.tensor([[[2., 1.], [1., 3.]], [[1., 2.], [2., 1.]], [[1., 1.], [1., 1.]]])
    buf = io.BytesIO()
    ember.onnx.export(lambda x: ember.logdet(x), (a,), buf, input_names=['a'], dynamic_axes={'a': [0]})
    session = ort.InferenceSession(buf.getvalue(), providers=['CPUExecutionProvider'])
    got = session.run(None, {'a': np.concatenate([a.numpy(), a.numpy()])})[0]
    np.testing.assert_allclose(got, [np.log(5.), np.nan, -np.inf] * 2, rtol=1e-6)


def test_slogdet_itself_is_refused_as_pytorch_refuses():
    with pytest.raises(UnsupportedOperatorError, match="'aten::linalg_slogdet'"):
        ember.onnx.export(lambda x: ember.linalg.slogdet(x)[1], (ember.eye(3) * 2,), io.BytesIO())


def test_nonzero_follows_the_values_it_is_run_on():
    # ONNX NonZero: the number of rows is the data's, not the traced example's
    ort = pytest.importorskip('onnxruntime')
    for fn in (lambda x: ember.nonzero(x), lambda x: x.nonzero(as_tuple=True)[1], lambda x: ember.where(x > 0)[0]):
        buf = io.BytesIO()
        ember.onnx.export(fn, (ember.tensor([[0., 1., 2.], [3., 0., 0.]]),), buf)
        session = ort.InferenceSession(buf.getvalue(), providers=['CPUExecutionProvider'])
        other = ember.tensor([[1., 1., 1.], [1., 1., 0.]])
        got = session.run(None, {session.get_inputs()[0].name: other.numpy()})[0]
        assert got.tolist() == fn(other).tolist()


def test_bucketize_and_as_strided_compute_what_ember_does():
    ort = pytest.importorskip('onnxruntime')
    bounds = ember.tensor([-1., 0., 1.])
    x = ember.tensor([[-2., -1., 0.], [0.5, 1., float('nan')]])
    for fn, arg in [(lambda t: ember.bucketize(t, bounds), x), (lambda t: ember.bucketize(t, bounds, right=True), x),
                    (lambda t: ember.bucketize(t, bounds, out_int32=True), x),
                    (lambda t: t.as_strided((2, 2), (1, 2), 1), ember.arange(6.)),
                    (lambda t: ember.as_strided(t * 2, (2, 3), (0, 1)), ember.arange(6.))]:
        buf = io.BytesIO()
        ember.onnx.export(fn, (arg,), buf)
        session = ort.InferenceSession(buf.getvalue(), providers=['CPUExecutionProvider'])
        got, want = session.run(None, {session.get_inputs()[0].name: arg.numpy()})[0], fn(arg).numpy()
        assert got.dtype == want.dtype and got.tolist() == want.tolist()
    with pytest.raises(NotImplementedError, match='AsStrided with an input that is a view into a larger tensor'):
        ember.onnx.export(lambda t: t[1:].as_strided((2,), (1,)), (ember.arange(6.),), io.BytesIO())


def test_shifts_of_negative_and_narrow_integers():
    ort = pytest.importorskip('onnxruntime')
    x = ember.tensor([-7, -1, 0, 5, 100], dtype=ember.int32)
    for fn in (lambda x: x >> 2, lambda x: x << 3, lambda x: x.to(ember.int8) << 1,
               lambda x: ember.bitwise_right_shift(x, ember.tensor([0, 1, 2, 3, 4], dtype=ember.int32)),
               lambda x: x.abs().to(ember.uint8) >> 1):
        buf = io.BytesIO()
        ember.onnx.export(fn, (x,), buf)
        session = ort.InferenceSession(buf.getvalue(), providers=['CPUExecutionProvider'])
        got = session.run(None, {session.get_inputs()[0].name: x.numpy()})[0]
        want = fn(x).numpy()
        assert got.dtype == want.dtype and (got == want).all()
