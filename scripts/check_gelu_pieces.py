"""Check that ember's float32 GELU polynomial (``ember/ops/_gelu_f32.py``) needs no double-rounding
repair: for every non-negative float32 below the last piece's bound, no Horner step's double sum
lands exactly on a float32 rounding midpoint, so rounding the double sum to float32 is the fused
multiply-add's single rounding.  Run from the repository root:
``python scripts/check_gelu_pieces.py`` (a few minutes; it prints the number of such inputs)."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from ember.ops._gelu_f32 import midpoint_steps, _LAST_PIECE_BOUND  # noqa: E402

if __name__ == '__main__':
    top = int(np.float32(_LAST_PIECE_BOUND).view(np.uint32)) + 1
    step = 1 << 22
    bad = 0
    for start in range(0, top, step):
        bits = np.arange(start, min(top, start + step), dtype=np.uint32)
        bad += midpoint_steps(bits.view(np.float32))
    print(f"{bad} of {top} inputs reach a float32 midpoint in a double sum")
    sys.exit(1 if bad else 0)
