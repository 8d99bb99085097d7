"""ember.backends: the switches PyTorch scripts commonly set (``torch.backends.cudnn.benchmark = True``).

ember has no cuDNN or MPS kernels; the flags are kept so such scripts run unchanged, and
``is_available()`` answers truthfully.
"""
from ember.backends import cpu, cuda, cudnn, mkl, mkldnn, mps, openmp, quantized  # noqa: F401
