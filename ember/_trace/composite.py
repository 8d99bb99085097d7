"""Functions recorded whole, as one graph node each, while a graph is captured:

- the ops with no gradient that ember computes outside ``Function.apply`` (argmax, sorting,
  any/all), which would otherwise leave no trace;
- the public ops with no gradient that compute straight on the data (isnan, logical_not, ``~``,
  one_hot, ...: :data:`WHOLE_OPS`), and those whose indices NumPy picks from the data (median,
  cummax, mode), rebound while a graph is captured;
- the time loop of the recurrent layers (nn.RNN/LSTM/GRU), so that an exporter can write one
  recurrent op whose sequence length may vary, rather than the unrolled steps.

Each is the one internal function that its public ops (``argmax``/``argmin``; ``sort``/``argsort``/
``msort``; ``topk``; ``kthvalue``; ``any``/``all``; ``ember.lstm``/``gru``/``rnn_*``) call through their module's
globals, so swapping that name for a recording version records every public spelling. The node
classes below name them in the graph.
"""
import importlib


class ArgExtreme:
    """argmax/argmin: ``(input, dim, keepdim, take_max)`` -> int64 indices (dim None: of the flattened input)."""


class ArgSort:
    """The indices that sort ``input`` along ``dim``: ``(input, dim, descending)``; ties keep their order."""


class TopkIndex:
    """The indices topk picks along ``dim``: ``(input, k, dim, largest, sorted)``, ties as PyTorch's CPU kernel
    orders them."""


class KthIndex:
    """The index kthvalue picks along ``dim``: ``(input, k, dim)``, ties as PyTorch's CPU kernel picks them."""


class LogicalReduce:
    """any/all: ``(reduction, input, dim, keepdim)`` with ``reduction`` the name ``"any"`` or ``"all"``."""


class RecurrentLayers:
    """A multi-layer RNN/LSTM/GRU over a padded sequence: ``(mode, input, h0, c0, params, has_biases,
    num_layers, dropout, train, bidirectional, batch_first, act)`` -> ``(output, h_n, c_n or None)``,
    ``params`` the flat weights in PyTorch's order. Recorded whole only where one recurrent op per
    layer can express it (see :func:`_plain_recurrence`); otherwise its steps are recorded."""


def _plain_recurrence(mode, input, hx, cx, params, has_biases, num_layers, dropout, train, bidirectional,
                      batch_first, act=None, mask=None):
    """No packed-sequence mask, no dropout between layers, no LSTM projections."""
    dirs = 2 if bidirectional else 1
    proj = mode == 'LSTM' and len(params) == num_layers * dirs * (5 if has_biases else 3)
    return mask is None and not (dropout and train and num_layers > 1) and not proj


def _always(*args, **kwargs):
    return True


# (module, function name, node class, whether a call is recorded whole)
RECORDED = (('ember.ops.reduce', '_arg', ArgExtreme, _always),
            ('ember.ops.reduce', '_argsort', ArgSort, _always),
            ('ember.ops.reduce', '_topk_index', TopkIndex, _always),
            ('ember.ops.reduce', '_kth_index', KthIndex, _always),
            ('ember.ops.reduce', '_logical_reduce', LogicalReduce, _always),
            ('ember.ops.rnn', '_sequence', RecurrentLayers, _plain_recurrence))


# Public ops computed straight on the data (tests of values, masks, one_hot, median's indices):
# each call from the traced code is recorded whole as one node, its class named here.
WHOLE_OPS = {'isnan': 'IsNan', 'isinf': 'IsInf', 'isfinite': 'IsFinite', 'isposinf': 'IsPosInf',
             'isneginf': 'IsNegInf', 'signbit': 'SignBit', 'logical_not': 'LogicalNot',
             'bitwise_not': 'BitwiseNot', 'one_hot': 'OneHot', 'count_nonzero': 'CountNonzero',
             # ops whose indices NumPy picks from the data: the recorded steps would not show them
             'median': 'MedianOp', 'nanmedian': 'NanmedianOp', 'cummax': 'CummaxOp', 'cummin': 'CumminOp',
             'mode': 'ModeOp',
             # a result whose size depends on the data: written whole (ONNX Unique, NonZero)
             'unique': 'UniqueOp', 'nonzero': 'NonzeroOp',
             # positions found by NumPy's binary search
             'bucketize': 'BucketizeOp'}
WHOLE_NODES = {op: type(cls, (), {'__module__': __name__, '__doc__': f"``{op}``, recorded whole."})
               for op, cls in WHOLE_OPS.items()}
# where(condition) alone calls nonzero through its module's globals: recorded there too
RECORDED += (('ember.ops.index', 'nonzero', WHOLE_NODES['nonzero'], _always),)


def _swap_bound(make_recording, saved):
    """Rebind the public spellings of :data:`WHOLE_OPS` (functions, methods, operators such as
    ``~``) to recording versions, noting in ``saved`` what to put back."""
    from ember import Tensor
    from ember.ops._registry import BOUND, ORIGINAL_OF, REGISTRY
    originals = {e.fn: WHOLE_NODES[e.name] for e in REGISTRY if e.name in WHOLE_NODES}
    originals.update({copy: originals[fn] for copy, fn in ORIGINAL_OF.items() if fn in originals})   # aliases

    def op_of(fn):
        # through the dispatching wrappers that Tensor subclasses switch on (``__wrapped__``)
        try:
            while fn not in originals and hasattr(fn, '__wrapped__'):
                fn = fn.__wrapped__
            return fn if fn in originals else None
        except TypeError:   # an unhashable class attribute, such as the ``__annotations__`` dict that
            return None     # ``isinstance(t, SomeRuntimeCheckableProtocol)`` leaves on Tensor
    places = {(id(t), n): (t, n) for t, n, fn in BOUND if fn in originals}
    places.update({(id(Tensor), n): (Tensor, n) for n, v in vars(Tensor).items() if op_of(v) is not None})
    for target, name in places.values():
        current = target.get(name) if isinstance(target, dict) else vars(target).get(name)
        base = op_of(current)
        if base is not None:
            saved.append((target, name, current))
            _put(target, name, make_recording(current, originals[base], _always))


def _put(target, name, value):
    if isinstance(target, dict):
        target[name] = value
    else:
        setattr(target, name, value)


def swap_in(make_recording):
    """Replace each function of :data:`RECORDED` by ``make_recording(function, node_class, when)``,
    and the public ops of :data:`WHOLE_OPS` alike; returns the function that puts the originals back."""
    saved = []
    _swap_bound(make_recording, saved)
    for module_name, attr, cls, when in RECORDED:
        module = importlib.import_module(module_name)
        original = getattr(module, attr)
        saved.append((module, attr, original))
        setattr(module, attr, make_recording(original, cls, when))

    def restore():
        for target, attr, original in reversed(saved):
            _put(target, attr, original)
    return restore
