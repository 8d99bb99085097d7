"""The video dataset scenarios run under torchvision (scripts/record_video_datasets.py records the outcome) and
under ember.vision (tests/vision/datasets/test_video_datasets.py compares): clip indices, frame-rate resampling,
decoded clips, samplers, the three datasets' folder layouts and split files, and their errors.

A clip is described by the frame numbers it holds (written into each frame by _video_files) after checking that
its pixels are exactly the frames written; audio by where its samples sit in the written track.
"""
import os
import warnings

import numpy as np

from tests.vision.datasets import _video_files as files


def _relative(path, root):
    return os.path.relpath(os.fspath(path), root).replace(os.sep, "/")


def _describe_clip(video, audio, root_frames, sounds, name, layout):
    layout_in_memory = {"stride": list(video.stride()), "audio_stride": list(audio.stride())}
    video = np.asarray(video.numpy())
    if layout == "TCHW":
        video = video.transpose(0, 2, 3, 1)
    frames = root_frames[name]
    ids = [int(v) for v in video[:, 0, 0, 0]]
    assert (video == frames[ids]).all(), f"pixels of {name} differ from the frames written"
    audio = np.asarray(audio.numpy())
    out = {"frames": ids, "shape": list(video.shape), "audio_shape": list(audio.shape), "audio_dtype": str(audio.dtype),
           **layout_in_memory}
    if audio.shape[1]:
        track = sounds[name].astype(np.float32) / 32768
        starts = [s for s in range(track.shape[1] - audio.shape[1] + 1)
                  if np.array_equal(track[:, s:s + audio.shape[1]], audio)]
        assert starts, f"audio of {name} is not a piece of the track written"
        out["audio_start"] = starts[0]
    return out


def _error(fn):
    try:
        fn()
    except Exception as error:  # noqa: BLE001 - the type and text are the result
        return [type(error).__name__, str(error)]
    return None


def run_scenarios(vision, torch, root):
    """Everything the scenarios observe, as JSON-ready data; ``vision`` is torchvision or ember.vision and
    ``torch`` torch or ember."""
    from importlib import import_module

    video_utils = import_module(vision.__name__ + ".datasets.video_utils")
    samplers = import_module(vision.__name__ + ".datasets.samplers")
    datasets = vision.datasets
    VideoClips = video_utils.VideoClips

    root = os.fspath(root)
    written = files.write_class_folders(os.path.join(root, "videos"))
    sounds = {name: files.sound_of(n, fps, seed, ch) for seed, (_, name, n, fps, ch) in enumerate(files.VIDEOS) if ch}
    paths = [os.path.join(root, "videos", cls, name) for cls, name, *_ in files.VIDEOS]
    out = {}

    def clip_name(vc, video_idx):
        return os.path.basename(vc.video_paths[video_idx])

    def describe_clips(vc):
        clips = []
        for i in range(vc.num_clips()):
            video, audio, info, video_idx = vc.get_clip(i)
            entry = _describe_clip(video, audio, written, sounds, clip_name(vc, video_idx), vc.output_format)
            entry.update(video_idx=video_idx, info={k: [type(v).__name__, v] for k, v in info.items()})
            clips.append(entry)
        return clips

    for key, (length, step, rate, layout) in {"plain": (5, 3, None, "THWC"), "down": (4, 2, 4, "THWC"),
                                              "up": (3, 4, 10, "TCHW"), "whole": (10, 10, None, "thwc")}.items():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            vc = VideoClips(paths, clip_length_in_frames=length, frames_between_clips=step, frame_rate=rate,
                            num_workers=0, output_format=layout)
        out[f"clips_{key}"] = {
            "num_clips": vc.num_clips(), "len": len(vc), "num_videos": vc.num_videos(),
            "cumulative_sizes": vc.cumulative_sizes,
            "clips": [c.tolist() for c in vc.clips],
            "resampling": [[[s.start, s.stop, s.step]] if isinstance(s, slice) else ["tensor", s.tolist()]
                           for r in vc.resampling_idxs for s in (r if isinstance(r, list) else [r])],
            "fps": [[type(f).__name__, f] for f in vc.video_fps],
            "pts": [p.tolist() for p in vc.metadata["video_pts"]],
            "pts_dtype": str(vc.metadata["video_pts"][0].dtype).split(".")[-1],
            "locations": [list(vc.get_clip_location(i)) for i in range(vc.num_clips())],
            "warnings": sorted({str(w.message) for w in caught}),
            "items": describe_clips(vc),
            "out_of_range": _error(lambda: vc.get_clip(vc.num_clips())),
        }

    vc = VideoClips(paths, 4, 3, num_workers=0)
    sub = vc.subset([4, 1])
    out["subset"] = {"paths": [_relative(p, root) for p in sub.video_paths], "num_clips": sub.num_clips(),
                     "clips": [c.tolist() for c in sub.clips], "first": describe_clips(sub)[:2]}
    again = VideoClips(paths[:3], 2, 5, frame_rate=3, _precomputed_metadata={
        "video_paths": paths[:3], "video_pts": vc.video_pts[:3], "video_fps": vc.video_fps[:3]})
    out["precomputed"] = {"num_clips": again.num_clips(), "clips": [c.tolist() for c in again.clips]}
    vc.compute_clips(6, 1, frame_rate=7)
    out["recomputed"] = {"cumulative_sizes": vc.cumulative_sizes, "clips": [c.tolist() for c in vc.clips]}
    out["bad_format"] = _error(lambda: VideoClips(paths, output_format="CHW"))
    # files that are not videos: the error types (their texts name the decoder's internals)
    not_video = os.path.join(root, "not_video.avi")
    with open(not_video, "w") as f:
        f.write("not a video")
    sound_only = os.path.join(root, "sound_only.wav")
    files.write_sound_only(sound_only)
    out["scan_errors"] = [_error(lambda: VideoClips([p], 4, num_workers=0))[0]
                          for p in (not_video, os.path.join(root, "missing.avi"), sound_only)]
    out["unfold"] = [video_utils.unfold(torch.arange(10), 3, 2, d).tolist() for d in (1, 2, 4)]
    out["unfold_short"] = list(video_utils.unfold(torch.arange(3), 5, 1).shape)
    out["unfold_2d"] = _error(lambda: video_utils.unfold(torch.zeros(2, 2), 1, 1))

    vc = VideoClips(paths, 3, 2, num_workers=0)
    out["uniform"] = {"len": len(samplers.UniformClipSampler(vc, 4)), "order": list(samplers.UniformClipSampler(vc, 4))}
    torch.manual_seed(0)
    out["random"] = {"len": len(samplers.RandomClipSampler(vc, 2)), "order": list(samplers.RandomClipSampler(vc, 2))}
    out["sampler_type"] = _error(lambda: samplers.UniformClipSampler([1, 2], 3))
    out["random_type"] = _error(lambda: samplers.RandomClipSampler(None, 3))
    distributed = {}
    for shuffle in (False, True):
        for group in (1, 2):
            for rank in range(4):
                s = samplers.DistributedSampler(list(range(14)), num_replicas=4, rank=rank, shuffle=shuffle,
                                                group_size=group)
                s.set_epoch(3)
                distributed[f"{shuffle}-{group}-{rank}"] = [len(s), list(s)]
    inner = samplers.UniformClipSampler(vc, 2)
    distributed["over_sampler"] = list(samplers.DistributedSampler(inner, num_replicas=3, rank=1, group_size=2))
    out["distributed"] = distributed
    out["distributed_group"] = _error(lambda: samplers.DistributedSampler(list(range(5)), 2, 0, group_size=2))

    videos = os.path.join(root, "videos")
    ucf_splits, hmdb_splits = os.path.join(root, "ucf_splits"), os.path.join(root, "hmdb_splits")
    files.write_ucf101_splits(ucf_splits)
    files.write_hmdb51_splits(hmdb_splits)

    def describe_dataset(ds, layout):
        empty = _error(lambda: len(ds))
        if empty:
            # no video in the split: no clips, and len() fails on the empty index as torchvision's does
            return {"len_error": empty, "indices": ds.indices}
        items = []
        for i in range(len(ds)):
            video, audio, label = ds[i]
            _, _, _, video_idx = ds.video_clips.get_clip(i)
            name = clip_name(ds.video_clips, video_idx)
            items.append(dict(_describe_clip(video, audio, written, sounds, name, layout), label=label, video=name))
        return {"len": len(ds), "classes": getattr(ds, "classes", None),
                "samples": [[_relative(p, root), c] for p, c in ds.samples],
                "metadata_paths": [_relative(p, root) for p in ds.metadata["video_paths"]],
                "indices": getattr(ds, "indices", None), "items": items}

    for fold in (1, 2, 3):
        for train in (True, False):
            ds = datasets.UCF101(videos, ucf_splits, frames_per_clip=5, step_between_clips=5, fold=fold, train=train,
                                 num_workers=0)
            out[f"ucf101_{fold}_{train}"] = describe_dataset(ds, "THWC")
            ds = datasets.HMDB51(videos, hmdb_splits, frames_per_clip=4, step_between_clips=3, fold=fold,
                                 train=train, num_workers=0, output_format="TCHW")
            out[f"hmdb51_{fold}_{train}"] = describe_dataset(ds, "TCHW")
    wrapped = datasets.wrap_dataset_for_transforms_v2(
        datasets.HMDB51(videos, hmdb_splits, frames_per_clip=4, step_between_clips=3, num_workers=0,
                        output_format="TCHW"))
    video, audio, label = wrapped[1]
    out["hmdb51_wrapped_v2"] = {"len": len(wrapped), "video_type": type(video).__name__, "label": label,
                                "audio_type": type(audio).__name__, "shape": list(video.shape),
                                "wrapped_class": type(wrapped).__name__}
    out["ucf101_wrapped_thwc"] = _error(lambda: datasets.wrap_dataset_for_transforms_v2(
        datasets.UCF101(videos, ucf_splits, frames_per_clip=5, num_workers=0)))
    ds = datasets.UCF101(videos, ucf_splits, frames_per_clip=3, step_between_clips=2, frame_rate=4,
                         transform=lambda v: v[:, :2], num_workers=0)
    out["ucf101_resampled"] = {"len": len(ds), "shapes": [list(ds[i][0].shape) for i in range(len(ds))]}
    out["ucf101_fold"] = _error(lambda: datasets.UCF101(videos, ucf_splits, 5, fold=4))
    out["hmdb51_fold"] = _error(lambda: datasets.HMDB51(videos, hmdb_splits, 5, fold=0))

    kinetics_root = os.path.join(root, "kinetics")
    os.makedirs(kinetics_root, exist_ok=True)
    os.symlink(videos, os.path.join(kinetics_root, "val"))
    ds = datasets.Kinetics(kinetics_root, frames_per_clip=4, split="val", step_between_clips=3, num_workers=0)
    out["kinetics_val"] = describe_dataset(ds, "TCHW")
    ds = datasets.Kinetics(videos, frames_per_clip=6, step_between_clips=4, _legacy=True, num_workers=0,
                           output_format="TCHW", extensions=("avi",))
    out["kinetics_legacy"] = describe_dataset(ds, "THWC")
    # download=True with the videos already fetched (flat in the split folder) and the annotations present:
    # only the sorting into class folders runs, named from the CSV's labels
    sorted_root = os.path.join(root, "kinetics_sorted")
    os.makedirs(os.path.join(sorted_root, "annotations"))
    os.makedirs(os.path.join(sorted_root, "test"))
    rows = [("abc", 3, 13, "brush hair"), ("d-e", 0, 10, "cartwheel (gym)"), ("xyz", 125, 135, "dive's"),
            ("gone", 1, 2, "never downloaded")]
    with open(os.path.join(sorted_root, "annotations", "test.csv"), "w") as f:
        f.write("label,youtube_id,time_start,time_end,split\n")
        f.writelines(f'"{label}",{yt},{start},{end},test\n' for yt, start, end, label in rows)
    for (yt, start, end, _), seed in zip(rows[:3], range(3)):
        files.write_video(os.path.join(sorted_root, "test", f"{yt}_{start:06}_{end:06}.mp4"), 6, 5, seed)
    # the row whose video never arrived leaves an empty class folder, which the folder scan refuses
    refused = _error(lambda: datasets.Kinetics(sorted_root, frames_per_clip=3, split="test", download=True,
                                               num_workers=0))
    folders = sorted(os.listdir(os.path.join(sorted_root, "test")))
    os.rmdir(os.path.join(sorted_root, "test", "never_downloaded"))
    ds = datasets.Kinetics(sorted_root, frames_per_clip=3, split="test", step_between_clips=3, num_workers=0)
    out["kinetics_download_sorting"] = {
        "error": refused, "folders": folders, "classes": ds.classes, "len": len(ds),
        "samples": [[_relative(p, sorted_root), c] for p, c in ds.samples]}
    out["kinetics_split"] = _error(lambda: datasets.Kinetics(kinetics_root, 4, split="dev"))
    out["kinetics_classes"] = _error(lambda: datasets.Kinetics(kinetics_root, 4, num_classes="500"))
    out["kinetics_legacy_download"] = _error(lambda: datasets.Kinetics(videos, 4, _legacy=True, download=True))
    return out
