"""What the quantizable models share: ReLUs made non-inplace (quantized ReLUs return new tensors), fusion
that follows the model's mode, and post-training quantization of a freshly built model."""
import ember
from ember import nn

__all__ = ['quantize_model']


def _replace_relu(module):
    """Every ``nn.ReLU``/``nn.ReLU6`` (exactly those classes) under ``module`` becomes ``nn.ReLU()``."""
    reassign = {}
    for name, child in module.named_children():
        _replace_relu(child)
        if type(child) is nn.ReLU or type(child) is nn.ReLU6:
            reassign[name] = nn.ReLU(inplace=False)
    for name, child in reassign.items():
        module._modules[name] = child


def _fuse_modules(model, modules_to_fuse, is_qat=None, **kwargs):
    """``fuse_modules``, or ``fuse_modules_qat`` when ``is_qat`` (by default: when the model trains)."""
    from ember.ao.quantization import fuse_modules, fuse_modules_qat
    if is_qat is None:
        is_qat = model.training
    return (fuse_modules_qat if is_qat else fuse_modules)(model, modules_to_fuse, **kwargs)


def quantize_model(model, backend):
    """Quantizes a quantizable model in place as torchvision does for its published checkpoints: the
    backend's qconfig (MinMax activations, per-channel weights on fbgemm), fusion, one calibration pass on a
    random image, conversion."""
    from ember.ao import quantization as Q
    if backend not in ember.backends.quantized.supported_engines:
        raise RuntimeError(f"Quantized backend not supported: {backend!r} (ember computes quantized models with "
                           "FBGEMM's arithmetic; pass backend='fbgemm')")
    ember.backends.quantized.engine = backend
    model.eval()
    if backend == 'fbgemm':
        model.qconfig = Q.QConfig(activation=Q.default_observer, weight=Q.default_per_channel_weight_observer)
    else:
        model.qconfig = Q.QConfig(activation=Q.default_observer, weight=Q.default_weight_observer)
    model.fuse_model()
    Q.prepare(model, inplace=True)
    model(ember.rand(1, 3, 299, 299))
    Q.convert(model, inplace=True)


def _weights_with_unquantized(enum, float_enum):
    """Resolves the ``unquantized`` meta of ``enum``'s members (recorded as names) to ``float_enum``'s
    members."""
    for member in enum:
        name = member.meta.get('unquantized')
        if isinstance(name, str):
            member.meta['unquantized'] = float_enum[name.split('.', 1)[1]]
    return enum
