"""v2 photometric transforms: they change images and videos and pass masks, boxes and labels through."""
import collections.abc

import ember
from ember.vision.transforms.v2 import functional as F
from ember.vision.transforms.v2._transform import Transform, _RandomApplyTransform
from ember.vision.transforms.v2._utils import query_chw


class ColorJitter(Transform):
    """Randomly change brightness, contrast, saturation and hue, in a random order (None or 0 leaves
    a property alone).

    Example:
        >>> from ember.vision.transforms import v2
        >>> v2.ColorJitter(brightness=0.5).brightness
        (0.5, 1.5)
    """

    def __init__(self, brightness=None, contrast=None, saturation=None, hue=None):
        super().__init__()
        self.brightness = self._check_input(brightness, "brightness")
        self.contrast = self._check_input(contrast, "contrast")
        self.saturation = self._check_input(saturation, "saturation")
        self.hue = self._check_input(hue, "hue", center=0, bound=(-0.5, 0.5), clip_first_on_zero=False)

    def _check_input(self, value, name, center=1.0, bound=(0, float("inf")), clip_first_on_zero=True):
        if value is None:
            return None
        if isinstance(value, (int, float)):
            if value < 0:
                raise ValueError(f"If {name} is a single number, it must be non negative.")
            value = [center - value, center + value]
            if clip_first_on_zero:
                value[0] = max(value[0], 0.0)
        elif isinstance(value, collections.abc.Sequence) and len(value) == 2:
            value = [float(v) for v in value]
        else:
            raise TypeError(f"{name}={value} should be a single number or a sequence with length 2.")
        if not bound[0] <= value[0] <= value[1] <= bound[1]:
            raise ValueError(f"{name} values should be between {bound} and increasing, but got {value}.")
        return None if value[0] == value[1] == center else (float(value[0]), float(value[1]))

    def make_params(self, flat_inputs):
        fn_idx = ember.randperm(4)

        def draw(rng):
            return None if rng is None else float(ember.empty(1).uniform_(rng[0], rng[1]).item())
        b = draw(self.brightness)
        c = draw(self.contrast)
        s = draw(self.saturation)
        h = draw(self.hue)
        return dict(fn_idx=fn_idx.tolist(), brightness_factor=b, contrast_factor=c, saturation_factor=s,
                    hue_factor=h)

    def transform(self, inpt, params):
        steps = {0: (F.adjust_brightness, params["brightness_factor"]),
                 1: (F.adjust_contrast, params["contrast_factor"]),
                 2: (F.adjust_saturation, params["saturation_factor"]), 3: (F.adjust_hue, params["hue_factor"])}
        for fn_id in params["fn_idx"]:
            fn, factor = steps[fn_id]
            if factor is not None:
                inpt = fn(inpt, factor)
        return inpt


class Grayscale(Transform):
    """Convert images and videos to grayscale with 1 or 3 channels.

    Example:
        >>> from ember.vision.transforms import v2
        >>> v2.Grayscale()(ember.ones(3, 1, 1))
        tensor([[[0.9999]]])
    """

    def __init__(self, num_output_channels=1):
        super().__init__()
        self.num_output_channels = num_output_channels

    def transform(self, inpt, params):
        return F.rgb_to_grayscale(inpt, num_output_channels=self.num_output_channels)


class RGB(Transform):
    """Convert single-channel images and videos to RGB (three-channel ones pass through).

    Example:
        >>> from ember.vision.transforms import v2
        >>> v2.RGB()(ember.ones(1, 1, 1)).shape
        ember.Size([3, 1, 1])
    """

    def transform(self, inpt, params):
        return F.grayscale_to_rgb(inpt)


class RandomGrayscale(_RandomApplyTransform):
    """Convert to grayscale (keeping the number of channels) with probability ``p``.

    Example:
        >>> from ember.vision.transforms import v2
        >>> v2.RandomGrayscale(p=1.0)(ember.ones(3, 1, 1)).shape
        ember.Size([3, 1, 1])
    """

    def __init__(self, p=0.1):
        super().__init__(p=p)

    def make_params(self, flat_inputs):
        return dict(num_input_channels=query_chw(flat_inputs)[0])

    def transform(self, inpt, params):
        return F.rgb_to_grayscale(inpt, num_output_channels=params["num_input_channels"])


class RandomInvert(_RandomApplyTransform):
    """Invert images with probability ``p``.

    Example:
        >>> from ember.vision.transforms import v2
        >>> v2.RandomInvert(p=1.0)(ember.tensor([[[0.25]]]))
        tensor([[[0.7500]]])
    """

    def __init__(self, p=0.5):
        super().__init__(p=p)

    def transform(self, inpt, params):
        return F.invert(inpt)


class RandomPosterize(_RandomApplyTransform):
    """Posterize uint8 images to ``bits`` bits with
    probability ``p``.

    Example:
        >>> from ember.vision.transforms import v2
        >>> v2.RandomPosterize(1, p=1.0)(ember.tensor([[[200]]], dtype=ember.uint8))
        tensor([[[128]]], dtype=ember.uint8)
    """

    def __init__(self, bits, p=0.5):
        super().__init__(p=p)
        self.bits = bits

    def transform(self, inpt, params):
        return F.posterize(inpt, self.bits)


class RandomSolarize(_RandomApplyTransform):
    """Invert values at or above ``threshold`` with
    probability ``p``.

    Example:
        >>> from ember.vision.transforms import v2
        >>> v2.RandomSolarize(0.5, p=1.0)(ember.tensor([[[0.9]]]))
        tensor([[[0.1000]]])
    """

    def __init__(self, threshold, p=0.5):
        super().__init__(p=p)
        self.threshold = threshold

    def transform(self, inpt, params):
        return F.solarize(inpt, self.threshold)


class RandomAutocontrast(_RandomApplyTransform):
    """Stretch each channel to the full
    range with probability ``p``.

    Example:
        >>> from ember.vision.transforms import v2
        >>> v2.RandomAutocontrast(p=1.0)(ember.tensor([[[0.25, 0.75]]]))
        tensor([[[0., 1.]]])
    """

    def __init__(self, p=0.5):
        super().__init__(p=p)

    def transform(self, inpt, params):
        return F.autocontrast(inpt)


class RandomEqualize(_RandomApplyTransform):
    """Equalize the histogram of uint8 images with
    probability ``p``.

    Example:
        >>> from ember.vision.transforms import v2
        >>> v2.RandomEqualize(p=0.0)(ember.tensor([[[3]]], dtype=ember.uint8))
        tensor([[[3]]], dtype=ember.uint8)
    """

    def __init__(self, p=0.5):
        super().__init__(p=p)

    def transform(self, inpt, params):
        return F.equalize(inpt)


class RandomAdjustSharpness(_RandomApplyTransform):
    """Adjust the sharpness by
    ``sharpness_factor`` with probability ``p``.

    Example:
        >>> from ember.vision.transforms import v2
        >>> v2.RandomAdjustSharpness(2.0, p=0.0)(ember.ones(1, 1, 1))
        tensor([[[1.]]])
    """

    def __init__(self, sharpness_factor, p=0.5):
        super().__init__(p=p)
        self.sharpness_factor = sharpness_factor

    def transform(self, inpt, params):
        return F.adjust_sharpness(inpt, self.sharpness_factor)


class RandomChannelPermutation(Transform):
    """Shuffle the channels of images and videos.

    Example:
        >>> from ember.vision.transforms import v2
        >>> sorted(v2.RandomChannelPermutation()(ember.arange(3.0).view(3, 1, 1)).flatten().tolist())
        [0.0, 1.0, 2.0]
    """

    def make_params(self, flat_inputs):
        return dict(permutation=ember.randperm(query_chw(flat_inputs)[0]).tolist())

    def transform(self, inpt, params):
        return F.permute_channels(inpt, params["permutation"])


class RandomPhotometricDistort(Transform):
    """SSD's photometric distortion: brightness, contrast (before or after), saturation and hue, each
    with probability ``p``, then maybe a channel shuffle.

    Example:
        >>> from ember.vision.transforms import v2
        >>> v2.RandomPhotometricDistort(p=0.0)(ember.ones(3, 1, 1)).flatten()
        tensor([1., 1., 1.])
    """

    def __init__(self, brightness=(0.875, 1.125), contrast=(0.5, 1.5), saturation=(0.5, 1.5), hue=(-0.05, 0.05),
                 p=0.5):
        super().__init__()
        self.brightness = brightness
        self.contrast = contrast
        self.hue = hue
        self.saturation = saturation
        self.p = p

    def make_params(self, flat_inputs):
        channels = query_chw(flat_inputs)[0]
        params = {}
        for key, rng in (("brightness_factor", self.brightness), ("contrast_factor", self.contrast),
                         ("saturation_factor", self.saturation), ("hue_factor", self.hue)):
            params[key] = float(ember.empty(1).uniform_(rng[0], rng[1]).item()) \
                if ember.rand(1).item() < self.p else None
        params["contrast_before"] = bool(ember.rand(()).item() < 0.5)
        params["channel_permutation"] = ember.randperm(channels) if ember.rand(1).item() < self.p else None
        return params

    def transform(self, inpt, params):
        if params["brightness_factor"] is not None:
            inpt = F.adjust_brightness(inpt, params["brightness_factor"])
        if params["contrast_factor"] is not None and params["contrast_before"]:
            inpt = F.adjust_contrast(inpt, params["contrast_factor"])
        if params["saturation_factor"] is not None:
            inpt = F.adjust_saturation(inpt, params["saturation_factor"])
        if params["hue_factor"] is not None:
            inpt = F.adjust_hue(inpt, params["hue_factor"])
        if params["contrast_factor"] is not None and not params["contrast_before"]:
            inpt = F.adjust_contrast(inpt, params["contrast_factor"])
        if params["channel_permutation"] is not None:
            inpt = F.permute_channels(inpt, params["channel_permutation"])
        return inpt
