"""Whole training steps of small models, where per-call costs (module calls, recorded ops, the
backward engine, the optimizer's loop over parameters) weigh most, side by side with PyTorch.

    TORCH_PYTHON=/path/to/python-with-torch python benchmarks/bench_train.py

Measures (batch 64, one step = forward, loss, backward, optimizer step, zero_grad):
``mnist_mlp_sgd_ms``: examples/mnist.py's model (Flatten, two Linear(·, 512)+ReLU, Linear(512, 10),
CrossEntropyLoss, SGD); ``mnist_mlp_adam_ms``: the same with Adam; ``narrow_mlp_sgd_ms`` /
``narrow_mlp_adam_ms``: Linear(784, 64)+ReLU+Linear(64, 10), where the products are small and the
fixed costs show; ``mnist_mlp_products_ms``: the eight matrix products of one mnist_mlp step alone (the
BLAS part of the step: compare it with the step's time); ``lenet_sgd_ms``: seed 002's LeNet on 3×32×32 with SGD and momentum (a small CNN).
"""
import numpy as np

from _common import best, import_lib, lenet, side_by_side


def _mlp(lib, width, layers):
    nn = lib.nn
    blocks = []
    for i in range(layers):
        blocks += [nn.Linear(784 if i == 0 else width, width), nn.ReLU()]
    return nn.Sequential(nn.Flatten(), *blocks, nn.Linear(width, 10))


def _step(lib, model, optimizer, x, y):
    loss_fn = lib.nn.CrossEntropyLoss()

    def step():
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    return step


def mlp_step(lib, width, layers, opt, rng):
    """One step of ``_mlp(lib, width, layers)`` with ``opt`` ('sgd' or 'adam') on a batch of 64
    MNIST-shaped images."""
    digits = lib.tensor(rng.random((64, 1, 28, 28), dtype=np.float32))
    labels = lib.tensor(rng.integers(0, 10, 64))
    lib.manual_seed(0)
    model = _mlp(lib, width, layers)
    optimizer = lib.optim.SGD(model.parameters(), lr=1e-3) if opt == 'sgd' else \
        lib.optim.Adam(model.parameters(), lr=1e-3)
    return _step(lib, model, optimizer, digits, labels)


def mlp_products(lib, rng):
    """The eight matrix products of one ``mlp_step`` (784-512-512-10, batch 64), as each library computes
    them through its public ops, nothing recorded: each layer's ``F.linear`` forward, the input gradients
    ``g @ W`` of the two upper layers and the three weight gradients ``g.t() @ x``. Their time beside the
    whole step's says how much of the step is BLAS (NumPy's OpenBLAS against PyTorch's MKL)."""
    def a(*shape):
        return lib.tensor(rng.random(shape, dtype=np.float32))
    x, h1, h2 = a(64, 784), a(64, 512), a(64, 512)
    w1, w2, w3 = a(512, 784), a(512, 512), a(10, 512)
    g1, g2, g3 = a(64, 512), a(64, 512), a(64, 10)
    linear = lib.nn.functional.linear

    def products():
        with lib.no_grad():
            linear(x, w1), linear(h1, w2), linear(h2, w3)
            g2 @ w2, g3 @ w3
            g1.t() @ x, g2.t() @ h1, g3.t() @ h2
    return products


def bench(lib_name):
    lib = import_lib(lib_name)
    res = {}
    for name, width, layers in (('mnist_mlp', 512, 2), ('narrow_mlp', 64, 1)):
        for opt in ('sgd', 'adam'):
            step = mlp_step(lib, width, layers, opt, np.random.default_rng(0))
            res[f'{name}_{opt}_ms'] = best(step, 20, repeat=7) * 1e3
    res['mnist_mlp_products_ms'] = best(mlp_products(lib, np.random.default_rng(0)), 20, repeat=7) * 1e3
    rng = np.random.default_rng(1)
    labels = lib.tensor(rng.integers(0, 10, 64))
    lib.manual_seed(0)
    net = lenet(lib)
    images = lib.tensor(rng.standard_normal((64, 3, 32, 32)).astype(np.float32))
    optimizer = lib.optim.SGD(net.parameters(), lr=0.001, momentum=0.9)
    res['lenet_sgd_ms'] = best(_step(lib, net, optimizer, images, labels), 5, repeat=7) * 1e3
    return res


if __name__ == '__main__':
    side_by_side(__file__, bench)
