"""Without CuPy, or with CuPy but no GPU: CUDA is unavailable and asking for it says why."""
import types

import pytest

import ember
from ember import backend

CUDA_MODULES = None  # conftest: run these tests as if CuPy were not installed

_NO_CUPY = "Torch not compiled with CUDA enabled: ember runs CUDA tensors through CuPy, which is not installed"


def test_without_cupy_cuda_is_unavailable_and_errors_name_cupy():
    assert not ember.cuda.is_available() and ember.cuda.device_count() == 0
    for ask in (lambda: ember.ones(2).cuda(), lambda: ember.zeros(2, device='cuda'),
                lambda: ember.ones(2).to('cuda:0'), ember.cuda.init, lambda: ember.cuda.get_device_name(0),
                ember.cuda.memory_allocated, ember.cuda.Stream, ember.cuda.synchronize):
        with pytest.raises(AssertionError) as e:
            ask()
        assert str(e.value).startswith(_NO_CUPY) and "pip install 'ember[cuda]'" in str(e.value)
    ember.cuda.empty_cache()  # nothing to release: no error, as PyTorch
    with pytest.raises(RuntimeError, match='^Cannot access accelerator device when none is available.$'):
        ember.ones(2).pin_memory()
    assert not ember.ones(2).is_pinned()


def _cupy_without_gpu(error):
    def count():
        raise error
    runtime = types.SimpleNamespace(getDeviceCount=count)
    return types.SimpleNamespace(cuda=types.SimpleNamespace(runtime=runtime), ndarray=type('ndarray', (), {}))


def test_with_cupy_but_no_gpu_the_error_gives_cupys_reason():
    restore = backend._use_cuda_modules(_cupy_without_gpu(RuntimeError('cudaErrorNoDevice: no CUDA-capable '
                                                                       'device is detected')), None)
    try:
        assert not ember.cuda.is_available() and ember.cuda.device_count() == 0
        with pytest.raises(AssertionError) as e:
            ember.ones(2).cuda()
        assert str(e.value) == ("Found no NVIDIA driver on your system. CuPy is installed but cannot use a GPU "
                                "(RuntimeError: cudaErrorNoDevice: no CUDA-capable device is detected)")
        assert ember.ones(2).numpy().tolist() == [1., 1.]  # the CPU is unaffected
    finally:
        restore()
