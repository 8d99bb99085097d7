"""The Sobol' direction numbers, derived from the Joe–Kuo table (sobol_joe_kuo.npz, written by
scripts/make_sobol_directions.py).

Row ``d`` holds 30 direction numbers ``v_{d,j} = m_{d,j} * 2**(29 - j)``. The first ``s`` values of
``m`` come from the table (``s`` the degree of dimension ``d``'s primitive polynomial); the rest follow
Bratley and Fox's recurrence ``m_j = m_{j-s} xor 2^s m_{j-s} xor (xor_k a_k 2^k m_{j-k})``. Dimension
0 has all ``m = 1`` (the van der Corput sequence).
"""
import functools
import os

import numpy as np

MAXBIT = 30
MAXDIM = 21201


@functools.lru_cache(maxsize=1)
def _table():
    data = np.load(os.path.join(os.path.dirname(__file__), 'sobol_joe_kuo.npz'))
    poly = data['poly'].astype(np.int64)
    degrees = np.array([int(p).bit_length() - 1 for p in poly])
    offsets = np.concatenate([[0], np.cumsum(degrees)])
    widths = np.concatenate([np.arange(s) for s in degrees])
    return poly, degrees, offsets, _unpack(data['m_bits'], widths)


def _unpack(packed, widths):
    """The odd numbers ``m`` whose ``widths`` low bits above the lowest were packed, most significant first."""
    bits = np.unpackbits(packed).astype(np.int64)
    starts = np.concatenate([[0], np.cumsum(widths)[:-1]])
    m = np.zeros(len(widths), dtype=np.int64)
    for b in range(int(widths.max(initial=0))):
        has = widths > b
        m[has] = (m[has] << 1) | bits[starts[has] + b]
    return (m << 1) | 1


def direction_numbers(dimension):
    """The ``(dimension, 30)`` int64 direction numbers of the first ``dimension`` dimensions."""
    poly, degrees, offsets, m_init = _table()
    m = np.ones((dimension, MAXBIT), dtype=np.int64)
    # dimensions are grouped by degree so that the recurrence runs vectorised across each group
    for s in np.unique(degrees[1:dimension]):
        dims = np.nonzero(degrees[:dimension] == s)[0]
        dims = dims[dims > 0]
        starts = offsets[dims]
        for i in range(s):
            m[dims, i] = m_init[starts + i]
        p = poly[dims]
        for j in range(s, MAXBIT):
            new = m[dims, j - s].copy()
            for k in range(s):
                bit = (p >> (s - 1 - k)) & 1
                new ^= bit * (m[dims, j - k - 1] << (k + 1))
            m[dims, j] = new
    return m << np.arange(MAXBIT - 1, -1, -1, dtype=np.int64)
