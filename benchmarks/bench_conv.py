"""Convolution and pooling speed on LeNet's shapes (seed 002: batch 64, 3x32x32), side by side
with PyTorch when it is importable (set TORCH_PYTHON to a Python that has torch).

    python benchmarks/bench_conv.py
    TORCH_PYTHON=/path/to/python-with-torch python benchmarks/bench_conv.py

Measures forward+backward of conv1 (3->6, 5x5 on 32x32) and conv2 (6->16, 5x5 on 14x14), each
with and without an input gradient, the 2x2 max pool, and seed 002's whole train step (its Net,
CrossEntropyLoss, SGD with momentum: zero_grad, forward, backward, step).
"""
import os
import subprocess
import sys
import timeit

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def _best(fn, number, repeat=25):
    """Best of many short runs: on a shared machine the minimum is the uncontended time."""
    fn()
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number


def bench(lib_name):
    if lib_name == 'ember':
        sys.path.insert(0, ROOT)
        import ember as lib
        import ember.nn  # noqa: F401
        import ember.optim  # noqa: F401  (makes lib.optim available)
    else:
        import torch as lib
        lib.set_num_threads(os.cpu_count() or 1)
    conv2d, max_pool2d = lib.nn.functional.conv2d, lib.nn.functional.max_pool2d
    rng = np.random.default_rng(0)

    def t(*shape, grad=False):
        return lib.tensor(rng.standard_normal(shape).astype(np.float32) * 0.1, requires_grad=grad)

    res = {}
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

    # seed 002's network and training step, written as its user wrote it
    nn, F_ = lib.nn, lib.nn.functional

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 6, 5)
            self.pool = nn.MaxPool2d(2, 2)
            self.conv2 = nn.Conv2d(6, 16, 5)
            self.fc1 = nn.Linear(16 * 5 * 5, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)

        def forward(self, x):
            x = self.pool(F_.relu(self.conv1(x)))
            x = self.pool(F_.relu(self.conv2(x)))
            x = x.view(-1, 16 * 5 * 5)
            x = F_.relu(self.fc1(x))
            x = F_.relu(self.fc2(x))
            return self.fc3(x)
    lib.manual_seed(0)
    net = Net()
    criterion = nn.CrossEntropyLoss()
    optimizer = lib.optim.SGD(net.parameters(), lr=0.001, momentum=0.9)
    labels = lib.tensor(rng.integers(0, 10, 64))

    def train_step():
        optimizer.zero_grad()
        loss = criterion(net(x), labels)
        loss.backward()
        optimizer.step()
    res['lenet_train_step_ms'] = _best(train_step, 3) * 1e3
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


if __name__ == '__main__':
    main()
