"""GaussianBlur (random sigma), RandomErasing and LinearTransformation (e.g. ZCA whitening)."""
import math
import numbers
import warnings
from collections.abc import Sequence

import ember
from ember.nn.modules.module import Module as _Module
from ember.vision.transforms import functional as F


class GaussianBlur(_Module):
    """Blur with a Gaussian kernel whose sigma is drawn uniformly from ``sigma`` on each call.

    Args:
        kernel_size (int or sequence): odd positive kernel size (kx, ky).
        sigma (float or tuple): fixed sigma, or the (min, max) range to draw it from. Default: (0.1, 2.0).

    Example:
        >>> from ember.vision import transforms as T
        >>> T.GaussianBlur((3, 1), sigma=1.0)(ember.tensor([[[0.0, 1.0, 0.0]]]))
        tensor([[[0.5481, 0.4519, 0.5481]]])
    """

    def __init__(self, kernel_size, sigma=(0.1, 2.0)):
        super().__init__()
        from ember.vision.transforms.transforms import _setup_size
        self.kernel_size = _setup_size(kernel_size, "Kernel size should be a tuple/list of two integers")
        for ks in self.kernel_size:
            if ks <= 0 or ks % 2 == 0:
                raise ValueError("Kernel size value should be an odd and positive number.")
        if isinstance(sigma, numbers.Number):
            if sigma <= 0:
                raise ValueError("If sigma is a single number, it must be positive.")
            sigma = (sigma, sigma)
        elif isinstance(sigma, Sequence) and len(sigma) == 2:
            if not 0.0 < sigma[0] <= sigma[1]:
                raise ValueError("sigma values should be positive and of the form (min, max).")
        else:
            raise ValueError("sigma should be a single number or a list/tuple with length 2.")
        self.sigma = sigma

    @staticmethod
    def get_params(sigma_min, sigma_max):
        """A sigma drawn uniformly from [sigma_min, sigma_max]."""
        return ember.empty(1).uniform_(sigma_min, sigma_max).item()

    def forward(self, img):
        sigma = self.get_params(self.sigma[0], self.sigma[1])
        return F.gaussian_blur(img, self.kernel_size, [sigma, sigma])

    def __repr__(self):
        return f"{type(self).__name__}(kernel_size={self.kernel_size}, sigma={self.sigma})"


class RandomErasing(_Module):
    """With probability ``p``, erase a random rectangle of a tensor image (Zhong et al., Random Erasing).

    Args:
        p (float): probability of erasing. Default: 0.5.
        scale (tuple): range of the erased area as a fraction of the image. Default: (0.02, 0.33).
        ratio (tuple): range of the rectangle's aspect ratio. Default: (0.3, 3.3).
        value (number, sequence or 'random'): erasing value(s); 'random' draws normal noise. Default: 0.
        inplace (bool): erase in place. Default: False.

    Example:
        >>> from ember.vision import transforms as T
        >>> T.RandomErasing(p=0.0)(ember.ones(1, 2, 2))
        tensor([[[1., 1.],
                 [1., 1.]]])
    """

    def __init__(self, p=0.5, scale=(0.02, 0.33), ratio=(0.3, 3.3), value=0, inplace=False):
        super().__init__()
        if not isinstance(value, (numbers.Number, str, tuple, list)):
            raise TypeError("Argument value should be either a number or str or a sequence")
        if isinstance(value, str) and value != "random":
            raise ValueError("If value is str, it should be 'random'")
        if not isinstance(scale, Sequence):
            raise TypeError("Scale should be a sequence")
        if not isinstance(ratio, Sequence):
            raise TypeError("Ratio should be a sequence")
        if scale[0] > scale[1] or ratio[0] > ratio[1]:
            warnings.warn("Scale and ratio should be of kind (min, max)")
        if scale[0] < 0 or scale[1] > 1:
            raise ValueError("Scale should be between 0 and 1")
        if p < 0 or p > 1:
            raise ValueError("Random erasing probability should be between 0 and 1")
        self.p = p
        self.scale = scale
        self.ratio = ratio
        self.value = value
        self.inplace = inplace

    @staticmethod
    def get_params(img, scale, ratio, value=None):
        """(i, j, h, w, v): the box and its values (up to 10 tries; else the whole image, unchanged)."""
        img_c, img_h, img_w = img.shape[-3], img.shape[-2], img.shape[-1]
        area = img_h * img_w
        log_ratio = ember.log(ember.tensor(ratio))
        for _ in range(10):
            erase_area = area * ember.empty(1).uniform_(scale[0], scale[1]).item()
            aspect_ratio = ember.exp(ember.empty(1).uniform_(log_ratio[0].item(), log_ratio[1].item())).item()
            h = int(round(math.sqrt(erase_area * aspect_ratio)))
            w = int(round(math.sqrt(erase_area / aspect_ratio)))
            if not (h < img_h and w < img_w):
                continue
            if value is None:
                v = ember.empty([img_c, h, w], dtype=ember.float32).normal_()
            else:
                v = ember.tensor(value)[:, None, None]
            i = ember.randint(0, img_h - h + 1, size=(1,)).item()
            j = ember.randint(0, img_w - w + 1, size=(1,)).item()
            return i, j, h, w, v
        return 0, 0, img_h, img_w, img

    def forward(self, img):
        if ember.rand(1).item() < self.p:
            if isinstance(self.value, (int, float)):
                value = [float(self.value)]
            elif isinstance(self.value, str):
                value = None
            else:
                value = [float(v) for v in self.value]
            if value is not None and len(value) not in (1, img.shape[-3]):
                raise ValueError("If value is a sequence, it should have either a single value or "
                                 f"{img.shape[-3]} (number of input channels)")
            i, j, h, w, v = self.get_params(img, scale=self.scale, ratio=self.ratio, value=value)
            return F.erase(img, i, j, h, w, v, self.inplace)
        return img

    def __repr__(self):
        return (f"{type(self).__name__}(p={self.p}, scale={self.scale}, ratio={self.ratio}, value={self.value}, "
                f"inplace={self.inplace})")


class LinearTransformation(_Module):
    """Flatten the image, subtract ``mean_vector`` and multiply by ``transformation_matrix``
    (D x D with D = C * H * W), e.g. for ZCA whitening.

    Example:
        >>> from ember.vision import transforms as T
        >>> T.LinearTransformation(2 * ember.eye(2), ember.ones(2))(ember.tensor([[[3.0, 5.0]]]))
        tensor([[[4., 8.]]])
    """

    def __init__(self, transformation_matrix, mean_vector):
        super().__init__()
        m, mean = transformation_matrix, mean_vector
        if m.size(0) != m.size(1):
            raise ValueError(f"transformation_matrix should be square. Got {tuple(m.size())} rectangular matrix.")
        if mean.size(0) != m.size(0):
            raise ValueError(f"mean_vector should have the same length {mean.size(0)} as any one of the dimensions "
                             f"of the transformation_matrix [{tuple(m.size())}]")
        if m.device != mean.device:
            raise ValueError(f"Input tensors should be on the same device. Got {m.device} and {mean.device}")
        if m.dtype != mean.dtype:
            raise ValueError(f"Input tensors should have the same dtype. Got {m.dtype} and {mean.dtype}")
        self.transformation_matrix = m
        self.mean_vector = mean

    def forward(self, tensor):
        shape = tensor.shape
        n = shape[-3] * shape[-2] * shape[-1]
        if n != self.transformation_matrix.shape[0]:
            raise ValueError("Input tensor and transformation matrix have incompatible shape."
                             f"[{shape[-3]} x {shape[-2]} x {shape[-1]}] != {self.transformation_matrix.shape[0]}")
        if tensor.device.type != self.mean_vector.device.type:
            raise ValueError("Input tensor should be on the same device as transformation matrix and mean vector. "
                             f"Got {tensor.device} vs {self.mean_vector.device}")
        flat = tensor.view(-1, n) - self.mean_vector
        return ember.mm(flat, self.transformation_matrix.to(flat.dtype)).view(shape)

    def __repr__(self):
        return (f"{type(self).__name__}(transformation_matrix={self.transformation_matrix.tolist()}, "
                f"mean_vector={self.mean_vector.tolist()})")
