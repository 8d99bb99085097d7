"""Graph capture: run a function once and record every ember op it calls as a static graph.

:func:`capture` swaps the one op entry point (``Function.apply``) and the one in-place mechanism
(``ops.inplace.apply_inplace``) for recording versions while the function runs, so the graph holds
the same primitives autograd sees (``Addmm``, ``Convolution``, ``View``, ...), with their non-tensor
arguments as constants. Exporters (``ember.onnx``) translate the graph; nothing here knows a format.
"""
from .capture import TraceError, capture, is_capturing
from .graph import Graph, Node, Value

__all__ = ['Graph', 'Node', 'TraceError', 'Value', 'capture', 'is_capturing']
