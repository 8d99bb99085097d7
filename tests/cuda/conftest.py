"""Every test here runs on a 'cuda' device: a real GPU through CuPy when one is present
(``EMBER_TEST_REAL_CUDA=1`` and CuPy sees a GPU), otherwise the strict stand-in device.
A module that sets ``CUDA_MODULES = None`` runs instead as if CuPy were not installed."""
import os

import pytest

from ember import backend


def _real_gpu():
    return os.environ.get('EMBER_TEST_REAL_CUDA') == '1' and backend.cuda_available()


@pytest.fixture(autouse=True)
def cuda_device(request):
    """'cuda' served by the strict stand-in for the duration of one test (or the real GPU)."""
    if getattr(request.module, 'CUDA_MODULES', 'standin') is None:
        restore = backend._use_cuda_modules(None, None)
        try:
            yield 'absent'
        finally:
            restore()
        return
    if _real_gpu():
        yield 'gpu'
        return
    from tests.cuda import strict_xp
    restore = strict_xp.install()
    try:
        yield 'standin'
    finally:
        restore()
