"""GPU speed, ember (CuPy) side by side with PyTorch CUDA when it is importable; needs an NVIDIA GPU.

    python benchmarks/bench_gpu.py
    TORCH_PYTHON=/path/to/python-with-torch-cuda python benchmarks/bench_gpu.py

Every time ends with ``cuda.synchronize()``, so it covers the device's work, not only the launches.

* ``matmul_4096_tflops``: float32 4096x4096 @ 4096x4096, in TFLOP/s (higher is better: a ratio
  below 1 means ember is slower here, unlike the other rows).
* ``mlp_train_step_ms``: a 784-1024-1024-10 ReLU MLP, batch 512, cross-entropy, SGD with momentum.
* ``lenet_train_step_ms``: the CIFAR LeNet of the seed programs, batch 256, SGD with momentum.
* ``resnet18_cifar_train_step_ms``: ResNet-18 in its CIFAR layout (3x3 stem, no max pool), batch 128.
* ``gpt_block_train_step_ms``: the GPT block of bench_attention.py (n_embd 128, 4 heads, T 64,
  batch 16), AdamW.
"""
import numpy as np

from _common import best, import_lib, lenet, side_by_side

# the problem sizes (tests/cuda/test_bench_gpu.py shrinks them to run the script on the stand-in device)
SIZES = {'matmul_n': 4096, 'mlp_batch': 512, 'lenet_batch': 256, 'resnet_batch': 128, 'gpt_batch': 16}


def _timer(lib, fn, number, repeat=5):
    def run():
        fn()
        lib.cuda.synchronize()
    return best(run, number, repeat)


def _train_step(lib, model, x, y, opt):
    F = lib.nn.functional

    def step():
        opt.zero_grad(set_to_none=True)
        out = model(x)
        F.cross_entropy(out.reshape(-1, out.shape[-1]), y.reshape(-1)).backward()
        opt.step()
    return step


def bench(lib_name):
    lib = import_lib(lib_name)
    if not lib.cuda.is_available():
        raise SystemExit(f'{lib_name}: CUDA is not available')
    nn = lib.nn
    dev = lib.device('cuda')
    rng = np.random.default_rng(0)
    lib.manual_seed(0)

    def tensor(a):
        return lib.tensor(a).to(dev)
    res = {}

    n = SIZES['matmul_n']
    a, b = lib.randn(n, n, device=dev), lib.randn(n, n, device=dev)
    res['matmul_4096_tflops'] = 2 * n ** 3 / _timer(lib, lambda: a @ b, 10) / 1e12

    mlp = nn.Sequential(nn.Linear(784, 1024), nn.ReLU(), nn.Linear(1024, 1024), nn.ReLU(),
                        nn.Linear(1024, 10)).to(dev)
    x = tensor(rng.standard_normal((SIZES['mlp_batch'], 784)).astype(np.float32))
    y = tensor(rng.integers(0, 10, SIZES['mlp_batch']))
    step = _train_step(lib, mlp, x, y, lib.optim.SGD(mlp.parameters(), lr=0.01, momentum=0.9))
    res['mlp_train_step_ms'] = _timer(lib, step, 10) * 1e3

    net = lenet(lib).to(dev)
    x = tensor(rng.standard_normal((SIZES['lenet_batch'], 3, 32, 32)).astype(np.float32))
    y = tensor(rng.integers(0, 10, SIZES['lenet_batch']))
    step = _train_step(lib, net, x, y, lib.optim.SGD(net.parameters(), lr=0.01, momentum=0.9))
    res['lenet_train_step_ms'] = _timer(lib, step, 10) * 1e3

    from bench_resnet import _models, _seeded
    cifar = _models(lib_name).resnet18(num_classes=10)
    cifar.conv1 = nn.Conv2d(3, 64, kernel_size=3, stride=1, padding=1, bias=False)
    cifar.maxpool = nn.Identity()
    cifar = _seeded(lib, cifar).train().to(dev)
    x = tensor(rng.standard_normal((SIZES['resnet_batch'], 3, 32, 32)).astype(np.float32))
    y = tensor(rng.integers(0, 10, SIZES['resnet_batch']))
    step = _train_step(lib, cifar, x, y, lib.optim.SGD(cifar.parameters(), lr=0.01, momentum=0.9))
    res['resnet18_cifar_train_step_ms'] = _timer(lib, step, 3) * 1e3

    from bench_attention import gpt_block
    block = gpt_block(lib, fused=False).to(dev)
    x = tensor(rng.standard_normal((SIZES['gpt_batch'], 64, 128)).astype(np.float32))
    y = tensor(rng.integers(0, 65, (SIZES['gpt_batch'], 64)))
    step = _train_step(lib, block, x, y, lib.optim.AdamW(block.parameters(), lr=1e-3))
    res['gpt_block_train_step_ms'] = _timer(lib, step, 5) * 1e3
    return res


if __name__ == '__main__':
    side_by_side(__file__, bench, header='gpu', width=32)
