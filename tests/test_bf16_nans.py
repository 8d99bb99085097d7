"""NaNs converted to and from bfloat16 carry PyTorch's bit patterns: 0x7fc0 from its scalar conversion,
0xffff from its vectorised one (which runs depends on the source's dtype and layout), and a float16 made
from a bfloat16 NaN keeps its sign and payload. Recorded by tests/fixtures/bf16_nans/record.py."""
import importlib.util
from pathlib import Path

import numpy as np
import pytest

import ember

pytestmark = pytest.mark.skipif(not ember._dtype.HAS_BFLOAT16, reason='ml_dtypes is not installed')
HERE = Path(__file__).parent / 'fixtures' / 'bf16_nans'
_spec = importlib.util.spec_from_file_location('bf16_nans_record', HERE / 'record.py')
record = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(record)


@pytest.fixture
def two_threads(monkeypatch):
    """PyTorch's recording split large tensors between two threads."""
    import ember._threads
    monkeypatch.setattr(ember._threads, '_intra_op', 2)


@pytest.fixture(scope='module')
def rec():
    return np.load(HERE / 'cases.npz')


def _nan_bits(t, source):
    return t.view(ember.int16).numpy()[np.isnan(source.float().numpy())]


@pytest.mark.parametrize('case', list(record.cases()), ids=lambda c: c[0])
def test_to_bfloat16_nans_as_pytorchs(case, rec, two_threads):
    name, dtype, n, view = case
    index = [c[0] for c in record.cases()].index(name)
    t = record.VIEWS[view](ember.from_numpy(record.source(dtype, n, index)))
    got = _nan_bits(t.to(ember.bfloat16), t)
    assert np.array_equal(got, rec[name]), [hex(v) for v in got.view(np.uint16)[got != rec[name]][:5]]


def test_the_cases_cover_both_paths(rec):
    every = np.concatenate([rec[c[0]] for c in record.cases()]).view(np.uint16)
    assert (every == 0xffff).sum() > 1000 and (every == 0x7fc0).sum() > 500


def test_tensor_copy_and_full_nans_as_pytorchs(rec):
    x = record.source('float64', 40, 99)
    nan = np.isnan(x)
    assert np.array_equal(ember.tensor(x.tolist(), dtype=ember.bfloat16).view(ember.int16).numpy()[nan],
                          rec['tensor_list'][nan])
    assert np.array_equal(ember.tensor(x, dtype=ember.bfloat16).view(ember.int16).numpy()[nan], rec['tensor_array'][nan])
    dst = ember.empty(40, dtype=ember.bfloat16).copy_(ember.from_numpy(x))
    assert np.array_equal(dst.view(ember.int16).numpy()[nan], rec['copy'][nan])
    full = [ember.full((2,), v, dtype=ember.bfloat16).view(ember.int16)[0].item() for v in (float('nan'), -float('nan'))]
    assert full == rec['full'].tolist()


def test_bfloat16_nans_to_half_keep_sign_and_payload(rec):
    bf = ember.from_numpy(rec['bf16_source']).view(ember.bfloat16)
    assert np.array_equal(bf.half().view(ember.int16).numpy(), rec['bf16_to_half'])
    assert np.array_equal(bf.to(ember.float16).view(ember.int16).numpy(), rec['bf16_to_half'])


MIDPOINT_PLUS = 1.00390625 + 2 ** -40    # float32 rounds it onto a bfloat16 midpoint, which then rounds to even


def test_fill_and_setitem_round_through_float32_with_pytorchs_nan():
    # recorded from PyTorch 2.13: 16256 is 1.0 (one rounding would give 16257), 32704 its NaN, 32640 infinity
    x = ember.zeros(3, dtype=ember.bfloat16)
    assert x.fill_(MIDPOINT_PLUS).view(ember.int16).tolist() == [16256] * 3
    assert x.fill_(-float('nan')).view(ember.int16).tolist() == [32704] * 3
    assert x.fill_(ember.tensor(-float('nan'), dtype=ember.float64)).view(ember.int16).tolist() == [32704] * 3
    assert x.fill_(ember.tensor(MIDPOINT_PLUS, dtype=ember.float64)).view(ember.int16).tolist() == [16256] * 3
    with pytest.raises(RuntimeError, match='value cannot be converted to type c10::BFloat16 without overflow'):
        x.fill_(1e39)
    assert x.view(ember.int16).tolist() == [16256] * 3
    y = ember.zeros(3, dtype=ember.bfloat16)
    y[1] = 1e39                                   # (no overflow error here: infinity)
    assert y.view(ember.int16).tolist() == [0, 32640, 0]
    y[1] = -float('nan')
    y[2] = MIDPOINT_PLUS
    assert y.view(ember.int16).tolist() == [0, 32704, 16256]
    y[ember.tensor([0, 2])] = -float('nan')
    assert y.view(ember.int16).tolist() == [32704, 32704, 32704]
    y[:] = ember.tensor([-float('nan'), MIDPOINT_PLUS, 0.0], dtype=ember.float64)
    assert y.view(ember.int16).tolist() == [32704, 16256, 0]
    z = ember.zeros(3, dtype=ember.float8_e4m3fn)
    z[1] = 1e39                                   # saturated, as PyTorch's float8 conversion does
    assert z.view(ember.int8).tolist() == [0, 126, 0]
