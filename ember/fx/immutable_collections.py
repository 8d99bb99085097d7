"""The list and dict a ``Node`` keeps its arguments in: read-only, so that editing a node's args
in place (which would bypass its record of the nodes it uses) fails; assign new args instead.

>>> from ember.fx.immutable_collections import immutable_list
>>> args = immutable_list([1, 2])
>>> args + [3]
[1, 2, 3]
>>> args.append(3)
Traceback (most recent call last):
  ...
TypeError: 'immutable_list' object does not support mutation. ...
"""
from ember.utils._pytree import MappingKey, SequenceKey, register_pytree_node

__all__ = ['immutable_list', 'immutable_dict']

_HINT = """If you are attempting to modify the kwargs or args of a ember.fx.Node object,
instead create a new copy of it and assign the copy to the node:

    new_args = ...  # copy and mutate args
    node.args = new_args"""


def _refuse(self, *args, **kwargs):
    raise TypeError(f"'{type(self).__name__}' object does not support mutation. {_HINT}")


class immutable_list(list):
    """A list whose contents cannot change. Combining it (``+``, ``*``, slicing, ``copy()``) gives
    ordinary lists; ``copy.copy``, ``copy.deepcopy`` and pickling keep the type. Hashable."""

    __delitem__ = __iadd__ = __imul__ = __setitem__ = _refuse
    append = clear = extend = insert = pop = remove = reverse = sort = _refuse

    def __hash__(self):
        return hash(tuple(self))

    def __reduce__(self):
        return (type(self), (tuple(self),))

    def __copy__(self):
        return self        # nothing in it can change

    def __deepcopy__(self, memo):
        import copy
        return type(self)(copy.deepcopy(list(self), memo))


class immutable_dict(dict):
    """A dict whose contents cannot change. ``d | other`` and ``d.copy()`` give ordinary dicts;
    ``copy.copy``, ``copy.deepcopy`` and pickling keep the type. Hashable."""

    __delitem__ = __ior__ = __setitem__ = _refuse
    clear = pop = popitem = setdefault = update = _refuse

    def __hash__(self):
        return hash(frozenset(self.items()))

    def __reduce__(self):
        return (type(self), (tuple(self.items()),))

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        import copy
        return type(self)(copy.deepcopy(dict(self), memo))


register_pytree_node(immutable_list, lambda t: (list(t), None), lambda c, _: immutable_list(c),
                     flatten_with_keys_fn=lambda t: ([(SequenceKey(i), v) for i, v in enumerate(t)], None))
register_pytree_node(immutable_dict, lambda d: (list(d.values()), list(d)),
                     lambda c, keys: immutable_dict(zip(keys, c)),
                     flatten_with_keys_fn=lambda d: ([(MappingKey(k), v) for k, v in d.items()], list(d)))
