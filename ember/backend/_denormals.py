"""Flushing denormal (subnormal) floats to zero on x86-64 CPUs, for ``ember.set_flush_denormal``.

PyTorch sets two bits of the SSE control register (MXCSR): flush-to-zero (results too small to be
normal become zero) and denormals-are-zero (such inputs read as zero). NumPy computes with the same SSE
instructions but offers no way to set the register, so ember sets it through the C library's
``fegetenv``/``fesetenv``, whose saved environment holds MXCSR at a fixed place on x86-64 glibc. The
register belongs to a thread: the change reaches the calling thread and the threads it starts
afterwards, not threads that already run (a BLAS library's worker pool).
"""
import platform
import struct
import sys

_FTZ_DAZ = 0x8000 | 0x0040      # MXCSR's flush-to-zero and denormals-are-zero bits
_FENV_SIZE = 32                 # sizeof(fenv_t) on x86-64 glibc
_MXCSR_OFFSET = 28              # its last field, __mxcsr
_libm = None
FLUSHING = [False]              # whether ember last set the bits (on the thread that called it)


def _c_library():
    global _libm
    if _libm is None:
        import ctypes
        import ctypes.util
        _libm = ctypes.CDLL(ctypes.util.find_library('m') or 'libm.so.6')
    return _libm


def supported():
    """Whether this machine can flush denormals through ember: x86-64 Linux with glibc."""
    return (sys.platform.startswith('linux') and platform.machine() in ('x86_64', 'AMD64')
            and platform.libc_ver()[0] == 'glibc')


def set_flush_to_zero(mode):
    """Set (``mode`` True) or clear both bits on the calling thread; False where that cannot be done."""
    if not supported():
        return False
    import ctypes
    libm = _c_library()
    env = ctypes.create_string_buffer(_FENV_SIZE)
    if libm.fegetenv(env) != 0:
        return False
    mxcsr = struct.unpack_from('<I', env.raw, _MXCSR_OFFSET)[0]
    if mxcsr & 0x1F80 != 0x1F80 and mxcsr >> 16:    # not a control register's value: another layout
        return False
    mxcsr = mxcsr | _FTZ_DAZ if mode else mxcsr & ~_FTZ_DAZ
    ctypes.memmove(ctypes.addressof(env) + _MXCSR_OFFSET, struct.pack('<I', mxcsr), 4)
    if libm.fesetenv(env) != 0:
        return False
    FLUSHING[0] = bool(mode)
    return True
