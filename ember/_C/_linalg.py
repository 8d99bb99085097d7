"""``torch._C._linalg``: where PyTorch keeps ``torch.linalg``'s functions, each under the prefixed name
``linalg_<name>`` (pickles of ``torch.linalg`` functions name them so): here ember.linalg's functions."""


def __getattr__(name):
    from ember.linalg import __dict__ as space
    fn = space.get(name[len('linalg_'):]) if name.startswith('linalg_') else None
    if not callable(fn) or isinstance(fn, type):
        raise AttributeError(f"module 'ember._C._linalg' has no attribute '{name}'")
    return fn
