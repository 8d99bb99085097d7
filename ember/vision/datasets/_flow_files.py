"""The file formats of optical flow and stereo datasets: Middlebury ``.flo``, ``.pfm`` (portable float maps) and
KITTI's 16-bit RGB PNGs (read here directly: Pillow reduces 16-bit colour PNGs to 8 bits)."""
import re
import struct
import zlib

import numpy as np


def read_flo(file_name):
    """A ``.flo`` file (``PIEH``, little-endian int32 width and height, float32 u, v pairs) as float32 ``[2, H, W]``."""
    with open(file_name, "rb") as f:
        if f.read(4) != b"PIEH":
            raise ValueError("Magic number incorrect. Invalid .flo file")
        w, h = struct.unpack("<ii", f.read(8))
        data = np.frombuffer(f.read(8 * w * h), dtype="<f4")
    return data.reshape(h, w, 2).transpose(2, 0, 1).astype(np.float32)


def read_pfm(file_name, slice_channels=2):
    """A ``.pfm`` file ('PF' colour or 'Pf' grey; a negative scale means little-endian; rows stored bottom-up) as
    float32 ``[C, H, W]``, keeping the first ``slice_channels`` channels."""
    with open(file_name, "rb") as f:
        header = f.readline().rstrip()
        if header not in (b"PF", b"Pf"):
            raise ValueError("Invalid PFM file")
        dims = re.match(rb"^(\d+)\s(\d+)\s$", f.readline())
        if not dims:
            raise Exception("Malformed PFM header.")
        w, h = (int(d) for d in dims.groups())
        endian = "<" if float(f.readline().rstrip()) < 0 else ">"
        data = np.frombuffer(f.read(), dtype=endian + "f4")
    channels = 3 if header == b"PF" else 1
    data = np.flip(data.reshape(h, w, channels).transpose(2, 0, 1), axis=1)
    return data[:slice_channels].astype(np.float32)


def _unfilter(raw, height, stride, bpp):
    """Undo PNG's per-row filters (None, Sub, Up, Average, Paeth) on the inflated image data."""
    out = np.zeros((height, stride), dtype=np.uint8)
    prev = np.zeros(stride, dtype=np.int32)
    pos = 0
    for y in range(height):
        kind = raw[pos]
        row = np.frombuffer(raw, dtype=np.uint8, count=stride, offset=pos + 1).astype(np.int32)
        pos += stride + 1
        if kind == 0:
            cur = row
        elif kind == 2:
            cur = (row + prev) & 0xFF
        else:
            # NOTE: Sub, Average and Paeth depend on the bytes just decoded to their left: one pixel at a time.
            cur = row.copy()
            for x in range(stride):
                a = cur[x - bpp] if x >= bpp else 0
                b = prev[x]
                if kind == 1:
                    cur[x] = (cur[x] + a) & 0xFF
                elif kind == 3:
                    cur[x] = (cur[x] + ((a + b) >> 1)) & 0xFF
                elif kind == 4:
                    c = prev[x - bpp] if x >= bpp else 0
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    cur[x] = (cur[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
                else:
                    raise ValueError(f"invalid PNG filter type {kind}")
        out[y] = cur
        prev = cur
    return out


def read_png_16bit_rgb(file_name):
    """A non-interlaced 16-bit RGB PNG as uint16 ``[3, H, W]``."""
    with open(file_name, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{file_name} is not a PNG file")
    pos, idat, header = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        pos += 12 + length
    width, height, depth, color, _, _, interlace = header
    if depth != 16 or color != 2 or interlace:
        raise ValueError(f"{file_name}: expected a non-interlaced 16-bit RGB PNG, got bit depth {depth}, "
                         f"colour type {color}, interlace {interlace}")
    rows = _unfilter(zlib.decompress(b"".join(idat)), height, width * 6, 6)
    return rows.view(">u2").reshape(height, width, 3).transpose(2, 0, 1).astype(np.uint16)


def read_16bits_png_with_flow_and_valid_mask(file_name):
    """KITTI-style flow: channels 1-2 hold ``flow * 64 + 2**15``, channel 3 whether the pixel has a flow;
    returns (float32 ``[2, H, W]`` flow, bool ``[H, W]`` mask)."""
    flow_and_valid = read_png_16bit_rgb(file_name).astype(np.float32)
    return (flow_and_valid[:2] - 2 ** 15) / 64, flow_and_valid[2].astype(bool)
