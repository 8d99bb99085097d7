"""UCF101 action recognition: ``root/<class>/<video>.avi`` and the official split files ``trainlist0N.txt`` /
``testlist0N.txt`` (lines ``<class>/<video>.avi [label]``)."""
import os

from ember.vision.datasets.folder import find_classes, make_dataset
from ember.vision.datasets.video_utils import VideoClips
from ember.vision.datasets.vision import VisionDataset


class UCF101(VisionDataset):
    """`UCF101 <https://www.crcv.ucf.edu/data/UCF101.php>`_: 101 action classes; each item is a clip of
    ``frames_per_clip`` frames, clips start ``step_between_clips`` frames apart, and frames at the end of a video
    that do not fill a clip are left out (2 videos of 10 and 15 frames with ``frames_per_clip=5`` and
    ``step_between_clips=5`` give 2 + 3 = 5 items). The split files ``annotation_path`` points to come from
    https://www.crcv.ucf.edu/data/UCF101/UCF101TrainTestSplits-RecognitionTask.zip.

    Args:
        root (str or ``pathlib.Path``): the folder of class folders of ``.avi`` videos.
        annotation_path (str): the folder holding the split files.
        frames_per_clip (int): frames in a clip.
        step_between_clips (int, optional): frames between the starts of consecutive clips.
        frame_rate (int, optional): resample the videos to this rate before cutting clips.
        fold (int, optional): which of the three official splits, 1 to 3.
        train (bool, optional): the split's training videos if True, else its test videos.
        transform (callable, optional): applied to each clip's video tensor.
        num_workers (int): subprocesses scanning the videos when the dataset is built.
        output_format (str, optional): "THWC" (default) or "TCHW", the layout of the video tensors.

    Returns:
        tuple: (video uint8 ``[T, H, W, C]`` or ``[T, C, H, W]``, audio float ``[K, L]`` (channels, samples),
        class index).
    """

    def __init__(self, root, annotation_path, frames_per_clip, step_between_clips=1, frame_rate=None, fold=1,
                 train=True, transform=None, _precomputed_metadata=None, num_workers=1, _video_width=0,
                 _video_height=0, _video_min_dimension=0, _audio_samples=0, output_format="THWC"):
        super().__init__(root)
        if not 1 <= fold <= 3:
            raise ValueError(f"fold should be between 1 and 3, got {fold}")
        self.fold = fold
        self.train = train
        self.classes, class_to_idx = find_classes(self.root)
        self.samples = make_dataset(self.root, class_to_idx, ("avi",), is_valid_file=None)
        video_list = [path for path, _ in self.samples]
        video_clips = VideoClips(video_list, frames_per_clip, step_between_clips, frame_rate, _precomputed_metadata,
                                 num_workers=num_workers, _video_width=_video_width, _video_height=_video_height,
                                 _video_min_dimension=_video_min_dimension, _audio_samples=_audio_samples,
                                 output_format=output_format)
        # the metadata describes every video, not just this split's
        self.full_video_clips = video_clips
        self.indices = self._select_fold(video_list, annotation_path, fold, train)
        self.video_clips = video_clips.subset(self.indices)
        self.transform = transform

    @property
    def metadata(self):
        return self.full_video_clips.metadata

    def _select_fold(self, video_list, annotation_path, fold, train):
        name = f"{'train' if train else 'test'}list{fold:02d}.txt"
        with open(os.path.join(annotation_path, name)) as fid:
            entries = [line.strip().split(" ")[0] for line in fid.readlines()]
        selected = {os.path.join(self.root, *entry.split("/")) for entry in entries}
        return [i for i, path in enumerate(video_list) if path in selected]

    def __len__(self):
        return self.video_clips.num_clips()

    def __getitem__(self, idx):
        video, audio, info, video_idx = self.video_clips.get_clip(idx)
        label = self.samples[self.indices[video_idx]][1]
        if self.transform is not None:
            video = self.transform(video)
        return video, audio, label
