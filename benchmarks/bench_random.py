"""Random-number speed (milliseconds per call), side by side with PyTorch when it is importable
(set TORCH_PYTHON to a Python that has torch).  ember's streams are PyTorch's bit for bit, so
both sides compute the same numbers.

    python benchmarks/bench_random.py
    TORCH_PYTHON=/path/to/python-with-torch python benchmarks/bench_random.py

rand/randn(10**6) in float32 (randn goes through the vectorised float32 log/sin/cos), randperm,
dropout in training mode, randn in float64 and exponential_, whose logarithms must be the C
library's own, and the other samplers: bernoulli with a tensor of probabilities, normal_ with a
mean and std, multinomial, cauchy_/log_normal_/geometric_ (the C library's tan/exp/log), and the
rejection samplers gamma, poisson and binomial; ``uniform_``/``normal_`` as the initialisers call
them (-b..b, mean 0) and torchvision's ``vgg16()`` (its 138M parameters initialised, once per
round). ``BENCH_ONLY=poisson,binomial`` runs the cases
whose names contain one of the given words.
"""
import importlib
import os

from _common import best, import_lib, side_by_side

N = 10 ** 6


def bench(lib_name):
    lib = import_lib(lib_name)
    lib.manual_seed(0)
    x = lib.ones(N)
    x64 = lib.ones(N // 10, dtype=lib.float64)
    vision = _vision(lib)
    drop = lib.nn.functional.dropout
    p = lib.full((N,), 0.3)
    probs = lib.rand(100, 1000)
    conc = lib.full((N // 10,), 2.5)
    gamma = importlib.import_module(lib.__name__ + '.distributions').Gamma
    rates = lib.full((N // 10,), 4.0)
    cases = {
        'rand(1e6) f32': lambda: lib.rand(N),
        'randn(1e6) f32': lambda: lib.randn(N),
        'randperm(1e6)': lambda: lib.randperm(N),
        'dropout(1e6, 0.5)': lambda: drop(x, 0.5, True),
        'randint(1e6)': lambda: lib.randint(0, 1000, (N,)),
        'randn(1e5) f64': lambda: lib.randn(N // 10, dtype=lib.float64),
        'exponential_(1e5)': lambda: lib.empty(N // 10).exponential_(),
        'normal_(1e6, 0.5, 2) f32': lambda: lib.empty(N).normal_(0.5, 2.0),
        'normal_(1e6, 0, 0.01) f32': lambda: x.normal_(0.0, 0.01),
        'uniform_(1e6, -b, b) f32': lambda: x.uniform_(-0.05, 0.05),
        'uniform_(1e6, -0.3, 1.7) f32': lambda: x.uniform_(-0.3, 1.7),
        'uniform_(1e5, -b, b) f64': lambda: x64.uniform_(-0.05, 0.05),
        'vgg16() init': lambda: vision.models.vgg16(),
        'bernoulli(p tensor 1e6)': lambda: lib.bernoulli(p),
        'multinomial(100x1000, 1000, repl.)': lambda: lib.multinomial(probs, 1000, replacement=True),
        'multinomial(100x1000, 10)': lambda: lib.multinomial(probs, 10),
        'cauchy_(1e5)': lambda: lib.empty(N // 10).cauchy_(),
        'log_normal_(1e5)': lambda: lib.empty(N // 10).log_normal_(),
        'geometric_(1e5, 0.3)': lambda: lib.empty(N // 10).geometric_(0.3),
        'gamma(1e5, 2.5)': lambda: gamma(conc, 1.0).sample(),
        'gamma(1e5, 0.5)': lambda: gamma(conc * 0.2, 1.0).sample(),
        'poisson(1e5, 4)': lambda: lib.poisson(rates),
        'poisson(1e5, 40)': lambda: lib.poisson(rates * 10),
        'binomial(1e5, 20, 0.3)': lambda: lib.binomial(rates * 5, rates * 0.075),
    }
    only = [w for w in os.environ.get('BENCH_ONLY', '').split(',') if w]
    # a whole model's initialisation (138M parameters) is timed once per round
    return {k: best(fn, *((1, 1) if 'vgg' in k else (3,))) * 1e3 for k, fn in cases.items()
            if not only or any(w in k for w in only)}


def _vision(lib):
    """torchvision for torch, ember.vision for ember."""
    if lib.__name__ == 'torch':
        return importlib.import_module('torchvision')
    return importlib.import_module('ember.vision')


if __name__ == '__main__':
    side_by_side(__file__, bench, header='ms per call')
