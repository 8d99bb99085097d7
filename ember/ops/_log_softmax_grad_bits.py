"""float32 log_softmax gradient with PyTorch's CPU bits.

PyTorch's LogSoftmaxBackward kernel computes ``grad - exp(output) * sum(grad)`` from the saved output
(the log-probabilities), not from a softmax kept by the forward: the exp is SLEEF's vectorised ``expf``
of the output, the multiply and subtract are one fused multiply-add (rounded once), and the sum over the
softmax dim is added in the forward kernel's order (``_softmax_bits``: the vector reduction along
a contiguous last dim; one value after another from zero along another dim, where the last
``inner % LANES`` positions of each run are scalar code and take the C library's ``expf``).
"""
import math

import numpy as np

from ember._random.exact import fma32, fma32_few
from ember.ops import _softmax_bits
from ember.ops._softmax_bits import _as_3d, _exp_by_vectors, _lane_sum, _sum_from_zero, sleef_expf


def log_softmax_backward(grad, output, dim):
    """PyTorch's float32 gradient of log_softmax along ``dim`` (non-negative) for the non-empty float32
    arrays ``grad`` and ``output`` (the forward's result) of one shape."""
    if dim == output.ndim - 1:
        n = output.shape[-1]
        g = np.ascontiguousarray(grad).reshape(-1, n)
        total = _lane_sum(g)[:, None]
        e = sleef_expf(output.reshape(g.shape))
        return _minus_product(e, total, g).reshape(output.shape)
    g = _as_3d(grad, dim)
    inner = g.shape[2]
    total = _sum_from_zero(g)
    e = _exp_by_vectors(_as_3d(output, dim), np.arange(inner) < inner - inner % _softmax_bits.LANES)
    return _minus_product(e, total, g).reshape(output.shape)


def log_softmax_backward_one_per_row(output, at, picked):
    """The same gradient for a 2-D ``output`` along dim 1 when the incoming gradient is +0 but for one
    value per row, ``picked`` (a number or one per row) at the positions ``at``: each row's sum is then
    that value, so the gradient is ``-exp(output) * picked`` (+0 where that is a zero, as
    ``+0 - 0``), less ``picked`` at ``at`` (one rounding), without forming the gradient or its sums."""
    e = sleef_expf(output)
    column = picked if np.ndim(picked) == 0 else np.asarray(picked, np.float32)[:, None]
    q = np.multiply(e, column)
    np.negative(q, out=q)
    q += np.float32(0)       # (-0 to +0: the fused multiply-add adds the gradient's +0)
    if np.ndim(picked) == 0 and _scales_exactly(picked):
        # fma(-e, c, c) is c * (1 - e) rounded once, and for c a power of two (a mean over a batch of 64 gives
        # -1/64) scaling by c rounds nothing: the one rounding is 1 - e's (+0 added: at e = 1 the fused sum's
        # zero is +0, c * +0 would be -0 for a negative c)
        t = np.subtract(np.float32(1), e[at])
        t *= picked
        t += np.float32(0)
        q[at] = t
    else:
        q[at] = fma32_few(-e[at], picked, picked)
    return q


def _scales_exactly(c):
    """Whether multiplying by the float32 number ``c`` rounds nothing for values in [2**-24, 1]: ``c`` is a
    power of two (either sign) large enough that such products stay clear of float32's subnormals."""
    mantissa, exponent = math.frexp(float(c))
    return abs(mantissa) == 0.5 and -100 <= exponent <= 128


def _minus_product(e, total, g):
    """``g - e * total`` rounded once (``total`` broadcast along its dim of one)."""
    np.negative(e, out=e)
    return fma32(e, total, g)
