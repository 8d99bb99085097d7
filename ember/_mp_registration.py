"""Tensors' pickling rules for :mod:`multiprocessing`, registered as soon as multiprocessing loads.

The rules (``ember.multiprocessing.reductions``) must be in place before a tensor is sent to another
process, but registering them at ``import ember`` would load multiprocessing and its sockets for
every script. So ``import ember`` registers them at once only when multiprocessing is already
loaded; otherwise a finder waits for ``import multiprocessing`` (which every way of starting or
talking to another process goes through) and registers them right after it.
"""
import importlib
import importlib.util
import sys


def register_now_or_on_import():
    if 'multiprocessing' in sys.modules:
        importlib.import_module('ember.multiprocessing')
    elif not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())


class _Finder:    # (a meta path finder; importlib.abc would load importlib.resources and tempfile)
    """Finds nothing itself: hands ``multiprocessing``'s spec a loader that registers after loading it."""

    def find_spec(self, name, path=None, target=None):
        if name != 'multiprocessing':
            return None
        try:
            sys.meta_path.remove(self)     # one use: the real finders answer from here on
        except ValueError:                 # (another thread got here first)
            pass
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.loader is not None:
            spec.loader = _Registering(spec.loader)
        return spec


class _Registering:    # (a loader)
    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        module.__loader__ = module.__spec__.loader = self.loader   # the module keeps its own loader
        self.loader.exec_module(module)
        importlib.import_module('ember.multiprocessing')
