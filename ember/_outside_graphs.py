"""Methods that run eagerly, as a graph break, when code ``ember.compile`` captures calls them.

An optimizer's ``step`` and ``zero_grad``, an LR scheduler's ``step`` and a module's ``zero_grad`` change state the
capture does not trace: tensors updated in place from ``param_groups``/``state``, ``.grad`` attributes, Python
counters. A graph would hold none of it, and its replays would leave the parameters, the gradients and the
schedule as they were after the first call. PyTorch's compiler traces these side effects; ember runs the method
itself at each call, between the graphs (a break, as a function marked with ``compiler.disable``)."""
import functools
import sys
from typing import Any, Callable, TypeVar, cast

_Method = TypeVar('_Method', bound=Callable[..., Any])

EAGER = [0]         # such methods running eagerly inside a captured call (those they call run as they are)


def run_eagerly(method, self, args, kwargs):
    """``method(self, *args, **kwargs)`` as a graph break of the capture under way."""
    from ember._dynamo._segments import call_disabled

    def eager(*args, **kwargs):
        EAGER[0] += 1
        try:
            return method(self, *args, **kwargs)
        finally:
            EAGER[0] -= 1
    return call_disabled(eager, args, kwargs)


def outside_graphs(method: _Method) -> _Method:
    """``method`` made to run as ``run_eagerly`` says when code ``ember.compile`` captures calls it (typed as
    ``method``: its signature and result type are the method's)."""
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        capture = sys.modules.get('ember._dynamo._tracer')
        if capture is not None and capture.ACTIVE and not EAGER[0]:
            return run_eagerly(method, self, args, kwargs)
        return method(self, *args, **kwargs)
    wrapper.outside_graphs = True  # type: ignore[attr-defined]
    return cast(_Method, wrapper)
