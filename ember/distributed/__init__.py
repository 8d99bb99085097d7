"""ember.distributed: PyTorch's ``torch.distributed`` over MPI (mpi4py).

Start N processes with ``mpirun -n N python train.py`` or ``ember run --nproc N train.py``; each calls
``init_process_group`` and then runs collectives on tensors. torchrun's variables (``RANK``,
``WORLD_SIZE``, ``LOCAL_RANK``, ...) are filled in from MPI's, so torchrun-style scripts run unchanged.

>>> import ember, ember.distributed as dist
>>> dist.init_process_group('gloo')                   # doctest: +SKIP
>>> t = ember.ones(2) * dist.get_rank()               # doctest: +SKIP
>>> dist.all_reduce(t, op=dist.ReduceOp.SUM)          # doctest: +SKIP
"""
from ember.distributed._errors import DistError, DistBackendError, DistNetworkError, DistStoreError  # noqa: F401
from ember.distributed._reduce_op import ReduceOp, reduce_op  # noqa: F401
from ember.distributed._group import (  # noqa: F401
    Backend, ProcessGroup, GroupMember, group, default_pg_timeout, is_available, is_mpi_available,
    is_gloo_available, is_nccl_available, is_initialized, is_torchelastic_launched, init_process_group,
    destroy_process_group, new_group, get_rank, get_world_size, get_backend, get_process_group_ranks,
    get_global_rank, get_group_rank, get_node_local_rank)
from ember.distributed._work import Work  # noqa: F401
from ember.distributed._store import Store, HashStore, PrefixStore, QueueEmptyError  # noqa: F401
from ember.distributed._tcp_store import TCPStore  # noqa: F401
from ember.distributed._file_store import FileStore  # noqa: F401
from ember.distributed._grad_bucket import GradBucket  # noqa: F401
from ember.distributed._collectives import (  # noqa: F401
    all_reduce, reduce, reduce_scatter, reduce_scatter_tensor, broadcast, all_gather, all_gather_into_tensor,
    gather, scatter, all_to_all, all_to_all_single, barrier, monitored_barrier, isend, irecv, send, recv,
    P2POp, batch_isend_irecv)
from ember.distributed._subgroups import (  # noqa: F401
    get_default_backend_for_device, get_pg_count, is_backend_available, new_subgroups, new_subgroups_by_enumeration,
    supports_complex)
from ember.distributed._objects import (  # noqa: F401
    all_gather_object, gather_object, broadcast_object_list, scatter_object_list, send_object_list,
    recv_object_list)


def __getattr__(name):
    # the device mesh loads on first use (it is not part of every distributed program)
    if name in ('DeviceMesh', 'init_device_mesh'):
        from ember.distributed import device_mesh
        return getattr(device_mesh, name)
    if not name.startswith('__'):
        # submodules (rpc, device_mesh, fsdp, tensor, ...) load on first use: ``torch.distributed.device_mesh``
        # works after ``import torch.distributed`` as in PyTorch, which imports them eagerly
        import importlib
        import importlib.util
        if importlib.util.find_spec(f'ember.distributed.{name}') is not None:
            return importlib.import_module(f'ember.distributed.{name}')
    raise AttributeError(f"module 'ember.distributed' has no attribute '{name}'")
