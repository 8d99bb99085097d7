"""Operators and layers for vision models (torchvision.ops): one module per family, re-exported here."""
from ember.vision.ops.misc import (  # noqa: F401
    Conv2dNormActivation, Conv3dNormActivation, FrozenBatchNorm2d, MLP, Permute, SqueezeExcitation,
    StochasticDepth, stochastic_depth,
)
