"""What the back-end switch modules (cudnn, mkldnn, nnpack, miopen) share: ``set_flags`` sets some of a
module's switches and hands back all of their old values, and ``flags`` is that change for a ``with`` block.
After ``ember.backends.disable_global_flags()`` (test suites call it) plain assignments to the switches are
refused: only ``flags()`` and ``set_flags`` change them."""
import contextlib
import sys
import types

_mutation_allowed = [True]


def flags_frozen():
    """Whether plain assignments to the switches are refused (after ``disable_global_flags()``)."""
    return not _mutation_allowed[0]


def check_assignable(module_name):
    """Refuses a plain assignment to a switch of ``module_name`` while the switches are frozen."""
    if flags_frozen():
        raise RuntimeError(f"not allowed to set {module_name} flags after disable_global_flags; please use "
                           "flags() context manager instead")


class _GuardedSwitches(types.ModuleType):
    """A switch module whose switch attributes refuse plain assignment while the switches are frozen."""

    def __setattr__(self, name, value):
        if name in self.__dict__.get('_SWITCHES', ()):
            check_assignable(self.__name__)
        super().__setattr__(name, value)


def guard_switches(module_name, names):
    """Makes assignments to ``names`` on module ``module_name`` obey ``disable_global_flags()``."""
    module = sys.modules[module_name]
    module._SWITCHES = frozenset(names)
    module.__class__ = _GuardedSwitches


def set_switches(namespace, switches):
    """Sets each ``(name, value, convert)`` of ``switches`` whose value is not None in ``namespace`` (a
    module's globals), through ``convert`` when it is given; returns every switch's previous value, in order."""
    previous = tuple(namespace[name] for name, _, _ in switches)
    for name, value, convert in switches:
        if value is not None:
            namespace[name] = convert(value) if convert else value
    return previous


@contextlib.contextmanager
def switched(set_flags, *values):
    """``set_flags(*values)`` inside a ``with`` block, the old values restored after it."""
    previous = set_flags(*values)
    try:
        yield
    finally:
        set_flags(*previous)
