"""``TCPStore``: a key-value store served over TCP by one process (the master) to every process of a job.

The master runs a small threaded server holding a ``_Table``; each store object (the master's own
included) is a client that sends one request at a time and waits for the answer. Blocking requests
(``get``, ``wait``, ``queue_pop``) wait on the server, so waking up costs no polling. Messages are
length-prefixed fields (no pickling: a store may listen on a network).
"""
import errno
import socket
import struct
import threading
import time

from ember.distributed._errors import DistNetworkError, DistStoreError
from ember.distributed._store import _INTERNAL, _DEFAULT_TIMEOUT, _TableStore, _Table, _check_timeout, _ms

_WORKERS_KEY = _INTERNAL + 'init/'


# --------------------------------------------------------------------------- wire format
def _pack(fields):
    parts = [struct.pack('!I', len(fields))]
    for f in fields:
        parts.append(struct.pack('!I', len(f)))
        parts.append(f)
    body = b''.join(parts)
    return struct.pack('!I', len(body)) + body


def _read_exact(sock, n):
    chunks = []
    while n:
        chunk = sock.recv(n)
        if not chunk:
            raise ConnectionError('store connection closed')
        chunks.append(chunk)
        n -= len(chunk)
    return b''.join(chunks)


def _unpack(sock):
    body = _read_exact(sock, struct.unpack('!I', _read_exact(sock, 4))[0])
    count, = struct.unpack_from('!I', body, 0)
    pos, fields = 4, []
    for _ in range(count):
        size, = struct.unpack_from('!I', body, pos)
        fields.append(body[pos + 4:pos + 4 + size])
        pos += 4 + size
    return fields


def _encode(args):
    """Request arguments as fields: str, bytes, int, float and lists of str, each tagged by type."""
    out = []
    for a in args:
        if isinstance(a, bytes):
            out.append(b'b' + a)
        elif isinstance(a, str):
            out.append(b's' + a.encode())
        elif isinstance(a, bool) or a is None:
            out.append(b'n' if a is None else (b't' if a else b'f'))
        elif isinstance(a, int):
            out.append(b'i' + str(a).encode())
        elif isinstance(a, float):
            out.append(b'd' + repr(a).encode())
        elif isinstance(a, list):
            out.append(b'l' + _pack([k.encode() for k in a])[4:])
        else:
            raise TypeError(f'cannot send {type(a).__name__} to a store')
    return out


def _decode(fields):
    out = []
    for f in fields:
        tag, rest = f[:1], f[1:]
        if tag == b'b':
            out.append(rest)
        elif tag == b's':
            out.append(rest.decode())
        elif tag in (b'n', b't', b'f'):
            out.append({b'n': None, b't': True, b'f': False}[tag])
        elif tag == b'i':
            out.append(int(rest))
        elif tag == b'd':
            out.append(float(rest))
        elif tag == b'l':
            count, = struct.unpack_from('!I', rest, 0)
            pos, items = 4, []
            for _ in range(count):
                size, = struct.unpack_from('!I', rest, pos)
                items.append(rest[pos + 4:pos + 4 + size].decode())
                pos += 4 + size
            out.append(items)
    return out


# --------------------------------------------------------------------------- server
_OPS = ('set', 'get', 'add', 'compare_set', 'append', 'check', 'wait', 'delete', 'num_keys', 'keys',
        'queue_push', 'queue_pop', 'queue_len')


class _Server:
    """Accepts connections on ``listener`` and answers each client's requests on a thread of its own."""

    def __init__(self, listener):
        self.listener = listener
        self.table = _Table()
        self.port = listener.getsockname()[1]
        self.users = 0
        threading.Thread(target=self._accept, name=f'ember-TCPStore-{self.port}', daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:   # closed
                return
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        with conn:
            while True:
                try:
                    fields = _unpack(conn)
                except (ConnectionError, OSError, struct.error):
                    return
                op, args = fields[0].decode(), _decode(fields[1:])
                try:
                    if op not in _OPS:
                        raise ValueError(f'unknown store operation {op}')
                    reply = [b'ok'] + _encode([getattr(self.table, op)(*args)])
                except Exception as e:   # the client raises it
                    reply = [b'error', type(e).__name__.encode(), str(e).encode()]
                try:
                    conn.sendall(_pack(reply))
                except OSError:
                    return

    def close(self):
        try:
            # shutdown wakes the thread blocked in accept(); a close alone leaves the port listening
            # (and the next server on it failing with EADDRINUSE) until that thread returns
            self.listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        try:
            self.listener.close()
        except OSError:
            pass


_servers = {}            # port -> _Server, for multi_tenant masters in one process
_servers_lock = threading.Lock()


def _listen(host, port, master_listen_fd):
    if master_listen_fd is not None:
        return socket.socket(fileno=master_listen_fd)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind(('' if host in ('', '0.0.0.0') else _bind_address(host), port))
    except OSError as e:
        listener.close()
        name = errno.errorcode.get(e.errno, 'UNKNOWN')
        raise DistNetworkError(f"The server socket has failed to listen on any local network address. port: {port}, "
                               f"useIpv6: false, code: {-e.errno}, name: {name}, message: {e.strerror.lower()}") from None
    listener.listen(128)
    return listener


def _bind_address(host):
    """Bind where the clients will connect: this host's address for its own name, else every address."""
    try:
        addr = socket.gethostbyname(host)
    except OSError:
        return ''
    return addr if addr.startswith('127.') else ''


# --------------------------------------------------------------------------- client
class TCPStore(_TableStore):
    """A store served over TCP by the process created with ``is_master=True``; the others connect to
    ``host_name:port``. ``world_size`` (when given, with ``wait_for_workers``) makes the master's
    constructor wait until that many stores have connected. ``port=0`` on the master picks a free port
    (see ``.port``). ``multi_tenant=True`` lets several masters in one process share one server;
    ``master_listen_fd`` hands the master an already listening socket. ember has a single server
    implementation, so ``use_libuv`` chooses nothing (``libuvBackend`` is False).

    Example::

        >>> import ember.distributed as dist
        >>> from datetime import timedelta
        >>> server = dist.TCPStore('127.0.0.1', 0, 1, True, timedelta(seconds=30))
        >>> client = dist.TCPStore('127.0.0.1', server.port, is_master=False)
        >>> client.set('first_key', 'first_value')
        >>> server.get('first_key')
        b'first_value'
    """

    def __init__(self, host_name, port, world_size=None, is_master=False, timeout=_DEFAULT_TIMEOUT,
                 wait_for_workers=True, multi_tenant=False, master_listen_fd=None, use_libuv=True):
        super().__init__()
        if not isinstance(host_name, str):
            raise TypeError(f"TCPStore: host_name must be a str, got {type(host_name).__name__}")
        port = int(port)
        if not 0 <= port <= 65535:
            raise ValueError(f"port must have value from 0 to 65535 but was {port}.")
        self._timeout = _check_timeout(timeout)
        self._host = host_name
        self._world_size = world_size
        self._server = None
        if is_master:
            self._server = self._start_server(host_name, port, multi_tenant, master_listen_fd)
            port = self._server.port
        self._port = port
        self._lock = threading.Lock()
        self._sock = self._connect()
        self._call('add', _WORKERS_KEY, 1)
        if is_master and wait_for_workers and world_size is not None:
            self._wait_for_workers(int(world_size))

    @staticmethod
    def _start_server(host, port, multi_tenant, fd):
        with _servers_lock:
            if multi_tenant and port in _servers:
                server = _servers[port]
            else:
                server = _Server(_listen(host, port, fd))
                if multi_tenant:
                    _servers[server.port] = server
            server.users += 1
            return server

    def _connect(self):
        deadline = time.monotonic() + self._timeout.total_seconds()
        delay = 0.01
        while True:
            try:
                sock = socket.create_connection((self._host, self._port),
                                                timeout=max(0.01, deadline - time.monotonic()))
                sock.settimeout(None)
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                return sock
            except OSError:
                if time.monotonic() >= deadline:
                    raise DistNetworkError(f"The client socket has timed out after {_ms(self._timeout)}ms while "
                                           f"trying to connect to ({self._host}, {self._port}).") from None
                time.sleep(delay)
                delay = min(delay * 2, 0.25)

    def _wait_for_workers(self, world_size):
        deadline = time.monotonic() + self._timeout.total_seconds()
        while True:
            joined = self._call('add', _WORKERS_KEY, 0)
            if joined >= world_size:
                return
            if time.monotonic() >= deadline:
                raise DistStoreError(f"Timed out after {int(self._timeout.total_seconds())} seconds waiting for "
                                     f"clients. {joined}/{world_size} clients joined.")
            time.sleep(0.01)

    def _call(self, op, *args):
        with self._lock:
            try:
                self._sock.sendall(_pack([op.encode()] + _encode(args)))
                reply = _unpack(self._sock)
            except (ConnectionError, OSError) as e:
                raise DistNetworkError(f"TCPStore connection to ({self._host}, {self._port}) failed: {e}") from None
        if reply[0] == b'error':
            kind, text = reply[1].decode(), reply[2].decode()
            raise (ValueError if kind == 'ValueError' else RuntimeError)(text)
        return _decode(reply[1:])[0]

    def _timed_out(self, keys, timeout, get=False):
        return DistStoreError(f"wait timeout after {_ms(timeout)}ms, keys: " + ', '.join('/' + k for k in keys))

    @property
    def host(self):
        """The host name the store connects to."""
        return self._host

    @property
    def port(self):
        """The port the master listens on (the one it picked when created with port 0)."""
        return self._port

    @property
    def libuvBackend(self):
        return False

    def clone(self):
        other = TCPStore.__new__(TCPStore)
        other._timeout, other._host, other._port = self._timeout, self._host, self._port
        other._world_size, other._server = self._world_size, None
        other._lock = threading.Lock()
        other._sock = other._connect()
        return other

    def __del__(self):
        sock = getattr(self, '_sock', None)
        if sock is not None:
            sock.close()
        server = getattr(self, '_server', None)
        if server is not None:
            with _servers_lock:
                server.users -= 1
                if server.users == 0:
                    _servers.pop(server.port, None)
                    server.close()

    def __repr__(self):
        return f'<ember.distributed.TCPStore {self._host}:{self._port}>'

