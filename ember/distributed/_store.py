"""Key-value stores (PyTorch's ``torch.distributed.Store`` family): the base class and its shared
behaviour, the in-process ``HashStore`` and ``PrefixStore``. ``TCPStore`` and ``FileStore`` share the
same table logic (``_Table``) on a server or in a file.

Keys are strings; values are bytes (a ``str`` value is stored as its UTF-8 bytes). ``get`` and ``wait``
block until the keys exist or the store's timeout passes, then raise.
"""
import threading
import time
from datetime import timedelta

from ember.distributed._errors import DistStoreError

_DEFAULT_TIMEOUT = timedelta(seconds=300)


class QueueEmptyError(DistStoreError):
    """``queue_pop(key, block=False)`` found the queue empty."""


def _key(method, key, store, *rest):
    if not isinstance(key, str):
        shown = ', '.join(repr(a) for a in (key,) + rest)
        raise TypeError(f"{method}(): incompatible function arguments. The key must be a str.\n\nInvoked with: "
                        f"{store!r}, {shown}")
    return key


def _value(method, value, store, key):
    if isinstance(value, str):
        return value.encode()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, list) and all(isinstance(v, int) for v in value):   # PyTorch also takes a list of bytes
        return bytes(value)
    raise TypeError(f"{method}(): incompatible function arguments. The value must be a str or bytes.\n\nInvoked "
                    f"with: {store!r}, {key!r}, {value!r}")


def _ms(timeout):
    return int(round(timeout.total_seconds() * 1000))


def _check_timeout(timeout):
    if not isinstance(timeout, timedelta):
        raise TypeError(f"Expected timeout argument to be of type datetime.timedelta, got {timeout!r}")
    return timeout


class Store:
    """A key-value store that the processes of a job share to meet and exchange small values.

    Subclasses implement ``set``, ``get``, ``add``, ``compare_set``, ``check``, ``delete_key``,
    ``num_keys`` and ``wait``; the others are built on them.

    Example::

        >>> import ember.distributed as dist
        >>> store = dist.HashStore()
        >>> store.set('epoch', '3')
        >>> store.get('epoch')
        b'3'
    """

    def __init__(self):
        self._timeout = _DEFAULT_TIMEOUT

    # ---------------------------------------------------------------- the operations subclasses provide
    def set(self, key, value):
        """Store ``value`` (str or bytes) under ``key``, replacing what was there."""
        raise RuntimeError(f"{type(self).__name__} does not implement set")

    def get(self, key):
        """The value of ``key`` as bytes, waiting up to the store's timeout for it to be set."""
        raise RuntimeError(f"{type(self).__name__} does not implement get")

    def add(self, key, amount):
        """Add the integer ``amount`` to the counter ``key`` (created at 0) and return the new count."""
        raise RuntimeError(f"{type(self).__name__} does not implement add")

    def compare_set(self, key, expected_value, desired_value):
        """Set ``key`` to ``desired_value`` if its value is ``expected_value`` (or, for a missing key, if
        ``expected_value`` is empty); returns the value ``key`` has afterwards (``expected_value`` when a
        missing key was left unset)."""
        raise RuntimeError(f"{type(self).__name__} does not implement compare_set")

    def check(self, keys):
        """True when every key in ``keys`` is set (does not wait)."""
        raise RuntimeError(f"{type(self).__name__} does not implement check")

    def delete_key(self, key):
        """Remove ``key``; True if it existed."""
        raise RuntimeError(f"{type(self).__name__} does not implement delete_key")

    def num_keys(self):
        """How many keys the store holds (TCPStore and FileStore count one key of their own)."""
        raise RuntimeError(f"{type(self).__name__} does not implement num_keys")

    def wait(self, keys, timeout=None):
        """Block until every key in ``keys`` is set; raise after ``timeout`` (the store's when None)."""
        raise RuntimeError(f"{type(self).__name__} does not implement wait")

    # ---------------------------------------------------------------- built on the above
    @property
    def timeout(self):
        """How long ``get`` and ``wait`` wait before raising (a ``datetime.timedelta``)."""
        return self._timeout

    def set_timeout(self, timeout):
        """Change the default timeout of ``get`` and ``wait``."""
        self._timeout = _check_timeout(timeout)

    def append(self, key, value):
        """Append ``value`` to the bytes of ``key`` (created empty)."""
        raise RuntimeError(f"{type(self).__name__} does not implement append")

    def multi_get(self, keys):
        """The values of ``keys``, in order (each waited for)."""
        return [self.get(k) for k in keys]

    def multi_set(self, keys, values):
        """Set each key in ``keys`` to the matching value in ``values``."""
        if len(keys) != len(values):
            raise ValueError("multi_set: keys and values must have the same length")
        for k, v in zip(keys, values):
            self.set(k, v)

    def has_extended_api(self):
        """True when ``append``, ``multi_get`` and ``multi_set`` are native operations of the store."""
        return False

    def barrier(self, key, world_size, timeout=None):
        """Block until ``world_size`` callers have reached the barrier named ``key``."""
        timeout = self._timeout if timeout is None else _check_timeout(timeout)
        arrived = self.add(f'{key}/arrived', 1)
        if arrived == world_size:
            self.set(f'{key}/last', '1')
        self.wait([f'{key}/last'], timeout)

    def clone(self):
        """Another handle on the same stored data (one per thread)."""
        raise RuntimeError(f"{type(self).__name__} does not implement clone")


class _Table:
    """The store's data behind a lock: what a HashStore holds, and what a TCPStore server serves."""

    def __init__(self):
        self.data = {}
        self.queues = {}
        self.changed = threading.Condition()

    def set(self, key, value):
        with self.changed:
            self.data[key] = value
            self.changed.notify_all()

    def get(self, key, timeout_s):
        """The value, or None after ``timeout_s`` seconds without it."""
        with self.changed:
            if not self.changed.wait_for(lambda: key in self.data, timeout_s):
                return None
            return self.data[key]

    def add(self, key, amount):
        with self.changed:
            current = self.data.get(key, b'0')
            try:
                value = int(current) + int(amount)
            except ValueError:
                raise ValueError('stoll') from None   # PyTorch's text (C++'s string-to-integer parse)
            self.data[key] = str(value).encode()
            self.changed.notify_all()
            return value

    def compare_set(self, key, expected, desired):
        with self.changed:
            if key not in self.data:
                if expected == b'':
                    self.data[key] = desired
                    self.changed.notify_all()
                    return desired
                return expected
            if self.data[key] == expected:
                self.data[key] = desired
                self.changed.notify_all()
            return self.data[key]

    def append(self, key, value):
        with self.changed:
            self.data[key] = self.data.get(key, b'') + value
            self.changed.notify_all()

    def check(self, keys):
        with self.changed:
            return all(k in self.data for k in keys)

    def wait(self, keys, timeout_s):
        with self.changed:
            return self.changed.wait_for(lambda: all(k in self.data for k in keys), timeout_s)

    def delete(self, key):
        with self.changed:
            return self.data.pop(key, None) is not None

    def num_keys(self):
        with self.changed:
            return len(self.data)

    def keys(self):
        with self.changed:
            return list(self.data)

    def queue_push(self, key, value):
        with self.changed:
            self.queues.setdefault(key, []).append(value)
            self.changed.notify_all()

    def queue_pop(self, key, timeout_s):
        """The oldest value of queue ``key``, or None when it stays empty for ``timeout_s`` seconds."""
        with self.changed:
            if not self.changed.wait_for(lambda: self.queues.get(key), timeout_s):
                return None
            return self.queues[key].pop(0)

    def queue_len(self, key):
        with self.changed:
            return len(self.queues.get(key, ()))


class _TableStore(Store):
    """A store whose operations run on a ``_Table`` (here or on a server): the argument checks and
    errors shared by HashStore and TCPStore."""

    def _call(self, op, *args):
        raise NotImplementedError

    def _timed_out(self, keys, timeout):
        raise NotImplementedError

    def set(self, key, value):
        self._call('set', _key('set', key, self, value), _value('set', value, self, key))

    def get(self, key):
        key = _key('get', key, self)
        value = self._call('get', key, self._timeout.total_seconds())
        if value is None:
            raise self._timed_out([key], self._timeout, get=True)
        return value

    def add(self, key, amount):
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise TypeError(f"add(): incompatible function arguments. The amount must be an int.\n\nInvoked with: "
                            f"{self!r}, {key!r}, {amount!r}")
        return self._call('add', _key('add', key, self, amount), amount)

    def compare_set(self, key, expected_value, desired_value):
        key = _key('compare_set', key, self, expected_value, desired_value)
        return self._call('compare_set', key, _value('compare_set', expected_value, self, key),
                          _value('compare_set', desired_value, self, key))

    def append(self, key, value):
        self._call('append', _key('append', key, self, value), _value('append', value, self, key))

    def check(self, keys):
        return self._call('check', [_key('check', k, self) for k in keys])

    def wait(self, keys, timeout=None):
        timeout = self._timeout if timeout is None else _check_timeout(timeout)
        keys = [_key('wait', k, self) for k in keys]
        if not self._call('wait', keys, timeout.total_seconds()):
            raise self._timed_out(keys, timeout)

    def delete_key(self, key):
        return self._call('delete', _key('delete_key', key, self))

    def num_keys(self):
        return self._call('num_keys')

    def list_keys(self):
        """Every key the store holds (the store's own bookkeeping keys left out)."""
        return [k for k in self._call('keys') if not k.startswith(_INTERNAL)]

    def has_extended_api(self):
        return True

    def queue_push(self, key, value):
        """Append ``value`` to the queue ``key`` (queues are apart from the keys ``get`` reads)."""
        self._call('queue_push', _key('queue_push', key, self, value), _value('queue_push', value, self, key))

    def queue_pop(self, key, block=True):
        """Take the oldest value from queue ``key``: waits up to the timeout when ``block``, else raises
        ``QueueEmptyError`` at once when the queue is empty."""
        key = _key('queue_pop', key, self)
        value = self._call('queue_pop', key, self._timeout.total_seconds() if block else 0.0)
        if value is None:
            if not block:
                raise QueueEmptyError('queue is empty')
            raise self._timed_out([key], self._timeout)
        return value

    def queue_len(self, key):
        """How many values queue ``key`` holds."""
        return self._call('queue_len', _key('queue_len', key, self))


_INTERNAL = '\x00ember/'   # bookkeeping keys TCPStore and FileStore keep (counted by num_keys, as PyTorch's)


class HashStore(_TableStore):
    """A store in this process's memory, shared by its threads.

    Example::

        >>> import ember.distributed as dist
        >>> store = dist.HashStore()
        >>> store.add('count', 2), store.add('count', 3)
        (2, 5)
        >>> store.compare_set('count', '5', 'done')
        b'done'
    """

    def __init__(self):
        super().__init__()
        self._table = _Table()

    def _call(self, op, *args):
        fn = getattr(self._table, op)
        return fn(*args)

    def _timed_out(self, keys, timeout, get=False):
        return DistStoreError('Wait timeout')

    def clone(self):
        other = HashStore.__new__(HashStore)
        other._timeout = self._timeout
        other._table = self._table
        return other


class PrefixStore(Store):
    """A view of ``store`` in which every key is ``prefix + '/' + key``: parts of a program share one store
    without their keys meeting.

    Example::

        >>> import ember.distributed as dist
        >>> base = dist.HashStore()
        >>> dist.PrefixStore('trainer', base).set('step', '7')
        >>> base.get('trainer/step')
        b'7'
    """

    def __init__(self, prefix, store):
        super().__init__()
        if not isinstance(prefix, str) or not isinstance(store, Store):
            raise TypeError(f"__init__(): incompatible constructor arguments: PrefixStore(prefix: str, store: Store), "
                            f"got ({type(prefix).__name__}, {type(store).__name__})")
        self._prefix = prefix
        self._store = store
        self._timeout = store.timeout

    @property
    def underlying_store(self):
        """The store this view writes into."""
        return self._store

    def _k(self, key):
        return f'{self._prefix}/{key}'

    def set(self, key, value):
        self._store.set(self._k(_key('set', key, self, value)), value)

    def get(self, key):
        return self._store.get(self._k(_key('get', key, self)))

    def add(self, key, amount):
        return self._store.add(self._k(_key('add', key, self, amount)), amount)

    def compare_set(self, key, expected_value, desired_value):
        return self._store.compare_set(self._k(_key('compare_set', key, self)), expected_value, desired_value)

    def append(self, key, value):
        self._store.append(self._k(_key('append', key, self, value)), value)

    def check(self, keys):
        return self._store.check([self._k(_key('check', k, self)) for k in keys])

    def wait(self, keys, timeout=None):
        self._store.wait([self._k(_key('wait', k, self)) for k in keys], timeout)

    def delete_key(self, key):
        return self._store.delete_key(self._k(_key('delete_key', key, self)))

    def num_keys(self):
        return self._store.num_keys()

    def multi_get(self, keys):
        return self._store.multi_get([self._k(k) for k in keys])

    def multi_set(self, keys, values):
        self._store.multi_set([self._k(k) for k in keys], values)

    def has_extended_api(self):
        return self._store.has_extended_api()

    @property
    def timeout(self):
        return self._store.timeout

    def set_timeout(self, timeout):
        self._store.set_timeout(timeout)

    def queue_push(self, key, value):
        self._store.queue_push(self._k(key), value)

    def queue_pop(self, key, block=True):
        return self._store.queue_pop(self._k(key), block)

    def queue_len(self, key):
        return self._store.queue_len(self._k(key))

    def clone(self):
        return PrefixStore(self._prefix, self._store.clone())


def poll(until, timeout_s, interval=0.005):
    """Call ``until()`` until it returns something other than None, for at most ``timeout_s`` seconds;
    the last result (None on timeout). For stores that cannot be notified (a shared file)."""
    deadline = time.monotonic() + timeout_s
    while True:
        result = until()
        if result is not None or time.monotonic() >= deadline:
            return result
        time.sleep(min(interval, max(0.0, deadline - time.monotonic())))
        interval = min(interval * 2, 0.05)
