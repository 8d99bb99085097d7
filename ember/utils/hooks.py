"""RemovableHandle: what every ``register_*_hook`` returns (PyTorch's ``torch.utils.hooks``)."""
import itertools
import weakref

__all__ = ['RemovableHandle']


class RemovableHandle:
    """Removes a hook from the dicts it was registered in (PyTorch's ``torch.utils.hooks``)."""
    _next_id = itertools.count()

    def __init__(self, hooks_dict, *, extra_dict=None):
        self.hooks_dict_ref = weakref.ref(hooks_dict)
        self.id = next(RemovableHandle._next_id)
        if extra_dict is None:
            extra_dict = []
        elif isinstance(extra_dict, dict):
            extra_dict = [extra_dict]
        self.extra_dict_ref = tuple(weakref.ref(d) for d in extra_dict)

    def remove(self):
        for ref in (self.hooks_dict_ref,) + self.extra_dict_ref:
            d = ref()
            if d is not None and self.id in d:
                del d[self.id]

    def __getstate__(self):
        # the dicts themselves (not weak references) travel, so a pickled module keeps its hooks removable
        return (self.hooks_dict_ref(), self.id, tuple(ref() for ref in self.extra_dict_ref))

    def __setstate__(self, state):
        hooks_dict, self.id, extra = state
        self.hooks_dict_ref = weakref.ref(hooks_dict if hooks_dict is not None else _Dead())
        self.extra_dict_ref = tuple(weakref.ref(d) for d in extra if d is not None)
        # later handles in this process must not reuse the restored id
        RemovableHandle._next_id = itertools.count(max(next(RemovableHandle._next_id), self.id + 1))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


class _Dead(dict):
    """Stands in for a hooks dict that no longer existed when the handle was pickled."""
