"""The evaluation preprocessing of the segmentation checkpoints."""
import ember
from ember import nn
from ember.vision.transforms import InterpolationMode
from ember.vision.transforms import functional as F


class SemanticSegmentation(nn.Module):
    """Resize (shorter side to ``resize_size``, unless None), scale to [0, 1], normalise.

    Accepts a PIL image or a ``(C, H, W)`` / ``(B, C, H, W)`` tensor; returns a float tensor.

    >>> t = SemanticSegmentation(resize_size=4)
    >>> t(ember.zeros(3, 8, 10, dtype=ember.uint8)).shape
    ember.Size([3, 4, 5])
    """

    def __init__(self, *, resize_size, mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225),
                 interpolation=InterpolationMode.BILINEAR, antialias=True):
        super().__init__()
        self.resize_size = [resize_size] if resize_size is not None else None
        self.mean = list(mean)
        self.std = list(std)
        self.interpolation = interpolation
        self.antialias = antialias

    def forward(self, img):
        if isinstance(self.resize_size, list):
            img = F.resize(img, self.resize_size, interpolation=self.interpolation, antialias=self.antialias)
        if not isinstance(img, ember.Tensor):
            img = F.pil_to_tensor(img)
        img = F.convert_image_dtype(img, ember.float)
        return F.normalize(img, mean=self.mean, std=self.std)

    def __repr__(self):
        return (f"{self.__class__.__name__}(\n    resize_size={self.resize_size}\n    mean={self.mean}\n"
                f"    std={self.std}\n    interpolation={self.interpolation}\n)")

    def describe(self):
        return ("Accepts ``PIL.Image``, batched ``(B, C, H, W)`` and single ``(C, H, W)`` image ``torch.Tensor`` "
                f"objects. The images are resized to ``resize_size={self.resize_size}`` using "
                f"``interpolation={self.interpolation}``. Finally the values are first rescaled to ``[0.0, 1.0]`` "
                f"and then normalized using ``mean={self.mean}`` and ``std={self.std}``.")
