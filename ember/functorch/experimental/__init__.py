"""functorch.experimental: the transforms functorch kept under its experimental name (now in ``torch.func``) and
the control flow operators (``functorch.experimental.control_flow``).

Example::

    >>> from ember.functorch.experimental import jacfwd
    >>> jacfwd(ember.sin)(ember.zeros(2))
    tensor([[1., 0.],
            [0., 1.]])
"""
from ember.func import functionalize, hessian, jacfwd, jvp
from ember.func._module_state import replace_all_batch_norm_modules_

__all__ = ['functionalize', 'hessian', 'jacfwd', 'jvp', 'replace_all_batch_norm_modules_']
