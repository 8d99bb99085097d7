"""The CUDA runtime's own functions (``torch.cuda.cudart()``) and streams known only by their address."""
from ember import backend
from ember.backend import cuda_runtime as _rt

__all__ = ['cudaStatus', 'cudart', 'get_stream_from_external']


class cudaStatus:
    """CUDA runtime status codes programs compare results with."""
    SUCCESS = 0
    ERROR_NOT_READY = 34


class _CudaRuntime:
    """The CUDA runtime calls PyTorch's ``cudart()`` module offers, over CuPy's bindings; each returns the
    runtime's status code (0 on success), for :func:`ember.cuda.check_error`."""

    @staticmethod
    def cudaProfilerStart():
        return _rt.runtime_status('profilerStart')

    @staticmethod
    def cudaProfilerStop():
        return _rt.runtime_status('profilerStop')

    @staticmethod
    def cudaGetErrorString(error):
        return _rt.error_text(int(error)).split(': ', 1)[-1]


def cudart():
    """The CUDA runtime's functions (``cudaProfilerStart``, ``cudaProfilerStop``, ``cudaGetErrorString``),
    as PyTorch's ``torch.cuda.cudart()`` gives them.

    Example::

        >>> ember.cuda.check_error(ember.cuda.cudart().cudaProfilerStart())   # doctest: +SKIP
    """
    backend._require_cuda()
    return _CudaRuntime


def get_stream_from_external(data_ptr, device=None):
    """An :class:`ember.cuda.ExternalStream` over a ``cudaStream_t`` another library created (its address).

    Args:
        data_ptr (int): the stream's address.
        device (ember.device or int, optional): the device it belongs to (the current one by default).
    """
    backend._require_cuda()
    from ember.cuda.streams import ExternalStream
    return ExternalStream(data_ptr, device)
