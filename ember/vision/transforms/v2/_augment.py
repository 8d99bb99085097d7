"""MixUp and CutMix (batch-level: each image is blended with the next one in the batch and their labels
mixed in the same proportion), and RandomErasing."""
import math
import numbers
import warnings
from collections.abc import Sequence

import ember
from ember.nn.functional import one_hot
from ember.vision._pil import is_pil_image
from ember.vision.transforms.v2 import functional as F
from ember.vision.transforms.v2._transform import Transform, _RandomApplyTransform
from ember.utils._pytree import tree_flatten, tree_unflatten
from ember.vision.transforms.v2._utils import parse_labels_getter, query_chw, query_size
from ember.vision.transforms.v2.functional import is_pure_tensor
from ember.vision.tv_tensors import BoundingBoxes, Image, KeyPoints, Mask, Video, wrap


class _BaseMixUpCutMix(Transform):
    def __init__(self, *, alpha=1.0, num_classes=None, labels_getter="default"):
        super().__init__()
        self.alpha = float(alpha)
        self._dist = ember.distributions.Beta(ember.tensor([alpha]), ember.tensor([alpha]))
        self.num_classes = num_classes
        self._labels_getter = parse_labels_getter(labels_getter)

    def forward(self, *inputs):
        inputs = inputs if len(inputs) > 1 else inputs[0]
        flat_inputs, spec = tree_flatten(inputs)
        needs = self._needs_transform_list(flat_inputs)
        if any(is_pil_image(x) or isinstance(x, (BoundingBoxes, Mask, KeyPoints)) for x in flat_inputs):
            raise ValueError(f"{type(self).__name__}() does not support PIL images, bounding boxes, keypoints and "
                             "masks.")
        labels = self._labels_getter(inputs)
        if not isinstance(labels, ember.Tensor):
            raise ValueError(f"The labels must be a tensor, but got {type(labels)} instead.")
        if labels.ndim not in (1, 2):
            raise ValueError("labels should be index based with shape (batch_size,) or probability based with shape "
                             f"(batch_size, num_classes), but got a tensor of shape {labels.shape} instead.")
        if labels.ndim == 2 and self.num_classes is not None and labels.shape[-1] != self.num_classes:
            raise ValueError("When passing 2D labels, the number of elements in last dimension must match "
                             f"num_classes: {labels.shape[-1]} != {self.num_classes}. You can Leave num_classes to "
                             "None.")
        if labels.ndim == 1 and self.num_classes is None:
            raise ValueError("num_classes must be passed if the labels are index-based (1D)")
        params = {"labels": labels, "batch_size": labels.shape[0],
                  **self.make_params([x for x, n in zip(flat_inputs, needs) if n])}
        needs[next(i for i, x in enumerate(flat_inputs) if x is labels)] = True
        return tree_unflatten([self.transform(x, params) if n else x for x, n in zip(flat_inputs, needs)], spec)

    def _check_image_or_video(self, inpt, *, batch_size):
        expected = 5 if isinstance(inpt, Video) else 4
        if inpt.ndim != expected:
            raise ValueError(f"Expected a batched input with {expected} dims, but got {inpt.ndim} dimensions instead.")
        if inpt.shape[0] != batch_size:
            raise ValueError("The batch size of the image or video does not match the batch size of the labels: "
                             f"{inpt.shape[0]} != {batch_size}.")

    def _mixup_label(self, label, *, lam):
        if label.ndim == 1:
            label = one_hot(label, num_classes=self.num_classes)
        if not label.dtype.is_floating_point:
            label = label.float()
        return label.roll(1, 0).mul_(1.0 - lam).add_(label.mul(lam))


class MixUp(_BaseMixUpCutMix):
    """MixUp (Zhang et al., 2018): ``lam * x + (1 - lam) * x_prev`` for a batch, lam ~ Beta(alpha, alpha).

    Args:
        alpha (float): Beta concentration. Default: 1.0.
        num_classes (int, optional): needed for index labels (they become one-hot).
        labels_getter: 'default' (the second item of a pair, or the 'labels' entry of a dict), a callable, or None.

    Example:
        >>> from ember.vision.transforms import v2
        >>> images, labels = v2.MixUp(num_classes=3)(ember.zeros(2, 3, 4, 4), ember.tensor([0, 2]))
        >>> labels.shape
        ember.Size([2, 3])
    """

    def make_params(self, flat_inputs):
        return dict(lam=float(self._dist.sample(())))

    def transform(self, inpt, params):
        lam = params["lam"]
        if inpt is params["labels"]:
            return self._mixup_label(inpt, lam=lam)
        if isinstance(inpt, (Image, Video)) or is_pure_tensor(inpt):
            self._check_image_or_video(inpt, batch_size=params["batch_size"])
            plain = inpt.as_subclass(ember.Tensor)
            output = plain.roll(1, 0).mul_(1.0 - lam).add_(plain.mul(lam))
            return wrap(output, like=inpt) if isinstance(inpt, (Image, Video)) else output
        return inpt


class CutMix(_BaseMixUpCutMix):
    """CutMix (Yun et al., 2019): paste a random box of the previous image of the batch; labels mix by area.

    Args:
        alpha (float): Beta concentration of the box area. Default: 1.0.
        num_classes (int, optional): needed for index labels (they become one-hot).
        labels_getter: 'default', a callable, or None.

    Example:
        >>> from ember.vision.transforms import v2
        >>> images, labels = v2.CutMix(num_classes=3)(ember.zeros(2, 3, 4, 4), ember.tensor([0, 2]))
        >>> images.shape
        ember.Size([2, 3, 4, 4])
    """

    def make_params(self, flat_inputs):
        lam = float(self._dist.sample(()))
        H, W = query_size(flat_inputs)
        r_x = ember.randint(W, size=(1,))
        r_y = ember.randint(H, size=(1,))
        r = 0.5 * math.sqrt(1.0 - lam)
        r_w_half, r_h_half = int(r * W), int(r * H)
        x1 = int(ember.clamp(r_x - r_w_half, min=0))
        y1 = int(ember.clamp(r_y - r_h_half, min=0))
        x2 = int(ember.clamp(r_x + r_w_half, max=W))
        y2 = int(ember.clamp(r_y + r_h_half, max=H))
        return dict(box=(x1, y1, x2, y2), lam_adjusted=float(1.0 - (x2 - x1) * (y2 - y1) / (W * H)))

    def transform(self, inpt, params):
        if inpt is params["labels"]:
            return self._mixup_label(inpt, lam=params["lam_adjusted"])
        if isinstance(inpt, (Image, Video)) or is_pure_tensor(inpt):
            self._check_image_or_video(inpt, batch_size=params["batch_size"])
            x1, y1, x2, y2 = params["box"]
            plain = inpt.as_subclass(ember.Tensor)
            rolled = plain.roll(1, 0)
            output = plain.clone()
            output[..., y1:y2, x1:x2] = rolled[..., y1:y2, x1:x2]
            return wrap(output, like=inpt) if isinstance(inpt, (Image, Video)) else output
        return inpt


class RandomErasing(_RandomApplyTransform):
    """With probability ``p``, erase a random box of images and videos (boxes, masks and key points pass
    through, with a warning).

    Args:
        p (float): probability of erasing. Default: 0.5.
        scale (tuple): range of the erased area as a fraction of the image. Default: (0.02, 0.33).
        ratio (tuple): range of the box's aspect ratio. Default: (0.3, 3.3).
        value (number, sequence or 'random'): erasing value(s); 'random' draws normal noise. Default: 0.
        inplace (bool): erase in place. Default: False.

    Example:
        >>> from ember.vision.transforms import v2
        >>> v2.RandomErasing(p=0.0)(ember.ones(1, 1, 2))
        tensor([[[1., 1.]]])
    """

    def __init__(self, p=0.5, scale=(0.02, 0.33), ratio=(0.3, 3.3), value=0.0, inplace=False):
        super().__init__(p=p)
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
        self.scale = scale
        self.ratio = ratio
        if isinstance(value, (int, float)):
            self.value = [float(value)]
        elif isinstance(value, str):
            self.value = None
        else:
            self.value = [float(v) for v in value]
        self.inplace = inplace
        self._log_ratio = ember.log(ember.tensor(self.ratio))

    def make_params(self, flat_inputs):
        img_c, img_h, img_w = query_chw(flat_inputs)
        if self.value is not None and len(self.value) not in (1, img_c):
            raise ValueError("If value is a sequence, it should have either a single value or "
                             f"{img_c} (number of inpt channels)")
        area = img_h * img_w
        lo, hi = self._log_ratio[0].item(), self._log_ratio[1].item()
        for _ in range(10):
            erase_area = area * ember.empty(1).uniform_(self.scale[0], self.scale[1]).item()
            aspect_ratio = ember.exp(ember.empty(1).uniform_(lo, hi)).item()
            h = int(round(math.sqrt(erase_area * aspect_ratio)))
            w = int(round(math.sqrt(erase_area / aspect_ratio)))
            if not (h < img_h and w < img_w):
                continue
            if self.value is None:
                v = ember.empty([img_c, h, w], dtype=ember.float32).normal_()
            else:
                v = ember.tensor(self.value)[:, None, None]
            i = ember.randint(0, img_h - h + 1, size=(1,)).item()
            j = ember.randint(0, img_w - w + 1, size=(1,)).item()
            return dict(i=i, j=j, h=h, w=w, v=v)
        return dict(i=0, j=0, h=img_h, w=img_w, v=None)

    def transform(self, inpt, params):
        if isinstance(inpt, (BoundingBoxes, KeyPoints, Mask)):
            warnings.warn(f"{type(self).__name__}() is currently passing through inputs of type "
                          f"tv_tensors.{type(inpt).__name__}. This will likely change in the future.")
            return inpt
        if params["v"] is not None:
            inpt = F.erase(inpt, **params, inplace=self.inplace)
        return inpt
