"""Helpers shared by fx passes (``torch.fx.passes.utils``)."""
from ember.fx.passes.utils.common import HolderModule, compare_graphs, lift_subgraph_as_module  # noqa: F401
from ember.fx.passes.utils.matcher_utils import SubgraphMatcher  # noqa: F401
