"""ember's ops notice ``Proxy`` arguments only while a trace runs.

The ``__torch_function__`` protocol costs every op a look at its arguments once switched on
(``ember/_torch_function.py``), so a trace switches it on for its own length and, unless a Tensor
subclass that takes part in the protocol appeared meanwhile, switches it off again: ordinary ops run
at full speed before and after tracing. Graphs then hold the functions users see (``ember.relu``
outside a trace), not the temporary wrappers.
"""
import contextlib
import sys

from ember import _torch_function as _tf
from ember._torch_function import unwrapped

_depth = [0]


@contextlib.contextmanager
def dispatch_for_tracing():
    if _tf._active and _depth[0] == 0:
        yield             # already on for good (a Tensor subclass asked for it)
        return
    _depth[0] += 1
    _tf.activate()
    try:
        yield
    finally:
        _depth[0] -= 1
        if _depth[0] == 0 and not _subclass_wants_dispatch() and not _mode_entered():
            _deactivate()


def plain_targets(graph):
    """Once dispatch is off again, record the plain functions users now see (``F.relu``), not the
    wrappers that were bound during the trace."""
    if not _tf._active:
        for n in graph.nodes:
            if n.op == 'call_function':
                n.target = unwrapped(n.target)


def current_binding(fn):
    """What ``fn`` is bound as right now: its wrapper while dispatch is on."""
    if _tf._active:
        return _tf._WRAPPERS.get(('functions', id(fn)), fn)
    return fn


def ensure_dispatch():
    """A proxy made outside a trace (graphs built by hand) switches dispatch on for good."""
    if _depth[0] == 0 and not _tf._active:
        _tf.activate()


def _mode_entered():
    # a TorchFunctionMode entered around the traced call (a compiled function called inside ``with mode:``) still
    # takes the calls that follow it, the compiled graph's among them
    from ember.overrides import _modes
    return _modes.any()


def _subclass_wants_dispatch():
    from ember._tensor import Tensor
    # the op tracer's own tensors (``_traces_only``) need dispatch only while a trace runs
    return any(wants and isinstance(t, type) and issubclass(t, Tensor) and not getattr(t, '_traces_only', False)
               for t, wants in list(_tf._WANTS.items()))


def _deactivate():
    from ember._tensor import Tensor
    spaces, classes = _tf.bound_switches()
    for target, name, fn, w, _ in spaces:
        if target.get(name) is w:
            target[name] = fn
    for target, name, fn, w, _ in classes:
        if target.__dict__.get(name) is w:
            setattr(target, name, fn)
    for name in _tf._OPERATORS:
        w = Tensor.__dict__.get(name)
        if unwrapped(w) is not w:
            setattr(Tensor, name, unwrapped(w))
    functional = sys.modules.get('ember.nn.functional')
    if functional is not None:
        space = vars(functional)
        for name, w in list(space.items()):
            if unwrapped(w) is not w:
                space[name] = unwrapped(w)
    _tf._active = False
