"""Weak references and dictionaries keyed by object identity.

A ``weakref.WeakKeyDictionary`` compares keys with ``==`` and hashes them with ``hash``: tensors make poor
keys there (``==`` is elementwise). These compare keys by identity instead, and drop an entry when its key
is garbage collected.
"""
import collections.abc
import weakref

__all__ = ['TensorWeakRef', 'WeakIdRef', 'WeakIdKeyDictionary', 'WeakTensorKeyDictionary']


class _StrongIdRef:
    """A strong reference hashing and comparing like a :class:`WeakIdRef` to the same object: the form a
    key takes to be looked up."""
    __slots__ = ['_id', '_obj']

    def __init__(self, obj):
        self._id = id(obj)
        self._obj = obj

    def __call__(self):
        return self._obj

    def __hash__(self):
        return self._id

    def __eq__(self, other):
        return isinstance(other, (WeakIdRef, _StrongIdRef)) and other() is self._obj


class WeakIdRef(weakref.ref):
    """A weak reference that hashes and compares by the identity of its referent (also after it died).

    Example::

        >>> t = ember.ones(2)
        >>> WeakIdRef(t) == WeakIdRef(t)
        True
        >>> WeakIdRef(t)() is t
        True
    """
    __slots__ = ['_id']

    def __init__(self, key, callback=None):
        self._id = id(key)
        super().__init__(key, callback)

    def __hash__(self):
        return self._id

    def __eq__(self, other):
        if isinstance(other, _StrongIdRef):
            return other() is self()
        if not isinstance(other, WeakIdRef):
            return NotImplemented
        a, b = self(), other()
        if a is not None and b is not None:
            return a is b
        return self is other

    def __ne__(self, other):   # weakref.ref's own would compare the referents with ``!=``
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq


class WeakIdKeyDictionary(collections.abc.MutableMapping):
    """A mapping whose keys are held weakly and compared by identity: an entry disappears when its key is
    garbage collected.

    Args:
        dict (optional): initial entries.
        ref_type (type): the weak reference class keys are held with (:class:`WeakIdRef`).

    Example::

        >>> d = WeakIdKeyDictionary()
        >>> t = ember.ones(2)
        >>> d[t] = 'weights'
        >>> d[t], len(d)
        ('weights', 1)
        >>> del t
        >>> len(d)
        0
    """

    def __init__(self, dict=None, ref_type=WeakIdRef):
        self.data = {}
        self.ref_type = ref_type
        self_ref = weakref.ref(self)

        def remove(k, selfref=self_ref):
            owner = selfref()
            if owner is not None:
                owner.data.pop(k, None)
        self._remove = remove
        if dict is not None:
            self.update(dict)

    def __getitem__(self, key):
        return self.data[_StrongIdRef(key)]

    def __setitem__(self, key, value):
        self.data[self.ref_type(key, self._remove)] = value

    def __delitem__(self, key):
        del self.data[_StrongIdRef(key)]

    def __contains__(self, key):
        try:
            return _StrongIdRef(key) in self.data
        except TypeError:
            return False

    def __iter__(self):
        for ref in list(self.data):
            obj = ref()
            if obj is not None:
                yield obj

    def __len__(self):
        return sum(1 for ref in list(self.data) if ref() is not None)

    def __repr__(self):
        return f'<{type(self).__name__} at {id(self):#x}>'

    def copy(self):
        return type(self)(dict(self.items()), self.ref_type)

    __copy__ = copy


WeakTensorKeyDictionary = WeakIdKeyDictionary


class TensorWeakRef:
    """A weak reference to a tensor; calling it gives the tensor, or None once it was collected.

    Example::

        >>> t = ember.ones(2)
        >>> r = TensorWeakRef(t)
        >>> r() is t
        True
    """
    __slots__ = ['ref']

    def __init__(self, tensor):
        from ember._tensor import Tensor
        if not isinstance(tensor, Tensor):
            raise AssertionError(f"expected ember.Tensor, got {type(tensor)}.")
        self.ref = weakref.ref(tensor)

    def __call__(self):
        return self.ref()
