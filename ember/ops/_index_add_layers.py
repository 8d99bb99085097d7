"""index_add on the CPU as a few whole-array additions instead of NumPy's ``add.at``.

``np.add.at(out, key, vals)`` adds, for every element of ``out``, the values whose index names it one after
another in the index's order; it does so element by element and costs about 40 times a plain addition
(an interpolation's backward spent most of its time there). The same additions in the same order, for an
index that names each row only a few times: every row's first occurrence added in one gathered addition
over all of ``out``, then every row's second, and so on. Where most rows have such an occurrence the rest
are added -0.0, which leaves every float as it is (+0.0 and -0.0, infinities, NaN); where few have, only
those rows are gathered, added and written back. Each element of ``out`` meets the same sequence of
additions, so the bits are ``add.at``'s.
"""
import numpy as np

_MAX_LAYERS = 8      # beyond this many occurrences of one row, add.at's single pass is the cheaper
_MIN_INDEX = 16      # (a short index: add.at's fixed cost is small)


def _identity(dtype):
    """The value whose addition changes nothing: -0.0 for floats (x + 0.0 turns -0.0 into +0.0), 0 for ints."""
    if dtype.kind == 'f':
        return dtype.type(-0.0)
    if dtype.kind == 'c':
        return dtype.type(complex(-0.0, -0.0))
    return dtype.type(0)


def add_by_layers(out, dim, index, vals):
    """``out`` (a NumPy array) with ``vals`` added along ``dim`` at the 1-d integer ``index``, in place, as
    ``np.add.at`` would; False (nothing done) where the index repeats a row too often or is short, out of
    range or negative, ``vals`` has another dtype, or the whole-array passes would cost more."""
    n = index.size
    if n < _MIN_INDEX or out.ndim == 0 or vals.dtype != out.dtype or out.dtype.kind not in 'fciu' or \
            index.ndim != 1 or index.dtype.kind not in 'iu' or \
            vals.shape != out.shape[:dim] + (n,) + out.shape[dim + 1:]:
        return False
    size = out.shape[dim]
    if index.min() < 0 or index.max() >= size:
        return False
    counts = np.bincount(index, minlength=size)
    layers = int(counts.max())
    if layers > _MAX_LAYERS or layers * out.size > 8 * vals.size:
        return False
    order = np.argsort(index, kind='stable')           # each row's occurrences in the index's order
    first = np.cumsum(counts) - counts                 # where each row's occurrences start in ``order``
    key = [slice(None)] * out.ndim
    for k in range(layers):
        present = counts > k
        picked = order[np.minimum(first + k, n - 1)]   # row r's k-th occurrence (where it has one)
        rows = int(np.count_nonzero(present))
        if 2 * rows < size:
            # few rows have a k-th occurrence: those rows gathered, added and written back
            key[dim] = np.flatnonzero(present)
            part = out[tuple(key)]
            part += vals.take(picked[present], axis=dim)
            out[tuple(key)] = part
            continue
        layer = vals.take(picked, axis=dim)
        if rows < size:
            key[dim] = np.flatnonzero(~present)
            layer[tuple(key)] = _identity(out.dtype)     # (rows without one: -0.0, which changes nothing)
        np.add(out, layer, out=out)
    return True
