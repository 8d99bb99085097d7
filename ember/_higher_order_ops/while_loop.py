"""torch._higher_order_ops.while_loop: ``while_loop(cond_fn, body_fn, carried_inputs)``."""
from ember._compile import while_loop

__all__ = ['while_loop']
