"""How RPC messages travel: length-prefixed frames of pickled messages, tensors carried beside the
pickled body as NumPy arrays.

The body is pickled with tensors and RRefs replaced by references (``persistent_id``): tensors so the
receiver can hand them to distributed autograd before the body is rebuilt, RRefs because sharing one
is a protocol with its owner (only RPC may pickle an RRef).
"""
import importlib
import io
import pickle
import struct

from ember import backend
from ember._tensor import Tensor


def send_message(sock, lock, message):
    """Send ``message`` as one frame: its pickle, then the arrays' bytes as they lie in memory (pickle's
    out-of-band buffers: a tensor's data is neither copied into the pickle nor out of it)."""
    buffers = []
    head = pickle.dumps(message, protocol=5, buffer_callback=buffers.append)
    views = [b.raw() for b in buffers]
    sizes = struct.pack(f'!{len(views) + 2}Q', len(head), len(views), *(v.nbytes for v in views))
    with lock:
        sock.sendall(sizes + head)
        for v in views:
            sock.sendall(v)


def _read_into(sock, buf):
    view, pos, n = memoryview(buf), 0, len(buf)
    while pos < n:
        got = sock.recv_into(view[pos:], n - pos)
        if not got:
            raise ConnectionError('RPC connection closed')
        pos += got
    return buf


def recv_message(sock):
    """The next message on ``sock`` (arrays are received straight into their own memory)."""
    head_len, count = struct.unpack('!2Q', _read_into(sock, bytearray(16)))
    sizes = struct.unpack(f'!{count}Q', _read_into(sock, bytearray(8 * count))) if count else ()
    head = _read_into(sock, bytearray(head_len))
    buffers = [_read_into(sock, bytearray(n)) for n in sizes]
    return pickle.loads(head, buffers=buffers)


class _Pickler(pickle.Pickler):
    def __init__(self, file, encoder):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.encoder = encoder

    def persistent_id(self, obj):
        if isinstance(obj, Tensor):
            return ('T', self.encoder.add_tensor(obj))
        from ember.distributed.rpc._rref import RRef
        if isinstance(obj, RRef):
            return ('R',) + obj._fork_to(self.encoder.dest)
        return None

    def reducer_override(self, obj):
        # objects that travel only through RPC (a RemoteModule) say how
        reduce = getattr(type(obj), '_rpc_reduce', None)
        if reduce is not None and not isinstance(obj, type):
            return reduce(obj)
        bare = _bare_op(obj)
        if bare is not None:
            return _function_at, (bare.__module__, bare.__qualname__)
        return NotImplemented


def _bare_op(obj):
    """The op behind a dispatching wrapper (``ember.add`` once a Tensor subclass or mode switched dispatch
    on): pickle cannot find the wrapper under the op's own module name, so the op travels by it."""
    from ember._torch_function import unwrapped
    bare = unwrapped(obj)
    return bare if bare is not obj else None


def _function_at(module, qualname):
    obj = importlib.import_module(module)
    for part in qualname.split('.'):
        obj = getattr(obj, part)
    return obj


class Encoder:
    """Pickles one message's body for worker ``dest`` and collects its tensors."""

    def __init__(self, agent, dest):
        self.agent, self.dest = agent, dest
        self.tensors = []          # the Tensor objects, in order
        self.records = []          # (array, device on the receiver, requires_grad, is_parameter)

    def add_tensor(self, t):
        from ember.nn.parameter import Parameter
        if t._device.type == 'meta':
            raise RuntimeError("Cannot send tensors on the 'meta' device over RPC: they hold no data")
        target = self.agent.target_device(self.dest, t._device)
        self.tensors.append(t)
        self.records.append((backend.to_numpy(t._data), str(target), t._requires_grad, isinstance(t, Parameter)))
        return len(self.records) - 1

    def encode(self, obj):
        buf = io.BytesIO()
        _Pickler(buf, self).dump(obj)
        return buf.getvalue()


def make_tensor(array, device, requires_grad, is_parameter):
    """A received tensor, as a leaf (distributed autograd links it to the sender when it must)."""
    from ember._device import device as _device
    dev = _device(device)
    t = Tensor._make(backend.move(array, dev) if dev.type != 'cpu' else array, dev)
    if is_parameter:
        from ember.nn.parameter import Parameter
        return Parameter(t, requires_grad=requires_grad)
    t._requires_grad = bool(requires_grad)
    return t


class _Unpickler(pickle.Unpickler):
    def __init__(self, file, tensors, agent):
        super().__init__(file)
        self.tensors, self.agent = tensors, agent

    def persistent_load(self, pid):
        if pid[0] == 'T':
            return self.tensors[pid[1]]
        from ember.distributed.rpc._rref import RRef
        return RRef._from_fork(self.agent, *pid[1:])


def decode(agent, body, tensors):
    return _Unpickler(io.BytesIO(body), tensors, agent).load()
