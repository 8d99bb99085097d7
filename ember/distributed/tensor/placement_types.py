"""How a distributed tensor lies on one dimension of a device mesh: split along a tensor dimension
(``Shard``), whole on every rank (``Replicate``), or summed across ranks on demand (``Partial``)."""
from ember.distributed._reduce_op import ReduceOp

__all__ = ['Placement', 'Shard', 'Replicate', 'Partial']   # and _StridedShard, FSDP + TP's layout


class Placement:
    """Base of the placements."""

    def is_shard(self, dim=None):
        return False

    def is_replicate(self):
        return False

    def is_partial(self, reduce_op=None):
        return False


class Shard(Placement):
    """Split along tensor dimension ``dim`` over the mesh dimension's ranks, as ``ember.chunk`` splits
    (pieces of ``ceil(size / ranks)``; the last ranks' pieces may be smaller or empty).

    >>> Shard(0)
    Shard(dim=0)
    """

    def __init__(self, dim=0):
        self.dim = dim

    def is_shard(self, dim=None):
        return dim is None or dim == self.dim

    @staticmethod
    def local_shard_size_and_offset(curr_local_size, num_chunks, rank):
        """(size, offset) of piece ``rank`` when ``curr_local_size`` elements are split into ``num_chunks``
        pieces as ``ember.chunk`` splits them; a rank past the end gets size 0 at offset ``curr_local_size``.

        >>> Shard.local_shard_size_and_offset(10, 4, 3)
        (1, 9)
        """
        chunk = -(-curr_local_size // num_chunks)
        start = chunk * rank
        return max(0, min(curr_local_size, start + chunk) - start), min(curr_local_size, start)

    def __eq__(self, other):
        return isinstance(other, Shard) and other.dim == self.dim

    def __hash__(self):
        return hash(('Shard', self.dim))

    def __repr__(self):
        return f'Shard(dim={self.dim})'

    def __str__(self):
        return f'S({self.dim})'


class _StridedShard(Placement):
    """A split along tensor dimension ``dim`` nested inside the splits of the same dimension by later mesh
    dimensions (``split_factor`` is the number of pieces they make): what ``fully_shard`` over a
    data-parallel mesh gives a parameter that tensor parallelism already split on its dim 0. Each rank's
    piece is its data-parallel share of its tensor-parallel piece.

    >>> _StridedShard(0, split_factor=2)
    _StridedShard(dim=0, sf=2)
    """

    def __init__(self, dim=0, *, split_factor):
        self.dim, self.split_factor = dim, int(split_factor)

    def __eq__(self, other):
        return isinstance(other, _StridedShard) and (other.dim, other.split_factor) == (self.dim, self.split_factor)

    def __hash__(self):
        return hash(('_StridedShard', self.dim, self.split_factor))

    def __repr__(self):
        return f'_StridedShard(dim={self.dim}, sf={self.split_factor})'

    def __str__(self):
        return f'_S({self.dim}, {self.split_factor})'


class Replicate(Placement):
    """The whole tensor on every rank of the mesh dimension.

    >>> Replicate()
    Replicate()
    """

    def is_replicate(self):
        return True

    def __eq__(self, other):
        return isinstance(other, Replicate)

    def __hash__(self):
        return hash('Replicate')

    def __repr__(self):
        return 'Replicate()'

    def __str__(self):
        return 'R'


class Partial(Placement):
    """Each rank holds a part; the tensor is their reduction (``reduce_op``, a sum by default).

    >>> Partial()
    Partial(sum)
    """

    def __init__(self, reduce_op='sum'):
        names = {'sum': ReduceOp.SUM, 'avg': ReduceOp.AVG, 'max': ReduceOp.MAX, 'min': ReduceOp.MIN,
                 'product': ReduceOp.PRODUCT}
        if reduce_op not in names:
            raise ValueError(f"Partial: reduce_op must be one of {sorted(names)}, got {reduce_op!r}")
        self.reduce_op = reduce_op
        self._op = names[reduce_op]

    def is_partial(self, reduce_op=None):
        return reduce_op is None or reduce_op == self.reduce_op

    def __eq__(self, other):
        return isinstance(other, Partial) and other.reduce_op == self.reduce_op

    def __hash__(self):
        return hash(('Partial', self.reduce_op))

    def __repr__(self):
        return f'Partial({self.reduce_op})'

    def __str__(self):
        return f'P({self.reduce_op})'
