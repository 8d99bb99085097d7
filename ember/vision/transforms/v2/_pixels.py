"""v2 transforms of pixel values: GaussianNoise, JPEG compression artefacts, LinearTransformation
(whitening); boxes, masks and key points pass through."""
from collections.abc import Sequence

import ember
from ember.vision._pil import is_pil_image
from ember.vision.transforms.v2 import functional as F
from ember.vision.transforms.v2._transform import Transform
from ember.vision.transforms.v2._utils import has_any
from ember.vision.transforms.v2.functional import is_pure_tensor
from ember.vision.tv_tensors import Image, Video


class GaussianNoise(Transform):
    """Add Gaussian noise N(``mean``, ``sigma``) to float images in [0, 1] (uint8 images: on the 0..255
    scale), a new draw for every pixel; ``clip`` keeps values in range. PIL images are not supported.

    Example:
        >>> from ember.vision.transforms import v2
        >>> v2.GaussianNoise(sigma=0.0)(ember.full((1, 1, 2), 0.5))
        tensor([[[0.5000, 0.5000]]])
    """

    def __init__(self, mean=0.0, sigma=0.1, clip=True):
        super().__init__()
        self.mean = mean
        self.sigma = sigma
        self.clip = clip

    def transform(self, inpt, params):
        return F.gaussian_noise(inpt, mean=self.mean, sigma=self.sigma, clip=self.clip)


class JPEG(Transform):
    """Compress images to JPEG and decode them again, at a quality (1 to 100) drawn from ``quality``
    (an int, or an inclusive (min, max) range). Tensors must be uint8 ``[..., 1 or 3, H, W]``.
    Needs Pillow.

    Example:
        >>> from ember.vision.transforms import v2
        >>> v2.JPEG(90)(ember.full((3, 8, 8), 200, dtype=ember.uint8)).unique().tolist()
        [200]
    """

    def __init__(self, quality):
        super().__init__()
        if isinstance(quality, int):
            if isinstance(quality, bool):
                raise TypeError("quality can't be bool")
            quality = [quality, quality]
        else:
            if not isinstance(quality, Sequence):
                raise TypeError("quality should be a sequence of length 2.")
            if len(quality) != 2:
                raise ValueError("If quality is a sequence, it should have 2 values.")
        if not (isinstance(quality[0], int) and isinstance(quality[1], int) and 1 <= quality[0] <= quality[1] <= 100):
            raise ValueError(f"quality must be an integer from 1 to 100, got quality ={quality}")
        self.quality = quality

    def make_params(self, flat_inputs):
        return dict(quality=ember.randint(self.quality[0], self.quality[1] + 1, ()).item())

    def transform(self, inpt, params):
        return F.jpeg(inpt, quality=params["quality"])


class LinearTransformation(Transform):
    """Flatten each image, subtract ``mean_vector`` and multiply by ``transformation_matrix`` (D x D,
    D = C * H * W), e.g. ZCA whitening. PIL images are not supported.

    Example:
        >>> from ember.vision.transforms import v2
        >>> t = v2.LinearTransformation(2 * ember.eye(2), ember.ones(2))
        >>> t(ember.tensor([[[1.0, 3.0]]]))
        tensor([[[0., 4.]]])
    """

    _transformed_types = (is_pure_tensor, Image, Video)

    def __init__(self, transformation_matrix, mean_vector):
        super().__init__()
        size = tuple(transformation_matrix.size())
        if transformation_matrix.size(0) != transformation_matrix.size(1):
            raise ValueError(f"transformation_matrix should be square. Got {size} rectangular matrix.")
        if mean_vector.size(0) != transformation_matrix.size(0):
            raise ValueError(f"mean_vector should have the same length {mean_vector.size(0)} as any one of the "
                             f"dimensions of the transformation_matrix [{size}]")
        if transformation_matrix.device != mean_vector.device:
            raise ValueError(f"Input tensors should be on the same device. Got {transformation_matrix.device} and "
                             f"{mean_vector.device}")
        if transformation_matrix.dtype != mean_vector.dtype:
            raise ValueError(f"Input tensors should have the same dtype. Got {transformation_matrix.dtype} and "
                             f"{mean_vector.dtype}")
        self.transformation_matrix = transformation_matrix
        self.mean_vector = mean_vector

    def check_inputs(self, flat_inputs):
        if has_any(flat_inputs, is_pil_image):
            raise TypeError(f"{type(self).__name__}() does not support PIL images.")

    def transform(self, inpt, params):
        shape = inpt.shape
        n = shape[-3] * shape[-2] * shape[-1]
        if n != self.transformation_matrix.shape[0]:
            raise ValueError("Input tensor and transformation matrix have incompatible shape."
                             f"[{shape[-3]} x {shape[-2]} x {shape[-1]}] != {self.transformation_matrix.shape[0]}")
        if inpt.device.type != self.mean_vector.device.type:
            raise ValueError("Input tensor should be on the same device as transformation matrix and mean vector. "
                             f"Got {inpt.device} vs {self.mean_vector.device}")
        flat = inpt.as_subclass(ember.Tensor).reshape(-1, n) - self.mean_vector
        out = ember.mm(flat, self.transformation_matrix.to(flat.dtype)).reshape(shape)
        return type(inpt).wrap(out, like=inpt) if isinstance(inpt, (Image, Video)) else out
