"""Convolution and pooling speed on LeNet's shapes (seed 002: batch 64, 3x32x32), side by side
with PyTorch when it is importable (set TORCH_PYTHON to a Python that has torch).

    python benchmarks/bench_conv.py
    TORCH_PYTHON=/path/to/python-with-torch python benchmarks/bench_conv.py

Measures forward+backward of conv1 (3->6, 5x5 on 32x32) and conv2 (6->16, 5x5 on 14x14), each
with and without an input gradient, the 2x2 max and average pools, Conv2d(64, 64, 3, padding=1) on
32x64x32x32 (forward without grad, forward+backward with every gradient, and that backward alone),
on the same activations a 3x3 stride-2 max pool (ResNet's stem pool) forward+backward and
BatchNorm2d(64) in training (forward+backward, and forward), seed 002's whole train step (its Net,
CrossEntropyLoss, SGD with momentum: zero_grad, forward, backward, step) and that step's peak
memory (``lenet_peak_mb``, see _common.peak_rss_growth_mb).
"""
import numpy as np

from _common import best, import_lib, lenet, peak_rss_growth_mb, side_by_side


def _best(fn, number):
    return best(fn, number, repeat=25)


def lenet_train_step(lib, rng):
    """Seed 002's train step on a batch of 64 (its Net, CrossEntropyLoss, SGD with momentum:
    zero_grad, forward, backward, step)."""
    lib.manual_seed(0)
    net = lenet(lib)
    criterion = lib.nn.CrossEntropyLoss()
    optimizer = lib.optim.SGD(net.parameters(), lr=0.001, momentum=0.9)
    x = lib.tensor(rng.standard_normal((64, 3, 32, 32)).astype(np.float32))
    labels = lib.tensor(rng.integers(0, 10, 64))

    def train_step():
        optimizer.zero_grad()
        loss = criterion(net(x), labels)
        loss.backward()
        optimizer.step()
    return train_step


def conv64(lib, rng):
    """The issue's mid-size layer, Conv2d(64, 64, 3, padding=1) on 32x64x32x32: its forward under
    no_grad, its recorded forward, the recorded forward + backward with every gradient, and the
    input and output gradient they use."""
    def t(*shape, grad=False):
        return lib.tensor(rng.standard_normal(shape).astype(np.float32) * 0.1, requires_grad=grad)
    conv2d = lib.nn.functional.conv2d
    xb = t(32, 64, 32, 32, grad=True)
    wb, bb = t(64, 64, 3, 3, grad=True), t(64, grad=True)
    gb = lib.tensor(rng.standard_normal((32, 64, 32, 32)).astype(np.float32))
    out = [None]

    def fwd_no_grad():
        with lib.no_grad():
            conv2d(xb, wb, bb, padding=1)

    def fwd():
        out[0] = conv2d(xb, wb, bb, padding=1)

    def fwd_bwd():
        fwd()
        out[0].backward(gb)
    return fwd_no_grad, fwd, fwd_bwd, xb, gb


def bench(lib_name):
    lib = import_lib(lib_name)
    conv2d, max_pool2d = lib.nn.functional.conv2d, lib.nn.functional.max_pool2d
    rng = np.random.default_rng(0)

    def t(*shape, grad=False):
        return lib.tensor(rng.standard_normal(shape).astype(np.float32) * 0.1, requires_grad=grad)

    # first: nothing else has touched memory yet
    res = {'lenet_peak_mb': peak_rss_growth_mb(lenet_train_step(lib, rng))}
    x = t(64, 3, 32, 32)
    xg = t(64, 3, 32, 32, grad=True)
    w1, b1 = t(6, 3, 5, 5, grad=True), t(6, grad=True)
    h = t(64, 6, 14, 14, grad=True)
    w2, b2 = t(16, 6, 5, 5, grad=True), t(16, grad=True)

    def step(inp, w, b):
        def run():
            conv2d(inp, w, b).sum().backward()
        return run
    res['conv1_fwd_ms'] = _best(lambda: conv2d(x, w1, b1), 5) * 1e3
    res['conv1_fwd_bwd_ms'] = _best(step(x, w1, b1), 3) * 1e3
    res['conv1_fwd_bwd_dx_ms'] = _best(step(xg, w1, b1), 3) * 1e3
    res['conv2_fwd_bwd_dx_ms'] = _best(step(h, w2, b2), 3) * 1e3
    y = t(64, 6, 28, 28, grad=True)
    res['maxpool_fwd_bwd_ms'] = _best(lambda: max_pool2d(y, 2, 2).sum().backward(), 5) * 1e3
    avg_pool2d = lib.nn.functional.avg_pool2d
    res['avgpool_fwd_bwd_ms'] = _best(lambda: avg_pool2d(y, 2, 2).sum().backward(), 5) * 1e3

    conv64_fwd_no_grad, conv64_fwd, conv64_fwd_bwd, xb, gb = conv64(lib, rng)
    res['conv64_fwd_ms'] = best(conv64_fwd_no_grad, 2, repeat=7) * 1e3
    res['conv64_fwd_bwd_ms'] = best(conv64_fwd_bwd, 2, repeat=7) * 1e3
    # the backward alone: forward+backward less the forward that records the graph
    res['conv64_bwd_ms'] = res['conv64_fwd_bwd_ms'] - best(conv64_fwd, 2, repeat=7) * 1e3

    # ResNet's other layers on the same activations: its stem's max pool, BatchNorm2d in training
    res['maxpool3s2_fwd_bwd_ms'] = best(lambda: max_pool2d(xb, 3, 2, 1).sum().backward(), 2, repeat=7) * 1e3
    bn = lib.nn.BatchNorm2d(64)
    res['batchnorm_fwd_bwd_ms'] = best(lambda: bn(xb).backward(gb), 2, repeat=7) * 1e3
    with lib.no_grad():
        res['batchnorm_fwd_ms'] = best(lambda: bn(xb), 2, repeat=7) * 1e3

    res['lenet_train_step_ms'] = _best(lenet_train_step(lib, rng), 3) * 1e3
    return res


if __name__ == '__main__':
    side_by_side(__file__, bench)
