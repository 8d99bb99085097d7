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
