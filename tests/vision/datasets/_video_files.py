"""Tiny video files for the video dataset tests, written with PyAV in lossless codecs (PNG frames, 16-bit PCM
sound), so that every decoder gets back exactly the pixels and samples written, whatever FFmpeg build encodes.

Each frame's pixels come from a seeded generator; the red channel of pixel (0, 0) is the frame's number within
its video, so a decoded clip says which frames it holds.
"""
import os

import numpy as np

HEIGHT, WIDTH = 6, 8
AUDIO_RATE = 800


def frames_of(num_frames, seed):
    rng = np.random.default_rng(seed)
    frames = rng.integers(0, 256, size=(num_frames, HEIGHT, WIDTH, 3), dtype=np.uint8)
    frames[:, 0, 0, 0] = np.arange(num_frames)
    return frames


def sound_of(num_frames, fps, seed, channels=1):
    rng = np.random.default_rng(seed + 1000)
    n = int(round(AUDIO_RATE * num_frames / fps))
    return rng.integers(-20000, 20000, size=(channels, n), dtype=np.int16)


def write_video(path, num_frames, fps, seed, audio_channels=0):
    """Write ``num_frames`` frames at ``fps`` (and, with ``audio_channels``, as long a PCM track) to ``path``."""
    import av

    frames = frames_of(num_frames, seed)
    with av.open(path, "w") as container:
        stream = container.add_stream("png", rate=fps)
        stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "rgb24"
        if audio_channels:
            layout = "mono" if audio_channels == 1 else "stereo"
            sound_stream = container.add_stream("pcm_s16le", rate=AUDIO_RATE, layout=layout)
        for frame in frames:
            for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
        if audio_channels:
            sound = sound_of(num_frames, fps, seed, audio_channels)
            chunk = AUDIO_RATE // 10
            for start in range(0, sound.shape[1], chunk):
                part = np.ascontiguousarray(sound[:, start:start + chunk].T).reshape(1, -1)
                audio_frame = av.AudioFrame.from_ndarray(part, format="s16", layout=layout)
                audio_frame.sample_rate = AUDIO_RATE
                audio_frame.pts = start
                for packet in sound_stream.encode(audio_frame):
                    container.mux(packet)
            for packet in sound_stream.encode():
                container.mux(packet)
    return frames


def write_sound_only(path, seconds=1):
    """A file with a PCM track and no video stream."""
    import av

    with av.open(path, "w") as container:
        stream = container.add_stream("pcm_s16le", rate=AUDIO_RATE, layout="mono")
        frame = av.AudioFrame.from_ndarray(np.zeros((1, AUDIO_RATE * seconds), np.int16), format="s16", layout="mono")
        frame.sample_rate = AUDIO_RATE
        for packet in list(stream.encode(frame)) + list(stream.encode()):
            container.mux(packet)


# (class, file name, frames, frame rate, audio channels): 3 classes of 2 videos
VIDEOS = [
    ("brush_hair", "v_brush_hair_g01_c01.avi", 10, 5, 1),
    ("brush_hair", "v_brush_hair_g02_c01.avi", 12, 10, 0),
    ("cartwheel", "v_cartwheel_g01_c01.avi", 10, 5, 2),
    ("cartwheel", "v_cartwheel_g02_c01.avi", 9, 6, 0),
    ("dive", "v_dive_g01_c01.avi", 10, 5, 1),
    ("dive", "v_dive_g02_c01.avi", 11, 10, 0),
]


def write_class_folders(root):
    """The VIDEOS under ``root/<class>/``; returns {file name: frames written}."""
    written = {}
    for seed, (cls, name, num_frames, fps, channels) in enumerate(VIDEOS):
        os.makedirs(os.path.join(root, cls), exist_ok=True)
        written[name] = write_video(os.path.join(root, cls, name), num_frames, fps, seed, channels)
    return written


def write_ucf101_splits(folder):
    """UCF101's split files: the first video of each class for training, the second for testing (fold 1);
    fold 2 the other way round."""
    os.makedirs(folder, exist_ok=True)
    first = [f"{cls}/{name}" for i, (cls, name, *_) in enumerate(VIDEOS) if i % 2 == 0]
    second = [f"{cls}/{name}" for i, (cls, name, *_) in enumerate(VIDEOS) if i % 2 == 1]
    labels = {"brush_hair": 1, "cartwheel": 2, "dive": 3}
    for fold, (train, test) in {1: (first, second), 2: (second, first), 3: (first + second, [])}.items():
        with open(os.path.join(folder, f"trainlist{fold:02d}.txt"), "w") as f:
            f.writelines(f"{entry} {labels[entry.split('/')[0]]}\n" for entry in train)
        with open(os.path.join(folder, f"testlist{fold:02d}.txt"), "w") as f:
            f.writelines(f"{entry}\n" for entry in test)


def write_hmdb51_splits(folder):
    """HMDB51's split files, one per class and fold: tag 1 (train) for the first video of the class, 2 (test)
    for the second in fold 1, swapped in fold 2, and 0 (unused) for the second in fold 3."""
    os.makedirs(folder, exist_ok=True)
    tags = {1: (1, 2), 2: (2, 1), 3: (1, 0)}
    for cls in sorted({v[0] for v in VIDEOS}):
        names = [name for c, name, *_ in VIDEOS if c == cls]
        for fold, fold_tags in tags.items():
            with open(os.path.join(folder, f"{cls}_test_split{fold}.txt"), "w") as f:
                f.writelines(f"{name} {tag} \n" for name, tag in zip(names, fold_tags))
