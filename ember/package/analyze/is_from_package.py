from types import ModuleType

from .._mangling import is_mangled


def is_from_package(obj):
    """Whether ``obj`` (a module, or an object by its class) was loaded from a package. Objects of
    modules the package took from outside (extern) are not."""
    if type(obj) is ModuleType:
        return is_mangled(obj.__name__)
    return is_mangled(type(obj).__module__)
