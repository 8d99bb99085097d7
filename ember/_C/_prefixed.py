"""The lookup shared by ``ember._C._fft``, ``_linalg`` and ``_special``: PyTorch keeps ``torch.<ns>``'s
functions in ``torch._C._<ns>`` under prefixed names (``fft_rfft``, ``linalg_det``, ``special_erf``), and
pickles of those functions name them so."""


def prefixed_lookup(ns):
    """A module ``__getattr__`` mapping ``<ns>_<name>`` to ``ember.<ns>.<name>``."""
    def __getattr__(name):
        import importlib
        space = importlib.import_module(f'ember.{ns}').__dict__
        fn = space.get(name[len(ns) + 1:]) if name.startswith(ns + '_') else None
        if not callable(fn) or isinstance(fn, type):
            raise AttributeError(f"module 'ember._C._{ns}' has no attribute '{name}'")
        return fn
    return __getattr__
