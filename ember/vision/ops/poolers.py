"""MultiScaleRoIAlign: RoIAlign from the feature-pyramid level that suits each box's size (FPN paper, eq. 1)."""
import math

import ember
from ember import nn
from ember.vision.ops._roi import convert_boxes_to_roi_format
from ember.vision.ops.boxes import box_area
from ember.vision.ops.roi_align import roi_align


class LevelMapper:
    """Maps boxes to pyramid levels: ``floor(canonical_level + log2(sqrt(area) / canonical_scale))``, clamped."""

    def __init__(self, k_min, k_max, canonical_scale=224, canonical_level=4, eps=1e-6):
        self.k_min = k_min
        self.k_max = k_max
        self.s0 = canonical_scale
        self.lvl0 = canonical_level
        self.eps = eps

    def __call__(self, boxlists):
        s = ember.sqrt(ember.cat([box_area(b) for b in boxlists]))
        levels = ember.floor(self.lvl0 + ember.log2(s / self.s0) + ember.tensor(self.eps, dtype=s.dtype))
        return levels.clamp(min=self.k_min, max=self.k_max).to(ember.int64) - self.k_min


def initLevelMapper(k_min, k_max, canonical_scale=224, canonical_level=4, eps=1e-6):
    return LevelMapper(k_min, k_max, canonical_scale, canonical_level, eps)


def _infer_scale(feature, original_size):
    # NOTE: the power of two nearest to the feature/image size ratio (height decides, as in torchvision)
    approx = float(feature.shape[-2]) / float(original_size[0])
    return 2.0 ** round(math.log2(approx))


class MultiScaleRoIAlign(nn.Module):
    """RoIAlign over a dict of feature maps (an FPN's output), each box pooled from one level.

    Args:
        featmap_names: the keys of the feature dict to pool from (finest first).
        output_size: the pooled size; sampling_ratio: as in :func:`roi_align`.
        canonical_scale / canonical_level: a box of ``canonical_scale`` pixels goes to ``canonical_level``.

    ``forward(x, boxes, image_shapes)``: ``boxes`` is a list of ``[L, 4]`` per image, ``image_shapes`` their
    ``(height, width)``; the scales of the levels are inferred on the first call.
    """

    def __init__(self, featmap_names, output_size, sampling_ratio, *, canonical_scale=224, canonical_level=4):
        super().__init__()
        if isinstance(output_size, int):
            output_size = (output_size, output_size)
        self.featmap_names = featmap_names
        self.sampling_ratio = sampling_ratio
        self.output_size = tuple(output_size)
        self.scales = None
        self.map_levels = None
        self.canonical_scale = canonical_scale
        self.canonical_level = canonical_level

    def _setup_scales(self, features, image_shapes):
        if not image_shapes:
            raise ValueError("images list should not be empty")
        original = (max(s[0] for s in image_shapes), max(s[1] for s in image_shapes))
        self.scales = [_infer_scale(f, original) for f in features]
        lvl_min = -math.log2(self.scales[0])
        lvl_max = -math.log2(self.scales[-1])
        self.map_levels = initLevelMapper(int(lvl_min), int(lvl_max), canonical_scale=self.canonical_scale,
                                          canonical_level=self.canonical_level)

    def forward(self, x, boxes, image_shapes):
        features = [v for k, v in x.items() if k in self.featmap_names]
        if self.scales is None or self.map_levels is None:
            self._setup_scales(features, image_shapes)
        rois = convert_boxes_to_roi_format(boxes)
        if len(features) == 1:
            return roi_align(features[0], rois, self.output_size, self.scales[0], self.sampling_ratio)
        levels = self.map_levels(boxes)
        first = features[0]
        result = ember.zeros((len(rois), first.shape[1]) + self.output_size, dtype=first.dtype, device=first.device)
        for level, (feature, scale) in enumerate(zip(features, self.scales)):
            idx = ember.where(levels == level)[0]
            pooled = roi_align(feature, rois[idx], self.output_size, scale, self.sampling_ratio)
            result = result.index_put((idx,), pooled.to(result.dtype))
        return result

    def __repr__(self):
        return (f"{self.__class__.__name__}(featmap_names={self.featmap_names}, output_size={self.output_size}, "
                f"sampling_ratio={self.sampling_ratio})")
