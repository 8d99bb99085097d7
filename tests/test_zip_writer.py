"""ember's archives are laid out as PyTorch's writer lays them out (ember/_zip_writer.py): the same bytes as
the files PyTorch wrote (tests/fixtures/zip_layout/, by scripts/record_zip_layout.py) but for the random
serialization id, so a checkpoint's size on disk is PyTorch's too."""
import base64
import io
import json
import pathlib
import struct
import zipfile
import zlib

import pytest

import ember
from ember import _zip_writer

CASES = json.loads((pathlib.Path(__file__).parent / 'fixtures' / 'zip_layout' / 'pytorch_files.json').read_text())


def _state():
    return {'a': ember.arange(3.), 'b': ember.ones(2, 2, dtype=ember.int64), 'big': ember.zeros(300)}


def _write(name, path):
    if name == 'small.pt':
        ember.save(_state(), path)
    elif name == 'nocrc.pt':
        ember.serialization.set_crc32_options(False)
        try:
            ember.save(_state(), path)
        finally:
            ember.serialization.set_crc32_options(True)
    elif name == 'quantized.pt':
        x = ember.arange(6.).reshape(2, 3)
        ember.save({'w1': ember.quantize_per_tensor(x, 0.5, 1, ember.qint8),
                    'w2': ember.quantize_per_tensor(x + 1, 0.25, 0, ember.qint8),
                    'w3': ember.quantize_per_channel(x, ember.tensor([0.5, 0.25]), ember.tensor([0, 1]), 0,
                                                     ember.quint8)}, path)
    elif name == 'dynamic_lstm.pt':
        ember.manual_seed(0)
        model = ember.nn.Sequential(ember.nn.LSTM(4, 3, 2), ember.nn.Linear(3, 5))
        quantized = ember.ao.quantization.quantize_dynamic(model, {ember.nn.LSTM, ember.nn.Linear}, dtype=ember.qint8)
        ember.save(quantized.state_dict(), path)
    else:
        w = ember.PyTorchFileWriter(str(path))
        w.write_record('greeting', b'hello', 5)
        w.write_record('blob', bytes(range(200)), 200)
        w.write_end_of_file()


@pytest.mark.parametrize('name', sorted(CASES))
def test_same_bytes_as_pytorch(name, tmp_path):
    path = tmp_path / name
    _write(name, path)
    ours = path.read_bytes()
    theirs = base64.b64decode(CASES[name]['bytes'])
    own_id = ember.PyTorchFileReader(str(path)).serialization_id()
    their_id = CASES[name]['serialization_id'].encode()
    assert len(ours) == len(theirs)
    # the id and (with checksums on) its record's CRC-32 are the only differences
    ours = ours.replace(own_id.encode(), their_id)
    if name != 'nocrc.pt':
        ours = ours.replace(struct.pack('<I', zlib.crc32(own_id.encode())), struct.pack('<I', zlib.crc32(their_id)))
    assert ours == theirs


def test_records_past_the_zip64_limit_get_zip64_fields(monkeypatch):
    # 4 GiB records are too big for a test: lower the limit and check that readers find every record
    monkeypatch.setattr(_zip_writer, '_LIMIT', 150)
    buf = io.BytesIO()
    with _zip_writer.ZipRecordWriter(buf) as z:
        z.add('x/small', b'abc', alignment=64)
        z.add('x/large', bytes(range(200)), alignment=64)      # size past the limit
        z.add('x/late', b'tail', alignment=64)                 # header offset past the limit
    zf = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    assert [zf.read(n) for n in ('x/small', 'x/large', 'x/late')] == [b'abc', bytes(range(200)), b'tail']
    for info in zf.infolist():
        start = _zip_writer.data_start(info.header_offset, info.filename, info.file_size, 64)
        assert start % 64 == 0
        assert buf.getvalue()[start:start + info.file_size] == zf.read(info.filename)
