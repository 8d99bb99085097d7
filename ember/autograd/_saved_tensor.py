"""``grad_fn._raw_saved_<name>``: one tensor a backward node saved, as an object that takes its own pair of
saved-tensor hooks (``register_hooks(pack, unpack)``): the pack hook runs at once on the saved tensor and
what it returns is kept instead of the tensor; the unpack hook gives the tensor back whenever backward or a
``_saved_<name>`` read needs it.  It is ``ember._C._autograd.SavedTensor``, as PyTorch's is
``torch._C._autograd.SavedTensor``.
"""
import weakref

from ember.autograd import _saved_hooks as _hooks
from ember.autograd import grad_mode

_FREED = ("Calling register_hooks on a saved tensor after it has been freed. Saved intermediate values of the "
          "graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need "
          "to backward through the graph a second time or if you need to access saved variables after calling "
          "backward.")
_TWICE = ("Calling register_hooks on a saved tensor whose hooks have already been set. Hint: only one pair of "
          "hooks is allowed at a time.")
_NONE = "Calling register_hooks on a saved tensor with value None is forbidden"
_PACK_MODIFIED = ("A saved tensor pack hook is modifying its input in place. Tensors provided as input to pack "
                  "hook cannot be modified by in-place operations as this can lead to unexpected side-effects. "
                  "Please open an issue if you need to perform in-place operations on the input to a pack hook.")
_OUTPUT_UNPACK = ("Trying to use a saved tensor that has been detached in-place, i.e. with .detach_().This is not "
                  "supported, please use out-of-place `.detach()` instead")


class SavedTensor:
    """One tensor saved by a backward node (``grad_fn._raw_saved_<name>``), which can take a pair of hooks of
    its own: ``pack(tensor)`` runs at once and what it returns is kept in the tensor's place;
    ``unpack(packed)`` must give a tensor back whenever the saved tensor is needed (``_saved_<name>``,
    backward). One pair per saved tensor, and only before backward freed it.

    Example::

        >>> x = ember.ones(3, requires_grad=True)
        >>> y = x.exp()
        >>> saved = y.grad_fn._raw_saved_result
        >>> saved.register_hooks(lambda t: t.tolist(), lambda packed: ember.tensor(packed))
        >>> saved.data
        [2.7182817459106445, 2.7182817459106445, 2.7182817459106445]
        >>> y.grad_fn._saved_result
        tensor([2.7183, 2.7183, 2.7183], grad_fn=<ExpBackward0>)
    """
    __slots__ = ('_node', '_index', '__weakref__')

    def __init__(self, *args, **kwargs):
        raise RuntimeError("Trying to create a SavedTensor object from Python is forbidden.")

    @classmethod
    def _of(cls, node, index):
        self = object.__new__(cls)
        self._node = node
        self._index = index
        return self

    def _record(self):
        index = self._index
        if not isinstance(index, int):
            # an array the forward kept on the node (layer norm's mean and rstd), read by ``index``
            hooked = self._node.__dict__.get('_hooked_fields', {}).get(index.field_key)
            if hooked is not None:
                return hooked
            value = index(self._node)
            return None if value is None else _Kept(value)
        saved = self._node._saved
        return None if not saved or index >= len(saved) else saved[index]

    def _keep(self, packed):
        if isinstance(self._index, int):
            self._node._saved[self._index] = packed
        else:
            self._node.__dict__.setdefault('_hooked_fields', {})[self._index.field_key] = packed

    def register_hooks(self, *args, **kwargs):
        """Keep ``pack_hook(tensor)`` instead of the saved tensor, and give ``unpack_hook(packed)`` back
        whenever it is needed.

        Example::

            >>> x = ember.ones(2, requires_grad=True)
            >>> node = (x * x).grad_fn
            >>> node._raw_saved_self.register_hooks(lambda t: t * 10, lambda p: p)
            >>> node._saved_self
            tensor([10., 10.], requires_grad=True)
        """
        if kwargs or len(args) != 2 or not all(callable(a) for a in args):
            shown = ', '.join([repr(self)] + [repr(a) for a in args] + [f'{k}={v!r}' for k, v in kwargs.items()])
            raise TypeError(
                "register_hooks(): incompatible function arguments. The following argument types are supported:\n"
                "    1. (self: ember._C._autograd.SavedTensor, arg0: collections.abc.Callable, "
                "arg1: collections.abc.Callable) -> None\n\nInvoked with: " + shown)
        pack_hook, unpack_hook = args
        node = self._node
        if node._freed:
            raise RuntimeError(_FREED)
        record = self._record()
        if type(record) is _hooks.PackedSaved:
            raise RuntimeError(_TWICE)
        if record is None:
            raise RuntimeError(_NONE)
        tensor = record.tensor
        if not hasattr(tensor, '_version_counter'):     # a Python number the op saved (x * 2.5)
            from ember.autograd._saved_attrs import wrapped_number
            tensor = wrapped_number(tensor)
        counter = tensor._version_counter
        version = counter.value
        with grad_mode.no_grad():
            # an input reaches the hook detached (its history is kept aside); a saved output is kept
            # without one already
            packed = _hooks._run_pack(pack_hook, tensor if record.is_output else tensor.detach())
        if counter.value != version:
            raise RuntimeError(_PACK_MODIFIED)
        p = _hooks.PackedSaved()
        p.packed = packed
        p.unpack_hook = unpack_hook
        p.version_counter = counter
        p.version = None        # (hooks take over: no version is checked any more, as in PyTorch)
        p.is_output = record.is_output
        p.position = getattr(record, 'position', -1)
        p.history = _history(tensor) if not record.is_output else None
        self._keep(p)

    def unpack(self):
        """The saved tensor (through the unpack hook when one is registered).

        Example::

            >>> x = ember.ones(2, requires_grad=True)
            >>> (x * x).grad_fn._raw_saved_self.unpack() is x
            True
        """
        record = self._record()
        if record is not None and record.is_output:
            # (a saved output is kept without its history, which only its node gives back, in backward)
            raise RuntimeError(_OUTPUT_UNPACK)
        if not isinstance(self._index, int):
            return self._index(self._node)
        return self._node._read_saved(self._index)

    @property
    def data(self):
        """What is kept: the saved tensor, or what the pack hook returned; None once backward freed it.

        Example::

            >>> x = ember.ones(2, requires_grad=True)
            >>> (x * x).grad_fn._raw_saved_self.data is x
            True
        """
        if self._node._freed:
            return None
        record = self._record()
        if record is None:
            return None
        if type(record) is _hooks.PackedSaved:
            return record.packed
        return getattr(record, 'given', record.tensor)     # (an input promoted for the op: the one given)

    @property
    def unpack_hook(self):
        """The unpack hook registered on this saved tensor (None without one, and once backward freed it).

        Example::

            >>> x = ember.ones(2, requires_grad=True)
            >>> print((x * x).grad_fn._raw_saved_self.unpack_hook)
            None
        """
        record = None if self._node._freed else self._record()
        return record.unpack_hook if type(record) is _hooks.PackedSaved else None


class _Kept:
    """An array kept on the node, seen as a saved record (no version: nothing can change it in place)."""
    __slots__ = ('tensor',)
    is_output = 0
    position = -1

    def __init__(self, tensor):
        self.tensor = tensor


def _history(tensor):
    """Where the input's gradient goes, kept so that the tensor the unpack hook returns is given it back:
    the input's node (a non-leaf) or its accumulator (a leaf that requires grad)."""
    if tensor._grad_fn is not None:
        return (tensor._grad_fn, tensor._output_nr)
    if tensor._requires_grad:
        acc = tensor._grad_accumulator()
        if acc is not None:     # (None: a view made without recording, which no gradient reaches)
            return (None, weakref.ref(acc))
    return None


SavedTensor.__module__ = 'ember._C._autograd'


def raw_saved(node, name):
    """``node._raw_saved_<name>``: the same SavedTensor each time (None when ``name`` is no saved tensor)."""
    cache = node.__dict__.get('_raws_cache')
    if cache is None:
        cache = node.__dict__['_raws_cache'] = {}
    if name not in cache:
        index = node._index_of_raw(name)
        if getattr(index, 'saved_list', False):     # a list of saved tensors: one SavedTensor each
            cache[name] = tuple(SavedTensor._of(node, index.element(i)) for i in range(len(index(node))))
        else:
            cache[name] = None if index is None else SavedTensor._of(node, index)
    return cache[name]
