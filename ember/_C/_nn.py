"""``torch._C._nn``: where PyTorch keeps most of ``torch.nn.functional``'s functions (``F.gelu`` is
``torch._C._nn.gelu``; pickles name them so): here ember.nn.functional's functions, or ember's
top-level ones of the same name."""
import types


def _parse_to(*args, **kwargs):
    """``(device, dtype, non_blocking, memory_format)`` from the arguments of a ``.to(...)`` call
    (``to(device)``, ``to(dtype)``, ``to(tensor)``, ``to(device, dtype)``, keywords), unset parts None:
    what ``nn.Module.to`` moves and casts to, and what libraries read (lightning's dtype mixin)."""
    from ember._device import device as device_cls
    from ember._dtype import dtype as dtype_cls, to_dtype
    from ember._tensor import Tensor
    if 'copy' in kwargs:
        raise RuntimeError(".to() does not accept copy argument")
    device = kwargs.pop('device', None)
    dtype = kwargs.pop('dtype', None)
    non_blocking = kwargs.pop('non_blocking', False)
    memory_format = kwargs.pop('memory_format', None)
    if kwargs:
        raise TypeError(f"to() received an invalid combination of arguments - got unexpected keyword "
                        f"argument '{next(iter(kwargs))}'")
    for a in args:
        if isinstance(a, Tensor):
            device, dtype = a.device, a.dtype
        elif isinstance(a, dtype_cls):
            dtype = a
        elif isinstance(a, (str, device_cls, int)) and not isinstance(a, bool):
            device = a
        elif isinstance(a, type) and hasattr(a, '_ember_dtype'):
            dtype = a._ember_dtype
        else:       # (np.float32, say: refused as PyTorch refuses it, never ignored)
            from ember.ops._argparse import explain
            raise explain('Tensor', 'to', args, {}) or TypeError(f"to() got an unexpected argument {a!r}")
    if dtype is not None:
        dtype = to_dtype(dtype)
    if device is not None and not isinstance(device, device_cls):
        device = device_cls(f'cuda:{device}' if isinstance(device, int) else device)
    return device, dtype, non_blocking, memory_format


def __getattr__(name):
    import ember
    import ember.nn.functional as F
    fn = None
    if not name.startswith('__'):
        fn = getattr(F, name, None)
        if not isinstance(fn, (types.FunctionType, types.BuiltinFunctionType)):
            fn = getattr(ember, name, None)
    if not isinstance(fn, (types.FunctionType, types.BuiltinFunctionType)):
        raise AttributeError(f"module 'ember._C._nn' has no attribute '{name}'")
    return fn
