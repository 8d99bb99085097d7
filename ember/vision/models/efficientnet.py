"""EfficientNet B0-B7 (Tan & Le 2019) and EfficientNetV2 S/M/L (Tan & Le 2021)."""
import copy
import math
from dataclasses import dataclass
from functools import partial
from typing import Callable, Optional

import ember
from ember import nn
from ember.vision.models._api import register_model
from ember.vision.models._meta import weights_enum
from ember.vision.models._utils import _load_weights, _make_divisible, _ovewrite_named_param, handle_legacy_interface
from ember.vision.ops.misc import Conv2dNormActivation, SqueezeExcitation, StochasticDepth

__all__ = ["EfficientNet", "EfficientNet_B0_Weights", "EfficientNet_B1_Weights", "EfficientNet_B2_Weights",
           "EfficientNet_B3_Weights", "EfficientNet_B4_Weights", "EfficientNet_B5_Weights", "EfficientNet_B6_Weights",
           "EfficientNet_B7_Weights", "EfficientNet_V2_S_Weights", "EfficientNet_V2_M_Weights",
           "EfficientNet_V2_L_Weights", "efficientnet_b0", "efficientnet_b1", "efficientnet_b2", "efficientnet_b3",
           "efficientnet_b4", "efficientnet_b5", "efficientnet_b6", "efficientnet_b7", "efficientnet_v2_s",
           "efficientnet_v2_m", "efficientnet_v2_l"]


@dataclass
class _MBConvConfig:
    expand_ratio: float
    kernel: int
    stride: int
    input_channels: int
    out_channels: int
    num_layers: int
    block: Callable

    @staticmethod
    def adjust_channels(channels, width_mult, min_value=None):
        return _make_divisible(channels * width_mult, 8, min_value)


class MBConvConfig(_MBConvConfig):
    """A stage of MBConv blocks; channels scale with ``width_mult``, the number of blocks with ``depth_mult``."""

    def __init__(self, expand_ratio, kernel, stride, input_channels, out_channels, num_layers, width_mult=1.0,
                 depth_mult=1.0, block=None):
        super().__init__(expand_ratio, kernel, stride, self.adjust_channels(input_channels, width_mult),
                         self.adjust_channels(out_channels, width_mult), self.adjust_depth(num_layers, depth_mult),
                         block or MBConv)

    @staticmethod
    def adjust_depth(num_layers, depth_mult):
        return int(math.ceil(num_layers * depth_mult))


class FusedMBConvConfig(_MBConvConfig):
    """A stage of Fused-MBConv blocks (EfficientNetV2's early stages)."""

    def __init__(self, expand_ratio, kernel, stride, input_channels, out_channels, num_layers, block=None):
        super().__init__(expand_ratio, kernel, stride, input_channels, out_channels, num_layers, block or FusedMBConv)


class MBConv(nn.Module):
    """1x1 expansion, depthwise convolution, squeeze-excitation, 1x1 projection (SiLU activations)."""

    def __init__(self, cnf, stochastic_depth_prob, norm_layer, se_layer=SqueezeExcitation):
        super().__init__()
        if not (1 <= cnf.stride <= 2):
            raise ValueError("illegal stride value")
        self.use_res_connect = cnf.stride == 1 and cnf.input_channels == cnf.out_channels
        expanded = cnf.adjust_channels(cnf.input_channels, cnf.expand_ratio)
        layers = []
        if expanded != cnf.input_channels:
            layers.append(Conv2dNormActivation(cnf.input_channels, expanded, kernel_size=1, norm_layer=norm_layer,
                                               activation_layer=nn.SiLU))
        layers.append(Conv2dNormActivation(expanded, expanded, kernel_size=cnf.kernel, stride=cnf.stride,
                                           groups=expanded, norm_layer=norm_layer, activation_layer=nn.SiLU))
        layers.append(se_layer(expanded, max(1, cnf.input_channels // 4), activation=partial(nn.SiLU, inplace=True)))
        layers.append(Conv2dNormActivation(expanded, cnf.out_channels, kernel_size=1, norm_layer=norm_layer,
                                           activation_layer=None))
        self.block = nn.Sequential(*layers)
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob, "row")
        self.out_channels = cnf.out_channels

    def forward(self, input):
        result = self.block(input)
        if self.use_res_connect:
            result = self.stochastic_depth(result) + input
        return result


class FusedMBConv(nn.Module):
    """A full (not depthwise) expansion convolution, then a 1x1 projection."""

    def __init__(self, cnf, stochastic_depth_prob, norm_layer):
        super().__init__()
        if not (1 <= cnf.stride <= 2):
            raise ValueError("illegal stride value")
        self.use_res_connect = cnf.stride == 1 and cnf.input_channels == cnf.out_channels
        expanded = cnf.adjust_channels(cnf.input_channels, cnf.expand_ratio)
        if expanded != cnf.input_channels:
            layers = [Conv2dNormActivation(cnf.input_channels, expanded, kernel_size=cnf.kernel, stride=cnf.stride,
                                           norm_layer=norm_layer, activation_layer=nn.SiLU),
                      Conv2dNormActivation(expanded, cnf.out_channels, kernel_size=1, norm_layer=norm_layer,
                                           activation_layer=None)]
        else:
            layers = [Conv2dNormActivation(cnf.input_channels, cnf.out_channels, kernel_size=cnf.kernel,
                                           stride=cnf.stride, norm_layer=norm_layer, activation_layer=nn.SiLU)]
        self.block = nn.Sequential(*layers)
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob, "row")
        self.out_channels = cnf.out_channels

    def forward(self, input):
        result = self.block(input)
        if self.use_res_connect:
            result = self.stochastic_depth(result) + input
        return result


class EfficientNet(nn.Module):
    """EfficientNet V1/V2 from a list of stage configs; the stochastic depth rate grows linearly with depth."""

    def __init__(self, inverted_residual_setting, dropout, stochastic_depth_prob=0.2, num_classes=1000,
                 norm_layer=None, last_channel=None):
        super().__init__()
        if not inverted_residual_setting:
            raise ValueError("The inverted_residual_setting should not be empty")
        if not (isinstance(inverted_residual_setting, (list, tuple))
                and all(isinstance(s, _MBConvConfig) for s in inverted_residual_setting)):
            raise TypeError("The inverted_residual_setting should be List[MBConvConfig]")
        norm_layer = norm_layer or nn.BatchNorm2d
        layers = [Conv2dNormActivation(3, inverted_residual_setting[0].input_channels, kernel_size=3, stride=2,
                                       norm_layer=norm_layer, activation_layer=nn.SiLU)]
        total_stage_blocks = sum(cnf.num_layers for cnf in inverted_residual_setting)
        stage_block_id = 0
        for cnf in inverted_residual_setting:
            stage = []
            for _ in range(cnf.num_layers):
                block_cnf = copy.copy(cnf)
                if stage:  # only a stage's first block changes channels and stride
                    block_cnf.input_channels = block_cnf.out_channels
                    block_cnf.stride = 1
                sd_prob = stochastic_depth_prob * float(stage_block_id) / total_stage_blocks
                stage.append(block_cnf.block(block_cnf, sd_prob, norm_layer))
                stage_block_id += 1
            layers.append(nn.Sequential(*stage))
        last_in = inverted_residual_setting[-1].out_channels
        last_out = last_channel if last_channel is not None else 4 * last_in
        layers.append(Conv2dNormActivation(last_in, last_out, kernel_size=1, norm_layer=norm_layer,
                                           activation_layer=nn.SiLU))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Dropout(p=dropout, inplace=True), nn.Linear(last_out, num_classes))
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out")
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Linear):
                init_range = 1.0 / math.sqrt(m.out_features)
                nn.init.uniform_(m.weight, -init_range, init_range)
                nn.init.zeros_(m.bias)

    def _forward_impl(self, x):
        return self.classifier(ember.flatten(self.avgpool(self.features(x)), 1))

    def forward(self, x):
        return self._forward_impl(x)


def _efficientnet(inverted_residual_setting, dropout, last_channel, weights, progress, **kwargs):
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    model = EfficientNet(inverted_residual_setting, dropout, last_channel=last_channel, **kwargs)
    return model if weights is None else _load_weights(model, weights, progress)


# rows: expand ratio, kernel, stride, input channels, output channels, blocks
_B_ROWS = [(1, 3, 1, 32, 16, 1), (6, 3, 2, 16, 24, 2), (6, 5, 2, 24, 40, 2), (6, 3, 2, 40, 80, 3),
           (6, 5, 1, 80, 112, 3), (6, 5, 2, 112, 192, 4), (6, 3, 1, 192, 320, 1)]
_V2_ROWS = {  # (fused?, row)
    "efficientnet_v2_s": [(True, (1, 3, 1, 24, 24, 2)), (True, (4, 3, 2, 24, 48, 4)), (True, (4, 3, 2, 48, 64, 4)),
                          (False, (4, 3, 2, 64, 128, 6)), (False, (6, 3, 1, 128, 160, 9)),
                          (False, (6, 3, 2, 160, 256, 15))],
    "efficientnet_v2_m": [(True, (1, 3, 1, 24, 24, 3)), (True, (4, 3, 2, 24, 48, 5)), (True, (4, 3, 2, 48, 80, 5)),
                          (False, (4, 3, 2, 80, 160, 7)), (False, (6, 3, 1, 160, 176, 14)),
                          (False, (6, 3, 2, 176, 304, 18)), (False, (6, 3, 1, 304, 512, 5))],
    "efficientnet_v2_l": [(True, (1, 3, 1, 32, 32, 4)), (True, (4, 3, 2, 32, 64, 7)), (True, (4, 3, 2, 64, 96, 7)),
                          (False, (4, 3, 2, 96, 192, 10)), (False, (6, 3, 1, 192, 224, 19)),
                          (False, (6, 3, 2, 224, 384, 25)), (False, (6, 3, 1, 384, 640, 7))],
}


def _efficientnet_conf(arch, **kwargs):
    """(stage configs, last channel count) of ``arch``; B-models take ``width_mult`` and ``depth_mult``."""
    if arch.startswith("efficientnet_b"):
        conf = partial(MBConvConfig, width_mult=kwargs.pop("width_mult"), depth_mult=kwargs.pop("depth_mult"))
        return [conf(*row) for row in _B_ROWS], None
    for name, rows in _V2_ROWS.items():
        if arch.startswith(name):
            return [FusedMBConvConfig(*row) if fused else MBConvConfig(*row) for fused, row in rows], 1280
    raise ValueError(f"Unsupported model type {arch}")


def _b(name, width_mult, depth_mult, default_dropout, weights, progress, kwargs, norm_layer=None):
    setting, last_channel = _efficientnet_conf(name, width_mult=width_mult, depth_mult=depth_mult)
    if norm_layer is not None:
        kwargs["norm_layer"] = norm_layer
    return _efficientnet(setting, kwargs.pop("dropout", default_dropout), last_channel, weights, progress, **kwargs)


def _v2(name, default_dropout, weights, progress, kwargs):
    setting, last_channel = _efficientnet_conf(name)
    return _efficientnet(setting, kwargs.pop("dropout", default_dropout), last_channel, weights, progress,
                         norm_layer=partial(nn.BatchNorm2d, eps=1e-03), **kwargs)


# the larger B-models were ported from TensorFlow checkpoints, hence TensorFlow's BatchNorm settings
_TF_BN = partial(nn.BatchNorm2d, eps=0.001, momentum=0.01)

EfficientNet_B0_Weights = weights_enum("EfficientNet_B0_Weights", __name__)
EfficientNet_B1_Weights = weights_enum("EfficientNet_B1_Weights", __name__)
EfficientNet_B2_Weights = weights_enum("EfficientNet_B2_Weights", __name__)
EfficientNet_B3_Weights = weights_enum("EfficientNet_B3_Weights", __name__)
EfficientNet_B4_Weights = weights_enum("EfficientNet_B4_Weights", __name__)
EfficientNet_B5_Weights = weights_enum("EfficientNet_B5_Weights", __name__)
EfficientNet_B6_Weights = weights_enum("EfficientNet_B6_Weights", __name__)
EfficientNet_B7_Weights = weights_enum("EfficientNet_B7_Weights", __name__)
EfficientNet_V2_S_Weights = weights_enum("EfficientNet_V2_S_Weights", __name__)
EfficientNet_V2_M_Weights = weights_enum("EfficientNet_V2_M_Weights", __name__)
EfficientNet_V2_L_Weights = weights_enum("EfficientNet_V2_L_Weights", __name__)


@register_model()
@handle_legacy_interface(weights=("pretrained", EfficientNet_B0_Weights.IMAGENET1K_V1))
def efficientnet_b0(*, weights: Optional[EfficientNet_B0_Weights] = None, progress: bool = True, **kwargs):
    """EfficientNet-B0 ("EfficientNet: Rethinking Model Scaling for Convolutional Neural Networks")."""
    return _b("efficientnet_b0", 1.0, 1.0, 0.2, EfficientNet_B0_Weights.verify(weights), progress, kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", EfficientNet_B1_Weights.IMAGENET1K_V1))
def efficientnet_b1(*, weights: Optional[EfficientNet_B1_Weights] = None, progress: bool = True, **kwargs):
    """EfficientNet-B1."""
    return _b("efficientnet_b1", 1.0, 1.1, 0.2, EfficientNet_B1_Weights.verify(weights), progress, kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", EfficientNet_B2_Weights.IMAGENET1K_V1))
def efficientnet_b2(*, weights: Optional[EfficientNet_B2_Weights] = None, progress: bool = True, **kwargs):
    """EfficientNet-B2."""
    return _b("efficientnet_b2", 1.1, 1.2, 0.3, EfficientNet_B2_Weights.verify(weights), progress, kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", EfficientNet_B3_Weights.IMAGENET1K_V1))
def efficientnet_b3(*, weights: Optional[EfficientNet_B3_Weights] = None, progress: bool = True, **kwargs):
    """EfficientNet-B3."""
    return _b("efficientnet_b3", 1.2, 1.4, 0.3, EfficientNet_B3_Weights.verify(weights), progress, kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", EfficientNet_B4_Weights.IMAGENET1K_V1))
def efficientnet_b4(*, weights: Optional[EfficientNet_B4_Weights] = None, progress: bool = True, **kwargs):
    """EfficientNet-B4."""
    return _b("efficientnet_b4", 1.4, 1.8, 0.4, EfficientNet_B4_Weights.verify(weights), progress, kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", EfficientNet_B5_Weights.IMAGENET1K_V1))
def efficientnet_b5(*, weights: Optional[EfficientNet_B5_Weights] = None, progress: bool = True, **kwargs):
    """EfficientNet-B5."""
    return _b("efficientnet_b5", 1.6, 2.2, 0.4, EfficientNet_B5_Weights.verify(weights), progress, kwargs, _TF_BN)


@register_model()
@handle_legacy_interface(weights=("pretrained", EfficientNet_B6_Weights.IMAGENET1K_V1))
def efficientnet_b6(*, weights: Optional[EfficientNet_B6_Weights] = None, progress: bool = True, **kwargs):
    """EfficientNet-B6."""
    return _b("efficientnet_b6", 1.8, 2.6, 0.5, EfficientNet_B6_Weights.verify(weights), progress, kwargs, _TF_BN)


@register_model()
@handle_legacy_interface(weights=("pretrained", EfficientNet_B7_Weights.IMAGENET1K_V1))
def efficientnet_b7(*, weights: Optional[EfficientNet_B7_Weights] = None, progress: bool = True, **kwargs):
    """EfficientNet-B7."""
    return _b("efficientnet_b7", 2.0, 3.1, 0.5, EfficientNet_B7_Weights.verify(weights), progress, kwargs, _TF_BN)


@register_model()
@handle_legacy_interface(weights=("pretrained", EfficientNet_V2_S_Weights.IMAGENET1K_V1))
def efficientnet_v2_s(*, weights: Optional[EfficientNet_V2_S_Weights] = None, progress: bool = True, **kwargs):
    """EfficientNetV2-S ("EfficientNetV2: Smaller Models and Faster Training")."""
    return _v2("efficientnet_v2_s", 0.2, EfficientNet_V2_S_Weights.verify(weights), progress, kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", EfficientNet_V2_M_Weights.IMAGENET1K_V1))
def efficientnet_v2_m(*, weights: Optional[EfficientNet_V2_M_Weights] = None, progress: bool = True, **kwargs):
    """EfficientNetV2-M."""
    return _v2("efficientnet_v2_m", 0.3, EfficientNet_V2_M_Weights.verify(weights), progress, kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", EfficientNet_V2_L_Weights.IMAGENET1K_V1))
def efficientnet_v2_l(*, weights: Optional[EfficientNet_V2_L_Weights] = None, progress: bool = True, **kwargs):
    """EfficientNetV2-L."""
    return _v2("efficientnet_v2_l", 0.4, EfficientNet_V2_L_Weights.verify(weights), progress, kwargs)
