"""Backend configs for FX graph mode quantization (``torch.ao.quantization.backend_config``)."""
from ember.ao.quantization.backend_config.backend_config import (BackendConfig, BackendPatternConfig, DTypeConfig,
                                                                 DTypeWithConstraints, ObservationType)
from ember.ao.quantization.backend_config.native import get_native_backend_config, get_native_backend_config_dict
from ember.ao.quantization.backend_config.fbgemm import get_fbgemm_backend_config
from ember.ao.quantization.backend_config.qnnpack import get_qnnpack_backend_config
from ember.ao.quantization.backend_config.x86 import get_x86_backend_config

__all__ = ['get_fbgemm_backend_config', 'get_native_backend_config', 'get_native_backend_config_dict',
           'get_qnnpack_backend_config', 'get_x86_backend_config', 'BackendConfig', 'BackendPatternConfig',
           'DTypeConfig', 'DTypeWithConstraints', 'ObservationType']
