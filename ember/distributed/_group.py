"""Process groups: the default (world) group that ``init_process_group`` creates over MPI, the
subgroups ``new_group`` makes, and the queries on them (rank, size, backend, rank translation)."""
import os
import sys
import socket
import warnings
from datetime import timedelta

from ember import _torchrun_env as _env
from ember.distributed import _mpi, _rendezvous

default_pg_timeout = timedelta(minutes=30)


class Backend(str):
    """A back-end name. ember's process groups all run over MPI: ``'mpi'``, ``'gloo'`` (PyTorch's CPU back
    end, accepted so that scripts run unchanged) and ``'nccl'`` name the same transport. With ``'nccl'`` (or
    ``'cuda:nccl'``) and CuPy built with NCCL, collectives on CUDA tensors run through NCCL on the device;
    without NCCL they are staged through host memory.

    >>> ember.distributed.Backend('GLOO')
    'gloo'
    """
    UNDEFINED = 'undefined'
    GLOO = 'gloo'
    NCCL = 'nccl'
    UCC = 'ucc'
    MPI = 'mpi'
    XCCL = 'xccl'

    def __new__(cls, name):
        if not isinstance(name, str):
            raise ValueError(f"Backend constructor parameter must be string-ish, but got: {type(name)}")
        value = getattr(Backend, name.upper(), Backend.UNDEFINED)
        if value == Backend.UNDEFINED:
            value = name.lower()
        return super().__new__(cls, value)


_SERVED = ('mpi', 'gloo', 'nccl')
_PYTORCH_NAMES = ('gloo', 'nccl', 'xccl', 'ucc', 'mpi')   # the back ends PyTorch knows by name


def _check_backend(backend):
    """The back-end string a group reports; every device part must be one MPI serves. Other names get the
    errors a CPU build of PyTorch gives (ember serves no UCC or XCCL, and no back end of unknown name)."""
    if backend is None:
        return Backend('mpi')
    name = Backend(str(backend))
    parts = [p.split(':')[-1] for p in name.split(',')]
    for p in parts:
        if p in _SERVED or p in ('fake', 'undefined'):
            continue
        if p == 'xccl':
            raise RuntimeError("Distributed package doesn't have XCCL built in")
        if ':' not in name and p not in _PYTORCH_NAMES:
            warnings.warn(f"Device capability of {p} unknown, assuming `cpu` and `cuda`. You can specify it in "
                          "`device:backend` format in `init_process_group` call.", stacklevel=3)
            raise AssertionError(f"Unknown backend type {p}")
        raise AssertionError(f"Unknown c10d backend type {p.upper()}")
    if any(p in ('fake', 'undefined') for p in parts):
        raise ValueError(f"Invalid backend: '{name}'. ember's process groups run over MPI and accept the "
                         "backends 'mpi', 'gloo' (CPU) and 'nccl' (CUDA)")
    return name


class ProcessGroup:
    """A set of ranks that run collectives together (an MPI communicator underneath)."""

    def __init__(self, comm, ranks, backend, timeout, name=''):
        self._comm = comm
        self._ranks = list(ranks)      # global rank of each group rank
        self._backend = backend
        self._timeout = timeout
        self._name = name
        self._broken = None            # set after a timeout: the communicator's state is unknown
        self._nccl_comms = {}          # CUDA device index -> this group's NCCL communicator (made on first use)
        self._scratch = []             # receive buffers kept for reuse (first touch of 40 MB costs ms)
        self.bound_device_id = None
        self._store = None            # the store given to init_process_group, under a prefix

    def rank(self):
        return self._comm.Get_rank()

    def size(self):
        return self._comm.Get_size()

    def name(self):
        return self._name

    @property
    def group_name(self):
        return self._name

    def __repr__(self):
        return f'<ember.distributed.ProcessGroup {self._name!r} ranks={self._ranks} backend={self._backend!r}>'

    def _take_scratch(self, nbytes):
        import numpy as np
        for i, buf in enumerate(self._scratch):
            if buf.nbytes == nbytes:
                return self._scratch.pop(i)
        return np.empty(nbytes, np.uint8)

    def _give_scratch(self, buf):
        if len(self._scratch) < 4:
            self._scratch.append(buf)


class _State:
    world = None            # the default ProcessGroup
    groups = []             # every group made since init (subgroups included)
    hook_installed = False
    socket_inits = 0        # process groups made over sockets so far (each meets under keys of its own)
    env_stores = []         # the env:// stores they met at (kept: see _init_over_sockets)


class _WorldMeta(type):
    @property
    def WORLD(cls):
        return _State.world


class GroupMember(metaclass=_WorldMeta):
    """``GroupMember.WORLD`` is the default group; ``NON_GROUP_MEMBER`` is what ``new_group`` returns on
    ranks outside the group."""
    NON_GROUP_MEMBER = -100


class group(metaclass=_WorldMeta):
    """``group.WORLD``: the default process group (None before ``init_process_group``)."""


def is_available():
    """True: ember.distributed always runs. Processes that ``mp.spawn`` starts meet over TCP with nothing
    else installed; processes that ``mpirun`` (or ``ember run --nproc``) starts need mpi4py.

    >>> ember.distributed.is_available()
    True
    """
    return True


def is_mpi_available():
    return _mpi.available()


def is_gloo_available():
    """True: 'gloo' is served over TCP between spawned processes, and by MPI under ``mpirun``.

    >>> ember.distributed.is_gloo_available()
    True
    """
    return True


def is_nccl_available():
    from ember import backend
    return _mpi.available() and backend.cuda_available()


def is_initialized():
    return _State.world is not None


def is_torchelastic_launched():
    return os.environ.get('TORCHELASTIC_RUN_ID') is not None


def _default_group():
    if _State.world is None:
        raise ValueError("Default process group has not been initialized, please make sure to call "
                         "init_process_group.")
    return _State.world


def init_process_group(backend=None, init_method=None, timeout=None, world_size=-1, rank=-1, store=None,
                       group_name='', pg_options=None, device_id=None):
    """Join the default process group: every process MPI started (``mpirun -n N`` or ``ember run --nproc N``).

    Ranks and world size come from MPI; ``world_size``/``rank`` may repeat them. With ``init_method``
    ``None`` or ``'env://'`` the rendezvous is MPI's. A ``store`` (with ``rank`` and ``world_size``), or
    ``init_method='tcp://host:port'`` / ``'file:///path'``, is a rendezvous every rank must also reach
    (a barrier on it checks that; the data still moves over MPI). Collectives that wait longer than
    ``timeout`` (default 30 minutes) raise ``DistBackendError`` instead of hanging. Once more than one
    rank runs, an uncaught exception on any rank aborts the whole MPI job, so no rank is left waiting
    for it.

    >>> import ember.distributed as dist
    >>> dist.init_process_group('gloo')          # doctest: +SKIP
    """
    if _State.world is not None:
        raise ValueError("trying to initialize the default process group twice!")
    name = _check_backend(backend)
    if timeout is None:
        timeout = default_pg_timeout
    elif not isinstance(timeout, timedelta):
        raise TypeError(f"Expected timeout argument to be of type datetime.timedelta, got {timeout}")
    if store is not None and init_method is not None:
        raise AssertionError("Cannot specify both init_method and store.")
    if store is not None:
        if not world_size > 0:
            raise AssertionError("world_size must be positive if using store")
        if not rank >= 0:
            raise AssertionError("rank must be non-negative if using store")
    elif init_method is not None:
        _rendezvous.check_url(init_method)
    if pg_options is not None:
        raise ValueError("pg_options is not supported by ember's MPI process groups")
    if device_id is not None and (device_id.index is None or device_id.type == 'cpu'):
        raise ValueError("init_process_group device_id parameter must be an accelerator with an index")
    spawned = _spawned_world(world_size, rank)
    if spawned is not None:
        return _init_over_sockets(name, init_method, timeout, store, *spawned, group_name, device_id)
    MPI = _mpi.load()
    world = MPI.COMM_WORLD
    n, r = world.Get_size(), world.Get_rank()
    if world_size not in (-1, None) and int(world_size) != n:
        raise ValueError(f"world_size={world_size} but MPI started {n} process{'es' if n != 1 else ''}: launch "
                         f"with `mpirun -n {world_size}` or `ember run --nproc {world_size}`")
    if rank not in (-1, None) and int(rank) != r:
        raise ValueError(f"rank={rank} but MPI gave this process rank {r}")
    if name.split(':')[-1] == 'nccl' and 'cuda' not in name and not is_nccl_available():
        raise RuntimeError("Distributed package doesn't have NCCL built in (ember's 'nccl' back end needs CuPy and a "
                           "CUDA device)")
    # a private duplicate keeps ember's messages apart from a user's own traffic on COMM_WORLD
    comm = world.Dup()
    _env.export_torchrun_env((r, n) + _local_ranks(comm))
    if 'MASTER_ADDR' not in os.environ:
        os.environ['MASTER_ADDR'] = comm.bcast(socket.gethostname() if r == 0 else None, root=0)
    pg = ProcessGroup(comm, range(n), name, timeout, group_name or '0')
    pg.bound_device_id = device_id
    if store is None and init_method not in (None, 'env://'):
        store = _rendezvous.store_for_url(init_method, r, n, timeout)
    if store is not None:   # every rank MPI started must also reach the store the script gave
        pg._store = _rendezvous.PrefixStore('default_pg', store)
        try:
            _rendezvous.store_barrier(store, r, n, pg.group_name, timeout)
        except BaseException:
            comm.Free()
            raise
    _State.world = pg
    _State.groups = [pg]
    if n > 1:
        _install_abort_hook()


def _spawned_world(world_size, rank):
    """(rank, world size) of a process that MPI did not start but that is told it is one of several
    (``mp.spawn`` or ``mp.Process`` children given ``rank``/``world_size``, or ``RANK``/``WORLD_SIZE`` in
    the environment); None when MPI started it or it runs alone."""
    if _env.launcher_ranks() is not None:
        return None
    env = os.environ
    n = int(world_size) if world_size not in (-1, None) else int(env.get('WORLD_SIZE', '1') or 1)
    if n <= 1:
        return None
    r = int(rank) if rank not in (-1, None) else env.get('RANK')
    if r is None:
        raise ValueError("Error initializing torch.distributed using env:// rendezvous: environment variable RANK "
                         "expected, but not set")
    return int(r), n


def _init_over_sockets(name, init_method, timeout, store, r, n, group_name, device_id):
    """The default group of processes MPI did not start: they meet at the store (rank 0 serves it at
    ``MASTER_ADDR:MASTER_PORT`` for ``env://``) and exchange data over TCP connections of their own."""
    from ember.distributed import _socket_mpi
    if store is None and init_method not in (None, 'env://'):
        store = _rendezvous.store_for_url(init_method, r, n, timeout)
    elif store is None:
        store = _rendezvous.env_store(r, n, timeout)
        # rank 0's store server lives as long as the process: after destroy_process_group another rank may
        # re-initialise and connect before rank 0 does; it must find the server rank 0 will use again
        _State.env_stores.append(store)
    _State.socket_inits += 1
    comm = _socket_mpi.start(r, n, store, f'ember_sockets/{_State.socket_inits}', timeout)
    _mpi.use_sockets(_socket_mpi)
    _env.export_torchrun_env((r, n, r, n))
    pg = ProcessGroup(comm, range(n), name, timeout, group_name or '0')
    pg.bound_device_id = device_id
    pg._store = _rendezvous.PrefixStore('default_pg', store)
    try:
        _rendezvous.store_barrier(store, r, n, pg.group_name, timeout)
    except BaseException:
        _mpi.use_sockets(None)
        _socket_mpi.stop()
        raise
    _State.world = pg
    _State.groups = [pg]


def _local_ranks(comm):
    """(local rank, local size) among the ranks that share this node."""
    MPI = _mpi.load()
    node = comm.Split_type(MPI.COMM_TYPE_SHARED)
    try:
        return node.Get_rank(), node.Get_size()
    finally:
        node.Free()


def _install_abort_hook():
    """An uncaught exception on one rank ends the whole job instead of leaving the others waiting in
    their next collective (mpi4py's ``python -m mpi4py`` does the same)."""
    if _State.hook_installed:
        return
    previous = sys.excepthook

    def abort_on_uncaught(exc_type, exc, tb):
        previous(exc_type, exc, tb)
        abort_job()

    sys.excepthook = abort_on_uncaught
    _State.hook_installed = True


def abort_job(code=1):
    """Abort every rank of the MPI job (after a rank failed); a no-op when running alone."""
    if _State.world is None or _State.world.size() < 2:
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        _mpi.load().COMM_WORLD.Abort(code)


def destroy_process_group(group=None):
    """Leave ``group`` (every group, and the default one, when None); ``init_process_group`` may follow."""
    if group is None:
        if _State.world is None:
            raise ValueError("Default process group has not been initialized, please make sure to call "
                             "init_process_group.")
        for pg in reversed(_State.groups):
            _free(pg)
        _State.world = None
        _State.groups = []
        if _mpi.load_if_sockets() is not None:
            _mpi.load_if_sockets().stop()
            _mpi.use_sockets(None)
        return
    if group == GroupMember.NON_GROUP_MEMBER:
        return
    if group not in _State.groups:
        raise ValueError("Invalid process group specified")
    if group is _State.world:
        return destroy_process_group(None)
    _free(group)
    _State.groups.remove(group)


def _free(pg):
    if pg._broken is None:   # freeing a communicator with a collective still pending could block
        from ember.distributed import _nccl_path
        _nccl_path.destroy(pg)
        pg._comm.Free()


def new_group(ranks=None, timeout=None, backend=None, pg_options=None, use_local_synchronization=False,
              group_desc=None, device_id=None, sort_ranks=True):
    """A group of some ranks. Every rank calls it (or, with ``use_local_synchronization=True``, only the
    members); ranks outside the group get ``GroupMember.NON_GROUP_MEMBER``."""
    world = _default_group()
    if pg_options is not None:
        raise ValueError("pg_options is not supported by ember's MPI process groups")
    if timeout is None:
        timeout = world._timeout
    elif not isinstance(timeout, timedelta):
        raise TypeError(f"Expected timeout argument to be of type datetime.timedelta, got {timeout}")
    backend = world._backend if backend is None else _check_backend(backend)
    n = world.size()
    if ranks is None or len(ranks) == 0:
        ranks = list(range(n))
    ranks = sorted(ranks) if sort_ranks else list(ranks)
    for r in ranks:
        if not 0 <= r < n:
            raise ValueError(f"Invalid rank {r} in new_group: ranks must be in [0, {n - 1}]")
    if len(set(ranks)) != len(ranks):
        raise ValueError(f"new_group got duplicate ranks: {ranks}")
    MPI = _mpi.load()
    members = world._comm.Get_group().Incl(ranks)
    me = world.rank()
    if use_local_synchronization:
        if me not in ranks:
            return GroupMember.NON_GROUP_MEMBER
        comm = world._comm.Create_group(members)
    else:
        comm = world._comm.Create(members)   # collective over every rank, as PyTorch requires
    members.Free()
    if comm == MPI.COMM_NULL:
        return GroupMember.NON_GROUP_MEMBER
    pg = ProcessGroup(comm, ranks, backend, timeout, group_desc or str(len(_State.groups)))
    pg.bound_device_id = device_id
    _State.groups.append(pg)
    return pg


# ------------------------------------------------------------------------------------ queries
def _not_member(group):
    return group is not None and group == GroupMember.NON_GROUP_MEMBER


def _warn_not_in_group(op_name):
    global_rank = -1 if _State.world is None else _State.world.rank()
    warnings.warn(f"Running {op_name} on global rank {global_rank} which does not belong to the given group.",
                  stacklevel=3)


def _resolve(group):
    return _default_group() if group is None else group


def get_rank(group=None):
    """This process's rank in ``group`` (the default group when None); -1 outside it."""
    if _not_member(group):
        return -1
    return _resolve(group).rank()


def get_world_size(group=None):
    """The number of ranks in ``group``; -1 outside it."""
    if _not_member(group):
        return -1
    return _resolve(group).size()


def get_backend(group=None):
    if _not_member(group):
        raise ValueError("Invalid process group specified")
    return _resolve(group)._backend


def get_process_group_ranks(group):
    """The global ranks of ``group``'s members, in group-rank order."""
    return list(_resolve(group)._ranks)


def get_global_rank(group, group_rank):
    pg = _resolve(group)
    if pg is _State.world:
        return group_rank
    if not 0 <= group_rank < len(pg._ranks):
        raise ValueError(f"Group rank {group_rank} is not part of group {pg}")
    return pg._ranks[group_rank]


def get_group_rank(group, global_rank):
    pg = _resolve(group)
    if pg is _State.world:
        return global_rank
    try:
        return pg._ranks.index(global_rank)
    except ValueError:
        raise ValueError(f"Global rank {global_rank} is not part of group {pg}") from None


def get_node_local_rank(fallback_rank=None):
    if 'LOCAL_RANK' in os.environ:
        return int(os.environ['LOCAL_RANK'])
    if fallback_rank is not None:
        return int(fallback_rank)
    raise RuntimeError("LOCAL_RANK is not in the environment. Consider passing fallback_rank to allow "
                       "`get_node_local_rank` to work, assuming you are not running in a multi-device context "
                       "and want the code to run locally instead.")


def _group_rank(pg, global_rank, group_rank, default=None):
    """The group rank that ``src``/``dst`` (global) or ``group_src``/``group_dst`` name."""
    if global_rank is None and group_rank is None and default is not None:
        global_rank = default
    if group_rank is not None:
        if global_rank is not None:
            raise ValueError("Can't specify both group_rank and global_rank")
        if not 0 <= group_rank < pg.size():
            raise ValueError(f"Group rank {group_rank} is not part of group {pg}")
        return group_rank
    if global_rank is None:
        raise ValueError("Must specify global_rank or group_rank")
    return get_group_rank(pg, global_rank)
