import sys

__all__ = ["trace_dependencies"]


def trace_dependencies(callable, inputs):
    """The names of the modules whose functions run when ``callable(*args)`` is called for each ``args`` in
    ``inputs`` (their union): what a package of ``callable`` needs at run time."""
    modules_used = set()

    def record_used_modules(frame, event, arg):
        if event != "call":
            return
        name = frame.f_code.co_name
        module = None
        if name in frame.f_globals:
            module = getattr(frame.f_globals[name], "__module__", None)
        elif name in frame.f_locals:
            module = getattr(frame.f_locals[name], "__module__", None)
        elif "self" in frame.f_locals:
            method = getattr(frame.f_locals["self"], name, None)
            module = getattr(method, "__module__", None) if method else None
        if module:
            modules_used.add(module)

    previous = sys.getprofile()
    try:
        sys.setprofile(record_used_modules)
        for inp in inputs:
            callable(*inp)
    finally:
        sys.setprofile(previous)
    return list(modules_used)
