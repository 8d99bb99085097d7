"""``RRef``: a reference to a value that lives on one worker (its owner).

The owner holds the value; other workers hold user references (``UserRRef``) that name it by its id.
The owner keeps a value that other workers reference in its table with a count of the user
references alive: a user reference made by ``remote`` or received through an RPC adds one, and a
deleted one sends the owner a message that removes one. Sharing a user reference asks the owner to
count the new one before the message carrying it leaves, so the count never drops to zero while a
reference is in flight.
"""
import queue
import threading
import types

from ember.distributed.rpc import _state
from ember.distributed.rpc._errors import AGENT_NOT_SET
from ember.distributed.rpc._future import RpcFuture


def _gid(pair):
    return f'GloballyUniqueId(created_on={pair[0]}, local_id={pair[1]})'


class OwnerEntry:
    """What the owner keeps for a value other workers reference."""
    __slots__ = ('state', 'count', 'created')

    def __init__(self, state):
        self.state = state        # RpcFuture of the value
        self.count = 0            # user references alive (may dip below zero while messages cross)
        self.created = False      # the reference that made it (remote, or the owner sharing it) has arrived


def owner_entry(agent, rref_id, state=None):
    """The owner's entry for ``rref_id`` (made on first use)."""
    with agent.lock:
        entry = agent.owners.get(rref_id)
        if entry is None:
            entry = agent.owners[rref_id] = OwnerEntry(state if state is not None else RpcFuture())
        return entry


def change_count(agent, rref_id, delta, created=False):
    with agent.lock:
        entry = agent.owners.get(rref_id)
        if entry is None:
            entry = agent.owners[rref_id] = OwnerEntry(RpcFuture())
        entry.count += delta
        entry.created = entry.created or created
        if entry.created and entry.count <= 0:
            del agent.owners[rref_id]


class Deleter:
    """Sends the owners the deletions of user references, from a thread of its own (a reference is
    deleted by the garbage collector, at any moment, on any thread)."""

    def __init__(self, agent):
        self.agent = agent
        self.queue = queue.SimpleQueue()       # put() is safe from __del__
        self.sent = []
        threading.Thread(target=self._loop, name='ember-rpc-rref-deleter', daemon=True).start()

    def _loop(self):
        while True:
            item = self.queue.get()
            if item is None:
                return
            if isinstance(item, threading.Event):
                item.set()
                continue
            owner, rref_id = item
            try:
                fut = self.agent.send(owner, 'rref_del', rref_id, 0)
            except Exception:
                continue
            self.sent = [f for f in self.sent if not f.done()] + [fut]

    def flush(self):
        """Wait until every deletion queued so far has reached its owner."""
        done = threading.Event()
        self.queue.put(done)
        done.wait()
        for fut in list(self.sent):
            fut._event.wait()


class _Proxy:
    """``rref.rpc_sync()`` and friends: attribute calls run the method on the owner's value."""

    def __init__(self, rref, api, timeout):
        self._rref, self._api, self._timeout = rref, api, timeout

    def __getattr__(self, name):
        from ember.distributed.rpc import api as rpc_api
        call = getattr(rpc_api, self._api)
        rref, timeout = self._rref, self._timeout

        def method(*args, **kwargs):
            return call(rref.owner(), _local_invoke, args=(rref, name, args, kwargs), timeout=timeout)
        return method


def _local_invoke(rref, name, args, kwargs):
    method = getattr(rref.local_value(), name)
    result = method(*args, **kwargs)
    if getattr(method, '_wrapped_async_rpc_function', None) is not None:
        from ember.distributed.rpc._handlers import Later
        return Later(result)
    return result


class RRef:
    """A reference to a value on a worker of the RPC group.

    ``RRef(value)`` makes an owner reference to a local value; ``rpc.remote`` returns a reference to a
    value made on another worker. ``to_here()`` copies the value to the caller; ``rpc_sync()``,
    ``rpc_async()`` and ``remote()`` call the value's methods on its owner. An RRef can be passed as
    an argument or result of an RPC (never pickled otherwise).

    Example::

        >>> rref = rpc.remote('worker1', ember.add, args=(ember.ones(2), 3))   # doctest: +SKIP
        >>> rref.to_here()                                                    # doctest: +SKIP
        tensor([4., 4.])
    """

    # RRef[nn.Module] in annotations, as with PyTorch's generic RRef
    __class_getitem__ = classmethod(types.GenericAlias)

    def __init__(self, value, type_hint=None):
        agent = _state.agent
        if agent is None:
            raise RuntimeError(AGENT_NOT_SET)
        state = RpcFuture()
        state._finish(value, None)
        self._setup(agent, agent.info, agent.new_id(), None, state, type_hint)

    def _setup(self, agent, owner, rref_id, fork_id, state, type_hint=None):
        self._agent, self._owner, self._id, self._fork = agent, owner, rref_id, fork_id
        self._state = state                    # the owner's value (owner references only)
        self._creation = None                  # a user reference's creation: RpcFuture of the owner's answer
        self._type_hint = type_hint

    @classmethod
    def _make_owner(cls, agent, rref_id, state):
        self = cls.__new__(cls)
        self._setup(agent, agent.info, rref_id, None, state)
        return self

    @classmethod
    def _make_user(cls, agent, owner, rref_id, fork_id, creation=None):
        self = cls.__new__(cls)
        self._setup(agent, owner, rref_id, fork_id, None)
        self._creation = creation
        return self

    # -------------------------------------------------------------- sharing
    def _fork_to(self, dest):
        """What an RPC message carries for this reference to worker ``dest``."""
        agent = self._agent
        fork_id = agent.new_id()
        if self._fork is None:
            owner_entry(agent, self._id, self._state)
            change_count(agent, self._id, 1, created=True)
        else:
            agent.send(self._owner.id, 'rref_add', self._id, 0).wait()
        return (self._owner.id, self._id, fork_id)

    @classmethod
    def _from_fork(cls, agent, owner_id, rref_id, fork_id):
        if owner_id == agent.info.id:        # back home: the owner's value itself
            entry = owner_entry(agent, rref_id)
            rref = cls._make_owner(agent, rref_id, entry.state)
            change_count(agent, rref_id, -1)
            return rref
        return cls._make_user(agent, agent.by_id[owner_id], rref_id, fork_id)

    def __reduce__(self):
        raise RuntimeError("Can not pickle rref in python pickler, rref can only be pickled when using RPC")

    def __del__(self):
        try:
            if self._fork is not None and not self._agent.closed:
                self._agent.deleter.queue.put((self._owner.id, self._id))
        except AttributeError:
            pass

    # -------------------------------------------------------------- queries
    def is_owner(self):
        """Whether this worker owns the value."""
        return self._fork is None

    def owner(self):
        """The owner's ``WorkerInfo``."""
        return self._owner

    def owner_name(self):
        """The owner's name."""
        return self._owner.name

    def confirmed_by_owner(self):
        """Whether the owner knows of this reference (always, for the owner's own)."""
        if self._fork is None:
            return True
        return self._creation is None or (self._creation.done() and self._creation._error is None)

    def local_value(self):
        """The value, on its owner (a user reference raises)."""
        if self._fork is not None:
            raise RuntimeError(f"For UserRRef(rref_id={_gid(self._id)}, fork_id={_gid(self._fork)}), can't call "
                               f"localValue() on user {self._agent.info}. Call it on owner {self._owner}")
        return self._state.wait()

    def to_here(self, timeout=-1.0):
        """The value, copied to this worker (blocks until the owner has it)."""
        if self._fork is None:
            return self._state.wait()
        if self._creation is not None and self._creation.done() and self._creation._error is not None:
            raise self._creation._error
        from ember.distributed.rpc.api import _timeout_of
        ok, value = self._agent.send(self._owner.id, 'fetch', self._id, _timeout_of(timeout)).wait()
        if not ok:
            raise value.to_exception()
        return value

    def _get_type(self, timeout=-1.0, blocking=True):
        """The type of the value (asked of the owner for a user reference)."""
        if self._fork is None:
            return type(self._state.wait())
        from ember.distributed.rpc import api
        return api.rpc_sync(self._owner, _type_of, args=(self,), timeout=timeout)

    # -------------------------------------------------------------- calls on the value
    def rpc_sync(self, timeout=-1.0):
        """A proxy whose method calls run on the owner's value and return their results."""
        return _Proxy(self, 'rpc_sync', timeout)

    def rpc_async(self, timeout=-1.0):
        """A proxy whose method calls run on the owner's value and return futures."""
        return _Proxy(self, 'rpc_async', timeout)

    def remote(self, timeout=-1.0):
        """A proxy whose method calls run on the owner's value and return RRefs to their results."""
        return _Proxy(self, 'remote', timeout)

    def backward(self, dist_autograd_ctx_id=-1, retain_graph=False):
        """Run backward from the value (a scalar tensor) on its owner, in a distributed autograd context
        (or the local autograd when ``dist_autograd_ctx_id`` is -1)."""
        if self._fork is not None:
            from ember.distributed.rpc import api
            return api.rpc_sync(self._owner, _backward_on_owner, args=(self, dist_autograd_ctx_id, retain_graph))
        return _backward_on_owner(self, dist_autograd_ctx_id, retain_graph)

    def __repr__(self):
        if self._fork is None:
            return f'OwnerRRef({_gid(self._id)})'
        return f'UserRRef(RRefId = {_gid(self._id)}, ForkId = {_gid(self._fork)})'

    __str__ = __repr__


def _type_of(rref):
    return type(rref.local_value())


def _backward_on_owner(rref, ctx_id, retain_graph):
    value = rref.local_value()
    if ctx_id == -1:
        value.backward(retain_graph=retain_graph)
    else:
        from ember.distributed import autograd as dist_autograd
        dist_autograd.backward(ctx_id, [value], retain_graph=retain_graph)
