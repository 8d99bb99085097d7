"""FX graph mode quantization: the model is traced into a graph, fused and observed by pattern
(``prepare_fx``, ``prepare_qat_fx``), calibrated or trained by the user, then rewritten with quantized
modules and ops (``convert_fx``) — no QuantStub/DeQuantStub or manual fusion needed."""
import warnings

from ember import nn
from ember.fx import GraphModule
from ember.ao.quantization.backend_config import get_native_backend_config, BackendConfig
from ember.ao.quantization.fx.custom_config import (PrepareCustomConfig, ConvertCustomConfig,
                                                   FuseCustomConfig)
from ember.ao.quantization.fx.qconfig_mapping_utils import as_qconfig_mapping
from ember.ao.quantization.fx.tracer import QuantizationTracer, Scope  # noqa: F401  (PyTorch's module has them)

__all__ = ['fuse_fx', 'prepare_fx', 'prepare_qat_fx', 'convert_fx', 'convert_to_reference_fx']


def _deprecated():
    from ember.ao.quantization.quantize import _DEPRECATION
    warnings.warn(_DEPRECATION, DeprecationWarning, stacklevel=3)


def _as_backend_config(backend_config):
    if backend_config is None:
        return get_native_backend_config()
    if isinstance(backend_config, dict):
        return BackendConfig.from_dict(backend_config)
    if not isinstance(backend_config, BackendConfig):
        raise TypeError(f"backend_config must be a BackendConfig, got {type(backend_config).__name__}")
    return backend_config


def _as_config(config, cls, what):
    if config is None:
        return cls()
    if isinstance(config, dict):
        warnings.warn(f"Passing a {what} dictionary to {'prepare' if cls is PrepareCustomConfig else 'convert'} "
                      f"is deprecated and will not be supported in a future version. Please pass in a {cls.__name__} "
                      "instead.", FutureWarning, stacklevel=3)
        return cls.from_dict(config)
    if not isinstance(config, cls):
        raise TypeError(f"expected a {cls.__name__}, got {type(config).__name__}")
    return config


def _preserve(src, dst, config):
    preserved = {attr: getattr(src, attr) for attr in getattr(config, 'preserved_attributes', None) or ()
                 if hasattr(src, attr)}
    dst.meta['_user_preserved_attributes'] = dict(preserved)    # where PyTorch's GraphModules keep them
    for attr, value in preserved.items():
        setattr(dst, attr, value)


def _trace(model, prepare_custom_config):
    if not isinstance(model, nn.Module):
        raise TypeError(f"prepare_fx takes an nn.Module, got {type(model).__name__}")
    tracer = QuantizationTracer(prepare_custom_config.non_traceable_module_names,
                                prepare_custom_config.non_traceable_module_classes)
    graph = tracer.trace(model)
    traced = GraphModule(model, graph, 'GraphModule')
    return traced, tracer.node_name_to_scope


def fuse_fx(model, fuse_custom_config=None, backend_config=None):
    """Fuses the modules of ``model`` that run one after another into the backend's fused modules
    (conv + bn + relu, linear + relu, ...), found in the traced graph; returns a GraphModule.

    Args:
        model (nn.Module): the float model, in eval mode (training mode fuses into modules for QAT).
        fuse_custom_config: FuseCustomConfig (or dict); only ``preserved_attributes`` is supported.
        backend_config: the patterns to fuse; the native backend's by default.

    Example::

        >>> import warnings; warnings.simplefilter('ignore', DeprecationWarning)
        >>> from ember.ao.quantization.quantize_fx import fuse_fx
        >>> m = nn.Sequential(nn.Conv2d(1, 2, 1), nn.BatchNorm2d(2), nn.ReLU()).eval()
        >>> type(fuse_fx(m).get_submodule("0")).__name__
        'ConvReLU2d'
    """
    from ember.ao.quantization.fx.fuse import fuse
    _deprecated()
    config = _as_config(fuse_custom_config, FuseCustomConfig, 'fuse_custom_config')
    traced, _ = _trace(model, PrepareCustomConfig())
    fused = fuse(traced, model.training, _as_backend_config(backend_config))
    fused = GraphModule(fused, fused.graph, 'GraphModule')
    _preserve(model, fused, config)
    return fused


def _prepare_fx(model, qconfig_mapping, is_qat, example_inputs, prepare_custom_config, _equalization_config,
                backend_config):
    from ember.ao.quantization.fx.fuse import fuse
    from ember.ao.quantization.fx.prepare import prepare
    if _equalization_config:
        raise NotImplementedError("ember's prepare_fx does not support input-weight equalization "
                                  "(_equalization_config)")
    if example_inputs is None:
        raise TypeError("prepare_fx() missing 1 required positional argument: 'example_inputs'")
    custom = _as_config(prepare_custom_config, PrepareCustomConfig, 'prepare_custom_config')
    mapping = as_qconfig_mapping(qconfig_mapping)
    backend = _as_backend_config(backend_config)
    traced, scopes = _trace(model, custom)
    fused = fuse(traced, is_qat, backend)
    prepared = prepare(fused, mapping, is_qat, scopes, backend)
    result = GraphModule(prepared, prepared.graph, 'GraphModule')
    result.meta.update(prepared.meta)
    _preserve(model, result, custom)
    return result


def prepare_fx(model, qconfig_mapping, example_inputs, prepare_custom_config=None, _equalization_config=None,
               backend_config=None):
    """Prepares a float model in eval mode for post-training static (or dynamic) quantization: traces it,
    fuses conv/bn/relu and linear/relu, and inserts observers (``activation_post_process_<n>`` modules)
    wherever ``qconfig_mapping`` and the backend's patterns put quantized values. Run calibration data
    through the result, then :func:`convert_fx`.

    Args:
        model (nn.Module): the float model (eval mode); the original is not changed.
        qconfig_mapping (QConfigMapping): which QConfig each op gets (a dict in the older form is accepted).
        example_inputs (tuple): example positional inputs of the model.
        prepare_custom_config: PrepareCustomConfig (or dict): modules left untraced.
        backend_config: the backend's patterns; the native backend's by default.

    Example::

        >>> import warnings; warnings.simplefilter('ignore', DeprecationWarning)
        >>> from ember.ao.quantization import get_default_qconfig_mapping
        >>> from ember.ao.quantization.quantize_fx import prepare_fx, convert_fx
        >>> model = nn.Sequential(nn.Linear(4, 3), nn.ReLU()).eval()
        >>> x = ember.randn(2, 4)
        >>> prepared = prepare_fx(model, get_default_qconfig_mapping(), (x,))
        >>> _ = prepared(x)
        >>> type(convert_fx(prepared).get_submodule("0")).__name__
        'LinearReLU'
    """
    _deprecated()
    return _prepare_fx(model, qconfig_mapping, False, example_inputs, prepare_custom_config, _equalization_config,
                       backend_config)


def prepare_qat_fx(model, qconfig_mapping, example_inputs, prepare_custom_config=None, backend_config=None):
    """Prepares a float model in training mode for quantization-aware training: as :func:`prepare_fx`, with
    conv + bn fused into QAT modules that keep training the batch norm, weights fake-quantized, and fake
    quantization modules where observers would go. Train the result, then :func:`convert_fx`.

    Args:
        model (nn.Module): the float model in training mode.
        qconfig_mapping (QConfigMapping): e.g. ``get_default_qat_qconfig_mapping()``.
        example_inputs (tuple): example positional inputs of the model.
        prepare_custom_config, backend_config: as for :func:`prepare_fx`.
    """
    _deprecated()
    return _prepare_fx(model, qconfig_mapping, True, example_inputs, prepare_custom_config, None, backend_config)


def _convert_fx(graph_module, is_reference, convert_custom_config, qconfig_mapping, backend_config):
    from ember.ao.quantization.fx.convert import convert
    config = _as_config(convert_custom_config, ConvertCustomConfig, 'convert_custom_config')
    if qconfig_mapping is not None:
        raise NotImplementedError("ember's convert_fx uses the QConfigMapping given to prepare_fx; passing "
                                  "qconfig_mapping to convert_fx is not supported")
    attrs = graph_module.meta.get('_observed_graph_module_attrs') if isinstance(graph_module, GraphModule) else None
    if attrs is None:
        raise ValueError("convert_fx takes a model returned by prepare_fx or prepare_qat_fx")
    backend = _as_backend_config(backend_config) if backend_config is not None else attrs.backend_config
    quantized = convert(graph_module, attrs, is_reference, backend)
    _preserve(graph_module, quantized, config)
    return quantized


def convert_fx(graph_module, convert_custom_config=None, _remove_qconfig=True, qconfig_mapping=None,
               backend_config=None):
    """Converts a prepared and calibrated (or trained) model into a quantized one: inputs quantized with
    the observed parameters, fused and weighted modules replaced by their quantized forms (dynamic ones for
    dynamic QConfigs), ``add``/``mul`` (+ relu) by quantized ops, values dequantized where float ops or the
    outputs need them. As in PyTorch, the prepared model's graph is rewritten on the way (its generated
    ``forward`` stays as it was) and the modules that stay float are shared with the result.

    Args:
        graph_module: the model returned by :func:`prepare_fx` or :func:`prepare_qat_fx`.
        convert_custom_config: ConvertCustomConfig (or dict); only ``preserved_attributes`` is supported.
        _remove_qconfig: must be True (ember keeps no qconfig attributes on converted modules).
        qconfig_mapping: must be None (the mapping given to prepare is used).
        backend_config: the backend's patterns; the one given to prepare by default.
    """
    _deprecated()
    if not _remove_qconfig:
        raise NotImplementedError("ember's convert_fx always removes the qconfig attributes (_remove_qconfig=False "
                                  "is not supported)")
    return _convert_fx(graph_module, False, convert_custom_config, qconfig_mapping, backend_config)


def convert_to_reference_fx(graph_module, convert_custom_config=None, _remove_qconfig=True, qconfig_mapping=None,
                            backend_config=None):
    """Converts a prepared model into a reference quantized model: float ops between explicit
    ``quantize_per_tensor``/``dequantize`` pairs, weighted modules replaced by reference modules whose
    weights are quantized and dequantized as they run. Arguments as :func:`convert_fx`."""
    _deprecated()
    if not _remove_qconfig:
        raise NotImplementedError("ember's convert_to_reference_fx always removes the qconfig attributes "
                                  "(_remove_qconfig=False is not supported)")
    return _convert_fx(graph_module, True, convert_custom_config, qconfig_mapping, backend_config)
