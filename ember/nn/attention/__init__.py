"""Choosing how ``scaled_dot_product_attention`` runs (PyTorch's ``torch.nn.attention``).

On the CPU, as in PyTorch, there are two implementations: the fused kernel PyTorch calls flash attention
(ember's fused attention primitive) and the math composition; the memory-efficient and cuDNN kernels exist
only for CUDA. :func:`sdpa_kernel` restricts which ones may run.
"""
import contextlib
import enum

from ember.backends import cuda as _cuda_backends

__all__ = ['SDPBackend', 'sdpa_kernel', 'WARN_FOR_UNFUSED_KERNELS']

# PyTorch's switch for warnings about unfused kernels chosen for CausalBias; ember's CausalBias never warns
WARN_FOR_UNFUSED_KERNELS = False


class SDPBackend(enum.IntEnum):
    """The implementations of scaled dot product attention, for :func:`sdpa_kernel`.

    ``ERROR`` (no backend could be chosen), ``MATH``, ``FLASH_ATTENTION``, ``EFFICIENT_ATTENTION``,
    ``CUDNN_ATTENTION`` and ``OVERRIDEABLE`` (for device extensions).
    """
    ERROR = -1
    MATH = 0
    FLASH_ATTENTION = 1
    EFFICIENT_ATTENTION = 2
    CUDNN_ATTENTION = 3
    OVERRIDEABLE = 4

    def __str__(self):
        return f"SDPBackend.{self.name}"

    def __repr__(self):
        return f"<SDPBackend.{self.name}: {self.value}>"


_SWITCHES = {SDPBackend.MATH: 'math', SDPBackend.FLASH_ATTENTION: 'flash',
             SDPBackend.EFFICIENT_ATTENTION: 'mem_efficient', SDPBackend.CUDNN_ATTENTION: 'cudnn',
             SDPBackend.OVERRIDEABLE: 'overrideable'}
# the order in which CUDA tries its kernels; the CPU always tries flash before math, whatever this says
_priority = [SDPBackend.FLASH_ATTENTION, SDPBackend.EFFICIENT_ATTENTION, SDPBackend.MATH,
             SDPBackend.CUDNN_ATTENTION, SDPBackend.OVERRIDEABLE]


def _enabled_backends(with_priority=False):
    enabled = [b for b, name in _SWITCHES.items() if _cuda_backends._sdp.get(name, False)]
    if with_priority:
        enabled.sort(key=_priority.index)
    return enabled


def _set_backends(backends, set_priority=False):
    for backend, name in _SWITCHES.items():
        _cuda_backends._sdp[name] = backend in backends
    if set_priority:
        _priority[:] = list(backends) + [b for b in _priority if b not in backends]


@contextlib.contextmanager
def sdpa_kernel(backends, set_priority=False):
    """Within this context, ``scaled_dot_product_attention`` may only use ``backends``; leaving it restores the
    previous choice.

    On the CPU the fused kernel (``FLASH_ATTENTION``) runs when it is allowed and supports the inputs,
    otherwise the math composition when ``MATH`` is allowed; when neither can run, the call raises
    ``RuntimeError`` as PyTorch does (with warnings saying why the fused kernel could not run).

    Args:
        backends (SDPBackend or list of SDPBackend): the backends allowed.
        set_priority (bool): whether the list's order is the order to try them in (CUDA's choice; the CPU
            always tries the fused kernel first).

    Example::

        >>> from ember.nn.attention import SDPBackend, sdpa_kernel
        >>> q = ember.ones(1, 1, 2, 4, requires_grad=True)
        >>> with sdpa_kernel(SDPBackend.MATH):
        ...     out = ember.nn.functional.scaled_dot_product_attention(q, q, q)
        >>> out.shape
        ember.Size([1, 1, 2, 4])
        >>> with sdpa_kernel(SDPBackend.EFFICIENT_ATTENTION):   # a CUDA-only kernel
        ...     ember.nn.functional.scaled_dot_product_attention(q, q, q)
        Traceback (most recent call last):
            ...
        RuntimeError: No viable backend for scaled_dot_product_attention was found. This is likely due to turning off both the math kernel and the fused kernels.
    """
    if not isinstance(backends, (list, SDPBackend)):
        raise AssertionError("Backend must be an instance of SDPBackend or a list of SDPBackend instances, got "
                             f"{type(backends).__name__}")
    if isinstance(backends, SDPBackend):
        backends = [backends]
    backends = list(dict.fromkeys(backends))
    previous = _enabled_backends(with_priority=set_priority)
    try:
        _set_backends(backends, set_priority)
        yield {}
    finally:
        _set_backends(previous, set_priority)
