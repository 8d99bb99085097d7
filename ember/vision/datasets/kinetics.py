"""Kinetics-400/600/700 action recognition: ``root/<split>/<class>/<video>.mp4`` (or ``.avi``); with
``download=True``, the videos of a split are fetched from the official archive lists and sorted into class
folders by the split's annotation CSV."""
import csv
import os
import urllib.parse
from functools import partial
from multiprocessing import Pool

from ember.vision.datasets._download import (check_integrity, download_and_extract_archive, download_url,
                                             verify_str_arg)
from ember.vision.datasets.folder import find_classes, make_dataset
from ember.vision.datasets.video_utils import VideoClips
from ember.vision.datasets.vision import VisionDataset


def _dl_wrap(tarpath, videopath, line):
    # a top-level function, so that a process pool can pickle it
    download_and_extract_archive(line, tarpath, videopath)


class Kinetics(VisionDataset):
    """`Kinetics <https://www.deepmind.com/open-source/kinetics>`_ 400, 600 or 700: each item is a clip of
    ``frames_per_clip`` frames, clips start ``step_between_clips`` frames apart, and frames at the end of a video
    that do not fill a clip are left out.

    The layout is ``root/<split>/<class>/<video>``; with ``_legacy=True`` it is ``root/<class>/<video>`` (no split
    folder) and the clips are always ``THWC``.

    Args:
        root (str or ``pathlib.Path``): the dataset's folder.
        frames_per_clip (int): frames in a clip.
        num_classes (str): "400", "600" or "700".
        split (str): "train", "val" or "test".
        frame_rate (float, optional): resample the videos to this rate before cutting clips.
        step_between_clips (int): frames between the starts of consecutive clips.
        transform (callable, optional): applied to each clip's video tensor.
        extensions (tuple[str]): the video file extensions to collect.
        download (bool): fetch and sort the split's videos (the split folder must not exist yet).
        num_download_workers (int): processes downloading in parallel.
        num_workers (int): subprocesses scanning the videos when the dataset is built.
        output_format (str, optional): "TCHW" (default) or "THWC", the layout of the video tensors.

    Returns:
        tuple: (video uint8 ``[T, C, H, W]`` or ``[T, H, W, C]``, audio float ``[K, L]`` (channels, samples),
        class index).
    """

    _TAR_URLS = {
        "400": "https://s3.amazonaws.com/kinetics/400/{split}/k400_{split}_path.txt",
        "600": "https://s3.amazonaws.com/kinetics/600/{split}/k600_{split}_path.txt",
        "700": "https://s3.amazonaws.com/kinetics/700_2020/{split}/k700_2020_{split}_path.txt",
    }
    _ANNOTATION_URLS = {
        "400": "https://s3.amazonaws.com/kinetics/400/annotations/{split}.csv",
        "600": "https://s3.amazonaws.com/kinetics/600/annotations/{split}.csv",
        "700": "https://s3.amazonaws.com/kinetics/700_2020/annotations/{split}.csv",
    }

    def __init__(self, root, frames_per_clip, num_classes="400", split="train", frame_rate=None,
                 step_between_clips=1, transform=None, extensions=("avi", "mp4"), download=False,
                 num_download_workers=1, num_workers=1, _precomputed_metadata=None, _video_width=0,
                 _video_height=0, _video_min_dimension=0, _audio_samples=0, _audio_channels=0, _legacy=False,
                 output_format="TCHW"):
        self.num_classes = verify_str_arg(num_classes, arg="num_classes", valid_values=["400", "600", "700"])
        self.extensions = extensions
        self.num_download_workers = num_download_workers
        self.root = root
        self._legacy = _legacy
        if _legacy:
            self.split_folder = root
            self.split = "unknown"
            output_format = "THWC"
            if download:
                raise ValueError("Cannot download the videos using legacy_structure.")
        else:
            self.split_folder = os.path.join(root, split)
            self.split = verify_str_arg(split, arg="split", valid_values=["train", "val", "test"])
        if download:
            self.download_and_process_videos()
        super().__init__(self.root)
        self.classes, class_to_idx = find_classes(self.split_folder)
        self.samples = make_dataset(self.split_folder, class_to_idx, extensions, is_valid_file=None)
        video_list = [path for path, _ in self.samples]
        self.video_clips = VideoClips(video_list, frames_per_clip, step_between_clips, frame_rate,
                                      _precomputed_metadata, num_workers=num_workers, _video_width=_video_width,
                                      _video_height=_video_height, _video_min_dimension=_video_min_dimension,
                                      _audio_samples=_audio_samples, _audio_channels=_audio_channels,
                                      output_format=output_format)
        self.transform = transform

    def download_and_process_videos(self):
        """Download the split's videos and sort them into class folders."""
        self._download_videos()
        self._make_ds_structure()

    def _download_videos(self):
        """Fetch the split's archives into ``root/tars`` and unpack them into the split folder; nothing happens
        when the split folder already exists (so that a finished download is not repeated)."""
        if os.path.exists(self.split_folder):
            return
        tar_path = os.path.join(self.root, "tars")
        file_list_path = os.path.join(self.root, "files")
        split_url = self._TAR_URLS[self.num_classes].format(split=self.split)
        split_url_filepath = os.path.join(file_list_path, os.path.basename(split_url))
        if not check_integrity(split_url_filepath):
            download_url(split_url, file_list_path)
        with open(split_url_filepath) as file:
            urls = [urllib.parse.quote(line, safe="/,:") for line in file.read().splitlines()]
        if self.num_download_workers == 1:
            for url in urls:
                download_and_extract_archive(url, tar_path, self.split_folder)
        else:
            with Pool(self.num_download_workers) as pool:
                pool.map(partial(_dl_wrap, tar_path, self.split_folder), urls)

    def _make_ds_structure(self):
        """Move ``<split>/<youtube_id>_<start>_<end>.mp4`` into ``<split>/<label>/`` as the annotation CSV says."""
        annotation_path = os.path.join(self.root, "annotations")
        if not check_integrity(os.path.join(annotation_path, f"{self.split}.csv")):
            download_url(self._ANNOTATION_URLS[self.num_classes].format(split=self.split), annotation_path)
        annotations = os.path.join(annotation_path, f"{self.split}.csv")
        with open(annotations) as csvfile:
            for row in csv.DictReader(csvfile):
                filename = f"{row['youtube_id']}_{int(row['time_start']):06}_{int(row['time_end']):06}.mp4"
                label = row["label"].replace(" ", "_").replace("'", "").replace("(", "").replace(")", "")
                os.makedirs(os.path.join(self.split_folder, label), exist_ok=True)
                downloaded_file = os.path.join(self.split_folder, filename)
                if os.path.isfile(downloaded_file):
                    os.replace(downloaded_file, os.path.join(self.split_folder, label, filename))

    @property
    def metadata(self):
        return self.video_clips.metadata

    def __len__(self):
        return self.video_clips.num_clips()

    def __getitem__(self, idx):
        video, audio, info, video_idx = self.video_clips.get_clip(idx)
        label = self.samples[video_idx][1]
        if self.transform is not None:
            video = self.transform(video)
        return video, audio, label
