"""A view's history after its memory was written in place, as PyTorch regenerates it.

When a tensor or one of its views is changed in place while a graph is recorded, every other view of the
same memory made while recording now reads the new values, so its history must continue from the base's
new one. PyTorch (on strided CPU and CUDA tensors) gives such a view one ``AsStridedBackward0`` node over
its base, whatever chain of view ops made it: the view's sizes, strides and storage offset describe it.
Views no strides describe (``view_as_real``, ``view_as_complex`` and views of them) replay their view
functions instead. Views PyTorch cannot rebase at all (the pieces of ``split``/``unbind``, a custom
Function's returned input) get a node that raises PyTorch's error where the view's history is read.
"""
from ember import backend
from ember.autograd import _no_grad_views
from ember.autograd.function import (CustomFunctionView, Function, MultiOutputView, Node, ReplayedView,
                                     ViewOfMultiOutput, _node_class_of,
                                     input_of, record_node)
from ember.ops.inplace_views import AsStrided, as_strided, storage_size


def regenerate(view, base):
    """Give ``view`` (of ``base``, whose memory was just written) its history continuing from ``base``'s."""
    fn = view._view_fn
    made = view._no_grad_view      # (a view, made with grad mode on, of a view made without recording)
    if made is not None or isinstance(fn, (MultiOutputView, ViewOfMultiOutput, CustomFunctionView)):
        text = _no_grad_views.message(view, made.mode, indirect=True) if made is not None else \
            _forbidden_message(view, fn)
        view._grad_fn, view._output_nr = _ForbiddenView.made(text), 0
        view._requires_grad = True
        return
    if isinstance(fn, ReplayedView):
        again = fn.regenerate(base)
    else:
        if view._device.type == 'meta':       # (its strides are kept beside its array: the op knows them)
            again = as_strided(base, tuple(view._data.shape), view.stride(), view.storage_offset())
        elif any(s < 0 for s in view._data.strides):     # (as_strided refuses negative strides: replay the ops)
            again = fn(base)
        else:
            view._grad_fn, view._output_nr, view._requires_grad = _as_strided_node(view, base), 0, True
            return
    view._grad_fn, view._output_nr, view._requires_grad = again._grad_fn, again._output_nr, True


def _as_strided_node(view, base):
    """The node ``as_strided(base, view's geometry)`` records, made without computing the view again and with
    the geometry (what its backward and ``_saved_*`` read) worked out from the two arrays when first read: this
    is paid for every live view at every recorded in-place write."""
    return record_node(AsStrided, 6, [input_of(base)], _arrays=(view._data, base._data))


class _GeometryOfArrays:
    """An AsStrided node's ``meta`` (see AsStrided.forward) from the view's and the base's arrays, computed on
    first read and kept; nodes that ran the forward hold their own ``meta``, which comes first."""

    def __get__(self, node, owner=None):
        if node is None:
            return self
        view, base = node._arrays
        meta = (base.shape, _strides(base), view.shape, _strides(view), backend.storage_offset(view),
                backend.storage_offset(base), storage_size(base))
        node.__dict__['meta'] = meta
        return meta


def _strides(data):
    if data.size == 0 and not any(data.strides):
        from ember._tensor import _contiguous_strides
        return _contiguous_strides(data.shape)
    return tuple(s // data.itemsize for s in data.strides)


_node_class_of(AsStrided).meta = _GeometryOfArrays()


def _forbidden_message(view, fn):
    from ember.ops.inplace import _multi_output_message, _node_op_name
    if isinstance(fn, (MultiOutputView, ViewOfMultiOutput)):
        return _multi_output_message(view, "its base or another view of its base has been")
    node = view._grad_fn
    name = _node_op_name(node.name()) if node is not None else 'Function'
    return (f"Output {view._output_nr} of {name} is a view and its base or another view of its base has been "
            "modified inplace. This view was created inside a custom Function (or because an input was returned "
            "as-is) and the autograd logic to handle view+inplace would override the custom backward associated "
            "with the custom Function, leading to incorrect gradients. This behavior is forbidden. You can fix "
            "this by cloning the output of the custom Function.")


class _ForbiddenView(Node):
    """The history of a view PyTorch refuses to rebase: reading it (``grad_fn``) or running it in a backward
    raises PyTorch's error. (PyTorch raises when the view is next used; ember's ops read a tensor's history
    without a check, so an op on such a view raises at the backward instead.)"""
    _fn = Function      # (what the engine asks a node's Function: no donated gradients, Tensors in and out)

    @classmethod
    def made(cls, message):
        node = cls.__new__(cls)
        node._view_error = message
        return node

    def name(self):
        raise RuntimeError(self._view_error)

    def apply(self, grads):
        raise RuntimeError(self._view_error)
