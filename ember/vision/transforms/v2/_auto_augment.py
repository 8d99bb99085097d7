"""v2 automatic augmentation policies: AutoAugment, RandAugment, TrivialAugmentWide and AugMix on the
one image or video of a sample (boxes, masks and key points are refused, as torchvision does: these
policies are defined for images only). Operations and magnitudes are drawn from ember's generator in
torchvision's order, so a seed gives torchvision's choices; the operations are the v2 functionals.
"""
import math

import ember
from ember.vision._pil import is_pil_image
from ember.vision.transforms._functional_tensor import _max_value
from ember.vision.transforms.autoaugment import _POLICY_TABLES, AutoAugmentPolicy, _parse_policy
from ember.vision.transforms.v2 import functional as F
from ember.vision.transforms.v2._transform import Transform
from ember.utils._pytree import tree_flatten, tree_unflatten
from ember.vision.transforms.v2._utils import check_type, get_fill, setup_fill_arg
from ember.vision.transforms.v2.functional import is_pure_tensor
from ember.vision.tv_tensors import BoundingBoxes, Image, KeyPoints, Mask, Video


def _linspace(end, start=0.0):
    return lambda num_bins, height, width: ember.linspace(start, end, num_bins)


def _posterize(top, steps):
    return lambda num_bins, height, width: (top - (ember.arange(num_bins) / ((num_bins - 1) / steps))).round().int()


def _none(num_bins, height, width):
    return None


def _make_space(shear, translate, rotate, enhance, posterize, identity=False, invert=False):
    """{op: (magnitudes(num_bins, height, width), whether the sign is random)} in torchvision's order."""
    space = {"Identity": (_none, False)} if identity else {}
    space.update({"ShearX": (_linspace(shear), True), "ShearY": (_linspace(shear), True),
                  "TranslateX": (lambda n, h, w: ember.linspace(0.0, translate(w), n), True),
                  "TranslateY": (lambda n, h, w: ember.linspace(0.0, translate(h), n), True),
                  "Rotate": (_linspace(rotate), True)})
    if enhance is not None:
        space.update({name: (_linspace(enhance), True) for name in ("Brightness", "Color", "Contrast", "Sharpness")})
    space.update({"Posterize": (_posterize(*posterize), False), "Solarize": (_linspace(0.0, 1.0), False),
                  "AutoContrast": (_none, False), "Equalize": (_none, False)})
    if invert:
        space["Invert"] = (_none, False)
    return space


def _apply(image, op, magnitude, interpolation, fill):
    fill = get_fill(fill, type(image))
    if op == "Identity":
        return image
    if op in ("ShearX", "ShearY"):
        # shear about the top-left corner by atan(magnitude), as the original AutoAugment code does
        angle = math.degrees(math.atan(magnitude))
        return F.affine(image, angle=0.0, translate=[0, 0], scale=1.0,
                        shear=[angle, 0.0] if op == "ShearX" else [0.0, angle], interpolation=interpolation,
                        fill=fill, center=[0, 0])
    if op in ("TranslateX", "TranslateY"):
        return F.affine(image, angle=0.0, translate=[int(magnitude), 0] if op == "TranslateX" else [0, int(magnitude)],
                        scale=1.0, interpolation=interpolation, shear=[0.0, 0.0], fill=fill)
    if op == "Rotate":
        return F.rotate(image, angle=magnitude, interpolation=interpolation, fill=fill)
    enhance = {"Brightness": F.adjust_brightness, "Color": F.adjust_saturation, "Contrast": F.adjust_contrast,
               "Sharpness": F.adjust_sharpness}
    if op in enhance:
        return enhance[op](image, 1.0 + magnitude)
    if op == "Posterize":
        return F.posterize(image, int(magnitude))
    if op == "Solarize":
        bound = _max_value(image.dtype) if isinstance(image, ember.Tensor) else 255.0
        return F.solarize(image, bound * magnitude)
    plain = {"AutoContrast": F.autocontrast, "Equalize": F.equalize, "Invert": F.invert}
    if op in plain:
        return plain[op](image)
    raise ValueError(f"No transform available for {op}")


class _AutoAugmentBase(Transform):
    _space = {}

    def __init__(self, *, interpolation="nearest", fill=None):
        super().__init__()
        self.interpolation = interpolation
        self.fill = fill
        self._fill = setup_fill_arg(fill)

    def _extract(self, inputs):
        """(flat inputs, spec, index of the image) and the one image or video of the sample."""
        flat, spec = tree_flatten(inputs if len(inputs) > 1 else inputs[0])
        found = []
        for i, (inpt, needed) in enumerate(zip(flat, self._needs_transform_list(flat))):
            if needed and check_type(inpt, (Image, is_pil_image, is_pure_tensor, Video)):
                found.append(i)
            elif isinstance(inpt, (BoundingBoxes, Mask, KeyPoints)):
                raise TypeError(f"Inputs of type {type(inpt).__name__} are not supported by {type(self).__name__}()")
        if not found:
            raise TypeError("Found no image in the sample.")
        if len(found) > 1:
            raise TypeError(f"Auto augment transformations are only properly defined for a single image or video, "
                            f"but found {len(found)}.")
        return (flat, spec, found[0]), flat[found[0]]

    @staticmethod
    def _insert(flat_spec_index, image):
        flat, spec, index = flat_spec_index
        flat[index] = image
        return tree_unflatten(flat, spec)

    def _random_op(self, space):
        names = tuple(space.keys())
        name = names[int(ember.randint(len(names), ()))]
        return name, space[name]

    def _signed_magnitude(self, magnitudes, index, signed):
        if magnitudes is None:
            return 0.0
        magnitude = float(magnitudes[index])
        if signed and ember.rand(()) <= 0.5:
            magnitude *= -1
        return magnitude

    def _op(self, image, op, magnitude):
        return _apply(image, op, magnitude, self.interpolation, self._fill)


class AutoAugment(_AutoAugmentBase):
    """AutoAugment (Cubuk et al., 2019): apply one randomly chosen sub-policy of the learned ``policy``
    to the image or video of the sample (uint8 tensors ``[..., 1 or 3, H, W]`` or PIL images).

    Args:
        policy (AutoAugmentPolicy): IMAGENET (default), CIFAR10 or SVHN.
        interpolation (str or InterpolationMode): "nearest" (default) or "bilinear".
        fill (number, sequence or dict, optional): value of the pixels that warps bring in.

    Example:
        >>> from ember.vision.transforms import v2
        >>> v2.AutoAugment()(ember.zeros(3, 8, 8, dtype=ember.uint8)).shape
        ember.Size([3, 8, 8])
    """

    _space = _make_space(0.3, lambda side: 150.0 / 331.0 * side, 30.0, 0.9, (8, 4), invert=True)

    def __init__(self, policy=AutoAugmentPolicy.IMAGENET, interpolation="nearest", fill=None):
        super().__init__(interpolation=interpolation, fill=fill)
        self.policy = policy
        if policy not in _POLICY_TABLES:
            raise ValueError(f"The provided policy {policy} is not recognized.")
        self._policies = _parse_policy(_POLICY_TABLES[policy])

    def forward(self, *inputs):
        where, image = self._extract(inputs)
        height, width = F.get_size(image)
        policy = self._policies[int(ember.randint(len(self._policies), ()))]
        for op, probability, magnitude_index in policy:
            if not ember.rand(()) <= probability:
                continue
            magnitudes_fn, signed = self._space[op]
            magnitudes = magnitudes_fn(10, height, width)
            image = self._op(image, op, self._signed_magnitude(magnitudes, magnitude_index, signed))
        return self._insert(where, image)


class RandAugment(_AutoAugmentBase):
    """RandAugment (Cubuk et al., 2020): ``num_ops`` operations drawn uniformly, each at bin
    ``magnitude`` of ``num_magnitude_bins``.

    Example:
        >>> from ember.vision.transforms import v2
        >>> v2.RandAugment()(ember.zeros(3, 8, 8, dtype=ember.uint8)).shape
        ember.Size([3, 8, 8])
    """

    _space = _make_space(0.3, lambda side: 150.0 / 331.0 * side, 30.0, 0.9, (8, 4), identity=True)

    def __init__(self, num_ops=2, magnitude=9, num_magnitude_bins=31, interpolation="nearest", fill=None):
        super().__init__(interpolation=interpolation, fill=fill)
        if not isinstance(num_ops, int) or num_ops < 0:
            raise ValueError(f"num_ops should be a non-negative integer, but got {num_ops} instead.")
        self.num_ops = num_ops
        self.magnitude = magnitude
        self.num_magnitude_bins = num_magnitude_bins

    def forward(self, *inputs):
        where, image = self._extract(inputs)
        height, width = F.get_size(image)
        for _ in range(self.num_ops):
            op, (magnitudes_fn, signed) = self._random_op(self._space)
            magnitudes = magnitudes_fn(self.num_magnitude_bins, height, width)
            image = self._op(image, op, self._signed_magnitude(magnitudes, self.magnitude, signed))
        return self._insert(where, image)


class TrivialAugmentWide(_AutoAugmentBase):
    """TrivialAugment (Müller and Hutter, 2021): one operation and one magnitude bin, both uniform.

    Example:
        >>> from ember.vision.transforms import v2
        >>> v2.TrivialAugmentWide()(ember.zeros(3, 8, 8, dtype=ember.uint8)).shape
        ember.Size([3, 8, 8])
    """

    _space = _make_space(0.99, lambda side: 32.0, 135.0, 0.99, (8, 6), identity=True)

    def __init__(self, num_magnitude_bins=31, interpolation="nearest", fill=None):
        super().__init__(interpolation=interpolation, fill=fill)
        self.num_magnitude_bins = num_magnitude_bins

    def forward(self, *inputs):
        where, image = self._extract(inputs)
        height, width = F.get_size(image)
        op, (magnitudes_fn, signed) = self._random_op(self._space)
        magnitudes = magnitudes_fn(self.num_magnitude_bins, height, width)
        index = int(ember.randint(self.num_magnitude_bins, ())) if magnitudes is not None else 0
        return self._insert(where, self._op(image, op, self._signed_magnitude(magnitudes, index, signed)))


class AugMix(_AutoAugmentBase):
    """AugMix (Hendrycks et al., 2020): a Dirichlet-weighted mix of ``mixture_width`` random chains of
    operations, blended with the original by a Beta-distributed weight.

    Args:
        severity (int): magnitude cap of the operations, 1 to 10. Default: 3.
        mixture_width (int): number of chains. Default: 3.
        chain_depth (int): operations per chain; -1 draws 1 to 3 per chain. Default: -1.
        alpha (float): Dirichlet / Beta concentration. Default: 1.0.
        all_ops (bool): also use brightness, color, contrast and sharpness. Default: True.
        interpolation (str or InterpolationMode): "bilinear" (default) or "nearest".
        fill (number, sequence or dict, optional): value of the pixels that warps bring in.

    Example:
        >>> from ember.vision.transforms import v2
        >>> v2.AugMix()(ember.zeros(3, 8, 8, dtype=ember.uint8)).shape
        ember.Size([3, 8, 8])
    """

    _partial_space = _make_space(0.3, lambda side: side / 3.0, 30.0, None, (4, 4))
    _space = dict(_partial_space, **{name: (_linspace(0.9), True)
                                     for name in ("Brightness", "Color", "Contrast", "Sharpness")})

    def __init__(self, severity=3, mixture_width=3, chain_depth=-1, alpha=1.0, all_ops=True,
                 interpolation="bilinear", fill=None):
        super().__init__(interpolation=interpolation, fill=fill)
        self._PARAMETER_MAX = 10
        if not (1 <= severity <= self._PARAMETER_MAX):
            raise ValueError(f"The severity must be between [1, {self._PARAMETER_MAX}]. Got {severity} instead.")
        self.severity = severity
        self.mixture_width = mixture_width
        self.chain_depth = chain_depth
        self.alpha = alpha
        self.all_ops = all_ops

    def _sample_dirichlet(self, params):
        from ember.distributions.dirichlet import _sample_dirichlet
        return _sample_dirichlet(params)

    def forward(self, *inputs):
        where, original = self._extract(inputs)
        height, width = F.get_size(original)
        image = original if isinstance(original, ember.Tensor) else F.pil_to_tensor(original)
        space = self._space if self.all_ops else self._partial_space
        dims = list(image.shape)
        batch = image.as_subclass(ember.Tensor).reshape(
            [1] * max((5 if isinstance(original, Video) else 4) - image.ndim, 0) + dims)
        n = batch.size(0)
        batch_dims = [n] + [1] * (batch.ndim - 1)
        # the original's weight is Beta(alpha, alpha): the first coordinate of a 2-way Dirichlet
        m = self._sample_dirichlet(ember.tensor([self.alpha, self.alpha]).expand(n, -1))
        weights = self._sample_dirichlet(ember.tensor([self.alpha] * self.mixture_width).expand(n, -1)) * \
            m[:, 1].reshape([n, -1])
        mix = m[:, 0].reshape(batch_dims) * batch
        for i in range(self.mixture_width):
            aug = batch
            depth = self.chain_depth if self.chain_depth > 0 else int(ember.randint(low=1, high=4, size=(1,)).item())
            for _ in range(depth):
                op, (magnitudes_fn, signed) = self._random_op(space)
                magnitudes = magnitudes_fn(self._PARAMETER_MAX, height, width)
                index = int(ember.randint(self.severity, ())) if magnitudes is not None else 0
                aug = self._op(aug, op, self._signed_magnitude(magnitudes, index, signed))
            mix = mix + weights[:, i].reshape(batch_dims) * aug
        mix = mix.reshape(dims).to(dtype=image.dtype)
        if isinstance(original, (Image, Video)):
            mix = type(original).wrap(mix, like=original)
        elif is_pil_image(original):
            mix = F.to_pil_image(mix)
        return self._insert(where, mix)
