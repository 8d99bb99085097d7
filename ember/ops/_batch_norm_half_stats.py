"""Batch statistics of a float16/bfloat16 batch norm with float32 parameters (autocast's case), summed in the
order of PyTorch's CPU kernel for contiguous inputs, so that its float32 mean and variance, and the outputs
made from them, are PyTorch's.

For each channel the kernel adds the input, widened to float32, into one vector of 16 lanes (AVX-512): each
run of 32 half values is added as two 16-value halves, batch by batch; values past the last whole run go
one by one into a scalar, to which the lanes are then added as a tree (lane ``i`` with ``i + 8``, then
``+ 4``, ``+ 2``, ``+ 1``). The variance sums ``(x - mean) ** 2`` the same way, with the float32 mean.

Checked against PyTorch 2.13 on several shapes: the means are its bits on inputs of a few thousand values per
channel (on larger ones a few channels differ in the last bit), and one inverse standard deviation in a few
channels differs by one unit in the last place (PyTorch's exact order there is not known), which moves an
output only where it nearly cancels.
"""
import numpy as np

_LANES = 16
_RUN = 2 * _LANES       # half values per vector load


def _tree(lanes):
    for half in (8, 4, 2, 1):
        lanes = lanes[..., :half] + lanes[..., half:2 * half]
    return lanes[..., 0]


def _channel_sums(v):
    """Per-channel sums of a float32 (batch, channel, image) array in the kernel's order."""
    nb, c, image = v.shape
    whole = image - image % _RUN
    # one row of 16 lanes per step, in the order the kernel adds them; a sum over the outer axis of a
    # NumPy array adds row after row
    steps = v[:, :, :whole].reshape(nb, c, whole // _LANES, _LANES).transpose(0, 2, 1, 3)
    lanes = np.add.reduce(steps.reshape(-1, c, _LANES), axis=0, dtype=np.float32) if whole else \
        np.zeros((c, _LANES), np.float32)
    scalar = np.zeros(c, np.float32)
    for n in range(nb):
        for d in range(whole, image):
            scalar += v[n, :, d]
    return scalar + _tree(lanes)


def mean_var(x):
    """Float32 batch mean and biased variance per channel of ``x`` (float32 values of a contiguous
    half input of shape (N, C, ...)), as PyTorch's kernel computes them."""
    nb, c = x.shape[:2]
    v = x.reshape(nb, c, -1)
    count = np.float32(v.shape[0] * v.shape[2])
    mean = _channel_sums(v) / count
    d = v - mean[None, :, None]
    var = _channel_sums(d * d) / count
    return mean, var


def train_backward(x, g, mean, invstd, weight):
    """Gradients of a float16/bfloat16 batch norm in training as PyTorch's CPU kernel computes them (both its
    mixed and its all-half kernels): the sums of ``g`` and of ``(x - mean) * g`` in the order above, then in
    float32 ``dx = (g - sum / n - (x - mean) * k) * invstd * weight`` with ``k = dot * invstd * invstd / n``,
    rounded once; ``dweight = dot * invstd`` and ``dbias = sum``. ``x`` and ``g`` are float32 values of a
    contiguous (N, C, ...) input, ``mean``/``invstd`` the float32 statistics per channel the forward used,
    ``weight`` float32 or None. Returns float32 (dx, dweight, dbias). Checked against PyTorch 2.13: its bits on
    several shapes for gradients unrelated to the input; where the gradient follows the input closely the
    difference in brackets nearly cancels and a sixth of the elements may still differ in the last place."""
    nb, c = x.shape[:2]
    v, gv = x.reshape(nb, c, -1), g.reshape(nb, c, -1)
    count = np.float32(v.shape[0] * v.shape[2])
    centred = v - mean[None, :, None]
    total = _channel_sums(gv)
    dot = _channel_sums(centred * gv)
    k = dot * invstd * invstd / count
    dx = (gv - (total / count)[None, :, None] - centred * k[None, :, None]) * invstd[None, :, None]
    if weight is not None:      # (times invstd, then times the weight: two roundings, as the kernel's)
        dx = dx * weight[None, :, None]
    return dx.reshape(x.shape), dot * invstd, total
