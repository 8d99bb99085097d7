"""ChannelShuffle: regroups the channels of (N, C, *) input (PyTorch's ``torch.nn.modules.channelshuffle``)."""
from ember.nn import functional as F
from ember.nn.modules.module import Module

__all__ = ['ChannelShuffle']


class ChannelShuffle(Module):
    """Divides the channels of a ``(*, C, H, W)`` tensor into ``groups`` groups and interleaves them (from
    ShuffleNet): ``C`` must be divisible by ``groups``.

    Args:
        groups (int): number of groups to divide channels in.

    Example::

        >>> cs = nn.ChannelShuffle(2)
        >>> cs(ember.arange(4.).view(1, 4, 1, 1)).flatten()
        tensor([0., 2., 1., 3.])
    """
    __constants__ = ['groups']

    def __init__(self, groups):
        super().__init__()
        self.groups = groups

    def forward(self, input):
        return F.channel_shuffle(input, self.groups)

    def extra_repr(self):
        return f'groups={self.groups}'
