"""``RemoteModule``: a module that lives on another worker; ``forward`` runs there over RPC.

The local object holds an RRef to the module and where it lives. Passed through an RPC it travels as
those few attributes (the RRef shared by RPC's protocol); the Python pickler refuses it, as PyTorch's.
"""
import types

import ember
from ember import nn
from ember.distributed import rpc
from ember.distributed.remote_device import _remote_device

# what a RemoteModule carries through RPC, and the attributes that stay behind
_REMOTE_MODULE_PICKLED_ATTRIBUTES = ('on', 'device', 'is_device_map_set', 'is_scriptable', 'generated_methods',
                                     'module_rref')
_LOCAL_ONLY = ('forward_async', 'forward')


def _ignored_for_pickling():
    # a fresh Module's own bookkeeping never travels
    return set(vars(nn.Module())) | set(_LOCAL_ONLY)


def _create_module(module_cls, args, kwargs, device):
    module = module_cls(*args, **kwargs)
    if not isinstance(module, nn.Module):
        raise ValueError("Expect `module_cls(*args, **kwargs)` returns an instance of <class nn.Module>, "
                         f"but it returns an instance of {type(module)}.")
    module.to(device)
    return module


def _param_rrefs(module_rref, recurse):
    return [rpc.RRef(p) for p in module_rref.local_value().parameters(recurse)]


def _move(obj, device):
    if isinstance(obj, ember.Tensor):
        return obj.to(device)
    if isinstance(obj, (list, tuple)):
        return type(obj)(_move(o, device) for o in obj)
    if isinstance(obj, dict):
        return {k: _move(v, device) for k, v in obj.items()}
    return obj


def _remote_forward(module_rref, device, is_device_map_set, *args, **kwargs):
    """The module's forward on its owner; CPU inputs go to a CUDA module's device, and without a device
    map its outputs come back on the CPU."""
    module = module_rref.local_value()
    device = ember.device(device)
    if device.type != 'cuda':
        return module.forward(*args, **kwargs)
    out = module.forward(*_move(args, device), **_move(kwargs, device))
    return out if is_device_map_set else _move(out, 'cpu')


def forward_async(self, *args, **kwargs):
    """The remote module's forward, as a future of its result."""
    return rpc.rpc_async(self.module_rref.owner(), _remote_forward,
                         (self.module_rref, self.device, self.is_device_map_set) + args, kwargs)


def forward(self, *args, **kwargs):
    """The remote module's forward (blocks until the result is here)."""
    return forward_async(self, *args, **kwargs).wait()


_GENERATED_METHODS = (forward_async, forward)


def _not_supported(name):
    raise ValueError(f"Method ``{name}`` not supported for RemoteModule")


def _refuse(name):
    def method(self, *args, **kwargs):
        _not_supported(name)
    method.__name__ = name
    method.__doc__ = f"Not supported for a RemoteModule (raises ValueError)."
    return method


class _RemoteModule(nn.Module):
    """A module created by ``module_cls(*args, **kwargs)`` on the worker ``remote_device`` names
    (``'<worker>/<device>'`` or ``'rank:<rank>/<device>'``); ``forward`` and ``forward_async`` run its
    forward there, and distributed autograd carries gradients back to its parameters
    (``remote_parameters()`` gives RRefs to them for a ``DistributedOptimizer``). Other ``nn.Module``
    methods are not supported, except ``train``/``eval``, which run on the remote module.

    Example::

        >>> linear = RemoteModule('worker1/cpu', nn.Linear, args=(20, 30))   # doctest: +SKIP
        >>> linear.forward_async(ember.randn(128, 20)).wait().shape        # doctest: +SKIP
        ember.Size([128, 30])
    """

    def __init__(self, remote_device, module_cls, args=None, kwargs=None, _module_interface_cls=None):
        super().__init__()
        if _module_interface_cls is not None:
            raise ValueError("RemoteModule's _module_interface_cls builds a TorchScript module, which ember "
                             "does not have: leave it None")
        self._prepare_init(remote_device)
        self.is_scriptable = False
        self.generated_methods = _GENERATED_METHODS
        self.module_rref = rpc.remote(self.on, _create_module,
                                      (module_cls, tuple(args or ()), dict(kwargs or {}), self.device))
        self._install_generated_methods()
        self._check_attribute_picklability()

    def _prepare_init(self, remote_device):
        if not rpc._is_current_rpc_agent_set():
            raise AssertionError("RemoteModule only works in RPC.")
        where = _remote_device(remote_device)
        self.on = where.worker_name() if where.worker_name() is not None else where.rank()
        self.device = str(where.device())
        agent = rpc._get_current_rpc_agent()
        self.is_device_map_set = bool(agent.options.device_maps.get(agent.worker_info(self.on).name))

    def _install_generated_methods(self):
        for method in self.generated_methods:
            setattr(self, method.__name__, types.MethodType(method, self))

    def _check_attribute_picklability(self):
        ignored = _ignored_for_pickling()
        for k in self.__dict__:
            if k not in _REMOTE_MODULE_PICKLED_ATTRIBUTES and k not in ignored:
                raise AttributeError(f"Attribute {k} must be either in ``_REMOTE_MODULE_PICKLED_ATTRIBUTES`` or "
                                     "``_REMOTE_MODULE_ATTRIBUTES_IGNORE_FOR_PICKLING``.")

    def remote_parameters(self, recurse=True):
        """RRefs to the remote module's parameters (its submodules' too when ``recurse``)."""
        return rpc.rpc_sync(self.on, _param_rrefs, args=(self.module_rref, recurse))

    def get_module_rref(self):
        """The RRef to the remote module."""
        return self.module_rref

    def __getstate__(self):
        raise RuntimeError("Cannot pickle RemoteModule in python pickler. RemoteModule can only be pickled when "
                           "using RPC")

    def __setstate__(self, state):
        raise RuntimeError("Cannot unpickle RemoteModule in python pickler. RemoteModule can only be unpickled "
                           "when using RPC")

    def __reduce_ex__(self, protocol):
        self.__getstate__()

    def _rpc_reduce(self):
        """How RPC's pickler carries a RemoteModule: its travelling attributes."""
        return _remote_module_receiver, tuple(self.__dict__[k] for k in _REMOTE_MODULE_PICKLED_ATTRIBUTES)

    def parameters(self, recurse=True):
        """Not supported: use ``remote_parameters``."""
        raise ValueError("Method ``parameters`` not supported for RemoteModule. Please use ``remote_parameters`` "
                         "instead.")

    def train(self, mode=True):
        """Put the remote module in training mode (returns the remote module's copy)."""
        return self.module_rref.rpc_sync().train()

    def eval(self):
        """Put the remote module in evaluation mode (returns the remote module's copy)."""
        return self.module_rref.rpc_sync().eval()

    @staticmethod
    def init_from_module_rref(remote_device, module_rref, _module_interface_cls=None):
        """A RemoteModule over a module that already exists (``module_rref``) on the worker ``remote_device``
        names, without creating another."""
        if _module_interface_cls is not None:
            raise ValueError("RemoteModule's _module_interface_cls builds a TorchScript module, which ember "
                             "does not have: leave it None")
        remote_module = object.__new__(RemoteModule)
        remote_module._prepare_init(remote_device)
        remote_module.is_scriptable = False
        remote_module.generated_methods = _GENERATED_METHODS
        remote_module.module_rref = module_rref
        remote_module._install_generated_methods()
        remote_module._check_attribute_picklability()
        return remote_module


for _name in ('register_buffer', 'register_parameter', 'add_module', 'apply', 'cuda', 'ipu', 'xpu', 'cpu', 'type',
              'float', 'double', 'half', 'bfloat16', 'to', 'register_backward_hook', 'register_forward_pre_hook',
              'register_forward_hook', 'state_dict', 'load_state_dict', 'named_parameters', 'buffers',
              'named_buffers', 'children', 'named_children', 'modules', 'named_modules', 'requires_grad_',
              'zero_grad', 'share_memory', 'extra_repr'):
    setattr(_RemoteModule, _name, _refuse(_name))


def _remote_module_receiver(*attrs):
    m = object.__new__(RemoteModule)
    m.__dict__.update(zip(_REMOTE_MODULE_PICKLED_ATTRIBUTES, attrs))
    for method in m.generated_methods:
        object.__setattr__(m, method.__name__, types.MethodType(method, m))
    return m


class RemoteModule(_RemoteModule):
    __doc__ = _RemoteModule.__doc__

    def __init__(self, remote_device, module_cls, args=None, kwargs=None):
        super().__init__(remote_device, module_cls, args, kwargs)
