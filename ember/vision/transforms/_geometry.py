"""Warps, blurs, erasing and multi-crops (torchvision.transforms.functional), on PIL images and tensors.

PIL images are warped by Pillow (``Image.rotate`` / ``Image.transform``) with the matrices
torchvision hands it; tensors are warped by :mod:`._grid`. Gaussian blur and the elastic warp have
no Pillow counterpart: PIL images go through a tensor and back, as in torchvision.
"""
import math
import numbers
import warnings

import ember
from ember.vision._pil import is_pil_image, pil_image
from ember.vision.transforms import _grid
from ember.vision.transforms import _functional_tensor as F_t
from ember.vision.transforms.functional import (InterpolationMode, _check_pil, _interpolation_modes_from_int,
                                                _parse_fill, center_crop, crop, get_dimensions, hflip,
                                                pil_modes_mapping, pil_to_tensor, to_pil_image, vflip)


def _interpolation(interpolation):
    if isinstance(interpolation, int):
        return _interpolation_modes_from_int(interpolation)
    if not isinstance(interpolation, InterpolationMode):
        raise TypeError("Argument interpolation should be a InterpolationMode or a corresponding Pillow integer "
                        "constant")
    return interpolation


def _centre_offset(center, img):
    """``center`` in pixels -> relative to the image centre (the tensor warps' origin)."""
    if center is None:
        return [0.0, 0.0]
    _, height, width = get_dimensions(img)
    return [1.0 * (c - s * 0.5) for c, s in zip(center, [width, height])]


def rotate(img, angle, interpolation=InterpolationMode.NEAREST, expand=False, center=None, fill=None):
    """Rotate counter-clockwise by ``angle`` degrees about ``center`` (default: the image centre).

    Args:
        img (PIL Image or Tensor): image ``[..., H, W]``.
        angle (number): degrees, counter-clockwise.
        interpolation (InterpolationMode): NEAREST (default) or BILINEAR for tensors; any Pillow filter for PIL.
        expand (bool): grow the output to hold the whole rotated image. Default: False.
        center (sequence, optional): (x, y) pixel about which to rotate.
        fill (number or sequence, optional): value for pixels outside the source. Default: 0.

    Returns:
        PIL Image or Tensor: the rotated image.

    Example:
        >>> import ember.vision.transforms.functional as TF
        >>> TF.rotate(ember.arange(4.0).view(1, 2, 2), 90)
        tensor([[[1., 3.],
                 [0., 2.]]])
    """
    interpolation = _interpolation(interpolation)
    if not isinstance(angle, (int, float)):
        raise TypeError("Argument angle should be int or float")
    if center is not None and not isinstance(center, (list, tuple)):
        raise TypeError("Argument center should be a sequence")
    if not isinstance(img, ember.Tensor):
        _check_pil(img)
        return img.rotate(angle, pil_modes_mapping[interpolation], expand, center, **_parse_fill(fill, img))
    # the tensor warp's angle runs the other way round from Pillow's
    matrix = _grid.inverse_affine_matrix(_centre_offset(center, img), -angle, [0.0, 0.0], 1.0, [0.0, 0.0])
    return _grid.rotate(img, matrix=matrix, interpolation=interpolation.value, expand=expand, fill=fill)


def affine(img, angle, translate, scale, shear, interpolation=InterpolationMode.NEAREST, fill=None, center=None):
    """Rotate, scale and shear about the centre, then translate, keeping the image size.

    Args:
        img (PIL Image or Tensor): image ``[..., H, W]``.
        angle (number): rotation in degrees, clockwise.
        translate (sequence of int): (horizontal, vertical) shift in pixels.
        scale (float): positive scale factor.
        shear (number or sequence): shear angle(s) in degrees: x, or (x, y).
        interpolation (InterpolationMode): NEAREST (default) or BILINEAR for tensors.
        fill (number or sequence, optional): value for pixels outside the source. Default: 0.
        center (sequence, optional): (x, y) pixel to transform about. Default: the image centre.

    Returns:
        PIL Image or Tensor: the transformed image.

    Example:
        >>> import ember.vision.transforms.functional as TF
        >>> TF.affine(ember.arange(3.0).view(1, 1, 3), angle=0.0, translate=[1, 0], scale=1.0, shear=0.0)
        tensor([[[0., 0., 1.]]])
    """
    interpolation = _interpolation(interpolation)
    if not isinstance(angle, (int, float)):
        raise TypeError("Argument angle should be int or float")
    if not isinstance(translate, (list, tuple)):
        raise TypeError("Argument translate should be a sequence")
    if len(translate) != 2:
        raise ValueError("Argument translate should be a sequence of length 2")
    if scale <= 0.0:
        raise ValueError("Argument scale should be positive")
    if not isinstance(shear, (numbers.Number, list, tuple)):
        raise TypeError("Shear should be either a single value or a sequence of two values")
    angle = float(angle)
    translate = list(translate)
    shear = [shear, 0.0] if isinstance(shear, numbers.Number) else list(shear)
    if len(shear) == 1:
        shear = [shear[0], shear[0]]
    if len(shear) != 2:
        raise ValueError(f"Shear should be a sequence containing two values. Got {shear}")
    if center is not None and not isinstance(center, (list, tuple)):
        raise TypeError("Argument center should be a sequence")
    _, height, width = get_dimensions(img)
    if not isinstance(img, ember.Tensor):
        # Pillow's origin is the top-left corner; the centre is taken without the half-pixel offset
        pil_center = [width * 0.5, height * 0.5] if center is None else center
        matrix = _grid.inverse_affine_matrix(pil_center, angle, translate, scale, shear)
        return img.transform(img.size, pil_image().AFFINE, matrix, pil_modes_mapping[interpolation],
                             **_parse_fill(fill, img))
    matrix = _grid.inverse_affine_matrix(_centre_offset(center, img), angle, [1.0 * t for t in translate], scale,
                                         shear)
    return _grid.affine(img, matrix=matrix, interpolation=interpolation.value, fill=fill)


def perspective(img, startpoints, endpoints, interpolation=InterpolationMode.BILINEAR, fill=None):
    """Warp so that the four ``startpoints`` corners land on ``endpoints``.

    Args:
        img (PIL Image or Tensor): image ``[..., H, W]``.
        startpoints (list of [x, y]): top-left, top-right, bottom-right, bottom-left corners of the input.
        endpoints (list of [x, y]): where those corners go in the output.
        interpolation (InterpolationMode): BILINEAR (default) or NEAREST for tensors.
        fill (number or sequence, optional): value for pixels outside the source. Default: 0.

    Returns:
        PIL Image or Tensor: the warped image.

    Example:
        >>> import ember.vision.transforms.functional as TF
        >>> corners = [[0, 0], [2, 0], [2, 2], [0, 2]]
        >>> TF.perspective(ember.ones(1, 2, 2), corners, corners)
        tensor([[[1., 1.],
                 [1., 1.]]])
    """
    coeffs = _grid.perspective_coeffs(startpoints, endpoints)
    interpolation = _interpolation(interpolation)
    if not isinstance(img, ember.Tensor):
        _check_pil(img)
        return img.transform(img.size, pil_image().PERSPECTIVE, coeffs, pil_modes_mapping[interpolation],
                             **_parse_fill(fill, img))
    return _grid.perspective(img, coeffs, interpolation=interpolation.value, fill=fill)


def _gaussian_kernel1d(size, sigma, dtype):
    half = (size - 1) * 0.5
    x = ember.linspace(-half, half, steps=size, dtype=dtype)
    pdf = ember.exp(-0.5 * (x / sigma).pow(2))
    return pdf / pdf.sum()


def _gaussian_kernel1d_v2(size, sigma, dtype):
    # transforms v2 spells the same bell curve as a softmax over -(x / sigma)^2 on a grid shrunk by sqrt(2): its
    # weights differ from v1's in the last bits, which moves rounded pixels
    lim = (size - 1) / (2.0 * math.sqrt(2.0))
    x = ember.linspace(-lim, lim, steps=size, dtype=dtype)
    return ember.softmax(x.div(sigma).pow(2).neg(), dim=0)


def _gaussian_blur_tensor(img, kernel_size, sigma, kernel1d=_gaussian_kernel1d):
    if not isinstance(img, ember.Tensor):
        raise TypeError(f"img should be Tensor. Got {type(img)}")
    F_t._assert_image_tensor(img)
    from ember.nn import functional as F
    dtype = img.dtype if img.is_floating_point() else ember.float32
    kx = kernel1d(kernel_size[0], sigma[0], dtype)
    ky = kernel1d(kernel_size[1], sigma[1], dtype)
    kernel = ember.mm(ky[:, None], kx[None, :]).to(img.device)
    channels = img.shape[-3]
    kernel = kernel.expand(channels, 1, kernel.shape[0], kernel.shape[1])
    x = img if img.ndim >= 4 else img.unsqueeze(0)
    x = x.to(dtype)
    x = F.pad(x, [kernel_size[0] // 2, kernel_size[0] // 2, kernel_size[1] // 2, kernel_size[1] // 2],
              mode="reflect")
    x = F.conv2d(x, kernel, groups=channels)
    if img.ndim < 4:
        x = x.squeeze(0)
    if x.dtype != img.dtype:
        x = ember.round(x).to(img.dtype)
    return x


def gaussian_blur(img, kernel_size, sigma=None):
    """Blur with a Gaussian kernel, reflecting at the borders (the size is kept).

    Args:
        img (PIL Image or Tensor): image ``[C, H, W]`` or ``[N, C, H, W]``.
        kernel_size (int or sequence of int): odd positive (kx, ky).
        sigma (float or sequence of float, optional): standard deviation(s) (x, y); by default
            ``0.15 * kernel_size + 0.35``.

    Returns:
        PIL Image or Tensor: the blurred image.

    Example:
        >>> import ember.vision.transforms.functional as TF
        >>> TF.gaussian_blur(ember.tensor([[[0.0, 1.0, 0.0]]]), [3, 1], 1.0)
        tensor([[[0.5481, 0.4519, 0.5481]]])
    """
    return _gaussian_blur(img, kernel_size, sigma, _gaussian_kernel1d)


def _gaussian_blur(img, kernel_size, sigma, kernel1d):
    if not isinstance(kernel_size, (int, list, tuple)):
        raise TypeError(f"kernel_size should be int or a sequence of integers. Got {type(kernel_size)}")
    if isinstance(kernel_size, int):
        kernel_size = [kernel_size, kernel_size]
    if len(kernel_size) != 2:
        raise ValueError(f"If kernel_size is a sequence its length should be 2. Got {len(kernel_size)}")
    for ksize in kernel_size:
        if ksize % 2 == 0 or ksize < 0:
            raise ValueError(f"kernel_size should have odd and positive integers. Got {kernel_size}")
    if sigma is None:
        sigma = [ksize * 0.15 + 0.35 for ksize in kernel_size]
    if not isinstance(sigma, (int, float, list, tuple)):
        raise TypeError(f"sigma should be either float or sequence of floats. Got {type(sigma)}")
    if isinstance(sigma, (int, float)):
        sigma = [float(sigma), float(sigma)]
    if isinstance(sigma, (list, tuple)) and len(sigma) == 1:
        sigma = [sigma[0], sigma[0]]
    if len(sigma) != 2:
        raise ValueError(f"If sigma is a sequence, its length should be 2. Got {len(sigma)}")
    for s in sigma:
        if s <= 0.0:
            raise ValueError(f"sigma should have positive values. Got {sigma}")
    if isinstance(img, ember.Tensor):
        return _gaussian_blur_tensor(img, kernel_size, sigma, kernel1d)
    if not is_pil_image(img):
        raise TypeError(f"img should be PIL Image or Tensor. Got {type(img)}")
    return to_pil_image(_gaussian_blur_tensor(pil_to_tensor(img), kernel_size, sigma, kernel1d), mode=img.mode)


def erase(img, i, j, h, w, v, inplace=False):
    """Overwrite the ``h x w`` box at (i, j) with ``v`` (a value or a tensor broadcastable to the box).

    Args:
        img (Tensor): image ``[..., C, H, W]``.
        i (int): top row.  j (int): left column.  h (int): height.  w (int): width.
        v (Tensor or number): the erasing value(s).
        inplace (bool): write into ``img`` itself. Default: False.

    Returns:
        Tensor: the erased image.

    Example:
        >>> import ember.vision.transforms.functional as TF
        >>> TF.erase(ember.ones(1, 2, 3), 0, 1, 2, 1, ember.tensor(0.0))
        tensor([[[1., 0., 1.],
                 [1., 0., 1.]]])
    """
    if not isinstance(img, ember.Tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(img)}")
    F_t._assert_image_tensor(img)
    if not inplace:
        img = img.clone()
    img[..., i:i + h, j:j + w] = v
    return img


def elastic_transform(img, displacement, interpolation=InterpolationMode.BILINEAR, fill=None):
    """Move each pixel by ``displacement`` (1, H, W, 2; normalized units, x then y).

    Args:
        img (PIL Image or Tensor): image ``[..., C, H, W]``.
        displacement (Tensor): the displacement field, shape ``[1, H, W, 2]``.
        interpolation (InterpolationMode): BILINEAR (default) or NEAREST.
        fill (number or sequence, optional): value for pixels read from outside. Default: 0.

    Returns:
        PIL Image or Tensor: the warped image.

    Example:
        >>> import ember.vision.transforms.functional as TF
        >>> TF.elastic_transform(ember.arange(3.0).view(1, 1, 3), ember.zeros(1, 1, 3, 2))
        tensor([[[0., 1., 2.]]])
    """
    if isinstance(interpolation, int):
        warnings.warn("Argument interpolation should be of type InterpolationMode instead of int. Please, use "
                      "InterpolationMode enum.")
        interpolation = _interpolation_modes_from_int(interpolation)
    if not isinstance(displacement, ember.Tensor):
        raise TypeError("Argument displacement should be a Tensor")
    t_img = img
    if not isinstance(img, ember.Tensor):
        if not is_pil_image(img):
            raise TypeError(f"img should be PIL Image or Tensor. Got {type(img)}")
        t_img = pil_to_tensor(img)
    shape = (1,) + tuple(t_img.shape[-2:]) + (2,)
    if shape != tuple(displacement.shape):
        raise ValueError(f"Argument displacement shape should be {ember.Size(shape)}, but given "
                         f"{displacement.shape}")
    out = _grid.elastic_transform(t_img, displacement, interpolation=interpolation.value, fill=fill)
    return out if isinstance(img, ember.Tensor) else to_pil_image(out, mode=img.mode)


def _crop_size(size):
    if isinstance(size, numbers.Number):
        size = (int(size), int(size))
    elif isinstance(size, (tuple, list)) and len(size) == 1:
        size = (size[0], size[0])
    if len(size) != 2:
        raise ValueError("Please provide only two dimensions (h, w) for size.")
    return size


def five_crop(img, size):
    """The four corner crops and the central crop of ``size``: (tl, tr, bl, br, center).

    Args:
        img (PIL Image or Tensor): image ``[..., H, W]``.
        size (int or sequence): (h, w) of each crop, or an int for a square.

    Returns:
        tuple: five images.

    Example:
        >>> import ember.vision.transforms.functional as TF
        >>> [c.flatten().tolist() for c in TF.five_crop(ember.arange(9).view(1, 3, 3), 1)]
        [[0], [2], [6], [8], [4]]
    """
    size = _crop_size(size)
    _, image_height, image_width = get_dimensions(img)
    crop_height, crop_width = size
    if crop_width > image_width or crop_height > image_height:
        raise ValueError(f"Requested crop size {size} is bigger than input size {(image_height, image_width)}")
    tl = crop(img, 0, 0, crop_height, crop_width)
    tr = crop(img, 0, image_width - crop_width, crop_height, crop_width)
    bl = crop(img, image_height - crop_height, 0, crop_height, crop_width)
    br = crop(img, image_height - crop_height, image_width - crop_width, crop_height, crop_width)
    return tl, tr, bl, br, center_crop(img, [crop_height, crop_width])


def ten_crop(img, size, vertical_flip=False):
    """:func:`five_crop` of the image, then of its mirror image (top-bottom if ``vertical_flip``).

    Args:
        img (PIL Image or Tensor): image ``[..., H, W]``.
        size (int or sequence): (h, w) of each crop.
        vertical_flip (bool): flip top-bottom instead of left-right. Default: False.

    Returns:
        tuple: ten images.

    Example:
        >>> import ember.vision.transforms.functional as TF
        >>> [c.item() for c in TF.ten_crop(ember.arange(4).view(1, 2, 2), 1)]
        [0, 1, 2, 3, 0, 1, 0, 3, 2, 1]
    """
    size = _crop_size(size)
    first = five_crop(img, size)
    return first + five_crop(vflip(img) if vertical_flip else hflip(img), size)
