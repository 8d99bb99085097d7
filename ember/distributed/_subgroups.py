"""Helpers around process groups (PyTorch's ``new_subgroups``, backend queries, complex support)."""
from ember.distributed._group import _State, get_process_group_ranks, get_rank, get_world_size, new_group
from ember.distributed._reduce_op import ReduceOp


def new_subgroups_by_enumeration(ranks_per_subgroup_list, timeout=None, backend=None, pg_options=None,
                                 group_desc=None):
    """One group per list of ranks (every rank calls this); returns ``(this rank's group, all groups)``."""
    if ranks_per_subgroup_list is None or len(ranks_per_subgroup_list) == 0:
        raise ValueError("The arg 'ranks_per_subgroup_list' cannot be empty")
    subgroups, mine, seen = [], None, {}
    me = get_rank()
    for ranks in ranks_per_subgroup_list:
        for r in ranks:           # checked before the group exists: no rank may sit in two groups
            if r in seen:
                raise ValueError(f"Rank {r} has appeared in both subgroup {seen[r]} and {ranks}")
            seen[r] = ranks
        subgroup = new_group(ranks=ranks, timeout=timeout, backend=backend, pg_options=pg_options,
                             group_desc=group_desc)
        subgroups.append(subgroup)
        if me in ranks:
            mine = subgroup
    return mine, subgroups


def new_subgroups(group_size=None, group=None, timeout=None, backend=None, pg_options=None, group_desc=None):
    """Split ``group`` (the world by default) into consecutive groups of ``group_size`` ranks; returns
    ``(this rank's group, all groups)``. Without ``group_size`` the size is the number of GPUs."""
    if group_size is None:
        from ember import cuda
        if not cuda.is_available():
            raise ValueError("Default group size only takes effect when CUDA is available.If your subgroup using a "
                             "backend that does not depend on CUDA,please pass in 'group_size' correctly.")
        group_size = cuda.device_count()
    if group_size <= 0:
        raise ValueError(f"The arg 'group_size' ({group_size}) must be positive")
    world_size = get_world_size(group=group)
    if world_size < group_size:
        raise ValueError(f"The arg 'group_size' ({group_size}) must not exceed the world size ({world_size})")
    if world_size % group_size != 0:
        raise ValueError(f"The world size ({world_size}) must be divisible by 'group_size={group_size}'")
    ranks = get_process_group_ranks(group) if group is not None else list(range(world_size))
    lines = [ranks[i:i + group_size] for i in range(0, len(ranks), group_size)]
    return new_subgroups_by_enumeration(lines, timeout=timeout, backend=backend, pg_options=pg_options,
                                        group_desc=group_desc)


def get_pg_count():
    """How many process groups exist (the default one included)."""
    return len(_State.groups)


def supports_complex(reduceOp):
    """Whether ``reduceOp`` is defined for complex tensors (SUM and AVG are; MIN, MAX, products and bitwise
    ops are not)."""
    return reduceOp not in (ReduceOp.MAX, ReduceOp.MIN, ReduceOp.PRODUCT, ReduceOp.BAND, ReduceOp.BOR,
                            ReduceOp.BXOR)


def is_backend_available(backend):
    """Whether ember can run process groups of ``backend`` here ('mpi' and 'gloo' through MPI, 'nccl' on GPUs)."""
    from ember.distributed._group import is_gloo_available, is_mpi_available, is_nccl_available
    return {'mpi': is_mpi_available, 'gloo': is_gloo_available, 'nccl': is_nccl_available}.get(
        str(backend).lower(), lambda: False)()


def get_default_backend_for_device(device):
    """The backend PyTorch picks for ``device``'s type: 'gloo' for the CPU, 'nccl' for CUDA."""
    from ember._device import device as _device
    kind = device.type if isinstance(device, _device) else _device(device).type
    backends = {'cpu': 'gloo', 'cuda': 'nccl'}
    if kind not in backends:
        raise ValueError(f"Default backend not registered for device : {kind}")
    return backends[kind]
