"""Autocast and GradScaler costs, side by side with PyTorch when it is importable (ratios in one run).

    python benchmarks/bench_amp.py                         # ember (and torch if importable here)
    TORCH_PYTHON=/path/to/python benchmarks/bench_amp.py   # torch from another interpreter

``mm_tiny``: a 4x4 matmul, where per-call overhead is everything: outside autocast (what every program
pays for the autocast policy check) and inside a float16 CPU region (the casts). ``linear_fp16``: a
64x512 @ 512x512 linear inside the region. ``scaler_iter``: scale, backward, step and update of a
784-256-10 MLP's parameters with a GradScaler.
"""
from _common import best, import_lib, side_by_side


def bench(lib_name):
    lib = import_lib(lib_name)
    F = lib.nn.functional
    res = {}
    a = lib.ones(4, 4)
    res['mm_tiny_autocast_off_us'] = best(lambda: lib.mm(a, a), 20000) * 1e6
    with lib.autocast('cpu', dtype=lib.float16):
        res['mm_tiny_autocast_fp16_us'] = best(lambda: lib.mm(a, a), 5000) * 1e6
    x, w = lib.randn(64, 512), lib.randn(512, 512, requires_grad=True)
    res['linear_fp32_us'] = best(lambda: F.linear(x, w), 50) * 1e6
    with lib.autocast('cpu', dtype=lib.float16):
        res['linear_fp16_us'] = best(lambda: F.linear(x, w), 20) * 1e6
    model = lib.nn.Sequential(lib.nn.Linear(784, 256), lib.nn.ReLU(), lib.nn.Linear(256, 10))
    opt = lib.optim.SGD(model.parameters(), lr=0.01)
    scaler = lib.amp.GradScaler('cpu')
    data = lib.randn(32, 784)

    def iteration():
        opt.zero_grad()
        scaler.scale(model(data).square().mean()).backward()
        scaler.step(opt)
        scaler.update()
    res['scaler_iter_us'] = best(iteration, 20) * 1e6
    return res


if __name__ == '__main__':
    side_by_side(__file__, bench, header='amp', width=28, digits=1)
