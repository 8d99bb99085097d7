"""v2 RandomPerspective and ElasticTransform: random warps applied alike to the image, masks, boxes
and key points of a sample."""
from collections.abc import Sequence

import ember
from ember.vision.transforms import _grid
from ember.vision.transforms.v2 import functional as F
from ember.vision.transforms.v2._transform import Transform, _RandomApplyTransform
from ember.vision.transforms.v2._utils import get_fill, query_size, setup_fill_arg


def _randint(low, high):
    return int(ember.randint(low, high, size=(1,)))


class RandomPerspective(_RandomApplyTransform):
    """With probability ``p``, warp the sample by a random perspective: each corner moves inwards by up
    to ``distortion_scale`` of half the image size.

    Args:
        distortion_scale (float): how far the corners may move, from 0 to 1. Default: 0.5.
        p (float): probability of warping. Default: 0.5.
        interpolation (str or InterpolationMode): "bilinear" (default) or "nearest" for tensors.
        fill (number, sequence or dict): value of the pixels read from outside, or {type: value}.

    Example:
        >>> from ember.vision.transforms import v2
        >>> v2.RandomPerspective(p=1.0)(ember.ones(3, 8, 8)).shape
        ember.Size([3, 8, 8])
    """

    def __init__(self, distortion_scale=0.5, p=0.5, interpolation="bilinear", fill=0):
        super().__init__(p=p)
        if not (0 <= distortion_scale <= 1):
            raise ValueError("Argument distortion_scale value should be between 0 and 1")
        self.distortion_scale = distortion_scale
        self.interpolation = interpolation
        self.fill = fill
        self._fill = setup_fill_arg(fill)

    def make_params(self, flat_inputs):
        height, width = query_size(flat_inputs)
        bound_h = int(self.distortion_scale * (height // 2)) + 1
        bound_w = int(self.distortion_scale * (width // 2)) + 1
        # the corners are drawn x then y, clockwise from the top-left
        top_left = [_randint(0, bound_w), _randint(0, bound_h)]
        top_right = [_randint(width - bound_w, width), _randint(0, bound_h)]
        bottom_right = [_randint(width - bound_w, width), _randint(height - bound_h, height)]
        bottom_left = [_randint(0, bound_w), _randint(height - bound_h, height)]
        start = [[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]]
        end = [top_left, top_right, bottom_right, bottom_left]
        return dict(coefficients=_grid.perspective_coeffs(start, end))

    def transform(self, inpt, params):
        return F.perspective(inpt, None, None, fill=get_fill(self._fill, type(inpt)),
                             interpolation=self.interpolation, **params)


def _number_or_pair(arg, name):
    if not isinstance(arg, (int, float, Sequence)):
        raise TypeError(f"{name} should be a number or a sequence of numbers. Got {type(arg)}")
    if isinstance(arg, Sequence):
        if len(arg) not in (1, 2):
            raise ValueError(f"If {name} is a sequence its length should be 1 or 2. Got {len(arg)}")
        for element in arg:
            if not isinstance(element, (int, float)):
                raise ValueError(f"{name} should be a sequence of numbers. Got {type(element)}")
        return [float(arg[0]), float(arg[-1])]
    return [float(arg), float(arg)]


def _odd_kernel(sigma):
    size = int(8 * sigma + 1)
    return size + 1 if size % 2 == 0 else size


class ElasticTransform(Transform):
    """Warp the sample by a random smooth displacement field: uniform noise blurred by a Gaussian of
    ``sigma`` and scaled by ``alpha`` pixels (boxes and key points follow approximately).

    Args:
        alpha (float or pair): strength of the displacements (x, y). Default: 50.0.
        sigma (float or pair): smoothness of the displacements. Default: 5.0.
        interpolation (str or InterpolationMode): "bilinear" (default) or "nearest" for tensors.
        fill (number, sequence or dict): value of the pixels read from outside, or {type: value}.

    Example:
        >>> from ember.vision.transforms import v2
        >>> v2.ElasticTransform(alpha=5.0, sigma=1.0)(ember.ones(3, 8, 8)).shape
        ember.Size([3, 8, 8])
    """

    def __init__(self, alpha=50.0, sigma=5.0, interpolation="bilinear", fill=0):
        super().__init__()
        self.alpha = _number_or_pair(alpha, "alpha")
        self.sigma = _number_or_pair(sigma, "sigma")
        self.interpolation = interpolation
        self.fill = fill
        self._fill = setup_fill_arg(fill)

    def _field(self, height, width, axis, extent):
        d = ember.rand(1, 1, height, width) * 2 - 1
        if self.sigma[axis] > 0.0:
            k = _odd_kernel(self.sigma[axis])
            d = F.gaussian_blur(d, [k, k], list(self.sigma))
        return d * self.alpha[axis] / extent

    def make_params(self, flat_inputs):
        height, width = query_size(flat_inputs)
        dx = self._field(height, width, 0, width)
        dy = self._field(height, width, 1, height)
        return dict(displacement=ember.cat([dx, dy], 1).permute([0, 2, 3, 1]))

    def transform(self, inpt, params):
        return F.elastic(inpt, **params, fill=get_fill(self._fill, type(inpt)), interpolation=self.interpolation)
