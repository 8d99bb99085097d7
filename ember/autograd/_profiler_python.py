"""The Python function events of a profile with ``with_stack=True``, as PyTorch's Python tracer records them.

While such a profile runs, a ``sys.setprofile`` hook opens an event for each Python function the program
calls (``file(line): name``, the file relative to its ``sys.path`` entry) and each built-in one it calls
(``<built-in function hasattr>``, the built-in's repr), nested as they call each other, with the ops they
run inside them; the frames already running when the profile starts are opened first, at their current
lines. ember's own functions, and what they call, are not recorded: they stand for PyTorch's operators,
whose insides (C++) its tracer does not see either; a module's ``forward`` (Python in PyTorch as well) and a
function of the program's that ember calls back are.

An op's ``stack`` (and a Python event's) is the names of the Python events around it, innermost first, only
under ``experimental_config=_ExperimentalConfig(verbose=True)``: without it PyTorch leaves them empty.
"""
import os
import sys
import sysconfig

_EMBER = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def _ours(code):
    return code.co_filename.startswith(_EMBER)


def _short(path):
    """``path`` relative to the longest ``sys.path`` entry holding it (PyTorch's names: torch/nn/...)."""
    best = ''
    for entry in sys.path:
        root = os.path.join(os.path.abspath(entry or '.'), '')
        if path.startswith(root) and len(root) > len(best):
            best = root
    return path[len(best):] if best else path


_STDLIB = os.path.join(sysconfig.get_paths()['stdlib'], '')


def _package_dirs(names):
    dirs = []
    for name in names:
        module = sys.modules.get(name)
        for path in getattr(module, '__path__', None) or ():
            dirs.append(os.path.join(os.path.abspath(path), ''))
    return tuple(dirs)


def _kind(code, backends):
    """'ember'; 'library' for the standard library and ember's array libraries (NumPy, ...), recorded only
    where the program calls them; else 'program'."""
    path = code.co_filename
    if path.startswith(_EMBER):
        return 'ember'
    if path.startswith(_STDLIB) and 'site-packages' not in path or path.startswith('<frozen') \
            or path.startswith(backends):
        return 'library'
    return 'program'


def _module_forward(frame):
    if frame.f_code.co_name != 'forward':
        return False
    modules = sys.modules.get('ember.nn.modules.module')
    return modules is not None and isinstance(frame.f_locals.get('self'), modules.Module)


class PythonTracer:
    """Opens and closes Python function events through ``open_event(name)`` / ``close_event(event)``."""

    def __init__(self, open_event, close_event):
        self._open_event, self._close_event = open_event, close_event
        self._open = []         # (frame id or None for a built-in, event), outermost first
        # (frame id, whether calls under it are ember's insides): pushed where that changes
        self._modes = []
        self._previous = None
        self._backends = _package_dirs(('numpy', 'scipy', 'ml_dtypes', 'cupy', 'cupy_backends', 'threadpoolctl'))

    def _start_event(self, key, name):
        ev = self._open_event(name)
        ev.is_python_function = True
        self._open.append((key, ev))

    def _inside(self):
        return bool(self._modes) and self._modes[-1][1]

    def _enter(self, frame, at_line):
        """Record ``frame``'s call if the program made it (or ember's where the program calls it)."""
        kind = _kind(frame.f_code, self._backends)
        inside = self._inside()
        # (a module's forward is Python in PyTorch too: ember's are recorded, what they call inside is not)
        if kind == 'program' or kind == 'library' and not inside or kind == 'ember' and _module_forward(frame):
            code = frame.f_code
            self._start_event(id(frame), f'{_short(code.co_filename)}({at_line}): {code.co_name}')
        if kind == 'program' and inside or kind == 'ember' and not inside:
            self._modes.append((id(frame), kind == 'ember'))

    def start(self, skip=1):
        running = []
        frame = sys._getframe(skip + 1)
        while frame is not None:
            running.append(frame)
            frame = frame.f_back
        for frame in reversed(running):
            self._enter(frame, frame.f_lineno)
        self._previous = sys.getprofile()
        sys.setprofile(self._hook)

    def stop(self):
        sys.setprofile(self._previous)
        while self._open:
            self._close_event(self._open.pop()[1])
        self._modes.clear()

    def _close_through(self, key):
        """Close the events opened since ``key``'s, and its own."""
        if not any(k == key for k, _ in self._open):
            return
        while self._open:
            k, ev = self._open.pop()
            self._close_event(ev)
            if k == key:
                return

    def _hook(self, frame, event, arg):
        if event == 'call':
            self._enter(frame, frame.f_code.co_firstlineno)
        elif event == 'return':
            self._close_through(id(frame))
            if self._modes and self._modes[-1][0] == id(frame):
                self._modes.pop()
        elif event == 'c_call':
            if not self._inside() and _kind(frame.f_code, self._backends) != 'ember':
                self._start_event(None, repr(arg))
        elif event in ('c_return', 'c_exception'):
            if self._open and self._open[-1][0] is None and not self._inside() \
                    and _kind(frame.f_code, self._backends) != 'ember':
                self._close_event(self._open.pop()[1])
