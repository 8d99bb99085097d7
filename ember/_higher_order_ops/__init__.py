"""torch._higher_order_ops: the control flow operators (``cond``, ``while_loop``, ``scan``,
``associative_scan``, ``map``) that express data-dependent control flow as functions, and ``foreach_map`` (a
pointwise function applied across lists of tensors).

ember runs them eagerly: the branch taken, the loop, the scan's steps run as ordinary ember ops, so
gradients reach every tensor the functions use, their closed-over parameters included. Where a tensor
involved requires grad, the outputs come from one node named as PyTorch's (``ScanAutogradOpBackward``
...), the gradients passing through it unchanged."""
from ember._higher_order_ops.associative_scan import associative_scan
from ember._higher_order_ops.cond import cond
from ember._higher_order_ops.foreach_map import foreach_map
from ember._higher_order_ops.map import map
from ember._higher_order_ops.scan import scan
from ember._higher_order_ops.while_loop import while_loop

__all__ = ['cond', 'while_loop', 'scan', 'associative_scan', 'map', 'foreach_map']
