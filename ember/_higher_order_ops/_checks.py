"""Argument checks the scans share."""
from ember._tensor import Tensor
from ember.ops._util import wrap_dim


def scan_dim(leaves, dim):
    """``dim`` made non-negative for the first leaf (IndexError as PyTorch's when out of range)."""
    if leaves and isinstance(leaves[0], Tensor) and isinstance(dim, int):
        return wrap_dim(dim, leaves[0].ndim)
    return dim


def check_scanned(leaves, dim, error):
    """Every leaf a tensor with a non-empty dimension ``dim``; ``error`` is the exception type PyTorch raises."""
    if any(x.ndim <= dim for x in leaves) or any(x.shape[dim] == 0 for x in leaves):
        raise error("All xs leaves must at least have 'dim' number of dimensions and scan dimension > 0")


def metadata_differences(before, after):
    """How two tensors differ in shape and dtype, as PyTorch lists it ('' if they agree)."""
    out = []
    if before.shape != after.shape:
        out.append(f"'shape: {before.shape} vs {after.shape}'")
    if before.dtype != after.dtype:
        out.append(f"'dtype: {before.dtype} vs {after.dtype}'")
    return ', '.join(out)
