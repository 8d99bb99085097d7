"""torchvision.datasets.video_utils: ``VideoClips``, the clip index behind the video datasets (UCF101, HMDB51,
Kinetics). Decoding goes through PyAV (optional extra ``video``)."""
import bisect
import math
import warnings

import ember
from ember.vision.datasets._download import _NoBar
from ember.vision.io import _video_decoder


def unfold(tensor, size, step, dilation=1):
    """All windows of ``size`` elements of a 1-D tensor, ``step`` apart, their elements ``dilation`` apart (a
    view, like ``Tensor.unfold`` with a dilation)."""
    if tensor.dim() != 1:
        raise ValueError(f"tensor should have 1 dimension instead of {tensor.dim()}")
    o_stride = tensor.stride(0)
    numel = tensor.numel()
    new_stride = (step * o_stride, dilation * o_stride)
    new_size = ((numel - (dilation * (size - 1) + 1)) // step + 1, size)
    if new_size[0] < 1:
        new_size = (0, size)
    return ember.as_strided(tensor, new_size, new_stride)


class _VideoTimestampsDataset:
    """The frame positions and frame rate of each video; a dataset so that a DataLoader's workers can scan the
    videos in parallel (a top-level class, so that it pickles)."""

    def __init__(self, video_paths):
        self.video_paths = video_paths

    def __len__(self):
        return len(self.video_paths)

    def __getitem__(self, idx):
        scan = _video_decoder.VideoScan(self.video_paths[idx])
        return list(range(scan.num_frames)), scan.average_fps


def _collate_fn(x):
    """Keeps a batch as the list of items it is."""
    return x


def _progress(total):
    try:
        from tqdm import tqdm
    except ImportError:
        return _NoBar()
    return tqdm(total=total)


class VideoClips:
    """The clips of ``clip_length_in_frames`` consecutive frames, ``frames_between_clips`` apart, of a list of
    videos; with ``frame_rate``, the videos are first resampled to that rate and clips count its frames.

    Building it scans every video (slow for large datasets): keep ``metadata`` and pass it back as
    ``_precomputed_metadata``; ``compute_clips`` changes the clip length or step cheaply.

    Args:
        video_paths (List[str]): paths to the video files
        clip_length_in_frames (int): size of a clip in number of frames
        frames_between_clips (int): step (in frames) between each clip
        frame_rate (float, optional): resample the videos to this frame rate before cutting clips
        num_workers (int): how many subprocesses scan the videos; 0 scans in the main process. (default: 0)
        output_format (str): "THWC" (default) or "TCHW", the layout of the clips' frames.

    Frames are numbered in presentation order, audio comes back as float samples ``[channels, n]`` (an empty
    ``[1, 0]`` tensor when the video has none), as torchvision's TorchCodec-based clips do.
    """

    def __init__(self, video_paths, clip_length_in_frames=16, frames_between_clips=1, frame_rate=None,
                 _precomputed_metadata=None, num_workers=0, _video_width=0, _video_height=0,
                 _video_min_dimension=0, _video_max_dimension=0, _audio_samples=0, _audio_channels=0,
                 output_format="THWC"):
        self.video_paths = video_paths
        self.num_workers = num_workers
        for name, value in (("_video_width", _video_width), ("_video_height", _video_height),
                            ("_video_min_dimension", _video_min_dimension),
                            ("_video_max_dimension", _video_max_dimension), ("_audio_samples", _audio_samples),
                            ("_audio_channels", _audio_channels)):
            if value:
                # torchvision's TorchCodec-based clips accept these and do nothing with them
                raise ValueError(f"VideoClips does not resize frames or resample audio: {name}={value} is not "
                                 f"supported (leave it 0; clips come at the video's own size, audio at its own "
                                 f"rate and channels)")
        self._video_width = _video_width
        self._video_height = _video_height
        self._video_min_dimension = _video_min_dimension
        self._video_max_dimension = _video_max_dimension
        self._audio_samples = _audio_samples
        self._audio_channels = _audio_channels
        self.output_format = output_format.upper()
        if self.output_format not in ("THWC", "TCHW"):
            raise ValueError(f"output_format should be either 'THWC' or 'TCHW', got {output_format}.")
        if _precomputed_metadata is None:
            self._compute_frame_pts()
        else:
            self._init_from_metadata(_precomputed_metadata)
        self.compute_clips(clip_length_in_frames, frames_between_clips, frame_rate)

    def _compute_frame_pts(self):
        from ember.utils.data import DataLoader

        self.video_pts = []   # one int64 tensor of frame positions per video
        self.video_fps = []   # one frame rate per video
        loader = DataLoader(_VideoTimestampsDataset(self.video_paths), batch_size=16, num_workers=self.num_workers,
                            collate_fn=_collate_fn)
        with _progress(len(loader)) as bar:
            for batch in loader:
                bar.update(1)
                batch_pts, batch_fps = list(zip(*batch))
                # int64 even for a video without frames, whose empty list would otherwise become float
                self.video_pts.extend(ember.as_tensor(pts, dtype=ember.long) for pts in batch_pts)
                self.video_fps.extend(batch_fps)

    def _init_from_metadata(self, metadata):
        self.video_paths = metadata["video_paths"]
        assert len(self.video_paths) == len(metadata["video_pts"])
        self.video_pts = metadata["video_pts"]
        assert len(self.video_paths) == len(metadata["video_fps"])
        self.video_fps = metadata["video_fps"]

    @property
    def metadata(self):
        return {"video_paths": self.video_paths, "video_pts": self.video_pts, "video_fps": self.video_fps}

    def subset(self, indices):
        """A VideoClips over the videos at ``indices``, with the same settings and no rescan."""
        metadata = {
            "video_paths": [self.video_paths[i] for i in indices],
            "video_pts": [self.video_pts[i] for i in indices],
            "video_fps": [self.video_fps[i] for i in indices],
        }
        return type(self)(
            metadata["video_paths"], clip_length_in_frames=self.num_frames, frames_between_clips=self.step,
            frame_rate=self.frame_rate, _precomputed_metadata=metadata, num_workers=self.num_workers,
            _video_width=self._video_width, _video_height=self._video_height,
            _video_min_dimension=self._video_min_dimension, _video_max_dimension=self._video_max_dimension,
            _audio_samples=self._audio_samples, _audio_channels=self._audio_channels,
            output_format=self.output_format)

    @staticmethod
    def compute_clips_for_video(video_pts, num_frames, step, fps, frame_rate=None):
        if fps is None:
            # a file without a video stream has no rate; any value does, as it has no frames either
            fps = 1
        if frame_rate is None:
            frame_rate = fps
        total_frames = len(video_pts) * frame_rate / fps
        _idxs = VideoClips._resample_video_idx(int(math.floor(total_frames)), fps, frame_rate)
        video_pts = video_pts[_idxs]
        clips = unfold(video_pts, num_frames, step)
        if not clips.numel():
            warnings.warn("There aren't enough frames in the current video to get a clip for the given clip length "
                          "and frames between clips. The video (and potentially others) will be skipped.")
        if isinstance(_idxs, slice):
            idxs = [_idxs] * len(clips)
        else:
            idxs = unfold(_idxs, num_frames, step)
        return clips, idxs

    def compute_clips(self, num_frames, step, frame_rate=None):
        """Cut every video into clips of ``num_frames`` frames, ``step`` apart, at ``frame_rate`` (the video's own
        rate when None); a video's last frames that do not fill a clip are left out."""
        self.num_frames = num_frames
        self.step = step
        self.frame_rate = frame_rate
        self.clips = []
        self.resampling_idxs = []
        for video_pts, fps in zip(self.video_pts, self.video_fps):
            clips, idxs = self.compute_clips_for_video(video_pts, num_frames, step, fps, frame_rate)
            self.clips.append(clips)
            self.resampling_idxs.append(idxs)
        clip_lengths = ember.as_tensor([len(v) for v in self.clips])
        self.cumulative_sizes = clip_lengths.cumsum(0).tolist()

    def __len__(self):
        return self.num_clips()

    def num_videos(self):
        return len(self.video_paths)

    def num_clips(self):
        """Number of clips over all the videos."""
        return self.cumulative_sizes[-1]

    def get_clip_location(self, idx):
        """(video index, clip index within that video) of the clip at flat index ``idx``."""
        video_idx = bisect.bisect_right(self.cumulative_sizes, idx)
        clip_idx = idx if video_idx == 0 else idx - self.cumulative_sizes[video_idx - 1]
        return video_idx, clip_idx

    @staticmethod
    def _resample_video_idx(num_frames, original_fps, new_fps):
        step = original_fps / new_fps
        if step.is_integer():
            # a whole step needs no index tensor: a strided slice does
            return slice(None, None, int(step))
        idxs = ember.arange(num_frames, dtype=ember.float32) * step
        return idxs.floor().to(ember.int64)

    def get_clip(self, idx):
        """The clip at ``idx``: (video uint8 tensor, audio float tensor ``[channels, n]``, info dict with
        ``video_fps``, index of the video in ``video_paths``)."""
        if idx >= self.num_clips():
            raise IndexError(f"Index {idx} out of range ({self.num_clips()} number of clips)")
        video_idx, clip_idx = self.get_clip_location(idx)
        video_path = self.video_paths[video_idx]
        clip_pts = self.clips[video_idx][clip_idx]
        start_idx = int(clip_pts[0].item())
        end_idx = int(clip_pts[-1].item())

        scan = _video_decoder.VideoScan(video_path)
        frames = _video_decoder.decode_frames(scan, list(range(start_idx, end_idx + 1)))
        fps = scan.average_fps
        try:
            audio = ember.from_numpy(_video_decoder.decode_audio_range(video_path, start_idx / fps,
                                                                       (end_idx + 1) / fps))
        except Exception:  # noqa: BLE001 - no audio stream, or none in this clip's time: an empty track
            audio = ember.empty((1, 0), dtype=ember.float32)

        info = {"video_fps": fps}
        video = ember.from_numpy(frames)
        if self.frame_rate is not None:
            resampling_idx = self.resampling_idxs[video_idx][clip_idx]
            if isinstance(resampling_idx, ember.Tensor):
                resampling_idx = resampling_idx - resampling_idx[0]
            video = video[resampling_idx]
            info["video_fps"] = self.frame_rate
        if self.output_format == "TCHW":
            # a permuted view, channels-last in memory, as torchvision's frames are
            video = video.permute(0, 3, 1, 2)
        assert len(video) == self.num_frames, f"{video.shape} x {self.num_frames}"
        return video, audio, info, video_idx

    def __getstate__(self):
        video_pts_sizes = [len(v) for v in self.video_pts]
        # int64 for old pickles whose empty lists became float tensors
        video_pts = [x.to(ember.int64) for x in self.video_pts]
        if video_pts:
            video_pts = ember.cat(video_pts).numpy()
        state = self.__dict__.copy()
        state["video_pts_sizes"] = video_pts_sizes
        state["video_pts"] = video_pts
        # derived from the rest: rebuilt by __setstate__
        del state["clips"]
        del state["resampling_idxs"]
        del state["cumulative_sizes"]
        state["_version"] = 2
        return state

    def __setstate__(self, state):
        if "_version" not in state:
            self.__dict__ = state
            return
        video_pts = ember.as_tensor(state["video_pts"], dtype=ember.int64)
        video_pts = ember.split(video_pts, state["video_pts_sizes"], dim=0)
        del state["video_pts_sizes"]
        state["video_pts"] = video_pts
        self.__dict__ = state
        self.compute_clips(self.num_frames, self.step, self.frame_rate)
