"""Writes ember/quasirandom/sobol_joe_kuo.npz: the Sobol' direction numbers of S. Joe and F. Y. Kuo
(new-joe-kuo-6.21201, search criterion D(6), 21201 dimensions), the table PyTorch's SobolEngine uses.

The published table lists, per dimension, a primitive polynomial and its initial direction numbers
m_1..m_s (s = its degree). SciPy ships that table as ``scipy/stats/_sobol_direction_numbers.npz``
(``poly``, ``vinit``); this script reads it from there and stores only what is needed, compactly:

- ``poly``: uint32, one polynomial per dimension (its bits, leading and trailing 1 included);
- ``m_bits``: the initial direction numbers of every dimension, concatenated (s_d of them for
  dimension d, s_d = bit_length(poly[d]) - 1) and bit-packed: m_i is odd and below 2**i, so only
  the i - 1 bits of m_i >> 1 are stored, most significant first.

When PyTorch is importable, the direction numbers ember derives from the file are checked against
PyTorch's own SobolEngine state for all 21201 dimensions.

Run: /tmp/torch/bin/python scripts/make_sobol_directions.py
"""
import os

import numpy as np
import scipy.stats

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', 'ember', 'quasirandom', 'sobol_joe_kuo.npz')

table = np.load(os.path.join(os.path.dirname(scipy.stats.__file__), '_sobol_direction_numbers.npz'))
poly = table['poly'].astype(np.uint32)
degrees = np.array([int(p).bit_length() - 1 for p in poly])
vinit = table['vinit']
m = np.concatenate([vinit[d, :s] for d, s in enumerate(degrees)]).astype(np.int64)
widths = np.concatenate([np.arange(s) for s in degrees])           # m_i (i from 1) has i - 1 free bits
assert np.all(m % 2 == 1) and np.all(m < (2 << widths))
shifts = np.arange(17, -1, -1)
bits = (m[:, None] >> 1 >> shifts) & 1                              # 18 bits each, most significant first
keep = shifts[None, :] < widths[:, None]
np.savez_compressed(OUT, poly=poly, m_bits=np.packbits(bits[keep].astype(np.uint8)))

try:
    import torch
except ImportError:
    torch = None
if torch is not None:
    import sys
    sys.path.insert(0, os.path.join(HERE, '..'))
    from ember.quasirandom._directions import direction_numbers
    expected = torch.zeros(21201, 30, dtype=torch.long)
    torch._sobol_engine_initialize_state_(expected, 21201)
    assert np.array_equal(direction_numbers(21201), expected.numpy()), 'direction numbers differ from PyTorch'
    print('checked against PyTorch: all 21201 dimensions agree')
print(OUT, os.path.getsize(OUT), 'bytes')
