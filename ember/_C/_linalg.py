"""``torch._C._linalg``: where PyTorch keeps ``torch.linalg``'s functions, as ``linalg_<name>``; here ember.linalg's."""
from ember._C._prefixed import prefixed_lookup

__getattr__ = prefixed_lookup('linalg')
