"""Messages between processes that MPI did not start (``multiprocessing.spawn``, ``mp.Process``):
every rank listens on a port of its own, publishes it in the rendezvous store and connects to every
other rank, so that each pair shares one TCP connection.

A thread per connection reads every message as it arrives into a mailbox, so a send never waits for
the receiver to post its receive (as with MPI's eager sends) and two ranks sending to each other at
once cannot block. A message is addressed by (communicator context, kind, sequence or tag, sender).
"""
import collections
import os
import socket
import struct
import threading

# context, kind, tag or collective sequence number, sender's global rank, payload length
_HEADER = struct.Struct('!QBqiQ')
P2P, COLLECTIVE = 0, 1


class PeerLost(RuntimeError):
    """A rank's connection closed while this one still waited for its message."""

    def __init__(self, peer, detail):
        super().__init__(f"Connection closed by peer (rank {peer}): {detail}. This is typically caused by a remote "
                         f"worker crashing; check the logs of rank {peer} for the reason")


class Transport:
    """The connections of this rank to every other; ``send`` and ``take`` move whole messages."""

    def __init__(self, rank, world_size, store, key_prefix, timeout):
        self.rank = rank
        self.size = world_size
        self._socks = {}
        self._send_locks = {}
        self._mail = collections.defaultdict(collections.deque)   # key -> deque of (arrival, payload)
        self._arrivals = 0
        self._lost = {}              # peer -> reason its connection ended
        self._lock = threading.Lock()
        self.pending = []            # requests in flight, advanced together (see _socket_mpi.Request)
        self._connect_all(store, key_prefix, timeout)
        for peer, sock in self._socks.items():
            threading.Thread(target=self._read_from, args=(peer, sock), daemon=True,
                             name=f'ember-dist-recv-{peer}').start()

    # ------------------------------------------------------------------------------ set-up
    def _connect_all(self, store, prefix, timeout):
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(('0.0.0.0', 0))
        listener.listen(self.size)
        host = _address_towards(os.environ.get('MASTER_ADDR', '127.0.0.1'))
        store.set(f'{prefix}/addr/{self.rank}', f'{host}:{listener.getsockname()[1]}')
        try:
            # lower ranks accept, higher ranks connect: each pair makes exactly one connection
            for peer in range(self.rank):
                store.wait([f'{prefix}/addr/{peer}'], timeout)
                peer_host, port = store.get(f'{prefix}/addr/{peer}').decode().rsplit(':', 1)
                sock = socket.create_connection((peer_host, int(port)), timeout=timeout.total_seconds())
                sock.sendall(struct.pack('!i', self.rank))
                self._adopt(peer, sock)
            listener.settimeout(timeout.total_seconds())
            for _ in range(self.size - 1 - self.rank):
                sock, _ = listener.accept()
                peer = struct.unpack('!i', _read_exactly(sock, 4))[0]
                self._adopt(peer, sock)
        finally:
            listener.close()

    def _adopt(self, peer, sock):
        sock.settimeout(None)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._socks[peer] = sock
        self._send_locks[peer] = threading.Lock()

    # ------------------------------------------------------------------------------ traffic
    def send(self, peer, context, kind, tag, payload):
        """Send ``payload`` (bytes-like) to global rank ``peer``; returns once the bytes are handed to
        the operating system."""
        if peer in self._lost:
            raise PeerLost(peer, self._lost[peer])
        view = memoryview(payload).cast('B')
        header = _HEADER.pack(context, kind, tag, self.rank, view.nbytes)
        with self._send_locks[peer]:
            try:
                self._socks[peer].sendall(header)
                self._socks[peer].sendall(view)
            except OSError as e:
                raise PeerLost(peer, e) from None

    def take(self, context, kind, tag, peer):
        """The oldest message from global rank ``peer`` (any rank when None) under that address, as
        (sender, payload), or None when none has arrived; ``PeerLost`` when it never can."""
        with self._lock:
            if peer is not None:
                box = self._mail.get((context, kind, tag, peer))
                if box:
                    return peer, box.popleft()[1]
                if peer in self._lost:
                    raise PeerLost(peer, f"{self._lost[peer]} before its message arrived")
                return None
            best = None
            for src in self._socks:
                box = self._mail.get((context, kind, tag, src))
                if box and (best is None or box[0][0] < self._mail[(context, kind, tag, best)][0][0]):
                    best = src
            if best is None:
                if self._lost and len(self._lost) == len(self._socks):
                    raise PeerLost(min(self._lost), "every peer closed its connection before a message arrived")
                return None
            return best, self._mail[(context, kind, tag, best)].popleft()[1]

    def _read_from(self, peer, sock):
        try:
            while True:
                head = _read_exactly(sock, _HEADER.size)
                context, kind, tag, src, length = _HEADER.unpack(head)
                payload = _read_exactly(sock, length)
                with self._lock:
                    self._arrivals += 1
                    self._mail[(context, kind, tag, src)].append((self._arrivals, payload))
        except (OSError, EOFError) as e:
            with self._lock:
                self._lost[peer] = str(e) or type(e).__name__

    def close(self):
        for sock in self._socks.values():
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()


def _read_exactly(sock, n):
    buf = bytearray(n)
    view = memoryview(buf)
    got = 0
    while got < n:
        k = sock.recv_into(view[got:])
        if k == 0:
            raise EOFError('connection closed')
        got += k
    return buf


def _address_towards(master):
    """This machine's address on the route to ``master`` (what the other ranks can reach)."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect((master, 9))
        return probe.getsockname()[0]
    except OSError:
        return '127.0.0.1'
    finally:
        probe.close()
