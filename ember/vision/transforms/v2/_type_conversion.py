"""v2 conversions between PIL images, ndarrays, plain tensors and tv_tensors."""
import numpy as np

import ember
from ember.vision._pil import is_pil_image
from ember.vision.transforms import functional as F1
from ember.vision.transforms.v2 import functional as F
from ember.vision.transforms.v2._transform import Transform
from ember.vision.transforms.v2.functional._dispatch import is_pure_tensor
from ember.vision.tv_tensors import TVTensor


def _is_pil(x):
    return is_pil_image(x)


def _is_ndarray(x):
    return isinstance(x, np.ndarray)


class ToImage(Transform):
    """PIL images, HWC ndarrays and plain tensors to :class:`~ember.vision.tv_tensors.Image` (values kept).

    Example:
        >>> from ember.vision.transforms import v2
        >>> type(v2.ToImage()(ember.zeros(3, 2, 2))).__name__
        'Image'
    """

    # plain tensors only: boxes, masks and the other tv_tensors of a sample keep their kind
    _transformed_types = (is_pure_tensor, _is_pil, _is_ndarray)

    def transform(self, inpt, params):
        return F.to_image(inpt)


class ToPureTensor(Transform):
    """tv_tensors to plain tensors (everything else unchanged).

    Example:
        >>> from ember.vision.transforms import v2
        >>> from ember.vision import tv_tensors
        >>> type(v2.ToPureTensor()(tv_tensors.Image(ember.zeros(1, 1, 1)))).__name__
        'Tensor'
    """

    _transformed_types = (TVTensor,)

    def transform(self, inpt, params):
        return inpt.as_subclass(ember.Tensor)


class PILToTensor(Transform):
    """PIL images to plain CHW tensors of their own dtype.

    Example:
        >>> from ember.vision.transforms import v2
        >>> v2.PILToTensor()  # doctest: +ELLIPSIS
        PILToTensor()
    """

    _transformed_types = (_is_pil,)

    def transform(self, inpt, params):
        return F1.pil_to_tensor(inpt)


class ToPILImage(Transform):
    """Tensors (CHW) and ndarrays (HWC) to PIL images.

    Example:
        >>> from ember.vision.transforms import v2
        >>> v2.ToPILImage(mode="L").mode
        'L'
    """

    _transformed_types = (ember.Tensor, _is_ndarray)

    def __init__(self, mode=None):
        super().__init__()
        self.mode = mode

    def transform(self, inpt, params):
        return F1.to_pil_image(inpt, mode=self.mode)


class ToTensor(Transform):
    """[DEPRECATED] PIL images and HWC ndarrays to float CHW tensors in [0, 1] (as
    :func:`~ember.vision.transforms.functional.to_tensor`); use
    ``v2.Compose([v2.ToImage(), v2.ToDtype(ember.float32, scale=True)])`` instead.

    Example:
        >>> import warnings
        >>> import numpy as np
        >>> from ember.vision.transforms import v2
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     v2.ToTensor()(np.full((1, 1, 3), 255, dtype=np.uint8))
        tensor([[[1.]],
        <BLANKLINE>
                [[1.]],
        <BLANKLINE>
                [[1.]]])
    """

    _transformed_types = (_is_pil, _is_ndarray)

    def __init__(self):
        import warnings
        warnings.warn("The transform `ToTensor()` is deprecated and will be removed in a future release. Instead, "
                      "please use `v2.Compose([v2.ToImage(), v2.ToDtype(torch.float32, scale=True)])`.Output is "
                      "equivalent up to float precision.")
        super().__init__()

    def transform(self, inpt, params):
        return F1.to_tensor(inpt)
