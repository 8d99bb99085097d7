"""nn training-step speed and memory, side by side with PyTorch when it is importable.

    python benchmarks/bench_nn.py                      # ember, and torch if found
    TORCH_PYTHON=/tmp/torch/bin/python python benchmarks/bench_nn.py

Measures (each library in its own subprocess, the same code with ``torch`` or ``ember``):

* ``mlp_step_ms``: seed 000's MLP (784-512-512-10, ReLU), batch 64, CrossEntropyLoss, SGD:
  zero_grad + forward + loss + backward + step.
* ``mlp_infer_ms``: the same MLP's forward under no_grad.
* ``lenet_step_ms``: seed 002's LeNet (3x32x32, conv 3->6 k5, maxpool 2, conv 6->16 k5, maxpool 2,
  fc 400->120->84->10), batch 64, same loop.
* ``gelu_ms``: exact ``F.gelu`` of a 256x4096 float32 tensor (forward, no grad).
* ``bilinear_ms`` / ``bicubic_ms``: ``F.interpolate`` of an 8x32x32x32 float32 tensor, scale factor 2
  (forward, no grad).
* ``flatten_us``, ``identity_us``, ``relu_us``, ``dropout_eval_us``: one call of ``nn.Flatten()``,
  ``nn.Identity()``, ``nn.ReLU()``, ``nn.Dropout()`` in eval mode on a tiny tensor (8x4x4, or 8x16),
  the per-call overhead of small modules (``Module.__call__`` and the op behind it).
* ``linear16_us`` / ``linear16_no_grad_us``: ``nn.Linear(16, 16)`` on 8x16, its parameters requiring
  grad (so the call records a graph) / under no_grad.
* ``mlp_rss_mb``: growth of the process's peak RSS (``resource.getrusage``) over 50 MLP training
  steps after the imports, measured in a fresh process per library so both are counted the same way.
"""
import os
import subprocess
import sys
import time

from _common import best, import_lib, lenet, side_by_side

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


_import = import_lib


def _mlp(lib):
    nn = lib.nn
    return nn.Sequential(nn.Flatten(), nn.Linear(28 * 28, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(),
                         nn.Linear(512, 10))


def _train_step(lib, model, x, y, lr=1e-3):
    loss_fn = lib.nn.CrossEntropyLoss()
    opt = lib.optim.SGD(model.parameters(), lr=lr)

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss
    return step


def _best_ms(fn, number, repeat=5, warmup=3):
    for _ in range(warmup):
        fn()
    best = float('inf')
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - t0) / number)
    return best * 1e3


def _module_calls(lib, res):
    nn = lib.nn
    x = lib.randn(8, 4, 4)
    xs = lib.randn(8, 16)
    calls = {'flatten_us': (nn.Flatten(), x), 'identity_us': (nn.Identity(), x), 'relu_us': (nn.ReLU(), xs),
             'dropout_eval_us': (nn.Dropout().eval(), xs), 'linear16_us': (nn.Linear(16, 16), xs)}
    for name, (module, inp) in calls.items():
        res[name] = best(lambda: module(inp), 2000) * 1e6
    linear = calls['linear16_us'][0]
    with lib.no_grad():
        res['linear16_no_grad_us'] = best(lambda: linear(xs), 2000) * 1e6


def bench(lib_name):
    lib = _import(lib_name)
    lib.manual_seed(0)
    res = {}
    _module_calls(lib, res)
    x = lib.rand(64, 1, 28, 28)
    y = lib.randint(0, 10, (64,))
    mlp = _mlp(lib)
    res['mlp_step_ms'] = _best_ms(_train_step(lib, mlp, x, y), 50)

    def infer():
        with lib.no_grad():
            return mlp(x)
    res['mlp_infer_ms'] = _best_ms(infer, 100)
    xc = lib.rand(64, 3, 32, 32)
    res['lenet_step_ms'] = _best_ms(_train_step(lib, lenet(lib), xc, y), 20)
    F = lib.nn.functional
    xg = lib.randn(256, 4096)
    xi = lib.randn(8, 32, 32, 32)
    with lib.no_grad():
        res['gelu_ms'] = _best_ms(lambda: F.gelu(xg), 10)
        for mode in ('bilinear', 'bicubic'):
            res[f'{mode}_ms'] = _best_ms(lambda: F.interpolate(xi, scale_factor=2, mode=mode), 5)
    return res


def memory(lib_name):
    import resource
    lib = _import(lib_name)
    lib.manual_seed(0)
    x = lib.rand(64, 1, 28, 28)
    y = lib.randint(0, 10, (64,))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    step = _train_step(lib, _mlp(lib), x, y)
    for _ in range(50):
        step()
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {'mlp_rss_mb': (after - before) / 1024}


def _torch_python():
    candidates = [os.environ.get('TORCH_PYTHON'), '/tmp/torch/bin/python', sys.executable]
    return [c for c in candidates if c and os.path.exists(c)]


def _run(python, mode, lib_name):
    out = subprocess.check_output([python, __file__, mode, lib_name], text=True, stderr=subprocess.DEVNULL,
                                  cwd=ROOT)
    return eval(out.strip().splitlines()[-1])


def main():
    if len(sys.argv) > 2 and sys.argv[1] == '--mem':
        print(repr(memory(sys.argv[2])))
        return
    if len(sys.argv) > 2 and sys.argv[1] == '--one':
        side_by_side(__file__, bench)   # (prints this library's measures)
        return
    os.environ.setdefault('TORCH_PYTHON', (_torch_python() or [sys.executable])[0])
    side_by_side(__file__, bench, width=20, digits=2)   # the timings: interleaved rounds, medians
    ours = _run(sys.executable, '--mem', 'ember')
    theirs = None
    for python in _torch_python():
        try:
            theirs = _run(python, '--mem', 'torch')
            break
        except (subprocess.CalledProcessError, FileNotFoundError, SyntaxError):
            continue
    for k, v in ours.items():
        t = theirs.get(k) if theirs else None
        ratio = f'{v / t:.2f}' if t else '-'
        print(f"{k:<20}{v:>12.2f}{(t if t else float('nan')):>12.2f}{ratio:>8}")


if __name__ == '__main__':
    main()
