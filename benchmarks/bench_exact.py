"""Speed of the kernels whose float results are PyTorch's bit for bit (milliseconds per call), side
by side with PyTorch when it is importable: ``F.interpolate`` (bilinear, bicubic, trilinear, area),
``adaptive_avg_pool2d``, GELU (exact and tanh), LayerNorm (forward and backward), a causal softmax,
cross-entropy, BatchNorm's training forward, Laplace sampling, float32 ``randn`` and gamma, float
``sum``/``mean`` (whole, rows, columns, a conv bias gradient's dims, a loss's mean). With
``EMBER_PYTORCH_BITS=0`` ember's LayerNorm, softmax, cross-entropy, GELU and BatchNorm take their
faster formulas instead of PyTorch's bits (``ember/numerics.py``): run both for the bits' price.

    TORCH_PYTHON=/path/to/python-with-torch python benchmarks/bench_exact.py

``BENCH_ONLY=bilinear,gelu`` runs the cases whose names contain one of the given words.
"""
import importlib
import os

from _common import best, import_lib, side_by_side


def bench(lib_name):
    lib = import_lib(lib_name)
    F = lib.nn.functional
    dist = importlib.import_module(lib.__name__ + '.distributions')
    lib.manual_seed(0)
    small = lib.rand(8, 3, 64, 64)
    image = lib.rand(1, 3, 224, 224)
    volume = lib.rand(2, 4, 16, 32, 32)
    feat = lib.rand(8, 64, 28, 28)
    act = lib.randn(256, 4096)
    loc = lib.zeros(10 ** 5)
    loc64 = lib.zeros(10 ** 5, dtype=lib.float64)
    conc = lib.full((10 ** 5,), 2.5)
    tall = lib.randn(8390, 8)
    batch = lib.randn(64)

    rows = lib.randn(64, 512, requires_grad=True)
    rows_grad = lib.randn(64, 512)
    norm = lib.nn.LayerNorm(512)
    scores = lib.randn(16, 4, 64, 64).masked_fill(~lib.ones(64, 64, dtype=lib.bool).tril(), float('-inf'))
    logits, labels = lib.randn(1024, 65), lib.randint(0, 65, (1024,))
    planes = lib.randn(16, 64, 16, 16)
    batch_norm = lib.nn.BatchNorm2d(64)

    def up(x, size, mode, **kw):
        return lambda: F.interpolate(x, size=size, mode=mode, **kw)
    cases = {
        'bilinear 8x3x64x64->128': up(small, (128, 128), 'bilinear'),
        'bilinear 1x3x224->299': up(image, (299, 299), 'bilinear'),
        'bilinear 1x3x224->299 ac': up(image, (299, 299), 'bilinear', align_corners=True),
        'bicubic 8x3x64x64->128': up(small, (128, 128), 'bicubic'),
        'bicubic 1x3x224->299': up(image, (299, 299), 'bicubic'),
        'trilinear 2x4x16x32x32 x2': up(volume, (32, 64, 64), 'trilinear'),
        'area 1x3x224->100': up(image, (100, 100), 'area'),
        'adaptive_avg 8x64x28->7': lambda: F.adaptive_avg_pool2d(feat, 7),
        'gelu 256x4096': lambda: F.gelu(act),
        'layernorm 64x512 fwd+bwd': lambda: norm(rows).backward(rows_grad),
        'softmax causal 16x4x64x64': lambda: F.softmax(scores, dim=-1),
        'cross_entropy 1024x65': lambda: F.cross_entropy(logits, labels),
        'batchnorm2d train 16x64x16x16': lambda: batch_norm(planes),
        'gelu tanh 256x4096': lambda: F.gelu(act, approximate='tanh'),
        'laplace(1e5) f32': lambda: dist.Laplace(loc, 1.0).sample(),
        'laplace(1e5) f64': lambda: dist.Laplace(loc64, 1.0).sample(),
        'randn(1e6) f32': lambda: lib.randn(10 ** 6),
        'gamma(1e5, 2.5)': lambda: dist.Gamma(conc, 1.0).sample(),
        'sum 256x4096': lambda: act.sum(),
        'sum(1) 256x4096': lambda: act.sum(1),
        'sum(0) 256x4096': lambda: act.sum(0),
        'sum(0) 8390x8': lambda: tall.sum(0),
        'sum(1) 8390x8': lambda: tall.sum(1),
        'sum(0,2,3) 8x64x28x28': lambda: feat.sum((0, 2, 3)),
        'mean 64': lambda: batch.mean(),
        'mean(0) 8390x8': lambda: tall.mean(0),
    }
    only = [w for w in os.environ.get('BENCH_ONLY', '').split(',') if w]
    return {k: best(fn, 3) * 1e3 for k, fn in cases.items() if not only or any(w in k for w in only)}


if __name__ == '__main__':
    side_by_side(__file__, bench, header='ms per call', width=28)
