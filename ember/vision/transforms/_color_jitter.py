"""ColorJitter: random brightness, contrast, saturation and hue, applied in a random order."""
import numbers

import ember
from ember.nn.modules.module import Module as _Module
from ember.vision.transforms import functional as F


class ColorJitter(_Module):
    """Randomly change brightness, contrast, saturation and hue, in a random order.

    Each argument is a number ``v`` (factor drawn from ``[max(0, 1 - v), 1 + v]``; for hue
    ``[-v, v]``) or a (min, max) pair; 0 leaves that property alone.

    Args:
        brightness (float or tuple): brightness jitter. Default: 0.
        contrast (float or tuple): contrast jitter. Default: 0.
        saturation (float or tuple): saturation jitter. Default: 0.
        hue (float or tuple): hue jitter, within [-0.5, 0.5]. Default: 0.

    Example:
        >>> from ember.vision import transforms as T
        >>> T.ColorJitter(brightness=0.5, hue=0.1)
        ColorJitter(brightness=(0.5, 1.5), contrast=None, saturation=None, hue=(-0.1, 0.1))
    """

    def __init__(self, brightness=0, contrast=0, saturation=0, hue=0):
        super().__init__()
        self.brightness = self._check_input(brightness, "brightness")
        self.contrast = self._check_input(contrast, "contrast")
        self.saturation = self._check_input(saturation, "saturation")
        self.hue = self._check_input(hue, "hue", center=0, bound=(-0.5, 0.5), clip_first_on_zero=False)

    def _check_input(self, value, name, center=1, bound=(0, float("inf")), clip_first_on_zero=True):
        if isinstance(value, numbers.Number):
            if value < 0:
                raise ValueError(f"If {name} is a single number, it must be non negative.")
            value = [center - float(value), center + float(value)]
            if clip_first_on_zero:
                value[0] = max(value[0], 0.0)
        elif isinstance(value, (tuple, list)) and len(value) == 2:
            value = [float(value[0]), float(value[1])]
        else:
            raise TypeError(f"{name} should be a single number or a list/tuple with length 2.")
        if not bound[0] <= value[0] <= value[1] <= bound[1]:
            raise ValueError(f"{name} values should be between {bound}, but got {value}.")
        if value[0] == value[1] == center:  # nothing to jitter
            return None
        return tuple(value)

    @staticmethod
    def get_params(brightness, contrast, saturation, hue):
        """(order, b, c, s, h): a permutation of the four adjustments and each factor (None if unused)."""
        fn_idx = ember.randperm(4)

        def draw(rng):
            return None if rng is None else float(ember.empty(1).uniform_(rng[0], rng[1]))
        b = draw(brightness)
        c = draw(contrast)
        s = draw(saturation)
        h = draw(hue)
        return fn_idx, b, c, s, h

    def forward(self, img):
        fn_idx, b, c, s, h = self.get_params(self.brightness, self.contrast, self.saturation, self.hue)
        steps = {0: (F.adjust_brightness, b), 1: (F.adjust_contrast, c), 2: (F.adjust_saturation, s),
                 3: (F.adjust_hue, h)}
        for fn_id in fn_idx.tolist():
            fn, factor = steps[fn_id]
            if factor is not None:
                img = fn(img, factor)
        return img

    def __repr__(self):
        return (f"{type(self).__name__}(brightness={self.brightness}, contrast={self.contrast}, "
                f"saturation={self.saturation}, hue={self.hue})")
