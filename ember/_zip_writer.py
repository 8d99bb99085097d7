"""The zip layout of PyTorch's checkpoint writer, byte for byte in structure.

PyTorch writes its archives (``torch.save``, ``torch.jit.save``, ``PyTorchFileWriter``) with miniz as a
stream: each record is a local header with zero sizes and the "data descriptor follows" flag, an extra
field ``FB`` padding the data to the storage alignment with ``Z`` bytes, the data, then a data descriptor
holding the CRC-32 and sizes; the central directory carries no extra fields (except zip64 sizes and
offsets past 4 GiB), and the archive always ends with zip64 end records. Python's ``zipfile`` lays entries
out differently (sizes in the local header, the padding copied into the central directory, no zip64 end
for small archives), so files came out a few bytes per record larger than PyTorch's: programs that print
a checkpoint's size on disk saw different numbers. Readers (PyTorch's and Python's) accept both.

>>> import io, zipfile
>>> buf = io.BytesIO()
>>> with ZipRecordWriter(buf) as z:
...     z.add('archive/data.pkl', b'payload', alignment=64)
>>> zipfile.ZipFile(buf).read('archive/data.pkl')
b'payload'
"""
import struct
import zlib

_LIMIT = 0xFFFFFFFF          # sizes and offsets from here on need zip64 fields, as miniz decides
_CHUNK = 1 << 24             # large records are written (and checksummed) in 16 MiB pieces
_UTF8_AND_DESCRIPTOR = 0x0808


def data_start(header_offset, name, size, alignment):
    """Where the data of a record whose local header starts at ``header_offset`` begins: after the 30-byte
    header, the name, the zip64 field where one is needed, and the 4 bytes that open the padding field,
    padded up to a multiple of ``alignment`` (PyTorch's rule)."""
    start = int(header_offset) + 30 + len(name.encode('utf-8')) + 4 + _zip64_local_len(header_offset, size)
    return start + (-start % int(alignment))


def _zip64_local_len(header_offset, size):
    big_size, big_offset = int(size) >= _LIMIT, int(header_offset) >= _LIMIT
    if not (big_size or big_offset):
        return 0
    return 4 + (16 if big_size else 0) + (8 if big_offset else 0)


class ZipRecordWriter:
    """Writes stored (uncompressed) records to a binary file object, each record's data aligned, in the
    layout PyTorch's writer gives. Offsets count from the file's position when the writer starts (as
    PyTorch's do); the file is never sought, so streams that cannot seek work too. ``close`` writes the central directory."""

    def __init__(self, fh):
        self._fh = self.fp = fh      # fp: the file written to, named as zipfile.ZipFile names it
        self._pos = 0
        self._entries = []       # (name bytes, crc, size, header offset)
        self._closed = False

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.close()

    def tell(self):
        """Bytes written so far (the next record's header offset)."""
        return self._pos

    def _write(self, data):
        self._fh.write(data)
        self._pos += len(data)

    def add(self, name, data, alignment=64, crc32=True):
        """Append the record ``name`` holding ``data`` (bytes-like), its data starting at a multiple of
        ``alignment``; ``crc32=False`` writes a zero checksum, as PyTorch does with checksums turned off."""
        view = memoryview(data).cast('B')
        size, offset, encoded = len(view), self._pos, name.encode('utf-8')
        zip64 = b''
        if _zip64_local_len(offset, size):
            fields = (struct.pack('<QQ', size, size) if size >= _LIMIT else b'') + \
                (struct.pack('<Q', offset) if offset >= _LIMIT else b'')
            zip64 = struct.pack('<HH', 1, len(fields)) + fields
        pad = data_start(offset, name, size, alignment) - (offset + 30 + len(encoded) + len(zip64) + 4)
        extra = zip64 + b'FB' + struct.pack('<H', pad) + b'Z' * pad
        local_size = 0xFFFFFFFF if size >= _LIMIT else 0
        self._write(struct.pack('<IHHHHHIIIHH', 0x04034B50, 0, _UTF8_AND_DESCRIPTOR, 0, 0, 0, 0, local_size,
                                local_size, len(encoded), len(extra)) + encoded + extra)
        crc = 0
        for i in range(0, size, _CHUNK):
            piece = view[i:i + _CHUNK]
            if crc32:
                crc = zlib.crc32(piece, crc)
            self._write(piece)
        if zip64:
            self._write(struct.pack('<IIQQ', 0x08074B50, crc, size, size))
        else:
            self._write(struct.pack('<IIII', 0x08074B50, crc, size, size))
        self._entries.append((encoded, crc, size, offset))

    def close(self):
        """Write the central directory and the (zip64) end records."""
        if self._closed:
            return
        self._closed = True
        cd_offset = self._pos
        for encoded, crc, size, offset in self._entries:
            fields = (struct.pack('<QQ', size, size) if size >= _LIMIT else b'') + \
                (struct.pack('<Q', offset) if offset >= _LIMIT else b'')
            extra = struct.pack('<HH', 1, len(fields)) + fields if fields else b''
            shown_size = 0xFFFFFFFF if size >= _LIMIT else size
            self._write(struct.pack('<IHHHHHHIIIHHHHHII', 0x02014B50, 0, 0, _UTF8_AND_DESCRIPTOR, 0, 0, 0, crc,
                                    shown_size, shown_size, len(encoded), len(extra), 0, 0, 0, 0,
                                    0xFFFFFFFF if offset >= _LIMIT else offset) + encoded + extra)
        cd_size, count, end64 = self._pos - cd_offset, len(self._entries), self._pos
        self._write(struct.pack('<IQHHIIQQQQ', 0x06064B50, 44, 0x031E, 45, 0, 0, count, count, cd_size, cd_offset))
        self._write(struct.pack('<IIQI', 0x07064B50, 0, end64, 1))
        self._write(struct.pack('<IHHHHIIH', 0x06054B50, 0, 0, min(count, 0xFFFF), min(count, 0xFFFF),
                                min(cd_size, 0xFFFFFFFF), min(cd_offset, 0xFFFFFFFF), 0))
