"""``torch._C._fft``: where PyTorch keeps ``torch.fft``'s functions, each under the prefixed name
``fft_<name>`` (pickles of ``torch.fft`` functions name them so): here ember.fft's functions."""


def __getattr__(name):
    from ember.fft import __dict__ as space
    fn = space.get(name[len('fft_'):]) if name.startswith('fft_') else None
    if not callable(fn) or isinstance(fn, type):
        raise AttributeError(f"module 'ember._C._fft' has no attribute '{name}'")
    return fn
