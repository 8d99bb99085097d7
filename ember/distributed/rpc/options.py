"""``TensorPipeRpcBackendOptions``: how ``init_rpc`` sets up a worker (threads, timeout, rendezvous, device maps).

ember's RPC agent speaks its own protocol over TCP sockets; the class keeps PyTorch's name so that
scripts written for the TensorPipe backend run unchanged.
"""
import enum

from ember.distributed.rpc import constants

_SIGNATURE = ("__init__(): incompatible constructor arguments. The following argument types are supported:\n"
              "    1. torch._C._distributed_rpc._TensorPipeRpcBackendOptionsBase(num_worker_threads: "
              "typing.SupportsInt | typing.SupportsIndex = 16, _transports: collections.abc.Sequence[str] | None "
              "= None, _channels: collections.abc.Sequence[str] | None = None, rpc_timeout: typing.SupportsFloat "
              "| typing.SupportsIndex = 60.0, init_method: str = 'env://', device_maps: collections.abc.Mapping"
              "[str, collections.abc.Mapping[torch.device, torch.device]] = {}, devices: collections.abc.Sequence"
              "[torch.device] = [])\n\nInvoked with: ")


class BackendType(enum.Enum):
    """The RPC backends: ember has one, under TensorPipe's name."""
    TENSORPIPE = 'TENSORPIPE'

    def __repr__(self):
        return f'BackendType.{self.name}'


class RpcBackendOptions:
    """What every backend's options hold: the default ``rpc_timeout`` (seconds) and the ``init_method``."""

    def __init__(self, rpc_timeout=constants.DEFAULT_RPC_TIMEOUT_SEC, init_method=constants.DEFAULT_INIT_METHOD):
        self.rpc_timeout = rpc_timeout
        self.init_method = init_method

    @property
    def rpc_timeout(self):
        """Seconds an RPC may take before its future fails (0: no limit)."""
        return self._rpc_timeout

    @rpc_timeout.setter
    def rpc_timeout(self, value):
        value = float(value)
        if value < 0:
            raise RuntimeError("RPC Timeout must be non-negative")
        self._rpc_timeout = value

    @property
    def init_method(self):
        """The rendezvous URL: ``env://`` (MASTER_ADDR, MASTER_PORT), ``tcp://host:port`` or ``file://path``."""
        return self._init_method

    @init_method.setter
    def init_method(self, value):
        if not isinstance(value, str):
            raise TypeError("(): incompatible function arguments")
        self._init_method = value


def _as_device(d):
    """A device of a device map; an integer is a CUDA index, which needs a GPU."""
    from ember._device import device as _device
    import ember
    dev = _device('cuda', d) if isinstance(d, int) and not isinstance(d, bool) else _device(d)
    if dev.type == 'cuda' and not ember.cuda.is_available():
        raise RuntimeError("Cannot access accelerator device when none is available.")
    return dev


class TensorPipeRpcBackendOptions(RpcBackendOptions):
    """Options of ``init_rpc``'s agent.

    Args:
        num_worker_threads (int): threads that serve incoming requests (default 16).
        rpc_timeout (float): default seconds a call may take (default 60; 0 for no limit).
        init_method (str): the rendezvous URL (default ``'env://'``: ``MASTER_ADDR`` and ``MASTER_PORT``).
        device_maps (dict): for each peer name, where tensors on this worker's devices land on that peer.
        devices (list): the CUDA devices this worker's agent uses.

    Example::

        >>> from ember.distributed import rpc
        >>> opts = rpc.TensorPipeRpcBackendOptions(num_worker_threads=8, rpc_timeout=20)
        >>> opts.num_worker_threads, opts.rpc_timeout, opts.init_method
        (8, 20.0, 'env://')
    """

    def __init__(self, *, num_worker_threads=constants.DEFAULT_NUM_WORKER_THREADS,
                 rpc_timeout=constants.DEFAULT_RPC_TIMEOUT_SEC, init_method=constants.DEFAULT_INIT_METHOD,
                 device_maps=None, devices=None, _transports=None, _channels=None):
        bad = (not isinstance(num_worker_threads, int) or isinstance(num_worker_threads, bool)
               or not isinstance(rpc_timeout, (int, float)) or isinstance(rpc_timeout, bool)
               or not isinstance(init_method, str))
        if bad:
            shown = ', '.join(repr(a) for a in (num_worker_threads, _transports, _channels, rpc_timeout, init_method,
                                                 device_maps or {}, devices or []))
            raise TypeError(_SIGNATURE + shown)
        if num_worker_threads <= 0:
            raise RuntimeError(f"num_worker_threads must be positive, got {num_worker_threads}")
        if _transports is not None or _channels is not None:
            raise ValueError("ember's RPC agent has one transport (TCP sockets): _transports and _channels "
                             "cannot be chosen")
        super().__init__(rpc_timeout, init_method)
        self.num_worker_threads = num_worker_threads
        self.device_maps = {}
        self.devices = []
        for to, device_map in (device_maps or {}).items():
            self.set_device_map(to, device_map)
        if devices:
            self.set_devices(devices)

    def set_device_map(self, to, device_map):
        """Where tensors this worker sends to ``to`` land: ``{local device: device on to}``."""
        mapped = {_as_device(k): _as_device(v) for k, v in device_map.items()}
        current = self.device_maps.setdefault(to, {})
        for k, v in mapped.items():
            if k in current and current[k] != v:
                raise ValueError("`set_device_map` only supports 1-to-1 mapping, trying to map "
                                 f"{k} to {v} and {current[k]}")
            current[k] = v

    def set_devices(self, devices):
        """The CUDA devices the agent uses on this worker."""
        devices = [_as_device(d) for d in devices]
        for d in devices:
            if d.type != 'cuda':
                raise ValueError(f"`set_devices` expect a list of CUDA devices, but got device type {d.type}.")
        self.devices = devices
