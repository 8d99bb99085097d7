"""CUDA switches (PyTorch's ``torch.backends.cuda``).

ember's CUDA backend is CuPy: ``is_built()`` says whether CuPy is installed. The precision flags
(``matmul.allow_tf32``, reduced-precision reductions) are kept with PyTorch's defaults so scripts that
set them run unchanged; like PyTorch's on a CPU they change nothing for CPU tensors. The attention
switches (``enable_flash_sdp``, ``enable_math_sdp``, ...) also govern CPU attention, as in PyTorch:
see ``ember.nn.attention.sdpa_kernel``.
"""
import contextlib

from ember import backend as _backend


def is_built():
    """True when ember can use CUDA (CuPy is installed), whether or not a GPU is present."""
    return _backend.cuda_built()


class _MatmulFlags:
    """``torch.backends.cuda.matmul``: which reduced-precision shortcuts CUDA matmuls may take. ``allow_tf32``
    is the float32 matmul precision seen as a switch, as PyTorch's: on when the precision is not
    ``'highest'``; turning it on sets ``'high'``, off ``'highest'``."""

    def __init__(self):
        self.allow_fp16_reduced_precision_reduction = True
        self.allow_bf16_reduced_precision_reduction = True
        self.allow_fp16_accumulation = False

    @property
    def allow_tf32(self):
        from ember._global_flags import get_float32_matmul_precision
        return get_float32_matmul_precision() != 'highest'

    def __setattr__(self, name, value):
        if name == 'allow_tf32':
            from ember._global_flags import set_float32_matmul_precision
            set_float32_matmul_precision('high' if value else 'highest')
            return
        if name not in ('allow_fp16_reduced_precision_reduction', 'allow_bf16_reduced_precision_reduction',
                        'allow_fp16_accumulation'):
            raise AttributeError(f"Unknown attribute {name}")
        object.__setattr__(self, name, value)


matmul = _MatmulFlags()

from ember.ops._sdp_select import ENABLED as _sdp  # noqa: E402  (the switches live with the op that reads them)


def flash_sdp_enabled():
    return _sdp['flash']


def enable_flash_sdp(enabled):
    _sdp['flash'] = bool(enabled)


def mem_efficient_sdp_enabled():
    return _sdp['mem_efficient']


def enable_mem_efficient_sdp(enabled):
    _sdp['mem_efficient'] = bool(enabled)


def math_sdp_enabled():
    return _sdp['math']


def enable_math_sdp(enabled):
    _sdp['math'] = bool(enabled)


def cudnn_sdp_enabled():
    return _sdp['cudnn']


def enable_cudnn_sdp(enabled):
    _sdp['cudnn'] = bool(enabled)


@contextlib.contextmanager
def sdp_kernel(enable_flash=True, enable_math=True, enable_mem_efficient=True, enable_cudnn=True):
    """Within the block, only the enabled attention kernels may be chosen."""
    previous = dict(_sdp)
    _sdp.update(flash=bool(enable_flash), math=bool(enable_math), mem_efficient=bool(enable_mem_efficient),
                cudnn=bool(enable_cudnn))
    try:
        yield
    finally:
        _sdp.update(previous)


_linalg_library = 'default'


def preferred_linalg_library(backend=None):
    """The linear-algebra library CUDA ops prefer (CuPy's cuSOLVER/cuBLAS whatever is set)."""
    global _linalg_library
    if backend is not None:
        name = backend if isinstance(backend, str) else str(backend)
        if name not in ('default', 'cusolver', 'magma'):
            raise RuntimeError("Unknown input value. Choose from: default, cusolver, magma.")
        _linalg_library = name
    return _linalg_library
