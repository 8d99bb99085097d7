"""Check that ember's fast SLEEF ``tanhf`` (ember/ops/_sleef_tanhf.py: float64's tanh rounded, the
elements near a float32 midpoint and the tiny inputs step by step) gives the step-by-step bits for every
float32 input: tries every |x| up to SLEEF's saturation bound (the sign is applied at the end; beyond the
bound both give 1):

    python scripts/check_sleef_tanhf.py   (from the repository root)

It prints the inputs (bit patterns) that differ and exits with 1 if there are any (none for the kernel as
it is: about 4 minutes of CPU).
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from ember.ops import _sleef_tanhf  # noqa: E402


def main(step=1 << 21):
    last = int(np.float32(_sleef_tanhf._SATURATED).view(np.uint32)) + 2
    wrong = []
    for start in range(0, last, step):
        x = np.arange(start, min(start + step, last), dtype=np.uint32).view(np.float32)
        fast, steps = _sleef_tanhf.tanhf(x), _sleef_tanhf.tanhf_steps(x)
        wrong.append(x[fast.view(np.uint32) != steps.view(np.uint32)].view(np.uint32))
    wrong = np.concatenate(wrong)
    print(f'{wrong.size} inputs differ:', ' '.join(f'0x{int(b):08x}' for b in wrong[:50]))
    return 1 if wrong.size else 0


if __name__ == '__main__':
    sys.exit(main())
