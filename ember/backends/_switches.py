"""What the back-end switch modules (cudnn, mkldnn, nnpack, miopen) share: ``set_flags`` sets some of a
module's switches and hands back all of their old values, and ``flags`` is that change for a ``with`` block."""
import contextlib


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
