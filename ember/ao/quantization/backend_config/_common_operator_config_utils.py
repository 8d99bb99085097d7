"""The pattern configs the native backends share (fbgemm, x86, qnnpack differ only in their dtypes)."""
import operator

import ember
from ember import nn
import ember.nn.functional as F
from ember.ao.quantization.backend_config.backend_config import BackendPatternConfig, ObservationType
from ember.ao.quantization.fuser_method_mappings import (fuse_conv_bn, fuse_conv_bn_relu, fuse_linear_bn,
                                                         fuse_convtranspose_bn)

_DIFFERENT = ObservationType.OUTPUT_USE_DIFFERENT_OBSERVER_AS_INPUT
_SHARE = ObservationType.OUTPUT_SHARE_OBSERVER_WITH_INPUT


def _sequential(fused_class):
    """A fuser method that puts the two matched modules into ``fused_class``."""
    def fuser_method(is_qat, m1, m2):
        return fused_class(m1, m2)
    fuser_method.__name__ = f'fuse_into_{fused_class.__name__}'
    return fuser_method


def _pattern(pattern, dtype_configs, observation_type=_DIFFERENT, **fields):
    config = BackendPatternConfig(pattern).set_observation_type(observation_type).set_dtype_configs(dtype_configs)
    for key, value in fields.items():
        setattr(config, key, value)
    return config


def _get_conv_configs(dtype_configs):
    import ember.ao.nn.intrinsic as nni
    import ember.ao.nn.intrinsic.qat as nniqat
    import ember.ao.nn.qat as nnqat
    configs = []
    for dims in (1, 2, 3):
        conv = getattr(nn, f'Conv{dims}d')
        bn = getattr(nn, f'BatchNorm{dims}d')
        conv_relu, conv_bn, conv_bn_relu = (getattr(nni, f'{n}{dims}d') for n in ('ConvReLU', 'ConvBn', 'ConvBnReLU'))
        qat_conv = getattr(nnqat, f'Conv{dims}d')
        qat_conv_relu, qat_conv_bn, qat_conv_bn_relu = (getattr(nniqat, f'{n}{dims}d')
                                                        for n in ('ConvReLU', 'ConvBn', 'ConvBnReLU'))
        functional = getattr(F, f'conv{dims}d')
        # the ops that run as one quantized convolution
        configs.append(_pattern(conv, dtype_configs, root_module=conv, qat_module=qat_conv))
        configs.append(_pattern(qat_conv, dtype_configs, root_module=conv))
        configs.append(_pattern(functional, dtype_configs,
                                _input_type_to_index={'weight': 1, 'bias': 2}))
        for fused, qat in ((conv_relu, qat_conv_relu), (conv_bn, qat_conv_bn), (conv_bn_relu, qat_conv_bn_relu)):
            configs.append(_pattern(fused, dtype_configs, root_module=conv, qat_module=qat))
            configs.append(_pattern(qat, dtype_configs, root_module=conv))
        for relu in (nn.ReLU, F.relu):
            configs.append(_pattern((conv, relu), dtype_configs, fuser_method=_sequential(conv_relu),
                                    fused_module=conv_relu))
            configs.append(_pattern((conv, bn, relu), dtype_configs, fuser_method=fuse_conv_bn_relu,
                                    fused_module=conv_bn_relu))
            configs.append(_pattern((functional, relu), dtype_configs))
        configs.append(_pattern((conv, bn), dtype_configs, fuser_method=fuse_conv_bn, fused_module=conv_bn))
        transposed = getattr(nn, f'ConvTranspose{dims}d')
        configs.append(_pattern(transposed, dtype_configs, root_module=transposed))
        configs.append(_pattern((transposed, bn), dtype_configs, fuser_method=fuse_convtranspose_bn,
                                root_module=transposed))
    return configs


def _get_linear_configs(dtype_configs):
    import ember.ao.nn.intrinsic as nni
    import ember.ao.nn.intrinsic.qat as nniqat
    import ember.ao.nn.qat as nnqat
    configs = [
        _pattern(nn.Linear, dtype_configs, root_module=nn.Linear, qat_module=nnqat.Linear),
        _pattern(nnqat.Linear, dtype_configs, root_module=nn.Linear),
        _pattern(F.linear, dtype_configs, _input_type_to_index={'weight': 1, 'bias': 2}),
        _pattern(nni.LinearReLU, dtype_configs, root_module=nn.Linear, qat_module=nniqat.LinearReLU),
        _pattern(nniqat.LinearReLU, dtype_configs, root_module=nn.Linear),
        _pattern((nn.Linear, nn.BatchNorm1d), dtype_configs, fuser_method=fuse_linear_bn,
                 fused_module=nni.LinearBn1d),
        _pattern(nni.LinearBn1d, dtype_configs, root_module=nn.Linear),
    ]
    for relu in (nn.ReLU, F.relu):
        configs.append(_pattern((nn.Linear, relu), dtype_configs, fuser_method=_sequential(nni.LinearReLU),
                                fused_module=nni.LinearReLU))
        configs.append(_pattern((F.linear, relu), dtype_configs))
    return configs


def _get_binary_op_configs(dtype_configs):
    # one tensor operand (x + 1.0): the output keeps the input's parameters; two: its own observer
    by_tensor_args = {0: _DIFFERENT, 1: _SHARE, 2: _DIFFERENT}
    configs = []
    for op in (operator.add, ember.add, operator.mul, ember.mul):
        for pattern in ((op, nn.ReLU), (op, F.relu), (op, ember.relu), op):
            configs.append(_pattern(pattern, dtype_configs, _num_tensor_args_to_observation_type=by_tensor_args))
    configs.append(_pattern(ember.matmul, dtype_configs))
    return configs


def _get_cat_config(dtype_configs):
    return _pattern(ember.cat, dtype_configs, _SHARE)


def _get_default_op_configs(dtype_configs):
    ops = (nn.ELU, nn.LeakyReLU, nn.Hardswish, nn.InstanceNorm1d, nn.InstanceNorm2d, nn.InstanceNorm3d,
           nn.Dropout, nn.PReLU, F.elu, F.hardswish, F.leaky_relu, F.dropout)
    return [_pattern(op, dtype_configs) for op in ops] + [
        _pattern(nn.LayerNorm, dtype_configs), _pattern(F.layer_norm, dtype_configs,
                                                        _input_type_to_index={'weight': 2, 'bias': 3})]


def _get_fixed_qparams_op_configs(dtype_configs):
    ops = (nn.Hardsigmoid, F.hardsigmoid, 'hardsigmoid', 'hardsigmoid_', nn.Sigmoid, ember.sigmoid, 'sigmoid',
           'sigmoid_', nn.Softmax, nn.Tanh, ember.tanh, 'tanh', 'tanh_')
    return [_pattern(op, dtype_configs) for op in ops]


# ops that run on quantized tensors as they are: the output keeps the input's parameters
_SHARE_QPARAMS_OPS = (
    nn.AdaptiveAvgPool1d, nn.AdaptiveAvgPool2d, nn.AdaptiveAvgPool3d, nn.AvgPool1d, nn.AvgPool2d, nn.AvgPool3d,
    nn.Hardtanh, nn.Identity, nn.MaxPool1d, nn.MaxPool2d, nn.MaxPool3d, nn.PixelShuffle, nn.PixelUnshuffle,
    nn.ReLU, nn.ReLU6, F.adaptive_avg_pool1d, F.adaptive_avg_pool2d, F.adaptive_avg_pool3d, F.hardtanh,
    F.hardtanh_, F.interpolate, F.max_pool1d, F.max_pool2d, F.max_pool3d, F.pixel_shuffle, F.pixel_unshuffle,
    F.relu, F.relu6, F.avg_pool1d, F.avg_pool2d, F.avg_pool3d, ember.clamp, ember.flatten, ember.mean,
    ember.narrow, ember.repeat_interleave, ember.transpose, ember.squeeze, ember.stack, ember.unsqueeze,
    operator.floordiv, 'contiguous', 'clamp', 'detach', 'detach_', 'mean', 'permute', 'repeat',
    'repeat_interleave', 'reshape', 'resize_', 'relu', 'relu_', 'squeeze', 'squeeze_', 'transpose', 'unsqueeze',
    'unsqueeze_', 'view')


def _get_share_qparams_op_configs(dtype_configs):
    return [_pattern(op, dtype_configs, _SHARE) for op in _SHARE_QPARAMS_OPS]


def _get_bn_configs(dtype_configs):
    import ember.ao.nn.intrinsic as nni
    configs = []
    for dims in (2, 3):
        bn = getattr(nn, f'BatchNorm{dims}d')
        fused = getattr(nni, f'BNReLU{dims}d')
        configs.append(_pattern(bn, dtype_configs))
        configs.append(_pattern(fused, dtype_configs))
        for relu in (nn.ReLU, F.relu):
            configs.append(_pattern((bn, relu), dtype_configs, fuser_method=_sequential(fused), fused_module=fused))
    return configs


def _get_rnn_op_configs(dtype_configs):
    return [_pattern(op, dtype_configs, root_module=op) for op in (nn.GRUCell, nn.LSTMCell, nn.RNNCell, nn.LSTM, nn.GRU)]


def _get_embedding_op_configs(dtype_configs):
    return [_pattern(op, dtype_configs, root_module=op) for op in (nn.Embedding, nn.EmbeddingBag)]
