"""``torch._C._VariableFunctions``: the namespace PyTorch keeps its tensor functions in (``torch.add`` is
``torch._C._VariableFunctions.add``). Pickles written by ``torch.save`` name functions through it
(``getattr(torch._C._VariableFunctionsClass, 'add')``), so loading a checkpoint that holds one (a
whole model whose ``activation`` is ``torch.tanh``) needs it: here it looks the name up among ember's
top-level functions."""
import types

_FUNCTION_TYPES = (types.FunctionType, types.BuiltinFunctionType)


def top_level_function(name):
    import ember
    fn = getattr(ember, name, None) if not name.startswith('__') else None
    if not isinstance(fn, _FUNCTION_TYPES):
        raise AttributeError(f"type object '_VariableFunctionsClass' has no attribute '{name}'")
    return fn


class _FunctionLookup(type):
    def __getattr__(cls, name):
        return top_level_function(name)


class _VariableFunctionsClass(metaclass=_FunctionLookup):
    """PyTorch's class of its function namespace; its attributes are ember's top-level functions."""

    def __getattr__(self, name):
        return top_level_function(name)


_VariableFunctions = _VariableFunctionsClass()
