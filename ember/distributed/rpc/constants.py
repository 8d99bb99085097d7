"""Defaults of ``ember.distributed.rpc`` (the values PyTorch's ``torch.distributed.rpc.constants`` holds)."""
from datetime import timedelta

DEFAULT_RPC_TIMEOUT_SEC = 60.0      # rpc_timeout of TensorPipeRpcBackendOptions
UNSET_RPC_TIMEOUT = -1.0            # a call's ``timeout=-1``: use the agent's rpc_timeout
DEFAULT_INIT_METHOD = 'env://'      # rendezvous through MASTER_ADDR / MASTER_PORT
DEFAULT_NUM_WORKER_THREADS = 16     # threads serving requests on each worker
DEFAULT_SHUTDOWN_TIMEOUT = 0.0      # shutdown(timeout=0): wait as long as the others need
DEFAULT_STORE_TIMEOUT = timedelta(seconds=1800)   # the rendezvous's wait for every worker when rpc_timeout is 0
