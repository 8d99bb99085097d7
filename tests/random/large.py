"""Large seeded draws (millions of values, the sizes the fast paths are built for), pinned by a
SHA-256 digest of PyTorch 2.13's bytes so the recorded data stays small.

    python -m tests.random.large      # (with PyTorch) rewrites tests/fixtures/random/large_digests.json
"""
import hashlib
import json
import os

from tests.random import cases

FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'random',
                       'large_digests.json')

LARGE = {
    'randn float32': lambda t: t.randn(2 ** 20 + 5),
    'normal_ float32': lambda t: t.empty(300007).normal_(-1.5, 0.25),
    'randn float64': lambda t: t.randn(100003, dtype=t.float64),
    'rand float32': lambda t: t.rand(10 ** 6),
    'rand float64': lambda t: t.rand(300001, dtype=t.float64),
    'uniform_ float32': lambda t: t.empty(300001).uniform_(-2, 3),
    'uniform_ symmetric float32': lambda t: t.empty(10 ** 6 + 3).uniform_(-0.0123, 0.0123),
    'uniform_ symmetric float64': lambda t: t.empty(300001, dtype=t.float64).uniform_(-0.0123, 0.0123),
    'normal_ zero mean float32': lambda t: t.empty(10 ** 6 + 7).normal_(0.0, 0.02),
    'randperm': lambda t: t.randperm(10 ** 6),
    'randint': lambda t: t.randint(-5, 77777, (10 ** 6,)),
    'exponential_': lambda t: t.empty(100003).exponential_(0.7),
    'bernoulli_': lambda t: t.empty(300001).bernoulli_(0.3),
    'bernoulli tensor p': lambda t: t.bernoulli(t.rand(300001)),
    'geometric_': lambda t: t.empty(100003).geometric_(0.2),
    'cauchy_': lambda t: t.empty(100003).cauchy_(0.5, 2.0),
    'log_normal_': lambda t: t.empty(100003).log_normal_(0.1, 0.5),
    'multinomial': lambda t: t.multinomial(t.rand(8, 1000), 20000, replacement=True),
    'dropout': lambda t: t.nn.functional.dropout(t.ones(300001), 0.4),
    'multinomial without replacement': lambda t: t.multinomial(t.rand(100, 1000), 10),
    'gamma one shape': lambda t: t.distributions.Gamma(t.full((100003,), 2.5, dtype=t.float64), 1.0).sample(),
    'gamma one boosted shape': lambda t: t.distributions.Gamma(t.full((100003,), 0.4), 1.0).sample(),
}


def digest(t, make_case):
    """(SHA-256 of the result's dtype and bytes, the next int64 of the global stream)."""
    value, after = cases.run(t, make_case)
    return hashlib.sha256(str(value.dtype).encode() + value.tobytes()).hexdigest(), after


if __name__ == '__main__':
    import torch
    recorded = {name: dict(zip(('sha256', 'after'), digest(torch, case))) for name, case in LARGE.items()}
    with open(FIXTURE, 'w') as f:
        json.dump({'torch': torch.__version__, 'cases': recorded}, f, indent=1)
        f.write('\n')
    print(f"recorded {len(recorded)} digests with PyTorch {torch.__version__}")
