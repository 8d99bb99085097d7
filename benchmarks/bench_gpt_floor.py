"""The GPT block train step (``bench_attention.gpt_block_step``) part by part: PyTorch's time for each
part, ember's, and the cheapest NumPy computation known for it, with and without PyTorch's float32 bits.

    BENCH_THREADS=1 BENCH_TIMER=process TORCH_PYTHON=/tmp/torch/bin/python python benchmarks/bench_gpt_floor.py

Each part is timed forward and backward (``fwd+bwd``: the forward, then ``backward`` with a fixed output
gradient, into leaves as the parts need them), PyTorch and ember each in their own process, alternating
for ``BENCH_ROUNDS`` rounds (medians of the rounds; within a process every measure is taken in turn,
``BENCH_REPEAT`` times, best kept). The floors are plain NumPy on the part's arrays, no tensors, no
graph, timed in ember's process beside its parts:

* ``floor_bits``: ember's array kernels that give PyTorch's float32 bits (``_gelu_f32``,
  ``_layer_norm_bits``, ``_softmax_bits``, nll_loss's cascade sum), called directly, with the
  backward's array steps, and bias gradients summed in PyTorch's order. Matrix products have no NumPy
  way to PyTorch's bits (its MKL blocks them otherwise than OpenBLAS): their floor is NumPy's
  ``matmul`` in both columns.
* ``floor_values``: the cheapest NumPy formulation found for PyTorch's values without its bits
  (GELU: ember's own kernel without the bits, ``_gelu_fast32``: a direct fit of the normal
  distribution function in cache-sized chunks, its derivative kept for the backward, within
  1.5e-7 * max(1, |x|) of the exact GELU, where PyTorch's own is within 3.4e-7 * max(1, |x|); it
  beats oneDNN's polynomials evaluated in plain float32, the floor before it; softmax and
  cross-entropy: ``np.exp``; LayerNorm and the bias gradients: BLAS row and column sums).

AdamW's row has no floor of its own: ember's update is already below PyTorch's. ``step (parts added)``
weighs the parts as the step runs them (two LayerNorms, two residual additions); ``whole step
(measured)`` is ``bench_attention.gpt_block_step`` itself, timed among the parts, with and without
``ember.numerics.set_pytorch_bits``. The last line adds up what the exact kernels' floors cost over
PyTorch's same parts, beside what 1.3x of PyTorch's step allows over it for everything.

Why 1.3x is out of reach with the bits (2026-12-07, one thread of a shared 2-core AMD EPYC, PyTorch
2.13): PyTorch's parts add to about 20.5 ms, so 1.3x leaves about +6.2 ms for everything ember spends
more (its graph and op dispatch included: the whole step measures 1.5-3 ms over its parts). The
exact kernels' NumPy floors alone cost about +8.6-8.8 ms over PyTorch's (the parts added: 1.30-1.35x):

* GELU +3.8 ms (1024 x 512): oneDNN's erf is a degree-5 polynomial chosen among 25 pieces by the
  exponent bits, five fused multiply-adds in one pass. NumPy has no fused multiply-add: each step is
  a double product and sum rounded to float32 and widened back (four passes), the pieces' coefficients
  come by three gathers (two coefficients each, as complex numbers), about 30 passes over the values.
  (The backward is one product: the derivative is made in the forward's chunks.)
* LayerNorm +2.4 ms for two (1024 x 128): PyTorch's Welford runs 16 dependent steps over 8 lanes
  of each row, two fused multiply-adds a step. The mean's step is BLAS's saxpy (one pass, one
  rounding); the M2 step multiplies two arrays, which no BLAS routine fuses, so it is a double sum
  with a midpoint check; at 8192 values a step the NumPy calls themselves are most of its ~25 us.
* softmax +1.6 ms (16 x 4 x 64 x 64, causal): SLEEF's expf of the 139k unmasked scores (four steps
  rounded by added constants, two by double sums with checks), lane-order sums, an exact backward.
* cross_entropy +0.65 ms (more in ember itself: its backward recomputes SLEEF's exp of the
  log_softmax output, as PyTorch's does, which the floor leaves out).
* AdamW +0.4 ms: the lerp is saxpy; the second moment's addcmul multiplies two arrays (a double pass
  and a check).

GELU and LayerNorm alone (+6.2 ms) use up the whole budget. Two fused multiply-adds of two arrays
(GELU's Horner steps, Welford's M2) are the floor: NumPy's passes cannot fuse them, and BLAS fuses
only a number times an array. Note also that ember's GELU backward under the bits is not PyTorch's
(oneDNN's own backward: about a quarter of the gradient's elements agree at 1024 x 512), so an exact
GELU step would cost more than this floor.
"""
import math
import os
import time

import numpy as np

from _common import import_lib, interleaved_medians

B, T, C, H = 16, 64, 128, 4
D = C // H
VOCAB = 65

# part name, how often the step runs it
PARTS = (('layer_norm', 2), ('c_attn 128->384', 1), ('q @ k^T', 1), ('scale', 1), ('masked_fill', 1),
         ('softmax', 1), ('att @ v', 1), ('heads merged', 1), ('c_proj 128->128', 1), ('residual add', 2),
         ('fc 128->512', 1), ('gelu', 1), ('proj 512->128', 1), ('head 128->65', 1), ('cross_entropy', 1),
         ('adamw', 1))


def _interleaved(fns, number=5):
    """``{key: ms per call}`` for ``{key: fn}``: the best of ``BENCH_REPEAT`` rounds, each round timing every
    function once (``number`` calls) in turn, so that a busy moment on a shared machine falls on all of
    them alike rather than on whichever was being timed."""
    timer = time.process_time if os.environ.get('BENCH_TIMER') == 'process' else time.perf_counter
    for fn in fns.values():
        fn()
    out = dict.fromkeys(fns, float('inf'))
    for _ in range(int(os.environ.get('BENCH_REPEAT', '7'))):
        for key, fn in fns.items():
            start = timer()
            for _ in range(number):
                fn()
            out[key] = min(out[key], (timer() - start) / number * 1e3)
    return out


def _parts(lib):
    """``{part: (forward, forward and backward)}`` as the library runs them (functions to time)."""
    nn, F = lib.nn, lib.nn.functional
    rng = np.random.default_rng(0)
    lib.manual_seed(0)

    def t(*shape, grad=True):
        return lib.tensor(rng.standard_normal(shape).astype(np.float32), requires_grad=grad)

    def both(fwd):
        out = fwd()
        g = lib.tensor(rng.standard_normal(tuple(out.shape)).astype(np.float32))
        return fwd, lambda: fwd().backward(g)

    x, h, qkv = t(B, T, C), t(B, T, 4 * C), t(B, T, 3 * C)
    mask = lib.tril(lib.ones(T, T)).view(1, 1, T, T)

    def heads():
        q, k, v = qkv.split(C, dim=2)
        return tuple(a.view(B, T, H, D).transpose(1, 2) for a in (q, k, v))
    scores = t(B, H, T, T)
    masked = scores.detach().masked_fill(mask == 0, float('-inf')).requires_grad_()
    y = t(B, H, T, D)
    logits, target = t(B * T, VOCAB), lib.tensor(rng.integers(0, VOCAB, B * T))
    layers = {'c_attn 128->384': (nn.Linear(C, 3 * C), x), 'c_proj 128->128': (nn.Linear(C, C), x),
              'fc 128->512': (nn.Linear(C, 4 * C), x), 'proj 512->128': (nn.Linear(4 * C, C), h),
              'head 128->65': (nn.Linear(C, VOCAB), x)}
    ln = nn.LayerNorm(C)
    res = {'layer_norm': both(lambda: ln(x))}
    for name, (layer, inp) in layers.items():
        res[name] = both(lambda layer=layer, inp=inp: layer(inp))
    res['q @ k^T'] = both(lambda: (lambda q, k, v: q @ k.transpose(-2, -1))(*heads()))
    res['scale'] = both(lambda: scores * (1.0 / math.sqrt(D)))
    res['masked_fill'] = both(lambda: scores.masked_fill(mask[:, :, :T, :T] == 0, float('-inf')))
    res['softmax'] = both(lambda: F.softmax(masked, dim=-1))
    res['att @ v'] = both(lambda: scores @ heads()[2])
    res['heads merged'] = both(lambda: y.transpose(1, 2).contiguous().view(B, T, C))
    res['residual add'] = both(lambda: x + x)
    res['gelu'] = both(lambda: F.gelu(h))
    res['cross_entropy'] = both(lambda: F.cross_entropy(logits, target))
    params = [p for layer in [lay for lay, _ in layers.values()] + [ln, nn.LayerNorm(C)] for p in layer.parameters()]
    for p in params:
        p.grad = lib.zeros_like(p)
    opt = lib.optim.AdamW(params, lr=1e-3)
    res['adamw'] = (opt.step, opt.step)
    return res


# --- NumPy floors ---

def _linear_floor(x, w, b, g, column_sum):
    """A linear layer's three products and its bias gradient (``column_sum`` of g)."""
    def fwd_bwd():
        y = x @ w.T
        y += b
        return g @ w, g.T @ x, column_sum(g)
    return fwd_bwd


def _floors():
    """``{part: (bits, values)}``: each part's forward and backward on arrays (functions to time; bits
    None where there is no bits floor other than the values one)."""
    from ember.ops import _gelu_f32, _gelu_fast32, _layer_norm_arrays, _layer_norm_bits, _softmax_bits
    from ember.numerics import ENABLED
    from ember.ops._cascade_sum import nll_sum
    from ember.ops.reduce import _sum_array
    rng = np.random.default_rng(0)

    def a(*shape):
        return rng.standard_normal(shape).astype(np.float32)
    x, xg, h, hg = a(B * T, C), a(B * T, C), a(B * T, 4 * C), a(B * T, 4 * C)
    res = {}

    w, b = (1 + 0.1 * a(C)), 0.1 * a(C)

    def ln_bits():
        y, mean, rstd, xhat = _layer_norm_bits.forward(x, w, b, 1e-5)
        _layer_norm_arrays.backward(x, xg, w, mean, rstd, xhat, 1, (True, True, True))

    def ln_values():
        bits, ENABLED[0] = ENABLED[0], False      # (the row-sum forward)
        try:
            y, mean, rstd, xhat = _layer_norm_arrays.forward(x, w, b, 1, 1e-5, True)
        finally:
            ENABLED[0] = bits
        _layer_norm_arrays.backward(x, xg, w, mean, rstd, xhat, 1, (True, True, True))
    res['layer_norm'] = (ln_bits, ln_values)

    def pytorch_order(g):     # the bias gradient's sum in PyTorch's order of additions (its bits)
        return _sum_array(np, g, 0, False, None)

    def blas(g):
        return np.ones(g.shape[0], g.dtype) @ g
    for name, (n_in, n_out) in (('c_attn 128->384', (C, 3 * C)), ('c_proj 128->128', (C, C)),
                                ('fc 128->512', (C, 4 * C)), ('proj 512->128', (4 * C, C)),
                                ('head 128->65', (C, VOCAB))):
        layer = ((x if n_in == C else h), a(n_out, n_in), a(n_out), a(B * T, n_out))
        res[name] = (_linear_floor(*layer, pytorch_order), _linear_floor(*layer, blas))

    qkv = a(B, T, 3 * C)
    q, k, v = (qkv[..., i * C:(i + 1) * C].reshape(B, T, H, D).transpose(0, 2, 1, 3) for i in range(3))
    s, sg = a(B, H, T, T), a(B, H, T, T)
    yg = a(B, H, T, D)

    grad_qkv = np.zeros((B, T, 3 * C), np.float32)    # the leaf's gradient, accumulated as the parts do

    def split_grads(*grads):
        """The heads' gradients laid back into (B, T, 3C) (zeros for the unused one), added to the leaf's."""
        g = np.zeros((B, T, 3 * C), np.float32)
        for i, gi in grads:
            g[..., i * C:(i + 1) * C] = gi.transpose(0, 2, 1, 3).reshape(B, T, C)
        grad_qkv.__iadd__(g)

    def qk():
        q @ k.transpose(0, 1, 3, 2)
        split_grads((0, sg @ k), (1, sg.transpose(0, 1, 3, 2) @ q))      # the gradients of q and k

    def av():
        s @ v
        yg @ v.transpose(0, 1, 3, 2)           # the scores' gradient
        split_grads((2, s.transpose(0, 1, 3, 2) @ yg))
    res['q @ k^T'] = (None, qk)
    res['att @ v'] = (None, av)
    scale = np.float32(1 / math.sqrt(D))
    res['scale'] = (None, lambda: (s * scale, sg * scale))
    keep = np.tril(np.ones((T, T), bool))
    neg_inf = np.float32(-np.inf)
    res['masked_fill'] = (None, lambda: (np.where(keep, s, neg_inf), np.where(keep, sg, np.float32(0))))
    masked = np.where(keep, s, neg_inf)
    rows_g = sg.reshape(-1, T)
    from ember.ops._rows import row_sums

    def softmax_backward(y):
        y2 = y.reshape(-1, T)
        gx = np.multiply(rows_g, y2)
        gx = np.subtract(rows_g, row_sums(gx)[:, None], out=gx)
        gx *= y2

    def softmax_bits():
        softmax_backward(_softmax_bits.softmax(masked, 3, lambda: 1))

    def softmax_values():
        e = masked - masked.max(axis=-1, keepdims=True)
        np.exp(e, out=e)
        e *= (1 / row_sums(e.reshape(-1, T)))[:, None].reshape(B, H, T, 1)
        softmax_backward(e)
    res['softmax'] = (softmax_bits, softmax_values)
    y = a(B, H, T, D)
    res['heads merged'] = (None, lambda: (np.ascontiguousarray(y.transpose(0, 2, 1, 3)),
                                          np.ascontiguousarray(xg.reshape(B, T, H, D).transpose(0, 2, 1, 3))))
    res['residual add'] = (None, lambda: x + x)     # (its backward hands the gradient on: nothing to compute)

    def gelu_bits():
        out, slope = _gelu_f32.onednn_gelu(h, keep_slope=True)     # (the derivative made in the forward)
        np.multiply(hg, slope.reshape(h.shape))

    def gelu_values():
        out, slope = _gelu_fast32.gelu(h, keep_slope=True)
        np.multiply(hg, slope.reshape(h.shape))
    res['gelu'] = (gelu_bits, gelu_values)

    logits, target = a(B * T, VOCAB), rng.integers(0, VOCAB, B * T)
    onehot = np.zeros((B * T, VOCAB), np.float32)
    onehot[np.arange(B * T), target] = 1

    rows = np.arange(B * T)

    def ce(shifted, e, total, log_sum, loss_sum):
        loss_sum(log_sum[:, 0] - shifted[rows, target])      # the losses, summed (then / N)
        grad = e * (np.float32(1) / total)                    # the backward: softmax - onehot, / N
        grad -= onehot
        grad *= np.float32(1 / (B * T))

    def ce_bits():
        ce(*_softmax_bits.log_softmax_parts(logits, 1), lambda v: nll_sum(v, None))

    def ce_values():
        shifted = logits - logits.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        total = row_sums(e)[:, None]
        ce(shifted, e, total, np.log(total), np.sum)
    res['cross_entropy'] = (ce_bits, ce_values)
    return res


def _without_bits(fn):
    """``fn`` run with ember's PyTorch-bits kernels switched off (``ember.numerics``), the switch restored."""
    from ember.numerics import ENABLED

    def run():
        was, ENABLED[0] = ENABLED[0], False
        try:
            return fn()
        finally:
            ENABLED[0] = was
    return run


def bench(lib_name):
    from bench_attention import gpt_block_step
    lib = import_lib(lib_name)
    fns = {'step': gpt_block_step(lib, False)}
    for name, (fwd, both) in _parts(lib).items():
        fns[name + ' fwd'] = fwd
        fns[name + ' fwd+bwd'] = both
    if lib_name == 'ember':
        for name, (bits, values) in _floors().items():
            fns[name + ' floor_bits'] = bits or values
            fns[name + ' floor_values'] = values
        fns['step nobits'] = _without_bits(gpt_block_step(lib, False))
        for name, (fwd, both) in _parts(lib).items():
            fns[name + ' nobits'] = _without_bits(both)
    return _interleaved(fns)


def main():
    import sys
    if len(sys.argv) > 2 and sys.argv[1] == '--one':
        print(repr(bench(sys.argv[2])))
        return
    ours, theirs = interleaved_medians(__file__)
    theirs = theirs or {}
    cols = ('PyTorch', 'ember', 'ember_nobits', 'floor_bits', 'floor_values')
    print(f"{'part (fwd+bwd, ms)':<22}{'x':>3}" + ''.join(f'{c:>14}' for c in cols))
    totals = [0.0] * len(cols)
    for name, times in PARTS:
        row = (theirs.get(name + ' fwd+bwd', float('nan')), ours[name + ' fwd+bwd'], ours[name + ' nobits'],
               ours.get(name + ' floor_bits', ours[name + ' fwd+bwd']),
               ours.get(name + ' floor_values', ours[name + ' nobits']))
        totals = [s + times * v for s, v in zip(totals, row)]
        print(f'{name:<22}{times:>3}' + ''.join(f'{v:>14.3f}' for v in row))
    print(f"{'step (parts added)':<25}" + ''.join(f'{v:>14.3f}' for v in totals))
    if totals[0] == totals[0]:
        print(f"{'ratio to PyTorch':<25}" + ''.join(f'{v / totals[0]:>14.2f}' for v in totals))
    step = theirs.get('step', float('nan'))
    print(f"{'whole step (measured)':<25}{step:>14.3f}{ours['step']:>14.3f}{ours['step nobits']:>14.3f}")
    print(f"{'ratio to PyTorch':<25}{1:>14.2f}{ours['step'] / step:>14.2f}{ours['step nobits'] / step:>14.2f}")
    _print_bits_budget(ours, theirs, totals[0])


# the parts whose exact kernels cost more than PyTorch's at their NumPy floor (see the module's docstring)
BITS_PARTS = ('gelu', 'layer_norm', 'softmax', 'cross_entropy', 'adamw')


def _print_bits_budget(ours, theirs, pytorch_step):
    """What the exact kernels' floors cost over PyTorch's parts, against what 1.3x of PyTorch's step allows
    over it for everything (ember's matrix products at their floor already cost about PyTorch's)."""
    over = {}
    for name, times in PARTS:
        if name in BITS_PARTS:
            floor = ours.get(name + ' floor_bits', ours[name + ' fwd+bwd'])
            over[name] = times * (floor - theirs.get(name + ' fwd+bwd', float('nan')))
    print('over PyTorch at the bits floor (ms): ' + ', '.join(f'{k} {v:+.2f}' for k, v in over.items())
          + f'; together {sum(over.values()):+.2f}, where 1.3x allows {0.3 * pytorch_step:+.2f} for the whole step')


if __name__ == '__main__':
    main()
