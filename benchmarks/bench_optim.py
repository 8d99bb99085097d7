"""Optimizer step time, side by side with PyTorch when it is importable (ratios in one run).

    python benchmarks/bench_optim.py                         # ember (and torch if importable here)
    TORCH_PYTHON=/path/to/python benchmarks/bench_optim.py   # torch from another interpreter

Measures ``optimizer.step()`` alone (gradients already set) for each optimizer on the parameters
of a 784-256-128-10 MLP (235k float32 values in 6 tensors) and on one 2-element tensor (seed 001's
size, where per-call overhead is everything).
"""
from _common import best, import_lib, side_by_side

MLP_SHAPES = [(256, 784), (256,), (128, 256), (128,), (10, 128), (10,)]
CONFIGS = [('SGD', dict(lr=0.01)), ('SGD', dict(lr=0.01, momentum=0.9)), ('Adam', dict(lr=1e-3)),
           ('AdamW', dict(lr=1e-3)), ('RMSprop', {}), ('Adagrad', {}), ('Adadelta', {}), ('Adamax', {}), ('NAdam', {}),
           ('RAdam', {}), ('ASGD', {}), ('Rprop', {}), ('Adafactor', {})]


def bench(lib_name):
    lib = import_lib(lib_name)
    res = {}
    for name, kwargs in CONFIGS:
        label = name + ('_momentum' if kwargs.get('momentum') else '')
        for size, shapes, number in (('mlp', MLP_SHAPES, 100), ('tiny', [(2,)], 3000)):
            params = [lib.zeros(*s, requires_grad=True) for s in shapes]
            for p in params:
                p.grad = lib.full(tuple(p.shape), 0.01)
            opt = getattr(lib.optim, name)(params, **kwargs)
            opt.step()  # state created outside the timing
            res[f'{label}_{size}_us'] = best(opt.step, number, repeat=7) * 1e6
    return res


if __name__ == '__main__':
    side_by_side(__file__, bench, header='optimizer.step()', width=28, digits=1)
