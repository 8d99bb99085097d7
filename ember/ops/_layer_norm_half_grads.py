"""LayerNorm's weight and bias gradients for float16/bfloat16 inputs, as PyTorch's CPU kernel adds them.

That kernel does not sum the rows in float32: each thread keeps a buffer in the input's own dtype over its
block of rows (``parallel_for`` with a grain of one row: ``ceil(rows / threads)`` rows a thread, thread ``t``
the ``t``-th block), and adds one row at a time, ``buffer = dtype(float(buffer) + term)``, where the weight's
term is ``dy * (rstd * x + (-rstd * mean))`` and the bias's ``dy``, each step in float32. The buffers are then
added in float32, thread by thread, and the sum stored in the weight's dtype. With a float32 weight (autocast's
mixed case) the statistics it reads are float32; with a half weight they are stored, and read, in half.
Summing the rows exactly instead moves these gradients by several units of the half type (every element of a
small LayerNorm's weight gradient in a bfloat16 autocast step).
"""
import numpy as np

from ember._threads import intra_op_threads

_F32 = np.float32


def affine_grads(g, x, mean, invstd, low, want_weight, want_bias, stats_low):
    """``(weight gradient, bias gradient)`` as float32 arrays (None where not wanted) of ``g`` and ``x``
    reshaped to (rows, N) float32 arrays holding values of the half dtype ``low``; ``mean``/``invstd`` one
    value a row; ``stats_low``: the statistics are rounded to ``low`` first (PyTorch keeps them so)."""
    rows, n = x.shape
    a = invstd.reshape(rows, 1).astype(_F32)
    m = mean.reshape(rows, 1).astype(_F32)
    if stats_low:
        a, m = a.astype(low).astype(_F32), m.astype(low).astype(_F32)
    terms = []
    if want_weight:
        shift = -a * m
        terms.append(g * (a * x + shift))
    if want_bias:
        terms.append(g)
    terms = np.stack(terms)                       # (1 or 2, rows, n): both buffers take each row in one step
    threads = max(1, min(intra_op_threads(), rows))
    block = max(1, -(-rows // threads))
    total = np.zeros((len(terms), n), _F32)
    buffer = np.empty((len(terms), n), low)
    wide = np.empty((len(terms), n), _F32)
    for start in range(0, rows, block):
        buffer[...] = 0
        for i in range(start, min(rows, start + block)):
            np.add(buffer, terms[:, i], out=wide)            # exact widening, then one float32 rounding
            np.copyto(buffer, wide, casting='unsafe')         # the row's rounding to the half dtype
        total += buffer
    out = iter(total)
    return (next(out) if want_weight else None), (next(out) if want_bias else None)
