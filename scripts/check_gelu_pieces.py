"""Check ember's float32 GELU polynomial (``ember/ops/_gelu_f32.py``) on every non-negative float32
below the last piece's bound: its Horner steps, done in double and rounded to float32, give the fused
multiply-adds' results (where a double sum lands on a float32 midpoint the two can differ; the one
such input is repaired there).  Run from the repository root: ``python scripts/check_gelu_pieces.py``
(several minutes; it prints the inputs that differ, and fails if there are any)."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from ember.ops._gelu_f32 import midpoint_inputs, _LAST_PIECE_BOUND  # noqa: E402

if __name__ == '__main__':
    top = int(np.float32(_LAST_PIECE_BOUND).view(np.uint32)) + 1
    step = 1 << 22
    bad = []
    for start in range(0, top, step):
        bits = np.arange(start, min(top, start + step), dtype=np.uint32)
        bad.extend(midpoint_inputs(bits.view(np.float32)).view(np.uint32).tolist())
    print(f"{len(bad)} of {top} inputs round differently through a double sum:")
    print(', '.join(hex(b) for b in bad))
    sys.exit(1 if bad else 0)
