"""The fast float32 normal kernel against its step-by-step formulation, bit for bit.

Its inputs are 24-bit uniforms, so each function has only 2**24 of them:
``python scripts/check_avx_math.py`` compares all of them; the test compares a sample and the
edges (0, the largest uniform, octant boundaries of the angle)."""
import numpy as np

from ember._random.avx_math import RADIUS_SCALE, TRIG_SCALE, NormalKernel32
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


def radius_mismatches(k, chunk=1 << 20):
    """How many of the uniforms ``k·2**-24`` give another radius than the reference (compared
    before any product, which could round a difference away)."""
    kernel, bad = NormalKernel32(chunk), 0
    for i in range(0, k.size, chunk):
        w = k[i:i + chunk]
        radius, y, e = (np.empty(w.size, np.float32) for _ in range(3))
        kernel._radius(w | np.uint32(0xA5000000), radius, y, e, kernel._buffers(w.size))
        radius /= np.float32(RADIUS_SCALE)       # exact: the kernel keeps a power-of-two scaling
        ref = np.sqrt(np.float32(-2) * avx_reference.log_ps(np.float32(1) - w.astype(np.float32) * _SCALE))
        bad += int((radius.view(np.int32) != ref.view(np.int32)).sum())
    return bad


def sincos_mismatches(k, chunk=1 << 20):
    """How many sines and cosines of the angles ``2π·k·2**-24`` differ from the reference."""
    kernel, bad = NormalKernel32(chunk), 0
    for i in range(0, k.size, chunk):
        w = k[i:i + chunk]
        sin, cos = np.empty(w.size, np.float32), np.empty(w.size, np.float32)
        kernel._sincos(w | np.uint32(0x5B000000), sin, cos, kernel._buffers(w.size))
        sin /= np.float32(TRIG_SCALE)
        cos /= np.float32(TRIG_SCALE)
        rs, rc = avx_reference.sincos_ps(np.float32(2 * np.pi) * (w.astype(np.float32) * _SCALE))
        bad += int((sin.view(np.int32) != rs.view(np.int32)).sum() + (cos.view(np.int32) != rc.view(np.int32)).sum())
    return bad


def test_radius_and_angle_steps_each_equal_the_step_by_step_ones():
    rng = np.random.default_rng(11)
    k = np.concatenate([[0, 1, 2, 2 ** 23, 2 ** 24 - 1], rng.integers(0, 2 ** 24, 50000),
                        ((np.arange(1, 8) * 2 ** 21)[:, None] + np.arange(-3, 4)[None, :]).ravel()])
    k = k.astype(np.uint32)
    assert radius_mismatches(k, chunk=8192) == 0
    assert sincos_mismatches(k, chunk=8192) == 0


def test_fast_kernel_equals_the_step_by_step_one():
    rng = np.random.default_rng(5)
    edges = [0, 1, 2, 2 ** 23, 2 ** 24 - 2, 2 ** 24 - 1]
    # uniforms whose angle sits next to a multiple of pi/4 (the octant switches)
    octants = (np.arange(1, 8) * 2 ** 21)[:, None] + np.arange(-3, 4)[None, :]
    ka = np.concatenate([edges, rng.integers(0, 2 ** 24, 60000), octants.ravel()]).astype(np.uint32)
    kb = np.concatenate([edges, rng.integers(0, 2 ** 24, 60000), octants.ravel()]).astype(np.uint32)
    assert kernel_mismatches(ka, kb) == 0
    assert kernel_mismatches(kb, ka) == 0


def test_a_zero_radius_gives_positive_zeros_as_pytorchs_fused_affine():
    # a uniform of 0 for the radius makes sqrt(-2 log(1)) = 0, and its products with negative
    # sines and cosines -0; PyTorch's fma(v, 1, 0) turns them into +0, which the kernel reports
    from ember._random import draw
    words = np.arange(16 * 8, dtype=np.uint32) * np.uint32(2 ** 18 + 12345)
    blocks = words.reshape(-1, 16)
    blocks[:, :8] = np.arange(8, dtype=np.uint32) * np.uint32(2 ** 24)     # radius words: uniform 0
    kernel = NormalKernel32(64)
    wa, wb = blocks[:, :8].ravel().copy(), blocks[:, 8:].ravel().copy()
    first, second = np.empty(64, np.float32), np.empty(64, np.float32)
    assert kernel.pairs(wa, wb, first, second)
    assert (first == 0).all() and np.signbit(first).any()          # some cosines are negative
    out = np.empty(words.size, np.float32)
    draw._NormalBlocks32(8)(words.copy(), out, np.float32(0), np.float32(1))
    assert (out.reshape(-1, 16)[:, :8] == 0).all() and not np.signbit(out).any()
    # with nonzero radii the kernel reports none, and no sample is zero
    blocks[:, :8] |= np.uint32(1)
    assert not kernel.pairs(blocks[:, :8].ravel().copy(), blocks[:, 8:].ravel().copy(), first, second)
    assert (first != 0).all() and (second != 0).all()


def test_kernel_temporaries_start_at_distinct_page_offsets():
    # arrays starting at the same offset into a 4 KiB page slow every pass that reads one and
    # writes another: the kernel's temporaries are carved from one allocation at staggered offsets
    for size in (32768, 4096, 1000):
        kernel = NormalKernel32(size)
        arrays = kernel._f32 + kernel._f64
        starts = [a.ctypes.data % 4096 for a in arrays]
        assert len(set(starts)) == len(starts), (size, starts)
        assert all(a.ctypes.data % 64 == 0 and a.size == size for a in arrays)
        ends = sorted((a.ctypes.data, a.ctypes.data + a.nbytes) for a in arrays)
        assert all(end <= start for (_, end), (start, _) in zip(ends, ends[1:]))   # no overlap
