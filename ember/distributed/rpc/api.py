"""The RPC calls: ``init_rpc``, ``rpc_sync``, ``rpc_async``, ``remote``, ``get_worker_info``, ``shutdown``."""
import numbers
import threading

from ember.distributed.rpc import _state, constants
from ember.distributed.rpc._errors import NOT_INITIALIZED
from ember.distributed.rpc.options import BackendType, RpcBackendOptions, TensorPipeRpcBackendOptions

_init_lock = threading.Lock()
_init_counter = 0


def _agent():
    agent = _state.agent
    if agent is None:
        raise RuntimeError(NOT_INITIALIZED)
    return agent


def _timeout_of(timeout):
    """Seconds a call may take: the agent's default for -1, no limit for 0."""
    if timeout == constants.UNSET_RPC_TIMEOUT:
        return _agent().options.rpc_timeout
    return float(timeout)


def init_rpc(name, backend=None, rank=-1, world_size=None, rpc_backend_options=None):
    """Start this process's RPC agent and meet the other workers.

    Args:
        name (str): this worker's unique name (letters, digits, ``_``, ``:``, ``-``; under 128 characters).
        backend (BackendType, optional): ``BackendType.TENSORPIPE`` (the only one).
        rank (int): this worker's id (-1: the ``RANK`` environment variable).
        world_size (int): how many workers (None: the ``WORLD_SIZE`` environment variable).
        rpc_backend_options (TensorPipeRpcBackendOptions, optional): threads, default timeout and the
            rendezvous (``init_method``, ``env://`` by default: ``MASTER_ADDR`` and ``MASTER_PORT``).

    Example::

        >>> os.environ['MASTER_ADDR'], os.environ['MASTER_PORT'] = 'localhost', '29500'   # doctest: +SKIP
        >>> rpc.init_rpc('worker0', rank=0, world_size=2)                                 # doctest: +SKIP
    """
    global _init_counter
    if backend is not None and not isinstance(backend, BackendType):
        raise TypeError("Argument backend must be a member of BackendType")
    if rpc_backend_options is not None and not isinstance(rpc_backend_options, RpcBackendOptions):
        raise TypeError("Argument rpc_backend_options must be an instance of RpcBackendOptions")
    if rpc_backend_options is not None and not isinstance(rpc_backend_options, TensorPipeRpcBackendOptions):
        raise TypeError(f"Could not infer backend for options {rpc_backend_options}")
    options = rpc_backend_options if rpc_backend_options is not None else TensorPipeRpcBackendOptions()
    if not isinstance(rank, numbers.Integral):
        raise RuntimeError(f"`rank` must be an integer. {rank}")
    if world_size is not None and not isinstance(world_size, numbers.Integral):
        raise RuntimeError(f"`world_size` must be an integer. {world_size}")
    for arg, kind in ((name, str),):
        if not isinstance(arg, kind):
            raise RuntimeError(f"Argument {arg} must be of type {kind} but got type {type(arg)}")
    _check_name(name)
    if _state.agent is not None:
        raise RuntimeError("RPC is already initialized")
    from ember.distributed.rpc._rendezvous import rendezvous
    from ember.distributed.rpc._agent import Agent
    from ember.distributed._store import PrefixStore
    # the workers wait for each other as long as a call may take (as PyTorch's store after rendezvous)
    wait = options.rpc_timeout or constants.DEFAULT_STORE_TIMEOUT.total_seconds()
    store, rank, world_size = rendezvous(options.init_method, rank, world_size, wait)
    with _init_lock:
        store = PrefixStore(f'rpc_prefix_{_init_counter}', store)
        _init_counter += 1
    master_host = _master_host(options.init_method)
    from ember.distributed.autograd import _context
    _context.init(rank)
    agent = Agent(name, rank, world_size, options, store, master_host)
    _state.agent = agent
    agent.ready.set()


def _master_host(init_method):
    import os
    from urllib.parse import urlparse
    if init_method == 'env://':
        return os.environ['MASTER_ADDR']
    return urlparse(init_method).hostname or '127.0.0.1'


def _check_name(name):
    import re
    if not name or len(name) >= 128 or not re.fullmatch(r'[A-Za-z0-9_:\-]*', name):
        raise RuntimeError("Worker name must match ^[A-Za-z0-9-_:]*$, and must be non-empty and shorter than 128 "
                           f"chars, but got {name}")


def get_worker_info(worker_name=None):
    """The ``WorkerInfo`` of the worker named ``worker_name`` (this worker's when None)."""
    agent = _agent()
    if worker_name is None:
        return agent.info
    return agent.worker_info(worker_name)


def get_rpc_timeout():
    """The default timeout of calls, in seconds."""
    return _agent().options.rpc_timeout


def _set_rpc_timeout(rpc_timeout):
    _agent().options.rpc_timeout = rpc_timeout


def rpc_async(to, func, args=None, kwargs=None, timeout=-1.0):
    """Call ``func(*args, **kwargs)`` on worker ``to`` (name, id or WorkerInfo) and return a future of the
    result at once. ``timeout`` (seconds; -1: the agent's default, 0: no limit) fails the future with
    PyTorch's timeout error. An exception raised by ``func`` is raised again by ``wait()``, with the
    callee's traceback in its text.

    Example::

        >>> fut = rpc.rpc_async('worker1', ember.add, args=(ember.ones(2), 3))   # doctest: +SKIP
        >>> fut.wait()                                                         # doctest: +SKIP
        tensor([4., 4.])
    """
    agent = _agent()
    if not callable(func):
        raise TypeError("function should be callable.")
    return agent.send(to, 'call', (func, args, kwargs), _timeout_of(timeout))


def rpc_sync(to, func, args=None, kwargs=None, timeout=-1.0):
    """Call ``func(*args, **kwargs)`` on worker ``to`` and wait for the result (see ``rpc_async``)."""
    return rpc_async(to, func, args, kwargs, timeout).wait()


def remote(to, func, args=None, kwargs=None, timeout=-1.0):
    """Run ``func(*args, **kwargs)`` on worker ``to``, keep the result there and return an ``RRef`` to it.

    Example::

        >>> rref = rpc.remote('worker1', ember.add, args=(ember.ones(2), 3))   # doctest: +SKIP
        >>> rref.to_here()                                                    # doctest: +SKIP
        tensor([4., 4.])
    """
    from ember.distributed.rpc._rref import RRef
    from ember.distributed.rpc._future import RpcFuture
    from ember.distributed.rpc import _handlers
    agent = _agent()
    if not callable(func):
        raise TypeError("function should be callable.")
    dest = agent.worker_info(to)
    rref_id = agent.new_id()
    if dest.id == agent.info.id:        # this worker owns the value
        state = RpcFuture()
        from ember.distributed.autograd import _context
        agent.pool.submit(_handlers._make_value, agent, state, _context.current_context_id(), func, args, kwargs)
        return RRef._make_owner(agent, rref_id, state)
    fork_id = agent.new_id()
    creation = agent.send(dest, 'remote', (rref_id, func, args, kwargs), _timeout_of(timeout))
    return RRef._make_user(agent, dest, rref_id, fork_id, creation)


def shutdown(graceful=True, timeout=constants.DEFAULT_SHUTDOWN_TIMEOUT):
    """Stop this worker's agent. With ``graceful=True`` wait until every worker has finished its calls
    (and every RRef deletion has reached its owner) before any of them stops serving.

    Args:
        graceful (bool): wait for the other workers (True) or stop at once.
        timeout (float): seconds to wait for the others (0: as long as it takes).
    """
    agent = _agent()
    try:
        if graceful:
            agent.wait_pending()
            agent.deleter.flush()
            _barrier(agent, 'shutdown', timeout)
    finally:
        agent.closed = True
        if graceful:
            _leave(agent, timeout)
        agent.close()
        from ember.distributed.autograd import _context
        _context.reset()
        _state.agent = None


def _barrier(agent, name, timeout):
    """Every worker reached ``name`` (through the rendezvous store)."""
    from datetime import timedelta
    store = agent.store
    if store.add(f'rpc/{name}/count', 1) == agent.world_size:
        store.set(f'rpc/{name}/all', '1')
    store.wait([f'rpc/{name}/all'], timedelta(seconds=timeout) if timeout else timedelta(days=1))


def _leave(agent, timeout):
    """The store's server (on worker 0) stays up until every worker has left the barrier."""
    from datetime import timedelta
    store = agent.store
    if store.add('rpc/left/count', 1) == agent.world_size:
        store.set('rpc/left/all', '1')
    if agent.info.id == 0:
        store.wait(['rpc/left/all'], timedelta(seconds=timeout) if timeout else timedelta(days=1))


def _get_current_rpc_agent():
    """This process's agent (PyTorch's private accessor, used by some scripts)."""
    return _agent()


def _is_current_rpc_agent_set():
    return _state.agent is not None


def _rref_context_get_debug_info():
    """This worker's RRef bookkeeping, as strings (PyTorch's debugging helper): ``num_owner_rrefs``, the
    values other workers still reference (the only count ember keeps of PyTorch's four)."""
    agent = _agent()
    with agent.lock:
        owners = len(agent.owners)
    return {'num_owner_rrefs': str(owners)}


def _require_initialized(func):
    """Decorator (PyTorch's, which libraries wrap their RPC helpers in): ``func`` raises PyTorch's RuntimeError
    when called before ``init_rpc``."""
    import functools

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if not _is_current_rpc_agent_set():
            raise RuntimeError(NOT_INITIALIZED)
        return func(*args, **kwargs)
    return wrapper
