"""Random containers of transforms: RandomApply (all or none), RandomOrder, RandomChoice.

RandomApply draws its coin from ember's generator; RandomOrder and RandomChoice draw from Python's
``random`` module, as torchvision does (``random.seed`` fixes them).
"""
import random
from collections.abc import Sequence

import ember
from ember.nn.modules.module import Module as _Module


def _listing(name, transforms, head=""):
    return name + "(" + head + "".join(f"\n    {t}" for t in transforms) + "\n)"


class RandomTransforms:
    """Base class of the containers that pick among ``transforms`` at random."""

    def __init__(self, transforms):
        if not isinstance(transforms, Sequence):
            raise TypeError("Argument transforms should be a sequence")
        self.transforms = transforms

    def __call__(self, *args, **kwargs):
        raise NotImplementedError()

    def __repr__(self):
        return _listing(type(self).__name__, self.transforms)


class RandomApply(_Module):
    """Apply all of ``transforms`` in order with probability ``p``, else none.

    Example:
        >>> from ember.vision import transforms as T
        >>> T.RandomApply([T.RandomInvert(p=1.0)], p=1.0)(ember.tensor([[[0.25]]]))
        tensor([[[0.7500]]])
    """

    def __init__(self, transforms, p=0.5):
        super().__init__()
        self.transforms = transforms
        self.p = p

    def forward(self, img):
        if self.p < ember.rand(1).item():
            return img
        for t in self.transforms:
            img = t(img)
        return img

    def __repr__(self):
        return _listing(type(self).__name__, self.transforms, head=f"\n    p={self.p}")


class RandomOrder(RandomTransforms):
    """Apply ``transforms`` in a random order (shuffled with Python's ``random``).

    Example:
        >>> from ember.vision import transforms as T
        >>> T.RandomOrder([T.RandomInvert(p=1.0)])(ember.tensor([[[0.25]]]))
        tensor([[[0.7500]]])
    """

    def __call__(self, img):
        order = list(range(len(self.transforms)))
        random.shuffle(order)
        for i in order:
            img = self.transforms[i](img)
        return img


class RandomChoice(RandomTransforms):
    """Apply one of ``transforms``, picked with Python's ``random.choices`` (weights ``p``).

    Example:
        >>> from ember.vision import transforms as T
        >>> T.RandomChoice([T.RandomInvert(p=1.0)])(ember.tensor([[[0.25]]]))
        tensor([[[0.7500]]])
    """

    def __init__(self, transforms, p=None):
        super().__init__(transforms)
        if p is not None and not isinstance(p, Sequence):
            raise TypeError("Argument p should be a sequence")
        self.p = p

    def __call__(self, *args):
        t = random.choices(self.transforms, weights=self.p)[0]
        return t(*args)

    def __repr__(self):
        return f"{super().__repr__()}(p={self.p})"
