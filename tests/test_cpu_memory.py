"""Large temporaries reuse the process's memory from one training step to the next (glibc's
allocator thresholds, set when ember loads), and a user's own allocator settings are kept."""
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith('linux'), reason="glibc's allocator policy")

_STEPS = '''
import resource, sys
import numpy as np
import ember
def step():   # four 8 MiB temporaries made and freed, as a training step's
    arrays = [np.ones(1 << 21, np.float32) for _ in range(4)]
    del arrays
step(); step()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(10):
    step()
print((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 10)
print(ember.backend._cpu_memory.tune_allocator())
'''


def _run(env):
    full = dict(os.environ, **env)
    for name in ('MALLOC_MMAP_THRESHOLD_', 'MALLOC_TRIM_THRESHOLD_', 'GLIBC_TUNABLES'):
        if name not in env:
            full.pop(name, None)
    out = subprocess.run([sys.executable, '-c', _STEPS], capture_output=True, text=True, env=full, check=True)
    faults, tuned = out.stdout.split()
    return float(faults), tuned == 'True'


def test_freed_large_arrays_are_reused_without_page_faults():
    faults, tuned = _run({})
    if not tuned:
        pytest.skip('not glibc')
    assert faults < 1000    # 8192 per step when the memory goes back to the system each time


def test_users_allocator_settings_are_kept():
    _, tuned = _run({'MALLOC_TRIM_THRESHOLD_': str(1 << 20)})
    assert not tuned
