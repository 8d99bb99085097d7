"""The module PyTorch keeps its process-group API in (``torch.distributed.distributed_c10d``): the same
functions and classes as ``ember.distributed``, for code that imports them from here, and
``_get_default_group`` / ``_rank_not_in_group``, which libraries reach for."""
from ember.distributed import (  # noqa: F401
    Backend, GroupMember, P2POp, PrefixStore, ProcessGroup, ReduceOp, Store, Work, all_gather, all_gather_into_tensor,
    all_gather_object, all_reduce, all_to_all, all_to_all_single, barrier, batch_isend_irecv, broadcast,
    broadcast_object_list, default_pg_timeout, destroy_process_group, gather, gather_object, get_backend,
    get_default_backend_for_device, get_global_rank, get_group_rank, get_node_local_rank, get_pg_count,
    get_process_group_ranks, get_rank, get_world_size, group, init_process_group, irecv, is_backend_available,
    is_gloo_available, is_initialized, is_mpi_available, is_nccl_available, is_torchelastic_launched, isend,
    monitored_barrier, new_group, new_subgroups, new_subgroups_by_enumeration, recv, recv_object_list, reduce,
    reduce_scatter, reduce_scatter_tensor, scatter, scatter_object_list, send, send_object_list, supports_complex)
from ember.distributed._group import _default_group, _not_member


def _get_default_group():
    """The default process group (``ValueError`` before ``init_process_group``)."""
    return _default_group()


def _rank_not_in_group(group):
    """Whether this rank is outside ``group`` (None: the default group, which holds every rank)."""
    return _not_member(group)
