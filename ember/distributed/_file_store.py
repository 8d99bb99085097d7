"""``FileStore``: a key-value store in a file that every process of a job can open (a shared file system
for several machines).

The file is an append-only log of records (set or delete), written under an exclusive ``flock`` and
replayed by readers from where they last stopped. Waiting polls the file. Each store counts itself in on
opening; with ``world_size`` given, the last of that many stores to close removes the file.
"""
import os
import struct

from ember.distributed._store import _INTERNAL, Store, _key, _value, _check_timeout, _ms, poll

_REFCOUNT = _INTERNAL + 'refcount/'
_CLEANUP = _INTERNAL + 'cleanup/'
_SET, _DELETE = b'S', b'D'


class FileStore(Store):
    """A store kept in the file ``file_name``, shared by the processes that open it.

    Args:
        file_name (str): path of the file (created when missing).
        world_size (int): how many stores will use the file; the last of them to close removes it
            (``-1``: the file is left in place).

    Example::

        >>> import ember.distributed as dist, tempfile, os
        >>> path = os.path.join(tempfile.mkdtemp(), 'store')
        >>> a, b = dist.FileStore(path, 2), dist.FileStore(path, 2)
        >>> a.set('key', 'value')
        >>> b.get('key')
        b'value'
    """

    def __init__(self, file_name, world_size=-1):
        super().__init__()
        if not isinstance(file_name, str):
            raise TypeError(f"FileStore: file_name must be a str, got {type(file_name).__name__}")
        self._path = file_name
        self._world_size = int(world_size)
        self._data = {}
        self._offset = 0
        self._closed = False
        with self._locked(exclusive=True) as f:
            self._replay(f)
            self._write(f, _SET, _REFCOUNT, str(int(self._data.get(_REFCOUNT, b'0')) + 1).encode())

    # ------------------------------------------------------------------ the file
    class _Lock:
        def __init__(self, path, exclusive):
            self.path, self.exclusive = path, exclusive

        def __enter__(self):
            import fcntl   # POSIX file locks (imported here: ember.distributed loads on any system)
            self._fcntl = fcntl
            self.f = open(self.path, 'a+b')
            fcntl.flock(self.f, fcntl.LOCK_EX if self.exclusive else fcntl.LOCK_SH)
            return self.f

        def __exit__(self, *exc):
            self._fcntl.flock(self.f, self._fcntl.LOCK_UN)
            self.f.close()

    def _locked(self, exclusive):
        return FileStore._Lock(self._path, exclusive)

    def _replay(self, f):
        """Apply the records written since this store last read the file."""
        f.seek(0, os.SEEK_END)
        end = f.tell()
        if end < self._offset:   # the file was removed and made again
            self._data, self._offset = {}, 0
        f.seek(self._offset)
        raw = f.read(end - self._offset)
        pos = 0
        while pos + 9 <= len(raw):
            kind = raw[pos:pos + 1]
            klen, vlen = struct.unpack_from('!II', raw, pos + 1)
            if pos + 9 + klen + vlen > len(raw):
                break
            key = raw[pos + 9:pos + 9 + klen].decode()
            if kind == _SET:
                self._data[key] = raw[pos + 9 + klen:pos + 9 + klen + vlen]
            else:
                self._data.pop(key, None)
            pos += 9 + klen + vlen
        self._offset += pos

    def _write(self, f, kind, key, value=b''):
        k = key.encode()
        f.seek(0, os.SEEK_END)
        f.write(kind + struct.pack('!II', len(k), len(value)) + k + value)
        f.flush()
        self._offset = f.tell()
        if kind == _SET:
            self._data[key] = value
        else:
            self._data.pop(key, None)

    def _read(self):
        with self._locked(exclusive=False) as f:
            self._replay(f)
        return self._data

    # ------------------------------------------------------------------ operations
    @property
    def path(self):
        """The file holding the store."""
        return self._path

    def set(self, key, value):
        key = _key('set', key, self, value)
        value = _value('set', value, self, key)
        with self._locked(exclusive=True) as f:
            self._replay(f)
            self._write(f, _SET, key, value)

    def get(self, key):
        key = _key('get', key, self)
        value = poll(lambda: self._read().get(key), self._timeout.total_seconds())
        if value is None:
            raise RuntimeError(f"Timeout waiting for key: {key} after {_ms(self._timeout)} ms")
        return value

    def add(self, key, amount):
        key = _key('add', key, self, amount)
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise TypeError(f"add(): incompatible function arguments. The amount must be an int.\n\nInvoked with: "
                            f"{self!r}, {key!r}, {amount!r}")
        with self._locked(exclusive=True) as f:
            self._replay(f)
            try:
                value = int(self._data.get(key, b'0')) + amount
            except ValueError:
                raise ValueError('stoll') from None
            self._write(f, _SET, key, str(value).encode())
        return value

    def compare_set(self, key, expected_value, desired_value):
        key = _key('compare_set', key, self)
        expected = _value('compare_set', expected_value, self, key)
        desired = _value('compare_set', desired_value, self, key)
        with self._locked(exclusive=True) as f:
            self._replay(f)
            current = self._data.get(key)
            if (current is None and expected == b'') or (current is not None and current == expected):
                self._write(f, _SET, key, desired)
                return desired
            return expected if current is None else current

    def append(self, key, value):
        key = _key('append', key, self, value)
        value = _value('append', value, self, key)
        with self._locked(exclusive=True) as f:
            self._replay(f)
            self._write(f, _SET, key, self._data.get(key, b'') + value)

    def check(self, keys):
        keys = [_key('check', k, self) for k in keys]
        data = self._read()
        return all(k in data for k in keys)

    def wait(self, keys, timeout=None):
        timeout = self._timeout if timeout is None else _check_timeout(timeout)
        keys = [_key('wait', k, self) for k in keys]
        if poll(lambda: True if all(k in self._read() for k in keys) else None, timeout.total_seconds()) is None:
            raise RuntimeError('Wait timeout')

    def delete_key(self, key):
        key = _key('delete_key', key, self)
        with self._locked(exclusive=True) as f:
            self._replay(f)
            if key in self._data:
                self._write(f, _DELETE, key)
            return True   # as PyTorch's FileStore, whether or not the key was there

    def num_keys(self):
        return sum(1 for k in self._read() if k != _CLEANUP)

    def list_keys(self):
        """Every key the store holds (its own bookkeeping keys left out)."""
        return [k for k in self._read() if not k.startswith(_INTERNAL)]

    def queue_push(self, key, value):
        raise NotImplementedError('queue support is not implemented.')

    def queue_pop(self, key, block=True):
        raise NotImplementedError('queue support is not implemented.')

    def queue_len(self, key):
        raise NotImplementedError('queue support is not implemented.')

    def clone(self):
        other = FileStore.__new__(FileStore)
        other._timeout, other._path, other._world_size = self._timeout, self._path, -1
        other._data, other._offset, other._closed = {}, 0, True   # a clone does not count as a user
        return other

    def __del__(self):
        if getattr(self, '_closed', True) or self._world_size <= 0:
            return
        self._closed = True
        try:
            with self._locked(exclusive=True) as f:
                self._replay(f)
                done = int(self._data.get(_CLEANUP, b'0')) + 1
                self._write(f, _SET, _CLEANUP, str(done).encode())
                if done >= self._world_size:
                    os.remove(self._path)
        except OSError:
            pass

    def __repr__(self):
        return f'<ember.distributed.FileStore {self._path!r}>'
