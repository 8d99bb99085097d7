"""``torch._C._special``: where PyTorch keeps ``torch.special``'s functions, as ``special_<name>``; here ember.special's."""
from ember._C._prefixed import prefixed_lookup

__getattr__ = prefixed_lookup('special')
