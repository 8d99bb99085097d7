"""COCO segmentations (polygons and run-length encodings) as binary masks, computed as pycocotools computes them,
without needing pycocotools.

A COCO mask is stored column-major: an RLE's counts alternate runs of 0s and 1s (starting with 0s) down the
columns. Compressed RLEs spell the counts as a string: each count (after the third, as the difference to the count
two before) is written in 5-bit groups, least significant first, each group + 48 as a character, bit 5 (0x20)
meaning "more groups follow" and bit 4 of the last group the sign.
"""
import math

import numpy as np


def _decode_counts_string(s):
    counts, i = [], 0
    while i < len(s):
        value, shift, more = 0, 0, True
        while more:
            c = ord(s[i]) - 48
            value |= (c & 0x1F) << (5 * shift)
            more = bool(c & 0x20)
            i += 1
            shift += 1
            if not more and c & 0x10:
                value |= -1 << (5 * shift)
        if len(counts) > 2:
            value += counts[-2]
        counts.append(value)
    return counts


def _counts_to_mask(counts, h, w):
    if sum(counts) != h * w:
        raise ValueError("Invalid RLE mask representation")
    flat = np.zeros(h * w, dtype=np.uint8)
    ends = np.cumsum(counts)
    for k in range(1, len(counts), 2):                   # odd runs are the 1s
        flat[ends[k - 1]:ends[k]] = 1
    return flat.reshape(w, h).T


def _polygon_counts(xy, h, w):
    """pycocotools' rleFrPoly: walk the polygon's edges at 5x resolution, keep the points where the boundary
    crosses a pixel column's centre, and turn those into run boundaries."""
    scale = 5.0
    k = len(xy) // 2
    x = [int(scale * xy[2 * j] + 0.5) for j in range(k)] + [0]
    y = [int(scale * xy[2 * j + 1] + 0.5) for j in range(k)] + [0]
    x[k], y[k] = x[0], y[0]
    u, v = [], []
    for j in range(k):
        xs, xe, ys, ye = x[j], x[j + 1], y[j], y[j + 1]
        dx, dy = abs(xe - xs), abs(ys - ye)
        flip = (dx >= dy and xs > xe) or (dx < dy and ys > ye)
        if flip:
            xs, xe, ys, ye = xe, xs, ye, ys
        if dx >= dy:
            s = (ye - ys) / dx if dx else 0.0
            for d in range(dx + 1):
                t = dx - d if flip else d
                u.append(t + xs)
                v.append(int(ys + s * t + 0.5))
        else:
            s = (xe - xs) / dy
            for d in range(dy + 1):
                t = dy - d if flip else d
                v.append(t + ys)
                u.append(int(xs + s * t + 0.5))
    starts = []
    for j in range(1, len(u)):
        if u[j] == u[j - 1]:
            continue
        xd = float(u[j] if u[j] < u[j - 1] else u[j] - 1)
        xd = (xd + 0.5) / scale - 0.5
        if math.floor(xd) != xd or xd < 0 or xd > w - 1:
            continue
        yd = float(v[j] if v[j] < v[j - 1] else v[j - 1])
        yd = (yd + 0.5) / scale - 0.5
        yd = math.ceil(min(max(yd, 0.0), float(h)))
        starts.append(int(xd) * h + int(yd))
    a = sorted(starts + [h * w])
    a = [a[0]] + [a[j] - a[j - 1] for j in range(1, len(a))]
    counts, j = [a[0]], 1
    # NOTE: a zero-length run merges its neighbours (two boundary points at the same place cancel).
    while j < len(a):
        if a[j] > 0:
            counts.append(a[j])
            j += 1
        else:
            j += 1
            if j < len(a):
                counts[-1] += a[j]
                j += 1
    return counts


def segmentation_to_mask(segmentation, canvas_size):
    """A uint8 ``[H, W]`` array for a COCO segmentation: a list of polygons (their union), an uncompressed RLE
    (``counts`` a list) or a compressed one (``counts`` a str)."""
    h, w = canvas_size
    if isinstance(segmentation, dict):
        counts = segmentation["counts"]
        h, w = segmentation["size"]
        if isinstance(counts, (bytes, str)):
            counts = _decode_counts_string(counts.decode() if isinstance(counts, bytes) else counts)
        return _counts_to_mask(counts, h, w)
    if isinstance(segmentation, list):
        mask = np.zeros((h, w), dtype=np.uint8)
        for polygon in segmentation:
            mask |= _counts_to_mask(_polygon_counts(polygon, h, w), h, w)
        return mask
    raise ValueError(f"COCO segmentation expected to be a dict or a list, got {type(segmentation)}")
