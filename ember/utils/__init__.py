"""ember.utils: helpers around the core (``ember.utils.data`` for datasets and loaders)."""
import importlib

# importable as attributes (``ember.utils.data`` after a bare ``import ember``, as in PyTorch), loaded
# on first use so that ``import ember`` does not pay for the data pipeline
_LAZY = ('data', 'checkpoint', 'model_zoo', 'benchmark', 'dlpack', 'hooks', 'tensorboard', 'deterministic',
         'collect_env', 'file_baton', 'cpp_extension')


def _poisoned_by_swap(grad_outputs):
    raise RuntimeError("Trying to execute AccumulateGrad node that was poisoned by swap_tensors this can happen when "
                       "you try to run backward on a tensor that was swapped. For a module m with "
                       "`ember.__future__.set_swap_module_params_on_conversion(True)` you should not change the "
                       "device or dtype of the module (e.g. `m.cpu()` or `m.half()`) between running forward and "
                       "backward. To resolve this, please only change the device/dtype before running forward (or "
                       "after both forward and backward).")


def swap_tensors(t1, t2):
    """Exchange everything two tensors are — data, dtype, device, gradient, history, class (a
    ``Parameter`` and a plain tensor swap kinds) and Python attributes — while each object keeps its
    identity, so references to ``t1`` now see what ``t2`` was and the other way round.

    Refused, as in PyTorch, for a tensor something holds a weak reference to.

    Example::

        >>> a, b = ember.ones(2), ember.zeros(3)
        >>> ember.utils.swap_tensors(a, b)
        >>> a, b
        (tensor([0., 0., 0.]), tensor([1., 1.]))
    """
    import weakref
    from ember._tensor import Tensor
    from ember._tensor_user_dict import instance_dict
    for name, t in (('t1', t1), ('t2', t2)):
        if not isinstance(t, Tensor):
            raise TypeError(f"Expected {name} to be a Tensor, but got {type(t).__name__}")
        if weakref.getweakrefcount(t):
            raise RuntimeError(f"Cannot swap {name} because it has weakref associated with it")
    for t in (t1, t2):
        # a graph recorded before the swap would accumulate into the wrong tensor: poison it, as PyTorch
        acc = instance_dict(t).get('_grad_acc')
        acc = acc() if acc is not None else None
        if acc is not None:
            acc.register_prehook(_poisoned_by_swap)
    for slot in ('_data', '_device', '_requires_grad', '_grad_fn', '_version_counter'):
        a, b = getattr(t1, slot), getattr(t2, slot)
        setattr(t1, slot, b)
        setattr(t2, slot, a)
    # (the whole instance dicts, autograd's fields included: a Parameter's __dict__ shows only the user's part)
    d1, d2 = instance_dict(t1), instance_dict(t2)
    saved1 = dict(d1)
    d1.clear()
    d1.update(d2)
    d2.clear()
    d2.update(saved1)
    t1.__class__, t2.__class__ = t2.__class__, t1.__class__


def __getattr__(name):
    if name in _LAZY:
        return importlib.import_module(f'ember.utils.{name}')
    raise AttributeError(f"module 'ember.utils' has no attribute '{name}'")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))


from typing import TYPE_CHECKING as _TYPE_CHECKING  # noqa: E402

if _TYPE_CHECKING:   # what type checkers should see of the submodules loaded on first use
    from ember.utils import checkpoint, data  # noqa: F401
