"""BackendConfig: what a quantized backend can run, as patterns of float ops (with how their inputs and
outputs are observed, which modules they fuse into, and their QAT and reference counterparts)."""
from enum import Enum

__all__ = ['BackendConfig', 'BackendPatternConfig', 'DTypeConfig', 'DTypeWithConstraints', 'ObservationType']


class ObservationType(Enum):
    """How a pattern's output is observed."""
    OUTPUT_USE_DIFFERENT_OBSERVER_AS_INPUT = 0
    """the output gets its own observer (conv, linear, add)"""
    OUTPUT_SHARE_OBSERVER_WITH_INPUT = 1
    """the output keeps its input's quantization parameters (max pooling, reshape, relu)"""
    INPUT_OUTPUT_NOT_OBSERVED = 2
    """neither input nor output is observed"""


class DTypeWithConstraints:
    """A dtype with the limits a backend puts on its quantization parameters."""

    def __init__(self, dtype=None, quant_min_lower_bound=None, quant_max_upper_bound=None,
                 scale_min_lower_bound=None, scale_max_upper_bound=None, scale_exact_match=None,
                 zero_point_exact_match=None):
        self.dtype = dtype
        self.quant_min_lower_bound = quant_min_lower_bound
        self.quant_max_upper_bound = quant_max_upper_bound
        self.scale_min_lower_bound = scale_min_lower_bound
        self.scale_max_upper_bound = scale_max_upper_bound
        self.scale_exact_match = scale_exact_match
        self.zero_point_exact_match = zero_point_exact_match

    def __eq__(self, other):
        return isinstance(other, DTypeWithConstraints) and vars(self) == vars(other)

    def __repr__(self):
        fields = ', '.join(f'{k}={v}' for k, v in vars(self).items())
        return f'DTypeWithConstraints({fields})'


def _plain(dtype):
    return dtype.dtype if isinstance(dtype, DTypeWithConstraints) else dtype


class DTypeConfig:
    """The dtypes a pattern takes: of its input and output activations, its weight and bias, and whether
    its activations are quantized per call (dynamic quantization)."""

    def __init__(self, input_dtype=None, output_dtype=None, weight_dtype=None, bias_dtype=None, is_dynamic=None):
        as_constrained = (lambda d: d if isinstance(d, DTypeWithConstraints) else DTypeWithConstraints(dtype=d))
        self.input_dtype_with_constraints = as_constrained(input_dtype)
        self.output_dtype_with_constraints = as_constrained(output_dtype)
        self.weight_dtype_with_constraints = as_constrained(weight_dtype)
        self.bias_dtype = bias_dtype
        self.is_dynamic = is_dynamic

    @property
    def input_dtype(self):
        return self.input_dtype_with_constraints.dtype

    @property
    def output_dtype(self):
        return self.output_dtype_with_constraints.dtype

    @property
    def weight_dtype(self):
        return self.weight_dtype_with_constraints.dtype

    @classmethod
    def from_dict(cls, dtype_config_dict):
        """A DTypeConfig from a dict with keys ``input_dtype``, ``output_dtype``, ``weight_dtype``,
        ``bias_type``, ``is_dynamic`` (all optional)."""
        for key in ('input_dtype', 'output_dtype', 'weight_dtype'):
            value = dtype_config_dict.get(key)
            if value is not None and not isinstance(value, DTypeWithConstraints) and not hasattr(value, 'is_floating_point'):
                raise ValueError(f"Expected {key} to be a torch.dtype or DTypeWithConstraints")
        return cls(dtype_config_dict.get('input_dtype'), dtype_config_dict.get('output_dtype'),
                   dtype_config_dict.get('weight_dtype'), dtype_config_dict.get('bias_type'),
                   dtype_config_dict.get('is_dynamic'))

    def to_dict(self):
        out = {}
        for key, value in (('input_dtype', self.input_dtype_with_constraints),
                           ('output_dtype', self.output_dtype_with_constraints),
                           ('weight_dtype', self.weight_dtype_with_constraints)):
            if value.dtype is not None:
                out[key] = value
        if self.bias_dtype is not None:
            out['bias_type'] = self.bias_dtype
        if self.is_dynamic is not None:
            out['is_dynamic'] = self.is_dynamic
        return out

    def __repr__(self):
        return (f'DTypeConfig(input_dtype_with_constraints={self.input_dtype_with_constraints}, '
                f'output_dtype_with_constraints={self.output_dtype_with_constraints}, '
                f'weight_dtype_with_constraints={self.weight_dtype_with_constraints}, '
                f'bias_dtype={self.bias_dtype}, is_dynamic={self.is_dynamic})')


class BackendPatternConfig:
    """One pattern a backend can quantize: a module class, a function or method name, or a tuple of them in
    the order they run (``(nn.Conv2d, nn.BatchNorm2d, nn.ReLU)``), with its observation type, dtypes, and
    the modules that fusion, QAT and reference conversion use for it."""

    def __init__(self, pattern=None):
        self.pattern = pattern
        self.observation_type = ObservationType.OUTPUT_USE_DIFFERENT_OBSERVER_AS_INPUT
        self.dtype_configs = []
        self.root_module = None
        self.qat_module = None
        self.reference_quantized_module = None
        self.fused_module = None
        self.fuser_method = None
        self._num_tensor_args_to_observation_type = {}
        self._input_type_to_index = {}

    def __repr__(self):
        fields = {k: v for k, v in vars(self).items() if v not in (None, [], {})}
        return f'BackendPatternConfig({fields})'

    def set_pattern(self, pattern):
        self.pattern = pattern
        return self

    def set_observation_type(self, observation_type):
        self.observation_type = observation_type
        return self

    def add_dtype_config(self, dtype_config):
        self.dtype_configs.append(dtype_config)
        return self

    def set_dtype_configs(self, dtype_configs):
        self.dtype_configs = list(dtype_configs)
        return self

    def set_root_module(self, root_module):
        """The float module class at the root of the pattern (``nn.Conv2d`` for conv + bn + relu)."""
        self.root_module = root_module
        return self

    def set_qat_module(self, qat_module):
        self.qat_module = qat_module
        return self

    def set_reference_quantized_module(self, reference_quantized_module):
        self.reference_quantized_module = reference_quantized_module
        return self

    def set_fused_module(self, fused_module):
        self.fused_module = fused_module
        return self

    def set_fuser_method(self, fuser_method):
        """``fuser_method(is_qat, *modules)``: the fused module for the matched modules."""
        self.fuser_method = fuser_method
        return self

    def _set_num_tensor_args_to_observation_type(self, mapping):
        self._num_tensor_args_to_observation_type = mapping
        return self

    def _set_input_type_to_index(self, input_type_to_index):
        self._input_type_to_index = input_type_to_index
        return self

    @classmethod
    def from_dict(cls, backend_pattern_config_dict):
        """A BackendPatternConfig from a dict of its fields (``pattern``, ``observation_type``,
        ``dtype_configs``, ``root_module``, ``qat_module``, ``reference_quantized_module``,
        ``fused_module``, ``fuser_method``)."""
        d = backend_pattern_config_dict
        config = cls(d.get('pattern'))
        if 'observation_type' in d:
            config.set_observation_type(d['observation_type'])
        for dtype_config in d.get('dtype_configs', []):
            config.add_dtype_config(dtype_config if isinstance(dtype_config, DTypeConfig)
                                    else DTypeConfig.from_dict(dtype_config))
        for key in ('root_module', 'qat_module', 'reference_quantized_module', 'fused_module', 'fuser_method'):
            if d.get(key) is not None:
                setattr(config, key, d[key])
        return config

    def to_dict(self):
        out = {'pattern': self.pattern, 'observation_type': self.observation_type,
               'dtype_configs': [c.to_dict() for c in self.dtype_configs]}
        for key in ('root_module', 'qat_module', 'reference_quantized_module', 'fused_module', 'fuser_method'):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        return out


class BackendConfig:
    """The patterns a backend supports (``set_backend_pattern_config``), looked up by pattern
    (``configs``); ``prepare_fx`` and ``convert_fx`` take their fusion, observation and lowering rules
    from it."""

    def __init__(self, name=''):
        self.name = name
        self._pattern_complex_format_to_config = {}

    def __repr__(self):
        return f'BackendConfig({vars(self)})'

    def set_name(self, name):
        self.name = name
        return self

    def set_backend_pattern_config(self, config):
        """Adds (or replaces, for the same pattern) one pattern's config."""
        self._pattern_complex_format_to_config[config.pattern] = config
        return self

    def set_backend_pattern_configs(self, configs):
        for config in configs:
            self.set_backend_pattern_config(config)
        return self

    @property
    def configs(self):
        return list(self._pattern_complex_format_to_config.values())

    @classmethod
    def from_dict(cls, backend_config_dict):
        """A BackendConfig from ``{"name": ..., "configs": [pattern config dicts]}``."""
        config = cls(backend_config_dict.get('name', ''))
        for d in backend_config_dict.get('configs', []):
            config.set_backend_pattern_config(d if isinstance(d, BackendPatternConfig)
                                              else BackendPatternConfig.from_dict(d))
        return config

    def to_dict(self):
        return {'name': self.name, 'configs': [c.to_dict() for c in self.configs]}
