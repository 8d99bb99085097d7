"""ember.PyTorchFileWriter / PyTorchFileReader (ember/_zip_archive.py) against an archive PyTorch wrote
record by record, and what PyTorch's reader said of it (tests/fixtures/storage/record.py)."""
import io
import json
import pathlib
import zipfile

import pytest

import ember

FIXTURES = pathlib.Path(__file__).parent / 'fixtures' / 'storage'
FACTS = json.loads((FIXTURES / 'torch_records.json').read_text())


def test_reads_pytorch_archive_as_pytorch_did():
    r = ember.PyTorchFileReader(str(FIXTURES / 'torch_records.pt'))
    assert r.get_all_records() == FACTS['all']
    for name, values in FACTS['records'].items():
        assert list(r.get_record(name)) == values
    assert {n: r.get_record_offset(n) % 128 for n in FACTS['all']} == FACTS['offsets']
    assert {n: r.get_record_size(n) for n in FACTS['all']} == FACTS['sizes']
    assert r.serialization_id() == FACTS['serialization_id']
    assert r.get_record_offset_no_read(0, 'data/0', 12, 64) == FACTS['no_read']
    t = r.get_storage_from_record('data/0', 3, ember.float32)
    assert t.shape == (0,) and t.dtype is ember.float32 and t.untyped_storage().tolist() == FACTS['storage']
    assert r.has_record('note') and not r.has_record('nope')


def test_writes_what_pytorch_wrote(tmp_path):
    path = tmp_path / 'torch_records.pt'
    w = ember.PyTorchFileWriter(str(path), storage_alignment=128)
    w.write_record('data.pkl', b'hello', 5)
    w.write_record('note', 'abcdef', 3)
    w.write_record('data/0', ember.arange(3.).untyped_storage(), 12)
    w.write_record_metadata('reserved', 10)
    w.set_min_version(4)
    assert sorted(w.get_all_written_records()) == FACTS['written_before_end'] and w.serialization_id() == ''
    w.write_end_of_file()
    assert w.archive_name() == FACTS['archive_name'] and len(w.serialization_id()) == 40
    r = ember.PyTorchFileReader(str(path))
    assert r.get_all_records() == FACTS['all']
    assert {n: list(r.get_record(n)) for n in FACTS['records']} == FACTS['records']
    assert all(r.get_record_offset(n) % 128 == 0 for n in FACTS['all'])


def test_writer_refuses_duplicates_and_writes_after_the_end():
    w = ember.PyTorchFileWriter(io.BytesIO())
    w.write_record('a', b'x', 1)
    with pytest.raises(RuntimeError, match='Tried to serialize file twice: a'):
        w.write_record('a', b'y', 1)
    w.write_end_of_file()
    with pytest.raises(RuntimeError, match='the archive is finished'):
        w.write_record('b', b'y', 1)


def test_writer_without_checksums_writes_zero_crcs_that_still_load():
    buf = io.BytesIO()
    w = ember.PyTorchFileWriter(buf, compute_crc32=False)
    w.write_record('a', b'xyz', 3)
    w.write_end_of_file()
    z = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    assert [i.CRC for i in z.infolist()] == [0] * len(z.infolist())


def test_version_record_moves_at_version_6():
    buf = io.BytesIO()
    w = ember.PyTorchFileWriter(buf)
    w.set_min_version(6)
    w.write_end_of_file()
    names = zipfile.ZipFile(io.BytesIO(buf.getvalue())).namelist()
    assert names == ['archive/.data/version', 'archive/byteorder', 'archive/.data/serialization_id']


def test_reader_errors():
    r = ember.PyTorchFileReader(io.BytesIO(_saved()))
    with pytest.raises(RuntimeError, match='failed locating file nope: file not found'):
        r.get_record('nope')
    with pytest.raises(RuntimeError, match=r'record size \(8 bytes\) does not match expected size \(12 bytes = '
                                           r'3 elements \* 4 bytes/element\) for dtype Float'):
        r.get_storage_from_record('data/0', 3, ember.float32)
    with pytest.raises(RuntimeError, match='failed reading zip archive'):
        ember.PyTorchFileReader(io.BytesIO(b'junk'))
    with pytest.raises(RuntimeError, match='open file failed because of errno 2'):
        ember.PyTorchFileReader('/nonexistent/x.pt')


def _saved():
    buf = io.BytesIO()
    ember.save(ember.ones(2), buf)
    return buf.getvalue()


def test_pytorch_reads_ember_archive():
    torch = pytest.importorskip('torch')
    buf = io.BytesIO()
    w = ember.PyTorchFileWriter(buf)
    w.write_record('data/0', ember.arange(2.).untyped_storage(), 8)
    w.write_end_of_file()
    r = torch.PyTorchFileReader(io.BytesIO(buf.getvalue()))
    assert r.get_all_records() == ['data/0', 'version', 'byteorder', '.data/serialization_id']
    assert r.get_record('data/0') == ember.arange(2.).numpy().tobytes()
