"""Reading and writing video files through PyAV (optional extra ``video``): ``read_video``,
``read_video_timestamps``, ``write_video``.

torchvision deprecated these in 0.22 and took them out of its public releases in 0.24 (pointing to TorchCodec);
ember keeps them for the scripts that call them, behaving as torchvision's PyAV back end last did (0.23):
same frames, audio samples, info, warnings and errors.
"""
import math
import re
import warnings

import numpy as np

import ember
from ember.vision.io._video_decoder import require_av

_DEPRECATED = ("The video decoding and encoding capabilities of torchvision are deprecated from version 0.22 and "
               "will be removed in version 0.24. We recommend that you migrate to TorchCodec, where we'll "
               "consolidate the future decoding/encoding capabilities of PyTorch: https://github.com/pytorch/torchcodec")

# the NumPy dtype PyAV expects for each audio sample format an encoder may ask for
_AUDIO_DTYPES = {"dbl": "<f8", "dblp": "<f8", "flt": "<f4", "fltp": "<f4", "s16": "<i2", "s16p": "<i2",
                 "s32": "<i4", "s32p": "<i4", "u8": "u1", "u8p": "u1"}
# how many frames past the end (and before the start) to decode, for streams whose timestamps arrive out of order
_REORDER_BUFFER = 5


def _warn_deprecated():
    warnings.warn(_DEPRECATED, UserWarning, stacklevel=3)


def _av():
    av = require_av()
    av.logging.set_level(av.logging.ERROR)
    return av


def _ffmpeg_error(av):
    return getattr(av, "FFmpegError", None) or av.AVError


def _numpy(data, dtype=None):
    if isinstance(data, ember.Tensor):
        data = data.detach().cpu().numpy()
    return np.asarray(data) if dtype is None else np.asarray(data).astype(dtype)


def write_video(filename, video_array, fps, video_codec="libx264", options=None, audio_array=None, audio_fps=None,
                audio_codec=None, audio_options=None):
    """[DEPRECATED in torchvision] Write uint8 frames ``[T, H, W, C]`` (RGB) to a video file, with an optional
    audio track.

    Args:
        filename (str): where to write; the extension picks the container.
        video_array (Tensor[T, H, W, C]): the frames, converted to uint8.
        fps (Number): frames per second (a float is rounded to a whole number, which is what PyAV takes).
        video_codec (str): the video codec, e.g. "libx264", "mpeg4", "libx264rgb" (RGB kept as is).
        options (Dict): codec options for the video stream (e.g. ``{"crf": "17"}``).
        audio_array (Tensor[C, N]): audio samples, C channels (1: mono, more: stereo) of N samples.
        audio_fps (Number): audio sample rate, e.g. 44100.
        audio_codec (str): the audio codec, e.g. "aac", "mp3".
        audio_options (Dict): codec options for the audio stream.

    Example:
        >>> import ember
        >>> frames = ember.zeros(10, 32, 32, 3, dtype=ember.uint8)
        >>> write_video("clip.mp4", frames, fps=5)  # doctest: +SKIP
    """
    _warn_deprecated()
    av = _av()
    frames = _numpy(video_array, np.uint8)
    if isinstance(fps, float):
        fps = int(np.round(fps))
    with av.open(filename, mode="w") as container:
        stream = container.add_stream(video_codec, rate=fps)
        stream.width = frames.shape[2]
        stream.height = frames.shape[1]
        stream.pix_fmt = "rgb24" if video_codec == "libx264rgb" else "yuv420p"
        stream.options = options or {}

        if audio_array is not None:
            audio_stream = container.add_stream(audio_codec, rate=audio_fps)
            audio_stream.options = audio_options or {}
            layout = "stereo" if audio_array.shape[0] > 1 else "mono"
            sample_format = container.streams.audio[0].format.name
            samples = _numpy(audio_array, np.dtype(_AUDIO_DTYPES[sample_format]))
            audio_frame = av.AudioFrame.from_ndarray(samples, format=sample_format, layout=layout)
            audio_frame.sample_rate = audio_fps
            for packet in audio_stream.encode(audio_frame):
                container.mux(packet)
            for packet in audio_stream.encode():
                container.mux(packet)

        for image in frames:
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            _let_encoder_choose_type(av, frame)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


def _let_encoder_choose_type(av, frame):
    picture_type = getattr(av.video.frame, "PictureType", None)
    # PyAV's enum where it has one, its string name in older PyAV
    frame.pict_type = picture_type.NONE if picture_type is not None else "NONE"


def _packs_b_frames(stream):
    """False only for DivX streams that say they do not pack two frames in a packet (which can put timestamps out
    of order); every other stream gets the reorder buffer."""
    extradata = stream.codec_context.extradata
    if stream.type != "video" or not extradata or b"DivX" not in extradata:
        return True
    tail = extradata[extradata.find(b"DivX"):]
    match = re.search(rb"DivX(\d+)Build(\d+)(\w)", tail) or re.search(rb"DivX(\d+)b(\d+)(\w)", tail)
    return match is None or match.group(3) == b"p"


def _read_from_stream(container, start_offset, end_offset, pts_unit, stream, stream_name):
    """The decoded frames of ``stream`` whose timestamps lie in ``[start_offset, end_offset]`` (in ``pts_unit``),
    sorted, led by the last frame before the start when none starts exactly there."""
    av = _av()
    if pts_unit == "sec":
        start_offset = int(math.floor(start_offset * (1 / stream.time_base)))
        if end_offset != float("inf"):
            end_offset = int(math.ceil(end_offset * (1 / stream.time_base)))
    else:
        warnings.warn("The pts_unit 'pts' gives wrong results. Please use pts_unit 'sec'.")

    buffered = _packs_b_frames(stream)
    # one step back: some files seek slightly past the asked position
    seek_offset = max(start_offset - 1, 0)
    if buffered:
        seek_offset = max(seek_offset - _REORDER_BUFFER, 0)
    try:
        container.seek(seek_offset, any_frame=False, backward=True, stream=stream)
    except _ffmpeg_error(av):
        return []
    frames = {}
    extra = 0
    try:
        for frame in container.decode(**stream_name):
            frames[frame.pts] = frame
            if frame.pts >= end_offset:
                if buffered and extra < _REORDER_BUFFER:
                    extra += 1
                    continue
                break
    except _ffmpeg_error(av):
        pass   # a damaged stream: keep what decoded
    result = [frames[pts] for pts in sorted(frames) if start_offset <= pts <= end_offset]
    if frames and start_offset > 0 and start_offset not in frames:
        # the frame playing at the start (needed for audio, whose frames rarely start exactly there)
        before = [pts for pts in frames if pts < start_offset]
        if before:
            result.insert(0, frames[max(before)])
    return result


def _align_audio_frames(aframes, audio_frames, ref_start, ref_end):
    """Trim the joined samples of ``audio_frames`` to ``[ref_start, ref_end]``, assuming evenly spread samples."""
    start, end = audio_frames[0].pts, audio_frames[-1].pts
    total = aframes.shape[1]
    step = (end - start + 1) / total
    first, last = 0, total
    if start < ref_start:
        first = int((ref_start - start) / step)
    if end > ref_end:
        last = int((ref_end - end) / step)
    return aframes[:, first:last]


def read_video(filename, start_pts=0, end_pts=None, pts_unit="pts", output_format="THWC"):
    """[DEPRECATED in torchvision] Read the frames and audio of a video file between two presentation times.

    Args:
        filename (str): the video file (anything ``av.open`` accepts).
        start_pts (int if pts_unit = 'pts', float / Fraction if pts_unit = 'sec', optional): where to start.
        end_pts (int if pts_unit = 'pts', float / Fraction if pts_unit = 'sec', optional): where to end
            (included); None reads to the end.
        pts_unit (str, optional): 'pts' (the streams' own time units; torchvision warns that it gives wrong
            results) or 'sec'.
        output_format (str, optional): "THWC" (default) or "TCHW".

    Returns:
        vframes (Tensor[T, H, W, C] or Tensor[T, C, H, W]): uint8 RGB frames.
        aframes (Tensor[K, L]): audio samples, K channels (for planar sample formats) in the stream's own type.
        info (Dict): ``video_fps`` (float) and ``audio_fps`` (int) when the file has those streams.

    Example:
        >>> vframes, aframes, info = read_video("clip.mp4", pts_unit="sec")  # doctest: +SKIP
    """
    _warn_deprecated()
    output_format = output_format.upper()
    if output_format not in ("THWC", "TCHW"):
        raise ValueError(f"output_format should be either 'THWC' or 'TCHW', got {output_format}.")
    av = _av()
    if end_pts is None:
        end_pts = float("inf")
    if end_pts < start_pts:
        raise ValueError(f"end_pts should be larger than start_pts, got start_pts={start_pts} and end_pts={end_pts}")

    info = {}
    video_frames, audio_frames = [], []
    audio_timebase = None
    try:
        with av.open(filename, metadata_errors="ignore") as container:
            if container.streams.audio:
                audio_timebase = container.streams.audio[0].time_base
            if container.streams.video:
                video_frames = _read_from_stream(container, start_pts, end_pts, pts_unit, container.streams.video[0],
                                                 {"video": 0})
                rate = container.streams.video[0].average_rate
                if rate is not None:   # damaged files have none
                    info["video_fps"] = float(rate)
            if container.streams.audio:
                audio_frames = _read_from_stream(container, start_pts, end_pts, pts_unit, container.streams.audio[0],
                                                 {"audio": 0})
                info["audio_fps"] = container.streams.audio[0].rate
    except _ffmpeg_error(av):
        pass   # unreadable or missing file: whatever was read (often nothing)

    if video_frames:
        vframes = ember.from_numpy(np.stack([frame.to_rgb().to_ndarray() for frame in video_frames]))
    else:
        vframes = ember.empty((0, 1, 1, 3), dtype=ember.uint8)
    if audio_frames:
        aframes = ember.from_numpy(np.concatenate([frame.to_ndarray() for frame in audio_frames], 1))
        if pts_unit == "sec":
            start_pts = int(math.floor(start_pts * (1 / audio_timebase)))
            if end_pts != float("inf"):
                end_pts = int(math.ceil(end_pts * (1 / audio_timebase)))
        aframes = _align_audio_frames(aframes, audio_frames, start_pts, end_pts)
    else:
        aframes = ember.empty((1, 0), dtype=ember.float32)
    if output_format == "TCHW":
        vframes = vframes.permute(0, 3, 1, 2)
    return vframes, aframes, info


def _decode_video_timestamps(container):
    extradata = container.streams[0].codec_context.extradata
    if extradata is not None and b"Lavc" in extradata:
        # written by FFmpeg's own encoders: the packets carry the frames' timestamps, no decoding needed
        return [packet.pts for packet in container.demux(video=0) if packet.pts is not None]
    return [frame.pts for frame in container.decode(video=0) if frame.pts is not None]


def read_video_timestamps(filename, pts_unit="pts"):
    """[DEPRECATED in torchvision] The presentation timestamps of a video's frames, sorted, and its frame rate.

    Args:
        filename (str): the video file.
        pts_unit (str, optional): 'pts' (ints in the stream's time base) or 'sec' (Fractions of a second).

    Returns:
        pts (List[int] or List[Fraction]), video_fps (float, or None without a video stream).

    Example:
        >>> pts, fps = read_video_timestamps("clip.mp4")  # doctest: +SKIP
    """
    _warn_deprecated()
    av = _av()
    video_fps = None
    pts = []
    try:
        with av.open(filename, metadata_errors="ignore") as container:
            if container.streams.video:
                video_stream = container.streams.video[0]
                time_base = video_stream.time_base
                try:
                    pts = _decode_video_timestamps(container)
                except _ffmpeg_error(av):
                    warnings.warn(f"Failed decoding frames for file {filename}")
                video_fps = float(video_stream.average_rate)
    except _ffmpeg_error(av) as error:
        warnings.warn(f"Failed to open container for {filename}; Caught error: {error}", RuntimeWarning)
    pts.sort()
    if pts_unit == "sec":
        pts = [x * time_base for x in pts]
    return pts, video_fps
