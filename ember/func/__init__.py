"""Composable function transforms (PyTorch's ``torch.func``): grad, vjp, jvp, jacobians, hessian, vmap."""
from ember.func._autodiff import grad, grad_and_value, vjp, jvp, jacrev, jacfwd, hessian, linearize
from ember.func._module_state import stack_module_state, replace_all_batch_norm_modules_
from ember.func._vmap import vmap, _set_vmap_fallback_warning_enabled
from ember.func._functional_call import functional_call
from ember.func._functionalize import functionalize, debug_unwrap
from ember.func._rearrange import rearrange

__all__ = ['grad', 'grad_and_value', 'vjp', 'jvp', 'jacrev', 'jacfwd', 'hessian', 'vmap', 'functional_call',
           'linearize', 'stack_module_state', 'replace_all_batch_norm_modules_', 'functionalize', 'debug_unwrap',
           'rearrange']
