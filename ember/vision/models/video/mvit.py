"""Multiscale Vision Transformers for video: MViT V1 (Fan et al. 2021) and V2 (Li et al. 2021).

Attention pools queries, keys and values with depthwise 3D convolutions, so the token grid shrinks
and the width grows through the network; V2 adds relative position terms, a residual from the pooled
query and the projection after attention. Module names follow torchvision so its checkpoints load.
"""
import math
from dataclasses import dataclass
from functools import partial
from typing import List, Optional

import ember
from ember import nn
from ember.vision.models._api import register_model
from ember.vision.models._utils import handle_legacy_interface
from ember.vision.models.video._utils import _build, weights_enum
from ember.vision.ops.misc import MLP, StochasticDepth

__all__ = ["MViT", "MViT_V1_B_Weights", "mvit_v1_b", "MViT_V2_S_Weights", "mvit_v2_s"]


@dataclass
class MSBlockConfig:
    """One block's heads, input/output widths, and pooling kernels and strides (``[]`` for none) of the
    queries and of the keys/values."""
    num_heads: int
    input_channels: int
    output_channels: int
    kernel_q: List[int]
    kernel_kv: List[int]
    stride_q: List[int]
    stride_kv: List[int]


def _prod(s):
    return math.prod(s)


def _unsqueeze(x, target_dim, expand_dim):
    tensor_dim = x.dim()
    if tensor_dim == target_dim - 1:
        x = x.unsqueeze(expand_dim)
    elif tensor_dim != target_dim:
        raise ValueError(f"Unsupported input dimension {x.shape}")
    return x, tensor_dim


def _squeeze(x, target_dim, expand_dim, tensor_dim):
    return x.squeeze(expand_dim) if tensor_dim == target_dim - 1 else x


class Pool(nn.Module):
    """Pools the ``(B, heads, 1 + T*H*W, C)`` tokens (the class token passes through) over their
    ``thw`` grid with ``pool``, then ``norm`` and ``activation``; returns the tokens and the new grid."""

    def __init__(self, pool, norm, activation=None, norm_before_pool=False):
        super().__init__()
        self.pool = pool
        layers = [m for m in (norm, activation) if m is not None]
        self.norm_act = nn.Sequential(*layers) if layers else None
        self.norm_before_pool = norm_before_pool

    def forward(self, x, thw):
        x, tensor_dim = _unsqueeze(x, 4, 1)
        class_token, x = ember.tensor_split(x, indices=(1,), dim=2)
        x = x.transpose(2, 3)
        B, N, C = x.shape[:3]
        x = x.reshape((B * N, C) + tuple(thw)).contiguous()
        if self.norm_before_pool and self.norm_act is not None:
            x = self.norm_act(x)
        x = self.pool(x)
        T, H, W = x.shape[2:]
        x = ember.cat((class_token, x.reshape(B, N, C, -1).transpose(2, 3)), dim=2)
        if not self.norm_before_pool and self.norm_act is not None:
            x = self.norm_act(x)
        return _squeeze(x, 4, 1, tensor_dim), (T, H, W)


def _interpolate(embedding, d):
    if embedding.shape[0] == d:
        return embedding
    return nn.functional.interpolate(embedding.permute(1, 0).unsqueeze(0), size=d, mode="linear").squeeze(0).permute(1, 0)


def _distances(q, k):
    # relative positions of each query to each key, scaled to the finer grid and offset to start at 0
    q_ratio, k_ratio = max(k / q, 1.0), max(q / k, 1.0)
    return ember.arange(q)[:, None] * q_ratio - (ember.arange(k)[None, :] + (1.0 - k)) * k_ratio


def _add_rel_pos(attn, q, q_thw, k_thw, rel_pos_h, rel_pos_w, rel_pos_t):
    """``attn`` plus MViTv2's decomposed relative position terms (height, width, time), in place."""
    q_t, q_h, q_w = q_thw
    k_t, k_h, k_w = k_thw
    Rh = _interpolate(rel_pos_h, int(2 * max(q_h, k_h) - 1))[_distances(q_h, k_h).long()]
    Rw = _interpolate(rel_pos_w, int(2 * max(q_w, k_w) - 1))[_distances(q_w, k_w).long()]
    Rt = _interpolate(rel_pos_t, int(2 * max(q_t, k_t) - 1))[_distances(q_t, k_t).long()]
    B, n_head, _, dim = q.shape
    r_q = q[:, :, 1:].reshape(B, n_head, q_t, q_h, q_w, dim)
    rel_h_q = ember.einsum("bythwc,hkc->bythwk", r_q, Rh)
    rel_w_q = ember.einsum("bythwc,wkc->bythwk", r_q, Rw)
    r_q = r_q.permute(2, 0, 1, 3, 4, 5).reshape(q_t, B * n_head * q_h * q_w, dim)
    rel_q_t = ember.matmul(r_q, Rt.transpose(1, 2)).transpose(0, 1)
    rel_q_t = rel_q_t.view(B, n_head, q_h, q_w, q_t, k_t).permute(0, 1, 4, 2, 3, 5)
    rel_pos = (rel_h_q[:, :, :, :, :, None, :, None] + rel_w_q[:, :, :, :, :, None, None, :]
               + rel_q_t[:, :, :, :, :, :, None, None]).reshape(B, n_head, q_t * q_h * q_w, k_t * k_h * k_w)
    attn[:, :, 1:, 1:] += rel_pos
    return attn


def _add_shortcut(x, shortcut, residual_with_cls_embed):
    if residual_with_cls_embed:
        x.add_(shortcut)
    else:
        x[:, :, 1:, :] += shortcut[:, :, 1:, :]
    return x


def _pool_conv(head_dim, kernel, stride, norm_layer):
    conv = nn.Conv3d(head_dim, head_dim, kernel, stride=stride, padding=[int(k // 2) for k in kernel],
                     groups=head_dim, bias=False)
    return Pool(conv, norm_layer(head_dim))


class MultiscaleAttention(nn.Module):
    """Multi-head attention whose queries and keys/values are pooled (``kernel_*``/``stride_*``) before
    attending; optionally with relative position terms and the pooled query added back."""

    def __init__(self, input_size, embed_dim, output_dim, num_heads, kernel_q, kernel_kv, stride_q, stride_kv,
                 residual_pool, residual_with_cls_embed, rel_pos_embed, dropout=0.0, norm_layer=nn.LayerNorm):
        super().__init__()
        self.embed_dim = embed_dim
        self.output_dim = output_dim
        self.num_heads = num_heads
        self.head_dim = output_dim // num_heads
        self.scaler = 1.0 / math.sqrt(self.head_dim)
        self.residual_pool = residual_pool
        self.residual_with_cls_embed = residual_with_cls_embed
        self.qkv = nn.Linear(embed_dim, 3 * output_dim)
        layers = [nn.Linear(output_dim, output_dim)]
        if dropout > 0.0:
            layers.append(nn.Dropout(dropout, inplace=True))
        self.project = nn.Sequential(*layers)
        self.pool_q = None
        if _prod(kernel_q) > 1 or _prod(stride_q) > 1:
            self.pool_q = _pool_conv(self.head_dim, kernel_q, stride_q, norm_layer)
        self.pool_k = self.pool_v = None
        if _prod(kernel_kv) > 1 or _prod(stride_kv) > 1:
            self.pool_k = _pool_conv(self.head_dim, kernel_kv, stride_kv, norm_layer)
            self.pool_v = _pool_conv(self.head_dim, kernel_kv, stride_kv, norm_layer)
        self.rel_pos_h = self.rel_pos_w = self.rel_pos_t = None
        if rel_pos_embed:
            size = max(input_size[1:])
            q_size = size // stride_q[1] if len(stride_q) > 0 else size
            kv_size = size // stride_kv[1] if len(stride_kv) > 0 else size
            spatial_dim = 2 * max(q_size, kv_size) - 1
            temporal_dim = 2 * input_size[0] - 1
            self.rel_pos_h = nn.Parameter(ember.zeros(spatial_dim, self.head_dim))
            self.rel_pos_w = nn.Parameter(ember.zeros(spatial_dim, self.head_dim))
            self.rel_pos_t = nn.Parameter(ember.zeros(temporal_dim, self.head_dim))
            for p in (self.rel_pos_h, self.rel_pos_w, self.rel_pos_t):
                nn.init.trunc_normal_(p, std=0.02)

    def forward(self, x, thw):
        B, N, C = x.shape
        q, k, v = self.qkv(x).reshape(B, N, 3, self.num_heads, self.head_dim).transpose(1, 3).unbind(dim=2)
        k, k_thw = self.pool_k(k, thw) if self.pool_k is not None else (k, thw)
        if self.pool_v is not None:
            v = self.pool_v(v, thw)[0]
        if self.pool_q is not None:
            q, thw = self.pool_q(q, thw)
        attn = ember.matmul(self.scaler * q, k.transpose(2, 3))
        if self.rel_pos_h is not None:
            attn = _add_rel_pos(attn, q, thw, k_thw, self.rel_pos_h, self.rel_pos_w, self.rel_pos_t)
        x = ember.matmul(attn.softmax(dim=-1), v)
        if self.residual_pool:
            _add_shortcut(x, q, self.residual_with_cls_embed)
        x = x.transpose(1, 2).reshape(B, -1, self.output_dim)
        return self.project(x), thw


class MultiscaleBlock(nn.Module):
    """Pre-norm transformer block around :class:`MultiscaleAttention`; the skip path is max-pooled like
    the queries and projected where the width changes."""

    def __init__(self, input_size, cnf, residual_pool, residual_with_cls_embed, rel_pos_embed, proj_after_attn,
                 dropout=0.0, stochastic_depth_prob=0.0, norm_layer=nn.LayerNorm):
        super().__init__()
        self.proj_after_attn = proj_after_attn
        self.pool_skip = None
        if _prod(cnf.stride_q) > 1:
            kernel_skip = [s + 1 if s > 1 else s for s in cnf.stride_q]
            self.pool_skip = Pool(nn.MaxPool3d(kernel_skip, stride=cnf.stride_q,
                                               padding=[int(k // 2) for k in kernel_skip]), None)
        attn_dim = cnf.output_channels if proj_after_attn else cnf.input_channels
        self.norm1 = norm_layer(cnf.input_channels)
        self.norm2 = norm_layer(attn_dim)
        self.needs_transposal = isinstance(self.norm1, nn.BatchNorm1d)
        self.attn = MultiscaleAttention(input_size, cnf.input_channels, attn_dim, cnf.num_heads, kernel_q=cnf.kernel_q,
                                        kernel_kv=cnf.kernel_kv, stride_q=cnf.stride_q, stride_kv=cnf.stride_kv,
                                        rel_pos_embed=rel_pos_embed, residual_pool=residual_pool,
                                        residual_with_cls_embed=residual_with_cls_embed, dropout=dropout,
                                        norm_layer=norm_layer)
        self.mlp = MLP(attn_dim, [4 * attn_dim, cnf.output_channels], activation_layer=nn.GELU, dropout=dropout,
                       inplace=None)
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob, "row")
        self.project = None
        if cnf.input_channels != cnf.output_channels:
            self.project = nn.Linear(cnf.input_channels, cnf.output_channels)

    def _norm(self, norm, x):
        return norm(x.transpose(1, 2)).transpose(1, 2) if self.needs_transposal else norm(x)

    def forward(self, x, thw):
        x_norm1 = self._norm(self.norm1, x)
        x_attn, thw_new = self.attn(x_norm1, thw)
        x = x if self.project is None or not self.proj_after_attn else self.project(x_norm1)
        x_skip = x if self.pool_skip is None else self.pool_skip(x, thw)[0]
        x = x_skip + self.stochastic_depth(x_attn)
        x_norm2 = self._norm(self.norm2, x)
        x_proj = x if self.project is None or self.proj_after_attn else self.project(x_norm2)
        return x_proj + self.stochastic_depth(self.mlp(x_norm2)), thw_new


class PositionalEncoding(nn.Module):
    """Prepends the class token and, unless positions are relative, adds separable (time + space)
    absolute position embeddings."""

    def __init__(self, embed_size, spatial_size, temporal_size, rel_pos_embed):
        super().__init__()
        self.spatial_size = spatial_size
        self.temporal_size = temporal_size
        self.class_token = nn.Parameter(ember.zeros(embed_size))
        self.spatial_pos = self.temporal_pos = self.class_pos = None
        if not rel_pos_embed:
            self.spatial_pos = nn.Parameter(ember.zeros(self.spatial_size[0] * self.spatial_size[1], embed_size))
            self.temporal_pos = nn.Parameter(ember.zeros(self.temporal_size, embed_size))
            self.class_pos = nn.Parameter(ember.zeros(embed_size))

    def forward(self, x):
        x = ember.cat((self.class_token.expand(x.size(0), -1).unsqueeze(1), x), dim=1)
        if self.spatial_pos is not None:
            hw_size, embed_size = self.spatial_pos.shape
            pos = ember.repeat_interleave(self.temporal_pos, hw_size, dim=0)
            pos = pos + self.spatial_pos.unsqueeze(0).expand(self.temporal_size, -1, -1).reshape(-1, embed_size)
            x = x + ember.cat((self.class_pos.unsqueeze(0), pos), dim=0).unsqueeze(0)
        return x


class MViT(nn.Module):
    """Multiscale Vision Transformer for ``(N, 3, T, H, W)`` clips of ``temporal_size`` x ``spatial_size``
    (a single ``(N, 3, H, W)`` image is taken as one frame).

    Args:
        spatial_size (tuple of 2 int), temporal_size (int): the input size the position tables are made for.
        block_setting (sequence of MSBlockConfig): the blocks.
        residual_pool, residual_with_cls_embed, rel_pos_embed, proj_after_attn (bool): V2's changes.
        dropout (float): dropout before the head. Default: 0.5.
        attention_dropout (float): dropout after the attention projection. Default: 0.0.
        stochastic_depth_prob (float): the last block's stochastic depth rate. Default: 0.0.
        num_classes (int): output classes. Default: 400.
        block, norm_layer (callables, optional): the building blocks.
        patch_embed_kernel, patch_embed_stride, patch_embed_padding (tuple of 3 int): the patchifying Conv3d.

    Example:
        >>> cnf = [MSBlockConfig(1, 8, 16, [3, 3, 3], [3, 3, 3], [1, 2, 2], [1, 2, 2]),
        ...        MSBlockConfig(2, 16, 16, [], [3, 3, 3], [], [1, 1, 1])]
        >>> model = MViT((16, 16), 4, cnf, False, True, False, False, num_classes=3).eval()
        >>> model(ember.zeros(1, 3, 4, 16, 16)).shape
        ember.Size([1, 3])
    """

    def __init__(self, spatial_size, temporal_size, block_setting, residual_pool, residual_with_cls_embed,
                 rel_pos_embed, proj_after_attn, dropout=0.5, attention_dropout=0.0, stochastic_depth_prob=0.0,
                 num_classes=400, block=None, norm_layer=None, patch_embed_kernel=(3, 7, 7),
                 patch_embed_stride=(2, 4, 4), patch_embed_padding=(1, 3, 3)):
        super().__init__()
        total_stage_blocks = len(block_setting)
        if total_stage_blocks == 0:
            raise ValueError("The configuration parameter can't be empty.")
        block = block or MultiscaleBlock
        norm_layer = norm_layer or partial(nn.LayerNorm, eps=1e-6)
        self.conv_proj = nn.Conv3d(in_channels=3, out_channels=block_setting[0].input_channels,
                                   kernel_size=patch_embed_kernel, stride=patch_embed_stride,
                                   padding=patch_embed_padding)
        input_size = [size // stride for size, stride in zip((temporal_size,) + tuple(spatial_size),
                                                              self.conv_proj.stride)]
        self.pos_encoding = PositionalEncoding(embed_size=block_setting[0].input_channels,
                                               spatial_size=(input_size[1], input_size[2]),
                                               temporal_size=input_size[0], rel_pos_embed=rel_pos_embed)
        self.blocks = nn.ModuleList()
        for stage_block_id, cnf in enumerate(block_setting):
            # NOTE: a single block divides by zero (ZeroDivisionError), as in torchvision
            sd_prob = stochastic_depth_prob * stage_block_id / (total_stage_blocks - 1.0)
            self.blocks.append(block(input_size=input_size, cnf=cnf, residual_pool=residual_pool,
                                     residual_with_cls_embed=residual_with_cls_embed, rel_pos_embed=rel_pos_embed,
                                     proj_after_attn=proj_after_attn, dropout=attention_dropout,
                                     stochastic_depth_prob=sd_prob, norm_layer=norm_layer))
            if len(cnf.stride_q) > 0:
                input_size = [size // stride for size, stride in zip(input_size, cnf.stride_q)]
        self.norm = norm_layer(block_setting[-1].output_channels)
        self.head = nn.Sequential(nn.Dropout(dropout, inplace=True),
                                  nn.Linear(block_setting[-1].output_channels, num_classes))
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.trunc_normal_(m.weight, std=0.02)
                if m.bias is not None:
                    nn.init.constant_(m.bias, 0.0)
            elif isinstance(m, nn.LayerNorm):
                if m.weight is not None:
                    nn.init.constant_(m.weight, 1.0)
                if m.bias is not None:
                    nn.init.constant_(m.bias, 0.0)
            elif isinstance(m, PositionalEncoding):
                for weights in m.parameters():
                    nn.init.trunc_normal_(weights, std=0.02)

    def forward(self, x):
        x = _unsqueeze(x, 5, 2)[0]
        x = self.pos_encoding(self.conv_proj(x).flatten(2).transpose(1, 2))
        thw = (self.pos_encoding.temporal_size,) + tuple(self.pos_encoding.spatial_size)
        for block in self.blocks:
            x, thw = block(x, thw)
        return self.head(self.norm(x)[:, 0])


def _mvit(block_setting, stochastic_depth_prob, weights, progress, **kwargs):
    if weights is not None:
        from ember.vision.models._utils import _ovewrite_named_param
        _ovewrite_named_param(kwargs, "spatial_size", weights.meta["min_size"])
        _ovewrite_named_param(kwargs, "temporal_size", weights.meta["min_temporal_size"])
    spatial_size = kwargs.pop("spatial_size", (224, 224))
    temporal_size = kwargs.pop("temporal_size", 16)
    return _build(MViT, weights, progress, spatial_size=spatial_size, temporal_size=temporal_size,
                  block_setting=block_setting, residual_pool=kwargs.pop("residual_pool", False),
                  residual_with_cls_embed=kwargs.pop("residual_with_cls_embed", True),
                  rel_pos_embed=kwargs.pop("rel_pos_embed", False),
                  proj_after_attn=kwargs.pop("proj_after_attn", False),
                  stochastic_depth_prob=stochastic_depth_prob, **kwargs)


def _settings(num_heads, input_channels, output_channels, kernel_q, stride_q, stride_kv):
    return [MSBlockConfig(*row, kernel_kv=[3, 3, 3], stride_q=sq, stride_kv=skv)
            for row, sq, skv in zip(zip(num_heads, input_channels, output_channels, kernel_q), stride_q, stride_kv)]


_HEADS = [1, 2, 2, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 8, 8]
_STRIDE_KV = [[1, 8, 8]] + [[1, 4, 4]] * 2 + [[1, 2, 2]] * 11 + [[1, 1, 1]] * 2

MViT_V1_B_Weights = weights_enum("MViT_V1_B_Weights", __name__)
MViT_V2_S_Weights = weights_enum("MViT_V2_S_Weights", __name__)


@register_model()
@handle_legacy_interface(weights=("pretrained", MViT_V1_B_Weights.KINETICS400_V1))
def mvit_v1_b(*, weights: Optional[MViT_V1_B_Weights] = None, progress: bool = True, **kwargs):
    """MViT V1 base ("Multiscale Vision Transformers") for 16x224x224 clips; ``kwargs`` go to :class:`MViT`.

    Example:
        >>> MViT_V1_B_Weights.DEFAULT.meta["min_temporal_size"]
        16
    """
    weights = MViT_V1_B_Weights.verify(weights)
    pooled = {1, 3, 14}  # the blocks that pool the queries (start a stage)
    setting = _settings(_HEADS, [96, 192, 192] + [384] * 11 + [768, 768], [192, 192] + [384] * 11 + [768] * 3,
                        [[3, 3, 3] if i in pooled else [] for i in range(16)],
                        [[1, 2, 2] if i in pooled else [] for i in range(16)], _STRIDE_KV)
    return _mvit(spatial_size=(224, 224), temporal_size=16, block_setting=setting, residual_pool=False,
                 residual_with_cls_embed=False, stochastic_depth_prob=kwargs.pop("stochastic_depth_prob", 0.2),
                 weights=weights, progress=progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", MViT_V2_S_Weights.KINETICS400_V1))
def mvit_v2_s(*, weights: Optional[MViT_V2_S_Weights] = None, progress: bool = True, **kwargs):
    """MViT V2 small ("MViTv2: Improved Multiscale Vision Transformers for Classification and Detection").

    Example:
        >>> MViT_V2_S_Weights.DEFAULT.meta["_metrics"]["Kinetics-400"]["acc@1"]
        80.757
    """
    weights = MViT_V2_S_Weights.verify(weights)
    pooled = {1, 3, 14}
    setting = _settings(_HEADS, [96, 96, 192, 192] + [384] * 11 + [768], [96, 192, 192] + [384] * 11 + [768, 768],
                        [[3, 3, 3]] * 16, [[1, 2, 2] if i in pooled else [1, 1, 1] for i in range(16)], _STRIDE_KV)
    return _mvit(spatial_size=(224, 224), temporal_size=16, block_setting=setting, residual_pool=True,
                 residual_with_cls_embed=False, rel_pos_embed=True, proj_after_attn=True,
                 stochastic_depth_prob=kwargs.pop("stochastic_depth_prob", 0.2), weights=weights, progress=progress,
                 **kwargs)
