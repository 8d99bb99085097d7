"""Summaries of TensorBoard's other plugins: raw tensors, audio, precision-recall curves, custom
scalar layouts and 3D meshes."""
import io
import json
import struct
import wave

import numpy as np
from tensorboard.compat.proto.summary_pb2 import HistogramProto, Summary, SummaryMetadata
from tensorboard.compat.proto.tensor_pb2 import TensorProto
from tensorboard.compat.proto.tensor_shape_pb2 import TensorShapeProto
from tensorboard.plugins.custom_scalar import layout_pb2
from tensorboard.plugins.pr_curve.plugin_data_pb2 import PrCurvePluginData

from ._convert import make_np


def _shape(dims):
    return TensorShapeProto(dim=[TensorShapeProto.Dim(size=d) for d in dims])


def _half_bits(values):
    # NOTE: as PyTorch's writer does, each half value is stored as the bits of its float32 value
    return [struct.unpack('i', struct.pack('f', v))[0] for v in values]


def _complex_parts(arr):
    return np.stack([arr.real, arr.imag], -1).reshape(-1).tolist()


# ember dtype name -> (TensorProto dtype, field, conversion of the flattened NumPy array)
_TENSOR_TYPES = {
    'float16': ('DT_HALF', 'half_val', lambda a: _half_bits(a.astype(np.float32).tolist())),
    'bfloat16': ('DT_BFLOAT16', 'half_val', lambda a: _half_bits(a.astype(np.float32).tolist())),
    'float32': ('DT_FLOAT', 'float_val', np.ndarray.tolist),
    'float64': ('DT_DOUBLE', 'double_val', np.ndarray.tolist),
    'int8': ('DT_INT8', 'int_val', np.ndarray.tolist),
    'uint8': ('DT_UINT8', 'uint32_val', np.ndarray.tolist),
    'int16': ('DT_INT16', 'int_val', np.ndarray.tolist),
    'int32': ('DT_INT32', 'int_val', np.ndarray.tolist),
    'int64': ('DT_INT64', 'int64_val', np.ndarray.tolist),
    'complex32': ('DT_COMPLEX32', 'scomplex_val', _complex_parts),
    'complex64': ('DT_COMPLEX64', 'scomplex_val', _complex_parts),
    'complex128': ('DT_COMPLEX128', 'dcomplex_val', _complex_parts),
    'bool': ('DT_BOOL', 'bool_val', np.ndarray.tolist),
}


def tensor(tag, value):
    """A whole tensor, for the tensor plugin."""
    if value.numel() * value.element_size() >= (1 << 31):
        raise ValueError("tensor is bigger than protocol buffer's hard limit of 2GB in size")
    kind = _TENSOR_TYPES.get(str(value.dtype).rpartition('.')[2])
    if kind is None:
        raise ValueError(f"{tag} has unsupported tensor dtype {value.dtype}")
    dtype, field, convert = kind
    data = value.detach().cpu()
    arr = data.float().numpy() if dtype == 'DT_BFLOAT16' else data.numpy()
    proto = TensorProto(dtype=dtype, tensor_shape=_shape(value.shape), **{field: convert(arr.reshape(-1))})
    meta = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name='tensor'))
    return Summary(value=[Summary.Value(tag=tag, metadata=meta, tensor=proto)])


def histogram_raw(tag, min, max, num, sum, sum_squares, bucket_limits, bucket_counts):
    """A histogram from precomputed statistics and buckets."""
    hist = HistogramProto(min=min, max=max, num=num, sum=sum, sum_squares=sum_squares,
                          bucket_limit=bucket_limits, bucket=bucket_counts)
    return Summary(value=[Summary.Value(tag=tag, histo=hist)])


def audio(tag, value, sample_rate):
    """A mono clip (values in [-1, 1]) as 16-bit WAV."""
    arr = make_np(value).squeeze()
    if abs(arr).max() > 1:
        print("warning: audio amplitude out of range, auto clipped.")
        arr = arr.clip(-1, 1)
    if arr.ndim != 1:
        raise AssertionError("input tensor should be 1 dimensional.")
    pcm = (arr * np.iinfo(np.int16).max).astype('<i2')
    with io.BytesIO() as buf:
        with wave.open(buf, 'wb') as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(sample_rate)
            w.writeframes(pcm.data)
        data = buf.getvalue()
    clip = Summary.Audio(sample_rate=sample_rate, num_channels=1, length_frames=pcm.shape[-1],
                         encoded_audio_string=data, content_type='audio/wav')
    return Summary(value=[Summary.Value(tag=tag, audio=clip)])


def custom_scalars(layout):
    """The layout of the custom scalars dashboard: {category: {chart: ['Multiline' or 'Margin', tags]}}."""
    categories = []
    for category, charts in layout.items():
        protos = []
        for title, (kind, tags) in charts.items():
            if kind == 'Margin':
                if len(tags) != 3:
                    raise AssertionError("len(tags) != 3")
                series = layout_pb2.MarginChartContent.Series(value=tags[0], lower=tags[1], upper=tags[2])
                protos.append(layout_pb2.Chart(title=title, margin=layout_pb2.MarginChartContent(series=[series])))
            else:
                protos.append(layout_pb2.Chart(title=title, multiline=layout_pb2.MultilineChartContent(tag=tags)))
        categories.append(layout_pb2.Category(title=category, chart=protos))
    proto = TensorProto(dtype='DT_STRING', string_val=[layout_pb2.Layout(category=categories).SerializeToString()],
                        tensor_shape=TensorShapeProto())
    meta = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name='custom_scalars'))
    return Summary(value=[Summary.Value(tag='custom_scalars__config__', tensor=proto, metadata=meta)])


def _pr_summary(tag, data, num_thresholds):
    content = PrCurvePluginData(version=0, num_thresholds=num_thresholds).SerializeToString()
    meta = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name='pr_curves', content=content))
    proto = TensorProto(dtype='DT_FLOAT', float_val=data.reshape(-1).tolist(), tensor_shape=_shape(data.shape[:2]))
    return Summary(value=[Summary.Value(tag=tag, metadata=meta, tensor=proto)])


def pr_curve_raw(tag, tp, fp, tn, fn, precision, recall, num_thresholds=127):
    """A precision-recall curve from precomputed counts (at most 127 thresholds)."""
    return _pr_summary(tag, np.stack((tp, fp, tn, fn, precision, recall)), min(num_thresholds, 127))


def pr_curve(tag, labels, predictions, num_thresholds=127, weights=None):
    """The precision-recall curve of ``predictions`` in [0, 1] against 0/1 ``labels``."""
    num_thresholds = min(num_thresholds, 127)
    weights = 1.0 if weights is None else weights
    buckets = np.int32(np.floor(predictions * (num_thresholds - 1)))
    positive = labels.astype(np.float64)
    span = (0, num_thresholds - 1)
    tp_b, _ = np.histogram(buckets, bins=num_thresholds, range=span, weights=positive * weights)
    fp_b, _ = np.histogram(buckets, bins=num_thresholds, range=span, weights=(1.0 - positive) * weights)
    tp, fp = np.cumsum(tp_b[::-1])[::-1], np.cumsum(fp_b[::-1])[::-1]  # counts at or above each threshold
    tn, fn = fp[0] - fp, tp[0] - tp
    precision = tp / np.maximum(1e-7, tp + fp)
    recall = tp / np.maximum(1e-7, tp + fn)
    return _pr_summary(tag, np.stack((tp, fp, tn, fn, precision, recall)), num_thresholds)


def mesh(tag, vertices, colors, faces, config_dict):
    """A 3D mesh or point cloud: (B, N, 3) vertices, optional colors and faces."""
    from tensorboard.plugins.mesh import metadata
    from tensorboard.plugins.mesh.plugin_data_pb2 import MeshPluginData
    config = json.dumps(config_dict, sort_keys=True) if config_dict is not None else '{}'
    parts = [(t, kind) for t, kind in ((vertices, MeshPluginData.VERTEX), (faces, MeshPluginData.FACE),
                                       (colors, MeshPluginData.COLOR)) if t is not None]
    components = metadata.get_components_bitmask([kind for _, kind in parts])
    values = []
    for t, kind in parts:
        arr = make_np(t)
        meta = metadata.create_summary_metadata(tag, None, kind, components, arr.shape, None, json_config=config)
        proto = TensorProto(dtype='DT_FLOAT', float_val=arr.reshape(-1).tolist(), tensor_shape=_shape(arr.shape[:3]))
        values.append(Summary.Value(tag=metadata.get_instance_name(tag, kind), tensor=proto, metadata=meta))
    return Summary(value=values)
