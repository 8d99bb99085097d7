"""Check that ember's float32 GELU derivative with oneDNN's bits (ember/ops/_gelu_bwd_onednn.py), whose
fused multiply-adds are double sums rounded to float32, gives the fused steps' bits for every input:
a double sum can only round differently where it lands exactly on a float32 midpoint, so every |x| is
tried (2**31 inputs; the sign of x is applied at the end), the inputs with such a sum collected, and
those recomputed step by step with ``fma32``. About a minute of one core:

    python scripts/check_gelu_backward_midpoints.py   (from the repository root)

It prints the inputs (bit patterns) that round differently and exits with 1 if there are any (none
for the kernel as it is: 1,501,227 inputs have a midpoint sum, all of them rounded right).
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import ember  # noqa: E402
from ember.ops import _gelu_bwd_onednn as kernel  # noqa: E402


def main(step=1 << 22):
    ember.set_num_threads(1)
    kernel._TRACK_MIDPOINTS[0] = True
    try:
        for start in range(0, 0x7f800001, step):
            bits = np.arange(start, min(start + step, 0x7f800001), dtype=np.uint32)
            kernel.derivative(bits.view(np.float32))
        suspects = np.unique(np.concatenate(kernel._TRACK_MIDPOINTS[1]))
        fast = kernel.derivative(suspects)
        exact = kernel.exact_derivative(suspects)
        wrong = suspects[fast.view(np.uint32) != exact.view(np.uint32)]
    finally:
        kernel._TRACK_MIDPOINTS[0] = False
        kernel._TRACK_MIDPOINTS[1].clear()
    print(f'{suspects.size} inputs with a double sum on a midpoint; {wrong.size} round differently:')
    print(' '.join(f'0x{int(b):08x}' for b in wrong.view(np.uint32)))
    return 1 if wrong.size else 0


if __name__ == '__main__':
    sys.exit(main())
