"""DropBlock (Ghiasi et al., 2018): drops contiguous square regions of feature maps, not single units."""
import ember
from ember import nn
from ember.nn import functional as F


def _drop_block(input, p, block_size, inplace, eps, training, dims):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"drop probability has to be between 0 and 1, but got {p}.")
    if input.ndim != dims + 2:
        raise ValueError(f"input should be {dims + 2} dimensional. Got {input.ndim} dimensions.")
    if not training or p == 0.0:
        return input
    spatial = input.shape[2:]
    block_size = min(block_size, *spatial)
    if block_size % 2 == 0:
        raise ValueError(f"block size should be odd. Got {block_size} which is even.")
    # NOTE: gamma is the seed rate that makes the expected dropped fraction p once seeds grow into blocks
    valid = 1
    for s in spatial:
        valid *= s - block_size + 1
    total = 1
    for s in spatial:
        total *= s
    gamma = p * total / (block_size ** dims * valid)
    noise = ember.empty((*input.shape[:2], *(s - block_size + 1 for s in spatial)), dtype=input.dtype,
                        device=input.device)
    noise.bernoulli_(gamma)
    noise = F.pad(noise, [block_size // 2] * (2 * dims), value=0)
    pool = F.max_pool2d if dims == 2 else F.max_pool3d
    noise = 1 - pool(noise, stride=(1,) * dims, kernel_size=(block_size,) * dims, padding=block_size // 2)
    normalize_scale = noise.numel() / (eps + noise.sum())
    if inplace:
        return input.mul_(noise).mul_(normalize_scale)
    return input * noise * normalize_scale


def drop_block2d(input, p, block_size, inplace=False, eps=1e-06, training=True):
    """Zero ``block_size`` x ``block_size`` squares of an ``[N, C, H, W]`` input, rescaling the rest."""
    return _drop_block(input, p, block_size, inplace, eps, training, 2)


def drop_block3d(input, p, block_size, inplace=False, eps=1e-06, training=True):
    """Zero cubes of side ``block_size`` of an ``[N, C, D, H, W]`` input, rescaling the rest."""
    return _drop_block(input, p, block_size, inplace, eps, training, 3)


class DropBlock2d(nn.Module):
    """Module form of :func:`drop_block2d` (active only in training mode)."""

    def __init__(self, p, block_size, inplace=False, eps=1e-06):
        super().__init__()
        self.p = p
        self.block_size = block_size
        self.inplace = inplace
        self.eps = eps

    def forward(self, input):
        return drop_block2d(input, self.p, self.block_size, self.inplace, self.eps, self.training)

    def __repr__(self):
        return f"{self.__class__.__name__}(p={self.p}, block_size={self.block_size}, inplace={self.inplace})"


class DropBlock3d(DropBlock2d):
    """Module form of :func:`drop_block3d` (active only in training mode)."""

    def forward(self, input):
        return drop_block3d(input, self.p, self.block_size, self.inplace, self.eps, self.training)
