"""``PackageExporter``: writes code, pickled objects and resources into a self-contained package that
``PackageImporter`` (ember's or PyTorch's ``torch.package``) loads.

Which modules travel with the package is decided per module by the patterns given to ``intern``
(copy its source in), ``extern`` (the loader provides it), ``mock`` (a stand-in whose attributes
refuse to be used) and ``deny`` (an error). PyTorch's modules (``torch.*``, ember's stand-ins for them)
and the standard library are external without being asked, as in PyTorch.
"""
import collections
import importlib.machinery
import io
import linecache
import os
import pickletools
import platform
from collections import OrderedDict, defaultdict
from enum import Enum
from importlib.machinery import SourceFileLoader
from pathlib import Path

from ember._zip_archive import PyTorchFileWriter
from ember.compat import ember_module_name
from ember.serialization import _raw_bytes

from ._digraph import DiGraph
from ._importlib import _normalize_path
from ._mangling import demangle, is_mangled
from ._package_pickler import PackagePickler
from ._stdlib import is_stdlib_module
from .find_file_dependencies import find_files_source_depends_on
from .glob_group import GlobGroup
from .importer import Importer, OrderedImporter, sys_importer

__all__ = ["PackagingErrorReason", "EmptyMatchError", "PackagingError", "PackageExporter"]

# as PyTorch: ScriptModules go into packages only once this is set to False
_gate_torchscript_serialization = True


class _ModuleProviderAction(Enum):
    """What the exporter does with a module (see ``PackageExporter.extern`` and friends)."""
    INTERN = 1
    EXTERN = 2
    MOCK = 3
    DENY = 4
    # the package's own _mock module (from repackaging a package with mocks): written, not looked up
    REPACKAGED_MOCK_MODULE = 5
    # modules the loader makes up (torch_package_importer): nothing to write
    SKIP = 6


class PackagingErrorReason(Enum):
    """Why a module could not be packaged (the headings of a ``PackagingError``)."""

    def __repr__(self):
        return f"<{self.__class__.__name__}.{self.name}>"

    IS_EXTENSION_MODULE = "Module is a C extension module. torch.package supports Python modules only."
    NO_DUNDER_FILE = "Module had no __file__ defined."
    SOURCE_FILE_NOT_FOUND = "Module had a __file__, but we could not find it in your filesystem."
    DEPENDENCY_RESOLUTION_FAILED = "Dependency resolution failed."
    NO_ACTION = "Module did not match against any action pattern. Extern, mock, or intern it."
    DENIED = "Module was denied by a pattern."
    MOCKED_BUT_STILL_USED = ("Module was mocked out, but is still being used in the package. Please intern or extern "
                             "the mocked modules if objects are supposed to be in the package.")


class _PatternInfo:
    """One pattern's action, whether it may match nothing, and whether it matched something."""

    def __init__(self, action, allow_empty):
        self.action = action
        self.allow_empty = allow_empty
        self.was_matched = False


class EmptyMatchError(Exception):
    """Raised when a pattern given with ``allow_empty=False`` matched no module by ``close()``."""


# standard-library modules too powerful to take from the loader's environment without being asked
_DISALLOWED_MODULES = ["sys", "io"]


class PackagingError(Exception):
    """Raised by ``close()`` when modules cannot be packaged: lists every broken module, by reason."""

    def __init__(self, dependency_graph, debug=False):
        broken = defaultdict(list)
        for module_name, attrs in dependency_graph.nodes.items():
            error = attrs.get("error")
            if error is not None:
                broken[error].append(module_name)
        message = io.StringIO()
        message.write("\n")
        for reason, module_names in broken.items():
            message.write(f"* {reason.value}\n")
            for module_name in module_names:
                message.write(f"    {module_name}\n")
                context = dependency_graph.nodes[module_name].get("error_context")
                if context is not None:
                    message.write(f"      Context: {context}\n")
                if module_name in _DISALLOWED_MODULES:
                    message.write(
                        "      Note: While we usually use modules in the python standard library from the local "
                        f"environment, `{module_name}` has a lot of system level access and therefore can pose a "
                        f"security risk. We heavily recommend removing `{module_name}` from your packaged code. "
                        "However, if that is not possible, add it to the extern list by calling "
                        f'PackageExporter.extern("`{module_name}`")\n')
                if debug:
                    path = dependency_graph.first_path(module_name)
                    message.write(f"      A path to {module_name}: {' -> '.join(path)}\n")
        if not debug:
            message.write("\n")
            message.write("Set debug=True when invoking PackageExporter for a visualization of where broken modules "
                          "are coming from!\n")
        self.dependency_graph = dependency_graph
        super().__init__(message.getvalue())


def _read_file(filename):
    with open(filename, "rb") as f:
        return f.read().decode("utf-8")


# the source of every mocked module: each attribute is a MockedObject named after it
_MOCK_IMPL = """\
from _mock import MockedObject
def __getattr__(attr: str):
    return MockedObject(__name__ + '.' + attr, _suppress_err=True)
"""


class PackageExporter:
    """Writes a package: source code, pickled objects (``save_pickle``) and text or binary resources.

    Source is copied file by file; with ``dependencies=True`` the exporter scans it (and pickles) for
    the modules they import and treats each by the first ``intern``/``extern``/``mock``/``deny``
    pattern that matches it. ``close()`` (or leaving a ``with`` block) writes the archive, raising
    ``PackagingError`` that lists every module that could not be handled.

    Args:
        f: a path, or a writable binary file object.
        importer: where modules and objects are looked up: an ``Importer`` or a sequence of them
            (tried in order); by default Python's import system.
        debug: add to a ``PackagingError`` the path by which each broken module was reached.
    """

    importer: Importer

    def __init__(self, f, importer=sys_importer, debug=False):
        self.debug = debug
        if isinstance(f, (str, os.PathLike)):
            f = os.fspath(f)
            self.buffer = None
        else:
            self.buffer = f
        self.zip_file = PyTorchFileWriter(f)
        self.zip_file.set_min_version(6)
        self._written_files = set()
        self.serialized_reduces = {}
        self.dependency_graph = DiGraph()
        self._storages = {}          # id(buffer) -> (storage id, buffer): each storage is written once
        self._extern_hooks = OrderedDict()
        self._mock_hooks = OrderedDict()
        self._intern_hooks = OrderedDict()
        if isinstance(importer, Importer):
            self.importer = importer
        else:
            if not isinstance(importer, collections.abc.Sequence):
                raise TypeError("importer arg should be an Importer or a sequence of Importers, got "
                                f"{type(importer)} instead.")
            self.importer = OrderedImporter(*importer)
        self.patterns = {}
        self._unique_id = 0

    # ------------------------------------------------------------------------------ source
    def save_source_file(self, module_name, file_or_directory, dependencies=True):
        """Add the source at ``file_or_directory`` as module ``module_name`` (a folder: every ``.py`` file
        under it, as submodules; an ``__init__.py`` makes a package)."""
        path = Path(file_or_directory)
        if path.is_dir():
            to_save = []
            module_path = module_name.replace(".", "/")
            for filename in path.glob("**/*.py"):
                archivename = module_path + "/" + filename.relative_to(path).as_posix()
                if filename.name == "__init__.py":
                    submodule, is_package = archivename[:-len("/__init__.py")].replace("/", "."), True
                else:
                    submodule, is_package = archivename[:-len(".py")].replace("/", "."), False
                to_save.append((submodule, _read_file(str(filename)), is_package, dependencies))
            for item in to_save:
                self.save_source_string(*item)
        else:
            self.save_source_string(module_name, _read_file(file_or_directory), path.name == "__init__.py",
                                    dependencies)

    def get_unique_id(self):
        """An id handed out only once in this package."""
        ret = str(self._unique_id)
        self._unique_id += 1
        return ret

    def _get_dependencies(self, src, module_name, is_package):
        package_name = module_name if is_package else module_name.rsplit(".", maxsplit=1)[0]
        try:
            pairs = find_files_source_depends_on(src, package_name)
        except Exception as e:  # noqa: BLE001 - reported as the module's packaging error
            self.dependency_graph.add_node(module_name, error=PackagingErrorReason.DEPENDENCY_RESOLUTION_FAILED,
                                           error_context=str(e))
            return []
        dependencies = {}
        for dep_module, dep_obj in pairs:
            # `from a import b`: a.b when b is a submodule, else a
            if dep_obj is not None and self._module_exists(f"{dep_module}.{dep_obj}"):
                dependencies[f"{dep_module}.{dep_obj}"] = True
            elif self._module_exists(dep_module):
                dependencies[dep_module] = True
        return list(dependencies)

    def save_source_string(self, module_name, src, is_package=False, dependencies=True):
        """Add ``src`` as the source of ``module_name`` (a package if ``is_package``, so that it may have
        submodules and resources); with ``dependencies`` the modules it imports are handled too."""
        self.dependency_graph.add_node(module_name, source=src, is_package=is_package, provided=True,
                                       action=_ModuleProviderAction.INTERN)
        if dependencies:
            for dep in self._get_dependencies(src, module_name, is_package):
                self.dependency_graph.add_edge(module_name, dep)
                self.add_dependency(dep)

    def _write_source_string(self, module_name, src, is_package=False):
        self._write(module_name.replace(".", "/") + ("/__init__.py" if is_package else ".py"), src)

    def _import_module(self, module_name):
        if ember_module_name(module_name) is not None and self.importer is sys_importer:
            # PyTorch's module names stand for ember's here, as when ember loads the package
            from .package_importer import _import_external
            return _import_external(module_name)
        try:
            return self.importer.import_module(module_name)
        except ModuleNotFoundError:
            if not is_mangled(module_name):
                raise
            raise ModuleNotFoundError(f"Module not found: '{module_name}'. Make sure the PackageImporter that "
                                      "created this module is present in `self.importer`") from None

    def _module_exists(self, module_name):
        try:
            self._import_module(module_name)
            return True
        except Exception:  # noqa: BLE001 - any failure to import means "not a module"
            return False

    def _get_source_of_module(self, module):
        filename = None
        spec = getattr(module, "__spec__", None)
        loader = getattr(spec, "loader", None) if spec is not None else None
        if isinstance(loader, SourceFileLoader):
            try:
                filename = loader.get_filename(module.__name__)
            except ImportError:
                pass
        if filename is None:
            filename = getattr(module, "__file__", None)
        if isinstance(filename, str) and filename.endswith(".py"):
            # linecache also finds the source of modules loaded from a package (their loader has it)
            return "".join(linecache.getlines(filename, module.__dict__))
        return None

    def add_dependency(self, module_name, dependencies=True):
        """Add ``module_name`` to the dependency graph with the action of the first pattern it matches."""
        node = self.dependency_graph.nodes.get(module_name)
        if node is not None and node.get("provided") is True:
            return
        if module_name == "torch_package_importer":
            self.dependency_graph.add_node(module_name, action=_ModuleProviderAction.SKIP, provided=True)
            return
        if module_name == "_mock":
            self.dependency_graph.add_node(module_name, action=_ModuleProviderAction.REPACKAGED_MOCK_MODULE,
                                           provided=True)
            return
        if self._can_implicitly_extern(module_name):
            self.dependency_graph.add_node(module_name, action=_ModuleProviderAction.EXTERN, provided=True)
            return
        for pattern, info in self.patterns.items():
            if pattern.matches(module_name):
                info.was_matched = True
                self.dependency_graph.add_node(module_name, action=info.action, provided=True)
                if info.action == _ModuleProviderAction.DENY:
                    self.dependency_graph.add_node(module_name, error=PackagingErrorReason.DENIED)
                if info.action == _ModuleProviderAction.INTERN:
                    self._intern_module(module_name, dependencies)
                return
        self.dependency_graph.add_node(module_name, error=PackagingErrorReason.NO_ACTION)

    def save_module(self, module_name, dependencies=True):
        """Copy the source of the module ``module_name`` (found through the importer, then its
        ``__file__``) into the package."""
        if not isinstance(module_name, str):
            raise TypeError("save_module() expects a string input, did you perhaps mean to pass `__name__`?")
        self._intern_module(module_name, dependencies)

    def _intern_module(self, module_name, dependencies):
        module = self._import_module(module_name)
        module_name = demangle(module_name)
        is_package = hasattr(module, "__path__")
        source = self._get_source_of_module(module)
        if source is None:
            filename = getattr(module, "__file__", None)
            context = None
            if filename is None:
                error = PackagingErrorReason.NO_DUNDER_FILE
            elif filename.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES)):
                error = PackagingErrorReason.IS_EXTENSION_MODULE
            else:
                error = PackagingErrorReason.SOURCE_FILE_NOT_FOUND
                context = f"filename: {filename}"
            self.dependency_graph.add_node(module_name, action=_ModuleProviderAction.INTERN, is_package=is_package,
                                           error=error, error_context=context, provided=True)
            return
        self.dependency_graph.add_node(module_name, action=_ModuleProviderAction.INTERN, is_package=is_package,
                                       source=source, provided=True)
        if dependencies:
            for dep in self._get_dependencies(source, module_name, is_package):
                self.dependency_graph.add_edge(module_name, dep)
                self.add_dependency(dep)

    # ----------------------------------------------------------------------------- objects
    def save_pickle(self, package, resource, obj, dependencies=True, pickle_protocol=3):
        """Pickle ``obj`` into the package as ``resource`` of ``package``, tensors stored as ``ember.save``
        stores them. With ``dependencies`` the modules its classes and functions come from are handled
        by the patterns (interned ones get their source copied in)."""
        if pickle_protocol not in (3, 4):
            raise AssertionError(f"torch.package only supports pickle protocols 3 and 4, got {pickle_protocol}")
        filename = self._filename(package, resource)
        buf = io.BytesIO()
        PackagePickler(self.importer, buf, pickle_protocol, self._storage_id, self._reduce_package).dump(obj)
        data = buf.getvalue()
        node_name = f"<{package}.{resource}>"
        self.dependency_graph.add_node(node_name, action=_ModuleProviderAction.INTERN, provided=True,
                                       is_pickle=True)
        if dependencies:
            mocked = defaultdict(list)
            globals_used = _pickled_globals(data, pickle_protocol)
            for module, field in globals_used:
                if self._can_implicitly_extern(module):
                    continue
                # the first pattern that matches the module decides
                info = next((i for p, i in self.patterns.items() if p.matches(module)), None)
                if info is not None and info.action == _ModuleProviderAction.MOCK:
                    mocked[module].append(field)
            for module_name in dict.fromkeys(m for m, _ in globals_used):
                self.dependency_graph.add_edge(node_name, module_name)
                if module_name in mocked:
                    self.dependency_graph.add_node(
                        module_name, action=_ModuleProviderAction.MOCK,
                        error=PackagingErrorReason.MOCKED_BUT_STILL_USED,
                        error_context=f"Object(s) '{mocked[module_name]}' from module `{module_name}` was mocked out "
                                      f"during packaging but is being used in resource - `{resource}` in package "
                                      f"`{package}`. ", provided=True)
                else:
                    self.add_dependency(module_name)
        self._write(filename, data)

    def _storage_id(self, ref):
        """The id of the storage whose buffer ``ref`` carries, writing its bytes the first time."""
        key = id(ref.array)
        if key not in self._storages:
            storage_id = len(self._storages)
            raw = _raw_bytes(ref.array)
            self.zip_file.write_record(f".data/{storage_id}.storage", raw.tobytes(), raw.nbytes)
            self._storages[key] = (storage_id, ref.array)   # the buffer is kept, so its id stays its own
        return self._storages[key][0]

    def _reduce_package(self, obj):
        if _gate_torchscript_serialization and type(obj).__name__ == "RecursiveScriptModule":
            raise Exception("Serializing ScriptModules directly into a package is a beta feature. To use, set global "
                            "`torch.package.package_exporter._gate_torchscript_serialization` to `False`.")
        if self.serialized_reduces.get(id(obj)) is None:
            self.serialized_reduces[id(obj)] = ("reduce_package", id(obj), *obj.__reduce_package__(self))
        return self.serialized_reduces[id(obj)]

    def save_text(self, package, resource, text):
        """Save the string ``text`` (as UTF-8) as ``resource`` of ``package``."""
        return self.save_binary(package, resource, text.encode("utf-8"))

    def save_binary(self, package, resource, binary):
        """Save the bytes ``binary`` as ``resource`` of ``package``."""
        self._write(self._filename(package, resource), binary)

    # ------------------------------------------------------------------------------ hooks
    def _register_hook(self, hooks, hook):
        from ember.utils.hooks import RemovableHandle
        handle = RemovableHandle(hooks)
        hooks[handle.id] = hook
        return handle

    def register_extern_hook(self, hook):
        """Call ``hook(exporter, module_name)`` for each module that matches an ``extern`` pattern, when
        the package is written; returns a handle whose ``remove()`` unregisters it."""
        return self._register_hook(self._extern_hooks, hook)

    def register_mock_hook(self, hook):
        """Call ``hook(exporter, module_name)`` for each mocked module when the package is written."""
        return self._register_hook(self._mock_hooks, hook)

    def register_intern_hook(self, hook):
        """Call ``hook(exporter, module_name)`` for each interned module when the package is written."""
        return self._register_hook(self._intern_hooks, hook)

    # ---------------------------------------------------------------------------- patterns
    def intern(self, include, *, exclude=(), allow_empty=True):
        """Copy the source of the modules ``include`` matches (and ``exclude`` does not) into the package,
        and handle their dependencies in turn. With ``allow_empty=False``, ``close()`` raises
        ``EmptyMatchError`` unless some module matched."""
        self.patterns[GlobGroup(include, exclude=exclude)] = _PatternInfo(_ModuleProviderAction.INTERN, allow_empty)

    def mock(self, include, *, exclude=(), allow_empty=True):
        """Replace the matching modules by stand-ins whose every attribute is a ``MockedObject`` that
        refuses to be used. Patterns are globs: ``'torch.**'`` matches torch and all its submodules,
        ``'torch.*'`` its direct submodules only."""
        self.patterns[GlobGroup(include, exclude=exclude)] = _PatternInfo(_ModuleProviderAction.MOCK, allow_empty)

    def extern(self, include, *, exclude=(), allow_empty=True):
        """List the matching modules as external: the loader imports them from its own environment."""
        self.patterns[GlobGroup(include, exclude=exclude)] = _PatternInfo(_ModuleProviderAction.EXTERN, allow_empty)

    def deny(self, include, *, exclude=()):
        """Refuse the matching modules: a dependency on one makes ``close()`` raise ``PackagingError``."""
        self.patterns[GlobGroup(include, exclude=exclude)] = _PatternInfo(_ModuleProviderAction.DENY,
                                                                          allow_empty=True)

    # ----------------------------------------------------------------------------- writing
    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        if exc_type is not None:
            # an error inside the block: leave a valid (if incomplete) archive and let it propagate
            self._finalize_zip()
            return
        self.close()

    def _write(self, filename, str_or_bytes):
        if filename in self._written_files:
            raise AssertionError(f"Tried to write file '{filename}', but it already exists in this archive. "
                                 "Please file a bug.")
        self._written_files.add(filename)
        if is_mangled(filename):
            raise AssertionError(f"Tried to save a torch.package'd module as '{filename}'. Directly saving "
                                 "torch.package'd modules is not allowed.")
        if isinstance(str_or_bytes, str):
            str_or_bytes = str_or_bytes.encode("utf-8")
        self.zip_file.write_record(filename, str_or_bytes, len(str_or_bytes))

    def _validate_dependency_graph(self):
        if any("error" in attrs for attrs in self.dependency_graph.nodes.values()):
            raise PackagingError(self.dependency_graph, debug=self.debug)
        for pattern, info in self.patterns.items():
            if not info.allow_empty and not info.was_matched:
                raise EmptyMatchError(f"Exporter did not match any modules to {pattern}, which was marked as "
                                      "allow_empty=False")

    def _write_mock_file(self):
        if "_mock.py" not in self._written_files:
            self._write_source_string("_mock", _read_file(str(Path(__file__).parent / "_mock.py")))

    def _execute_dependency_graph(self):
        self._validate_dependency_graph()
        extern_modules = []
        for module_name, attrs in self.dependency_graph.nodes.items():
            action = attrs["action"]
            if action == _ModuleProviderAction.EXTERN:
                for hook in self._extern_hooks.values():
                    hook(self, module_name)
                extern_modules.append(module_name)
            elif action == _ModuleProviderAction.MOCK:
                for hook in self._mock_hooks.values():
                    hook(self, module_name)
                self._write_mock_file()
                is_package = hasattr(self._import_module(module_name), "__path__")
                self._write_source_string(module_name, _MOCK_IMPL, is_package)
            elif action == _ModuleProviderAction.INTERN:
                for hook in self._intern_hooks.values():
                    hook(self, module_name)
                if attrs.get("is_pickle") is True:
                    continue
                self._write_source_string(module_name, attrs["source"], attrs["is_package"])
            elif action == _ModuleProviderAction.REPACKAGED_MOCK_MODULE:
                self._write_mock_file()
        self._write(".data/extern_modules", "\n".join(extern_modules) + "\n")

    def close(self):
        """Write the package: every module's source or mock, the list of external modules, the Python
        version; raises ``PackagingError`` (nothing more is written) if some module cannot be handled.
        Prefer ``with PackageExporter(...) as exporter:``, which calls it."""
        try:
            self._execute_dependency_graph()
            self._write(".data/python_version", platform.python_version())
        finally:
            # NOTE: finished even when packaging fails, so no half-written archive is left to the
            # garbage collector (whose order of destruction could close the file under it)
            self._finalize_zip()

    def _finalize_zip(self):
        if getattr(self, "zip_file", None) is None:
            return
        self.zip_file.write_end_of_file()
        self.zip_file = None
        if self.buffer:
            self.buffer.flush()

    def _filename(self, package, resource):
        return f"{package.replace('.', '/')}/{_normalize_path(resource)}"

    def _can_implicitly_extern(self, module_name):
        top = module_name.partition(".")[0]
        # torch (ember's stand-ins for it when loaded by ember) and ember itself come from the loader
        return top in ("torch", "ember") or (top not in _DISALLOWED_MODULES and is_stdlib_module(top))

    # ------------------------------------------------------------------------ inspection
    def dependency_graph_string(self):
        """The dependency graph in Graphviz's DOT language."""
        return self.dependency_graph.to_dot()

    def _nodes_with_action_type(self, action):
        return sorted(name for name, attrs in self.dependency_graph.nodes.items()
                      if attrs.get("action") == action and "is_pickle" not in attrs)

    def externed_modules(self):
        """The modules listed as external so far, sorted."""
        return self._nodes_with_action_type(_ModuleProviderAction.EXTERN)

    def interned_modules(self):
        """The modules whose source goes into the package, sorted."""
        return self._nodes_with_action_type(_ModuleProviderAction.INTERN)

    def mocked_modules(self):
        """The mocked modules, sorted."""
        return self._nodes_with_action_type(_ModuleProviderAction.MOCK)

    def denied_modules(self):
        """The denied modules, sorted."""
        return self._nodes_with_action_type(_ModuleProviderAction.DENY)

    def get_rdeps(self, module_name):
        """The modules that depend on ``module_name``."""
        return list(self.dependency_graph._pred.get(module_name, {}))

    def all_paths(self, src, dst):
        """The subgraph of every path from ``src`` to ``dst``, in DOT."""
        return self.dependency_graph.all_paths(src, dst)


def _pickled_globals(data, protocol):
    """The ``(module, name)`` of every global a pickle names, in order (protocol 3: GLOBAL; protocol 4:
    STACK_GLOBAL after the two strings it takes, which may come from the memo)."""
    found = []
    if protocol == 3:
        for opcode, arg, _ in pickletools.genops(data):
            if opcode.name == "GLOBAL":
                module, field = arg.split(" ")
                found.append((module, field))
        return found
    memo, count = {}, 0
    module = field = None
    for opcode, arg, _ in pickletools.genops(data):
        if opcode.name in ("SHORT_BINUNICODE", "BINUNICODE", "BINUNICODE8"):
            module, field = field, arg
            memo[count] = arg
        elif opcode.name in ("LONG_BINGET", "BINGET", "GET"):
            module, field = field, memo.get(arg)
        elif opcode.name == "MEMOIZE":
            count += 1
        elif opcode.name == "STACK_GLOBAL" and module is not None:
            found.append((module, field))
    return found
