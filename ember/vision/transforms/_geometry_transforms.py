"""Random geometric transform classes (torchvision.transforms): rotation, affine, perspective, elastic,
and the deterministic five/ten crops. Parameters are drawn from ember's generator in torchvision's
order, so ``ember.manual_seed(s)`` reproduces torchvision's choices under ``torch.manual_seed(s)``."""
import numbers
from collections.abc import Sequence

import ember
from ember.nn.modules.module import Module as _Module
from ember.vision.transforms import functional as F
from ember.vision.transforms.functional import InterpolationMode, _interpolation_modes_from_int


def _check_sequence_input(x, name, req_sizes):
    msg = req_sizes[0] if len(req_sizes) < 2 else " or ".join(str(s) for s in req_sizes)
    if not isinstance(x, Sequence):
        raise TypeError(f"{name} should be a sequence of length {msg}.")
    if len(x) not in req_sizes:
        raise ValueError(f"{name} should be a sequence of length {msg}.")


def _setup_angle(x, name, req_sizes=(2,)):
    if isinstance(x, numbers.Number):
        if x < 0:
            raise ValueError(f"If {name} is a single number, it must be positive.")
        x = [-x, x]
    else:
        _check_sequence_input(x, name, req_sizes)
    return [float(d) for d in x]


def _check_fill(fill):
    if fill is None:
        return 0
    if not isinstance(fill, (Sequence, numbers.Number)):
        raise TypeError("Fill should be either a sequence or a number.")
    return fill


def _tensor_fill(fill, img):
    # tensors take one float per channel; PIL images take the fill as given
    if not isinstance(img, ember.Tensor):
        return fill
    if isinstance(fill, (int, float)):
        return [float(fill)] * F.get_dimensions(img)[0]
    return [float(f) for f in fill]


def _uniform(lo, hi):
    return float(ember.empty(1).uniform_(float(lo), float(hi)).item())


def _interp(interpolation):
    return _interpolation_modes_from_int(interpolation) if isinstance(interpolation, int) else interpolation


class RandomRotation(_Module):
    """Rotate by an angle drawn uniformly from ``degrees``.

    Args:
        degrees (number or sequence): range (min, max) of degrees, or d for (-d, d).
        interpolation (InterpolationMode): NEAREST (default) or BILINEAR.
        expand (bool): grow the output to hold the whole rotated image. Default: False.
        center (sequence, optional): (x, y) centre of rotation. Default: the image centre.
        fill (number or sequence): value for the area outside the rotated image. Default: 0.

    Example:
        >>> from ember.vision import transforms as T
        >>> T.RandomRotation((90, 90))(ember.arange(4.0).view(1, 2, 2))
        tensor([[[1., 3.],
                 [0., 2.]]])
    """

    def __init__(self, degrees, interpolation=InterpolationMode.NEAREST, expand=False, center=None, fill=0):
        super().__init__()
        interpolation = _interp(interpolation)
        self.degrees = _setup_angle(degrees, name="degrees", req_sizes=(2,))
        if center is not None:
            _check_sequence_input(center, "center", req_sizes=(2,))
        self.center = center
        self.interpolation = interpolation
        self.expand = expand
        self.fill = _check_fill(fill)

    @staticmethod
    def get_params(degrees):
        """An angle drawn uniformly from [degrees[0], degrees[1]]."""
        return _uniform(degrees[0], degrees[1])

    def forward(self, img):
        fill = _tensor_fill(self.fill, img)
        angle = self.get_params(self.degrees)
        return F.rotate(img, angle, self.interpolation, self.expand, self.center, fill)

    def __repr__(self):
        s = f"{type(self).__name__}(degrees={self.degrees}, interpolation={self.interpolation.value}, expand={self.expand}"
        if self.center is not None:
            s += f", center={self.center}"
        if self.fill is not None:
            s += f", fill={self.fill}"
        return s + ")"


class RandomAffine(_Module):
    """A random affine transform: rotation, translation, scale and shear, each from its range.

    Args:
        degrees (number or sequence): rotation range (min, max), or d for (-d, d).
        translate (tuple, optional): maximum horizontal and vertical shift as fractions of the width and height.
        scale (tuple, optional): scale range (min, max).
        shear (number or sequence, optional): x-shear range (or d for (-d, d)), or 4 values for x and y ranges.
        interpolation (InterpolationMode): NEAREST (default) or BILINEAR.
        fill (number or sequence): value for the area outside the image. Default: 0.
        center (sequence, optional): (x, y) centre of the transform.

    Example:
        >>> from ember.vision import transforms as T
        >>> T.RandomAffine(0, translate=(0.5, 0.0))
        RandomAffine(degrees=[0.0, 0.0], translate=(0.5, 0.0))
    """

    def __init__(self, degrees, translate=None, scale=None, shear=None, interpolation=InterpolationMode.NEAREST,
                 fill=0, center=None):
        super().__init__()
        interpolation = _interp(interpolation)
        self.degrees = _setup_angle(degrees, name="degrees", req_sizes=(2,))
        if translate is not None:
            _check_sequence_input(translate, "translate", req_sizes=(2,))
            for t in translate:
                if not 0.0 <= t <= 1.0:
                    raise ValueError("translation values should be between 0 and 1")
        self.translate = translate
        if scale is not None:
            _check_sequence_input(scale, "scale", req_sizes=(2,))
            for s in scale:
                if s <= 0:
                    raise ValueError("scale values should be positive")
        self.scale = scale
        self.shear = _setup_angle(shear, name="shear", req_sizes=(2, 4)) if shear is not None else None
        self.interpolation = interpolation
        self.fill = _check_fill(fill)
        if center is not None:
            _check_sequence_input(center, "center", req_sizes=(2,))
        self.center = center

    @staticmethod
    def get_params(degrees, translate, scale_ranges, shears, img_size):
        """(angle, (tx, ty), scale, (shear_x, shear_y)) drawn in torchvision's order; img_size is [w, h]."""
        angle = _uniform(degrees[0], degrees[1])
        if translate is not None:
            max_dx = float(translate[0] * img_size[0])
            max_dy = float(translate[1] * img_size[1])
            translations = (int(round(_uniform(-max_dx, max_dx))), int(round(_uniform(-max_dy, max_dy))))
        else:
            translations = (0, 0)
        scale = _uniform(scale_ranges[0], scale_ranges[1]) if scale_ranges is not None else 1.0
        shear_x = shear_y = 0.0
        if shears is not None:
            shear_x = _uniform(shears[0], shears[1])
            if len(shears) == 4:
                shear_y = _uniform(shears[2], shears[3])
        return angle, translations, scale, (shear_x, shear_y)

    def forward(self, img):
        fill = _tensor_fill(self.fill, img)
        _, height, width = F.get_dimensions(img)
        params = self.get_params(self.degrees, self.translate, self.scale, self.shear, [width, height])
        return F.affine(img, *params, interpolation=self.interpolation, fill=fill, center=self.center)

    def __repr__(self):
        s = f"{type(self).__name__}(degrees={self.degrees}"
        s += f", translate={self.translate}" if self.translate is not None else ""
        s += f", scale={self.scale}" if self.scale is not None else ""
        s += f", shear={self.shear}" if self.shear is not None else ""
        s += f", interpolation={self.interpolation.value}" if self.interpolation != InterpolationMode.NEAREST else ""
        s += f", fill={self.fill}" if self.fill != 0 else ""
        s += f", center={self.center}" if self.center is not None else ""
        return s + ")"


class RandomPerspective(_Module):
    """With probability ``p``, move each corner inwards by a random amount (up to ``distortion_scale``
    of half the size) and warp the image accordingly.

    Args:
        distortion_scale (float): 0 to 1, how far corners may move. Default: 0.5.
        p (float): probability of warping. Default: 0.5.
        interpolation (InterpolationMode): BILINEAR (default) or NEAREST.
        fill (number or sequence): value for the area outside the image. Default: 0.

    Example:
        >>> from ember.vision import transforms as T
        >>> T.RandomPerspective(p=0.0)(ember.ones(1, 2, 2))
        tensor([[[1., 1.],
                 [1., 1.]]])
    """

    def __init__(self, distortion_scale=0.5, p=0.5, interpolation=InterpolationMode.BILINEAR, fill=0):
        super().__init__()
        self.p = p
        self.interpolation = _interp(interpolation)
        self.distortion_scale = distortion_scale
        self.fill = _check_fill(fill)

    @staticmethod
    def get_params(width, height, distortion_scale):
        """(startpoints, endpoints): the image corners and their randomly moved positions."""
        half_h, half_w = height // 2, width // 2
        dw, dh = int(distortion_scale * half_w), int(distortion_scale * half_h)

        def draw(lo, hi):
            return int(ember.randint(lo, hi, size=(1,)).item())
        topleft = [draw(0, dw + 1), draw(0, dh + 1)]
        topright = [draw(width - dw - 1, width), draw(0, dh + 1)]
        botright = [draw(width - dw - 1, width), draw(height - dh - 1, height)]
        botleft = [draw(0, dw + 1), draw(height - dh - 1, height)]
        startpoints = [[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]]
        return startpoints, [topleft, topright, botright, botleft]

    def forward(self, img):
        fill = _tensor_fill(self.fill, img)
        _, height, width = F.get_dimensions(img)
        if ember.rand(1).item() < self.p:
            startpoints, endpoints = self.get_params(width, height, self.distortion_scale)
            return F.perspective(img, startpoints, endpoints, self.interpolation, fill)
        return img

    def __repr__(self):
        return f"{type(self).__name__}(p={self.p})"


def _pair_of_floats(value, name):
    if not isinstance(value, (float, Sequence)):
        raise TypeError(f"{name} should be float or a sequence of floats. Got {type(value)}")
    if isinstance(value, Sequence) and len(value) != 2:
        raise ValueError(f"If {name} is a sequence its length should be 2. Got {len(value)}")
    if isinstance(value, Sequence):
        for element in value:
            if not isinstance(element, float):
                raise TypeError(f"{name} should be a sequence of floats. Got {type(element)}")
    return [float(value), float(value)] if isinstance(value, float) else value


class ElasticTransform(_Module):
    """Displace every pixel by a smooth random field (uniform noise blurred by a Gaussian of ``sigma``,
    scaled by ``alpha``): a "seen through water" effect.

    Args:
        alpha (float or sequence of float): displacement strength (x, y). Default: 50.0.
        sigma (float or sequence of float): smoothness (x, y). Default: 5.0.
        interpolation (InterpolationMode): BILINEAR (default) or NEAREST.
        fill (number or sequence): value for pixels read from outside. Default: 0.

    Example:
        >>> from ember.vision import transforms as T
        >>> T.ElasticTransform(alpha=0.0, sigma=0.0)(ember.arange(3.0).view(1, 1, 3))
        tensor([[[0., 1., 2.]]])
    """

    def __init__(self, alpha=50.0, sigma=5.0, interpolation=InterpolationMode.BILINEAR, fill=0):
        super().__init__()
        self.alpha = _pair_of_floats(alpha, "alpha")
        self.sigma = _pair_of_floats(sigma, "sigma")
        self.interpolation = _interp(interpolation)
        if isinstance(fill, (int, float)):
            fill = [float(fill)]
        elif isinstance(fill, (list, tuple)):
            fill = [float(f) for f in fill]
        else:
            raise TypeError(f"fill should be int or float or a list or tuple of them. Got {type(fill)}")
        self.fill = fill

    @staticmethod
    def get_params(alpha, sigma, size):
        """The displacement field (1, H, W, 2) for an image of ``size`` = [h, w]."""
        fields = []
        for axis in (0, 1):
            d = ember.rand([1, 1] + list(size)) * 2 - 1
            if sigma[axis] > 0.0:
                k = int(8 * sigma[axis] + 1)
                k += 1 - k % 2  # odd kernel
                d = F.gaussian_blur(d, [k, k], sigma)
            fields.append(d * alpha[axis] / size[1 - axis])
        return ember.cat(fields, 1).permute([0, 2, 3, 1])

    def forward(self, tensor):
        _, height, width = F.get_dimensions(tensor)
        displacement = self.get_params(self.alpha, self.sigma, [height, width])
        return F.elastic_transform(tensor, displacement, self.interpolation, self.fill)

    def __repr__(self):
        return (f"{type(self).__name__}(alpha={self.alpha}, sigma={self.sigma}, interpolation={self.interpolation}, "
                f"fill={self.fill})")


class FiveCrop(_Module):
    """The four corner crops and the central crop of ``size`` (a tuple of five images).

    Example:
        >>> from ember.vision import transforms as T
        >>> len(T.FiveCrop(2)(ember.zeros(3, 4, 4)))
        5
    """

    def __init__(self, size):
        super().__init__()
        from ember.vision.transforms.transforms import _setup_size
        self.size = _setup_size(size, error_msg="Please provide only two dimensions (h, w) for size.")

    def forward(self, img):
        return F.five_crop(img, self.size)

    def __repr__(self):
        return f"{type(self).__name__}(size={self.size})"


class TenCrop(_Module):
    """:class:`FiveCrop` of the image and of its mirror image (a tuple of ten images).

    Example:
        >>> from ember.vision import transforms as T
        >>> len(T.TenCrop(2, vertical_flip=True)(ember.zeros(3, 4, 4)))
        10
    """

    def __init__(self, size, vertical_flip=False):
        super().__init__()
        from ember.vision.transforms.transforms import _setup_size
        self.size = _setup_size(size, error_msg="Please provide only two dimensions (h, w) for size.")
        self.vertical_flip = vertical_flip

    def forward(self, img):
        return F.ten_crop(img, self.size, self.vertical_flip)

    def __repr__(self):
        return f"{type(self).__name__}(size={self.size}, vertical_flip={self.vertical_flip})"
