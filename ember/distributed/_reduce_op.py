"""ReduceOp: the reductions collectives accept (PyTorch's ``torch.distributed.ReduceOp``)."""
import enum


class RedOpType(enum.IntEnum):
    SUM = 0
    AVG = 1
    PRODUCT = 2
    MIN = 3
    MAX = 4
    BAND = 5
    BOR = 6
    BXOR = 7
    PREMUL_SUM = 8

    def __repr__(self):
        return f'<RedOpType.{self.name}: {self.value}>'

    __str__ = lambda self: f'RedOpType.{self.name}'


class ReduceOp:
    """Reductions for ``all_reduce``, ``reduce`` and ``reduce_scatter``.

    >>> ember.distributed.ReduceOp.SUM
    <RedOpType.SUM: 0>
    """
    RedOpType = RedOpType
    SUM = RedOpType.SUM
    AVG = RedOpType.AVG
    PRODUCT = RedOpType.PRODUCT
    MIN = RedOpType.MIN
    MAX = RedOpType.MAX
    BAND = RedOpType.BAND
    BOR = RedOpType.BOR
    BXOR = RedOpType.BXOR
    PREMUL_SUM = RedOpType.PREMUL_SUM

    def __init__(self, op):
        if not isinstance(op, RedOpType):
            raise TypeError(f"ReduceOp expects a ReduceOp.RedOpType, got {type(op).__name__}")
        self.op = op


def as_red_op(op):
    """The RedOpType of ``op`` (a RedOpType or a ReduceOp instance); PREMUL_SUM is refused."""
    if isinstance(op, ReduceOp):
        op = op.op
    if not isinstance(op, RedOpType):
        raise TypeError(f"op must be a ReduceOp (e.g. ReduceOp.SUM), got {type(op).__name__}")
    if op is RedOpType.PREMUL_SUM:
        raise ValueError("ReduceOp.PREMUL_SUM is only available on the NCCL backend, which ember's MPI "
                         "process groups do not provide")
    return op


class _reduce_op:
    """The deprecated ``reduce_op`` (use ``ReduceOp``): the same reductions, each attribute read warning
    with a ``FutureWarning`` as in PyTorch.

    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter('ignore')
    ...     ember.distributed.reduce_op.SUM is ember.distributed.ReduceOp.SUM
    True
    """

    def __init__(self):
        for name, member in RedOpType.__members__.items():
            setattr(self, name, member)
        self.__members__ = RedOpType.__members__

    def __getattribute__(self, key):
        import warnings
        warnings.warn("`ember.distributed.reduce_op` is deprecated, please use `ember.distributed.ReduceOp` instead",
                      FutureWarning, stacklevel=2)
        return object.__getattribute__(self, key)


reduce_op = _reduce_op()
