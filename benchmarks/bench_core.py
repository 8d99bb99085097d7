"""Core speed, side by side with PyTorch when it is importable (ratios in one run).

    python benchmarks/bench_core.py            # ember only (and torch if importable here)

Measures: per-op eager overhead on tiny tensors with and without autograd (tensor with tensor,
tensor with a Python number, F.linear; ``a + b``, ``a * b``, ``relu``, ``sum`` alone, and each
recorded and followed by its backward: ``*_grad_bwd_us``), Python assignment into an (8, 4) tensor
(``x[1:] = v``, ``x[0] = 2.0``) unrecorded and recorded, a 1M-element
elementwise chain with backward, and a 1024x1024 matmul (against NumPy's own matmul too).
"""
from _common import best, import_lib, side_by_side


def _op_cases(lib):
    """4x4 operands and the ops measured one by one: name -> (op, backward seed)."""
    a, b, g = lib.ones(4, 4), lib.ones(4, 4), lib.ones(4, 4)
    xg = lib.ones(4, 4, requires_grad=True)
    ops = {'add': (lambda t: t + b, g), 'mul': (lambda t: t * b, g), 'relu': (lambda t: t.relu(), g),
           'sum': (lambda t: t.sum(), None)}
    return a, b, xg, ops


def two_ops_no_grad(lib):
    """``a * b + a`` on 4x4 tensors with nothing recorded: two ops per call (per op: time / 2)."""
    a, b = lib.ones(4, 4), lib.ones(4, 4)
    return lambda: a * b + a


def recorded_op_backward(lib, name):
    """One op of ``_op_cases`` on a 4x4 leaf that requires grad, recorded, then its backward."""
    _, _, xg, ops = _op_cases(lib)
    fn, seed = ops[name]
    return lambda: fn(xg).backward(seed)


def setitem_recorded(lib, value):
    """``y[1:] = value`` on a fresh (8, 4) clone of a leaf that requires grad: the clone, then the assignment
    recorded (PyTorch's CopySlices); ``clone_grad_us`` is the clone alone."""
    leaf = lib.zeros(8, 4, requires_grad=True)

    def assign():
        y = leaf.clone()
        y[1:] = value
    return assign


def chain_1m(lib):
    """``((x * 2 + 1).sin() * x).exp().sum()`` and its backward on a million float32 elements."""
    big = lib.rand(1_000_000, requires_grad=True)

    def chain():
        y = ((big * 2 + 1).sin() * big).exp().sum()
        y.backward()
    return chain


def bench(lib_name):
    lib = import_lib(lib_name)
    res = {}
    res['op_no_grad_us'] = best(two_ops_no_grad(lib), 2000) * 1e6 / 2
    # each op alone, then recorded and differentiated (the op and a backward through it)
    a, b, _, ops = _op_cases(lib)
    for name, (fn, _) in ops.items():
        res[f'{name}_us'] = best(lambda: fn(a), 2000) * 1e6
        res[f'{name}_grad_bwd_us'] = best(recorded_op_backward(lib, name), 500) * 1e6
    res['scalar_mul_us'] = best(lambda: a * 2, 2000) * 1e6
    res['linear_4x4_us'] = best(lambda: lib.nn.functional.linear(a, b), 2000) * 1e6
    x = lib.ones(4, 4, requires_grad=True)
    res['op_grad_us'] = best(lambda: x * b + x, 2000) * 1e6 / 2
    res['scalar_mul_grad_us'] = best(lambda: x * 2, 2000) * 1e6

    # Python assignment into an (8, 4) tensor: nothing recorded, and recorded (after a clone, timed alone)
    rows, leaf = lib.zeros(8, 4), lib.zeros(8, 4, requires_grad=True)
    value, value_grad = lib.ones(7, 4), lib.ones(7, 4, requires_grad=True)
    res['setitem_us'] = best(lambda: rows.__setitem__(slice(1, None), value), 2000) * 1e6
    res['setitem_number_us'] = best(lambda: rows.__setitem__(0, 2.0), 2000) * 1e6
    res['clone_grad_us'] = best(lambda: leaf.clone(), 2000) * 1e6
    res['clone_setitem_grad_us'] = best(setitem_recorded(lib, value_grad), 2000) * 1e6
    res['clone_setitem_number_grad_us'] = best(setitem_recorded(lib, 2.0), 2000) * 1e6

    def fwd_bwd():
        y = (x * b + x).sum()
        y.backward()
    res['tiny_fwd_bwd_us'] = best(fwd_bwd, 500) * 1e6
    res['chain_1M_ms'] = best(chain_1m(lib), 5) * 1e3

    m1 = lib.rand(1024, 1024)
    m2 = lib.rand(1024, 1024)
    res['matmul_1024_ms'] = best(lambda: m1 @ m2, 5) * 1e3
    if lib_name == 'ember':
        n1, n2 = m1.numpy(), m2.numpy()
        res['numpy_matmul_1024_ms'] = best(lambda: n1 @ n2, 5) * 1e3
    return res


def main():
    results = side_by_side(__file__, bench)
    if results:
        ours = results[0]
        print(f"matmul vs NumPy: {ours['matmul_1024_ms'] / ours['numpy_matmul_1024_ms']:.3f}x")


if __name__ == '__main__':
    main()
