"""functorch.experimental.control_flow: ``cond`` and ``map``, the control flow operators of
``torch._higher_order_ops`` under their first home.

Example::

    >>> from ember.functorch.experimental.control_flow import cond
    >>> cond(ember.tensor(True), ember.sin, ember.cos, [ember.zeros(1)])
    tensor([0.])
"""
from ember._higher_order_ops.cond import cond
from ember._higher_order_ops.map import map

__all__ = ['cond', 'map']
