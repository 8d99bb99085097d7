"""All nn layers, re-exported flat (``ember.nn.Linear``, ``ember.nn.Conv2d``, ...)."""
from ember.nn.modules.module import Module  # noqa: F401
from ember.nn.modules.container import Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict  # noqa
from ember.nn.modules.linear import Identity, Linear, Bilinear  # noqa: F401
from ember.nn.modules.activation import *  # noqa: F401,F403
from ember.nn.modules.flatten import Flatten, Unflatten  # noqa: F401
from ember.nn.modules.dropout import *  # noqa: F401,F403
from ember.nn.modules.sparse import Embedding, EmbeddingBag  # noqa: F401
from ember.nn.modules.padding import *  # noqa: F401,F403
from ember.nn.modules.upsampling import Upsample, UpsamplingNearest2d, UpsamplingBilinear2d  # noqa: F401
from ember.nn.modules.distance import CosineSimilarity, PairwiseDistance  # noqa: F401
from ember.nn.modules.pixelshuffle import PixelShuffle, PixelUnshuffle, ChannelShuffle  # noqa: F401
# the other families (written alongside) list their public classes in __all__
from ember.nn.modules.conv import *  # noqa: F401,F403
from ember.nn.modules.pooling import *  # noqa: F401,F403
from ember.nn.modules.normalization import *  # noqa: F401,F403
from ember.nn.modules.loss import *  # noqa: F401,F403
from ember.nn.modules.rnn import *  # noqa: F401,F403
from ember.nn.modules.transformer import *  # noqa: F401,F403
from ember.nn.modules.lazy_layers import *  # noqa: F401,F403
from ember.nn.modules.rms_norm import RMSNorm  # noqa: F401
from ember.nn.modules.pooling3d import AdaptiveMaxPool3d, LPPool3d, MaxUnpool3d  # noqa: F401
from ember.nn.modules.deprecated import Container, NLLLoss2d  # noqa: F401
from ember.nn.modules._syncbn import SyncBatchNorm  # noqa: F401
from ember.nn.modules.ctc import CTCLoss  # noqa: F401
from ember.nn.modules.fractional_pool import FractionalMaxPool2d, FractionalMaxPool3d  # noqa: F401
from ember.nn.modules.adaptive import AdaptiveLogSoftmaxWithLoss  # noqa: F401
from ember.nn.modules.linear_cross_entropy import LinearCrossEntropyLoss, LinearCrossEntropyOptions  # noqa: F401
