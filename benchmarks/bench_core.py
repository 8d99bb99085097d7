"""Core speed, side by side with PyTorch when it is importable (ratios in one run).

    python benchmarks/bench_core.py            # ember only (and torch if importable here)

Measures: per-op eager overhead on tiny tensors with and without autograd, a 1M-element
elementwise chain with backward, and a 1024x1024 matmul (against NumPy's own matmul too).
"""
import os
import subprocess
import sys
import timeit

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def _best(fn, number, repeat=5):
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number


def bench(lib_name):
    if lib_name == 'ember':
        sys.path.insert(0, ROOT)
        import ember as lib
    else:
        import torch as lib
        lib.set_num_threads(os.cpu_count() or 1)
    res = {}
    a = lib.ones(4, 4)
    b = lib.ones(4, 4)
    res['op_no_grad_us'] = _best(lambda: a * b + a, 2000) * 1e6 / 2
    x = lib.ones(4, 4, requires_grad=True)
    res['op_grad_us'] = _best(lambda: x * b + x, 2000) * 1e6 / 2

    def fwd_bwd():
        y = (x * b + x).sum()
        y.backward()
    res['tiny_fwd_bwd_us'] = _best(fwd_bwd, 500) * 1e6

    big = lib.rand(1_000_000, requires_grad=True)

    def chain():
        y = ((big * 2 + 1).sin() * big).exp().sum()
        y.backward()
    res['chain_1M_ms'] = _best(chain, 5) * 1e3

    m1 = lib.rand(1024, 1024)
    m2 = lib.rand(1024, 1024)
    res['matmul_1024_ms'] = _best(lambda: m1 @ m2, 5) * 1e3
    if lib_name == 'ember':
        n1, n2 = m1.numpy(), m2.numpy()
        res['numpy_matmul_1024_ms'] = _best(lambda: n1 @ n2, 5) * 1e3
    return res


def main():
    if len(sys.argv) > 1 and sys.argv[1] == '--one':
        print(repr(bench(sys.argv[2])))
        return
    ours = eval(subprocess.check_output([sys.executable, __file__, '--one', 'ember'], text=True))
    theirs = None
    torch_python = os.environ.get('TORCH_PYTHON', sys.executable)
    try:
        theirs = eval(subprocess.check_output([torch_python, __file__, '--one', 'torch'], text=True,
                                              stderr=subprocess.DEVNULL))
    except (subprocess.CalledProcessError, FileNotFoundError):
        pass
    print(f"{'measure':<24}{'ember':>12}{'torch':>12}{'ratio':>8}")
    for k, v in ours.items():
        t = theirs.get(k) if theirs else None
        ratio = f'{v / t:.2f}' if t else '-'
        print(f"{k:<24}{v:>12.3f}{(t if t else float('nan')):>12.3f}{ratio:>8}")
    print(f"matmul vs NumPy: {ours['matmul_1024_ms'] / ours['numpy_matmul_1024_ms']:.3f}x")


if __name__ == '__main__':
    main()
