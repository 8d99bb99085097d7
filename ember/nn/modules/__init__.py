"""All nn layers, re-exported flat (``ember.nn.Linear``, ``ember.nn.Conv2d``, ...); each lives in the file
named as PyTorch's (``torch.nn.modules.batchnorm.BatchNorm2d`` is ``ember.nn.modules.batchnorm.BatchNorm2d``),
so pickled models and reprs name the same classes."""
from typing import TYPE_CHECKING

from ember.nn.modules.module import Module  # noqa: F401
from ember.nn.modules.container import Container, Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict  # noqa
from ember.nn.modules.linear import Identity, Linear, Bilinear, LazyLinear  # noqa: F401
from ember.nn.modules.activation import *  # noqa: F401,F403
from ember.nn.modules.flatten import Flatten, Unflatten  # noqa: F401
from ember.nn.modules.dropout import *  # noqa: F401,F403
from ember.nn.modules.sparse import Embedding, EmbeddingBag  # noqa: F401
from ember.nn.modules.padding import *  # noqa: F401,F403
from ember.nn.modules.upsampling import Upsample, UpsamplingNearest2d, UpsamplingBilinear2d  # noqa: F401
from ember.nn.modules.distance import CosineSimilarity, PairwiseDistance  # noqa: F401
from ember.nn.modules.pixelshuffle import PixelShuffle, PixelUnshuffle  # noqa: F401
from ember.nn.modules.channelshuffle import ChannelShuffle  # noqa: F401
from ember.nn.modules.fold import Fold, Unfold  # noqa: F401
# the other families list their public classes in __all__
from ember.nn.modules.conv import *  # noqa: F401,F403
from ember.nn.modules.pooling import *  # noqa: F401,F403
from ember.nn.modules.batchnorm import *  # noqa: F401,F403
from ember.nn.modules.instancenorm import *  # noqa: F401,F403
from ember.nn.modules.normalization import *  # noqa: F401,F403
from ember.nn.modules.loss import *  # noqa: F401,F403
from ember.nn.modules.rnn import *  # noqa: F401,F403
from ember.nn.modules.transformer import *  # noqa: F401,F403
from ember.nn.modules.adaptive import AdaptiveLogSoftmaxWithLoss  # noqa: F401
from ember.nn.modules.linear_cross_entropy_options import LinearCrossEntropyOptions  # noqa: F401

# the classes only: a star import of this package (ember.nn's) must not copy its submodules, whose names
# (``utils``, ``rnn``) ember.nn uses for its own. Type checkers cannot evaluate the comprehension (mypy
# then exported nothing, and every ember.nn class became Any): they see the module without __all__.
if not TYPE_CHECKING:
    __all__ = sorted(name for name, value in globals().items() if isinstance(value, type) and not name.startswith('_'))
