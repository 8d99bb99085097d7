"""Views made while nothing records (``no_grad``, ``inference_mode``) of a base that requires grad.

PyTorch keeps such a view tied to its base: it reports ``requires_grad=True`` (its base's) yet stays a leaf
without a ``grad_fn`` and without a gradient accumulator of its own, so an op on it is recorded with a
``(None, 0)`` edge for it and no gradient reaches it or its base. The view remembers the mode it was made in
(its "creation meta"): writing it in place with grad mode on is refused, and once its memory was written
in place after it was made (through the base, another view or the view itself, in any mode) reading its
history (``grad_fn``, ``is_leaf``, an op that records) is refused too, each with PyTorch's text. A view made
with grad mode on from such a view inherits the mode: it has a ``grad_fn``, but may not be written in place.

``requires_grad_(True)`` on such a view gives it an accumulator of its own (it becomes an ordinary leaf for
gradients, still refusing in-place writes); ``requires_grad_(False)`` takes the accumulator away again, and
the view keeps reporting its base's ``requires_grad``.
"""
from weakref import ref as _weakref

NO_GRAD, INFERENCE = 'no_grad', 'inference'

_SUFFIX = (" Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify your code by "
           "moving both the view and the inplace either both inside the {block} block (if you don't want the "
           "inplace to be tracked) or both outside (if you want the inplace to be tracked).")


class NoGradView:
    """What a view made in no_grad mode keeps (``Tensor._no_grad_view``): the version of its memory then,
    whether its base required grad (``tied``: else only its mode matters, for the refusal of in-place writes
    recorded through an operand that requires grad), and whether ``requires_grad_(True)`` gave it an accumulator
    (``own``). One is made for each such view (every view of a parameter inside ``no_grad``), so the rarely set
    fields are class-level defaults (set, they go to a dict made then) and making one is one slot write."""
    __slots__ = ('version', '__dict__')
    mode = NO_GRAD
    tied = True
    own = False
    _acc = None

    def check_read(self, view):
        """Refuse reading ``view``'s history when its memory was written in place since it was made."""
        if self.tied and view._version_counter.value != self.version:
            raise RuntimeError(message(view, self.mode, indirect=True))

    def accumulator(self, view, make):
        """The accumulator ``view``'s gradient goes to: None (no gradient reaches a view made without
        recording) unless ``requires_grad_(True)`` gave it one; ``make()`` builds it the first time."""
        self.check_read(view)
        if not self.own:
            return None
        acc = self._acc() if self._acc is not None else None
        if acc is None:     # (the one its hooks were registered on, if any)
            acc = view._hooked_acc if view._hooked_acc is not None else make()
            self._acc = _weakref(acc)
        return acc


class InferenceModeView(NoGradView):
    """What a view made in inference mode (of a tensor that is not an inference tensor) keeps."""
    __slots__ = ()
    mode = INFERENCE


_new = object.__new__


def mark(view, src, inference, tied):
    """Make ``view`` (of ``src``) one made without recording (``inference``: in inference mode, or a view of
    such a view); ``tied``: its root base requires grad, which it then reports."""
    made = _new(InferenceModeView if inference or src._no_grad_view.__class__ is InferenceModeView else NoGradView)
    made.version = src._version_counter.value
    view._no_grad_view = made
    if tied:
        view._requires_grad = True
    else:
        made.tied = False


def inherit(view, src):
    """``view`` made with grad mode on from ``src``, a view made without recording: it keeps ``src``'s mode
    (PyTorch's creation meta passes from a view to views of it)."""
    made = src._no_grad_view
    view._no_grad_view = again = _new(made.__class__)
    again.version = src._version_counter.value     # (the same counter: view may not hold it yet)
    if not made.tied:
        again.tied = False


def message(view, mode, indirect):
    """PyTorch's refusal for ``view``, made in ``mode``: written in place (``indirect`` False), or read after
    its base or another view of it was (True)."""
    what = "its base or another view of its base has been" if indirect else "is being"
    node = view._grad_fn
    if node is not None:
        from ember.ops.inplace import _node_op_name
        prefix = f"Output {view._output_nr} of {_node_op_name(node.name())} is a view of a view which was created in"
    else:
        prefix = "A view was created in"
    if mode == INFERENCE:
        return f"{prefix} inference mode and {what} modified inplace in normal mode." + \
            _SUFFIX.format(block='inference_mode')
    return f"{prefix} no_grad mode and {what} modified inplace with grad mode enabled." + \
        _SUFFIX.format(block='no_grad')


def set_requires_grad(view, value):
    """``view.requires_grad = value`` for a view made without recording: its own flag, PyTorch's
    ``requires_grad_`` field; what it reports stays its base's."""
    made = view._no_grad_view
    made.own = bool(value)
    if not value:
        made._acc = None
    if not made.tied:
        view._requires_grad = bool(value)
