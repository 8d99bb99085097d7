"""The native backend (fbgemm and qnnpack's shared operator set) for FX graph mode quantization."""
import ember
from ember.quantized import _dtypes
from ember.ao.quantization.backend_config.backend_config import BackendConfig, DTypeConfig
from ember.ao.quantization.backend_config import _common_operator_config_utils as _ops

__all__ = ['get_native_backend_config', 'get_native_backend_config_dict', 'default_op_quint8_dtype_config',
           'default_op_fp16_dtype_config', 'default_dynamic_int8_dtype_config',
           'default_dynamic_float16_dtype_config', 'input_output_only_quint8_dtype_config',
           'weight_only_quint8_dtype_config', 'weight_only_quint4x2_dtype_config']

weighted_op_quint8_dtype_config = DTypeConfig(input_dtype=_dtypes.quint8, output_dtype=_dtypes.quint8,
                                              weight_dtype=_dtypes.qint8, bias_dtype=ember.float32)
default_op_quint8_dtype_config = DTypeConfig(input_dtype=_dtypes.quint8, output_dtype=_dtypes.quint8)
default_op_fp16_dtype_config = DTypeConfig(input_dtype=ember.float16, output_dtype=ember.float16,
                                           weight_dtype=ember.float16, bias_dtype=ember.float16)
default_dynamic_int8_dtype_config = DTypeConfig(input_dtype=_dtypes.quint8, output_dtype=ember.float32,
                                                weight_dtype=_dtypes.qint8, bias_dtype=ember.float32,
                                                is_dynamic=True)
default_dynamic_float16_dtype_config = DTypeConfig(input_dtype=ember.float16, output_dtype=ember.float32,
                                                   weight_dtype=ember.float16, bias_dtype=ember.float32,
                                                   is_dynamic=True)
input_output_only_quint8_dtype_config = DTypeConfig(input_dtype=_dtypes.quint8, output_dtype=_dtypes.quint8,
                                                    weight_dtype=ember.float32, bias_dtype=ember.float32)
weight_only_quint8_dtype_config = DTypeConfig(input_dtype=ember.float32, output_dtype=ember.float32,
                                              weight_dtype=_dtypes.quint8)
weight_only_quint4x2_dtype_config = DTypeConfig(input_dtype=ember.float32, output_dtype=ember.float32,
                                                weight_dtype=_dtypes.quint4x2)


def _native_configs(weighted, default, dynamic_int8, dynamic_fp16):
    """The pattern configs of a native-style backend with the given dtype configs."""
    weighted_dtypes = [weighted, default_op_fp16_dtype_config, dynamic_int8, dynamic_fp16]
    return [*_ops._get_conv_configs([weighted]), *_ops._get_linear_configs(weighted_dtypes),
            *_ops._get_binary_op_configs([default, default_op_fp16_dtype_config]),
            _ops._get_cat_config([default]), *_ops._get_default_op_configs([default]),
            *_ops._get_fixed_qparams_op_configs([default]), *_ops._get_share_qparams_op_configs([default]),
            *_ops._get_bn_configs([default]),
            *_ops._get_rnn_op_configs([dynamic_int8, dynamic_fp16]),
            *_ops._get_embedding_op_configs([weight_only_quint8_dtype_config, weight_only_quint4x2_dtype_config])]


def get_native_backend_config():
    """The BackendConfig of PyTorch's native backends (what ``prepare_fx`` uses by default).

    Example::

        >>> from ember.ao.quantization.backend_config import get_native_backend_config
        >>> get_native_backend_config().name
        'native'
    """
    return BackendConfig('native').set_backend_pattern_configs(_native_configs(
        weighted_op_quint8_dtype_config, default_op_quint8_dtype_config, default_dynamic_int8_dtype_config,
        default_dynamic_float16_dtype_config))


def get_native_backend_config_dict():
    """:func:`get_native_backend_config` as a dict."""
    return get_native_backend_config().to_dict()
