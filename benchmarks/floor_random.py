"""NumPy's floor under the two random-stream rows of ``bench_random.py`` that stay above 3x
PyTorch: float32 ``randn(10**6)`` and ``randperm(10**6)``.  Each NumPy pass that ember's
formulation makes is timed on its own at NumPy's speed and the passes are summed; the table puts
that sum beside ember's and PyTorch's time for the whole call, all from the same run.

    BENCH_THREADS=1 BENCH_TIMER=process TORCH_PYTHON=/path/to/python-with-torch python benchmarks/floor_random.py

randn: NumPy's MT19937 words, then the passes of the float32 Box-Muller kernel.  Those are
recorded on one cache-sized chunk (2048 blocks of 16) by running the kernel on arrays that log
every ufunc and ``copyto`` call, then each call is replayed on copies of its operands and timed;
the chunk's sum is scaled to 10**6 numbers; the split of the words into the blocks' radius and
angle halves and the join of the normals (four copies a run of words) are timed as the library
does them.  The rows below the total group the passes by kind
(a fused multiply-add step is four of them: a double product and sum, then its rounding to
float32, either a conversion to float32 and back or, in the log's polynomial, two integer passes on
the double's bits; NumPy has no fused multiply-add).

randperm: the passes ember's blocks of swaps make over every step (``ember/_random/swap_shuffle.py``):
the words, their remainders and targets (uint32), the targets as NumPy index arrays, the copy of
each block's values, a random gather of the targets' values, a random scatter of the values the
steps move, a random scatter of the steps' numbers (uint16) and its read-back, and the int64
result; each random pass is timed a block at a time (blocks of 16 sqrt(n - i) steps), as the library
makes it.  The bookkeeping of the steps that meet inside a block (about 3 % of the steps) and the
last 1024 steps, done in order, come on top of that.
"""
import os
import sys

import numpy as np

from _common import best, import_lib, interleaved_medians

N = 10 ** 6
_BLOCKS = 2048          # the kernel's chunk: blocks of 16 numbers


def bench(lib_name):
    lib = import_lib(lib_name)
    lib.manual_seed(0)
    res = {'randn(1e6) f32': best(lambda: lib.randn(N), 3) * 1e3,
           'randperm(1e6)': best(lambda: lib.randperm(N), 3) * 1e3}
    if lib_name == 'ember':
        res.update(_randn_floor())
        res.update(_randperm_floor())
    return res


# ------------------------------------------------------------------------------ randn
class _Logged(np.ndarray):
    """An array whose ufunc and ``copyto`` calls are appended to ``_Logged.calls`` (with copies
    of their operands) before they run on plain arrays."""
    calls = []

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        plain = [np.asarray(x).view(np.ndarray) if isinstance(x, np.ndarray) else x for x in inputs]
        out = kwargs.pop('out', None)
        outs = tuple(o.view(np.ndarray) for o in out) if out else None
        _Logged.calls.append((ufunc.__name__, method, [p.copy() if isinstance(p, np.ndarray) else p for p in plain],
                              [o.copy() for o in outs] if outs else None, dict(kwargs)))
        result = getattr(ufunc, method)(*plain, **kwargs, **({'out': outs} if outs else {}))
        if out:
            return out[0] if len(out) == 1 else out
        return result.view(_Logged) if isinstance(result, np.ndarray) else result

    def __setitem__(self, key, value):
        # whole-array assignments (``y[...] = t64``) are the kernel's conversions
        if key is Ellipsis and isinstance(value, np.ndarray):
            _Logged.calls.append(('copyto', None, [np.asarray(value).view(np.ndarray).copy()],
                                  [self.view(np.ndarray).copy()], {'casting': 'unsafe'}))
        self.view(np.ndarray)[key] = value.view(np.ndarray) if isinstance(value, np.ndarray) else value

    def __array_function__(self, func, types, args, kwargs):
        plain = [a.view(np.ndarray) if isinstance(a, np.ndarray) else a for a in args]
        if func is np.copyto:
            dst, src = plain[0], plain[1]
            _Logged.calls.append(('copyto', None, [src.copy()], [dst.copy()], dict(kwargs)))
        result = func(*plain, **kwargs)
        return result.view(_Logged) if isinstance(result, np.ndarray) else result


def _kind(name, args, outs):
    dtypes = {a.dtype for a in args if isinstance(a, np.ndarray)} | {o.dtype for o in outs or ()}
    if name == 'copyto':
        src, dst = args[0].dtype, outs[0].dtype
        if src.kind == 'V':
            return 'halves of the blocks (copies)'
        if {src, dst} == {np.dtype(np.float64), np.dtype(np.float32)}:
            return 'float32 <-> float64 conversions'
        return 'other conversions'
    if np.dtype(np.float64) in dtypes:
        return 'float64 arithmetic'
    if dtypes <= {np.dtype(np.float32)}:
        return 'float32 arithmetic'
    return 'integer and bit operations'


def _replay(name, method, args, outs, kwargs):
    """Seconds one recorded call takes at NumPy's speed (into fresh outputs, so that repeating
    an in-place step does not drift its operands into subnormals)."""
    fresh = [np.empty_like(o) for o in outs] if outs else None
    if name == 'copyto':
        return best(lambda: np.copyto(fresh[0], args[0], **kwargs), 50)
    call = getattr(getattr(np, name), method)
    out = {'out': tuple(fresh)} if fresh else {}
    return best(lambda: call(*args, **kwargs, **out), 50)


def _randn_floor():
    from ember._random import draw
    bits = np.random.Generator(np.random.MT19937(0))
    res = {'randn floor: MT19937 words': best(lambda: bits.integers(0, 1 << 32, N, dtype=np.uint32), 3) * 1e3}
    blocks = draw._NormalBlocks32(_BLOCKS)
    k = blocks.kernel
    k._f32, k._f64 = ([a.view(_Logged) for a in arrays] for arrays in (k._f32, k._f64))
    blocks.both = blocks.both.view(_Logged)
    words = bits.integers(0, 1 << 32, 16 * _BLOCKS, dtype=np.uint32)
    out = np.empty(16 * _BLOCKS, np.float32).view(_Logged)
    _Logged.calls.clear()
    blocks(words, out, np.float32(0), np.float32(1))
    chunks = N / (16 * _BLOCKS)
    kinds, counts = {}, {}
    for name, method, args, outs, kwargs in _Logged.calls:
        kind = _kind(name, args, outs)
        kinds[kind] = kinds.get(kind, 0.0) + _replay(name, method, args, outs, kwargs) * chunks * 1e3
        counts[kind] = counts.get(kind, 0) + 1
    # the halves: split and joined once per run of words drawn at a time, as the library does it
    run = draw._NormalBlocks32(draw._STREAM_WORDS // 16)
    words = bits.integers(0, 1 << 32, draw._STREAM_WORDS, dtype=np.uint32)
    out = np.empty(words.size, np.float32)

    def split_join():
        first, second = run.halves.split(words)
        draw._Halves.join(first.view(np.float32), second.view(np.float32), out)
    how = 'BLAS row copies' if draw._numpy_blas.copy_rows(words, run.halves.first, 1, 4, 8, 4) else 'NumPy item copies'
    kind = f'halves of the blocks ({how})'
    kinds[kind] = best(split_join, 20) * N / words.size * 1e3
    counts[kind] = 4
    res['randn floor: kernel passes'] = sum(kinds.values())
    for kind in sorted(kinds, key=kinds.get, reverse=True):
        res[f'  {counts[kind]} x {kind}'] = kinds[kind]
    return res


# ------------------------------------------------------------------------------ randperm
def _randperm_floor():
    import ember
    from ember._random import swap_shuffle
    engine = ember.Generator().manual_seed(0)._engine     # (the words as the library draws them)
    rng = np.random.Generator(np.random.MT19937(0))
    steps = N - 1
    words = rng.integers(0, 1 << 32, steps, dtype=np.uint32)
    sizes = np.arange(N, 1, -1, dtype=np.uint32)
    offsets = np.arange(steps, dtype=np.uint32)
    targets = words % sizes + offsets
    where = targets.astype(np.intp)
    starts = swap_shuffle._block_starts(N, steps).tolist()
    blocks = list(zip(starts, starts[1:] + [steps]))
    values = np.arange(N, dtype=np.int32)
    moved = np.arange(N, dtype=np.int32)
    got = np.empty(steps, np.int32)
    stamp = np.zeros(N, np.uint16)
    last = np.empty(steps, np.uint16)
    number = np.arange(max(b - a for a, b in blocks), dtype=np.uint16)

    def per_block(step):
        return lambda: [step(a, b) for a, b in blocks]
    parts = {
        'randperm floor: MT19937 words': lambda: engine.words32(steps),
        '  remainders w % (n - i) and targets': lambda: np.add(np.remainder(words, sizes), offsets, out=targets),
        '  targets as index arrays': lambda: targets.astype(np.intp),
        '  copies of the blocks\' values': lambda: np.copyto(moved[:steps], values[:steps]),
        '  random gather of the targets\' values': per_block(
            lambda a, b: values.take(where[a:b], out=got[a:b], mode='clip')),
        '  random scatter of the moved values': per_block(lambda a, b: values.__setitem__(where[a:b], moved[a:b])),
        '  random scatter of the steps\' numbers': per_block(
            lambda a, b: stamp.__setitem__(where[a:b], number[:b - a])),
        '  random read-back of the numbers': per_block(
            lambda a, b: stamp.take(where[a:b], out=last[a:b], mode='clip')),
        '  the int64 result': lambda: got.astype(np.int64),
    }
    res = {k: best(fn, 3) * 1e3 for k, fn in parts.items()}
    res['randperm floor: sum'] = sum(res.values())
    return res


def main():
    ours, theirs = interleaved_medians(os.path.abspath(__file__))
    timer = os.environ.get('BENCH_TIMER', 'wall')
    print(f"threads {os.environ.get('BENCH_THREADS', 'all')}, timer {timer}, ms per call (medians)")
    for row in ('randn(1e6) f32', 'randperm(1e6)'):
        t = theirs.get(row) if theirs else None
        ratio = f'{ours[row] / t:.2f}' if t else '-'
        print(f"{row:<44}{'ember':>9}{ours[row]:>9.2f}   PyTorch {t if t else float('nan'):>7.2f}   ratio {ratio}")
        prefix = 'randn floor' if row.startswith('randn') else 'randperm floor'
        block = False
        for k, v in ours.items():
            if k.startswith(prefix):
                block = True
            elif not k.startswith('  '):
                block = False
            if block:
                share = f'{v / t:.2f}' if t else '-'
                print(f"  {k:<42}{v:>9.2f}   x PyTorch's time {share}")


if __name__ == '__main__':
    if len(sys.argv) > 2 and sys.argv[1] == '--one':
        print(repr(bench(sys.argv[2])))
    else:
        main()
