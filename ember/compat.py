"""The torch -> ember import alias: unmodified PyTorch code imports ember.

``install()`` puts a finder first on ``sys.meta_path`` that answers ``import torch`` with ``ember``,
``torch.X.Y`` with ``ember.X.Y``, ``torchvision`` with ``ember.vision`` and ``torchvision.X`` with
``ember.vision.X`` (and the functorch package with ``ember.functorch``). The aliases are the ember modules themselves (registered in ``sys.modules``
under the torch names), so ``import torch.nn as nn``, ``from torch.utils.data import DataLoader``
and ``torch.nn.functional`` all resolve to ember. ``ember run script.py`` installs it before the
script runs; in a notebook call it yourself before the first ``import torch``:

>>> import ember.compat
>>> ember.compat.install()          # doctest: +SKIP
>>> import torch                    # doctest: +SKIP
>>> torch.__name__                  # doctest: +SKIP
'torch'
>>> ember.compat.uninstall()        # doctest: +SKIP
"""
import importlib
import importlib.abc
import importlib.util
import sys

# torch names -> ember names, longest first so 'torchvision' is not read as 'torch' + 'vision'
_ALIASES = (('torchvision', 'ember.vision'), ('torch', 'ember'), ('functorch', 'ember.functorch'))


def ember_module_name(name):
    """The ember module that stands for PyTorch module ``name`` (None if it is not torch's)."""
    for src, dst in _ALIASES:
        if name == src or name.startswith(src + '.'):
            return dst + name[len(src):]
    return None


def torch_module_name(name):
    """The PyTorch module that ember module ``name`` stands for (None if it is not ember's): the inverse of
    :func:`ember_module_name`."""
    for src, dst in _ALIASES[::-1]:     # (ember.vision before ember, ember.functorch before ember)
        if name == dst or name.startswith(dst + '.'):
            return src + name[len(dst):]
    return None


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, target):
        self.target = target

    def create_module(self, spec):
        module = importlib.import_module(self.target)
        _EMBER_SPECS.setdefault(self.target, module.__spec__)   # importlib gives it the torch-named spec next
        if spec.name in dict(_ALIASES):          # a top-level package first imported through its torch name
            module.__name__ = spec.name
        return module

    def exec_module(self, module):
        pass  # the ember module ran when create_module imported it


class TorchAliasFinder(importlib.abc.MetaPathFinder):
    """Finds ``torch``/``torchvision`` modules as their ember counterparts."""

    def find_spec(self, fullname, path=None, target=None):
        name = ember_module_name(fullname)
        if name is None:
            return None
        try:
            found = importlib.util.find_spec(name)
        except ImportError:
            found = None
        if found is None:
            return None  # the import fails as "No module named 'torch.xyz'": ember has no such module
        return importlib.util.spec_from_loader(fullname, _AliasLoader(name))


# ember modules' own import specs, put back by uninstall(): importing one under a torch name gives it that
# name's spec (importlib sets ``__spec__`` on whatever module a loader returns)
_EMBER_SPECS = {}


def _is_ember(module, name):
    """Whether ``module``, found in sys.modules under torch name ``name``, is ember's module for it."""
    return module is sys.modules.get(ember_module_name(name))


def _installed():
    return next((f for f in sys.meta_path if isinstance(f, TorchAliasFinder)), None)


def is_installed():
    return _installed() is not None


def install():
    """Make ``import torch`` (and torchvision) import ember from now on in this process."""
    if _installed() is not None:
        return
    for name in ('torch', 'torchvision', 'functorch'):
        mod = sys.modules.get(name)
        if mod is not None and not _is_ember(mod, name):
            # NOTE: mixing real torch modules (already imported) with ember ones would give objects
            # of both libraries in one program; refuse rather than half-alias
            raise RuntimeError(f"ember.compat.install(): the real '{name}' is already imported in this process; "
                               f"call install() before the first 'import {name}' (restart the kernel/interpreter)")
    sys.meta_path.insert(0, TorchAliasFinder())
    _name_packages_as_torch(True)
    _alias_spawned_processes()


def _name_packages_as_torch(aliased):
    """While the alias is installed the top-level packages answer to PyTorch's names (``torch.__name__`` is
    ``'torch'``): libraries check it (pyro's patches assert ``target.split('.')[0] == torch.__name__``).
    Submodules keep their ember names, so tracebacks and ``type(x).__module__`` show where the code lives.
    Removing the alias gives every ember module its own name and import spec back."""
    for torch_name, ember_name in _ALIASES:
        module = sys.modules.get(ember_name)
        if module is not None:
            module.__name__ = torch_name if aliased else ember_name
    if not aliased:
        for ember_name, spec in _EMBER_SPECS.items():
            module = sys.modules.get(ember_name)
            if module is not None:
                module.__spec__ = spec
        _EMBER_SPECS.clear()


_SPAWN_PRELUDE = 'import ember.compat; ember.compat.install(); '


def _alias_spawned_processes():
    """Processes started with the 'spawn' method (torch.multiprocessing.spawn, DataLoader workers on
    macOS, ``mp.set_start_method('spawn')``) begin as a fresh interpreter: their command installs the
    alias first, so the code they unpickle and import gets ember too. Forked processes inherit it."""
    import multiprocessing.spawn as mp_spawn
    original = mp_spawn.get_command_line
    if getattr(original, '_ember_original', None) is not None:
        return

    def get_command_line(**kwds):
        cmd = original(**kwds)
        if '-c' in cmd:
            i = cmd.index('-c') + 1
            cmd[i] = _SPAWN_PRELUDE + cmd[i]
        return cmd
    get_command_line._ember_original = original
    mp_spawn.get_command_line = get_command_line


def uninstall():
    """Remove the alias and forget the ``torch*`` entries it registered in ``sys.modules``."""
    import multiprocessing.spawn as mp_spawn
    original = getattr(mp_spawn.get_command_line, '_ember_original', None)
    if original is not None:
        mp_spawn.get_command_line = original
    finder = _installed()
    if finder is not None:
        sys.meta_path.remove(finder)
        _name_packages_as_torch(False)
    for name in list(sys.modules):
        if ember_module_name(name) is not None and _is_ember(sys.modules[name], name):
            del sys.modules[name]
