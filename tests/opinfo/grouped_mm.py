"""Row for ember/ops/grouped_mm.py with a NumPy reference. grouped_mm accepts only float32,
bfloat16 and float16 (as PyTorch's), so float64 gradcheck cannot run; its gradients are compared
with PyTorch's recorded ones in tests/test_torch_nn_natives.py (``grouped_mm_grad``)."""
import numpy as np

from ember.ops.grouped_mm import grouped_mm
from tests.opinfo import OpInfo, Sample


def _ref(a, b, offs=None):
    if offs is None:
        return a @ b
    ends = [int(e) for e in offs]
    starts = [0] + ends[:-1]
    if a.ndim == 2 and b.ndim == 3:
        out = np.zeros((a.shape[0], b.shape[-1]), a.dtype)
        for i, (s, e) in enumerate(zip(starts, ends)):
            out[s:e] = a[s:e] @ b[i]
        return out
    if a.ndim == 2:
        return np.stack([a[:, s:e] @ b[s:e] for s, e in zip(starts, ends)])
    return np.concatenate([a[i] @ b[:, s:e] for i, (s, e) in enumerate(zip(starts, ends))], 1)


def _samples(rng):
    r = rng.standard_normal
    i32 = lambda *v: np.array(v, np.int32)   # noqa: E731
    return [Sample(r((2, 3, 4)), r((2, 4, 8))), Sample(r((6, 4)), r((3, 4, 4)), offs=i32(1, 4, 5)),
            Sample(r((3, 12)), r((12, 4)), offs=i32(4, 8, 12)), Sample(r((2, 3, 4)), r((4, 12)), offs=i32(4, 12))]


OPS = [OpInfo('grouped_mm', grouped_mm, _samples, ref=_ref, dtypes=('float32',), grad=False, noncontig=False,
              atol=1e-4)]
