"""What the elementwise chain and the MLP step cannot go below on NumPy: each computation the two
workloads need, at the cheapest NumPy cost known that gives PyTorch's float32 bits (ember's exact
kernels) and at NumPy's plain cost without them, beside PyTorch's time for the same computation and
both whole workloads (ember's with and without its bits), all in one process, one thread, CPU time, interleaved rounds (minimum of each).

    /path/to/python-with-torch benchmarks/bench_floors.py [chain] [mlp]    # needs torch importable here

The rows add up to a floor: the time ember's workload would take if everything but the NumPy passes
(Python, the autograd engine, allocation) cost nothing. Where the floor is above 0.9 of PyTorch's
whole workload, the ``<= 0.9x`` target is out of reach for a core on NumPy. ``BENCH_ROUNDS``
sets the rounds (default 9: on a loaded machine the minimum of fewer moves by tens of percent).
"""
import os
import sys
import time

import numpy as np

from _common import ROOT

sys.path.insert(0, ROOT)
import ember  # noqa: E402
import ember.nn  # noqa: E402,F401
import ember.optim  # noqa: E402,F401
import ember.numerics  # noqa: E402,F401
from ember.ops._cascade_sum import cascade_sum  # noqa: E402
from ember.ops.activation import _relu_array, _zero_unless  # noqa: E402
from ember.ops.linear import _linear_bias_array  # noqa: E402
from ember.ops.loss import nll_forward  # noqa: E402
from ember.ops._log_softmax_grad_bits import log_softmax_backward_one_per_row  # noqa: E402
from ember.ops._softmax_bits import log_softmax_parts  # noqa: E402
from ember.ops.unary import _exp_float32  # noqa: E402
from ember.optim._blas_axpy import axpy_  # noqa: E402
from ember.optim._functional import _blocks, _sgd_block  # noqa: E402

import torch  # noqa: E402

from bench_core import chain_1m  # noqa: E402
from bench_train import mlp_step  # noqa: E402

ROUNDS = int(os.environ.get('BENCH_ROUNDS', '9'))


def _cpu_ms(fn, number):
    fn()
    start = time.process_time()
    for _ in range(number):
        fn()
    return (time.process_time() - start) / number * 1e3


def _chain_rows(n=1_000_000):
    """(label, NumPy with PyTorch's bits, NumPy without, PyTorch) for each computation of
    ``((x * 2 + 1).sin() * x).exp().sum()`` and its backward: each a no-argument callable."""
    rng = np.random.default_rng(0)
    x = rng.random(n, dtype=np.float32)
    u = x * np.float32(2) + np.float32(1)
    s = np.sin(u)
    m = s * x
    e = _exp_float32(np, m)
    ones = np.ndarray(x.shape, x.dtype, np.ones(1, np.float32), 0, (0,))   # sum's gradient: one value, broadcast
    g1, g2, acc = e.copy(), e.copy(), e.copy()
    tx, tu, ts, tm, te = (torch.from_numpy(a.copy()) for a in (x, u, s, m, e))
    tg1, tg2, tacc = torch.from_numpy(g1.copy()), torch.from_numpy(g2.copy()), torch.from_numpy(acc.copy())
    tones = torch.ones(()).expand(n)

    def sin_grad():
        c = np.cos(u)
        return np.multiply(g1, c, out=c)

    def mul2_grad():     # the engine owns this gradient: the product goes into it
        return np.multiply(g1, 2, out=g2)

    def grads_added():
        return np.add(g2, g1, out=g2)

    def into_grad():
        return np.add(acc, g1, out=acc)

    return [
        ('x * 2', lambda: x * np.float32(2), None, lambda: tx * 2),
        ('+ 1', lambda: u + np.float32(1), None, lambda: tu + 1),
        ('sin (NumPy\'s float32 kernel; PyTorch\'s is MKL\'s, within 1 ulp)', lambda: np.sin(u), None,
         lambda: tu.sin()),
        ('* x', lambda: s * x, None, lambda: ts * tx),
        ('exp (bits: float64 exp rounded, in cached chunks: PyTorch\'s float32 exp on 99 % of these values, NumPy\'s '
         'float32 exp on 64 %)', lambda: _exp_float32(np, m), lambda: np.exp(m),
         lambda: tm.exp()),
        ('sum (bits: PyTorch\'s order of additions)', lambda: cascade_sum(e, None, False),
         lambda: np.add.reduce(e), lambda: te.sum()),
        ('exp backward: g * exp(x), g all ones', lambda: ones * e, lambda: e.copy(), lambda: tones * te),
        ('mul backward: g * x and g * sin(u)', lambda: (g1 * x, np.multiply(g1, s, out=g2)), None,
         lambda: (tg1 * tx, tg1 * ts)),
        ('sin backward: g * cos(u)', sin_grad, None, lambda: tg1 * tu.cos()),
        ('(x * 2) backward: g * 2', mul2_grad, None, lambda: tg1 * 2),
        ('x\'s two gradients added', grads_added, None, lambda: tg2.add_(tg1)),
        ('added into x.grad', into_grad, None, lambda: tacc.add_(tg1)),
    ]


def _mlp_rows(batch=64):
    """The same for one step of 784-512-512-10 with cross-entropy and SGD (products, bias, ReLU, the
    loss, the bias gradients, the update)."""
    rng = np.random.default_rng(0)

    def a(*shape):
        return rng.standard_normal(shape, dtype=np.float32) * np.float32(0.05)
    x, h1, h2 = a(batch, 784), a(batch, 512), a(batch, 512)
    w1, w2, w3 = a(512, 784), a(512, 512), a(10, 512)
    b1, b2, b3 = a(512), a(512), a(10)
    g1, g2, g3 = a(batch, 512), a(batch, 512), a(batch, 10)
    logits, target = a(batch, 10), rng.integers(0, 10, batch)
    params = [w1, b1, w2, b2, w3, b3]
    grads = [p.copy() for p in params]
    t = {name: torch.from_numpy(v.copy()) for name, v in dict(
        x=x, h1=h1, h2=h2, w1=w1, w2=w2, w3=w3, b1=b1, b2=b2, b3=b3, g1=g1, g2=g2, g3=g3, logits=logits).items()}
    tt = torch.from_numpy(target)
    tparams = [torch.from_numpy(p.copy()) for p in params]
    tgrads = [torch.from_numpy(g.copy()) for g in grads]
    F = torch.nn.functional

    def forwards():     # ember's addmm: BLAS's cheaper layout for a wide weight (same bits), the bias in place
        return _linear_bias_array(x, w1, b1), _linear_bias_array(h1, w2, b2), _linear_bias_array(h2, w3, b3)

    def input_grads():
        return g2 @ w2, g3 @ w3

    def weight_grads():
        return g1.T @ x, g2.T @ h1, g3.T @ h2

    def relus():
        return _relu_array(h1), _relu_array(h2)

    def relu_grads():      # ember's: the mask's words ANDed with g's bits (NumPy's where branches per element)
        return _zero_unless(np, h1 <= 0, g1, keep=False), _zero_unless(np, h2 <= 0, g2, keep=False)

    rows = np.arange(batch)

    def ce_bits():
        # ember's exact kernels on arrays, no engine: log_softmax's parts (row maxima, SLEEF's exp, the lanes'
        # sums, SLEEF's log) and its result, nll_loss's forward (the picked values, their sum in PyTorch's
        # order), the mean's gradient scale and nll_loss's gradient array (zeros, the target column set), and
        # log_softmax's backward from its result (SLEEF's exp again, the fused multiply-subtract at the targets)
        shifted, _, _, lse = log_softmax_parts(logits, 1)
        shifted -= lse
        loss, kept = nll_forward(np, shifted, target, None, -100, 'mean')
        coef = np.float32(1) / kept['denom']
        picked = 0 - coef
        g = np.zeros(shifted.shape, np.float32)
        g[rows, target] = picked
        return loss, log_softmax_backward_one_per_row(shifted, (rows, target), picked)

    def ce_plain():
        shifted = logits - logits.max(1, keepdims=True)
        ex = np.exp(shifted)
        total = ex.sum(1, keepdims=True)
        loss = (np.log(total)[:, 0] - shifted[np.arange(batch), target]).mean()
        grad = ex / total
        grad[np.arange(batch), target] -= 1
        return loss, grad / batch

    aten = torch.ops.aten

    def ce_torch():     # PyTorch's kernels for the same passes, no engine either
        logp = torch.log_softmax(t['logits'], 1)
        loss = F.nll_loss(logp, tt)
        g = aten.nll_loss_backward(torch.ones(()), logp, tt, None, 1, -100, torch.ones(()))
        return loss, aten._log_softmax_backward_data(g, logp, 1, torch.float32)

    def bias_grads_bits():
        return cascade_sum(g1, 0, False), cascade_sum(g2, 0, False), cascade_sum(g3, 0, False)

    def bias_grads_plain():
        return np.add.reduce(g1, 0), np.add.reduce(g2, 0), np.add.reduce(g3, 0)

    lr = 1e-3

    def sgd_bits():     # ember's SGD: OpenBLAS's saxpy, one rounding as PyTorch's fused update, where the check
        # at its first use showed it rounds once (else ember's fma32 by blocks); the same test per call as ember's
        for p, g in zip(params, grads):
            if not axpy_(p, -lr, g, exact=True):
                for pb, gb, _ in _blocks(p, g, None):
                    _sgd_block(np, pb, gb, None, False, 0.0, 0.0, lr, 0.0, False, False)

    def sgd_plain():    # without the bits: saxpy whatever its rounding (NumPy's two passes without it)
        for p, g in zip(params, grads):
            if not axpy_(p, -lr, g):
                np.subtract(p, np.multiply(g, lr), out=p)

    def sgd_torch():
        torch._foreach_add_(tparams, tgrads, alpha=-1e-3)

    return [
        ('3 forward products + bias', forwards, None,
         lambda: (F.linear(t['x'], t['w1'], t['b1']), F.linear(t['h1'], t['w2'], t['b2']),
                  F.linear(t['h2'], t['w3'], t['b3']))),
        ('2 input-gradient products', input_grads, None, lambda: (t['g2'] @ t['w2'], t['g3'] @ t['w3'])),
        ('3 weight-gradient products', weight_grads, None,
         lambda: (t['g1'].t() @ t['x'], t['g2'].t() @ t['h1'], t['g3'].t() @ t['h2'])),
        ('2 ReLU', relus, None, lambda: (t['h1'].relu(), t['h2'].relu())),
        ('2 ReLU backward', relu_grads, None,
         lambda: (torch.ops.aten.threshold_backward(t['g1'], t['h1'], 0),
                  torch.ops.aten.threshold_backward(t['g2'], t['h2'], 0))),
        ('cross-entropy forward + backward (bits: ember\'s exact log_softmax and its backward, nll_loss\'s '
         'forward and gradient array, on arrays: no engine, no Tensors)', ce_bits, ce_plain, ce_torch),
        ('3 bias gradients (bits: PyTorch\'s order)', bias_grads_bits, bias_grads_plain,
         lambda: (t['g1'].sum(0), t['g2'].sum(0), t['g3'].sum(0))),
        ('SGD update of 6 parameters (bits: OpenBLAS\'s saxpy where it rounds once, as PyTorch\'s fused update)',
         sgd_bits, sgd_plain, sgd_torch),
    ]


def _whole(step_of_lib):
    out = {}
    for name, lib in (('ember', ember), ('torch', torch)):
        out[name] = step_of_lib(lib)
    with ember.numerics.pytorch_bits(False):
        plain = step_of_lib(ember)

    def without_bits():
        with ember.numerics.pytorch_bits(False):
            plain()
    out['ember without the bits'] = without_bits
    return out


def _table(title, rows, whole, number):
    """Interleaved rounds; the minimum of each cell."""
    cells = {}
    for _ in range(ROUNDS):
        for label, bits, plain, theirs in rows:
            for key, fn in (('bits', bits), ('plain', plain or bits), ('torch', theirs)):
                value = _cpu_ms(fn, number)
                cells[label, key] = min(cells.get((label, key), value), value)
        for name, fn in whole.items():
            value = _cpu_ms(fn, max(1, number // 4))
            cells[name] = min(cells.get(name, value), value)
    print(f'\n### {title}\n\n| computation | NumPy, PyTorch\'s bits | NumPy, no bits | PyTorch | bits / PyTorch |\n'
          '|---|---|---|---|---|')
    sums = {'bits': 0.0, 'plain': 0.0, 'torch': 0.0}
    for label, *_ in rows:
        b, p, t = cells[label, 'bits'], cells[label, 'plain'], cells[label, 'torch']
        sums['bits'] += b
        sums['plain'] += p
        sums['torch'] += t
        print(f'| {label} | {b:.3f} ms | {p:.3f} ms | {t:.3f} ms | {b / t:.2f} |')
    print(f"| **sum (the floor)** | **{sums['bits']:.3f} ms** | **{sums['plain']:.3f} ms** | "
          f"{sums['torch']:.3f} ms | |")
    ours, plain, theirs = cells['ember'], cells['ember without the bits'], cells['torch']
    target = 0.9 * theirs
    print(f"\nwhole workload: ember {ours:.3f} ms, PyTorch {theirs:.3f} ms (ratio {ours / theirs:.2f}); ember "
          f"without the bits {plain:.3f} ms ({plain / theirs:.2f}); the target 0.9x is {target:.3f} ms.\nfloor / PyTorch's whole workload: with the bits "
          f"{sums['bits'] / theirs:.2f}, without {sums['plain'] / theirs:.2f} "
          f"({'out of reach' if sums['bits'] > target else 'not ruled out'} with the bits, "
          f"{'out of reach' if sums['plain'] > target else 'not ruled out'} without).")


def main(tables):
    ember.set_num_threads(1)
    torch.set_num_threads(1)
    print(f'one thread, CPU time, {ROUNDS} interleaved rounds, minimum of each cell')
    if 'chain' in tables:
        _table('elementwise chain, 1M float32, forward + backward', _chain_rows(),
               _whole(chain_1m), 10)
    if 'mlp' in tables:
        _table('MLP 784-512-512-10 train step, batch 64, SGD', _mlp_rows(),
               _whole(lambda lib: mlp_step(lib, 512, 2, 'sgd', np.random.default_rng(0))), 40)


if __name__ == '__main__':
    main(sys.argv[1:] or ('chain', 'mlp'))
