"""torchvision.extension: whether the vision operators are available, and loading of compiled extension
libraries.

torchvision's operators (nms, roi_align, deform_conv2d, ...) live in a compiled library that may fail to load;
code checks ``_has_ops()`` or calls ``_assert_has_ops()`` before using them. ember's are ember ops written in
Python, so they are always there. ember ships no compiled library: ``_get_extension_path`` finds none and
``_load_library`` returns False.
"""
import importlib.machinery
import os
import warnings

# where compiled extensions would sit: beside this package's modules
_LIB_DIR = os.path.dirname(__file__)


def _get_extension_path(lib_name):
    """The file of the compiled extension ``lib_name`` next to this package; ImportError when there is none."""
    lib_dir = _LIB_DIR
    finder = importlib.machinery.FileFinder(
        lib_dir, (importlib.machinery.ExtensionFileLoader, importlib.machinery.EXTENSION_SUFFIXES))
    spec = finder.find_spec(lib_name)
    if spec is None:
        raise ImportError(f"Could not find module '{lib_name}' in {lib_dir}")
    return spec.origin


def _load_library(lib_name):
    """Load the compiled extension ``lib_name``: True when it loaded, False otherwise (with a warning naming the
    reason when TORCHVISION_WARN_WHEN_EXTENSION_LOADING_FAILS is set)."""
    try:
        import ctypes
        ctypes.CDLL(_get_extension_path(lib_name))
        return True
    except (ImportError, OSError) as error:
        if os.environ.get("TORCHVISION_WARN_WHEN_EXTENSION_LOADING_FAILS"):
            warnings.warn(f"Failed to load '{lib_name}' extension: {type(error).__name__}: {error}")
        return False


def _has_ops():
    """Whether the vision operators can be used: always, in ember."""
    return True


def _assert_has_ops():
    """Raise when the vision operators are unavailable; in ember they always are, so this returns None."""
    if not _has_ops():   # kept as a check: a future ember that can lack them fails here, not in the op
        raise RuntimeError("Couldn't load the vision operators.")


def _check_cuda_version():
    """The CUDA version the compiled operators were built for, -1 when none was (ember compiles none: its GPU
    arrays are CuPy's)."""
    return -1
