"""Storages (ember/storage.py) and the Tensor methods that reach them (ember/_tensor_storage.py).

Printed values and error texts are pinned by tests/fixtures/printed/storage.py (recorded under
PyTorch); these tests check what printing cannot: memory sharing, processes, files, checkpoints."""
import io
import multiprocessing
import os
import pathlib
import pickle
import sys
import warnings

import numpy as np
import pytest

import ember
from ember import storage as storage_module

FIXTURES = pathlib.Path(__file__).parent / 'fixtures' / 'storage'


def test_untyped_storage_shares_memory_both_ways():
    x = ember.arange(4.)
    s = x.untyped_storage()
    assert s is x.untyped_storage() and s is x[1:].untyped_storage() and s is x.view(2, 2).t().untyped_storage()
    assert s.data_ptr() == x.data_ptr() and s.nbytes() == 16
    s[3] = 64                      # high byte of x[0]: 2.0 in float32
    assert x[0].item() == 2.0
    x[1] = 1.0
    assert s.tolist()[4:8] == list(np.float32(1.0).tobytes())


def test_typed_storage_reads_and_writes_elements():
    x = ember.arange(6, dtype=ember.int32)
    ts = x[2:].storage()
    assert ts.size() == 6 and ts.dtype is ember.int32 and ts.data_ptr() == x.data_ptr()
    ts[0] = 10
    ts[1:3] = 7
    assert x.tolist() == [10, 7, 7, 3, 4, 5]
    ts.fill_(1)
    assert x.tolist() == [1] * 6
    assert isinstance(ts, ember.IntStorage) and not isinstance(ts, ember.FloatStorage)


def test_storage_slice_views_its_bytes():
    x = ember.zeros(2, dtype=ember.int32)
    part = x.untyped_storage()[4:8]
    part.fill_(1)
    assert x.tolist() == [0, 0x01010101]


def test_conversions_copy():
    x = ember.tensor([1.5, 2.5])
    d = x.storage().double()
    assert d.dtype is ember.float64 and d.tolist() == [1.5, 2.5] and d.data_ptr() != x.data_ptr()
    assert x.storage().float() .data_ptr() == x.data_ptr()   # already float32: the storage itself
    c = x.untyped_storage().clone()
    c.fill_(0)
    assert x.tolist() == [1.5, 2.5]


def test_set_views_a_storage_and_is_set_to():
    x = ember.arange(6.)
    t = ember.empty(0).set_(x.untyped_storage(), 1, (2, 2), (2, 1))
    assert t.tolist() == [[1., 2.], [3., 4.]] and t.storage_offset() == 1 and t.stride() == (2, 1)
    t[0, 0] = 100.
    assert x[1].item() == 100.
    assert ember.empty(0).set_(x).is_set_to(x) and not x[1:].is_set_to(x)


def test_set_bumps_the_version():
    t = ember.zeros(2)
    v = t._version
    t.set_(ember.ones(3))
    assert t._version > v and t.tolist() == [1., 1., 1.]


def test_new_storage_and_alias():
    x = ember.arange(3.)
    assert x.new(x.untyped_storage()).data_ptr() == x.data_ptr()
    alias = x.new(x)
    alias[0] = 5.
    assert x[0].item() == 5.


def test_resize_is_a_differentiable_reshape():
    r = ember.arange(6., requires_grad=True)
    with pytest.warns(UserWarning, match='non-inplace resize is deprecated'):
        y = r.resize(2, 3)
    assert y.grad_fn is not None and type(y.grad_fn).__name__ == 'ResizeBackward'
    (y * ember.arange(6.).view(2, 3)).sum().backward()
    assert r.grad.tolist() == [0., 1., 2., 3., 4., 5.]


def test_typed_storage_warns_once(monkeypatch):
    monkeypatch.setattr(storage_module, '_typed_storage_warned', False)
    with pytest.warns(UserWarning, match='TypedStorage is deprecated') as rec:
        ember.arange(2.).storage()
        ember.arange(2.).storage()
    assert len([w for w in rec if 'TypedStorage' in str(w.message)]) == 1


@pytest.mark.skipif(sys.platform == 'win32' or 'fork' not in multiprocessing.get_all_start_methods(),
                    reason='needs fork')
def test_share_memory_is_seen_by_a_forked_process():
    x = ember.zeros(4)
    assert not x.is_shared()
    view = x.share_memory_()
    assert view is x and x.is_shared() and x.untyped_storage().is_shared()
    pid = os.fork()
    if pid == 0:   # the child writes and leaves without running the parent's cleanup
        x[2] = 7.
        os._exit(0)
    os.waitpid(pid, 0)
    assert x.tolist() == [0., 0., 7., 0.]


def test_from_file_private_and_shared(tmp_path):
    path = tmp_path / 'x.bin'
    np.arange(4, dtype=np.float32).tofile(path)
    private = ember.from_file(str(path), size=4)
    private[0] = 9.
    assert np.fromfile(path, np.float32).tolist() == [0., 1., 2., 3.]
    shared = ember.from_file(str(path), shared=True, size=4)
    shared[1] = 5.
    assert shared.untyped_storage().filename == str(path)
    del shared
    assert np.fromfile(path, np.float32).tolist() == [0., 5., 2., 3.]
    with pytest.raises(RuntimeError, match='unexpected EOF'):
        ember.from_file(str(path), size=10)
    grown = ember.IntStorage.from_file(str(tmp_path / 'new.bin'), True, 3)
    assert grown.size() == 3 and os.path.getsize(tmp_path / 'new.bin') == 12


def test_pickle_and_deepcopy_keep_dtype_and_values():
    ts = ember.tensor([1, 2], dtype=ember.int16).storage()
    back = pickle.loads(pickle.dumps(ts))
    assert back.dtype is ember.int16 and back.tolist() == [1, 2] and back.data_ptr() != ts.data_ptr()
    import copy
    assert copy.deepcopy(ts.untyped()).tolist() == ts.untyped().tolist()


def test_checkpoint_of_storages_round_trips():
    x = ember.arange(4.)
    buf = io.BytesIO()
    ember.save({'s': x.storage(), 'u': ember.tensor([1, 2], dtype=ember.uint8).untyped_storage(), 'x': x}, buf)
    buf.seek(0)
    d = ember.load(buf)
    assert d['s'].dtype is ember.float32 and d['s'].tolist() == [0., 1., 2., 3.]
    assert d['u'].dtype is ember.uint8 and d['u'].tolist() == [1, 2]
    assert d['s'].data_ptr() == d['x'].data_ptr()   # one storage entry, shared again on load


def test_reads_pytorch_checkpoint_of_storages():
    d = ember.load(FIXTURES / 'torch_storages.pt')
    assert d['storage'].dtype is ember.float32 and d['storage'].tolist() == [0., 1., 2., 3., 4., 5.]
    assert d['storage'].data_ptr() == d['x'].data_ptr() == d['tail'].untyped_storage().data_ptr()
    assert d['tail'].tolist() == [2., 3., 4., 5.] and d['tail'].storage_offset() == 2
    assert d['bytes'].dtype is ember.uint8 and d['bytes'].tolist() == [0, 0, 1, 0, 2, 0]


def test_pytorch_reads_ember_checkpoint_of_storages(tmp_path):
    torch = pytest.importorskip('torch')
    x = ember.arange(4.)
    ember.save({'s': x.storage(), 'x': x[1:]}, tmp_path / 'c.pt')
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        d = torch.load(tmp_path / 'c.pt')
        assert d['s'].tolist() == [0., 1., 2., 3.] and d['x'].tolist() == [1., 2., 3.]
        assert d['s'].data_ptr() == d['x'].untyped_storage().data_ptr()


# sys.getsizeof of PyTorch 2.13's storages on CPython 3.11, less their bytes (recorded): torchinfo sums it over a
# model's inputs for its "Input size (MB)" and total_input
_PYTORCH_GETSIZEOF_BEYOND_BYTES = {'UntypedStorage': 64, 'TypedStorage': 56}


@pytest.mark.skipif(sys.version_info[:2] != (3, 11), reason="the sizes were recorded on CPython 3.11")
@pytest.mark.parametrize('make', [lambda: ember.zeros(3).untyped_storage(), lambda: ember.UntypedStorage(0),
                                  lambda: ember.randn(2, 3, 16, 16).untyped_storage(),
                                  lambda: ember.zeros(5, dtype=ember.float64).storage(),
                                  lambda: ember.FloatStorage(7), lambda: ember.ones(4, dtype=ember.bool).storage()])
def test_getsizeof_a_storage_is_pytorchs(make):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')          # (TypedStorage's deprecation)
        storage = make()
    kind = 'UntypedStorage' if isinstance(storage, ember.UntypedStorage) else 'TypedStorage'
    assert sys.getsizeof(storage) == storage.nbytes() + _PYTORCH_GETSIZEOF_BEYOND_BYTES[kind]
