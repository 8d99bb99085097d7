"""Group norm's first-order backward on NumPy arrays.

The same steps as the closed form in ``norm.py`` (``_stats_backward`` on the input viewed as
(N, groups, per), then the affine's gradients), in the same order and with the same sums
(``cascade_sum``, as ember's ``sum``/``mean`` take them), so the gradients are the same numbers; only
the temporaries differ: three full-size arrays, each reused in place once its value is no longer read
(a fresh array costs about a pass over it in page faults, and the op-by-op formula made about ten).
"""
import numpy as np

from ember.ops._cascade_sum import CASCADE_NUMS, cascade_sum


def fits(x, g, weight, mean, invstd):
    """Whether these arrays take the array path: NumPy, one float dtype (float32/float64), not empty."""
    dt = x.dtype
    return (type(x) is np.ndarray and type(g) is np.ndarray and dt.num in CASCADE_NUMS and dt.kind == 'f'
            and dt.itemsize >= 4 and x.size and g.dtype == dt and mean.dtype == dt and invstd.dtype == dt
            and type(mean) is np.ndarray and type(invstd) is np.ndarray
            and (weight is None or (type(weight) is np.ndarray and weight.dtype == dt)))


def backward(x, g, weight, mean, invstd, groups, need):
    """(gx or None, gw or None, gb or None) for output gradient ``g``; ``mean``/``invstd`` are (N, groups, 1)."""
    n = x.shape[0]
    per = x.size // n // groups
    c = x.shape[1]
    shape = (1, c) + (1,) * (x.ndim - 2)
    axes = (0,) + tuple(range(2, x.ndim))
    g3 = g.reshape(n, groups, per)
    if weight is None:
        gxhat = g3
    else:
        gxhat = np.multiply(g, weight.reshape(shape)).reshape(n, groups, per)
    xhat = np.subtract(x.reshape(n, groups, per), mean)
    xhat *= invstd
    count = x.dtype.type(per)
    mean_g = cascade_sum(gxhat, (2,), True) / count
    prod = np.multiply(gxhat, xhat)
    mean_gx = cascade_sum(prod, (2,), True) / count
    gw = gb = None
    if need[1]:
        if weight is not None:
            np.multiply(g3, xhat, out=prod)
        gw = cascade_sum(prod.reshape(x.shape), axes, False)
    if need[2]:
        gb = cascade_sum(g, axes, False)
    if not need[0]:
        return None, gw, gb
    # gx = invstd * (gxhat - mean(gxhat) - xhat * mean(gxhat * xhat))
    gx = np.subtract(gxhat, mean_g, out=gxhat if weight is not None else None)
    xhat *= mean_gx
    gx -= xhat
    gx *= invstd
    return gx.reshape(x.shape), gw, gb
