"""The CPU's widest SIMD instruction set in PyTorch's words (``torch.backends.cpu.get_cpu_capability``).

A leaf module: the bit-exact kernels that follow PyTorch's vector width read it at ``import ember``, without
importing ``ember.backends`` and its switches."""


def get_cpu_capability():
    """The widest SIMD instruction set NumPy's compiled loops use here (``'AVX512'``, ``'AVX2'``,
    ``'DEFAULT'``), the same vocabulary as PyTorch's."""
    import numpy as np
    try:
        features = np._core._multiarray_umath.__cpu_features__
    except AttributeError:
        return 'DEFAULT'
    if features.get('AVX512F') and features.get('AVX512BW'):
        return 'AVX512'
    if features.get('AVX2'):
        return 'AVX2'
    return 'DEFAULT'
