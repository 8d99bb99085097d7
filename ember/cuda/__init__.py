"""ember.cuda: device queries. The CuPy backend lives in ember.backend; without CuPy or a GPU
``is_available()`` is False and moving a tensor to 'cuda' raises PyTorch's error."""
from ember import backend


def is_available():
    return backend.cuda_available()


def device_count():
    return backend.cuda_device_count()


def current_device():
    return backend.current_cuda_index()


def set_device(device):
    from ember._device import device as _dev
    idx = device if isinstance(device, int) else _dev(device).index or 0
    backend.set_current_cuda_index(idx)


def manual_seed(seed):
    pass  # CUDA tensors draw from the host generator, so the CPU seed already fixes them


def manual_seed_all(seed):
    pass


def synchronize(device=None):
    if is_available():
        import cupy
        cupy.cuda.Device().synchronize()


def get_device_name(device=None):
    backend._require_cuda()
    import cupy
    return cupy.cuda.runtime.getDeviceProperties(current_device() if device is None else device)['name'].decode()


def is_initialized():
    return is_available()
