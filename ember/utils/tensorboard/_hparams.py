"""The three summaries TensorBoard's hparams plugin reads: the experiment, a session's start and its end."""
from google.protobuf import struct_pb2
from tensorboard.compat.proto.summary_pb2 import Summary, SummaryMetadata
from tensorboard.plugins.hparams import metadata
from tensorboard.plugins.hparams.api_pb2 import DataType, Experiment, HParamInfo, MetricInfo, MetricName, Status
from tensorboard.plugins.hparams.plugin_data_pb2 import HParamsPluginData, SessionEndInfo, SessionStartInfo

from ._convert import make_np

# checked in this order, as PyTorch does: a bool is an int, so bools are logged as numbers
_KINDS = (((int, float), 'number_value', 'DATA_TYPE_FLOAT64'),
          (str, 'string_value', 'DATA_TYPE_STRING'),
          (bool, 'bool_value', 'DATA_TYPE_BOOL'))


def _summary(tag, **content):
    data = HParamsPluginData(version=metadata.PLUGIN_DATA_VERSION, **content)
    meta = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(
        plugin_name=metadata.PLUGIN_NAME, content=data.SerializeToString()))
    return Summary(value=[Summary.Value(tag=tag, metadata=meta)])


def hparams(hparam_dict, metric_dict, hparam_domain_discrete=None):
    """(experiment, session start, session end) summaries for one set of hyperparameters."""
    import ember
    if not isinstance(hparam_dict, dict):
        raise TypeError("parameter: hparam_dict should be a dictionary, nothing logged.")
    if not isinstance(metric_dict, dict):
        raise TypeError("parameter: metric_dict should be a dictionary, nothing logged.")
    domains = hparam_domain_discrete or {}
    if not isinstance(domains, dict):
        raise TypeError("parameter: hparam_domain_discrete should be a dictionary, nothing logged.")
    for k, v in domains.items():
        if k not in hparam_dict or not isinstance(v, list) or not all(isinstance(d, type(hparam_dict[k])) for d in v):
            raise TypeError(f"parameter: hparam_domain_discrete[{k}] should be a list of same type as "
                            f"hparam_dict[{k}].")
    infos, start = [], SessionStartInfo()
    for k, v in hparam_dict.items():
        if v is None:
            continue
        if isinstance(v, ember.Tensor):
            start.hparams[k].number_value = make_np(v)[0]
            infos.append(HParamInfo(name=k, type=DataType.Value('DATA_TYPE_FLOAT64')))
            continue
        for kinds, field, dtype in _KINDS:
            if isinstance(v, kinds):
                setattr(start.hparams[k], field, v)
                discrete = None
                if k in domains:
                    discrete = struct_pb2.ListValue(values=[struct_pb2.Value(**{field: d}) for d in domains[k]])
                infos.append(HParamInfo(name=k, type=DataType.Value(dtype), domain_discrete=discrete))
                break
        else:
            raise ValueError("value should be one of int, float, str, bool, or ember.Tensor")
    experiment = Experiment(hparam_infos=infos, metric_infos=[MetricInfo(name=MetricName(tag=k)) for k in metric_dict])
    return (_summary(metadata.EXPERIMENT_TAG, experiment=experiment),
            _summary(metadata.SESSION_START_INFO_TAG, session_start_info=start),
            _summary(metadata.SESSION_END_INFO_TAG,
                     session_end_info=SessionEndInfo(status=Status.Value('STATUS_SUCCESS'))))
