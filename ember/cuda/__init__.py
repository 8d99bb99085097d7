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
        backend.cuda_synchronize(current_device() if device is None else _index(device))


def get_device_name(device=None):
    return backend.cuda_device_properties(current_device() if device is None else _index(device))['name'].decode()


def _index(device):
    from ember._device import device as _dev
    if isinstance(device, int):
        return device
    return _dev(device).index or 0


def is_initialized():
    return is_available()
