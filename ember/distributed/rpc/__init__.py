"""ember.distributed.rpc: PyTorch's ``torch.distributed.rpc`` — remote calls, remote references (RRef)
and, with ``ember.distributed.autograd``, gradients that flow back across calls.

Workers start as PyTorch's do (``ember.multiprocessing.spawn`` or torchrun, meeting at
``MASTER_ADDR:MASTER_PORT``) and talk over TCP sockets; arguments and results are pickled, tensors
travel as their arrays.

>>> import ember.distributed.rpc as rpc
>>> rpc.init_rpc('worker0', rank=0, world_size=2)                          # doctest: +SKIP
>>> rpc.rpc_sync('worker1', ember.add, args=(ember.ones(2), 3))            # doctest: +SKIP
tensor([4., 4.])
>>> rpc.shutdown()                                                         # doctest: +SKIP
"""
from ember.distributed.rpc import constants, functions  # noqa: F401
from ember.distributed.rpc._worker_info import WorkerInfo  # noqa: F401
from ember.distributed.rpc._rref import RRef  # noqa: F401
from ember.distributed.rpc.options import (  # noqa: F401
    BackendType, RpcBackendOptions, TensorPipeRpcBackendOptions)
from ember.distributed.rpc.api import (  # noqa: F401
    init_rpc, shutdown, rpc_sync, rpc_async, remote, get_worker_info, get_rpc_timeout, _get_current_rpc_agent,
    _is_current_rpc_agent_set, _set_rpc_timeout, _rref_context_get_debug_info)
from ember.distributed.rpc import api  # noqa: F401


def is_available():
    """Whether RPC is available (always: it needs nothing beyond the standard library)."""
    return True


__all__ = ['init_rpc', 'shutdown', 'rpc_sync', 'rpc_async', 'remote', 'get_worker_info', 'RRef', 'WorkerInfo',
           'BackendType', 'RpcBackendOptions', 'TensorPipeRpcBackendOptions', 'functions', 'is_available']
