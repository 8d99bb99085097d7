"""``x[key] = value`` for a basic key (ints, slices, None, ``...``) recorded as PyTorch records it, in one step.

PyTorch indexes a view of ``x`` and copies the value into it (``copy_``; ``fill_`` for a 0-dim value or a number
into a region with dimensions; a value of another shape is first ``view``ed without its leading 1s and
``expand``ed), so the graph holds CopySlices on the base around that copy's node, or the CopyBackwards /
FillBackward3 node itself when the key selects all of ``x`` (only full slices and ``...``). ember writes the value
straight into the indexed region and records those same nodes and edges: no view of ``x`` is made, and no
snapshot of the overwritten values is kept, since a copy's and a fill's gradient for them is zero.
"""
from ember._tensor import Tensor
from ember.autograd.function import Primitive, input_of, record_node
from ember.ops.inplace import ScatterView, _rederive_other_views
from ember.ops.shape import Expand, View


class _Assigned(Primitive):
    """``x`` once ``value`` is written over the region ``view_fn`` selects (all of ``x`` when it is None). Its
    nodes are made by :func:`record` (the write is done before: there is no forward to run). ``summed``: the
    value is 0-dim and the region is not (PyTorch's fill_), so its gradient is the sum over the region."""

    @staticmethod
    def backward(ctx, g):
        view_fn = ctx.view_fn
        gx = gv = None
        if ctx.needs_input_grad[1]:
            gv = g if view_fn is None else view_fn(g)
            if ctx.summed:
                gv = gv.sum()
        if ctx.needs_input_grad[0]:
            # the overwritten elements get zero, the others pass the gradient through
            if view_fn is None:
                from ember.ops.creation import zeros_like
                gx = zeros_like(g)
            else:
                gx = ScatterView.apply(g, 0.0, view_fn)
        return gx, gv


class AssignedCopy(_Assigned):
    node_name = 'CopyBackwards'     # (ember::autograd::CopyBackwards: the node class is copy_'s)


class AssignedFill(_Assigned):
    node_name = 'FillBackward3'     # fill_ with a tensor value (a number becomes one)


class AssignedIntoView(_Assigned):
    node_name = 'CopySlices'        # (ember::autograd::CopySlices: the node class is the in-place ops')


def selects_whole(basic, shape):
    """Whether the basic key selects all of a tensor of ``shape`` the way PyTorch's assignment sees it: only
    ``...`` and slices from 0 (or no start) with step 1 up to at least the dim's size, so that PyTorch
    writes into the tensor itself, not into a view (``x[-3:]`` on 3 rows is a view: its start is not 0)."""
    dim = 0
    for b in basic:
        if b is Ellipsis:
            dim += len(shape) - sum(1 for c in basic if c is not Ellipsis)
            continue
        if b.__class__ is not slice:
            return False
        start, stop, step = b.start, b.stop, b.step
        if not (start is None or start.__class__ is int and start == 0) or \
                not (step is None or step.__class__ is int and step == 1) or \
                not (stop is None or stop.__class__ is int and stop >= shape[dim]):
            return False
        dim += 1
    return True


def _strip_leading_ones(shape):
    k = 0
    while k < len(shape) and shape[k] == 1:
        k += 1
    return shape[k:]


def record(t, basic, view_cls, value, region, whole):
    """Record ``t[basic] = value``, once the value is written, as PyTorch does. ``region``: the indexed shape;
    ``view_cls``: the view op replaying ``t[basic]`` on a tensor; ``whole``: the key selects all of ``t``."""
    t._version_counter.value += 1
    summed = False
    if isinstance(value, Tensor):
        source = input_of(value)
        vshape = value._data.shape
        if vshape != region:
            if not vshape:
                summed = True     # PyTorch's fill_ with the 0-dim value
            elif source[1] is not None:
                # PyTorch's copy of another shape: the value viewed without its leading 1s, then expanded; the
                # nodes only (no one reads those views' arrays)
                _, dtype, device = source[1]
                core = _strip_leading_ones(vshape)
                source = (record_node(View, 2, [source], in_shape=vshape), 0), (core, dtype, device)
                if core != region:
                    source = (record_node(Expand, 2, [source], in_shape=core), 0), (region, dtype, device)
        tensor_value = True
    else:
        source = (None, 0), None     # a number: PyTorch's (None, 0) edge
        tensor_value = False
    base = t._base
    if base is None:
        target = t
        if whole:
            cls = AssignedFill if summed or not tensor_value and region else AssignedCopy
            view_fn = None
        else:
            cls = AssignedIntoView
            key = (basic, None)

            def view_fn(g):
                return view_cls.apply(g, key)
    else:
        target = base
        cls = AssignedIntoView
        parent = t._view_fn
        if whole:
            view_fn = parent
        else:
            key = (basic, None)

            def view_fn(g):
                return view_cls.apply(parent(g), key)
    if not (t._data.dtype.kind in 'fcV'):
        return                       # (an integer tensor has no history)
    node = record_node(cls, 2, [input_of(target), source], view_fn=view_fn, summed=summed)
    target._grad_fn, target._output_nr, target._requires_grad = node, 0, True
    if target is not t:
        again = t._view_fn(base)
        t._grad_fn, t._output_nr, t._requires_grad = again._grad_fn, again._output_nr, True
    _rederive_other_views(t)
