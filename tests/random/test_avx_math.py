"""The fast float32 normal kernel against its step-by-step formulation, bit for bit.

Its inputs are 24-bit uniforms, so each function has only 2**24 of them:
``python scripts/check_avx_math.py`` compares all of them; the test compares a sample and the
edges (0, the largest uniform, octant boundaries of the angle)."""
import numpy as np

from ember._random.avx_math import NormalKernel32
from tests.random import avx_reference

_SCALE = np.float32(2.0 ** -24)


def kernel_mismatches(ka, kb, chunk=16384):
    """How many pairs (uniform ``ka·2**-24``, ``kb·2**-24``) give other bits than the reference."""
    a = ka.astype(np.float32) * _SCALE
    b = kb.astype(np.float32) * _SCALE
    bad = 0
    kernel = NormalKernel32(chunk)
    first, second = np.empty_like(a), np.empty_like(a)
    for i in range(0, a.size, chunk):
        s = slice(i, i + chunk)
        # the words' top 8 bits are not part of the uniforms
        kernel.pairs(ka[s] | np.uint32(0xA5000000), kb[s] | np.uint32(0x5B000000), first[s], second[s])
        radius = np.sqrt(np.float32(-2) * avx_reference.log_ps(np.float32(1) - a[s]))
        sin, cos = avx_reference.sincos_ps(np.float32(2 * np.pi) * b[s])
        bad += int((first[s].view(np.int32) != (radius * cos).view(np.int32)).sum())
        bad += int((second[s].view(np.int32) != (radius * sin).view(np.int32)).sum())
    return bad


def test_fast_kernel_equals_the_step_by_step_one():
    rng = np.random.default_rng(5)
    edges = [0, 1, 2, 2 ** 23, 2 ** 24 - 2, 2 ** 24 - 1]
    # uniforms whose angle sits next to a multiple of pi/4 (the octant switches)
    octants = (np.arange(1, 8) * 2 ** 21)[:, None] + np.arange(-3, 4)[None, :]
    ka = np.concatenate([edges, rng.integers(0, 2 ** 24, 60000), octants.ravel()]).astype(np.uint32)
    kb = np.concatenate([edges, rng.integers(0, 2 ** 24, 60000), octants.ravel()]).astype(np.uint32)
    assert kernel_mismatches(ka, kb) == 0
    assert kernel_mismatches(kb, ka) == 0
