"""Anchor generators: boxes of given sizes and aspect ratios tiled over each feature map."""
import ember
from ember import nn

__all__ = ["AnchorGenerator"]


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
