"""TorchDispatchMode: what an op call and a training step cost before any mode was entered, after one was
entered and left again (ember then keeps its dispatching wrappers, so this is the mode-less cost that
matters), and under a pass-through mode (ember hands each op, and each backward formula's call, to it).

    python benchmarks/bench_dispatch_mode.py
"""
import importlib

from _common import best, import_lib, side_by_side


def bench(lib_name):
    lib = import_lib(lib_name)
    TorchDispatchMode = importlib.import_module(f'{lib_name}.utils._python_dispatch').TorchDispatchMode
    nn, F = lib.nn, lib.nn.functional

    class Passthrough(TorchDispatchMode):
        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            return func(*args, **(kwargs or {}))

    lib.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
    x, y, a = lib.randn(32, 64), lib.randn(32, 10), lib.randn(8)

    def step():
        F.mse_loss(model(x), y).backward()

    res = {'add_before_any_mode_us': best(lambda: lib.add(a, a), 20000) * 1e6,
           'step_before_any_mode_us': best(step, 300) * 1e6}
    with Passthrough():
        res['add_under_mode_us'] = best(lambda: lib.add(a, a), 2000) * 1e6
        res['step_under_mode_us'] = best(step, 30) * 1e6
    res['add_after_a_mode_us'] = best(lambda: lib.add(a, a), 20000) * 1e6
    res['step_after_a_mode_us'] = best(step, 300) * 1e6
    return res


def main():
    side_by_side(__file__, bench)


if __name__ == '__main__':
    main()
