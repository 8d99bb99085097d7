"""``torch.cuda.comm``: the same functions as :mod:`ember.nn.parallel.comm`."""
from ember.nn.parallel.comm import broadcast, broadcast_coalesced, gather, reduce_add, reduce_add_coalesced, \
    scatter  # noqa: F401
