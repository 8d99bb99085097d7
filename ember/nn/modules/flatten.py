"""Flatten and Unflatten layers."""
from ember.nn.modules.module import Module

__all__ = ['Flatten', 'Unflatten']


class Flatten(Module):
    """Flatten dims ``start_dim..end_dim`` into one (the batch dim is kept by default).

    Example::

        >>> nn.Flatten()(ember.zeros(2, 3, 4, 5)).shape
        ember.Size([2, 60])
        >>> nn.Flatten(0, 2)(ember.zeros(2, 3, 4, 5)).shape
        ember.Size([24, 5])
    """
    __constants__ = ['start_dim', 'end_dim']

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input):
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self):
        return f'start_dim={self.start_dim}, end_dim={self.end_dim}'


class Unflatten(Module):
    """Expand dim ``dim`` into ``unflattened_size``.

    Example::

        >>> nn.Unflatten(1, (2, 5))(ember.zeros(3, 10)).shape
        ember.Size([3, 2, 5])
    """
    __constants__ = ['dim', 'unflattened_size']

    def __init__(self, dim, unflattened_size):
        super().__init__()
        if isinstance(dim, int):
            self._require_tuple_int(unflattened_size)
        elif isinstance(dim, str):
            raise NotImplementedError("ember has no named tensors: Unflatten needs an integer dim")
        else:
            raise TypeError("invalid argument type for dim parameter")
        self.dim = dim
        self.unflattened_size = unflattened_size

    def _require_tuple_int(self, input):
        if isinstance(input, (tuple, list)):
            for idx, elem in enumerate(input):
                if not isinstance(elem, int):
                    raise TypeError("unflattened_size must be tuple of ints, "
                                    + f"but found element of type {type(elem).__name__} at pos {idx}")
            return
        raise TypeError(f"unflattened_size must be a tuple of ints, but found type {type(input).__name__}")

    def forward(self, input):
        return input.unflatten(self.dim, self.unflattened_size)

    def extra_repr(self):
        return f'dim={self.dim}, unflattened_size={self.unflattened_size}'
