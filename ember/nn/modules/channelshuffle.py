"""``torch.nn.modules.channelshuffle``'s name: ChannelShuffle (defined in pixelshuffle.py)."""
from ember.nn.modules.pixelshuffle import ChannelShuffle  # noqa: F401

__all__ = ['ChannelShuffle']
