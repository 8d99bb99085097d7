"""Video Swin Transformer (Liu et al. 2021): 3D shifted-window attention over ``(T, H, W)`` patch grids.

Blocks and patch merging are those of the image Swin Transformer (ember.vision.models.swin_transformer),
with a 3D window attention; module names follow torchvision so its checkpoints load unchanged.
"""
from functools import partial
from typing import Optional

import ember
from ember import nn
from ember.nn import functional as F
from ember.vision.models._api import register_model
from ember.vision.models._utils import handle_legacy_interface
from ember.vision.models.swin_transformer import PatchMerging, SwinTransformerBlock
from ember.vision.models.video._utils import _build, weights_enum

__all__ = ["SwinTransformer3d", "Swin3D_T_Weights", "Swin3D_S_Weights", "Swin3D_B_Weights", "swin3d_t", "swin3d_s",
           "swin3d_b"]


def _get_window_and_shift_size(shift_size, size_dhw, window_size):
    # a window no smaller than the grid along an axis covers it whole, and then there is nothing to shift
    for i in range(3):
        if size_dhw[i] <= window_size[i]:
            window_size[i] = size_dhw[i]
            shift_size[i] = 0
    return window_size, shift_size


def _get_relative_position_bias(relative_position_bias_table, relative_position_index, window_size):
    window_vol = window_size[0] * window_size[1] * window_size[2]
    bias = relative_position_bias_table[relative_position_index[:window_vol, :window_vol].flatten()]
    return bias.view(window_vol, window_vol, -1).permute(2, 0, 1).contiguous().unsqueeze(0)


def _compute_pad_size_3d(size_dhw, patch_size):
    return tuple((patch_size[i] - size_dhw[i] % patch_size[i]) % patch_size[i] for i in range(3))


def _compute_attention_mask_3d(x, size_dhw, window_size, shift_size):
    # NOTE: after the cyclic shift a window can join regions that were not neighbours; label the up to
    # 27 regions and forbid attention (-100) between tokens of different regions
    attn_mask = x.new_zeros(*size_dhw)
    num_windows = (size_dhw[0] // window_size[0]) * (size_dhw[1] // window_size[1]) * (size_dhw[2] // window_size[2])
    slices = [((0, -window_size[i]), (-window_size[i], -shift_size[i]), (-shift_size[i], None)) for i in range(3)]
    count = 0
    for d in slices[0]:
        for h in slices[1]:
            for w in slices[2]:
                attn_mask[d[0]:d[1], h[0]:h[1], w[0]:w[1]] = count
                count += 1
    attn_mask = attn_mask.view(size_dhw[0] // window_size[0], window_size[0], size_dhw[1] // window_size[1],
                               window_size[1], size_dhw[2] // window_size[2], window_size[2])
    attn_mask = attn_mask.permute(0, 2, 4, 1, 3, 5).reshape(num_windows,
                                                            window_size[0] * window_size[1] * window_size[2])
    attn_mask = attn_mask.unsqueeze(1) - attn_mask.unsqueeze(2)
    return attn_mask.masked_fill(attn_mask != 0, -100.0).masked_fill(attn_mask == 0, 0.0)


def shifted_window_attention_3d(input, qkv_weight, proj_weight, relative_position_bias, window_size, num_heads,
                                shift_size, attention_dropout=0.0, dropout=0.0, qkv_bias=None, proj_bias=None,
                                training=True):
    """Multi-head self-attention within 3D windows (cyclically shifted by ``shift_size``) of a
    ``(B, T, H, W, C)`` tensor, with a relative position bias; returns the same shape.

    Example:
        >>> x = ember.randn(1, 2, 4, 4, 8)
        >>> shifted_window_attention_3d(x, ember.randn(24, 8), ember.randn(8, 8), ember.zeros(1, 2, 8, 8),
        ...                             [2, 2, 2], 2, [1, 1, 1]).shape
        ember.Size([1, 2, 4, 4, 8])
    """
    b, t, h, w, c = input.shape
    pad_size = _compute_pad_size_3d((t, h, w), window_size)
    x = F.pad(input, (0, 0, 0, pad_size[2], 0, pad_size[1], 0, pad_size[0]))
    _, tp, hp, wp, _ = x.shape
    shifted = sum(shift_size) > 0
    if shifted:
        x = ember.roll(x, shifts=(-shift_size[0], -shift_size[1], -shift_size[2]), dims=(1, 2, 3))
    grid = (tp // window_size[0], hp // window_size[1], wp // window_size[2])
    num_windows = grid[0] * grid[1] * grid[2]
    window_vol = window_size[0] * window_size[1] * window_size[2]
    x = x.view(b, grid[0], window_size[0], grid[1], window_size[1], grid[2], window_size[2], c)
    x = x.permute(0, 1, 3, 5, 2, 4, 6, 7).reshape(b * num_windows, window_vol, c)
    qkv = F.linear(x, qkv_weight, qkv_bias)
    qkv = qkv.reshape(x.size(0), x.size(1), 3, num_heads, c // num_heads).permute(2, 0, 3, 1, 4)
    q, k, v = qkv[0], qkv[1], qkv[2]
    attn = (q * (c // num_heads) ** -0.5).matmul(k.transpose(-2, -1)) + relative_position_bias
    if shifted:
        attn_mask = _compute_attention_mask_3d(x, (tp, hp, wp), window_size, shift_size)
        attn = attn.view(x.size(0) // num_windows, num_windows, num_heads, x.size(1), x.size(1))
        attn = (attn + attn_mask.unsqueeze(1).unsqueeze(0)).view(-1, num_heads, x.size(1), x.size(1))
    attn = F.dropout(F.softmax(attn, dim=-1), p=attention_dropout, training=training)
    x = attn.matmul(v).transpose(1, 2).reshape(x.size(0), x.size(1), c)
    x = F.dropout(F.linear(x, proj_weight, proj_bias), p=dropout, training=training)
    x = x.view(b, grid[0], grid[1], grid[2], window_size[0], window_size[1], window_size[2], c)
    x = x.permute(0, 1, 4, 2, 5, 3, 6, 7).reshape(b, tp, hp, wp, c)
    if shifted:
        x = ember.roll(x, shifts=(shift_size[0], shift_size[1], shift_size[2]), dims=(1, 2, 3))
    return x[:, :t, :h, :w, :].contiguous()


class ShiftedWindowAttention3d(nn.Module):
    """:func:`shifted_window_attention_3d` with its weights: ``qkv``, ``proj`` and a learned bias per
    relative position within a window (windows shrink to the grid where it is smaller)."""

    def __init__(self, dim, window_size, shift_size, num_heads, qkv_bias=True, proj_bias=True, attention_dropout=0.0,
                 dropout=0.0):
        super().__init__()
        if len(window_size) != 3 or len(shift_size) != 3:
            raise ValueError("window_size and shift_size must be of length 2")
        self.window_size = window_size
        self.shift_size = shift_size
        self.num_heads = num_heads
        self.attention_dropout = attention_dropout
        self.dropout = dropout
        self.qkv = nn.Linear(dim, dim * 3, bias=qkv_bias)
        self.proj = nn.Linear(dim, dim, bias=proj_bias)
        self.define_relative_position_bias_table()
        self.define_relative_position_index()

    def define_relative_position_bias_table(self):
        size = (2 * self.window_size[0] - 1) * (2 * self.window_size[1] - 1) * (2 * self.window_size[2] - 1)
        self.relative_position_bias_table = nn.Parameter(ember.zeros(size, self.num_heads))
        nn.init.trunc_normal_(self.relative_position_bias_table, std=0.02)

    def define_relative_position_index(self):
        coords = ember.stack(ember.meshgrid(*[ember.arange(self.window_size[i]) for i in range(3)], indexing="ij"))
        coords_flatten = ember.flatten(coords, 1)
        relative = (coords_flatten[:, :, None] - coords_flatten[:, None, :]).permute(1, 2, 0).contiguous()
        relative[:, :, 0] += self.window_size[0] - 1  # offsets from 0
        relative[:, :, 1] += self.window_size[1] - 1
        relative[:, :, 2] += self.window_size[2] - 1
        relative[:, :, 0] *= (2 * self.window_size[1] - 1) * (2 * self.window_size[2] - 1)
        relative[:, :, 1] *= 2 * self.window_size[2] - 1
        self.register_buffer("relative_position_index", relative.sum(-1))

    def get_relative_position_bias(self, window_size):
        return _get_relative_position_bias(self.relative_position_bias_table, self.relative_position_index,
                                           window_size)

    def forward(self, x):
        _, t, h, w, _ = x.shape
        window_size, shift_size = _get_window_and_shift_size(self.shift_size.copy(), [t, h, w],
                                                             self.window_size.copy())
        return shifted_window_attention_3d(x, self.qkv.weight, self.proj.weight,
                                           self.get_relative_position_bias(window_size), window_size, self.num_heads,
                                           shift_size=shift_size, attention_dropout=self.attention_dropout,
                                           dropout=self.dropout, qkv_bias=self.qkv.bias, proj_bias=self.proj.bias,
                                           training=self.training)


class PatchEmbed3d(nn.Module):
    """``(B, C, T, H, W)`` clips to ``(B, T', H', W', embed_dim)`` patch embeddings (a strided Conv3d over
    ``patch_size`` patches, the clip zero-padded to whole patches), optionally normalised."""

    def __init__(self, patch_size, in_channels=3, embed_dim=96, norm_layer=None):
        super().__init__()
        self.tuple_patch_size = (patch_size[0], patch_size[1], patch_size[2])
        self.proj = nn.Conv3d(in_channels, embed_dim, kernel_size=self.tuple_patch_size, stride=self.tuple_patch_size)
        self.norm = norm_layer(embed_dim) if norm_layer is not None else nn.Identity()

    def forward(self, x):
        _, _, t, h, w = x.size()
        pad_size = _compute_pad_size_3d((t, h, w), self.tuple_patch_size)
        x = F.pad(x, (0, pad_size[2], 0, pad_size[1], 0, pad_size[0]))
        return self.norm(self.proj(x).permute(0, 2, 3, 4, 1))


class SwinTransformer3d(nn.Module):
    """Video Swin Transformer: patch embedding, stages of (shifted) 3D window attention blocks with patch
    merging between them, LayerNorm, global average pooling and a linear head.

    Args:
        patch_size (list of 3 int), embed_dim (int), depths (list of int), num_heads (list of int),
        window_size (list of 3 int): the architecture.
        mlp_ratio (float): MLP width over the embedding width. Default: 4.0.
        dropout, attention_dropout (float): dropout rates. Default: 0.0.
        stochastic_depth_prob (float): the last block's stochastic depth rate (linear from 0). Default: 0.1.
        num_classes (int): output classes. Default: 400.
        norm_layer, block, downsample_layer, patch_embed (callables, optional): the building blocks.

    Example:
        >>> model = SwinTransformer3d([2, 4, 4], 8, [1, 1], [1, 2], [2, 2, 2], num_classes=3).eval()
        >>> model(ember.zeros(1, 3, 4, 16, 16)).shape
        ember.Size([1, 3])
    """

    def __init__(self, patch_size, embed_dim, depths, num_heads, window_size, mlp_ratio=4.0, dropout=0.0,
                 attention_dropout=0.0, stochastic_depth_prob=0.1, num_classes=400, norm_layer=None, block=None,
                 downsample_layer=PatchMerging, patch_embed=None):
        super().__init__()
        self.num_classes = num_classes
        if block is None:
            block = partial(SwinTransformerBlock, attn_layer=ShiftedWindowAttention3d)
        if norm_layer is None:
            norm_layer = partial(nn.LayerNorm, eps=1e-5)
        if patch_embed is None:
            patch_embed = PatchEmbed3d
        self.patch_embed = patch_embed(patch_size=patch_size, embed_dim=embed_dim, norm_layer=norm_layer)
        self.pos_drop = nn.Dropout(p=dropout)
        layers = []
        total_stage_blocks = sum(depths)
        stage_block_id = 0
        for i_stage in range(len(depths)):
            stage = []
            dim = embed_dim * 2 ** i_stage
            for i_layer in range(depths[i_stage]):
                sd_prob = stochastic_depth_prob * float(stage_block_id) / (total_stage_blocks - 1)
                stage.append(block(dim, num_heads[i_stage], window_size=window_size,
                                   shift_size=[0 if i_layer % 2 == 0 else w // 2 for w in window_size],
                                   mlp_ratio=mlp_ratio, dropout=dropout, attention_dropout=attention_dropout,
                                   stochastic_depth_prob=sd_prob, norm_layer=norm_layer,
                                   attn_layer=ShiftedWindowAttention3d))
                stage_block_id += 1
            layers.append(nn.Sequential(*stage))
            if i_stage < len(depths) - 1:
                layers.append(downsample_layer(dim, norm_layer))
        self.features = nn.Sequential(*layers)
        self.num_features = embed_dim * 2 ** (len(depths) - 1)
        self.norm = norm_layer(self.num_features)
        self.avgpool = nn.AdaptiveAvgPool3d(1)
        self.head = nn.Linear(self.num_features, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.trunc_normal_(m.weight, std=0.02)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)

    def forward(self, x):
        x = self.norm(self.features(self.pos_drop(self.patch_embed(x))))
        x = self.avgpool(x.permute(0, 4, 1, 2, 3))
        return self.head(ember.flatten(x, 1))


Swin3D_T_Weights = weights_enum("Swin3D_T_Weights", __name__)
Swin3D_S_Weights = weights_enum("Swin3D_S_Weights", __name__)
Swin3D_B_Weights = weights_enum("Swin3D_B_Weights", __name__)


def _swin3d(weights, progress, embed_dim, depths, num_heads, kwargs):
    return _build(SwinTransformer3d, weights, progress, patch_size=[2, 4, 4], embed_dim=embed_dim, depths=depths,
                  num_heads=num_heads, window_size=[8, 7, 7], stochastic_depth_prob=0.1, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", Swin3D_T_Weights.KINETICS400_V1))
def swin3d_t(*, weights: Optional[Swin3D_T_Weights] = None, progress: bool = True, **kwargs):
    """Swin3D-T ("Video Swin Transformer"); ``kwargs`` go to :class:`SwinTransformer3d`.

    Example:
        >>> Swin3D_T_Weights.DEFAULT.transforms().mean
        [0.485, 0.456, 0.406]
    """
    return _swin3d(Swin3D_T_Weights.verify(weights), progress, 96, [2, 2, 6, 2], [3, 6, 12, 24], kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", Swin3D_S_Weights.KINETICS400_V1))
def swin3d_s(*, weights: Optional[Swin3D_S_Weights] = None, progress: bool = True, **kwargs):
    """Swin3D-S: Swin3D-T with 18 blocks in the third stage.

    Example:
        >>> Swin3D_S_Weights.DEFAULT.meta["num_params"]
        49816678
    """
    return _swin3d(Swin3D_S_Weights.verify(weights), progress, 96, [2, 2, 18, 2], [3, 6, 12, 24], kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", Swin3D_B_Weights.KINETICS400_V1))
def swin3d_b(*, weights: Optional[Swin3D_B_Weights] = None, progress: bool = True, **kwargs):
    """Swin3D-B: embedding width 128, heads 4/8/16/32 (checkpoints pretrained on ImageNet-1K or -22K).

    Example:
        >>> list(Swin3D_B_Weights.__members__)
        ['KINETICS400_V1', 'KINETICS400_IMAGENET22K_V1', 'DEFAULT']
    """
    return _swin3d(Swin3D_B_Weights.verify(weights), progress, 128, [2, 2, 18, 2], [4, 8, 16, 32], kwargs)
