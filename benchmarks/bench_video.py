"""Video dataset speed (milliseconds), side by side with torchvision when it can decode video here (torchvision
0.28 decodes through TorchCodec; ember through PyAV, the ``video`` extra).

    TORCH_PYTHON=/path/to/python-with-torchvision-and-torchcodec python benchmarks/bench_video.py

Six 160x120 H.264 videos of 64 frames at 25 fps with AAC sound: building VideoClips (one scan of every file),
then reading clips of 16 frames (video and its sound), with and without resampling to 10 fps.
"""
import os
import sys
import tempfile

import numpy as np

from _common import best, import_lib, side_by_side


def _write(path, seed):
    import av

    rng = np.random.default_rng(seed)
    with av.open(path, "w") as container:
        video = container.add_stream("libx264", rate=25)
        video.width, video.height, video.pix_fmt = 160, 120, "yuv420p"
        sound = container.add_stream("aac", rate=16000, layout="mono")
        base = rng.integers(0, 256, (120, 160, 3), dtype=np.uint8)
        for i in range(64):
            frame = np.roll(base, i, axis=1)
            for packet in video.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
                container.mux(packet)
        for packet in video.encode():
            container.mux(packet)
        samples = (0.2 * np.sin(np.arange(16000 * 64 // 25) * 0.05)).astype(np.float32)[None]
        audio = av.AudioFrame.from_ndarray(samples, format="fltp", layout="mono")
        audio.sample_rate = 16000
        for packet in list(sound.encode(audio)) + list(sound.encode()):
            container.mux(packet)


def bench(lib_name):
    import_lib(lib_name)
    if lib_name == "ember":
        from ember.vision.datasets.video_utils import VideoClips
    else:
        from torchvision.datasets.video_utils import VideoClips
    folder = tempfile.mkdtemp()
    paths = [os.path.join(folder, f"v{i}.mp4") for i in range(6)]
    for seed, path in enumerate(paths):
        _write(path, seed)
    sys.stderr = open(os.devnull, "w")  # torchvision's progress bars
    clips = VideoClips(paths, 16, 8, num_workers=0)
    resampled = VideoClips(paths, 16, 8, frame_rate=10, _precomputed_metadata=clips.metadata, num_workers=0)
    return {"scan 6 videos": best(lambda: VideoClips(paths, 16, 8, num_workers=0), 1, repeat=3) * 1e3,
            "get_clip 16 frames": best(lambda: clips.get_clip(len(clips) // 2), 3, repeat=3) * 1e3,
            "get_clip resampled": best(lambda: resampled.get_clip(len(resampled) - 1), 3, repeat=3) * 1e3}


if __name__ == "__main__":
    side_by_side(__file__, bench, header="ms per call")
