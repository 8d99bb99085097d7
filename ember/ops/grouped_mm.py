"""``F.grouped_mm``: several matrix products at once whose sizes differ along one dimension, as in
mixture-of-experts layers. Composed from ember's matmul per group (a loop over groups, not
elements), so gradients of any order come from matmul's."""
from ember.ops._registry import op
from ember.ops.inplace import _C_TYPE_NAMES

_DTYPES = {'float32': 'Float32', 'bfloat16': 'BFloat16', 'float16': 'Float16'}
_NAMES = {'float64': 'Double', 'int64': 'Long', 'int32': 'Int', 'int16': 'Short', 'int8': 'Char', 'uint8': 'Byte',
          'bool': 'Bool', 'complex64': 'ComplexFloat', 'complex128': 'ComplexDouble'}


def _check(mat_a, mat_b, offs, bias, out_dtype):
    for name, m in (('mat_a', mat_a), ('mat_b', mat_b)):
        if m.dtype.name not in _DTYPES:
            raise RuntimeError(f"Expected {name} to be Float32, BFloat16 or Float16 matrix, got "
                               f"{_NAMES.get(m.dtype.name, m.dtype.name)}")
        if m.ndim not in (2, 3):
            raise RuntimeError(f"{name} has to be 2 or 3d")
    if bias is not None:
        raise RuntimeError("Bias not supported yet")
    if out_dtype is not None and out_dtype != mat_a.dtype:
        raise RuntimeError("Grouped gemm output dtype must match `mat_a` dtype")
    if (offs is not None) == (mat_a.ndim == 3 and mat_b.ndim == 3):
        raise RuntimeError("Have to provide offsets if there is a 2d matrix, or no offset if both matrices are 3d")
    if offs is not None and offs.dtype.name != 'int32':
        raise RuntimeError("Offsets have to be int32")
    # NOTE: PyTorch's grouped GEMM kernels need rows aligned to 16 bytes
    for m in (mat_a, mat_b):
        if (m.shape[-1] * m.element_size()) % 16:
            raise RuntimeError("strides should be multiple of 16 bytes")
    if mat_b.dtype != mat_a.dtype:
        raise RuntimeError(f"Expected out tensor to have dtype {_C_TYPE_NAMES[mat_b.dtype.name]}, but got "
                           f"{_C_TYPE_NAMES[mat_a.dtype.name]} instead")


@op('F')
def grouped_mm(mat_a, mat_b, *, offs=None, bias=None, out_dtype=None):
    """Grouped matrix products; ``offs`` (int32, increasing) marks where each group ends along the
    jagged dimension of a 2-D operand:

    - 3-D ``(G, M, K)`` with 3-D ``(G, K, N)``: ``G`` products, ``(G, M, N)`` (no ``offs``).
    - 2-D ``(M_total, K)`` with 3-D ``(G, K, N)``: rows of group ``i`` times ``mat_b[i]``, ``(M_total, N)``;
      rows past ``offs[-1]`` are left zero.
    - 2-D ``(M, K_total)`` with 2-D ``(K_total, N)``: each group's slice of ``K``, ``(G, M, N)``.
    - 3-D ``(G, M, K)`` with 2-D ``(K, N_total)``: ``mat_a[i]`` times group ``i``'s columns, ``(M, N_total)``.

    Inputs are float32, bfloat16 or float16 with rows of a multiple of 16 bytes; ``bias`` is not
    supported (as in PyTorch) and ``out_dtype`` must be ``mat_a``'s dtype.

    Example:
        >>> a = ember.ones(5, 4)
        >>> b = ember.stack([ember.ones(4, 4), 2 * ember.ones(4, 4)])
        >>> F.grouped_mm(a, b, offs=ember.tensor([2, 5], dtype=ember.int32))[:, 0]
        tensor([4., 4., 8., 8., 8.])
    """
    _check(mat_a, mat_b, offs, bias, out_dtype)
    if offs is None:
        return mat_a @ mat_b
    from ember.ops.shape import cat, stack
    ends = [int(e) for e in offs.tolist()]
    starts = [0] + ends[:-1]
    if mat_a.ndim == 2 and mat_b.ndim == 3:
        pieces = [mat_a[s:e] @ mat_b[i] for i, (s, e) in enumerate(zip(starts, ends))]
        rest = mat_a.shape[0] - ends[-1]
        if rest > 0:
            pieces.append(mat_a.new_zeros((rest, mat_b.shape[-1])))
        return cat(pieces, 0)
    if mat_a.ndim == 2:
        return stack([mat_a[:, s:e] @ mat_b[s:e] for s, e in zip(starts, ends)], 0)
    return cat([mat_a[i] @ mat_b[:, s:e] for i, (s, e) in enumerate(zip(starts, ends))], 1)
