"""The part of mpi4py's ``MPI`` module that ember's process groups use, served over TCP sockets
(``_socket_transport``) for processes that MPI did not start: the ones ``mp.spawn`` or
``mp.Process`` start, which meet through ``MASTER_ADDR``/``MASTER_PORT`` or a store, as with
PyTorch's gloo. mpi4py is not needed then.

Every operation is non-blocking, as MPI's ``I...`` calls: it sends what it can when issued and
finishes as later tests find the messages it waits for. A test of any request advances every
request in flight, so operations whose messages depend on one another all progress. Reductions
combine the ranks' values in rank order.
"""
import hashlib
import os
import pickle
import time

import numpy as np

from ember.distributed._reduce_op import ReduceOp
from ember.distributed._socket_transport import COLLECTIVE, P2P, Transport

# datatypes are NumPy dtypes; reductions are ReduceOps (``_mpi.mpi_op`` maps AVG to SUM)
BYTE = UINT8_T = np.dtype(np.uint8)
INT8_T, INT16_T, INT32_T, INT64_T = (np.dtype(t) for t in (np.int8, np.int16, np.int32, np.int64))
FLOAT, DOUBLE = np.dtype(np.float32), np.dtype(np.float64)
C_FLOAT_COMPLEX, C_DOUBLE_COMPLEX = np.dtype(np.complex64), np.dtype(np.complex128)
SUM, PROD, MIN, MAX = ReduceOp.SUM, ReduceOp.PRODUCT, ReduceOp.MIN, ReduceOp.MAX
BAND, BOR, BXOR = ReduceOp.BAND, ReduceOp.BOR, ReduceOp.BXOR
ANY_SOURCE = -1
COMM_TYPE_SHARED = 'shared'
COMM_NULL = None
COMM_WORLD = None      # the world communicator once ``start`` has run


def start(rank, world_size, store, key_prefix, timeout):
    """Connect this rank to the others (through ``store``) and make ``COMM_WORLD``."""
    global COMM_WORLD
    transport = Transport(rank, world_size, store, key_prefix, timeout)
    COMM_WORLD = Comm(transport, list(range(world_size)), _context(key_prefix))
    return COMM_WORLD


def stop():
    """Close the connections (after ``destroy_process_group``)."""
    global COMM_WORLD
    if COMM_WORLD is not None:
        COMM_WORLD._t.close()
    COMM_WORLD = None


def _context(*parts):
    return int.from_bytes(hashlib.blake2b(repr(parts).encode(), digest_size=8).digest(), 'big')


def _flat(spec):
    """The bytes of a buffer given as ``[array, datatype]`` (or ``[array, (counts, displs), datatype]``)."""
    return np.asarray(spec[0]).reshape(-1).view(np.uint8)


def _typed(spec):
    return _flat(spec).view(spec[-1])


class Status:
    """The sender of a completed receive (``Get_source``)."""

    def __init__(self):
        self._source = ANY_SOURCE

    def Get_source(self):
        return self._source


class Request:
    """One operation in flight: a generator that yields while it waits for a message."""

    def __init__(self, comm, steps):
        self._t = comm._t
        self._steps = steps
        self._done = False
        self._source = ANY_SOURCE
        self._step()
        if not self._done:
            self._t.pending.append(self)

    def _step(self):
        try:
            next(self._steps)
        except StopIteration as stop:
            self._done = True
            if stop.value is not None:
                self._source = stop.value

    def Test(self, status=None):
        _progress(self._t)
        if self._done and status is not None:
            status._source = self._source
        return self._done

    @staticmethod
    def Testall(requests, statuses=None):
        if requests:
            _progress(requests[0]._t)
        if not all(r._done for r in requests):
            return False
        for r, s in zip(requests, statuses or ()):
            s._source = r._source
        return True


def _progress(transport):
    """Advance every request in flight, oldest first."""
    still = []
    for r in transport.pending:
        if not r._done:
            r._step()
        if not r._done:
            still.append(r)
    transport.pending[:] = still


class Group:
    """The global ranks of a communicator's members (``Get_group``, ``Incl``)."""

    def __init__(self, ranks):
        self.ranks = list(ranks)

    def Incl(self, ranks):
        return Group([self.ranks[r] for r in ranks])

    def Free(self):
        pass


class _NodeView:
    """``Split_type(COMM_TYPE_SHARED)``: ranks started by spawn share this machine."""

    def __init__(self, comm):
        self._rank, self._size = comm.Get_rank(), comm.Get_size()

    def Get_rank(self):
        return self._rank

    def Get_size(self):
        return self._size

    def Free(self):
        pass


class Comm:
    """A communicator: ``ranks`` (global) in group-rank order, messages kept apart by ``context``."""

    def __init__(self, transport, ranks, context):
        self._t = transport
        self._ranks = ranks
        self._me = ranks.index(transport.rank)
        self._context = context
        self._sequence = 0           # collectives issued so far (every member issues them in the same order)
        self._children = {}          # communicators made from this one, by member list

    def Get_rank(self):
        return self._me

    def Get_size(self):
        return len(self._ranks)

    def Get_group(self):
        return Group(self._ranks)

    def Free(self):
        pass

    def Abort(self, code=1):
        os._exit(code)

    def Split_type(self, split_type):
        return _NodeView(self)

    def _child(self, ranks, how):
        """The communicator of ``ranks`` (global), or COMM_NULL on a rank outside them; each call with the
        same members makes a new one, under a context every member computes alike."""
        key = (how, tuple(ranks))
        count = self._children[key] = self._children.get(key, 0) + 1
        if self._t.rank not in ranks:
            return COMM_NULL
        return Comm(self._t, list(ranks), _context(self._context, how, tuple(ranks), count))

    def Dup(self):
        return self._child(self._ranks, 'dup')

    def Create(self, group):
        return self._child(group.ranks, 'create')

    def Create_group(self, group):
        return self._child(group.ranks, 'create_group')

    # ------------------------------------------------------------------------------ messages
    def _send(self, to, kind, tag, payload):
        self._t.send(self._ranks[to], self._context, kind, tag, payload)

    def _recv(self, frm, kind, tag):
        """Generator: waits for the message and returns (sender's group rank, payload)."""
        peer = None if frm == ANY_SOURCE else self._ranks[frm]
        while True:
            got = self._t.take(self._context, kind, tag, peer)
            if got is not None:
                return self._ranks.index(got[0]), got[1]
            yield

    def _collective(self, body):
        self._sequence += 1
        return Request(self, body(self._sequence))

    # ------------------------------------------------------------------------------ point to point
    def Isend(self, buf, dest, tag=0):
        self._send(dest, P2P, tag, _flat(buf).tobytes())
        return Request(self, iter(()))

    def Irecv(self, buf, source=ANY_SOURCE, tag=0):
        def steps():
            src, payload = yield from self._recv(source, P2P, tag)
            _fill(_flat(buf), payload)
            return src
        return Request(self, steps())

    # ------------------------------------------------------------------------------ collectives
    def _gather_to(self, root, seq, payload):
        """Generator: the root returns every rank's payload in rank order; the others None."""
        if self._me != root:
            self._send(root, COLLECTIVE, seq, payload)
            return None
        parts = []
        for r in range(self.Get_size()):
            if r == root:
                parts.append(payload)
            else:
                parts.append((yield from self._recv(r, COLLECTIVE, seq))[1])
        return parts

    def _from_root(self, root, seq, payload):
        """Generator: the root sends ``payload`` to every rank; each returns it."""
        if self._me == root:
            for r in range(self.Get_size()):
                if r != root:
                    self._send(r, COLLECTIVE, seq, payload)
            return payload
        return (yield from self._recv(root, COLLECTIVE, seq))[1]

    def _reduced(self, root, seq, send, op):
        """Generator: on the root, the rank-ordered reduction of every rank's ``send``."""
        data = _typed(send)
        parts = yield from self._gather_to(root, seq, data.tobytes())
        if parts is None:
            return None
        from ember.distributed._mpi import numpy_reduce
        return numpy_reduce(op, [np.frombuffer(p, data.dtype) for p in parts])

    def Iallreduce(self, send, recv, op):
        def steps(seq):
            total = yield from self._reduced(0, seq, send, op)
            _fill(_flat(recv), (yield from self._from_root(0, seq, None if total is None else total.tobytes())))
        return self._collective(steps)

    def Ireduce(self, send, recv, op, root=0):
        def steps(seq):
            total = yield from self._reduced(root, seq, send, op)
            if total is not None:
                _fill(_flat(recv), total.tobytes())
        return self._collective(steps)

    def Ireduce_scatter_block(self, send, recv, op):
        def steps(seq):
            total = yield from self._reduced(0, seq, send, op)
            block = _flat(recv).nbytes
            if total is not None:
                raw = total.tobytes()
                for r in range(1, self.Get_size()):
                    self._send(r, COLLECTIVE, seq, raw[r * block:(r + 1) * block])
                _fill(_flat(recv), raw[:block])
            else:
                _fill(_flat(recv), (yield from self._recv(0, COLLECTIVE, seq))[1])
        return self._collective(steps)

    def Ibcast(self, buf, root=0):
        def steps(seq):
            got = yield from self._from_root(root, seq, _flat(buf).tobytes() if self._me == root else None)
            if self._me != root:
                _fill(_flat(buf), got)
        return self._collective(steps)

    def Iallgather(self, send, recv):
        def steps(seq):
            mine = _flat(send).tobytes()
            for r in range(self.Get_size()):
                if r != self._me:
                    self._send(r, COLLECTIVE, seq, mine)
            out, block = _flat(recv), len(mine)
            for r in range(self.Get_size()):
                part = mine if r == self._me else (yield from self._recv(r, COLLECTIVE, seq))[1]
                out[r * block:(r + 1) * block] = np.frombuffer(part, np.uint8)
        return self._collective(steps)

    def Igather(self, send, recv, root=0):
        def steps(seq):
            mine = _flat(send).tobytes()
            parts = yield from self._gather_to(root, seq, mine)
            if parts is not None:
                _fill(_flat(recv), b''.join(parts))
        return self._collective(steps)

    def Iscatter(self, send, recv, root=0):
        def steps(seq):
            out = _flat(recv)
            if self._me == root:
                raw = _flat(send).tobytes()
                block = out.nbytes
                for r in range(self.Get_size()):
                    if r != root:
                        self._send(r, COLLECTIVE, seq, raw[r * block:(r + 1) * block])
                _fill(out, raw[root * block:(root + 1) * block])
            else:
                _fill(out, (yield from self._recv(root, COLLECTIVE, seq))[1])
        return self._collective(steps)

    def Ialltoall(self, send, recv):
        def steps(seq):
            raw, out = _flat(send).tobytes(), _flat(recv)
            block = len(raw) // self.Get_size()
            for r in range(self.Get_size()):
                if r != self._me:
                    self._send(r, COLLECTIVE, seq, raw[r * block:(r + 1) * block])
            for r in range(self.Get_size()):
                part = raw[r * block:(r + 1) * block] if r == self._me else (yield from self._recv(r, COLLECTIVE, seq))[1]
                out[r * block:(r + 1) * block] = np.frombuffer(part, np.uint8)
        return self._collective(steps)

    def Ialltoallv(self, send, recv):
        def steps(seq):
            raw, (send_counts, send_displs) = _flat(send).tobytes(), send[1]
            out, (recv_counts, recv_displs) = _flat(recv), recv[1]
            for r in range(self.Get_size()):
                if r != self._me:
                    start = int(send_displs[r])
                    self._send(r, COLLECTIVE, seq, raw[start:start + int(send_counts[r])])
            for r in range(self.Get_size()):
                if r == self._me:
                    start = int(send_displs[r])
                    part = raw[start:start + int(send_counts[r])]
                else:
                    part = (yield from self._recv(r, COLLECTIVE, seq))[1]
                start = int(recv_displs[r])
                out[start:start + int(recv_counts[r])] = np.frombuffer(part, np.uint8)
        return self._collective(steps)

    def Ibarrier(self):
        def steps(seq):
            yield from self._gather_to(0, seq, b'')
            yield from self._from_root(0, seq, b'')
        return self._collective(steps)

    def bcast(self, obj, root=0):
        """Blocking broadcast of a picklable object (mpi4py's lower-case ``bcast``)."""
        got = {}

        def steps(seq):
            got['raw'] = yield from self._from_root(root, seq, pickle.dumps(obj) if self._me == root else None)
        req = self._collective(steps)
        while not req.Test():
            time.sleep(0.0005)
        return pickle.loads(got['raw'])


def _fill(out, payload):
    if len(payload) != out.nbytes:
        raise RuntimeError(f"message of {len(payload)} bytes where {out.nbytes} were expected: the ranks called "
                           "different operations or gave tensors of different sizes")
    out[:] = np.frombuffer(payload, np.uint8)
