"""Sampling and upsampling helpers of the optical-flow models."""
import ember
from ember.nn import functional as F


def grid_sample(img, absolute_grid, mode="bilinear", align_corners=None):
    """``F.grid_sample`` with a grid of absolute pixel coordinates ``(x, y)`` instead of [-1, 1] ones.

    >>> img = ember.arange(6.).view(1, 1, 2, 3)
    >>> grid_sample(img, ember.tensor([[[[1.5, 1.0]]]]), align_corners=True)
    tensor([[[[4.5000]]]])
    """
    h, w = img.shape[-2:]
    xgrid, ygrid = absolute_grid.split([1, 1], dim=-1)
    xgrid = 2 * xgrid / (w - 1) - 1
    if h > 1:  # a single row (stereo matching) keeps its y as given
        ygrid = 2 * ygrid / (h - 1) - 1
    return F.grid_sample(img, ember.cat([xgrid, ygrid], dim=-1), mode=mode, align_corners=align_corners)


def make_coords_grid(batch_size, h, w, device="cpu"):
    """``(batch_size, 2, h, w)`` float pixel coordinates, x in channel 0 and y in channel 1.

    >>> make_coords_grid(1, 2, 3)[0, 0]
    tensor([[0., 1., 2.],
            [0., 1., 2.]])
    """
    device = ember.device(device)
    coords = ember.meshgrid(ember.arange(h, device=device), ember.arange(w, device=device), indexing="ij")
    coords = ember.stack(coords[::-1], dim=0).float()
    return coords[None].repeat(batch_size, 1, 1, 1)


def upsample_flow(flow, up_mask=None, factor=8):
    """``flow`` upsampled ``factor`` times (values scaled alike): bilinearly, or, given ``up_mask``
    (``(N, 9 * factor**2, h, w)`` logits), as a convex combination of each pixel's 3x3 neighbourhood.

    >>> upsample_flow(ember.ones(1, 2, 2, 2), factor=2).shape
    ember.Size([1, 2, 4, 4])
    """
    batch_size, num_channels, h, w = flow.shape
    new_h, new_w = h * factor, w * factor
    if up_mask is None:
        return factor * F.interpolate(flow, size=(new_h, new_w), mode="bilinear", align_corners=True)
    up_mask = ember.softmax(up_mask.view(batch_size, 1, 9, factor, factor, h, w), dim=2)
    upsampled = F.unfold(factor * flow, kernel_size=3, padding=1).view(batch_size, num_channels, 9, 1, 1, h, w)
    upsampled = ember.sum(up_mask * upsampled, dim=2)
    return upsampled.permute(0, 1, 4, 2, 5, 3).reshape(batch_size, num_channels, new_h, new_w)
