"""``Variable``: the pre-0.4 wrapper, kept as PyTorch keeps it.

Tensors and Variables merged long ago, so ``Variable(t)`` hands back a plain tensor
sharing ``t``'s data and ``isinstance(t, Variable)`` holds for every tensor. Tools
written against the old API (torchviz, for one) still test for the class.

Example::

    >>> from ember.autograd.variable import Variable
    >>> isinstance(ember.ones(2), Variable)
    True
"""
import warnings


class VariableMeta(type):
    def __instancecheck__(cls, other):
        from ember._tensor import Tensor
        return isinstance(other, Tensor)


class Variable(metaclass=VariableMeta):
    """Legacy constructor kept from before tensors and Variables merged: it returns a plain tensor sharing
    ``data``'s values, detached from its graph. New code uses tensors directly.

    Args:
        data (Tensor, optional): the values. Default: an empty tensor.
        requires_grad (bool, optional): whether the result requires grad. Default: ``False``.
        volatile (bool, optional): removed long ago; ``True`` warns and changes nothing (use
            :class:`ember.no_grad`).

    Example::

        >>> v = ember.autograd.Variable(ember.ones(2), requires_grad=True)
        >>> v
        tensor([1., 1.], requires_grad=True)
        >>> type(v) is ember.Tensor, isinstance(ember.zeros(1), ember.autograd.Variable)
        (True, True)
    """

    def __new__(cls, data=None, requires_grad=False, volatile=False, _grad_fn=None, **kwargs):
        from ember._tensor import Tensor
        if kwargs:
            raise TypeError(f"'{next(iter(kwargs))}' is an invalid keyword argument for this function")
        if _grad_fn is not None:
            from ember.autograd.function import Node
            if not isinstance(_grad_fn, Node):
                raise TypeError("_grad_fn has to be a Function object or None, but got "
                                f"{type(_grad_fn).__name__}")
            raise RuntimeError("Variable(): attaching a _grad_fn is not supported; build the tensor "
                               "through ember operations instead")
        if volatile:
            warnings.warn("volatile was removed and now has no effect. Use `with ember.no_grad():` instead.",
                          UserWarning, stacklevel=2)
        if data is None:
            from ember.ops.creation import tensor
            data = tensor([])
        elif not isinstance(data, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        out = data.detach()
        if requires_grad:
            if not (out.dtype.is_floating_point or out.dtype.is_complex):
                raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
            out.requires_grad_(True)
        return out


class _ExecutionEngine:
    """The autograd engine as PyTorch exposes it to Python (``Variable._execution_engine``)."""

    @staticmethod
    def queue_callback(callback):
        """Run ``callback()`` once the backward pass in progress has finished."""
        from ember.autograd.engine import queue_callback
        queue_callback(callback)


Variable._execution_engine = _ExecutionEngine()
