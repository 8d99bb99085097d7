"""Automatic augmentation policies (torchvision.transforms.autoaugment): AutoAugment, RandAugment,
TrivialAugmentWide and AugMix. Each picks operations and magnitudes from ember's generator in
torchvision's order, so a seed gives torchvision's choices; the operations are the functional ones.
"""
import math
from enum import Enum

import ember
from ember.nn.modules.module import Module as _Module
from ember.vision.transforms import functional as F
from ember.vision.transforms.functional import InterpolationMode

__all__ = ["AutoAugmentPolicy", "AutoAugment", "RandAugment", "TrivialAugmentWide", "AugMix"]


def _apply_op(img, op_name, magnitude, interpolation, fill):
    if op_name in ("ShearX", "ShearY"):
        # shear about the top-left corner, as in the original AutoAugment code
        angle = math.degrees(math.atan(magnitude))
        shear = [angle, 0.0] if op_name == "ShearX" else [0.0, angle]
        return F.affine(img, angle=0.0, translate=[0, 0], scale=1.0, shear=shear, interpolation=interpolation,
                        fill=fill, center=[0, 0])
    if op_name in ("TranslateX", "TranslateY"):
        translate = [int(magnitude), 0] if op_name == "TranslateX" else [0, int(magnitude)]
        return F.affine(img, angle=0.0, translate=translate, scale=1.0, interpolation=interpolation,
                        shear=[0.0, 0.0], fill=fill)
    if op_name == "Rotate":
        return F.rotate(img, magnitude, interpolation=interpolation, fill=fill)
    enhance = {"Brightness": F.adjust_brightness, "Color": F.adjust_saturation, "Contrast": F.adjust_contrast,
               "Sharpness": F.adjust_sharpness}
    if op_name in enhance:
        return enhance[op_name](img, 1.0 + magnitude)
    if op_name == "Posterize":
        return F.posterize(img, int(magnitude))
    if op_name == "Solarize":
        return F.solarize(img, magnitude)
    plain = {"AutoContrast": F.autocontrast, "Equalize": F.equalize, "Invert": F.invert}
    if op_name in plain:
        return plain[op_name](img)
    if op_name == "Identity":
        return img
    raise ValueError(f"The provided operator {op_name} is not recognized.")


class AutoAugmentPolicy(Enum):
    """The AutoAugment policies learned on ImageNet, CIFAR10 and SVHN."""
    IMAGENET = "imagenet"
    CIFAR10 = "cifar10"
    SVHN = "svhn"


# Each policy: 25 sub-policies (separated by '|' or a line break) of two (operation, probability,
# magnitude bin) steps; '-' is no magnitude.
_POLICY_TABLES = {
    AutoAugmentPolicy.IMAGENET: """
        Posterize .4 8 Rotate .6 9 | Solarize .6 5 AutoContrast .6 - | Equalize .8 - Equalize .6 -
        Posterize .6 7 Posterize .6 6 | Equalize .4 - Solarize .2 4 | Equalize .4 - Rotate .8 8
        Solarize .6 3 Equalize .6 - | Posterize .8 5 Equalize 1 - | Rotate .2 3 Solarize .6 8
        Equalize .6 - Posterize .4 6 | Rotate .8 8 Color .4 0 | Rotate .4 9 Equalize .6 -
        Equalize 0 - Equalize .8 - | Invert .6 - Equalize 1 - | Color .6 4 Contrast 1 8
        Rotate .8 8 Color 1 2 | Color .8 8 Solarize .8 7 | Sharpness .4 7 Invert .6 -
        ShearX .6 5 Equalize 1 - | Color .4 0 Equalize .6 - | Equalize .4 - Solarize .2 4
        Solarize .6 5 AutoContrast .6 - | Invert .6 - Equalize 1 - | Color .6 4 Contrast 1 8
        Equalize .8 - Equalize .6 -""",
    AutoAugmentPolicy.CIFAR10: """
        Invert .1 - Contrast .2 6 | Rotate .7 2 TranslateX .3 9 | Sharpness .8 1 Sharpness .9 3
        ShearY .5 8 TranslateY .7 9 | AutoContrast .5 - Equalize .9 - | ShearY .2 7 Posterize .3 7
        Color .4 3 Brightness .6 7 | Sharpness .3 9 Brightness .7 9 | Equalize .6 - Equalize .5 -
        Contrast .6 7 Sharpness .6 5 | Color .7 7 TranslateX .5 8 | Equalize .3 - AutoContrast .4 -
        TranslateY .4 3 Sharpness .2 6 | Brightness .9 6 Color .2 8 | Solarize .5 2 Invert 0 -
        Equalize .2 - AutoContrast .6 - | Equalize .2 - Equalize .6 - | Color .9 9 Equalize .6 -
        AutoContrast .8 - Solarize .2 8 | Brightness .1 3 Color .7 0 | Solarize .4 5 AutoContrast .9 -
        TranslateY .9 9 TranslateY .7 9 | AutoContrast .9 - Solarize .8 3 | Equalize .8 - Invert .1 -
        TranslateY .7 9 AutoContrast .9 -""",
    AutoAugmentPolicy.SVHN: """
        ShearX .9 4 Invert .2 - | ShearY .9 8 Invert .7 - | Equalize .6 - Solarize .6 6
        Invert .9 - Equalize .6 - | Equalize .6 - Rotate .9 3 | ShearX .9 4 AutoContrast .8 -
        ShearY .9 8 Invert .4 - | ShearY .9 5 Solarize .2 6 | Invert .9 - AutoContrast .8 -
        Equalize .6 - Rotate .9 3 | ShearX .9 4 Solarize .3 3 | ShearY .8 8 Invert .7 -
        Equalize .9 - TranslateY .6 6 | Invert .9 - Equalize .6 - | Contrast .3 3 Rotate .8 4
        Invert .8 - TranslateY 0 2 | ShearY .7 6 Solarize .4 8 | Invert .6 - Rotate .8 4
        ShearY .3 7 TranslateX .9 3 | ShearX .1 6 Invert .6 - | Solarize .7 2 TranslateY .6 7
        ShearY .8 4 Invert .8 - | ShearX .7 9 TranslateY .8 3 | ShearY .8 5 AutoContrast .7 -
        ShearX .7 2 Invert .1 -""",
}


def _parse_policy(table):
    policies = []
    for sub in table.strip().replace("\n", "|").split("|"):
        w = sub.split()
        policies.append(tuple((w[k], float(w[k + 1]), None if w[k + 2] == "-" else int(w[k + 2]))
                              for k in (0, 3)))
    return policies


def _tensor_fill(fill, img):
    if not isinstance(img, ember.Tensor) or fill is None:
        return fill
    if isinstance(fill, (int, float)):
        return [float(fill)] * F.get_dimensions(img)[0]
    return [float(f) for f in fill]


def _posterize_bins(num_bins, top, steps):
    return top - (ember.arange(num_bins) / ((num_bins - 1) / steps)).round().int()


def _magnitude_space(num_bins, shear, translate_xy, rotate, enhance, posterize, include_identity=False,
                     include_invert=False, include_enhance=True):
    """{op name: (magnitudes over the bins, whether the sign is random)}, in torchvision's op order."""
    space = {"Identity": (ember.tensor(0.0), False)} if include_identity else {}
    space.update({"ShearX": (ember.linspace(0.0, shear, num_bins), True),
                  "ShearY": (ember.linspace(0.0, shear, num_bins), True),
                  "TranslateX": (ember.linspace(0.0, translate_xy[0], num_bins), True),
                  "TranslateY": (ember.linspace(0.0, translate_xy[1], num_bins), True),
                  "Rotate": (ember.linspace(0.0, rotate, num_bins), True)})
    if include_enhance:
        for name in ("Brightness", "Color", "Contrast", "Sharpness"):
            space[name] = (ember.linspace(0.0, enhance, num_bins), True)
    space.update({"Posterize": (_posterize_bins(num_bins, *posterize), False),
                  "Solarize": (ember.linspace(255.0, 0.0, num_bins), False),
                  "AutoContrast": (ember.tensor(0.0), False), "Equalize": (ember.tensor(0.0), False)})
    if include_invert:
        space["Invert"] = (ember.tensor(0.0), False)
    return space


def _random_sign(magnitude, signed):
    if signed and ember.randint(2, (1,)).item():
        return -magnitude
    return magnitude


class AutoAugment(_Module):
    """AutoAugment (Cubuk et al., 2019): apply one randomly chosen sub-policy of a learned ``policy``.

    Args:
        policy (AutoAugmentPolicy): IMAGENET (default), CIFAR10 or SVHN.
        interpolation (InterpolationMode): NEAREST (default) or BILINEAR.
        fill (sequence or number, optional): value for areas outside warped images.

    Example:
        >>> from ember.vision import transforms as T
        >>> T.AutoAugment(T.AutoAugmentPolicy.CIFAR10)
        AutoAugment(policy=AutoAugmentPolicy.CIFAR10, fill=None)
    """

    def __init__(self, policy=AutoAugmentPolicy.IMAGENET, interpolation=InterpolationMode.NEAREST, fill=None):
        super().__init__()
        self.policy = policy
        self.interpolation = interpolation
        self.fill = fill
        self.policies = self._get_policies(policy)

    def _get_policies(self, policy):
        if policy not in _POLICY_TABLES:
            raise ValueError(f"The provided policy {policy} is not recognized.")
        return _parse_policy(_POLICY_TABLES[policy])

    def _augmentation_space(self, num_bins, image_size):
        return _magnitude_space(num_bins, 0.3, (150.0 / 331.0 * image_size[1], 150.0 / 331.0 * image_size[0]),
                                30.0, 0.9, (8, 4), include_invert=True)

    @staticmethod
    def get_params(transform_num):
        """(sub-policy index, the two application draws, the two sign draws)."""
        policy_id = int(ember.randint(transform_num, (1,)).item())
        probs = ember.rand((2,))
        signs = ember.randint(2, (2,))
        return policy_id, probs, signs

    def forward(self, img):
        fill = _tensor_fill(self.fill, img)
        _, height, width = F.get_dimensions(img)
        transform_id, probs, signs = self.get_params(len(self.policies))
        op_meta = self._augmentation_space(10, (height, width))
        for i, (op_name, p, magnitude_id) in enumerate(self.policies[transform_id]):
            if bool(probs[i] <= p):  # compared in float32, as torchvision
                magnitudes, signed = op_meta[op_name]
                magnitude = float(magnitudes[magnitude_id].item()) if magnitude_id is not None else 0.0
                if signed and signs[i].item() == 0:
                    magnitude *= -1.0
                img = _apply_op(img, op_name, magnitude, interpolation=self.interpolation, fill=fill)
        return img

    def __repr__(self):
        return f"{type(self).__name__}(policy={self.policy}, fill={self.fill})"


class RandAugment(_Module):
    """RandAugment (Cubuk et al., 2020): ``num_ops`` random operations, all at one ``magnitude``.

    Args:
        num_ops (int): operations applied in sequence. Default: 2.
        magnitude (int): magnitude bin of every operation. Default: 9.
        num_magnitude_bins (int): number of bins. Default: 31.
        interpolation (InterpolationMode): NEAREST (default) or BILINEAR.
        fill (sequence or number, optional): value for areas outside warped images.

    Example:
        >>> from ember.vision import transforms as T
        >>> T.RandAugment(num_ops=1)
        RandAugment(num_ops=1, magnitude=9, num_magnitude_bins=31, interpolation=InterpolationMode.NEAREST, fill=None)
    """

    def __init__(self, num_ops=2, magnitude=9, num_magnitude_bins=31, interpolation=InterpolationMode.NEAREST,
                 fill=None):
        super().__init__()
        self.num_ops = num_ops
        self.magnitude = magnitude
        self.num_magnitude_bins = num_magnitude_bins
        self.interpolation = interpolation
        self.fill = fill

    def _augmentation_space(self, num_bins, image_size):
        return _magnitude_space(num_bins, 0.3, (150.0 / 331.0 * image_size[1], 150.0 / 331.0 * image_size[0]),
                                30.0, 0.9, (8, 4), include_identity=True)

    def forward(self, img):
        fill = _tensor_fill(self.fill, img)
        _, height, width = F.get_dimensions(img)
        op_meta = self._augmentation_space(self.num_magnitude_bins, (height, width))
        names = list(op_meta.keys())
        for _ in range(self.num_ops):
            op_name = names[int(ember.randint(len(op_meta), (1,)).item())]
            magnitudes, signed = op_meta[op_name]
            magnitude = float(magnitudes[self.magnitude].item()) if magnitudes.ndim > 0 else 0.0
            img = _apply_op(img, op_name, _random_sign(magnitude, signed), interpolation=self.interpolation,
                            fill=fill)
        return img

    def __repr__(self):
        return (f"{type(self).__name__}(num_ops={self.num_ops}, magnitude={self.magnitude}, "
                f"num_magnitude_bins={self.num_magnitude_bins}, interpolation={self.interpolation}, fill={self.fill})")


class TrivialAugmentWide(_Module):
    """TrivialAugment Wide (Müller and Hutter, 2021): one random operation at a random magnitude.

    Args:
        num_magnitude_bins (int): number of magnitude bins. Default: 31.
        interpolation (InterpolationMode): NEAREST (default) or BILINEAR.
        fill (sequence or number, optional): value for areas outside warped images.

    Example:
        >>> from ember.vision import transforms as T
        >>> T.TrivialAugmentWide()
        TrivialAugmentWide(num_magnitude_bins=31, interpolation=InterpolationMode.NEAREST, fill=None)
    """

    def __init__(self, num_magnitude_bins=31, interpolation=InterpolationMode.NEAREST, fill=None):
        super().__init__()
        self.num_magnitude_bins = num_magnitude_bins
        self.interpolation = interpolation
        self.fill = fill

    def _augmentation_space(self, num_bins):
        return _magnitude_space(num_bins, 0.99, (32.0, 32.0), 135.0, 0.99, (8, 6), include_identity=True)

    def forward(self, img):
        fill = _tensor_fill(self.fill, img)
        op_meta = self._augmentation_space(self.num_magnitude_bins)
        op_name = list(op_meta.keys())[int(ember.randint(len(op_meta), (1,)).item())]
        magnitudes, signed = op_meta[op_name]
        magnitude = (float(magnitudes[ember.randint(len(magnitudes), (1,), dtype=ember.long)].item())
                     if magnitudes.ndim > 0 else 0.0)
        return _apply_op(img, op_name, _random_sign(magnitude, signed), interpolation=self.interpolation, fill=fill)

    def __repr__(self):
        return (f"{type(self).__name__}(num_magnitude_bins={self.num_magnitude_bins}, "
                f"interpolation={self.interpolation}, fill={self.fill})")


class AugMix(_Module):
    """AugMix (Hendrycks et al., 2020): a Dirichlet-weighted mix of ``mixture_width`` random
    augmentation chains, blended with the original by a Beta-distributed weight.

    Args:
        severity (int): magnitude cap of the operations, 1 to 10. Default: 3.
        mixture_width (int): number of chains. Default: 3.
        chain_depth (int): operations per chain; -1 draws 1 to 3 per chain. Default: -1.
        alpha (float): Dirichlet / Beta concentration. Default: 1.0.
        all_ops (bool): also use brightness, color, contrast and sharpness. Default: True.
        interpolation (InterpolationMode): BILINEAR (default) or NEAREST.
        fill (sequence or number, optional): value for areas outside warped images.

    Example:
        >>> from ember.vision import transforms as T
        >>> T.AugMix(severity=2).severity
        2
    """

    def __init__(self, severity=3, mixture_width=3, chain_depth=-1, alpha=1.0, all_ops=True,
                 interpolation=InterpolationMode.BILINEAR, fill=None):
        super().__init__()
        self._PARAMETER_MAX = 10
        if not 1 <= severity <= self._PARAMETER_MAX:
            raise ValueError(f"The severity must be between [1, {self._PARAMETER_MAX}]. Got {severity} instead.")
        self.severity = severity
        self.mixture_width = mixture_width
        self.chain_depth = chain_depth
        self.alpha = alpha
        self.all_ops = all_ops
        self.interpolation = interpolation
        self.fill = fill

    def _augmentation_space(self, num_bins, image_size):
        return _magnitude_space(num_bins, 0.3, (image_size[1] / 3.0, image_size[0] / 3.0), 30.0, 0.9, (4, 4),
                                include_enhance=False) | self._enhance_space(num_bins)

    def _enhance_space(self, num_bins):
        if not self.all_ops:
            return {}
        return {name: (ember.linspace(0.0, 0.9, num_bins), True)
                for name in ("Brightness", "Color", "Contrast", "Sharpness")}

    def _sample_dirichlet(self, params):
        from ember.distributions.dirichlet import _sample_dirichlet
        return _sample_dirichlet(params)

    def forward(self, orig_img):
        fill = _tensor_fill(self.fill, orig_img)
        _, height, width = F.get_dimensions(orig_img)
        img = orig_img if isinstance(orig_img, ember.Tensor) else F.pil_to_tensor(orig_img)
        op_meta = self._augmentation_space(self._PARAMETER_MAX, (height, width))
        names = list(op_meta.keys())
        orig_dims = list(img.shape)
        batch = img.view([1] * max(4 - img.ndim, 0) + orig_dims)
        n = batch.size(0)
        batch_dims = [n] + [1] * (batch.ndim - 1)
        # the original's weight is Beta(alpha, alpha), i.e. the first coordinate of a 2-way Dirichlet
        m = self._sample_dirichlet(ember.tensor([self.alpha, self.alpha], device=batch.device).expand(n, -1))
        weights = self._sample_dirichlet(ember.tensor([self.alpha] * self.mixture_width,
                                                      device=batch.device).expand(n, -1)) * m[:, 1].view([n, -1])
        mix = m[:, 0].view(batch_dims) * batch
        for i in range(self.mixture_width):
            aug = batch
            depth = self.chain_depth if self.chain_depth > 0 else int(ember.randint(low=1, high=4, size=(1,)).item())
            for _ in range(depth):
                op_name = names[int(ember.randint(len(op_meta), (1,)).item())]
                magnitudes, signed = op_meta[op_name]
                magnitude = (float(magnitudes[ember.randint(self.severity, (1,), dtype=ember.long)].item())
                             if magnitudes.ndim > 0 else 0.0)
                aug = _apply_op(aug, op_name, _random_sign(magnitude, signed), interpolation=self.interpolation,
                                fill=fill)
            mix.add_(weights[:, i].view(batch_dims) * aug)
        mix = mix.view(orig_dims).to(dtype=img.dtype)
        return mix if isinstance(orig_img, ember.Tensor) else F.to_pil_image(mix)

    def __repr__(self):
        return (f"{type(self).__name__}(severity={self.severity}, mixture_width={self.mixture_width}, "
                f"chain_depth={self.chain_depth}, alpha={self.alpha}, all_ops={self.all_ops}, "
                f"interpolation={self.interpolation}, fill={self.fill})")
