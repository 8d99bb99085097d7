"""v2 containers: Compose, RandomApply, RandomChoice and RandomOrder (random draws from ember's
generator, so a seed reproduces torchvision's choices)."""
from collections.abc import Sequence

import ember
from ember.vision.transforms.v2._transform import Transform


def _check_transforms(transforms, message="Argument transforms should be a sequence of callables"):
    if not isinstance(transforms, Sequence):
        raise TypeError(message)
    if not transforms:
        raise ValueError("Pass at least one transform")


def _run(transforms, inputs):
    needs_unpacking = len(inputs) > 1
    outputs = inputs if needs_unpacking else inputs[0]
    for t in transforms:
        outputs = t(*inputs)
        inputs = outputs if needs_unpacking else (outputs,)
    return outputs


class Compose(Transform):
    """Apply ``transforms`` in order to the whole sample.

    Example:
        >>> from ember.vision.transforms import v2
        >>> v2.Compose([v2.RandomHorizontalFlip(p=1.0), v2.RandomVerticalFlip(p=1.0)])(ember.tensor([[[1, 2]]]))
        tensor([[[2, 1]]])
    """

    def __init__(self, transforms):
        super().__init__()
        _check_transforms(transforms)
        self.transforms = transforms

    def forward(self, *inputs):
        return _run(self.transforms, inputs)

    def extra_repr(self):
        return "\n".join(f"    {t}" for t in self.transforms)


class RandomApply(Transform):
    """Apply all of ``transforms`` with probability ``p``, else none.

    Example:
        >>> from ember.vision.transforms import v2
        >>> v2.RandomApply([v2.RandomHorizontalFlip(p=1.0)], p=1.0)(ember.tensor([[[1, 2]]]))
        tensor([[[2, 1]]])
    """

    def __init__(self, transforms, p=0.5):
        super().__init__()
        if not isinstance(transforms, (Sequence, ember.nn.ModuleList)):
            raise TypeError("Argument transforms should be a sequence of callables or a `nn.ModuleList`")
        if not transforms:
            raise ValueError("Pass at least one transform")
        if not 0.0 <= p <= 1.0:
            raise ValueError("`p` should be a floating point value in the interval [0.0, 1.0].")
        self.transforms = transforms
        self.p = p

    def forward(self, *inputs):
        if ember.rand(1).item() >= self.p:
            return inputs if len(inputs) > 1 else inputs[0]
        return _run(self.transforms, inputs)

    def extra_repr(self):
        return "\n".join(f"    {t}" for t in self.transforms)


class RandomChoice(Transform):
    """Apply one of ``transforms``, drawn with probabilities ``p`` (uniform by default).

    Example:
        >>> from ember.vision.transforms import v2
        >>> v2.RandomChoice([v2.RandomHorizontalFlip(p=1.0)])(ember.tensor([[[1, 2]]]))
        tensor([[[2, 1]]])
    """

    def __init__(self, transforms, p=None):
        _check_transforms(transforms)
        if p is None:
            p = [1] * len(transforms)
        elif len(p) != len(transforms):
            raise ValueError(f"Length of p doesn't match the number of transforms: {len(p)} != {len(transforms)}")
        super().__init__()
        self.transforms = transforms
        total = sum(p)
        self.p = [prob / total for prob in p]

    def forward(self, *inputs):
        idx = int(ember.multinomial(ember.tensor(self.p), 1))
        return self.transforms[idx](*inputs)


class RandomOrder(Transform):
    """Apply ``transforms`` in a random order.

    Example:
        >>> from ember.vision.transforms import v2
        >>> v2.RandomOrder([v2.RandomHorizontalFlip(p=1.0)])(ember.tensor([[[1, 2]]]))
        tensor([[[2, 1]]])
    """

    def __init__(self, transforms):
        _check_transforms(transforms)
        super().__init__()
        self.transforms = transforms

    def forward(self, *inputs):
        order = ember.randperm(len(self.transforms)).tolist()
        return _run([self.transforms[i] for i in order], inputs)
