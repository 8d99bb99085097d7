"""ember.fx: PyTorch's torch.fx — capture a module's ``forward`` as a graph of operations
(``symbolic_trace``), inspect and edit the ``Graph``, and run it again as generated Python code
(``GraphModule``) or node by node (``Interpreter``, ``Transformer``)."""
from ember.fx._symbolic_trace import PH, Tracer, symbolic_trace, wrap
from ember.fx.graph import Graph
from ember.fx.graph_module import GraphModule
from ember.fx.interpreter import Interpreter, Transformer
from ember.fx.node import Node, has_side_effect, map_arg
from ember.fx.proxy import Proxy
from ember.fx.subgraph_rewriter import replace_pattern
from ember.fx import passes  # noqa: F401

__all__ = ['symbolic_trace', 'Tracer', 'Graph', 'GraphModule', 'Node', 'Proxy', 'Interpreter',
           'Transformer', 'wrap', 'map_arg', 'PH', 'replace_pattern', 'has_side_effect']
