"""Seeing the capture change, in place, a tensor that is not one of its traced values.

The capture records the operations on traced values (its inputs, and what it computes from them). A tensor the
code reaches another way, through an object (an optimizer's ``param_groups``, its ``state``) or a factory call,
is an ordinary tensor to it: an in-place write there runs once, while tracing, and the graph, replayed at every
later call, holds nothing of it (``opt.step()`` in a compiled function would update the parameters once). While
a capture runs, this observer notes such writes, so that the call runs eagerly instead (correct at every call);
PyTorch's compiler traces those tensors too."""
from ember.autograd import _op_observers
from ember.autograd._op_observers import OpObserver


REASON = ("Unsupported: the code changes in place a tensor it reaches other than through its arguments, closure, "
          "globals or modules (an optimizer's parameters)")


class UntracedWrites(OpObserver):
    """Entered around a trace by ``tracer``: an in-place write to a tensor that is neither a traced value's copy
    (``tracer.real``) nor the result of an op run during the trace ends the trace (``_CannotCapture``)."""

    def __init__(self, tracer):
        self.tracer = tracer
        self.made = {}          # id -> tensor made by an op during the trace (kept alive so ids stay unique)

    def op(self, proceed, cls, args, kwargs):
        out = proceed(cls, *args, **kwargs)
        for t in (out if isinstance(out, tuple) else (out,)):
            self.made[id(t)] = t
        return out

    def inplace(self, proceed, tensor, args, kwargs):
        if id(tensor) not in self.made and not any(v is tensor for v in self.tracer.real.values()):
            # stop before the write: the call then runs eagerly, writing once
            from ember._dynamo._capture import _CannotCapture
            raise _CannotCapture(REASON)
        return proceed(tensor, *args, **kwargs)

    def __enter__(self):
        _op_observers.add(self)
        return self

    def __exit__(self, *exc):
        _op_observers.remove(self)
        self.made.clear()
