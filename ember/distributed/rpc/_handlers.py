"""What a worker does with each kind of request it serves (the agent's pool threads run these)."""
import sys
import traceback

from ember.distributed.rpc import _rref
from ember.distributed.rpc._errors import RemoteError


class Later:
    """A result that is a future: the reply waits for it (``@async_execution`` functions)."""

    def __init__(self, future):
        from ember.futures import Future
        if not isinstance(future, Future):
            kind = type(future)
            raise RuntimeError("Functions decorated with @rpc.async_function must return a torch.futures.Future "
                               f"object, but got {kind.__module__}.{kind.__qualname__}")
        self.future = future


def _run(agent, ctx_id, func, args, kwargs):
    """Run a user function (inside the caller's distributed autograd context, when there is one)."""
    from ember.distributed.autograd import _context
    with _context.running_in(ctx_id):
        try:
            result = func(*(args or ()), **(kwargs or {}))
        except Exception as exc:   # the traceback the caller sees starts here, at the user's function
            exc._rpc_traceback = traceback.format_exc()
            raise
    if getattr(func, '_wrapped_async_rpc_function', None) is not None and not isinstance(result, Later):
        return Later(result)
    return result


def _call(agent, sender, ctx_id, payload):
    func, args, kwargs = payload
    return _run(agent, ctx_id, func, args, kwargs)


def _remote(agent, sender, ctx_id, payload):
    """Make the value of an RRef: the creator's reference is counted and confirmed at once, the value
    comes when the function returns (``to_here`` waits for it)."""
    rref_id, func, args, kwargs = payload
    entry = _rref.owner_entry(agent, rref_id)
    _rref.change_count(agent, rref_id, 1, created=True)
    agent.pool.submit(_make_value, agent, entry.state, ctx_id, func, args, kwargs)
    return None


def _make_value(agent, state, ctx_id, func, args, kwargs):
    try:
        result = _run(agent, ctx_id, func, args, kwargs)
    except Exception as exc:
        error = RemoteError(exc, agent.info, traceback.format_exc())
        print(error.message, file=sys.stderr)
        set_error(state, error)
        return
    if isinstance(result, Later):
        def done(fut):
            if fut._error is not None:
                exc = fut._error
                set_error(state, RemoteError(exc, agent.info, ''.join(traceback.format_exception(exc))))
            else:
                state._finish(fut._value, None)
        result.future.add_done_callback(done)
    else:
        state._finish(result, None)


def set_error(state, remote_error):
    state.remote_error = remote_error
    state._finish(None, remote_error.to_exception())


def _fetch(agent, sender, ctx_id, rref_id):
    """An RRef's value for a user: (True, value), or (False, the error that made it fail)."""
    from ember.distributed.rpc._future import RpcFuture
    state = _rref.owner_entry(agent, rref_id).state
    answer = RpcFuture()

    def done(fut):
        if fut._error is not None:
            answer._finish((False, getattr(fut, 'remote_error', None)
                            or RemoteError(fut._error, agent.info, '')), None)
        else:
            answer._finish((True, fut._value), None)
    state.add_done_callback(done)
    return Later(answer)


def _rref_add(agent, sender, ctx_id, rref_id):
    _rref.change_count(agent, rref_id, 1)


def _rref_del(agent, sender, ctx_id, rref_id):
    _rref.change_count(agent, rref_id, -1)


def _autograd_request(name):
    def handle(agent, sender, ctx_id, payload):
        from ember.distributed.autograd import _context
        return getattr(_context, name)(agent, sender, *payload)
    return handle


HANDLERS = {
    'call': _call,
    'remote': _remote,
    'fetch': _fetch,
    'rref_add': _rref_add,
    'rref_del': _rref_del,
    'ag_backward': _autograd_request('serve_backward'),
    'ag_release': _autograd_request('serve_release'),
}
