"""VideoClips, the clip samplers and the UCF101 / HMDB51 / Kinetics datasets on tiny lossless videos written by the
test, against what torchvision 0.28 gave on the same files (tests/fixtures/vision/video_datasets.json, recorded by
scripts/record_video_datasets.py), and against live torchvision where it can decode video here."""
import json
import pickle
import sys
from pathlib import Path

import pytest

pytest.importorskip("av")

import ember  # noqa: E402
import ember.vision  # noqa: E402
from ember.vision.datasets import UCF101, samplers  # noqa: E402
from ember.vision.datasets.video_utils import VideoClips  # noqa: E402
from tests.vision.datasets import _video_files as files  # noqa: E402
from tests.vision.datasets._video_scenarios import run_scenarios  # noqa: E402

RECORD = json.loads((Path(__file__).resolve().parents[2] / "fixtures" / "vision" / "video_datasets.json").read_text())


@pytest.fixture(scope="module")
def ember_outcome(tmp_path_factory):
    return run_scenarios(ember.vision, ember, tmp_path_factory.mktemp("video"))


@pytest.mark.parametrize("scenario", sorted(RECORD["scenarios"]))
def test_scenario_matches_torchvision_recording(ember_outcome, scenario):
    expected = RECORD["scenarios"][scenario]
    assert ember_outcome[scenario] == json.loads(json.dumps(expected))


def test_the_recording_covers_every_scenario(ember_outcome):
    assert sorted(ember_outcome) == sorted(RECORD["scenarios"])


def _torchvision_that_decodes():
    try:
        import torch
        import torchvision
        import torchvision.datasets.samplers  # noqa: F401
        from torchcodec.decoders import VideoDecoder  # noqa: F401
    except Exception:  # noqa: BLE001 - missing, or TorchCodec without the FFmpeg libraries it needs
        return None
    return torch, torchvision


def test_same_as_live_torchvision(tmp_path, ember_outcome):
    found = _torchvision_that_decodes()
    if found is None:
        pytest.skip("torchvision cannot decode video here (TorchCodec with FFmpeg needed)")
    torch, torchvision = found
    theirs = run_scenarios(torchvision, torch, tmp_path)
    assert json.loads(json.dumps(theirs)) == json.loads(json.dumps(ember_outcome))


@pytest.fixture
def videos(tmp_path):
    files.write_class_folders(tmp_path / "videos")
    return sorted(str(p) for p in (tmp_path / "videos").glob("*/*.avi"))


def test_workers_scan_as_the_main_process_does(videos):
    alone = VideoClips(videos, 4, 2, num_workers=0)
    helped = VideoClips(videos, 4, 2, num_workers=2)
    assert [p.tolist() for p in helped.video_pts] == [p.tolist() for p in alone.video_pts]
    assert helped.video_fps == alone.video_fps
    assert [c.tolist() for c in helped.clips] == [c.tolist() for c in alone.clips]


def test_pickles_without_its_clip_index_and_rebuilds_it(videos):
    clips = VideoClips(videos, 3, 2, frame_rate=4, num_workers=0)
    state = clips.__getstate__()
    assert "clips" not in state and state["_version"] == 2 and state["video_pts"].dtype.name == "int64"
    again = pickle.loads(pickle.dumps(clips))
    assert again.cumulative_sizes == clips.cumulative_sizes
    assert [c.tolist() for c in again.clips] == [c.tolist() for c in clips.clips]
    first, *_ = again.get_clip(5)
    assert ember.equal(first, clips.get_clip(5)[0])


def test_metadata_feeds_a_new_dataset_without_a_rescan(tmp_path, monkeypatch):
    files.write_class_folders(tmp_path / "videos")
    files.write_ucf101_splits(tmp_path / "splits")
    full = UCF101(tmp_path / "videos", tmp_path / "splits", 5, step_between_clips=5, num_workers=0)
    import ember.vision.datasets.video_utils as video_utils

    def no_scan(self):
        raise AssertionError("scanned the videos again")
    monkeypatch.setattr(video_utils.VideoClips, "_compute_frame_pts", no_scan)
    again = UCF101(tmp_path / "videos", tmp_path / "splits", 5, step_between_clips=5, train=False,
                   _precomputed_metadata=full.metadata, num_workers=0)
    assert again.metadata["video_paths"] == full.metadata["video_paths"]
    video, audio, label = again[0]
    assert video.shape == (5, files.HEIGHT, files.WIDTH, 3) and video.dtype == ember.uint8 and label == 0


def test_resizing_arguments_are_refused(videos):
    with pytest.raises(ValueError, match="_video_width=112 is not supported"):
        VideoClips(videos, 4, _video_width=112, num_workers=0)
    with pytest.raises(ValueError, match="_audio_channels=1 is not supported"):
        VideoClips(videos, 4, _audio_channels=1, num_workers=0)


def test_without_pyav_the_error_says_what_to_install(videos, monkeypatch):
    monkeypatch.setitem(sys.modules, "av", None)
    with pytest.raises(ImportError, match="pip install av"):
        VideoClips(videos, 4, num_workers=0)


def test_distributed_sampler_reads_the_process_group_when_not_told():
    import ember.distributed as dist
    if dist.is_available():
        pytest.skip("ember.distributed is available here: the default reads the group")
    with pytest.raises(RuntimeError, match="Requires distributed package to be available"):
        samplers.DistributedSampler(list(range(4)))


def _write_reordered_avi(path, num_frames=30):
    """H.264 with B-frames in AVI: the container's timestamps do not follow the frames' reordering and it flags
    frames as key frames that are not."""
    import av
    import numpy as np

    rng = np.random.default_rng(0)
    base = rng.integers(0, 256, (48, 64, 3), dtype=np.uint8)
    with av.open(path, "w") as container:
        try:
            stream = container.add_stream("libx264", rate=25)
        except (ValueError, av.FFmpegError):
            pytest.skip("this PyAV build has no H.264 encoder")
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        stream.codec_context.max_b_frames = 2
        stream.codec_context.gop_size = 8
        for i in range(num_frames):
            for packet in stream.encode(av.VideoFrame.from_ndarray(np.roll(base, 3 * i, 1), format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


def test_clips_of_a_reordered_avi_are_the_frames_the_decoder_shows(tmp_path):
    import av
    import numpy as np

    path = str(tmp_path / "reordered.avi")
    _write_reordered_avi(path)
    with av.open(path) as container:
        shown = np.stack([frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)])
    clips = VideoClips([path], 5, 4, num_workers=0)
    assert clips.num_clips() == 7
    for i in range(clips.num_clips()):
        video, _, _, _ = clips.get_clip(i)
        assert np.array_equal(video.numpy(), shown[4 * i:4 * i + 5]), i
