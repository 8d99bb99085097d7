"""What ember runs on, in the layout of PyTorch's ``torch.__config__``: ``show()`` (the libraries behind
the computations) and ``parallel_info()`` (the thread settings), for bug reports and tuning scripts.

ember is pure Python: its kernels are NumPy's, its matrix products NumPy's BLAS, its GPU kernels CuPy's.
"""
import os
import platform

__all__ = ['show', 'parallel_info']


def _blas_pools():
    """threadpoolctl's view of the BLAS/OpenMP libraries NumPy loaded (empty without threadpoolctl)."""
    try:
        import threadpoolctl
    except ImportError:
        return []
    import numpy  # noqa: F401  (loads the BLAS library threadpoolctl looks for)
    return threadpoolctl.threadpool_info()


def _blas_description(pool):
    return f"{pool.get('internal_api', pool['user_api'])} {pool.get('version') or ''}".strip() + \
        f" ({pool.get('filepath', '?')})"


def _optional_version(module):
    try:
        return __import__(module).__version__
    except ImportError:
        return None


def show():
    """A description of the libraries ember computes with (PyTorch lists its build here).

    Example::

        >>> ember.__config__.show().splitlines()[0]
        'ember built with:'
    """
    import numpy as np
    import ember
    lines = ['ember built with:', f'  - Python {platform.python_version()} ({platform.python_implementation()})',
             f'  - NumPy {np.__version__}']
    blas = [p for p in _blas_pools() if p['user_api'] == 'blas']
    if blas:
        lines += [f'  - BLAS: {_blas_description(p)}' for p in blas]
    else:
        lines.append('  - BLAS: the one NumPy was built with (install threadpoolctl to name it)')
    for module, what in (('scipy', 'SciPy'), ('ml_dtypes', 'ml_dtypes (bfloat16, float8)'), ('cupy', 'CuPy (CUDA)'),
                         ('mpi4py', 'mpi4py (distributed)')):
        version = _optional_version(module)
        lines.append(f'  - {what}: {version}' if version else f'  - {what}: not installed')
    lines.append(f'  - Build settings: EMBER_VERSION={ember.__version__}, PURE_PYTHON=1, '
                 f'USE_CUDA={int(_optional_version("cupy") is not None)}, '
                 f'USE_MPI={int(_optional_version("mpi4py") is not None)}, ')
    return '\n'.join(lines) + '\n'


def parallel_info():
    """ember's thread settings and the BLAS/OpenMP pools NumPy uses, in PyTorch's layout.

    Example::

        >>> ember.__config__.parallel_info().splitlines()[0]
        'ember/Parallel:'
    """
    import ember
    lines = ['ember/Parallel:', f'\tember.get_num_threads() : {ember.get_num_threads()}',
             f'\tember.get_num_interop_threads() : {ember.get_num_interop_threads()}']
    for pool in _blas_pools():
        lines += [_blas_description(pool), f"\t{pool['user_api']} threads : {pool['num_threads']}"]
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else os.cpu_count()
    lines.append(f'os.cpu_count() : {os.cpu_count()} (usable: {cpus})')
    lines.append('Environment variables:')
    for name in ('OMP_NUM_THREADS', 'MKL_NUM_THREADS', 'OPENBLAS_NUM_THREADS'):
        lines.append(f"\t{name} : {os.environ.get(name, '[not set]')}")
    lines.append('ember parallel backend: the BLAS library\'s threads (matrix products) and ember\'s chunk threads '
                 '(convolutions)')
    return '\n'.join(lines) + '\n'


def _cxx_flags():
    """The C++ compiler flags of the build: ember compiles nothing, so there are none."""
    return ''
