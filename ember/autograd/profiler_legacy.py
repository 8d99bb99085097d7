"""The legacy autograd profiler (PyTorch's ``torch.autograd.profiler_legacy``): the same CPU op timing as
``ember.autograd.profiler.profile``, with the legacy constructor's arguments."""
from ember.autograd import profiler as _profiler

__all__ = ['profile']


class profile(_profiler.profile):
    """Times every op run inside the ``with`` block on the CPU (see ``ember.autograd.profiler.profile``).

    Args:
        enabled (bool): record (default True).
        use_cuda (bool): time CUDA kernels too (not available: raises).
        record_shapes (bool): keep each op's input shapes.
        with_flops, profile_memory, with_stack, with_modules (bool): as ``ember.autograd.profiler.profile``.

    Example::

        >>> from ember.autograd.profiler_legacy import profile
        >>> with profile() as prof:
        ...     _ = ember.ones(3).exp()
        >>> 'aten::exp' in [e.key for e in prof.key_averages()]
        True
    """

    def __init__(self, enabled=True, *, use_cuda=False, record_shapes=False, with_flops=False,
                 profile_memory=False, with_stack=False, with_modules=False):
        super().__init__(enabled, use_cuda=use_cuda, record_shapes=record_shapes, with_flops=with_flops,
                         profile_memory=profile_memory, with_stack=with_stack, with_modules=with_modules)
