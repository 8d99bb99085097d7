"""What this build of ember can do, in the flags PyTorch exposes (``torch.has_lapack`` ...).

ember's linear algebra is NumPy's LAPACK and its FFTs are NumPy's, so ``has_lapack`` and
``has_spectral`` hold. ember is not linked against MKL and runs no OpenMP parallel regions of its
own (NumPy's BLAS has its own threads), so ``has_mkl`` and ``has_openmp`` are False.
"""
has_lapack = True
has_spectral = True
has_mkl = False
has_openmp = False


def init_num_threads():
    """Initializes the number of parallel threads used on the current thread.

    PyTorch calls this in a new thread to carry ``set_num_threads`` over to it. ember's thread count
    is that of NumPy's BLAS pool, which is process-wide, so every thread already uses it and there is
    nothing to carry over.

    Example::

        >>> ember.init_num_threads()
    """


def get_device_module(device=None):
    """The module of a device type: ``ember.cuda`` for ``'cuda'``, ``ember.cpu`` for ``'cpu'``.

    Args:
        device (ember.device, str or None): the device or its type; ``None`` is the current
            accelerator's type, or the CPU when there is none.

    Example::

        >>> ember.get_device_module('cpu').__name__
        'ember.cpu'
    """
    import ember
    if isinstance(device, ember.device):
        name = device.type
    elif isinstance(device, str):
        name = ember.device(device).type
    elif device is None:
        acc = ember.accelerator.current_accelerator() if ember.accelerator.is_available() else None
        name = acc.type if acc is not None else 'cpu'
    else:
        raise RuntimeError(f"Invalid value of device '{device}', expect torch.device, str, or None")
    module = getattr(ember, name, None) if name in ('cpu', 'cuda', 'mps', 'xpu', 'mtia') else None
    if module is None:
        raise RuntimeError(f"Device '{name}' does not have a corresponding module registered as 'torch.{name}'.")
    return module
