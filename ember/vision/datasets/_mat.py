"""MATLAB .mat files (SVHN, Flowers102) through SciPy, an optional extra."""


def loadmat(path, **kwargs):
    """``scipy.io.loadmat(path)``, or an ImportError saying SciPy is needed."""
    try:
        from scipy.io import loadmat as scipy_loadmat
    except ImportError as e:
        raise ImportError("Reading this dataset's .mat files needs SciPy: pip install scipy "
                          "(or pip install 'ember[scipy]')") from e
    return scipy_loadmat(path, **kwargs)
