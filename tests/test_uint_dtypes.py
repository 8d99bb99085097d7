"""uint16/uint32/uint64 (ember/_dtype.py, ember/ops/_barebones.py): what printing cannot show.

Values, supported ops and PyTorch's refusals are pinned by tests/fixtures/printed/uint.py."""
import io
import pathlib

import numpy as np
import pytest

import ember

FIXTURES = pathlib.Path(__file__).parent / 'fixtures' / 'storage'
WIDE = (ember.uint16, ember.uint32, ember.uint64)


@pytest.mark.parametrize('dt', WIDE)
def test_numpy_round_trip_shares_memory(dt):
    arr = np.array([1, 2], dtype=dt.np_dtype)
    t = ember.from_numpy(arr)
    t[0] = 9
    assert t.dtype is dt and arr.tolist() == [9, 2] and not dt.is_signed


def test_reads_pytorch_checkpoint():
    d = ember.load(FIXTURES / 'torch_uint.pt')
    assert d['u16'].dtype is ember.uint16 and d['u16'].tolist() == [65535, 1]
    assert d['u32'].tolist() == [4294967295] and d['u64'].tolist() == [2 ** 64 - 1, 7]
    assert d['u16_tail'].tolist() == [1, 2, 3] and d['u16_tail'].storage_offset() == 1


def test_checkpoint_round_trip_with_pytorch(tmp_path):
    x = ember.tensor([2 ** 64 - 1, 3], dtype=ember.uint64)
    ember.save({'x': x, 'y': x[1:]}, tmp_path / 'u.pt')
    d = ember.load(tmp_path / 'u.pt')
    assert d['x'].dtype is ember.uint64 and d['y'].tolist() == [3] and d['y'].untyped_storage() is d['x'].untyped_storage()
    torch = pytest.importorskip('torch')
    t = torch.load(tmp_path / 'u.pt')
    assert t['x'].dtype == torch.uint64 and t['x'].tolist() == [2 ** 64 - 1, 3]


def test_refusals_change_nothing():
    a = ember.tensor([1, 2], dtype=ember.uint16)
    with pytest.raises(NotImplementedError, match='"add_stub" not implemented for \'UInt16\''):
        a.add_(1)
    with pytest.raises(NotImplementedError, match='"index_put" not implemented'):
        a[ember.tensor([0])] = 5
    assert a.tolist() == [1, 2]


def test_float_operand_computes_in_float():
    a = ember.tensor([1, 2], dtype=ember.uint32)
    assert (a + ember.tensor([0.5, 0.5])).tolist() == [1.5, 2.5]
    assert (ember.tensor([0.5, 0.5]) - a).dtype is ember.float32
