"""torch.serialization's settings: CRC-32s on or off, the byte order of files without a record of
it, how load(mmap=True) maps files, skipping tensor bytes, and finding a checkpoint's unsafe globals.
Files written by PyTorch with each setting are recorded in tests/fixtures/serialization_options/
(by record.py there), so these tests need no PyTorch."""
import collections
import io
import mmap
import pathlib
import zipfile

import numpy as np
import pytest

import ember
from ember import serialization as ser

FIXTURES = pathlib.Path(__file__).parent / 'fixtures' / 'serialization_options'


def test_checkpoints_pytorch_wrote_without_crcs_load():
    path = FIXTURES / 'no_crc.pt'
    assert {i.CRC for i in zipfile.ZipFile(path).infolist()} == {0}
    expected = ember.arange(6.).reshape(2, 3)
    assert ember.equal(ember.load(path)['w'], expected)
    assert ember.equal(ember.load(path, mmap=True)['w'], expected)


def test_saving_without_crcs_writes_zeros_and_loads_back(tmp_path):
    assert ser.get_crc32_options() is True
    ser.set_crc32_options(False)
    try:
        ember.save({'w': ember.arange(5.)}, tmp_path / 'a.pt')
        buf = io.BytesIO()
        ember.save(ember.ones(3), buf)
    finally:
        ser.set_crc32_options(True)
    assert {i.CRC for i in zipfile.ZipFile(tmp_path / 'a.pt').infolist()} == {0}
    assert ember.load(tmp_path / 'a.pt')['w'].tolist() == [0., 1., 2., 3., 4.]
    buf.seek(0)
    assert ember.load(buf).tolist() == [1., 1., 1.]
    ember.save(ember.ones(3), tmp_path / 'b.pt')          # the default again: real checksums
    assert all(i.CRC != 0 for i in zipfile.ZipFile(tmp_path / 'b.pt').infolist())


def test_a_damaged_record_is_still_caught_when_crcs_were_written(tmp_path):
    path = tmp_path / 'c.pt'
    ember.save({'w': ember.arange(64.)}, path)
    raw = bytearray(path.read_bytes())
    start = raw.index(np.arange(64.).astype(np.float32).tobytes())
    raw[start + 8] ^= 0xFF
    path.write_bytes(bytes(raw))
    with pytest.raises(RuntimeError, match='Bad CRC-32'):
        ember.load(path)


def test_load_endianness_applies_to_files_without_a_byteorder_record():
    path = FIXTURES / 'big_endian_no_record.pt'        # float32 values written big-endian, no byteorder record
    assert ser.get_default_load_endianness() is None
    assert ember.load(path)['w'].tolist() != [1.0, 2.0, 3.0]      # read as this (little-endian) machine's
    ser.set_default_load_endianness(ser.LoadEndianness.BIG)
    try:
        assert ember.load(path)['w'].tolist() == [1.0, 2.0, 3.0]
    finally:
        ser.set_default_load_endianness(None)
    with pytest.raises(TypeError, match='^Invalid argument type in function set_default_load_endianness$'):
        ser.set_default_load_endianness('big')
    assert [e.name for e in ser.LoadEndianness] == ['NATIVE', 'LITTLE', 'BIG']


def test_shared_mmap_writes_reach_the_file(tmp_path):
    path = tmp_path / 'm.pt'
    ember.save({'w': ember.zeros(4)}, path)
    assert ser.get_default_mmap_options() == mmap.MAP_PRIVATE
    t = ember.load(path, mmap=True)['w']
    t[0] = 7.
    del t
    assert np.float32(7).tobytes() not in path.read_bytes()      # copy-on-write: the file is unchanged
    with ser.set_default_mmap_options(mmap.MAP_SHARED):
        assert ser.get_default_mmap_options() == mmap.MAP_SHARED
        t = ember.load(path, mmap=True)['w']
        t[0] = 7.
        del t
    assert ser.get_default_mmap_options() == mmap.MAP_PRIVATE
    assert np.float32(7).tobytes() in path.read_bytes()
    with pytest.raises(ValueError, match='expected mmap.MAP_PRIVATE or mmap.MAP_SHARED, but got 12345'):
        ser.set_default_mmap_options(12345)


def test_skip_data_saves_room_for_the_bytes_and_loads_zeros(tmp_path):
    x = ember.arange(6.).reshape(2, 3)
    with ser.skip_data():
        ember.save({'x': x}, tmp_path / 's.pt')
    full = tmp_path / 'f.pt'
    ember.save({'x': x}, full)
    assert ember.load(tmp_path / 's.pt')['x'].tolist() == [[0.] * 3] * 2
    assert abs((tmp_path / 's.pt').stat().st_size - full.stat().st_size) < 128   # the same room reserved
    with ser.skip_data():
        y = ember.load(full)['x']
    assert y.shape == (2, 3) and y.dtype == ember.float32 and y.tolist() == [[0.] * 3] * 2
    assert ember.load(full)['x'].tolist() == x.tolist()
    with pytest.raises(ValueError, match='no fake tensors'):
        ser.skip_data(materialize_fake_tensors=True)
    assert ember.load(FIXTURES / 'skip_data.pt')['w'].tolist() == [0.] * 4     # PyTorch's skip_data file


class Custom:
    pass


def test_unsafe_globals_are_listed_without_loading(tmp_path):
    import __main__
    __main__.Custom = Custom
    Custom.__module__ = '__main__'
    try:
        ember.save({'c': Custom(), 'o': collections.OrderedDict(a=ember.ones(1))}, tmp_path / 'u.pt')
    finally:
        Custom.__module__ = __name__
    assert ser.get_unsafe_globals_in_checkpoint(tmp_path / 'u.pt') == ['__main__.Custom']
    assert ser.get_unsafe_globals_in_checkpoint(FIXTURES / 'unsafe_global.pt') == ['__main__.Foo']
    assert ser.get_unsafe_globals_in_checkpoint(FIXTURES / 'no_crc.pt') == []
    with pytest.raises(ValueError, match='^Expected input to be a checkpoint returned by torch.save$'):
        ser.get_unsafe_globals_in_checkpoint(io.BytesIO(b'not a zip'))


def test_location_helpers_and_version_checks():
    s = ember.zeros(2).untyped_storage()
    assert ser.location_tag(s) == 'cpu' and ser.default_restore_location(s, 'cpu').device.type == 'cpu'
    assert ser.normalize_storage_type(ember.FloatStorage) is ember.FloatStorage
    if not ember.cuda.is_available():
        with pytest.raises(RuntimeError, match='Attempting to deserialize object on a CUDA device'):
            ser.validate_cuda_device('cuda:0')
    mod = type('m', (), {'__name__': 'm', '__version__': '2.13.0'})
    assert ser.check_module_version_greater_or_equal(mod, (2, 1)) is True
    assert ser.check_module_version_greater_or_equal(mod, (3,)) is False
    mod.__version__ = '1.x'
    with pytest.raises(RuntimeError, match="'m' module version string is malformed '1.x'"):
        ser.check_module_version_greater_or_equal(mod, (1, 2))
    with pytest.warns(UserWarning, match='continuing assuming that requirement is met'):
        assert ser.check_module_version_greater_or_equal(mod, (1, 2), error_if_malformed=False)
    with ser.mkdtemp() as d:
        assert pathlib.Path(d).is_dir()
    assert not pathlib.Path(d).exists()
    assert issubclass(ser.SourceChangeWarning, Warning)


def _data_offsets(path):
    reader = ember.PyTorchFileReader(str(path))
    return {n: reader.get_record_offset(n) for n in reader.get_all_records()}


def test_the_config_module_and_the_functions_are_one_state(tmp_path):
    import ember.utils.serialization.config as config
    assert config.get_config_copy() == {
        'load.mmap': False, 'load.endianness': None, 'load.mmap_flags': ser.get_default_mmap_options(),
        'load.calculate_storage_offsets': False, 'save.compute_crc32': True,
        'save.use_pinned_memory_for_d2h': False, 'save.storage_alignment': 64}
    with config.patch({'save.compute_crc32': False}):
        assert ser.get_crc32_options() is False
    ser.set_default_load_endianness(ser.LoadEndianness.BIG)
    try:
        assert config.load.endianness is ser.LoadEndianness.BIG
    finally:
        ser.set_default_load_endianness(None)
    with pytest.raises(AttributeError, match=r'^ember.utils.serialization.config.save.crc does not exist$'):
        config.save.crc = False
    path = tmp_path / 'x.pt'
    ember.save(ember.ones(2), path)
    with config.patch({'load.mmap': True}):     # load(mmap=None) takes the configured default
        with pytest.raises(ValueError, match='^f must be a file path in order to use the mmap argument$'):
            ember.load(io.BytesIO(path.read_bytes()))
        assert ember.load(path).tolist() == [1.0, 1.0]


def test_storage_alignment_places_every_entry_as_pytorch_does(tmp_path):
    import ember.utils.serialization.config as config
    theirs = FIXTURES / 'aligned_4096.pt'
    ours = tmp_path / 'aligned_4096.pt'       # the same archive name, so the same layout
    with config.patch({'save.storage_alignment': 4096}):
        ember.save({'a': ember.arange(5.), 'b': ember.arange(6).reshape(2, 3)}, ours)
    assert zipfile.ZipFile(ours).read('aligned_4096/.storage_alignment') == b'4096'
    offsets = _data_offsets(ours)
    assert all(o % 4096 == 0 for o in offsets.values())
    assert offsets == _data_offsets(theirs)
    for path in (ours, theirs):
        for calculate in (False, True):
            with config.patch({'load.calculate_storage_offsets': calculate}):
                got = ember.load(path)
            assert got['a'].tolist() == [0., 1., 2., 3., 4.] and got['b'].tolist() == [[0, 1, 2], [3, 4, 5]]


def test_calculated_offsets_read_pytorchs_default_layout_too():
    import ember.utils.serialization.config as config
    with config.patch({'load.calculate_storage_offsets': True}):
        assert ember.equal(ember.load(FIXTURES / 'no_crc.pt')['w'], ember.arange(6.).reshape(2, 3))
