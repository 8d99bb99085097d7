"""PyTorch's older module paths for its quantization code (``torch.nn.quantized``, ``torch.nn.intrinsic``,
``torch.nn.qat``, ``torch.nn.quantizable``, ``torch.quantization``), kept there as aliases of ``torch.ao``'s
modules. A finder on ``sys.meta_path`` answers a submodule that ember has no file for under an older path
(``ember.nn.quantized.modules.conv``, ``ember.quantization.observer``, ...) with the ``ember.ao`` module
itself, so both paths give the same classes and functions. It goes first: below an aliased package the
ordinary finder would otherwise load the ember.ao files a second time under the older names."""
import importlib
import importlib.machinery
import importlib.util
import sys

# older package -> its home under ember.ao
_HOMES = (('ember.nn.quantized', 'ember.ao.nn.quantized'), ('ember.nn.intrinsic', 'ember.ao.nn.intrinsic'),
          ('ember.nn.qat', 'ember.ao.nn.qat'), ('ember.nn.quantizable', 'ember.ao.nn.quantizable'),
          ('ember.quantization', 'ember.ao.quantization'))
# PyTorch modules that ember.ao keeps under another name (its dynamic modules sit one level up)
_RENAMED = {'ember.ao.nn.quantized.dynamic.modules': 'ember.ao.nn.quantized.dynamic',
            'ember.ao.nn.quantized.dynamic.modules.linear': 'ember.ao.nn.quantized.dynamic.linear',
            'ember.ao.nn.quantized.dynamic.modules.rnn': 'ember.ao.nn.quantized.dynamic.rnn'}


def home_of(name):
    """The ember.ao module that the older module path ``name`` stands for (None if it is not one)."""
    for old, new in _HOMES:
        if name == old or name.startswith(old + '.'):
            target = new + name[len(old):]
            return _RENAMED.get(target, target)
    return _RENAMED.get(name)


class _AliasLoader:
    """Loads a module path as another, already importable module (the same object under both names).
    (A plain class: importlib.abc would cost ``import ember`` the import of tempfile.)"""

    def __init__(self, target):
        self.target = target

    def create_module(self, spec):
        return importlib.import_module(self.target)

    def exec_module(self, module):
        pass    # the target module ran when create_module imported it


class LegacyQuantizationFinder:
    """Finds an older quantization module path as its ember.ao module (only where no file answers first)."""

    def find_spec(self, fullname, path=None, target=None):
        home = home_of(fullname)
        if home is None or home == fullname or _has_own_file(fullname):
            return None
        try:
            found = importlib.util.find_spec(home)
        except ImportError:
            found = None
        if found is None:
            return None      # "No module named ...": ember.ao has no such module either
        return importlib.util.spec_from_loader(fullname, _AliasLoader(home))


def _has_own_file(fullname):
    """Whether ember keeps a file of its own for ``fullname`` (a re-exporting package such as
    ``ember.nn.quantized`` itself) inside a package that is not an alias."""
    parent_name, _, _ = fullname.rpartition('.')
    parent = sys.modules.get(parent_name)
    if parent is None or getattr(parent, '__name__', None) != parent_name:
        return False        # below an alias: ember.ao's module answers
    return importlib.machinery.PathFinder.find_spec(fullname, getattr(parent, '__path__', None)) is not None


def install():
    if not any(isinstance(f, LegacyQuantizationFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, LegacyQuantizationFinder())
