"""Anchor generators: boxes of given sizes and aspect ratios tiled over each feature map (AnchorGenerator),
and SSD's default boxes scaled to the image (DefaultBoxGenerator)."""
import math

import ember
from ember import nn

__all__ = ["AnchorGenerator", "DefaultBoxGenerator"]


class AnchorGenerator(nn.Module):
    """Anchors of ``sizes[i] x aspect_ratios[i]`` (ratio = height / width) at every location of feature map i.

    ``forward(image_list, feature_maps)`` returns one ``[N, 4]`` tensor of anchors per image.
    """

    def __init__(self, sizes=((128, 256, 512),), aspect_ratios=((0.5, 1.0, 2.0),)):
        super().__init__()
        if not isinstance(sizes[0], (list, tuple)):
            sizes = tuple((s,) for s in sizes)
        if not isinstance(aspect_ratios[0], (list, tuple)):
            aspect_ratios = (aspect_ratios,) * len(sizes)
        self.sizes = sizes
        self.aspect_ratios = aspect_ratios
        self.cell_anchors = [self.generate_anchors(s, a) for s, a in zip(sizes, aspect_ratios)]

    def generate_anchors(self, scales, aspect_ratios, dtype=ember.float32, device=ember.device("cpu")):
        scales = ember.as_tensor(scales, dtype=dtype, device=device)
        aspect_ratios = ember.as_tensor(aspect_ratios, dtype=dtype, device=device)
        h_ratios = ember.sqrt(aspect_ratios)
        w_ratios = 1 / h_ratios
        ws = (w_ratios[:, None] * scales[None, :]).view(-1)
        hs = (h_ratios[:, None] * scales[None, :]).view(-1)
        return (ember.stack([-ws, -hs, ws, hs], dim=1) / 2).round()

    def set_cell_anchors(self, dtype, device):
        self.cell_anchors = [a.to(dtype=dtype, device=device) for a in self.cell_anchors]

    def num_anchors_per_location(self):
        return [len(s) * len(a) for s, a in zip(self.sizes, self.aspect_ratios)]

    def grid_anchors(self, grid_sizes, strides):
        cell_anchors = self.cell_anchors
        if cell_anchors is None:
            raise ValueError("cell_anchors should not be None")
        if not (len(grid_sizes) == len(strides) == len(cell_anchors)):
            raise ValueError("Anchors should be Tuple[Tuple[int]] because each feature map could potentially have "
                             "different sizes and aspect ratios. There needs to be a match between the number of "
                             "feature maps passed and the number of sizes / aspect ratios specified.")
        anchors = []
        for size, stride, base in zip(grid_sizes, strides, cell_anchors):
            gh, gw = size
            sh, sw = stride
            device = base.device
            shifts_x = ember.arange(0, gw, dtype=ember.int32, device=device) * sw
            shifts_y = ember.arange(0, gh, dtype=ember.int32, device=device) * sh
            shift_y, shift_x = ember.meshgrid(shifts_y, shifts_x, indexing="ij")
            shift_x, shift_y = shift_x.reshape(-1), shift_y.reshape(-1)
            shifts = ember.stack((shift_x, shift_y, shift_x, shift_y), dim=1)
            anchors.append((shifts.view(-1, 1, 4) + base.view(1, -1, 4)).reshape(-1, 4))
        return anchors

    def forward(self, image_list, feature_maps):
        grid_sizes = [fm.shape[-2:] for fm in feature_maps]
        image_size = image_list.tensors.shape[-2:]
        dtype, device = feature_maps[0].dtype, feature_maps[0].device
        strides = [[ember.empty((), dtype=ember.int64, device=device).fill_(image_size[0] // g[0]),
                    ember.empty((), dtype=ember.int64, device=device).fill_(image_size[1] // g[1])]
                   for g in grid_sizes]
        self.set_cell_anchors(dtype, device)
        anchors_over_all = self.grid_anchors(grid_sizes, strides)
        anchors = []
        for _ in range(len(image_list.image_sizes)):
            anchors.append(ember.cat(list(anchors_over_all)))
        return anchors


class DefaultBoxGenerator(nn.Module):
    """SSD's default boxes: on feature map k, at every cell centre, two squares (scales ``s_k`` and
    ``sqrt(s_k * s_{k+1})``) and a pair of boxes of width/height ratio ``r`` and ``1 / r`` for each ``r`` in
    ``aspect_ratios[k]``, all relative to the image size.

    Args:
        aspect_ratios (list of list of int): the ratios of each feature map.
        min_ratio (float): the smallest scale, when ``scales`` is not given.
        max_ratio (float): the largest scale, when ``scales`` is not given.
        scales (list of float, optional): one scale per feature map plus one; by default spaced evenly
            from ``min_ratio`` to ``max_ratio``, then 1.0.
        steps (list of int, optional): the stride (in pixels) of each feature map's cells; by default the
            map tiles the whole image.
        clip (bool): clip the relative widths and heights to [0, 1].

    ``forward(image_list, feature_maps)`` returns, per image, the ``[sum(H * W * A), 4]`` boxes in
    ``(x1, y1, x2, y2)`` pixels.

    Example:
        >>> gen = DefaultBoxGenerator([[2]], min_ratio=0.2, max_ratio=0.9)
        >>> gen.num_anchors_per_location(), gen.scales
        ([4], [0.2, 0.9])
        >>> from ember.vision.models.detection.image_list import ImageList
        >>> boxes = gen(ImageList(ember.zeros(1, 3, 20, 20), [(20, 20)]), [ember.zeros(1, 8, 1, 1)])
        >>> boxes[0][:2]
        tensor([[ 8.0000,  8.0000, 12.0000, 12.0000],
                [ 5.7574,  5.7574, 14.2426, 14.2426]])
    """

    def __init__(self, aspect_ratios, min_ratio=0.15, max_ratio=0.9, scales=None, steps=None, clip=True):
        super().__init__()
        if steps is not None and len(aspect_ratios) != len(steps):
            raise ValueError("aspect_ratios and steps should have the same length")
        self.aspect_ratios = aspect_ratios
        self.steps = steps
        self.clip = clip
        num_outputs = len(aspect_ratios)
        if scales is None:
            if num_outputs > 1:
                span = max_ratio - min_ratio
                self.scales = [min_ratio + span * k / (num_outputs - 1.0) for k in range(num_outputs)]
                self.scales.append(1.0)
            else:
                self.scales = [min_ratio, max_ratio]
        else:
            self.scales = scales
        self._wh_pairs = self._generate_wh_pairs(num_outputs)

    def _generate_wh_pairs(self, num_outputs, dtype=ember.float32, device=ember.device("cpu")):
        wh_pairs = []
        for k in range(num_outputs):
            s_k = self.scales[k]
            s_prime_k = math.sqrt(self.scales[k] * self.scales[k + 1])
            pairs = [[s_k, s_k], [s_prime_k, s_prime_k]]
            for ar in self.aspect_ratios[k]:
                sq_ar = math.sqrt(ar)
                w, h = s_k * sq_ar, s_k / sq_ar
                pairs.extend([[w, h], [h, w]])
            wh_pairs.append(ember.as_tensor(pairs, dtype=dtype, device=device))
        return wh_pairs

    def num_anchors_per_location(self):
        """Boxes per cell of each feature map: the two squares plus two per aspect ratio."""
        return [2 + 2 * len(r) for r in self.aspect_ratios]

    def _grid_default_boxes(self, grid_sizes, image_size, dtype=ember.float32):
        # boxes as (cx, cy, w, h), relative to the image
        default_boxes = []
        for k, f_k in enumerate(grid_sizes):
            if self.steps is not None:
                x_f_k = image_size[1] / self.steps[k]
                y_f_k = image_size[0] / self.steps[k]
            else:
                y_f_k, x_f_k = f_k
            shifts_x = ((ember.arange(0, f_k[1]) + 0.5) / x_f_k).to(dtype=dtype)
            shifts_y = ((ember.arange(0, f_k[0]) + 0.5) / y_f_k).to(dtype=dtype)
            shift_y, shift_x = ember.meshgrid(shifts_y, shifts_x, indexing="ij")
            shift_x, shift_y = shift_x.reshape(-1), shift_y.reshape(-1)
            shifts = ember.stack((shift_x, shift_y) * len(self._wh_pairs[k]), dim=-1).reshape(-1, 2)
            wh = self._wh_pairs[k].clamp(min=0, max=1) if self.clip else self._wh_pairs[k]
            default_boxes.append(ember.cat((shifts, wh.repeat(f_k[0] * f_k[1], 1)), dim=1))
        return ember.cat(default_boxes, dim=0)

    def __repr__(self):
        return (f"{self.__class__.__name__}(aspect_ratios={self.aspect_ratios}, clip={self.clip}, "
                f"scales={self.scales}, steps={self.steps})")

    def forward(self, image_list, feature_maps):
        grid_sizes = [fm.shape[-2:] for fm in feature_maps]
        image_size = image_list.tensors.shape[-2:]
        dtype, device = feature_maps[0].dtype, feature_maps[0].device
        default_boxes = self._grid_default_boxes(grid_sizes, image_size, dtype=dtype).to(device)
        x_y_size = ember.tensor([image_size[1], image_size[0]], device=default_boxes.device)
        # one tensor per image (not one shared), as callers may edit them in place
        return [ember.cat([(default_boxes[:, :2] - 0.5 * default_boxes[:, 2:]) * x_y_size,
                           (default_boxes[:, :2] + 0.5 * default_boxes[:, 2:]) * x_y_size], -1)
                for _ in image_list.image_sizes]
