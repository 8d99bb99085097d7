"""``torch._C._fft``: where PyTorch keeps ``torch.fft``'s functions, as ``fft_<name>``; here ember.fft's."""
from ember._C._prefixed import prefixed_lookup

__getattr__ = prefixed_lookup('fft')
