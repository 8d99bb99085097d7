"""``torch._C._nn``: where PyTorch keeps most of ``torch.nn.functional``'s functions (``F.gelu`` is
``torch._C._nn.gelu``; pickles name them so): here ember.nn.functional's functions, or ember's
top-level ones of the same name."""
import types


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
