"""The C allocator's policy for large arrays, set once when ember loads (glibc only).

Eager training allocates and frees the same large temporaries at every step. glibc serves a block
above its mmap threshold (128 KiB at first) with a fresh mapping, and returns freed memory at the
top of its heap to the system past its trim threshold; either way the next step's arrays fault
every page in again (thousands of page faults per transformer step, several milliseconds of system
time). glibc raises both thresholds by itself once the process frees a large mapped block, up to 32
MiB and 64 MiB, but only after that has happened, and a step can run with either policy depending
on its history. ember starts from those final values instead, so every step runs the same way.
Freed memory stays with the process up to 64 MiB above what it uses (as it would after glibc's own
adjustment). A user who sets glibc's own settings (``MALLOC_MMAP_THRESHOLD_``,
``MALLOC_TRIM_THRESHOLD_`` or ``GLIBC_TUNABLES``) keeps them.
"""
import os
import sys

MMAP_THRESHOLD = 32 << 20   # glibc's largest dynamic mmap threshold on 64-bit systems
TRIM_THRESHOLD = 64 << 20   # twice it, as glibc sets when it raises the mmap threshold

_M_TRIM_THRESHOLD = -1      # mallopt's parameter numbers (malloc.h)
_M_MMAP_THRESHOLD = -3


def tune_allocator():
    """Set glibc's mmap and trim thresholds as described above; True when they were set."""
    if not sys.platform.startswith('linux') or 'MALLOC_MMAP_THRESHOLD_' in os.environ or \
            'MALLOC_TRIM_THRESHOLD_' in os.environ or 'malloc' in os.environ.get('GLIBC_TUNABLES', ''):
        return False
    try:
        import ctypes
        libc = ctypes.CDLL(None)
        if not hasattr(libc, 'gnu_get_libc_version'):   # musl and others: their own policies
            return False
        mallopt = libc.mallopt
    except (OSError, AttributeError, ImportError):
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD))
