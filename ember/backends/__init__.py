"""ember.backends: the switches PyTorch scripts commonly set (``torch.backends.cudnn.benchmark = True``).

ember has no cuDNN or MPS kernels; the flags are kept so such scripts run unchanged, and
``is_available()`` answers truthfully.
"""
from ember.backends import cpu, cuda, cudnn, cusparselt, kleidiai, mha, miopen, mkl, mkldnn, mps, nnpack, \
    openmp, opt_einsum, quantized, xnnpack  # noqa: F401
