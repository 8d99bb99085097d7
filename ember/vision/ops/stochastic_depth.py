"""torchvision.ops.stochastic_depth: where torchvision defines stochastic depth."""
from ember.vision.ops.misc import StochasticDepth, stochastic_depth  # noqa: F401
