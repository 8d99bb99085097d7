"""Module-name mangling: every ``PackageImporter`` gives the modules it loads a private parent name.

The parent is ``<torch_package_N>`` (N counts importers in this process), the name PyTorch uses, so
code that recognises packaged modules by their names (``is_mangled``) works on both libraries.
"""
import itertools
import re

_next_index = itertools.count()
_MANGLED = re.compile(r"<torch_package_\d+>")


class PackageMangler:
    """Mangles names under one fresh parent ``<torch_package_N>`` and strips that parent again."""

    def __init__(self):
        self._parent = f"<torch_package_{next(_next_index)}>"

    def mangle(self, name):
        if not name:
            raise AssertionError("name must not be empty")
        return f"{self._parent}.{name}"

    def demangle(self, mangled):
        """``mangled`` without this mangler's parent (names of other importers pass unchanged)."""
        prefix = self._parent + "."
        return mangled[len(prefix):] if mangled.startswith(prefix) else mangled

    def parent_name(self):
        return self._parent


def is_mangled(name):
    """Whether ``name`` starts with a package importer's private parent."""
    return _MANGLED.match(name) is not None


def demangle(name):
    """``name`` without whichever importer's parent it carries ('' for a bare parent)."""
    if not is_mangled(name):
        return name
    _, sep, rest = name.partition(".")
    return rest if sep else ""


def get_mangle_prefix(name):
    """The ``<torch_package_N>`` parent of a mangled name (the name itself otherwise)."""
    return name.partition(".")[0] if is_mangled(name) else name
