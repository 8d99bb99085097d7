"""``async_execution``: an RPC function that returns a future; the reply is sent when it completes."""
import functools


def async_execution(fn):
    """Mark ``fn`` (which returns an ``ember.futures.Future``) so that RPC replies with the future's value
    once it is set, without holding a serving thread meanwhile. Put it innermost under
    ``@staticmethod``/``@classmethod``.

    Example::

        >>> @rpc.functions.async_execution                                     # doctest: +SKIP
        ... def async_add_chained(to, x, y, z):
        ...     return rpc.rpc_async(to, ember.add, args=(x, y)).then(lambda fut: fut.wait() + z)
    """
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return fn(*args, **kwargs)
    wrapper._wrapped_async_rpc_function = fn
    return wrapper
