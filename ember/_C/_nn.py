"""``torch._C._nn``: where PyTorch keeps most of ``torch.nn.functional``'s functions (``F.gelu`` is
``torch._C._nn.gelu``; pickles name them so): here ember.nn.functional's functions, or ember's
top-level ones of the same name."""
import types


def _parse_to(*args, **kwargs):
    """``(device, dtype, non_blocking, memory_format)`` from the arguments of a ``.to(...)`` call
    (``to(device)``, ``to(dtype)``, ``to(tensor)``, ``to(device, dtype)``, keywords), unset parts None:
    what ``nn.Module.to`` moves and casts to, and what libraries read (lightning's dtype mixin)."""
    from ember._device import device as device_cls
    from ember.ops.convert import read_to_call
    if 'copy' in kwargs:
        raise RuntimeError(".to() does not accept copy argument")
    device, dtype, non_blocking, copy, memory_format = read_to_call(args, kwargs)
    if copy:
        raise RuntimeError(".to() does not accept copy argument")
    if device is not None and not isinstance(device, device_cls):
        device = device_cls(f'cuda:{device}' if isinstance(device, int) else device)
    return device, dtype, non_blocking, memory_format


# C names whose function ember.nn.functional names otherwise
_FUNCTIONAL_NAME = {'log_sigmoid': 'logsigmoid'}


def __getattr__(name):
    import ember
    import ember.nn.functional as F
    fn = None
    if not name.startswith('__'):
        fn = getattr(F, _FUNCTIONAL_NAME.get(name, name), None)
        if not isinstance(fn, (types.FunctionType, types.BuiltinFunctionType)):
            fn = getattr(ember, name, None)
    if not isinstance(fn, (types.FunctionType, types.BuiltinFunctionType)):
        raise AttributeError(f"module 'ember._C._nn' has no attribute '{name}'")
    return fn
