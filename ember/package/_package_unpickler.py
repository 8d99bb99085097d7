"""The unpickler of packages: globals are found through the package's importer."""
import _compat_pickle
import pickle

from ember import serialization as _ser
from ember.compat import ember_module_name


class PackageUnpickler(pickle._Unpickler):
    """Unpickles as ``pickle`` does, but looks every global up with ``importer.import_module``.

    PyTorch's own names (``torch._utils._rebuild_tensor_v2``, ``torch.FloatStorage``,
    ``torch.nn.modules.linear.Linear``) that the package takes from outside give ember's objects.
    """

    def __init__(self, importer, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._importer = importer

    def find_class(self, module, name):
        if self.proto < 3 and self.fix_imports:
            if (module, name) in _compat_pickle.NAME_MAPPING:
                module, name = _compat_pickle.NAME_MAPPING[(module, name)]
            elif module in _compat_pickle.IMPORT_MAPPING:
                module = _compat_pickle.IMPORT_MAPPING[module]
        if ember_module_name(module) is not None and self._importer._is_extern(module):
            known = _ser._torch_globals().get((module, name))
            if known is not None:
                return known
            # NOTE: ember's modules are laid out flatter than PyTorch's in places: look the name up in
            # the nearest ember module that has it
            return _ser._import_global(module, name)
        return getattr(self._importer.import_module(module), name)
