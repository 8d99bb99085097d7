"""torchvision.datasets.samplers: samplers over the clips of a ``VideoClips``."""
from ember.vision.datasets.samplers.clip_sampler import DistributedSampler, RandomClipSampler, UniformClipSampler

__all__ = ("DistributedSampler", "UniformClipSampler", "RandomClipSampler")
