"""Signed zeros and NaNs of the min/max-like ops (clamp and its spellings, hardtanh, relu6, threshold,
relu, maximum/minimum, fmax/fmin, max/min of two tensors, clamp by tensors) and their gradients at
ties, against PyTorch's bits recorded in tests/fixtures/min_max_ties (record.py there), and against
PyTorch itself when it is installed."""
import pathlib

import numpy as np
import pytest

import ember
import ember.nn.functional as F
from ember.ops import _ties
from tests.fixtures.min_max_ties import cases

RECORDED = np.load(pathlib.Path(__file__).with_name('fixtures') / 'min_max_ties' / 'expected.npz')

# maximum and its kin take `other` on a -0/+0 tie in PyTorch's vector loop but `input` in its scalar
# loop: with AVX-512, a contiguous run goes 64 bytes at a time through the vector loop and its last
# (length mod 64 bytes) through the scalar one, strided operands all through the scalar one, and
# float16's ties go the other way in NumPy. That depends on the CPU's vector width and on threading,
# so ties are compared only where both operands are contiguous and fill whole vector blocks (the
# 64-element 'short' runs) in float32/float64/bfloat16
_LAYOUT_TIES = {'maximum', 'minimum', 'max2', 'min2', 'clamp_lo_tensor', 'clamp_hi_tensor',
                'clamp_min_tensor', 'clamp_max_tensor'}
# PyTorch's NaN bits are its vector loop's (all ones, or the canonical NaN) except where an op hands
# a NaN input on unchanged, as the float32/float64 clamp by numbers does on every path
_PAYLOAD_KEPT = set(cases.unary_ops(ember, F)) | {'fmax', 'fmin'}


def _is_nan(bits, dtype):
    _, width, mant = cases._INT[dtype]
    u = bits.astype(np.int64) & ((1 << width) - 1) if width < 64 else bits.view(np.uint64)
    exp_all = ((1 << (width - 1)) - 1) & ~((1 << mant) - 1)
    u = u.astype(np.uint64)
    return ((u & np.uint64(exp_all)) == np.uint64(exp_all)) & ((u & np.uint64((1 << mant) - 1)) != 0)


def _compared(key, want, got):
    """(positions compared bit for bit, positions compared as NaN or not)."""
    dtype, layout, name = key.split('/')[:3]
    nan = _is_nan(want, dtype)
    exact = ~nan
    if name in _PAYLOAD_KEPT and dtype in ('float32', 'float64'):
        exact = np.ones_like(nan)
    if name in _LAYOUT_TIES and (layout != 'short' or dtype == 'float16'):
        ints = cases.awkward_bits(dtype)
        n = len(ints)
        firsts = np.array([a for a in ints for _ in ints] * 3)[:want.size]
        seconds = np.array([b for _ in ints for b in ints] * 3)[:want.size]
        zero = np.isin(firsts, ints[:2]) & np.isin(seconds, ints[:2]) & (firsts != seconds)
        exact &= ~zero
        assert n == 8
    return exact, nan


FORWARD = sorted(k for k in RECORDED.files if '/grad/' not in k)
BACKWARD = sorted(k for k in RECORDED.files if '/grad/' in k)


@pytest.fixture(scope='module')
def ember_forward():
    return cases.forward(ember, F)


@pytest.fixture(scope='module')
def ember_backward():
    return cases.backward(ember, F)


@pytest.mark.parametrize('key', FORWARD)
def test_forward_bits_match_recorded(key, ember_forward):
    dtype = key.split('/')[0]
    want = RECORDED[key].astype(np.int64)
    got = ember_forward[key]
    exact, nan = _compared(key, want, got)
    assert np.array_equal(_is_nan(got, dtype), nan), key
    assert np.array_equal(got[exact], want[exact]), [
        (i, hex(int(want[i])), hex(int(got[i]))) for i in np.nonzero(exact & (got != want))[0][:4]]


@pytest.mark.parametrize('key', BACKWARD)
def test_gradients_at_ties_match_recorded(key, ember_backward):
    dtype = key.split('/')[0]
    want, got = RECORDED[key].astype(np.int64), ember_backward[key]
    nan = _is_nan(want, dtype)
    assert np.array_equal(_is_nan(got, dtype), nan), key
    # (a bfloat16 NaN's bits are those of PyTorch's conversion path, as in the forward cases)
    exact = ~nan if dtype == 'bfloat16' else np.ones_like(nan)
    assert np.array_equal(got[exact], want[exact]), key


def test_the_recorded_ties_are_the_awkward_ones():
    # clamp keeps x at a number bound (-0 stays -0), where NumPy's clip would take the bound
    bits = RECORDED['float32/short/clamp_min_0'].astype(np.int64) & 0xFFFFFFFF
    assert bits[0] == 0x80000000 and bits[1] == 0
    assert RECORDED['float32/short/fmax'].astype(np.int64)[1] & 0xFFFFFFFF == 0x80000000   # fmax(-0, +0) is input


@pytest.mark.parametrize('dtype', ['float16', 'float32', 'float64'])
def test_clamp_without_numpys_clip_gives_the_same_bits(dtype, monkeypatch):
    """Where the check at first use finds NumPy's clip does not keep x at a bound, clamp falls back on
    comparisons and where(): the same bits."""
    ints = cases.awkward_bits(dtype)
    x = cases.layouts(ember, ints, dtype)['long']
    expected = {name: cases._bits(fn(x)) for name, fn in cases.unary_ops(ember, F).items()}
    monkeypatch.setattr(_ties, '_KEEPS_X', {np.dtype(dtype): False})
    for name, fn in cases.unary_ops(ember, F).items():
        assert np.array_equal(cases._bits(fn(x)), expected[name]), name


def test_the_checks_at_first_use_refuse_a_numpy_that_loses_negative_zero(monkeypatch):
    assert _ties._clip_keeps_x(np.dtype(np.float32))
    assert _ties._fminmax_swapped(np.dtype(np.float32), np.fmax, lambda p, q: p >= q)
    assert not _ties._fminmax_swapped(np.dtype(np.float32), lambda p, q: np.fmax(q, p), lambda p, q: p >= q)
    clip = _ties._CLIP
    monkeypatch.setattr(_ties, '_CLIP', lambda x, lo, hi: np.where(x == lo, np.abs(x), clip(x, lo, hi)))
    assert not _ties._clip_keeps_x(np.dtype(np.float32))


def test_fmax_without_the_numpy_order_gives_the_same_bits(monkeypatch):
    ints = cases.awkward_bits('float32')
    a = cases.layouts(ember, [p for p in ints for _ in ints], 'float32')['short']
    b = cases.layouts(ember, [q for _ in ints for q in ints], 'float32')['short']
    expected = [cases._bits(ember.fmax(a, b)), cases._bits(ember.fmin(a, b))]
    f32 = np.dtype(np.float32)
    monkeypatch.setattr(_ties, '_SWAPPED', {(f32, f32, True): False, (f32, f32, False): False})
    assert np.array_equal(cases._bits(ember.fmax(a, b)), expected[0])
    assert np.array_equal(cases._bits(ember.fmin(a, b)), expected[1])


def test_recorded_bits_are_pytorchs():
    torch = pytest.importorskip('torch')
    live = cases.backward(torch, torch.nn.functional)
    for key, bits in live.items():
        assert np.array_equal(bits, RECORDED[key].astype(np.int64)), key
    live = cases.forward(torch, torch.nn.functional)
    for key in ('float32/short/clamp_min_0', 'float32/strided/clamp_0_1', 'float64/long/hardtanh_neg0_0',
                'float16/short/fmax', 'bfloat16/short/maximum'):
        assert np.array_equal(live[key], RECORDED[key].astype(np.int64)), key
