"""Hostile and damaged checkpoints: ember.load must refuse them cheaply and say why."""
import codecs
import io
import pickle
import struct
import tracemalloc
import zipfile

import numpy as np
import pytest

import ember
from ember.serialization import _TORCH_SIZE, _TORCH_TENSOR


def _load_raw(raw, **kwargs):
    return ember.load(io.BytesIO(raw), **kwargs)


def _rewrite_zip(raw, edit):
    """The archive ``raw`` with every entry passed through ``edit(name, data)``."""
    src = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, 'w') as dst:
        for info in src.infolist():
            dst.writestr(info, edit(info.filename, src.read(info.filename)))
    return out.getvalue()


def _saved(obj, **kwargs):
    buf = io.BytesIO()
    ember.save(obj, buf, **kwargs)
    return buf.getvalue()


# ------------------------------------------------------------------ stated lengths
def test_bytearray8_claiming_a_gibibyte_is_refused_without_allocating_it():
    raw = b'\x80\x05\x96' + struct.pack('<Q', 1 << 30) + b'ab.'   # 14 bytes that claim 1 GiB
    tracemalloc.start()
    try:
        with pytest.raises(pickle.UnpicklingError, match='states a length of 1073741824 bytes but only 3 remain'):
            _load_raw(raw)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 << 20


@pytest.mark.parametrize('opcode', [pickle.BINBYTES8, pickle.BINUNICODE8])
def test_other_8_byte_lengths_are_checked(opcode):
    raw = b'\x80\x04' + opcode + struct.pack('<Q', 1 << 40) + b'.'
    with pytest.raises(pickle.UnpicklingError, match='truncated or corrupted'):
        _load_raw(raw)


def test_over_long_frame_is_refused():
    body = pickle.dumps([1, 2], protocol=4)
    assert body[2:3] == pickle.FRAME
    (size,) = struct.unpack('<Q', body[3:11])
    forged = body[:3] + struct.pack('<Q', size + 100) + body[11:]
    assert pickle.loads(body) == [1, 2]
    with pytest.raises(pickle.UnpicklingError, match=f'states a length of {size + 100} bytes'):
        _load_raw(forged)


def test_protocol_4_checkpoints_still_load():
    r = _load_raw(_saved({'t': ember.arange(3.), 'b': b'xy', 's': {1}}, pickle_protocol=4))
    assert r['t'].tolist() == [0., 1., 2.] and r['b'] == b'xy' and r['s'] == {1}


# ------------------------------------------------------------------ what may be built
class _Reduces:
    def __init__(self, *reduce_value):
        self.reduce_value = reduce_value

    def __reduce__(self):
        return self.reduce_value


@pytest.mark.parametrize('obj, message', [
    (_Reduces(_TORCH_TENSOR, (), {'_data': None}), 'sets the state of a Tensor'),
    (_Reduces(_TORCH_SIZE, ((2,),), {'x': 1}), 'sets the state of a Size'),
    (_Reduces(codecs.encode, ('abc', 'rot13')), r"encodes bytes with \('rot13',\)"),
    (slice(1, 2), 'GLOBAL slice was not an allowed global'),
    (frozenset({3}), 'GLOBAL frozenset was not an allowed global'),
])
def test_weights_only_refuses_what_pytorch_refuses(obj, message):
    raw = _saved({'x': obj})
    with pytest.raises(pickle.UnpicklingError, match=message):
        _load_raw(raw)
    assert _load_raw(raw, weights_only=False)['x'] is not None   # a trusted file still loads


def test_items_go_only_into_containers():
    # SETITEM onto a tensor (PyTorch: "Can only SETITEM for dict ...")
    raw = (b'\x80\x02ctorch\nTensor\n)R' + b'K\x00K\x01s.')
    with pytest.raises(pickle.UnpicklingError, match='SETITEM onto a Tensor'):
        _load_raw(raw)
    raw = b'\x80\x02ctorch\nTensor\n)R(K\x01e.'
    with pytest.raises(pickle.UnpicklingError, match='APPENDS onto a Tensor'):
        _load_raw(raw)


@pytest.mark.parametrize('raw', [b'(I1\nl.', b'\x80\x02]K\x01a2.', b'\x80\x02(K\x01\x91.'])
def test_opcodes_pytorch_does_not_read_are_refused(raw):
    # INT and LIST (protocol 0), DUP, FROZENSET: none of them is read by PyTorch's weights-only loader
    with pytest.raises(pickle.UnpicklingError, match='unsupported operand'):
        _load_raw(raw)


# ------------------------------------------------------------------ byte order
@pytest.mark.parametrize('record', [b'middle', b'', b'LITTLE'])
def test_unknown_byteorder_record_is_refused(record):
    raw = _rewrite_zip(_saved({'a': ember.arange(3.)}),
                       lambda name, data: record if name.endswith('/byteorder') else data)
    with pytest.raises(ValueError, match=f'^Unknown endianness type: {record.decode()}$'):
        _load_raw(raw)


def test_big_endian_record_is_honoured():
    def to_big(name, data):
        if name.endswith('/byteorder'):
            return b'big'
        if '/data/' in name:
            return np.frombuffer(data, '<f4').astype('>f4').tobytes()
        return data
    raw = _rewrite_zip(_saved({'a': ember.arange(3.)}), to_big)
    assert _load_raw(raw)['a'].tolist() == [0., 1., 2.]


# ------------------------------------------------------------------ mmap and CRC
def test_corruption_is_detected_with_mmap_too(tmp_path):
    raw = bytearray(_saved({'w': ember.arange(64.)}))
    info = zipfile.ZipFile(io.BytesIO(bytes(raw))).getinfo('archive/data/0')
    name_len, extra_len = struct.unpack('<HH', raw[info.header_offset + 26:info.header_offset + 30])
    raw[info.header_offset + 30 + name_len + extra_len + 5] ^= 0xFF     # flip one data byte
    path = tmp_path / 'bad.pt'
    path.write_bytes(bytes(raw))
    for mmap in (False, True):
        with pytest.raises(RuntimeError, match=r"failed reading file archive/data/0: Bad CRC-32"):
            ember.load(path, mmap=mmap)


# ------------------------------------------------------------------ temporaries of a killed save
_KILLED_SAVE = '''
import os, signal, sys
import ember
os.fsync = lambda fd: os.kill(os.getpid(), signal.SIGKILL)   # die with the data written, before the rename
ember.save({'w': ember.zeros(1 << 18)}, sys.argv[1])
'''


def test_next_save_removes_temporaries_of_a_killed_save(tmp_path):
    import os
    import socket
    import subprocess
    import sys
    path = tmp_path / 'ckpt.pt'
    proc = subprocess.run([sys.executable, '-c', _KILLED_SAVE, str(path)], capture_output=True)
    assert proc.returncode != 0
    stale = [p.name for p in tmp_path.iterdir()]
    assert len(stale) == 1 and stale[0].startswith('.ckpt.pt.') and (tmp_path / stale[0]).stat().st_size > 1 << 20
    # a save in progress (this live process) and one on another host must be left alone
    live = tmp_path / f'.ckpt.pt.{socket.gethostname()}-{os.getpid()}.0123456789ab.tmp'
    other_host = tmp_path / '.ckpt.pt.elsewhere-1.0123456789ab.tmp'
    other_target = tmp_path / '.other.pt.x-1.0123456789ab.tmp'
    for p in (live, other_host, other_target):
        p.write_bytes(b'partial')
    ember.save({'w': ember.ones(2)}, path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([path.name, live.name, other_host.name,
                                                                 other_target.name])
    assert ember.load(path)['w'].tolist() == [1., 1.]
