"""The pickler of packages: names globals through the exporter's importer, tensors as torch.package does."""
import pickle
import sys
from struct import pack

from ember.serialization import _SavePickler, _StorageRef, _TorchName, _torch_mirror_name, _torch_nn_name
from ember._dtype import dtype as _dtype

from .importer import ObjMismatchError, ObjNotFoundError


# ember's public namespaces that have PyTorch's names (ember.X -> torch.X), searched in this order
_PUBLIC_NAMESPACES = ("", ".nn.functional", ".nn.init", ".linalg", ".fft", ".special")


def _torch_function_name(obj):
    """PyTorch's (module, name) for a public ember function (``ember.relu`` -> ``torch.relu``), else None:
    so that PyTorch can load what ember packages (ember loads the torch names back as its own)."""
    module = getattr(obj, "__module__", None) or ""
    name = getattr(obj, "__name__", None)
    if not module.startswith("ember") or not name or isinstance(obj, type):
        return None
    namespaces = [(suffix, sys.modules.get("ember" + suffix)) for suffix in _PUBLIC_NAMESPACES]
    for suffix, namespace in namespaces:
        if namespace is not None and getattr(namespace, name, None) is obj:
            return "torch" + suffix, name
    # published under another name than its own (ember.linalg.norm is linalg_norm)
    for suffix, namespace in namespaces:
        for public, value in list(vars(namespace).items()) if namespace is not None else ():
            if value is obj and not public.startswith("_"):
                return "torch" + suffix, public
    return None


def _parent_of(module, qualname):
    parent = module
    for attr in qualname.split(".")[:-1]:
        parent = getattr(parent, attr)
    return parent


class PackagePickler(_SavePickler):
    """Pickles as ``ember.save`` does (tensors and ember's built-in classes under PyTorch's names), with
    the names of every other global found by ``importer.get_name``: a class that came out of a loaded
    package is written under its demangled name. Storages are handed to ``storage_id`` (the exporter
    writes their bytes) and pickled as ``('storage', type, id, location, numel)``."""

    def __init__(self, importer, file, protocol, storage_id, reduce_package):
        super().__init__(file, protocol)
        self.importer = importer
        self._storage_id = storage_id
        self._reduce_package = reduce_package

    def persistent_id(self, obj):
        ref = obj if type(obj) is _StorageRef else None
        if ref is None and super().persistent_id(obj) is not None:
            ref = self._saved_storage(obj)
        if ref is not None:
            _, storage_type, _, location, numel = ref.pid[:5]
            return ("storage", storage_type, self._storage_id(ref), location, numel)
        if hasattr(obj, "__reduce_package__"):
            return self._reduce_package(obj)
        return None

    def save_global(self, obj, name=None):
        if isinstance(obj, (_TorchName, _dtype)) or _torch_nn_name(obj) is not None:
            return super().save_global(obj, name)
        torch_name = (_torch_function_name(obj) or _torch_mirror_name(obj)) if name is None else None
        if torch_name is not None:
            return super().save_global(_TorchName(*torch_name))
        try:
            module_name, name = self.importer.get_name(obj, name)
        except (ObjNotFoundError, ObjMismatchError) as err:
            raise pickle.PicklingError(f"Can't pickle {obj}: {str(err)}") from err
        module = self.importer.import_module(module_name)
        parent = _parent_of(module, name)
        code = pickle._extension_registry.get((module_name, name))
        if self.proto >= 2 and code:
            if code <= 0xFF:
                self.write(pickle.EXT1 + pack("<B", code))
            elif code <= 0xFFFF:
                self.write(pickle.EXT2 + pack("<H", code))
            else:
                self.write(pickle.EXT4 + pack("<i", code))
            return
        lastname = name.rpartition(".")[2]
        if parent is module:
            name = lastname
        if self.proto >= 4:
            self.save(module_name)
            self.save(name)
            self.write(pickle.STACK_GLOBAL)
        elif parent is not module:
            # a nested name (Outer.Inner) in protocol 3: getattr on its parent
            self.save_reduce(getattr, (parent, lastname))
        else:
            self.write(pickle.GLOBAL + f"{module_name}\n{name}\n".encode("utf-8"))
        self.memoize(obj)
