"""Compare ember's fast float32 normal kernel with its step-by-step formulation on every input:
all 2**24 uniforms as the radius's input and, paired with them in reverse order, all 2**24 as
the angle's; then every radius, sine and cosine on its own.  Run from the repository root:
``python scripts/check_avx_math.py`` (a few seconds)."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from tests.random.test_avx_math import kernel_mismatches, radius_mismatches, sincos_mismatches  # noqa: E402

if __name__ == '__main__':
    k = np.arange(2 ** 24, dtype=np.uint32)
    bad = kernel_mismatches(k, k[::-1].copy(), chunk=1 << 20)
    print(f"{bad} of {2 * k.size} values differ")
    # the radius and the sine and cosine on their own: a product could round a difference away
    radius, trig = radius_mismatches(k), sincos_mismatches(k)
    print(f"{radius} of {k.size} radii and {trig} of {2 * k.size} sines and cosines differ")
    sys.exit(1 if bad or radius or trig else 0)
