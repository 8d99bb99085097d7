"""A tensor's ``__dict__`` as PyTorch users see it: the attributes they set, nothing of autograd's.

ember keeps a tensor's rarely-set autograd fields (its gradient, accumulator, view base, ...) in the instance
dict, overriding class-level defaults, where PyTorch keeps them in C; ``vars(t)`` and ``t.__dict__`` in PyTorch
hold only what a user or library set. Tensor's base :class:`InstanceState` holds the real dict; Tensor's
``__dict__`` attribute is a write-through view of it without those fields. Libraries rebuild parameters from it: accelerate's
``init_empty_weights`` and ``set_module_tensor_to_device`` (what Transformers' ``from_pretrained`` with a device
map runs) call ``type(p)(p.to(device), **p.__dict__)``, which must not be handed ``_grad``.
"""
from collections.abc import MutableMapping

# the fields ember keeps in a tensor's instance dict (class-level defaults overridden per tensor: see Tensor)
INTERNAL = frozenset(('_grad', '_output_nr', '_base', '_view_fn', '_grad_acc', '_hooked_acc', '_retains_grad',
                      '_is_param', '_inference', '_live_views', '_no_grad_view'))
# what users never see there: those, and the grad_dtype a user set (a property in PyTorch)
_HIDDEN = INTERNAL | {'_grad_dtype'}


class InstanceState:
    """Tensor's base: it holds the instance dict and the weak-reference slot, so that Tensor's own ``__dict__``
    attribute can be the users' view of that dict (a class cannot have both a ``__dict__`` slot and attribute)."""
    __slots__ = ('__dict__', '__weakref__')


_INSTANCE_DICT = InstanceState.__dict__['__dict__']     # the instance's real dict (the slot descriptor)
# ``instance_dict(t)``: that real dict, for ember's own reads of its fields (no view made)
instance_dict = _INSTANCE_DICT.__get__


class UserAttributes(MutableMapping):
    """The instance dict less ember's internal fields; reads hide them, writes and deletes go through."""
    __slots__ = ('_dict',)

    def __init__(self, tensor):
        self._dict = _INSTANCE_DICT.__get__(tensor)

    def __getitem__(self, key):
        if key in _HIDDEN:
            raise KeyError(key)
        return self._dict[key]

    def __setitem__(self, key, value):
        self._dict[key] = value

    def __delitem__(self, key):
        if key in _HIDDEN:
            raise KeyError(key)
        del self._dict[key]

    def __iter__(self):
        return (key for key in list(self._dict) if key not in _HIDDEN)

    def __len__(self):
        return sum(1 for key in self._dict if key not in _HIDDEN)

    def __repr__(self):
        return repr(dict(self))

    def __eq__(self, other):
        return dict(self) == (dict(other) if isinstance(other, UserAttributes) else other)

    def copy(self):
        return dict(self)


class user_dict:
    """Tensor's ``__dict__`` descriptor: :class:`UserAttributes` on read; ``obj.__dict__ = d``
    replaces the user attributes, keeping ember's internal fields."""

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        return UserAttributes(obj)

    def __set__(self, obj, value):
        real = _INSTANCE_DICT.__get__(obj)
        internal = {k: v for k, v in real.items() if k in _HIDDEN}
        real.clear()
        real.update(value)
        real.update(internal)


def keep_user_dict(cls):
    """Make ``t.__dict__`` the users' view for instances of the Tensor subclass ``cls`` too.

    A subclass that also derives from a plain Python class ahead of Tensor (MONAI's
    ``class MetaTensor(MetaObj, torch.Tensor)``) finds that class's own ``__dict__`` descriptor first in its MRO,
    which hands out the real instance dict, autograd's fields included. Libraries copy that dict from tensor to
    tensor (MONAI copies its metadata so, onto every op's result), which would hand one tensor's gradient, view
    base and view list to another. The descriptor has to sit in ``cls``'s own namespace to win, and a class's
    ``__dict__`` attribute cannot be assigned (type's own ``__dict__`` descriptor refuses it), so it is written
    into the namespace mapping itself, and the type's attribute cache is told by setting and removing an attribute.
    """
    for klass in cls.__mro__:
        descriptor = klass.__dict__.get('__dict__')
        if descriptor is not None:
            break
    if isinstance(descriptor, user_dict):
        return
    import gc
    namespace, = (r for r in gc.get_referents(cls.__dict__) if isinstance(r, dict))
    namespace['__dict__'] = _USER_DICT
    type.__setattr__(cls, '_ember_dict_refresh', None)     # (setting a class attribute invalidates the cache)
    type.__delattr__(cls, '_ember_dict_refresh')


_USER_DICT = user_dict()
