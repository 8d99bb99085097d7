"""einsum side by side with PyTorch (ratios in one run): typical equations, each without autograd, recorded,
and recorded with its backward, at a small size where per-call costs show and a large one where the
products' kernels do.

    BENCH_THREADS=1 BENCH_TIMER=process TORCH_PYTHON=/tmp/torch/bin/python python benchmarks/bench_einsum.py
"""
from _common import best, import_lib, side_by_side

# equation -> (small operand shapes, large operand shapes)
EQUATIONS = {
    'bij,bjk->bik': ([(4, 8, 16), (4, 16, 8)], [(32, 64, 64), (32, 64, 64)]),
    'ij->ji': ([(16, 16)], [(512, 512)]),
    'ii->i': ([(16, 16)], [(512, 512)]),
    'i,i->': ([(64,)], [(100_000,)]),
    'bhqd,bhkd->bhqk': ([(2, 4, 16, 8), (2, 4, 16, 8)], [(8, 8, 128, 64), (8, 8, 128, 64)]),
}


def bench(lib_name):
    lib = import_lib(lib_name)
    lib.manual_seed(0)
    res = {}
    for eq, sizes in EQUATIONS.items():
        for label, shapes, number in (('small', sizes[0], 500), ('large', sizes[1], 5)):
            shapes = shapes * 2 if len(shapes) == 1 and ',' in eq else shapes
            plain = [lib.randn(*s) for s in shapes]
            leaves = [lib.randn(*s, requires_grad=True) for s in shapes]
            res[f'{eq} {label} us'] = best(lambda: lib.einsum(eq, *plain), number) * 1e6
            res[f'{eq} {label} grad us'] = best(lambda: lib.einsum(eq, *leaves), number) * 1e6

            def forward_backward():
                lib.einsum(eq, *leaves).sum().backward()
            res[f'{eq} {label} fwd+bwd us'] = best(forward_backward, max(number // 5, 3)) * 1e6
    return res


if __name__ == '__main__':
    side_by_side(__file__, bench, header='einsum', width=36, digits=1)
