"""``torch._C._special``: where PyTorch keeps ``torch.special``'s functions, each under the prefixed name
``special_<name>`` (pickles of ``torch.special`` functions name them so): here ember.special's functions."""


def __getattr__(name):
    from ember.special import __dict__ as space
    fn = space.get(name[len('special_'):]) if name.startswith('special_') else None
    if not callable(fn) or isinstance(fn, type):
        raise AttributeError(f"module 'ember._C._special' has no attribute '{name}'")
    return fn
