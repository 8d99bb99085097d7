"""``torch._logging``: ``set_logs`` turns on the compiler's log output.

ember logs what its compiler really does: the captured graph's code (``graph_code``), graph breaks
(``graph_breaks``) and recaptures after a guard failure (``recompiles``), in PyTorch's line format.
The other artifacts name stages ember does not have (bytecode, AOT graphs, generated kernels, ...):
they are accepted and log nothing, as PyTorch logs nothing for a stage a backend skips.

>>> import ember._logging
>>> ember._logging.set_logs(graph_breaks=True)
>>> ember._logging.set_logs()
"""
from ember._logging._internal import ARTIFACTS, COMPONENTS, enabled, log, set_logs  # noqa: F401

__all__ = ['set_logs']
