"""The exceptions ``torch.cuda`` names: a failed runtime call, a failed lazy initialisation, and the
top-level ``OutOfMemoryError``/``AcceleratorError`` under their ``cuda`` spellings."""
from ember._errors import AcceleratorError, OutOfMemoryError  # noqa: F401 - torch.cuda re-exports both


class CudaError(RuntimeError):
    """A CUDA runtime call failed with error ``code`` (the message is the runtime's text for it)."""

    def __init__(self, code):
        from ember.backend import cuda_runtime
        self.code = code
        super().__init__(f"{cuda_runtime.error_text(code)} ({code})")


class DeferredCudaCallError(Exception):
    """A call queued until CUDA initialised failed when CUDA did initialise."""


def check_error(res):
    """Raise :class:`CudaError` when ``res``, a CUDA runtime status code, is not ``0`` (success)."""
    from ember import backend
    backend._require_cuda()
    if res != 0:
        raise CudaError(res)


for _cls in (CudaError, DeferredCudaCallError):
    _cls.__module__ = 'ember.cuda'
