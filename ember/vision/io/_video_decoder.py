"""Decoding video files through PyAV (optional extra ``video``), frame by frame as torchvision's video datasets see
them.

torchvision's datasets (through TorchCodec) number a video's frames in presentation order after a scan of the
file's packets, and give the frame rate as the frame count over the span those packets cover. PyAV wraps the same
FFmpeg libraries, so decoding here returns the same pixels and audio samples; this module reproduces the counting
and the cutting of audio around a time range.
"""
import math

import numpy as np

_INSTALL_HINT = ("Decoding video needs PyAV, which is not installed. Install it with `pip install av` "
                 "(ember's 'video' extra: `pip install ember[video]`).")


def require_av():
    """The ``av`` module, or an ImportError that says how to install it."""
    try:
        import av
    except ImportError as error:
        raise ImportError(_INSTALL_HINT) from error
    return av


def _pts_or_dts(item):
    return item.pts if item.pts is not None else item.dts


def _seconds(pts, time_base):
    # multiply before dividing (not pts * float(time_base)), so that the seconds round as TorchCodec's do
    return float(pts) * time_base.numerator / time_base.denominator


def _closest_pts(seconds, time_base):
    # C's round(): halves away from zero (Python's round() would go to the even neighbour)
    value = seconds * time_base.denominator / time_base.numerator
    return int(math.floor(abs(value) + 0.5)) * (1 if value >= 0 else -1)


def _as_json_number(value):
    # the frame rate travels through JSON, where a whole number comes back as an int
    return int(value) if float(value).is_integer() else float(value)


def _open(av, path):
    # an unreadable file is a RuntimeError, as TorchCodec reports it to torchvision's datasets
    try:
        return av.open(str(path))
    except (av.FFmpegError if hasattr(av, "FFmpegError") else av.AVError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise RuntimeError(f"Could not open input file: {path} {reason}") from error


class VideoScan:
    """What one pass over a file's packets tells about its best video stream: the frames' timestamps in
    presentation order, and the average frame rate."""

    def __init__(self, path):
        av = require_av()
        with _open(av, path) as container:
            stream = container.streams.best("video")
            if stream is None:
                raise ValueError(f"The best video stream is unknown and there is no specified stream: {path} has "
                                 f"no video stream.")
            index = stream.index
            time_base = stream.time_base
            pts = []
            begin = end = None
            for packet in container.demux():
                if packet.stream_index != index or packet.size == 0 or packet.is_discard:
                    continue
                start = _pts_or_dts(packet)
                if start is None:
                    continue
                stop = start + (packet.duration or 0)
                begin = start if begin is None else min(begin, start)
                end = stop if end is None else max(end, stop)
                pts.append(start)
            header_rate = stream.guessed_rate or stream.average_rate
        self.path = str(path)
        self.stream_index = index
        self.time_base = time_base
        self.pts = sorted(pts)
        self.num_frames = len(pts)
        if begin is None or end == begin or not pts:
            self.average_fps = _as_json_number(header_rate) if header_rate else None
        else:
            self.average_fps = _as_json_number(len(pts) / (_seconds(end, time_base) - _seconds(begin, time_base)))


def _rgb(frame):
    return frame.to_ndarray(format="rgb24")


def decode_frames(scan, indices):
    """The frames at ``indices`` (positions in presentation order) as a uint8 array ``[N, H, W, 3]``.

    A clip that starts later in the video is decoded from the key frame before it, its frames picked by timestamp;
    when that cannot be trusted (no real key frame there, timestamps out of order, a frame missing) the video is
    decoded from its start and frames are picked by their position in the decoder's output.
    """
    if not indices:
        raise ValueError("no frame indices to decode")
    for i in indices:
        if not 0 <= i < scan.num_frames:
            raise IndexError(f"Invalid frame index={i} for streamIndex={scan.stream_index}; must be less than "
                             f"{scan.num_frames}")
    wanted = sorted(set(indices))
    found = _decode_after_seek(scan, wanted) if wanted[0] > 0 else None
    if found is None:
        found = _decode_from_start(scan, wanted)
    return np.stack([found[i] for i in indices])


def _decode_after_seek(scan, wanted):
    """{index: RGB array} decoding from the key frame before the first wanted frame; None when untrustworthy."""
    av = require_av()
    by_pts = {scan.pts[i]: i for i in wanted}
    first, last = scan.pts[wanted[0]], scan.pts[wanted[-1]]
    found = {}
    previous = None
    with av.open(scan.path) as container:
        stream = container.streams[scan.stream_index]
        container.seek(first, stream=stream, backward=True, any_frame=False)
        for frame in container.decode(stream):
            pts = _pts_or_dts(frame)
            if pts is None or (previous is None and (pts > first or not frame.key_frame)):
                # past the first frame asked for, or not at a real key frame (AVI files can flag others as key
                # frames, and decoding from one of those gives wrong pictures)
                return None
            if previous is not None and pts <= previous:
                return None   # timestamps out of presentation order: they cannot name the frames
            previous = pts
            if pts in by_pts:
                found[by_pts[pts]] = _rgb(frame)
            if pts >= last:
                break
    return found if len(found) == len(wanted) else None


def _decode_from_start(scan, wanted):
    """{index: RGB array}, the index being the frame's position in the decoder's output."""
    av = require_av()
    found = {}
    remaining = set(wanted)
    with av.open(scan.path) as container:
        for position, frame in enumerate(container.decode(container.streams[scan.stream_index])):
            if position in remaining:
                found[position] = _rgb(frame)
                remaining.discard(position)
                if not remaining:
                    break
    if remaining:
        raise RuntimeError(f"Could not decode the frames at indices {sorted(remaining)} of {scan.path}")
    return found


def decode_audio_range(path, start_seconds, stop_seconds):
    """The float32 samples ``[channels, n]`` of the best audio stream played in ``[start_seconds, stop_seconds)``.

    Frames overlapping the range are decoded from the start of the stream, joined, and cut at the samples
    nearest the range's ends. Raises RuntimeError when the file has no audio stream or no frame overlaps.
    """
    av = require_av()
    with _open(av, path) as container:
        stream = container.streams.best("audio")
        if stream is None:
            raise RuntimeError(f"No valid stream found in input file {path}.")
        time_base = stream.time_base
        start_pts = _closest_pts(start_seconds, time_base)
        stop_pts = _closest_pts(stop_seconds, time_base)
        to_float = av.AudioResampler(format="fltp")
        chunks = []
        first_seconds = None
        sample_rate = stream.codec_context.sample_rate
        for frame in container.decode(stream):
            pts = _pts_or_dts(frame)
            duration = frame.duration or 0
            if not (start_pts < pts + duration and stop_pts > pts):
                if pts >= stop_pts:
                    break
                continue
            if first_seconds is None:
                first_seconds = _seconds(pts, time_base)
            sample_rate = frame.sample_rate
            for converted in to_float.resample(frame):
                chunks.append(converted.to_ndarray())
            if pts <= stop_pts <= pts + duration:
                break
        for converted in to_float.resample(None):
            chunks.append(converted.to_ndarray())
    if not chunks or first_seconds is None:
        raise RuntimeError(f"No audio frames were decoded between {start_seconds} and {stop_seconds} seconds.")
    samples = np.concatenate(chunks, axis=1).astype(np.float32, copy=False)

    def offset_of(seconds):
        # ties round up, whatever the first frame's time
        return math.floor((seconds - first_seconds) * sample_rate + 0.5)

    begin = offset_of(start_seconds) if first_seconds < start_seconds else 0
    end = min(samples.shape[1], offset_of(stop_seconds))
    return np.ascontiguousarray(samples[:, begin:end])
