"""The one place tools watch or take over op calls: the profiler, the FLOP counter, selective
activation checkpointing, graph capture and vmap all register an observer here instead of
swapping ``Function.apply`` for a wrapper of their own.

An observer has a hook per kind of call it watches (the others stay ``None``):

* ``op(proceed, cls, args, kwargs)``: ``Function.apply`` of every op (``cls`` is the Function),
* ``node(proceed, node, (grads,), {})``: a graph node's backward during a backward pass,
* ``inplace(proceed, tensor, (compute, *args), {'fast': fast})``: an in-place op's write,
* ``custom_op(proceed, op_def, args, kwargs)``: an operator defined with ``ember.library``.

A hook returns the call's result; ``proceed(subject, *args, **kwargs)`` runs the rest of the chain
(the observers registered before it, then the call itself), and may be given other arguments, or be
called more than once or not at all.  The observer registered last runs first, so a context entered
inside another sees the calls first, as a wrapper installed later would.  Observers leave in any
order: each removes only itself.

Why the call sites pay almost nothing: each kind's hooks are published as a tuple (``()`` when no
observer watches that kind), and the call site's only work is testing it.
"""
import threading

# the registered observers, oldest first
_registered = []

# each kind's hooks, newest observer first; Function.apply and Node.apply read their own
# module's copy of theirs (a module global is the cheapest test there is)
inplace_hooks = ()
custom_op_hooks = ()

KINDS = ('op', 'node', 'inplace', 'custom_op')


class OpObserver:
    """Base of observers: a hook left ``None`` means that kind of call is not watched."""
    op = None
    node = None
    inplace = None
    custom_op = None


class _Entered(threading.local):
    # set just before the end of a chain calls the op itself, so that one call skips the hooks
    # (the ops it runs in turn, a custom Function's forward's, are observed again)
    flag = False


_entered = _Entered()


def add(observer):
    """Start sending calls to ``observer`` (one object is registered at most once)."""
    if not any(o is observer for o in _registered):
        _registered.append(observer)
        _publish()


def remove(observer):
    """Stop sending calls to ``observer``; the others keep theirs, whatever order they came in."""
    for i, o in enumerate(_registered):
        if o is observer:
            del _registered[i]
            _publish()
            return


def observers():
    """The registered observers, oldest first (for tests and debugging)."""
    return tuple(_registered)


def _publish():
    global inplace_hooks, custom_op_hooks
    from ember.autograd import function
    hooks = {kind: tuple(getattr(o, kind) for o in reversed(_registered) if getattr(o, kind) is not None)
             for kind in KINDS}
    function._op_hooks = hooks['op']
    function._node_hooks = hooks['node']
    inplace_hooks = hooks['inplace']
    custom_op_hooks = hooks['custom_op']


def entered():
    """True (once) when this call is the end of an observed chain, which must run the call itself."""
    if _entered.flag:
        _entered.flag = False
        return True
    return False


def run(hooks, plain, subject, args, kwargs):
    """``plain(subject, *args, **kwargs)`` passed through ``hooks``, first to last."""
    return _link(hooks, 0, plain, subject, args, kwargs)


def _link(hooks, i, plain, subject, args, kwargs):
    if i == len(hooks):
        _entered.flag = True
        try:
            return plain(subject, *args, **kwargs)
        finally:
            _entered.flag = False   # (already cleared, unless the hooks were emptied meanwhile)

    def proceed(subject, *args, **kwargs):
        return _link(hooks, i + 1, plain, subject, args, kwargs)
    return hooks[i](proceed, subject, args, kwargs)
