"""ember.vision.io's read_video / read_video_timestamps / write_video against torchvision's PyAV back end on tiny
lossless videos written by the test (tests/fixtures/vision/video_io.json, recorded by scripts/record_video_io.py
from torchvision 0.23, the last release with these functions)."""
import json
import sys
import warnings
from pathlib import Path

import pytest

pytest.importorskip("av")

import ember  # noqa: E402
from ember.vision import io  # noqa: E402
from tests.vision.datasets import _video_files as files  # noqa: E402
from tests.vision.io._video_io_scenarios import run_scenarios  # noqa: E402

RECORD = json.loads((Path(__file__).resolve().parents[2] / "fixtures" / "vision" / "video_io.json").read_text())


@pytest.fixture(scope="module")
def ember_outcome(tmp_path_factory):
    root = tmp_path_factory.mktemp("video_io")
    outcome = run_scenarios(io, ember, root)
    return json.loads(json.dumps(outcome).replace(str(root), "<root>"))


@pytest.mark.parametrize("scenario", sorted(RECORD["scenarios"]))
def test_scenario_matches_torchvision_recording(ember_outcome, scenario):
    assert ember_outcome[scenario] == RECORD["scenarios"][scenario]


def test_the_recording_covers_every_scenario(ember_outcome):
    assert sorted(ember_outcome) == sorted(RECORD["scenarios"])


def test_the_deprecation_warning_points_at_the_caller(tmp_path):
    path = str(tmp_path / "clip.avi")
    files.write_video(path, 3, 5, seed=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        io.read_video(path, pts_unit="sec")
    assert [w.filename for w in caught] == [__file__]
    assert "deprecated from version 0.22" in str(caught[0].message)


def test_written_frames_come_back_exactly_with_an_rgb_codec(tmp_path):
    frames = ember.from_numpy(files.frames_of(6, seed=3))
    path = str(tmp_path / "out.mkv")
    with pytest.warns(UserWarning, match="deprecated"):
        io.write_video(path, frames, 4, video_codec="libx264rgb", options={"qp": "0"})
    with pytest.warns(UserWarning, match="deprecated"):
        video, audio, info = io.read_video(path, pts_unit="sec", output_format="TCHW")
    assert ember.equal(video, frames.permute(0, 3, 1, 2))
    assert info == {"video_fps": 4.0} and audio.shape == (1, 0)


def test_without_pyav_the_error_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "av", None)
    with pytest.warns(UserWarning, match="deprecated"), pytest.raises(ImportError, match="pip install av"):
        io.read_video(str(tmp_path / "clip.mp4"))


def test_exported_from_the_io_package():
    for name in ("read_video", "read_video_timestamps", "write_video"):
        assert name in io.__all__ and getattr(io, name) is getattr(io.video, name)
