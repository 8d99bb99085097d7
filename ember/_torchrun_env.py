"""torchrun's environment variables, filled in from the MPI launcher's.

Scripts written for ``torchrun`` read ``RANK``, ``LOCAL_RANK``, ``WORLD_SIZE``, ``LOCAL_WORLD_SIZE``,
``MASTER_ADDR`` and ``MASTER_PORT`` (often before they call ``init_process_group``, to decide whether
to run distributed at all). Under ``mpirun`` the launcher publishes the same facts under its own names;
copying them over lets such scripts run unchanged. Values already set are left alone.
"""
import os

# (rank, size, local rank, local size) as Open MPI, MPICH/Hydra (and Intel MPI), and Slurm's srun name them
_LAUNCHERS = (
    ('OMPI_COMM_WORLD_RANK', 'OMPI_COMM_WORLD_SIZE', 'OMPI_COMM_WORLD_LOCAL_RANK', 'OMPI_COMM_WORLD_LOCAL_SIZE'),
    ('PMI_RANK', 'PMI_SIZE', 'MPI_LOCALRANKID', 'MPI_LOCALNRANKS'),
    ('PMIX_RANK', None, None, None),
)


def launcher_ranks():
    """(rank, world size, local rank, local world size) from the MPI launcher's environment, or None."""
    env = os.environ
    for rank, size, local, local_size in _LAUNCHERS:
        if rank in env and (size is None or size in env):
            if size is None:
                return None   # a PMIx rank alone does not give the world size
            r, n = int(env[rank]), int(env[size])
            lr = int(env[local]) if local and local in env else r
            ln = int(env[local_size]) if local_size and local_size in env else n
            return r, n, lr, ln
    return None


def export_torchrun_env(ranks=None):
    """Set torchrun's variables from the launcher's (or from ``ranks``); returns True when set."""
    ranks = ranks or launcher_ranks()
    if ranks is None:
        return False
    rank, size, local_rank, local_size = ranks
    values = [('RANK', rank), ('WORLD_SIZE', size), ('LOCAL_RANK', local_rank), ('LOCAL_WORLD_SIZE', local_size),
              ('MASTER_PORT', 29500)]
    if local_size == size:   # one node; across nodes init_process_group publishes rank 0's host name
        values.append(('MASTER_ADDR', '127.0.0.1'))
    for key, value in values:
        os.environ.setdefault(key, str(value))
    return True
