"""The evaluation preprocessing of the video checkpoints."""
import ember
from ember import nn
from ember.vision.transforms import InterpolationMode
from ember.vision.transforms import functional as F


class VideoClassification(nn.Module):
    """Resize each frame (to ``resize_size``, without antialiasing as the checkpoints were trained), centre-crop
    ``crop_size``, scale to [0, 1], normalise, and move the channel axis before time.

    Accepts a ``(T, C, H, W)`` or ``(B, T, C, H, W)`` tensor; returns ``(C, T, h, w)`` / ``(B, C, T, h, w)``.

    >>> t = VideoClassification(crop_size=(4, 4), resize_size=(6, 8))
    >>> t(ember.zeros(5, 3, 12, 16, dtype=ember.uint8)).shape
    ember.Size([3, 5, 4, 4])
    """

    def __init__(self, *, crop_size, resize_size, mean=(0.43216, 0.394666, 0.37645), std=(0.22803, 0.22145, 0.216989),
                 interpolation=InterpolationMode.BILINEAR):
        super().__init__()
        self.crop_size = list(crop_size)
        self.resize_size = list(resize_size)
        self.mean = list(mean)
        self.std = list(std)
        self.interpolation = interpolation

    def forward(self, vid):
        need_squeeze = vid.ndim < 5
        if need_squeeze:
            vid = vid.unsqueeze(dim=0)
        N, T, C, H, W = vid.shape
        vid = vid.view(-1, C, H, W)
        vid = F.resize(vid, self.resize_size, interpolation=self.interpolation, antialias=False)
        vid = F.center_crop(vid, self.crop_size)
        vid = F.convert_image_dtype(vid, ember.float)
        vid = F.normalize(vid, mean=self.mean, std=self.std)
        H, W = self.crop_size
        vid = vid.view(N, T, C, H, W).permute(0, 2, 1, 3, 4)
        return vid.squeeze(dim=0) if need_squeeze else vid

    def __repr__(self):
        return (f"{self.__class__.__name__}(\n    crop_size={self.crop_size}\n    resize_size={self.resize_size}\n"
                f"    mean={self.mean}\n    std={self.std}\n    interpolation={self.interpolation}\n)")

    def describe(self):
        return ("Accepts batched ``(B, T, C, H, W)`` and single ``(T, C, H, W)`` video frame ``torch.Tensor`` "
                f"objects. The frames are resized to ``resize_size={self.resize_size}`` using "
                f"``interpolation={self.interpolation}``, followed by a central crop of ``crop_size={self.crop_size}``. "
                "Finally the values are first rescaled to ``[0.0, 1.0]`` and then normalized using "
                f"``mean={self.mean}`` and ``std={self.std}``. Finally the output dimensions are permuted to "
                "``(..., C, T, H, W)`` tensors.")
