"""Build TensorBoard ``Summary`` protocol buffers from ember tensors, numbers and arrays."""
import io

import numpy as np
from tensorboard.compat.proto.summary_pb2 import HistogramProto, Summary, SummaryMetadata
from tensorboard.compat.proto.tensor_pb2 import TensorProto
from tensorboard.compat.proto.tensor_shape_pb2 import TensorShapeProto
from tensorboard.plugins.text.plugin_data_pb2 import TextPluginData

from ._convert import convert_to_hwc, make_np


def scalar(tag, value, new_style=False, double_precision=False):
    """One scalar value; new style stores it as a tensor for the scalars plugin."""
    arr = make_np(value).squeeze()
    if arr.ndim != 0:
        raise AssertionError(f"Tensor should contain one element (0 dimensions). "
                             f"Was given size: {arr.size} and {arr.ndim} dimensions.")
    number = float(arr)
    if not new_style:
        return Summary(value=[Summary.Value(tag=tag, simple_value=number)])
    proto = (TensorProto(double_val=[number], dtype='DT_DOUBLE') if double_precision
             else TensorProto(float_val=[number], dtype='DT_FLOAT'))
    meta = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name='scalars'))
    return Summary(value=[Summary.Value(tag=tag, tensor=proto, metadata=meta)])


def tensorflow_bins():
    """TensorFlow's default histogram edges: +-1e-12 growing by 10% up to 1e20, and 0."""
    edges, v = [], 1e-12
    while v < 1e20:
        edges.append(v)
        v *= 1.1
    return [-e for e in reversed(edges)] + [0] + edges


def histogram(tag, values, bins, max_bins=None):
    """A histogram of ``values`` keeping only the bins between the first and last non-empty one."""
    values = make_np(values).astype(float)
    if values.size == 0:
        raise ValueError("The input has no element.")
    values = values.reshape(-1)
    counts, limits = np.histogram(values, bins=bins)
    if max_bins is not None and len(counts) > max_bins:
        # merge neighbouring bins so that at most about max_bins remain
        group = len(counts) // max_bins
        if len(counts) % group:
            counts = np.pad(counts, (0, group - len(counts) % group))
        counts = counts.reshape(-1, group).sum(axis=-1)
        limits = np.append(limits[:-1:group], limits[-1])
    filled = np.cumsum(counts > 0)
    start, end = np.searchsorted(filled, [0, filled[-1] - 1], side='right')
    start, end = int(start), int(end) + 1
    # TensorBoard reads only right edges: keep one empty bin on the left for the lowest edge
    counts = counts[start - 1:end] if start > 0 else np.concatenate([[0], counts[:end]])
    limits = limits[start:end + 1]
    if counts.size == 0 or limits.size == 0:
        raise ValueError("The histogram is empty.")
    hist = HistogramProto(min=values.min(), max=values.max(), num=len(values), sum=values.sum(),
                          sum_squares=values.dot(values), bucket_limit=limits.tolist(),
                          bucket=counts.tolist())
    return Summary(value=[Summary.Value(tag=tag, histo=hist)])


def text(tag, string):
    """A text entry shown by TensorBoard's text plugin (markdown)."""
    meta = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(
        plugin_name='text', content=TextPluginData(version=0).SerializeToString()))
    proto = TensorProto(dtype='DT_STRING', string_val=[string.encode('utf_8')],
                        tensor_shape=TensorShapeProto(dim=[TensorShapeProto.Dim(size=1)]))
    return Summary(value=[Summary.Value(tag=tag + '/text_summary', metadata=meta, tensor=proto)])


def _pil():
    try:
        from PIL import Image, ImageDraw, ImageFont
    except ImportError as exc:
        raise ImportError("logging images needs the 'pillow' package: pip install pillow") from exc
    return Image, ImageDraw, ImageFont


def _to_uint8(array):
    """Floats read as [0, 1], uint8 as [0, 255]; clipped into uint8 pixels."""
    scale = 1 if array.dtype == np.uint8 else 255
    return (array.astype(np.float32) * scale).clip(0, 255).astype(np.uint8)


def _encoded(image, fmt, **options):
    with io.BytesIO() as buf:
        image.save(buf, format=fmt, **options)
        return buf.getvalue()


def image(tag, img, dataformats):
    """One PNG image (a grid of them for 'NCHW'); floats are read as [0, 1], uint8 as [0, 255]."""
    pixels = _to_uint8(convert_to_hwc(make_np(img), dataformats))
    Image, _, _ = _pil()
    height, width, channels = pixels.shape
    return Summary(value=[Summary.Value(tag=tag, image=Summary.Image(
        height=height, width=width, colorspace=channels, encoded_image_string=_encoded(Image.fromarray(pixels),
                                                                                      'PNG')))])


def _draw_box(draw, font, box, label):
    """A red (xmin, ymin, xmax, ymax) outline, and its label on a red band along the bottom edge."""
    left, top, right, bottom = (float(v) for v in box)
    draw.line([(left, top), (left, bottom), (right, bottom), (right, top), (left, top)], width=2, fill='Red')
    if label:
        x0, y0, x1, y1 = font.getbbox(label)
        text_w, text_h = x1 - x0, y1 - y0
        margin = np.ceil(0.05 * text_h)
        draw.rectangle([(left, bottom - text_h - 2 * margin), (left + text_w, bottom)], fill='Red')
        draw.text((left + margin, bottom - text_h - margin), label, fill='black', font=font)


def image_boxes(tag, img, boxes, rescale=1, dataformats='CHW', labels=None):
    """One PNG image with ``boxes`` (N, 4; xmin, ymin, xmax, ymax in pixels) drawn on it, then scaled
    by ``rescale``; the summary records the size before scaling, as TensorBoard's writer does."""
    pixels = _to_uint8(convert_to_hwc(make_np(img), dataformats))
    boxes = make_np(boxes)
    Image, ImageDraw, ImageFont = _pil()
    height, width, channels = pixels.shape
    picture = Image.fromarray(pixels)
    draw, font = ImageDraw.Draw(picture), ImageFont.load_default()
    for i in range(boxes.shape[0]):
        _draw_box(draw, font, boxes[i], None if labels is None else labels[i])
    picture = picture.resize((int(width * rescale), int(height * rescale)), Image.Resampling.LANCZOS)
    return Summary(value=[Summary.Value(tag=tag, image=Summary.Image(
        height=height, width=width, colorspace=channels, encoded_image_string=_encoded(picture, 'PNG')))])


def _video_frames(videos):
    """(N, T, C, H, W) videos as T frames (H', W', C) tiling the N videos in a grid: N padded with black
    videos up to a power of two, laid out in 2 ** floor(log2(N) / 2) rows."""
    n, t, c, h, w = videos.shape
    if videos.dtype == np.uint8:
        videos = videos.astype(np.float32) / 255.0
    padded = 1 << (n - 1).bit_length() if n & (n - 1) else n
    if padded != n:
        videos = np.concatenate([videos, np.zeros((padded - n, t, c, h, w), videos.dtype)])
    rows = 1 << ((n.bit_length() - 1) // 2)
    cols = padded // rows
    grid = videos.reshape(rows, cols, t, c, h, w).transpose(2, 0, 4, 1, 5, 3)
    return grid.reshape(t, rows * h, cols * w, c)


def video(tag, videos, fps=4):
    """An animated GIF of ``videos`` (N, T, C, H, W; floats in [0, 1] or uint8), ``fps`` frames a second,
    recorded as an image summary (what TensorBoard's image dashboard plays)."""
    frames = _to_uint8(_video_frames(make_np(videos)))
    Image, _, _ = _pil()
    t, height, width, channels = frames.shape
    pictures = [Image.fromarray(f[..., 0] if channels == 1 else f) for f in frames]
    gif = _encoded(pictures[0], 'GIF', save_all=True, append_images=pictures[1:], duration=1000.0 / fps, loop=0)
    return Summary(value=[Summary.Value(tag=tag, image=Summary.Image(
        height=height, width=width, colorspace=channels, encoded_image_string=gif))])
