"""``WorkerInfo``: the name and id of one worker of an RPC group."""


class WorkerInfo:
    """A worker's globally unique ``name`` and its ``id`` (its rank), as ``get_worker_info`` returns it.

    Example::

        >>> from ember.distributed.rpc import WorkerInfo
        >>> WorkerInfo('worker1', 1)
        WorkerInfo(id=1, name=worker1)
    """
    __slots__ = ('_name', '_id')

    def __init__(self, name, id):
        if not isinstance(name, str) or not isinstance(id, int) or isinstance(id, bool):
            raise TypeError("__init__(): incompatible constructor arguments. The following argument types are "
                            "supported:\n    1. torch._C._distributed_rpc.WorkerInfo(name: str, id: typing.SupportsInt | typing.SupportsIndex)\n\n"
                            f"Invoked with: {name!r}, {id!r}")
        self._name, self._id = name, id

    @property
    def name(self):
        """The worker's name."""
        return self._name

    @property
    def id(self):
        """The worker's id (its rank in the RPC group)."""
        return self._id

    def __eq__(self, other):
        return isinstance(other, WorkerInfo) and (self._id, self._name) == (other._id, other._name)

    def __hash__(self):
        return hash((self._id, self._name))

    def __repr__(self):
        return f'WorkerInfo(id={self._id}, name={self._name})'

    __str__ = __repr__

    def __reduce__(self):
        return WorkerInfo, (self._name, self._id)
