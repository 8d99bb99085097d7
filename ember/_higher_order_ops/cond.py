"""torch._higher_order_ops.cond: ``cond(pred, true_fn, false_fn, operands)``."""
from ember._compile import cond

__all__ = ['cond']
