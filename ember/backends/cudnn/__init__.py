"""cuDNN switches: accepted and remembered; ember's CUDA backend is CuPy, not cuDNN kernels, so they
change no result. ``flags(...)`` sets them for a ``with`` block (``flags()`` alone turns cuDNN off there,
as in PyTorch: code that needs double backward through convolutions uses ``flags(enabled=False)``)."""
from ember.backends._switches import guard_switches, set_switches, switched

import ember

enabled = True
benchmark = False
benchmark_limit = None      # PyTorch's is 10 where cuDNN is available, None where it is not
deterministic = False
allow_tf32 = True
fp32_precision = 'none'
depthwise_kernel = 'auto'

# the dtypes cuDNN kernels take
CUDNN_TENSOR_DTYPES = {ember.float16, ember.float32, ember.float64}


def is_available():
    """False: ember runs no cuDNN kernels."""
    return False


def version():
    return None


def is_acceptable(tensor):
    """Whether cuDNN would take ``tensor``: never in ember (no cuDNN kernels)."""
    return False


def set_flags(_enabled=None, _benchmark=None, _benchmark_limit=None, _deterministic=None, _allow_tf32=None,
              _fp32_precision='none', _depthwise_kernel=None):
    """Set the switches given (``None`` leaves one as it is); returns the previous values, in order.
    ``_benchmark_limit`` is left as it is, as PyTorch leaves it where cuDNN is not available."""
    return set_switches(globals(), [('enabled', _enabled, bool), ('benchmark', _benchmark, bool),
                                    ('benchmark_limit', None, None), ('deterministic', _deterministic, bool),
                                    ('allow_tf32', _allow_tf32, bool), ('fp32_precision', _fp32_precision, None),
                                    ('depthwise_kernel', _depthwise_kernel, None)])


def flags(enabled=False, benchmark=False, benchmark_limit=10, deterministic=False, allow_tf32=True,
          fp32_precision='none', depthwise_kernel='auto'):
    """The switches as given inside a ``with`` block, restored after it."""
    return switched(set_flags, enabled, benchmark, benchmark_limit, deterministic, allow_tf32, fp32_precision,
                    depthwise_kernel)


guard_switches(__name__, ('enabled', 'benchmark', 'benchmark_limit', 'deterministic', 'allow_tf32', 'fp32_precision', 'depthwise_kernel'))
