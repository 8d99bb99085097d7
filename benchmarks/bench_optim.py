"""Optimizer step time, side by side with PyTorch when it is importable (ratios in one run).

    python benchmarks/bench_optim.py                         # ember (and torch if importable here)
    TORCH_PYTHON=/path/to/python benchmarks/bench_optim.py   # torch from another interpreter

Measures ``optimizer.step()`` alone (gradients already set) for each optimizer on the parameters
of a 784-256-128-10 MLP (235k float32 values in 6 tensors) and on one 2-element tensor (seed 001's
size, where per-call overhead is everything).
"""
import os
import subprocess
import sys
import timeit

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

MLP_SHAPES = [(256, 784), (256,), (128, 256), (128,), (10, 128), (10,)]
CONFIGS = [('SGD', dict(lr=0.01)), ('SGD', dict(lr=0.01, momentum=0.9)), ('Adam', dict(lr=1e-3)),
           ('AdamW', dict(lr=1e-3)), ('RMSprop', {}), ('Adagrad', {}), ('Adadelta', {})]


def _best(fn, number, repeat=7):
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number


def bench(lib_name):
    if lib_name == 'ember':
        sys.path.insert(0, ROOT)
        import ember as lib
    else:
        import torch as lib
        lib.set_num_threads(os.cpu_count() or 1)
    res = {}
    for name, kwargs in CONFIGS:
        label = name + ('_momentum' if kwargs.get('momentum') else '')
        for size, shapes, number in (('mlp', MLP_SHAPES, 100), ('tiny', [(2,)], 3000)):
            params = [lib.zeros(*s, requires_grad=True) for s in shapes]
            for p in params:
                p.grad = lib.full(tuple(p.shape), 0.01)
            opt = getattr(lib.optim, name)(params, **kwargs)
            opt.step()  # state created outside the timing
            res[f'{label}_{size}_us'] = _best(opt.step, number) * 1e6
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
    print(f"{'optimizer.step()':<28}{'ember':>12}{'torch':>12}{'ratio':>8}")
    for k, v in ours.items():
        t = theirs.get(k) if theirs else None
        ratio = f'{v / t:.2f}' if t else '-'
        print(f"{k:<28}{v:>12.1f}{(t if t else float('nan')):>12.1f}{ratio:>8}")


if __name__ == '__main__':
    main()
