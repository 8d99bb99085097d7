"""ember.linalg: linear algebra (PyTorch's ``torch.linalg``).

Its functions are ops defined in ``ember/ops`` and registered with the ``'linalg'`` target
(see ``ember.ops._registry``); this module only binds them.
"""
from ember import ops as _ops  # noqa: F401  (importing the op families registers every op)
from ember.ops._registry import bind as _bind

_bind('linalg', globals())
from ember.ops.linalg import LinAlgError  # noqa: E402,F401  (an exception class, not an op)
