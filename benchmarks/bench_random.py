"""Random-number speed (milliseconds per call), side by side with PyTorch when it is importable
(set TORCH_PYTHON to a Python that has torch).  ember's streams are PyTorch's bit for bit, so
both sides compute the same numbers.

    python benchmarks/bench_random.py
    TORCH_PYTHON=/path/to/python-with-torch python benchmarks/bench_random.py

rand/randn(10**6) in float32 (randn goes through the vectorised float32 log/sin/cos), randperm,
dropout in training mode, and randn in float64 and exponential_, whose logarithms must be the C
library's own (called one element at a time through ``math``).
"""
from _common import best, import_lib, side_by_side

N = 10 ** 6


def bench(lib_name):
    lib = import_lib(lib_name)
    lib.manual_seed(0)
    x = lib.ones(N)
    drop = lib.nn.functional.dropout
    cases = {
        'rand(1e6) f32': lambda: lib.rand(N),
        'randn(1e6) f32': lambda: lib.randn(N),
        'randperm(1e6)': lambda: lib.randperm(N),
        'dropout(1e6, 0.5)': lambda: drop(x, 0.5, True),
        'randint(1e6)': lambda: lib.randint(0, 1000, (N,)),
        'randn(1e5) f64': lambda: lib.randn(N // 10, dtype=lib.float64),
        'exponential_(1e5)': lambda: lib.empty(N // 10).exponential_(),
    }
    return {k: best(fn, 3) * 1e3 for k, fn in cases.items()}


if __name__ == '__main__':
    side_by_side(__file__, bench, header='ms per call')
