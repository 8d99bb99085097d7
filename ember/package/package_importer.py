"""``PackageImporter``: loads the code, objects and resources of a package written by ``PackageExporter``
(ember's or PyTorch's ``torch.package``).

The package's own (interned) modules run from the archive's source files under a private parent name
``<torch_package_N>``, never through ``sys.modules``; the modules it names as external come from this
environment, PyTorch's (``torch``, ``torch.nn``, ...) as ember's.
"""
import builtins
import importlib
import importlib.machinery
import importlib.util
import inspect
import io
import linecache
import os
import pickle
import sys
from weakref import WeakValueDictionary

import numpy as np

from ember import serialization as _ser
from ember._zip_archive import PyTorchFileReader
from ember.compat import ember_module_name
from ember.storage import TypedStorage

from ._directory_reader import DirectoryReader
from ._importlib import _calc___package__, _normalize_line_endings, _normalize_path, _resolve_name, _sanity_check
from ._mangling import PackageMangler, demangle
from ._package_unpickler import PackageUnpickler
from .file_structure_representation import Directory, _create_directory_from_file_list  # noqa: F401
from .importer import Importer

__all__ = ["PackageImporter"]

# modules a package may use without externing them (PyTorch's own list: its tensors need numpy, and FX
# code names builtins)
IMPLICIT_IMPORT_ALLOWLIST = ["numpy", "numpy.core", "numpy.core._multiarray_umath", "builtins"]

# names newer versions of external modules dropped, put back for packages that still use them
EXTERN_IMPORT_COMPAT_NAME_MAPPING = {"numpy": {"str": str, "bool": bool}}

_NEEDS_LOADING = object()


def _import_external(name):
    """The module of this environment an external name stands for: PyTorch's names give ember's."""
    target = ember_module_name(name)
    if target is None:
        return importlib.import_module(name)
    try:
        return importlib.import_module(target)
    except ModuleNotFoundError:
        # as PyTorch says it for a torch module it does not have
        raise ModuleNotFoundError(f"No module named '{name}'", name=name) from None


class PackageImporter(Importer):
    """Loads code and data from a package written by ``PackageExporter``, hermetically: its modules come
    from the package's files, except those the package lists as external (``.data/extern_modules``).

    Args:
        file_or_buffer: a path, a folder holding an unzipped package, a readable binary file object, or an
            ``ember.PyTorchFileReader``.
        module_allowed: called with each external module the package needs; return False to refuse it.

    Raises:
        ImportError: the package needs an external module ``module_allowed`` refuses.
    """

    modules: dict

    def __init__(self, file_or_buffer, module_allowed=lambda module_name: True):
        if isinstance(file_or_buffer, PyTorchFileReader):
            self.filename = "<pytorch_file_reader>"
            self.zip_reader = file_or_buffer
        elif isinstance(file_or_buffer, (os.PathLike, str)):
            self.filename = os.fspath(file_or_buffer)
            self.zip_reader = (DirectoryReader(self.filename) if os.path.isdir(self.filename)
                               else PyTorchFileReader(self.filename))
        else:
            self.filename = "<binary>"
            self.zip_reader = PyTorchFileReader(file_or_buffer)

        self.root = _PackageNode(None)
        self.modules = {}
        self.extern_modules = self._read_extern()
        for extern_module in self.extern_modules:
            if not module_allowed(extern_module):
                raise ImportError(f"package '{file_or_buffer}' needs the external module '{extern_module}' "
                                  f"but that module has been disallowed")
            self._add_extern(extern_module)
        for fname in self.zip_reader.get_all_records():
            self._add_file(fname)

        # the package's code imports through this importer
        self.patched_builtins = builtins.__dict__.copy()
        self.patched_builtins["__import__"] = self.__import__
        self.modules["torch_package_importer"] = self   # packaged code may ask for its importer
        self._mangler = PackageMangler()
        self.storage_context = None
        self.last_map_location = None
        self.Unpickler = lambda *args, **kwargs: PackageUnpickler(self, *args, **kwargs)

    # ------------------------------------------------------------------------------ public API
    def import_module(self, name, package=None):
        """The module ``name`` of the package (loaded on first use into ``self.modules``, not
        ``sys.modules``). ``package`` is unused, as in ``importlib.import_module``'s signature. A name
        mangled by this importer (an object's ``__module__``) is accepted too."""
        return self._gcd_import(self._mangler.demangle(name))

    def load_binary(self, package, resource):
        """The bytes of ``resource`` in ``package`` (``"my_package.my_subpackage"``)."""
        return self.zip_reader.get_record(self._zipfile_path(package, resource))

    def load_text(self, package, resource, encoding="utf-8", errors="strict"):
        """The text of ``resource`` in ``package``, decoded with ``encoding`` and ``errors``."""
        return self.load_binary(package, resource).decode(encoding, errors)

    def load_pickle(self, package, resource, map_location=None):
        """The object pickled as ``resource`` in ``package``; the modules its classes live in are
        imported with ``import_module``; ``map_location`` says where tensors go, as in ``ember.load``."""
        pickle_file = self._zipfile_path(package, resource)
        restore = _ser._restore_location(map_location)
        byteorder = (self.zip_reader.get_record("byteorder").decode("utf-8", "replace")
                     if self.zip_reader.has_record("byteorder") else sys.byteorder)
        loaded_storages, loaded_reduces = {}, {}

        def load_storage(stype, key, location, numel):
            name = f".data/{key}.storage"
            np_dtype = _ser._storage_np_dtype(stype)
            data = self.zip_reader.get_record(name)
            if len(data) != numel * np_dtype.itemsize:
                kind = stype.name[:-len("Storage")]
                raise RuntimeError(f"record size ({len(data)} bytes) does not match expected size "
                                   f"({numel * np_dtype.itemsize} bytes = {numel} elements * {np_dtype.itemsize} "
                                   f"bytes/element) for dtype {kind}")
            raw = np.frombuffer(bytearray(data), np_dtype)
            return _ser._make_storage(raw, stype, location, restore, byteorder)

        def persistent_load(saved_id):
            if not isinstance(saved_id, tuple):
                raise AssertionError(f"saved_id must be a tuple, got {type(saved_id).__name__}")
            typename = saved_id[0].decode("ascii") if isinstance(saved_id[0], bytes) else saved_id[0]
            data = saved_id[1:]
            if typename == "storage":
                stype, key, location, numel = data
                if not isinstance(stype, _ser._StorageType):
                    raise pickle.UnpicklingError(f"unsupported storage type in package: {stype!r}")
                if isinstance(location, bytes):
                    location = location.decode("ascii")
                if key not in loaded_storages:
                    loaded_storages[key] = load_storage(stype, key, location, int(numel))
                storage = loaded_storages[key]
                return TypedStorage._wrap(storage._untyped_storage, stype.dtype)
            if typename == "reduce_package":
                if len(data) == 2:    # packages written before reduce ids: rebuilt at each use
                    func, args = data
                    return func(self, *args)
                reduce_id, func, args = data
                if reduce_id not in loaded_reduces:
                    loaded_reduces[reduce_id] = func(self, *args)
                return loaded_reduces[reduce_id]
            raise pickle.UnpicklingError(f"Unknown typename for persistent_load, expected 'storage' or "
                                         f"'reduce_package' but got '{typename}'")

        unpickler = self.Unpickler(io.BytesIO(self.zip_reader.get_record(pickle_file)))
        unpickler.persistent_load = persistent_load
        # objects rebuilt by __reduce_package__ may look these up while the pickle loads
        self.storage_context, self.last_map_location = loaded_storages, map_location
        try:
            return unpickler.load()
        finally:
            self.storage_context = self.last_map_location = None

    def id(self):
        """The private parent name of this importer's modules, such as ``<torch_package_0>``."""
        return self._mangler.parent_name()

    def file_structure(self, *, include="**", exclude=()):
        """The package's files as a ``Directory`` tree, limited to paths ``include`` matches and
        ``exclude`` does not (glob patterns over '/'-separated paths, as in ``PackageExporter.mock``)."""
        return _create_directory_from_file_list(self.filename, self.zip_reader.get_all_records(), include, exclude)

    def python_version(self):
        """The Python version that wrote the package (``'3.11.7'``), or None if it recorded none."""
        path = ".data/python_version"
        if not self.zip_reader.has_record(path):
            return None
        return self.zip_reader.get_record(path).decode("utf-8").strip()

    # note: named so that linecache finds the source of the package's modules (given a mangled name)
    def get_source(self, module_name):
        module = self.import_module(demangle(module_name))
        return self.zip_reader.get_record(demangle(module.__file__)).decode("utf-8")

    # note: named so that importlib.resources finds the package's resources
    def get_resource_reader(self, fullname):
        try:
            package = self._get_package(fullname)
        except ImportError:
            return None
        if package.__loader__ is not self:
            return None
        return _PackageResourceReader(self, fullname)

    # ----------------------------------------------------------------------------- the tree
    def _read_extern(self):
        return self.zip_reader.get_record(".data/extern_modules").decode("utf-8").splitlines(keepends=False)

    def _get_or_create_package(self, atoms):
        cur = self.root
        for i, atom in enumerate(atoms):
            node = cur.children.get(atom)
            if node is None:
                node = cur.children[atom] = _PackageNode(None)
            if isinstance(node, _ExternNode):
                return node
            if isinstance(node, _ModuleNode):
                name = ".".join(atoms[:i])
                raise ImportError(f"inconsistent module structure. module {name} is not a package, but has "
                                  "submodules")
            cur = node
        return cur

    def _add_file(self, filename):
        *prefix, last = filename.split("/")
        if len(prefix) > 1 and prefix[0] == ".data":
            return
        package = self._get_or_create_package(prefix)
        if isinstance(package, _ExternNode):
            raise ImportError(f"inconsistent module structure. package contains a module file {filename} that is "
                              "a subpackage of a module marked external.")
        if last == "__init__.py":
            package.source_file = filename
        elif last.endswith(".py"):
            package.children[last[:-len(".py")]] = _ModuleNode(filename)

    def _is_extern(self, name):
        """Whether the package takes module ``name`` from outside."""
        cur = self.root
        for atom in name.split("."):
            if not isinstance(cur, _PackageNode) or atom not in cur.children:
                return False
            cur = cur.children[atom]
            if isinstance(cur, _ExternNode):
                return True
        return False

    def _add_extern(self, extern_name):
        *prefix, last = extern_name.split(".")
        package = self._get_or_create_package(prefix)
        if not isinstance(package, _ExternNode):   # else a shorter extern already covers this one
            package.children[last] = _ExternNode()

    # --------------------------------------------------------------------------- importing
    def _make_module(self, name, filename, is_package, parent):
        mangled_filename = self._mangler.mangle(filename) if filename else None
        spec = importlib.machinery.ModuleSpec(name, self, origin="<package_importer>", is_package=is_package)
        module = importlib.util.module_from_spec(spec)
        self.modules[name] = module
        module.__name__ = self._mangler.mangle(name)
        ns = module.__dict__
        ns.update(__spec__=spec, __loader__=self, __file__=mangled_filename, __cached__=None,
                  __builtins__=self.patched_builtins, __torch_package__=True)
        _package_imported_modules[module.__name__] = module
        # on the parent before the code runs, so that `from . import x` inside it finds x here
        self._install_on_parent(parent, name, module)
        if filename is not None:
            linecache.lazycache(mangled_filename, ns)   # tracebacks and inspect show the packaged source
            source = _normalize_line_endings(self.zip_reader.get_record(filename))
            exec(compile(source, mangled_filename, "exec", dont_inherit=True), ns)
        return module

    def _load_module(self, name, parent):
        cur = self.root
        for atom in name.split("."):
            if not isinstance(cur, _PackageNode) or atom not in cur.children:
                if name in IMPLICIT_IMPORT_ALLOWLIST:
                    module = self.modules[name] = importlib.import_module(name)
                    return module
                raise ModuleNotFoundError(
                    f'No module named "{name}" in self-contained archive "{self.filename}" and the module is also '
                    f"not in the list of allowed external modules: {self.extern_modules}", name=name)
            cur = cur.children[atom]
            if isinstance(cur, _ExternNode):
                module = self.modules[name] = _import_external(name)
                for old_name, value in EXTERN_IMPORT_COMPAT_NAME_MAPPING.get(name, {}).items():
                    module.__dict__.setdefault(old_name, value)
                return module
        return self._make_module(name, cur.source_file, isinstance(cur, _PackageNode), parent)

    def _install_on_parent(self, parent, name, module):
        if not parent:
            return
        parent_module = self.modules[parent]
        if parent_module.__loader__ is self:
            setattr(parent_module, name.rpartition(".")[2], module)

    def _do_find_and_load(self, name):
        parent = name.rpartition(".")[0]
        if parent:
            if parent not in self.modules:
                self._gcd_import(parent)
            if name in self.modules:   # importing the parent imported it
                return self.modules[name]
            if not hasattr(self.modules[parent], "__path__"):
                raise ModuleNotFoundError(f"No module named {name!r}; {parent!r} is not a package", name=name)
        module = self._load_module(name, parent)
        self._install_on_parent(parent, name, module)
        return module

    def _find_and_load(self, name):
        module = self.modules.get(name, _NEEDS_LOADING)
        if module is _NEEDS_LOADING:
            return self._do_find_and_load(name)
        if module is None:
            raise ModuleNotFoundError(f"import of {name} halted; None in sys.modules", name=name)
        # submodules some standard modules put in sys.modules by hand
        if name == "os":
            self.modules["os.path"] = module.path
        return module

    def _gcd_import(self, name, package=None, level=0):
        _sanity_check(name, package, level)
        if level > 0:
            name = _resolve_name(name, package, level)
        return self._find_and_load(name)

    def _handle_fromlist(self, module, fromlist, *, recursive=False):
        module_name = demangle(module.__name__)
        if not hasattr(module, "__path__"):
            return module
        for x in fromlist:
            if not isinstance(x, str):
                where = module_name + ".__all__" if recursive else "``from list''"
                raise TypeError(f"Item in {where} must be str, not {type(x).__name__}")
            if x == "*":
                if not recursive and hasattr(module, "__all__"):
                    self._handle_fromlist(module, module.__all__, recursive=True)
            elif not hasattr(module, x):
                from_name = f"{module_name}.{x}"
                try:
                    self._gcd_import(from_name)
                except ModuleNotFoundError as exc:
                    # as Python's import: a missing submodule named in a from-list is not an error here
                    # (the attribute lookup that follows reports it)
                    if exc.name == from_name and self.modules.get(from_name, _NEEDS_LOADING) is not None:
                        continue
                    raise
        return module

    def __import__(self, name, globals=None, locals=None, fromlist=(), level=0):
        if level == 0:
            module = self._gcd_import(name)
        else:
            module = self._gcd_import(name, _calc___package__(globals if globals is not None else {}), level)
        if fromlist:
            return self._handle_fromlist(module, fromlist)
        # `import a.b.c` gives `a`
        if level == 0:
            return self._gcd_import(name.partition(".")[0])
        if not name:
            return module
        cut_off = len(name) - len(name.partition(".")[0])
        module_name = demangle(module.__name__)
        return self.modules[module_name[:len(module_name) - cut_off]]

    def _get_package(self, package):
        if hasattr(package, "__spec__"):
            if package.__spec__.submodule_search_locations is None:
                raise TypeError(f"{package.__spec__.name!r} is not a package")
            return package
        module = self.import_module(package)
        if module.__spec__ is None or module.__spec__.submodule_search_locations is None:
            raise TypeError(f"{package!r} is not a package")
        return module

    def _zipfile_path(self, package, resource=None):
        package = self._get_package(package)
        if package.__loader__ is not self:
            raise AssertionError(f"package.__loader__ must be self, got {package.__loader__}")
        folder = demangle(package.__name__).replace(".", "/")
        return folder if resource is None else f"{folder}/{_normalize_path(resource)}"


class _PathNode:
    __slots__ = []


class _PackageNode(_PathNode):
    def __init__(self, source_file):
        self.source_file = source_file
        self.children = {}


class _ModuleNode(_PathNode):
    __slots__ = ["source_file"]

    def __init__(self, source_file):
        self.source_file = source_file


class _ExternNode(_PathNode):
    pass


# every module a package importer made, by mangled name (inspect finds their classes' files here)
_package_imported_modules = WeakValueDictionary()
_orig_getfile = inspect.getfile


def _patched_getfile(object):
    # NOTE: inspect looks a class's file up in sys.modules, where packaged modules never are
    if inspect.isclass(object) and object.__module__ in _package_imported_modules:
        return _package_imported_modules[object.__module__].__file__
    return _orig_getfile(object)


inspect.getfile = _patched_getfile


class _PackageResourceReader:
    """``importlib.resources`` access to the files of one package inside a ``PackageImporter``."""

    def __init__(self, importer, fullname):
        self.importer = importer
        self.fullname = fullname

    def open_resource(self, resource):
        return io.BytesIO(self.importer.load_binary(self.fullname, resource))

    def resource_path(self, resource):
        reader = self.importer.zip_reader
        if isinstance(reader, DirectoryReader) and reader.has_record(os.path.join(self.fullname, resource)):
            return os.path.join(reader.directory, self.fullname, resource)
        raise FileNotFoundError

    def is_resource(self, name):
        return self.importer.zip_reader.has_record(self.importer._zipfile_path(self.fullname, name))

    def contents(self):
        from pathlib import Path
        base = Path(self.importer._zipfile_path(self.fullname))
        seen = set()
        for filename in self.importer.zip_reader.get_all_records():
            try:
                relative = Path(filename).relative_to(base)
            except ValueError:
                continue
            parent_name = relative.parent.name
            if not parent_name:
                yield relative.name
            elif parent_name not in seen:
                seen.add(parent_name)
                yield parent_name


