"""``torch.utils.cpp_extension`` for programs that import it: C++ and CUDA extensions cannot be built.

A PyTorch extension is C++ compiled against PyTorch's C++ library (libtorch) and its ``torch::Tensor``;
ember is Python on NumPy and has no such library, so ``load``, ``load_inline``, ``CppExtension``,
``CUDAExtension`` and ``BuildExtension`` raise a ``RuntimeError`` that says so. Libraries that try an
extension and fall back to Python code when it fails (``try: load(...) except Exception: ...``) then
take their Python path. The facts about the machine (``CUDA_HOME``, ``ROCM_HOME``, ``is_ninja_available``,
``get_default_build_root``) are answered as PyTorch answers them.

To add an operator of your own, write it in Python: ``ember.library.custom_op`` or an
``ember.autograd.Function``.

>>> from ember.utils import cpp_extension
>>> cpp_extension.load_inline('demo', cpp_sources='')
Traceback (most recent call last):
    ...
RuntimeError: ember cannot build C++/CUDA extensions (load_inline('demo')): ...
"""
import logging
import os
import shutil
import subprocess
import sys

__all__ = ['BuildExtension', 'CUDAExtension', 'CUDA_HOME', 'CppExtension', 'ROCM_HOME', 'SyclExtension',
           'get_default_build_root', 'include_paths', 'is_ninja_available', 'library_paths', 'load',
           'load_inline', 'verify_ninja_availability']

IS_WINDOWS = sys.platform == 'win32'
IS_MACOS = sys.platform.startswith('darwin')
IS_LINUX = sys.platform.startswith('linux')
IS_HIP_EXTENSION = False

logger = logging.getLogger(__name__)


def _refuse(what):
    raise RuntimeError(
        f"ember cannot build C++/CUDA extensions ({what}): they are compiled against PyTorch's C++ library "
        "(libtorch), which ember, a Python framework on NumPy, does not have. Use the library's Python "
        "implementation if it has one, or write the operator in Python with ember.library.custom_op or "
        "ember.autograd.Function.")


def _find_cuda_home():
    # as PyTorch: only a build with CUDA (for ember, CuPy and its runtime) looks for the toolkit, in
    # the environment, then from nvcc on PATH, then the default install directory
    import ember
    if not ember.version.cuda:
        return None
    home = os.environ.get('CUDA_HOME') or os.environ.get('CUDA_PATH')
    if home is None:
        nvcc = shutil.which('nvcc')
        if nvcc is not None:
            home = os.path.dirname(os.path.dirname(nvcc))
        elif not IS_WINDOWS and os.path.exists('/usr/local/cuda'):
            home = '/usr/local/cuda'
    if home:
        if not ember.cuda.is_available():
            logger.warning("No CUDA runtime is found, using CUDA_HOME='%s'", home)
    return home


CUDA_HOME = _find_cuda_home()
CUDNN_HOME = os.environ.get('CUDNN_HOME') or os.environ.get('CUDNN_PATH')
ROCM_HOME = None    # ember has no ROCm build (ember.version.hip is None), as PyTorch's CUDA or CPU builds
HIP_HOME = None
SYCL_HOME = None


def is_ninja_available():
    """``True`` when the ninja build tool runs on this machine.

    >>> isinstance(is_ninja_available(), bool)
    True
    """
    try:
        subprocess.check_output(['ninja', '--version'], stderr=subprocess.DEVNULL, timeout=10)
    except Exception:
        return False
    return True


def verify_ninja_availability():
    """Raise ``RuntimeError`` when ninja is not available; return nothing otherwise.

    >>> try:
    ...     verify_ninja_availability()
    ... except RuntimeError as e:
    ...     print(e)
    ... else:
    ...     print('Ninja is required to load C++ extensions')
    Ninja is required to load C++ extensions
    """
    if not is_ninja_available():
        raise RuntimeError("Ninja is required to load C++ extensions")


def get_default_build_root():
    """The directory PyTorch builds extensions under (``$XDG_CACHE_HOME/torch_extensions`` or
    ``~/.cache/torch_extensions``).

    >>> get_default_build_root().endswith('torch_extensions')
    True
    """
    cache = os.environ.get('XDG_CACHE_HOME') or os.path.join(os.path.expanduser('~'), '.cache')
    return os.path.realpath(os.path.join(cache, 'torch_extensions'))


def load(name, sources, *args, **kwargs):
    """Refused: compiling ``sources`` into an extension needs libtorch (see the module's text).

    >>> load('ops', ['ops.cpp'])
    Traceback (most recent call last):
        ...
    RuntimeError: ember cannot build C++/CUDA extensions (load('ops')): ...
    """
    _refuse(f'load({name!r})')


def load_inline(name, cpp_sources, *args, **kwargs):
    """Refused: compiling ``cpp_sources`` into an extension needs libtorch (see the module's text).

    >>> load_inline('ops', '')
    Traceback (most recent call last):
        ...
    RuntimeError: ember cannot build C++/CUDA extensions (load_inline('ops')): ...
    """
    _refuse(f'load_inline({name!r})')


def CppExtension(name, sources, *args, **kwargs):
    """Refused: a setuptools C++ extension for PyTorch links libtorch (see the module's text).

    >>> CppExtension('ops', ['ops.cpp'])
    Traceback (most recent call last):
        ...
    RuntimeError: ember cannot build C++/CUDA extensions (CppExtension('ops')): ...
    """
    _refuse(f'CppExtension({name!r})')


def CUDAExtension(name, sources, *args, **kwargs):
    """Refused: a setuptools CUDA extension for PyTorch links libtorch (see the module's text).

    >>> CUDAExtension('ops', ['ops.cu'])
    Traceback (most recent call last):
        ...
    RuntimeError: ember cannot build C++/CUDA extensions (CUDAExtension('ops')): ...
    """
    _refuse(f'CUDAExtension({name!r})')


def SyclExtension(name, sources, *args, **kwargs):
    """Refused: a setuptools SYCL extension for PyTorch links libtorch (see the module's text).

    >>> SyclExtension('ops', ['ops.sycl'])
    Traceback (most recent call last):
        ...
    RuntimeError: ember cannot build C++/CUDA extensions (SyclExtension('ops')): ...
    """
    _refuse(f'SyclExtension({name!r})')


def include_paths(device_type='cpu', torch_include_dirs=True):
    """Refused: the include directories asked for are libtorch's headers, which ember does not ship.

    >>> include_paths()
    Traceback (most recent call last):
        ...
    RuntimeError: ember cannot build C++/CUDA extensions (include_paths): ...
    """
    _refuse('include_paths')


def library_paths(device_type='cpu', torch_include_dirs=True, cross_target=False):
    """Refused: the library directories asked for are libtorch's, which ember does not ship.

    >>> library_paths()
    Traceback (most recent call last):
        ...
    RuntimeError: ember cannot build C++/CUDA extensions (library_paths): ...
    """
    _refuse('library_paths')


class BuildExtension:
    """Refused: the setuptools ``build_ext`` command for PyTorch extensions (see the module's text).

    ``BuildExtension.with_options(...)`` gives the class back, so a ``setup.py`` fails when the command
    runs, with the explanation, not when the file is read.

    >>> BuildExtension.with_options(use_ninja=False) is BuildExtension
    True
    """

    def __init__(self, *args, **kwargs):
        _refuse('BuildExtension')

    @classmethod
    def with_options(cls, **options):
        """The command class with ``options``: here the class itself, which refuses when run."""
        return cls
