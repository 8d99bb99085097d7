"""The evaluation preprocessing of the optical-flow checkpoints."""
import ember
from ember import nn
from ember.vision.transforms import functional as F


class OpticalFlow(nn.Module):
    """Turns an image pair (PIL images or tensors) into float tensors in [-1, 1].

    >>> a, b = OpticalFlow()(ember.zeros(3, 2, 2, dtype=ember.uint8), ember.full((3, 2, 2), 255, dtype=ember.uint8))
    >>> a[0, 0, 0].item(), b[0, 0, 0].item()
    (-1.0, 1.0)
    """

    def forward(self, img1, img2):
        out = []
        for img in (img1, img2):
            if not isinstance(img, ember.Tensor):
                img = F.pil_to_tensor(img)
            img = F.convert_image_dtype(img, ember.float)
            out.append(F.normalize(img, mean=[0.5, 0.5, 0.5], std=[0.5, 0.5, 0.5]).contiguous())
        return tuple(out)

    def __repr__(self):
        return self.__class__.__name__ + "()"

    def describe(self):
        return ("Accepts ``PIL.Image``, batched ``(B, C, H, W)`` and single ``(C, H, W)`` image ``torch.Tensor`` "
                "objects. The images are rescaled to ``[-1.0, 1.0]``.")
