"""The RPC agent of one worker: a TCP listener, one connection to each peer it calls, a pool of
threads serving requests, and the futures of the calls in flight.

Every message is a frame (``_wire``). A request goes out on this worker's connection to the callee;
the callee's reader thread hands it to the pool and the reply comes back on the same connection,
where this worker's reader thread completes the caller's future. A watchdog thread fails the
futures of calls that pass their timeout.
"""
import heapq
import itertools
import pickle
import socket
import sys
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor

from ember.distributed.rpc import _wire
from ember.distributed.rpc._errors import RemoteError, future_error, timeout_error
from ember.distributed.rpc._future import RpcFuture, completed
from ember.distributed.rpc._worker_info import WorkerInfo

_KEY = 'rpc/'


def _listen_address(master_host):
    """This worker's address as the master's network sees it (the loopback when the master is local)."""
    try:
        probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        probe.connect((master_host, 9))
        addr = probe.getsockname()[0]
        probe.close()
        return addr
    except OSError:
        return '127.0.0.1'


def _autograd():
    from ember.distributed.autograd import _context
    return _context


class _Watchdog:
    """Fails calls that pass their deadline."""

    def __init__(self, agent):
        self.agent = agent
        self.heap = []
        self.cond = threading.Condition()
        self.stopped = False
        threading.Thread(target=self._loop, name='ember-rpc-watchdog', daemon=True).start()

    def add(self, deadline, msg_id, timeout):
        with self.cond:
            heapq.heappush(self.heap, (deadline, msg_id, timeout))
            self.cond.notify()

    def stop(self):
        with self.cond:
            self.stopped = True
            self.cond.notify()

    def _loop(self):
        with self.cond:
            while not self.stopped:
                now = time.monotonic()
                while self.heap and self.heap[0][0] <= now:
                    _, msg_id, timeout = heapq.heappop(self.heap)
                    self.agent._fail(msg_id, timeout_error(timeout))
                self.cond.wait(self.heap[0][0] - now if self.heap else None)


class Agent:
    """One worker's end of the RPC group (``init_rpc`` makes it, ``shutdown`` ends it)."""

    def __init__(self, name, rank, world_size, options, store, master_host):
        self.info = WorkerInfo(name, rank)
        self.world_size = world_size
        self.options = options
        self.store = store
        self.lock = threading.Lock()
        self.pending = {}                          # msg_id -> (future, destination id, autograd context id)
        self.msg_ids = itertools.count()
        self.local_ids = itertools.count()         # the local part of RRef and fork ids
        self.owners = {}                           # rref id -> OwnerEntry, for RRefs shared with other workers
        self.conns = {}                            # peer id -> (socket, send lock)
        self.served = []                           # sockets peers opened to us
        self.closed = False
        self.ready = threading.Event()             # set once init_rpc is done: requests wait for it
        self.pool = ThreadPoolExecutor(options.num_worker_threads, thread_name_prefix=f'ember-rpc-{name}')
        self.watchdog = _Watchdog(self)

        host = _listen_address(master_host)
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind((host, 0))
        self.listener.listen(128)
        threading.Thread(target=self._accept, name=f'ember-rpc-accept-{name}', daemon=True).start()

        store.set(f'{_KEY}worker/{rank}', pickle.dumps((name, host, self.listener.getsockname()[1])))
        keys = [f'{_KEY}worker/{r}' for r in range(world_size)]
        store.wait(keys)
        self.addresses, self.by_id, self.by_name = {}, {}, {}
        for r, key in enumerate(keys):
            peer_name, peer_host, peer_port = pickle.loads(store.get(key))
            if peer_name in self.by_name:
                raise RuntimeError(f"RPC worker name {peer_name} is not unique. Workers "
                                   f"{self.by_name[peer_name].id} and {r} share the same name.")
            self.by_id[r] = self.by_name[peer_name] = WorkerInfo(peer_name, r)
            self.addresses[r] = (peer_host, peer_port)

        from ember.distributed.rpc._rref import Deleter
        self.deleter = Deleter(self)

    # ------------------------------------------------------------------ naming
    def worker_info(self, to):
        """The ``WorkerInfo`` a destination (name, id or WorkerInfo) names."""
        if isinstance(to, WorkerInfo):
            return to
        if isinstance(to, str):
            if to not in self.by_name:
                raise RuntimeError(f"name:{self.info.name},rank:{self.info.id} could not find destination name {to}")
            return self.by_name[to]
        if isinstance(to, int) and not isinstance(to, bool):
            if to not in self.by_id:
                raise RuntimeError(f"name:{self.info.name},rank:{self.info.id} could not find destination id {to}")
            return self.by_id[to]
        raise TypeError(f"Cannot get WorkerInfo from {to!r}")

    def get_worker_infos(self):
        """Every worker's ``WorkerInfo``, by id."""
        return [self.by_id[r] for r in sorted(self.by_id)]

    def get_worker_info(self, worker_name=None):
        return self.info if worker_name is None else self.worker_info(worker_name)

    def new_id(self):
        return (self.info.id, next(self.local_ids))

    def target_device(self, dest, device):
        """Where a tensor on ``device`` lands on worker ``dest`` (its device map, else the same CPU)."""
        if device.type == 'cpu':
            mapped = self.options.device_maps.get(self.by_id[dest].name, {}).get(device)
            return mapped if mapped is not None else device
        mapped = self.options.device_maps.get(self.by_id[dest].name, {}).get(device)
        if mapped is None:
            raise RuntimeError("TensorPipe RPC backend only supports CPU tensors by default, please move your "
                               "tensors to CPU before sending them over RPC. Found tensor on device: " f"{device}")
        return mapped

    # ------------------------------------------------------------------ connections
    def _accept(self):
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self.lock:
                self.served.append(conn)
            threading.Thread(target=self._read_requests, args=(conn, threading.Lock()), daemon=True).start()

    def _conn(self, dest):
        with self.lock:
            entry = self.conns.get(dest)
            if entry is None:
                sock = socket.create_connection(self.addresses[dest])
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                entry = self.conns[dest] = (sock, threading.Lock())
                threading.Thread(target=self._read_replies, args=(sock, dest), daemon=True).start()
            return entry

    # ------------------------------------------------------------------ packing
    def _pack(self, dest, obj, ctx_id):
        enc = _wire.Encoder(self, dest)
        body = enc.encode(obj)
        send_id = None
        if ctx_id is not None:
            send_id = _autograd().on_send(ctx_id, dest, enc.tensors)
        return (ctx_id, send_id), body, enc.records

    def _unpack(self, sender, header, body, records):
        tensors = [_wire.make_tensor(*r) for r in records]
        ctx_id, send_id = header
        if ctx_id is not None:
            tensors = _autograd().on_recv(ctx_id, sender, send_id, tensors)
        return _wire.decode(self, body, tensors)

    # ------------------------------------------------------------------ calling
    def send(self, to, kind, payload, timeout, ctx_id=None):
        """Send a request; the future completes with the callee's answer (or its error, or a timeout)."""
        if self.closed:
            raise RuntimeError("RPC has not been initialized. Call torch.distributed.rpc.init_rpc first.")
        dest = self.worker_info(to).id
        if ctx_id is None and kind in ('call', 'remote'):
            ctx_id = _autograd().current_context_id()
        header, body, records = self._pack(dest, payload, ctx_id)
        msg_id = next(self.msg_ids)
        fut = RpcFuture()
        with self.lock:
            self.pending[msg_id] = (fut, dest, ctx_id)
        sock, send_lock = self._conn(dest)
        if timeout:
            self.watchdog.add(time.monotonic() + timeout, msg_id, timeout)
        try:
            _wire.send_message(sock, send_lock, ('req', msg_id, kind, self.info.id, header, body, records))
        except OSError as e:
            self._fail(msg_id, RuntimeError(f"RPC to {self.by_id[dest]} failed: {e}"))
        return fut

    def _fail(self, msg_id, error):
        with self.lock:
            entry = self.pending.pop(msg_id, None)
        if entry is not None:
            entry[0]._finish(None, error)

    def _read_replies(self, sock, dest):
        while True:
            try:
                _, msg_id, ok, header, body, records = _wire.recv_message(sock)
            except (OSError, ConnectionError, EOFError):
                break
            with self.lock:
                entry = self.pending.pop(msg_id, None)
            if entry is None:     # timed out already
                continue
            fut = entry[0]
            try:
                value = self._unpack(dest, header, body, records)
            except Exception as e:
                fut._finish(None, e)
                continue
            if ok:
                fut._finish(value, None)
            else:
                fut._finish(None, value.to_exception() if value.plain else future_error(value))
        with self.lock:
            lost = [m for m, (_, d, _) in self.pending.items() if d == dest]
        for msg_id in lost:
            self._fail(msg_id, RuntimeError(f"RPC connection to {self.by_id[dest]} was closed"))

    # ------------------------------------------------------------------ serving
    def _read_requests(self, sock, send_lock):
        self.ready.wait()        # a faster peer may call before this worker has finished init_rpc
        while True:
            try:
                message = _wire.recv_message(sock)
            except (OSError, ConnectionError, EOFError):
                return
            try:
                self.pool.submit(self._serve, sock, send_lock, message)
            except RuntimeError:   # the pool is shut down: we are closing
                return

    def _serve(self, sock, send_lock, message):
        _, msg_id, kind, sender, header, body, records = message
        ctx_id = header[0]

        def reply(value, error_info=None):
            ok = error_info is None
            try:
                rheader, rbody, rrecords = self._pack(sender, value if ok else error_info, ctx_id if ok else None)
            except Exception as e:     # the result cannot be pickled: the caller gets that error
                ok = False
                rheader, rbody, rrecords = self._pack(sender, RemoteError.of_reply(e), None)
            try:
                _wire.send_message(sock, send_lock, ('rep', msg_id, ok, rheader, rbody, rrecords))
            except OSError:
                pass

        def fail(exc):
            error = RemoteError(exc, self.info, traceback.format_exc())
            print(error.message, file=sys.stderr)     # the callee's log shows it too, as PyTorch's does
            reply(None, error)

        from ember.distributed.rpc import _handlers
        try:
            payload = self._unpack(sender, header, body, records)
            result = _handlers.HANDLERS[kind](self, sender, ctx_id, payload)
        except Exception as exc:
            fail(exc)
            return
        if isinstance(result, _handlers.Later):
            def done(fut):
                if fut._error is not None:
                    exc = fut._error
                    reply(None, RemoteError(exc, self.info, ''.join(traceback.format_exception(exc))))
                else:
                    reply(fut._value)
            result.future.add_done_callback(done)
        else:
            reply(result)

    # ------------------------------------------------------------------ ending
    def wait_pending(self):
        while True:
            with self.lock:
                futs = [f for f, _, _ in self.pending.values()]
            if not futs:
                return
            for f in futs:
                f._event.wait()

    def close(self):
        self.closed = True
        self.deleter.queue.put(None)       # its thread ends (after a graceful shutdown it has already)
        self.watchdog.stop()
        try:
            self.listener.close()
        except OSError:
            pass
        with self.lock:
            socks = [s for s, _ in self.conns.values()] + self.served
        for s in socks:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()
        self.pool.shutdown(wait=False, cancel_futures=True)


__all__ = ['Agent', 'completed']
