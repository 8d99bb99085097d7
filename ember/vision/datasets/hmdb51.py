"""HMDB51 action recognition: ``root/<class>/<video>.avi`` and the official split files
``<class>_test_splitN.txt`` (lines ``<video>.avi <tag>``: 1 train, 2 test, 0 unused)."""
import glob
import os

from ember.vision.datasets.folder import find_classes, make_dataset
from ember.vision.datasets.video_utils import VideoClips
from ember.vision.datasets.vision import VisionDataset


class HMDB51(VisionDataset):
    """`HMDB51 <https://serre-lab.clps.brown.edu/resource/hmdb-a-large-human-motion-database/>`_: 51 action
    classes; each item is a clip of ``frames_per_clip`` frames, clips start ``step_between_clips`` frames apart,
    and frames at the end of a video that do not fill a clip are left out.

    Args:
        root (str or ``pathlib.Path``): the folder of class folders of ``.avi`` videos.
        annotation_path (str): the folder holding the ``*_test_split{fold}.txt`` files.
        frames_per_clip (int): frames in a clip.
        step_between_clips (int): frames between the starts of consecutive clips.
        frame_rate (int, optional): resample the videos to this rate before cutting clips.
        fold (int, optional): which of the three official splits, 1 to 3.
        train (bool, optional): the videos tagged for training if True, else those tagged for testing.
        transform (callable, optional): applied to each clip's video tensor.
        num_workers (int): subprocesses scanning the videos when the dataset is built.
        output_format (str, optional): "THWC" (default) or "TCHW", the layout of the video tensors.

    Returns:
        tuple: (video uint8 ``[T, H, W, C]`` or ``[T, C, H, W]``, audio float ``[K, L]`` (channels, samples),
        class index).
    """

    data_url = "https://serre-lab.clps.brown.edu/wp-content/uploads/2013/10/hmdb51_org.rar"
    splits = {
        "url": "https://serre-lab.clps.brown.edu/wp-content/uploads/2013/10/test_train_splits.rar",
        "md5": "15e67781e70dcfbdce2d7dbb9b3344b5",
    }
    TRAIN_TAG = 1
    TEST_TAG = 2

    def __init__(self, root, annotation_path, frames_per_clip, step_between_clips=1, frame_rate=None, fold=1,
                 train=True, transform=None, _precomputed_metadata=None, num_workers=1, _video_width=0,
                 _video_height=0, _video_min_dimension=0, _audio_samples=0, output_format="THWC"):
        super().__init__(root)
        if fold not in (1, 2, 3):
            raise ValueError(f"fold should be between 1 and 3, got {fold}")
        self.classes, class_to_idx = find_classes(self.root)
        self.samples = make_dataset(self.root, class_to_idx, ("avi",))
        video_paths = [path for path, _ in self.samples]
        video_clips = VideoClips(video_paths, frames_per_clip, step_between_clips, frame_rate, _precomputed_metadata,
                                 num_workers=num_workers, _video_width=_video_width, _video_height=_video_height,
                                 _video_min_dimension=_video_min_dimension, _audio_samples=_audio_samples,
                                 output_format=output_format)
        # the metadata describes every video, not just this split's
        self.full_video_clips = video_clips
        self.fold = fold
        self.train = train
        self.indices = self._select_fold(video_paths, annotation_path, fold, train)
        self.video_clips = video_clips.subset(self.indices)
        self.transform = transform

    @property
    def metadata(self):
        return self.full_video_clips.metadata

    def _select_fold(self, video_list, annotations_dir, fold, train):
        wanted_tag = self.TRAIN_TAG if train else self.TEST_TAG
        selected = set()
        for split_file in glob.glob(os.path.join(annotations_dir, f"*test_split{fold}.txt")):
            with open(split_file) as fid:
                for line in fid.readlines():
                    video_filename, tag = line.split()
                    if int(tag) == wanted_tag:
                        selected.add(video_filename)
        return [i for i, path in enumerate(video_list) if os.path.basename(path) in selected]

    def __len__(self):
        return self.video_clips.num_clips()

    def __getitem__(self, idx):
        video, audio, _, video_idx = self.video_clips.get_clip(idx)
        _, class_index = self.samples[self.indices[video_idx]]
        if self.transform is not None:
            video = self.transform(video)
        return video, audio, class_index
