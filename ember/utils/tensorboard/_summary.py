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


def image(tag, img, dataformats):
    """One PNG image (a grid of them for 'NCHW'); floats are read as [0, 1], uint8 as [0, 255]."""
    hwc = convert_to_hwc(make_np(img), dataformats)
    scale = 1 if hwc.dtype == np.uint8 else 255
    pixels = (hwc.astype(np.float32) * scale).clip(0, 255).astype(np.uint8)
    try:
        from PIL import Image
    except ImportError as exc:
        raise ImportError("logging images needs the 'pillow' package: pip install pillow") from exc
    height, width, channels = pixels.shape
    with io.BytesIO() as buf:
        Image.fromarray(pixels).save(buf, format='PNG')
        png = buf.getvalue()
    return Summary(value=[Summary.Value(tag=tag, image=Summary.Image(
        height=height, width=width, colorspace=channels, encoded_image_string=png))])
