"""Random photometric transform classes (torchvision.transforms): each applies its functional form
with probability ``p``, drawing the coin from ember's generator (``ember.manual_seed`` fixes it)."""
import ember
from ember.nn.modules.module import Module as _Module
from ember.vision.transforms import functional as F


class _RandomApplyOne(_Module):
    # one ember.rand(1) draw per call, compared with p, exactly as torchvision draws it
    def __init__(self, p):
        super().__init__()
        self.p = p

    def forward(self, img):
        if ember.rand(1).item() < self.p:
            return self._apply(img)
        return img

    def __repr__(self):
        return f"{type(self).__name__}(p={self.p})"


class RandomGrayscale(_RandomApplyOne):
    """Convert to grayscale with probability ``p``, keeping the number of channels.

    Args:
        p (float): probability of converting. Default: 0.1.

    Example:
        >>> from ember.vision import transforms as T
        >>> T.RandomGrayscale(p=1.0)(ember.tensor([[[1.0]], [[0.0]], [[0.0]]])).flatten()
        tensor([0.2989, 0.2989, 0.2989])
    """

    def __init__(self, p=0.1):
        super().__init__(p)

    def _apply(self, img):
        channels = F.get_dimensions(img)[0]
        return F.rgb_to_grayscale(img, num_output_channels=channels)


class RandomInvert(_RandomApplyOne):
    """Invert the image with probability ``p`` (see :func:`functional.invert`).

    Args:
        p (float): probability of inverting. Default: 0.5.

    Example:
        >>> from ember.vision import transforms as T
        >>> T.RandomInvert(p=1.0)(ember.tensor([[[0.25]]]))
        tensor([[[0.7500]]])
    """

    def __init__(self, p=0.5):
        super().__init__(p)

    def _apply(self, img):
        return F.invert(img)


class RandomPosterize(_RandomApplyOne):
    """Posterize to ``bits`` bits per channel with probability ``p`` (uint8 images).

    Args:
        bits (int): bits to keep per channel, 0 to 8.
        p (float): probability of posterizing. Default: 0.5.

    Example:
        >>> from ember.vision import transforms as T
        >>> T.RandomPosterize(bits=1, p=1.0)(ember.tensor([[[200]]], dtype=ember.uint8))
        tensor([[[128]]], dtype=ember.uint8)
    """

    def __init__(self, bits, p=0.5):
        super().__init__(p)
        self.bits = bits

    def _apply(self, img):
        return F.posterize(img, self.bits)

    def __repr__(self):
        return f"{type(self).__name__}(bits={self.bits},p={self.p})"


class RandomSolarize(_RandomApplyOne):
    """Invert values at or above ``threshold`` with probability ``p``.

    Args:
        threshold (float): values ``>= threshold`` are inverted.
        p (float): probability of solarizing. Default: 0.5.

    Example:
        >>> from ember.vision import transforms as T
        >>> T.RandomSolarize(threshold=0.5, p=1.0)(ember.tensor([[[0.9]]]))
        tensor([[[0.1000]]])
    """

    def __init__(self, threshold, p=0.5):
        super().__init__(p)
        self.threshold = threshold

    def _apply(self, img):
        return F.solarize(img, self.threshold)

    def __repr__(self):
        return f"{type(self).__name__}(threshold={self.threshold},p={self.p})"


class RandomAdjustSharpness(_RandomApplyOne):
    """Adjust the sharpness by ``sharpness_factor`` with probability ``p``.

    Args:
        sharpness_factor (float): 0 blurs, 1 is the original, 2 doubles the sharpness.
        p (float): probability of adjusting. Default: 0.5.

    Example:
        >>> from ember.vision import transforms as T
        >>> T.RandomAdjustSharpness(2.0, p=0.0)
        RandomAdjustSharpness(sharpness_factor=2.0,p=0.0)
    """

    def __init__(self, sharpness_factor, p=0.5):
        super().__init__(p)
        self.sharpness_factor = sharpness_factor

    def _apply(self, img):
        return F.adjust_sharpness(img, self.sharpness_factor)

    def __repr__(self):
        return f"{type(self).__name__}(sharpness_factor={self.sharpness_factor},p={self.p})"


class RandomAutocontrast(_RandomApplyOne):
    """Stretch each channel to the full range with probability ``p`` (see :func:`functional.autocontrast`).

    Example:
        >>> from ember.vision import transforms as T
        >>> T.RandomAutocontrast(p=1.0)(ember.tensor([[[0.25, 0.75]]]))
        tensor([[[0., 1.]]])
    """

    def __init__(self, p=0.5):
        super().__init__(p)

    def _apply(self, img):
        return F.autocontrast(img)


class RandomEqualize(_RandomApplyOne):
    """Equalize the histogram with probability ``p`` (uint8 images; see :func:`functional.equalize`).

    Example:
        >>> from ember.vision import transforms as T
        >>> T.RandomEqualize(p=0.0)(ember.tensor([[[3, 4]]], dtype=ember.uint8))
        tensor([[[3, 4]]], dtype=ember.uint8)
    """

    def __init__(self, p=0.5):
        super().__init__(p)

    def _apply(self, img):
        return F.equalize(img)
