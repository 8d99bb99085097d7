"""Ops with no gradient that ember computes outside ``Function.apply`` (argmax, sorting, any/all),
recorded as graph nodes of their own while a graph is captured.

Each is the one internal function that its public ops (``argmax``/``argmin``; ``sort``/``argsort``/
``topk``/``msort``; ``any``/``all``) call through their module's globals, so swapping that name for a
recording version records every public spelling. The node classes below name them in the graph.
"""
import importlib


class ArgExtreme:
    """argmax/argmin: ``(input, dim, keepdim, take_max)`` -> int64 indices (dim None: of the flattened input)."""


class ArgSort:
    """The indices that sort ``input`` along ``dim``: ``(input, dim, descending)``; ties keep their order."""


class LogicalReduce:
    """any/all: ``(reduction, input, dim, keepdim)`` with ``reduction`` NumPy's ``any`` or ``all``."""


# (module, function name, node class)
RECORDED = (('ember.ops.reduce', '_arg', ArgExtreme),
            ('ember.ops.reduce', '_argsort', ArgSort),
            ('ember.ops.reduce', '_logical_reduce', LogicalReduce))


def swap_in(make_recording):
    """Replace each function of :data:`RECORDED` by ``make_recording(function, node_class)``;
    returns the function that puts the originals back."""
    saved = []
    for module_name, attr, cls in RECORDED:
        module = importlib.import_module(module_name)
        original = getattr(module, attr)
        saved.append((module, attr, original))
        setattr(module, attr, make_recording(original, cls))

    def restore():
        for module, attr, original in saved:
            setattr(module, attr, original)
    return restore
