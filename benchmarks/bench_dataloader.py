"""DataLoader speed, side by side with PyTorch when it is importable.

    python benchmarks/bench_dataloader.py                 # ember, plus torch if importable
    TORCH_PYTHON=/path/to/python python benchmarks/bench_dataloader.py

(1) one epoch of seed 000's MLP (784-512-512-10, ReLU, SGD lr 1e-3, CrossEntropyLoss) over 60,000
    synthetic 28x28 images through DataLoader(TensorDataset(...), batch_size=64), and the same
    epoch's data loading alone;
(2) num_workers=2 against num_workers=0 on a dataset whose items each cost ~1 ms of NumPy work.

Each library runs in its own process (``--one NAME``) so neither one's imports or threads affect
the other; the driver prints both and the ratios.
"""
import os
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
N_IMAGES = 60_000
N_HEAVY = 2_000


def _import(name):
    if name == 'ember':
        sys.path.insert(0, ROOT)
        import ember as lib
        from ember import nn, optim
        from ember.utils.data import DataLoader, Dataset, TensorDataset
    else:
        import torch as lib
        from torch import nn, optim
        from torch.utils.data import DataLoader, Dataset, TensorDataset
    return lib, nn, optim, DataLoader, Dataset, TensorDataset


class HeavyItems:
    """Item i: a 160x160 float32 image pushed through ~1 ms of elementwise NumPy work, plus a label.

    Elementwise NumPy runs on one thread, so the work parallelises across worker processes and
    not inside one (unlike BLAS calls)."""

    def __init__(self, n, rounds=30):
        self.n, self.rounds = n, rounds
        self.base = np.random.default_rng(0).random((8, 160, 160), dtype=np.float32)

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        x = self.base[i % 8]
        for _ in range(self.rounds):
            x = np.sqrt(np.abs(np.sin(x) * 1.1 + 0.1)).astype(np.float32)
            x = x - x.mean()
        return x, i % 10


def bench_mlp(name):
    lib, nn, optim, DataLoader, _, TensorDataset = _import(name)
    rng = np.random.default_rng(0)
    images = lib.from_numpy(rng.random((N_IMAGES, 1, 28, 28), dtype=np.float32))
    labels = lib.from_numpy(rng.integers(0, 10, N_IMAGES).astype(np.int64))
    loader = DataLoader(TensorDataset(images, labels), batch_size=64)

    t = time.perf_counter()
    for xb, yb in loader:
        pass
    load_s = time.perf_counter() - t

    lib.manual_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(28 * 28, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(),
                          nn.Linear(512, 10))
    loss_fn = nn.CrossEntropyLoss()
    opt = optim.SGD(model.parameters(), lr=1e-3)
    t = time.perf_counter()
    for xb, yb in loader:
        loss = loss_fn(model(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return {'mlp_epoch_s': time.perf_counter() - t, 'load_only_epoch_s': load_s, 'final_loss': loss.item()}


def bench_workers(name):
    lib, _, _, DataLoader, _, _ = _import(name)
    ds = HeavyItems(N_HEAVY)
    ds[0]
    t = time.perf_counter()
    for i in range(50):
        ds[i]
    per_item_ms = (time.perf_counter() - t) * 1e3 / 50
    res = {'heavy_item_ms': per_item_ms}
    for workers in (0, 2):
        times = []
        for _ in range(2):  # best of two: the machine may be shared
            t = time.perf_counter()
            n = sum(len(y) for _, y in DataLoader(ds, batch_size=32, num_workers=workers))
            times.append(time.perf_counter() - t)
            assert n == N_HEAVY
        res[f'heavy_workers{workers}_s'] = min(times)
    res['heavy_speedup'] = res['heavy_workers0_s'] / res['heavy_workers2_s']
    return res


def bench(name):
    res = {}
    try:
        res.update(bench_mlp(name))
    except (ImportError, AttributeError, NotImplementedError, TypeError) as e:  # nn/optim not there yet
        res['mlp_skipped'] = f'{type(e).__name__}: {e}'
    res.update(bench_workers(name))
    return res


def _run(python, name):
    out = subprocess.check_output([python, __file__, '--one', name], text=True,
                                  stderr=subprocess.DEVNULL if name == 'torch' else None)
    return eval(out.strip().splitlines()[-1])


def main():
    if len(sys.argv) > 2 and sys.argv[1] == '--one':
        print(repr(bench(sys.argv[2])))
        return
    ours = _run(sys.executable, 'ember')
    theirs = {}
    try:
        theirs = _run(os.environ.get('TORCH_PYTHON', sys.executable), 'torch')
    except (subprocess.CalledProcessError, FileNotFoundError):
        pass
    print(f"{'measure':<22}{'ember':>12}{'torch':>12}{'ember/torch':>13}")
    for k in dict.fromkeys(list(ours) + list(theirs)):
        a, b = ours.get(k), theirs.get(k)
        if isinstance(a, str) or isinstance(b, str):
            print(f"{k:<22}{str(a)[:60] if a is not None else '-'}")
            continue
        ratio = f'{a / b:.2f}' if a is not None and b else '-'
        fa = f'{a:.3f}' if a is not None else '-'
        fb = f'{b:.3f}' if b is not None else '-'
        print(f"{k:<22}{fa:>12}{fb:>12}{ratio:>13}")
    print(f"ember: num_workers=2 is {ours['heavy_speedup']:.2f}x faster than num_workers=0 "
          f"({ours['heavy_workers0_s']:.2f}s -> {ours['heavy_workers2_s']:.2f}s, {os.cpu_count()} CPUs)")


if __name__ == '__main__':
    main()
