"""The qnnpack backend's BackendConfig for FX graph mode quantization: the native operator set."""
from ember.ao.quantization.backend_config.backend_config import BackendConfig
from ember.ao.quantization.backend_config import native as _native

__all__ = ['get_qnnpack_backend_config']


def get_qnnpack_backend_config():
    """The BackendConfig of the qnnpack backend: the native patterns, named ``'qnnpack'``."""
    return BackendConfig('qnnpack').set_backend_pattern_configs(_native._native_configs(
        _native.weighted_op_quint8_dtype_config, _native.default_op_quint8_dtype_config,
        _native.default_dynamic_int8_dtype_config, _native.default_dynamic_float16_dtype_config))
