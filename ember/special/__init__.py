"""ember.special: special functions (PyTorch's ``torch.special``).

Its functions are ops defined in ``ember/ops`` and registered with the ``'special'`` target
(see ``ember.ops._registry``); this module only binds them.
"""
from ember import ops as _ops  # noqa: F401  (importing the op families registers every op)
from ember.ops._registry import bind as _bind

_bind('special', globals())
