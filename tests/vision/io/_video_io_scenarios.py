"""read_video / read_video_timestamps / write_video scenarios, run under torchvision 0.23's PyAV back end (the
last torchvision with them; scripts/record_video_io.py records the outcome) and under ember.vision.io
(tests/vision/io/test_video.py compares). The files are lossless (PNG frames, PCM sound, or libx264rgb at qp 0),
so the outcome does not depend on the FFmpeg build."""
import hashlib
import os
import warnings
from fractions import Fraction

import numpy as np

from tests.vision.datasets import _video_files as files


def _value(v):
    if isinstance(v, Fraction):
        return ["Fraction", v.numerator, v.denominator]
    return [type(v).__name__, v]


def _outcome(fn):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result, error = fn(), None
        except Exception as e:  # noqa: BLE001 - the type and text are the result
            result, error = None, [type(e).__name__, str(e)]
    return result, error, [[w.category.__name__, str(w.message)] for w in caught]


def _describe_read(result, frames, layout):
    video, audio, info = result
    strides = {"video_stride": list(video.stride()), "audio_stride": list(audio.stride())}
    video = np.asarray(video.numpy())
    out = {"video_shape": list(video.shape), "video_dtype": str(video.dtype), **strides}
    if layout == "TCHW":
        video = video.transpose(0, 2, 3, 1)
    if video.shape[0] and frames is not None:
        ids = [int(v) for v in video[:, 0, 0, 0]]
        assert (video == frames[ids]).all(), "decoded pixels differ from the frames written"
        out["frames"] = ids
    audio = np.ascontiguousarray(audio.numpy())
    out.update(audio_shape=list(audio.shape), audio_dtype=str(audio.dtype),
               audio_sha=hashlib.sha256(audio.tobytes()).hexdigest()[:16],
               info={k: _value(v) for k, v in sorted(info.items())})
    return out


def run_scenarios(io, torch, root):
    root = os.fspath(root)
    out = {}
    made = {}
    for name, (n, fps, channels) in {"mono.avi": (10, 5, 1), "silent.avi": (12, 10, 0), "stereo.mov": (9, 6, 2),
                                     "quiet.mov": (7, Fraction(30000, 1001), 0)}.items():
        path = os.path.join(root, name)
        made[name] = (path, files.write_video(path, n, fps, seed=len(made), audio_channels=channels))

    reads = {
        "all": dict(), "pts_2_5": dict(start_pts=2, end_pts=5), "pts_from_3": dict(start_pts=3),
        "sec": dict(start_pts=0.3, end_pts=0.7, pts_unit="sec"),
        "sec_fraction": dict(start_pts=Fraction(1, 2), end_pts=Fraction(3, 2), pts_unit="sec"),
        "sec_tail": dict(start_pts=1.1, pts_unit="sec"), "tchw": dict(output_format="tchw", pts_unit="sec"),
        "past_end": dict(start_pts=100.0, end_pts=200.0, pts_unit="sec"),
        "pts_ms": dict(start_pts=100, end_pts=400),
    }
    for name, (path, frames) in made.items():
        for key, kwargs in reads.items():
            result, error, caught = _outcome(lambda: io.read_video(path, **kwargs))
            layout = kwargs.get("output_format", "THWC").upper()
            out[f"read {name} {key}"] = {"error": error, "warnings": caught,
                                          "result": None if error else _describe_read(result, frames, layout)}
        for unit in ("pts", "sec"):
            result, error, caught = _outcome(lambda: io.read_video_timestamps(path, pts_unit=unit))
            out[f"timestamps {name} {unit}"] = {
                "error": error, "warnings": caught,
                "result": None if error else [[_value(p) for p in result[0]], _value(result[1])]}

    path = made["mono.avi"][0]
    for key, kwargs in {"bad_format": dict(output_format="CHW"), "backwards": dict(start_pts=5, end_pts=2),
                        "backwards_sec": dict(start_pts=1.5, end_pts=0.5, pts_unit="sec")}.items():
        _, error, caught = _outcome(lambda: io.read_video(path, **kwargs))
        out[f"error {key}"] = {"error": error, "warnings": caught}
    missing = os.path.join(root, "missing.mp4")
    result, error, caught = _outcome(lambda: io.read_video(missing, pts_unit="sec"))
    out["read missing"] = {"error": error, "warnings": [w[0] for w in caught],
                           "result": None if error else _describe_read(result, None, "THWC")}
    result, error, caught = _outcome(lambda: io.read_video_timestamps(missing))
    out["timestamps missing"] = {"error": error, "result": result,
                                 "warnings": [[w[0], w[1].replace(root, "<root>")] for w in caught]}

    frames = files.frames_of(8, seed=7)
    for key, kwargs in {"rgb_lossless": dict(video_codec="libx264rgb", options={"qp": "0"}),
                        "float_fps": dict(video_codec="libx264rgb", options={"qp": "0"}, fps=7.6),
                        "with_audio": dict(video_codec="libx264rgb", options={"qp": "0"},
                                           audio_array=torch.as_tensor(files.sound_of(8, 5, 3) / 40000.0).float(),
                                           audio_fps=8000, audio_codec="pcm_f32le")}.items():
        target = os.path.join(root, f"{key}.mkv")
        kwargs = dict(kwargs)
        fps = kwargs.pop("fps", 5)
        _, error, caught = _outcome(lambda: io.write_video(target, torch.as_tensor(frames), fps, **kwargs))
        result, read_error, _ = _outcome(lambda: io.read_video(target, pts_unit="sec"))
        out[f"write {key}"] = {"error": error, "warnings": caught, "read_error": read_error,
                               "read": None if read_error else _describe_read(result, frames, "THWC")}
    return out
