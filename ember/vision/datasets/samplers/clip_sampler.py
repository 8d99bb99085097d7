"""Samplers over video clips: a distributed sampler that keeps groups of consecutive indices together, and
per-video uniform or random clip choices."""
import math

import ember
import ember.distributed as dist
from ember.utils.data import Sampler
from ember.vision.datasets.video_utils import VideoClips


class DistributedSampler(Sampler):
    """Shards a dataset (or the indices of another sampler) across ``num_replicas`` processes, in groups of
    ``group_size`` consecutive indices (for example the clips drawn from one video), padding with indices from
    the start so that every rank gets as many.

    With 14 indices, 4 replicas and no shuffling: group_size 1 gives rank 0 [0, 4, 8, 12] and rank 3
    [3, 7, 11, 1]; group_size 2 gives rank 0 [0, 1, 8, 9] and rank 3 [6, 7, 0, 1].
    """

    def __init__(self, dataset, num_replicas=None, rank=None, shuffle=False, group_size=1):
        if num_replicas is None:
            if not dist.is_available():
                raise RuntimeError("Requires distributed package to be available")
            num_replicas = dist.get_world_size()
        if rank is None:
            if not dist.is_available():
                raise RuntimeError("Requires distributed package to be available")
            rank = dist.get_rank()
        if len(dataset) % group_size != 0:
            raise ValueError(f"dataset length must be a multiplier of group size dataset length: {len(dataset)}, "
                             f"group size: {group_size}")
        self.dataset = dataset
        self.group_size = group_size
        self.num_replicas = num_replicas
        self.rank = rank
        self.epoch = 0
        dataset_group_length = len(dataset) // group_size
        self.num_group_samples = int(math.ceil(dataset_group_length * 1.0 / self.num_replicas))
        self.num_samples = self.num_group_samples * group_size
        self.total_size = self.num_samples * self.num_replicas
        self.shuffle = shuffle

    def __iter__(self):
        # the same permutation on every rank: seeded by the epoch alone
        g = ember.Generator()
        g.manual_seed(self.epoch)
        if self.shuffle:
            indices = ember.randperm(len(self.dataset), generator=g).tolist()
        else:
            indices = list(range(len(self.dataset)))
        indices += indices[: (self.total_size - len(indices))]
        assert len(indices) == self.total_size
        total_group_size = self.total_size // self.group_size
        groups = ember.reshape(ember.LongTensor(indices), (total_group_size, self.group_size))
        groups = groups[self.rank: total_group_size: self.num_replicas, :]
        indices = ember.reshape(groups, (-1,)).tolist()
        assert len(indices) == self.num_samples
        if isinstance(self.dataset, Sampler):
            orig_indices = list(iter(self.dataset))
            indices = [orig_indices[i] for i in indices]
        return iter(indices)

    def __len__(self):
        return self.num_samples

    def set_epoch(self, epoch):
        self.epoch = epoch


def _check_video_clips(video_clips):
    if not isinstance(video_clips, VideoClips):
        raise TypeError(f"Expected video_clips to be an instance of VideoClips, got {type(video_clips)}")


class UniformClipSampler(Sampler):
    """``num_clips_per_video`` equally spaced clips of each video (repeating clips of a video that has fewer);
    videos without clips are skipped.

    Args:
        video_clips (VideoClips): video clips to sample from
        num_clips_per_video (int): number of clips to be sampled per video
    """

    def __init__(self, video_clips, num_clips_per_video):
        _check_video_clips(video_clips)
        self.video_clips = video_clips
        self.num_clips_per_video = num_clips_per_video

    def __iter__(self):
        idxs = []
        s = 0
        for c in self.video_clips.clips:
            length = len(c)
            if length == 0:
                continue
            sampled = ember.linspace(s, s + length - 1, steps=self.num_clips_per_video).floor().to(ember.int64)
            s += length
            idxs.append(sampled)
        return iter(ember.cat(idxs).tolist())

    def __len__(self):
        return sum(self.num_clips_per_video for c in self.video_clips.clips if len(c) > 0)


class RandomClipSampler(Sampler):
    """At most ``max_clips_per_video`` clips of each video, drawn at random, in a random order over all videos.

    Args:
        video_clips (VideoClips): video clips to sample from
        max_clips_per_video (int): maximum number of clips to be sampled per video
    """

    def __init__(self, video_clips, max_clips_per_video):
        _check_video_clips(video_clips)
        self.video_clips = video_clips
        self.max_clips_per_video = max_clips_per_video

    def __iter__(self):
        idxs = []
        s = 0
        for c in self.video_clips.clips:
            length = len(c)
            size = min(length, self.max_clips_per_video)
            idxs.append(ember.randperm(length)[:size] + s)
            s += length
        idxs_ = ember.cat(idxs)
        perm = ember.randperm(len(idxs_))
        return iter(idxs_[perm].tolist())

    def __len__(self):
        return sum(min(len(c), self.max_clips_per_video) for c in self.video_clips.clips)
