"""v2 functionals torchvision keeps only for old code, each warning with its replacement."""
import warnings

from ember.vision.transforms import functional as F1


def to_tensor(inpt):
    """[DEPRECATED] PIL image or HWC ndarray to a CHW float tensor in [0, 1]; use ``to_image`` then
    ``to_dtype(..., dtype=ember.float32, scale=True)``.

    Example:
        >>> import numpy as np
        >>> import warnings
        >>> from ember.vision.transforms.v2 import functional as F
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     F.to_tensor(np.full((1, 1, 3), 255, dtype=np.uint8)).flatten()
        tensor([1., 1., 1.])
    """
    warnings.warn("The function `to_tensor(...)` is deprecated and will be removed in a future release. "
                  "Instead, please use `to_image(...)` followed by `to_dtype(..., dtype=ember.float32, scale=True)`.")
    return F1.to_tensor(inpt)
