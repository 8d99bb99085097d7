"""ember.backends: the switches PyTorch scripts commonly set (``torch.backends.cudnn.benchmark = True``).

ember has no cuDNN or MPS kernels; the flags are kept so such scripts run unchanged, and
``is_available()`` answers truthfully.
"""
from ember.backends import cpu, cuda, cudnn, cusparselt, kleidiai, mha, miopen, mkl, mkldnn, mps, nnpack, \
    openmp, opt_einsum, quantized, xnnpack  # noqa: F401
import contextlib as _contextlib  # noqa: E402

from ember.backends import _switches  # noqa: E402
from ember.backends._switches import flags_frozen  # noqa: E402,F401


def disable_global_flags():
    """From now on refuse plain assignments to the back-end switches (``ember.backends.cudnn.benchmark =
    True`` raises): only their ``flags()`` context managers change them. Test suites call it so that no
    test leaves a switch changed for the next.

    Example::

        >>> ember.backends.flags_frozen()
        False
    """
    _switches._mutation_allowed[0] = False


@_contextlib.contextmanager
def __allow_nonbracketed_mutation():
    """Plain assignments to the switches allowed inside a ``with`` block even after ``disable_global_flags()``
    (monai's ``set_determinism`` sets ``cudnn.deterministic`` this way)."""
    old = _switches._mutation_allowed[0]
    _switches._mutation_allowed[0] = True
    try:
        yield
    finally:
        _switches._mutation_allowed[0] = old
