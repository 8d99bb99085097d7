"""Custom configurations of FX graph mode quantization (``PrepareCustomConfig``, ``ConvertCustomConfig``,
``FuseCustomConfig``). ember honours the modules left out of tracing (``set_non_traceable_module_names``,
``set_non_traceable_module_classes``) and refuses the other settings."""

__all__ = ['ConvertCustomConfig', 'FuseCustomConfig', 'PrepareCustomConfig', 'StandaloneModuleConfigEntry']


class StandaloneModuleConfigEntry:
    def __init__(self, qconfig_mapping, example_inputs, prepare_custom_config, backend_config):
        self.qconfig_mapping = qconfig_mapping
        self.example_inputs = example_inputs
        self.prepare_custom_config = prepare_custom_config
        self.backend_config = backend_config


def _refuse(what):
    raise NotImplementedError(f"ember's FX graph mode quantization does not support {what}")


class PrepareCustomConfig:
    """Settings of ``prepare_fx`` beyond the qconfig mapping. Supported: modules left untraced (kept whole
    and unquantized inside the graph)."""

    def __init__(self):
        self.non_traceable_module_names = []
        self.non_traceable_module_classes = []

    def set_non_traceable_module_names(self, module_names):
        self.non_traceable_module_names = list(module_names)
        return self

    def set_non_traceable_module_classes(self, module_classes):
        self.non_traceable_module_classes = list(module_classes)
        return self

    def set_standalone_module_name(self, *args):
        _refuse('standalone modules')

    def set_standalone_module_class(self, *args):
        _refuse('standalone modules')

    def set_float_to_observed_mapping(self, *args):
        _refuse('custom modules (float_to_observed_mapping)')

    def set_input_quantized_indexes(self, *args):
        _refuse('quantized model inputs (input_quantized_indexes)')

    def set_output_quantized_indexes(self, *args):
        _refuse('quantized model outputs (output_quantized_indexes)')

    def set_preserved_attributes(self, attributes):
        self.preserved_attributes = list(attributes)
        return self

    @classmethod
    def from_dict(cls, prepare_custom_config_dict):
        """A config from the older dict form; keys other than ``non_traceable_module_name``,
        ``non_traceable_module_class`` and ``preserved_attributes`` are refused."""
        config = cls()
        for key, value in prepare_custom_config_dict.items():
            if key == 'non_traceable_module_name':
                config.set_non_traceable_module_names(value)
            elif key == 'non_traceable_module_class':
                config.set_non_traceable_module_classes(value)
            elif key == 'preserved_attributes':
                config.set_preserved_attributes(value)
            elif value:
                _refuse(f'the prepare_custom_config entry {key!r}')
        return config

    def to_dict(self):
        out = {}
        if self.non_traceable_module_names:
            out['non_traceable_module_name'] = self.non_traceable_module_names
        if self.non_traceable_module_classes:
            out['non_traceable_module_class'] = self.non_traceable_module_classes
        if getattr(self, 'preserved_attributes', None):
            out['preserved_attributes'] = self.preserved_attributes
        return out


class ConvertCustomConfig:
    """Settings of ``convert_fx``: only ``preserved_attributes`` is supported."""

    def set_observed_to_quantized_mapping(self, *args):
        _refuse('custom modules (observed_to_quantized_mapping)')

    def set_preserved_attributes(self, attributes):
        self.preserved_attributes = list(attributes)
        return self

    @classmethod
    def from_dict(cls, convert_custom_config_dict):
        config = cls()
        for key, value in convert_custom_config_dict.items():
            if key == 'preserved_attributes':
                config.set_preserved_attributes(value)
            elif value:
                _refuse(f'the convert_custom_config entry {key!r}')
        return config


class FuseCustomConfig:
    """Settings of ``fuse_fx``: only ``preserved_attributes`` is supported."""

    def set_preserved_attributes(self, attributes):
        self.preserved_attributes = list(attributes)
        return self

    @classmethod
    def from_dict(cls, fuse_custom_config_dict):
        config = cls()
        for key, value in fuse_custom_config_dict.items():
            if key == 'preserved_attributes':
                config.set_preserved_attributes(value)
            elif value:
                _refuse(f'the fuse_custom_config entry {key!r}')
        return config
