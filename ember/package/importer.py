"""Import environments: where ``PackageExporter`` looks modules up and how it names objects.

``sys_importer`` is Python's own import system; a ``PackageImporter`` is the private namespace of
one loaded package; ``OrderedImporter`` tries several in turn.
"""
import importlib
import logging
import pickle
import sys
from abc import ABC, abstractmethod

from ._mangling import demangle, get_mangle_prefix, is_mangled

__all__ = ["ObjNotFoundError", "ObjMismatchError", "Importer", "OrderedImporter"]

log = logging.getLogger(__name__)


class ObjNotFoundError(Exception):
    """Raised when an importer cannot find an object by searching for its name."""


class ObjMismatchError(Exception):
    """Raised when an importer found a different object with the same name as the user-provided one."""


def _lookup(module, qualname):
    obj = module
    for attr in qualname.split("."):
        if attr == "<locals>":
            raise AttributeError(f"Can't get local attribute {qualname!r} on {module!r}")
        obj = getattr(obj, attr)
    return obj


class Importer(ABC):
    """An environment modules are imported from.

    ``import_module(name)`` gives a module; ``get_name(obj)`` gives the ``(module name, attribute
    name)`` under which ``obj`` is found again in this environment, checked by looking it up:
    ``getattr(import_module(module), name) is obj``, else ``ObjNotFoundError`` or
    ``ObjMismatchError``.
    """

    modules: dict

    @abstractmethod
    def import_module(self, module_name):
        """Import ``module_name`` from this environment (as ``importlib.import_module`` does)."""

    def get_name(self, obj, name=None):
        """``(parent module name, attribute name)`` that finds ``obj`` in this environment.

        ``name``, when given, is used instead of the object's ``__qualname__``/``__name__`` (as pickle
        does for a ``__reduce__`` that returns a string).
        """
        if name is None and obj and pickle._Pickler.dispatch.get(type(obj)) is None:
            # an object whose __reduce__ returns a string names itself as a global
            reduce = getattr(obj, "__reduce__", None)
            if reduce is not None:
                try:
                    reduced = reduce()
                except Exception:  # noqa: BLE001 - any failure just means "no name from __reduce__"
                    reduced = None
                if isinstance(reduced, str):
                    name = reduced
        if name is None:
            name = getattr(obj, "__qualname__", None)
        if name is None:
            name = obj.__name__
        module_name = demangle(self.whichmodule(obj, name))
        try:
            found = _lookup(self.import_module(module_name), name)
        except (ImportError, KeyError, AttributeError):
            raise ObjNotFoundError(f"{obj} was not found as {module_name}.{name}") from None
        if found is obj:
            return module_name, name

        def origin(o):
            mod = self.whichmodule(o, name)
            if is_mangled(mod):
                return mod, get_mangle_prefix(mod), f"the importer for {get_mangle_prefix(mod)}"
            return mod, "the current Python environment", "'sys_importer'"

        obj_module, obj_location, obj_importer = origin(obj)
        found_module, found_location, found_importer = origin(found)
        raise ObjMismatchError(
            f"\n\nThe object provided is from '{obj_module}', which is coming from {obj_location}."
            f"\nHowever, when we import '{found_module}', it's coming from {found_location}."
            f"\nTo fix this, make sure this 'PackageExporter's importer lists {obj_importer} before "
            f"{found_importer}.")

    def whichmodule(self, obj, name):
        """The name of the module ``obj`` belongs to: its ``__module__``, else the module of
        ``self.modules`` that holds it under ``name``, else ``'__main__'``."""
        module_name = getattr(obj, "__module__", None)
        if module_name is not None:
            return module_name
        for module_name, module in list(self.modules.items()):
            if module_name in ("__main__", "__mp_main__") or module is None:
                continue
            try:
                if _lookup(module, name) is obj:
                    return module_name
            except AttributeError:
                pass
        return "__main__"


class _SysImporter(Importer):
    """Python's own import system."""

    @property
    def modules(self):
        return sys.modules

    def import_module(self, module_name):
        return importlib.import_module(module_name)

    def whichmodule(self, obj, name):
        module_name = getattr(obj, "__module__", None)
        if module_name is not None:
            return module_name
        return pickle.whichmodule(obj, name)


sys_importer = _SysImporter()


class OrderedImporter(Importer):
    """Several importers tried one after another: the first that gives a result wins."""

    def __init__(self, *args):
        self._importers = list(args)

    @property
    def modules(self):
        merged = {}
        for importer in reversed(self._importers):
            merged.update(importer.modules)
        return merged

    def _is_torchpackage_dummy(self, module):
        """Whether ``module`` is an empty folder of a package (interning ``a.b`` makes ``a`` one): such
        a module must not hide a real ``a`` from the importers after it."""
        if not getattr(module, "__torch_package__", False) or not hasattr(module, "__path__"):
            return False
        return getattr(module, "__file__", None) is None

    def get_name(self, obj, name=None):
        for importer in self._importers:
            try:
                return importer.get_name(obj, name)
            except (ObjNotFoundError, ObjMismatchError) as e:
                log.warning(f"Tried to call get_name with obj {obj}, and name {name} on {importer} and got {e}")
        raise ObjNotFoundError(f"Could not find obj {obj} and name {name} in any of the importers {self._importers}")

    def import_module(self, module_name):
        last_err = None
        for importer in self._importers:
            if not isinstance(importer, Importer):
                raise TypeError(f"{importer} is not a Importer. All importers in OrderedImporter must inherit from "
                                "Importer.")
            try:
                module = importer.import_module(module_name)
            except ModuleNotFoundError as err:
                last_err = err
                continue
            if not self._is_torchpackage_dummy(module):
                return module
        if last_err is not None:
            raise last_err
        raise ModuleNotFoundError(module_name)

    def whichmodule(self, obj, name):
        for importer in self._importers:
            module_name = importer.whichmodule(obj, name)
            if module_name != "__main__":
                return module_name
        return "__main__"
