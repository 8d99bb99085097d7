"""How lists of float modules fuse (``fuse_modules``' table): conv + BatchNorm folds into the conv in
evaluation; with a ReLU it becomes a fused ``ConvReLU``; in QAT the BatchNorm stays for training."""
from ember import nn
from ember.nn.utils import fusion

__all__ = ['fuse_conv_bn', 'fuse_conv_bn_relu', 'fuse_linear_bn', 'fuse_convtranspose_bn', 'get_fuser_method']


def _fused():
    from ember.ao.nn import intrinsic
    return intrinsic


def _check_bn(bn, out_channels, what):
    if bn.num_features != out_channels:
        raise AssertionError(f"Output channel of {what} must match num_features of BatchNorm")
    if not bn.affine:
        raise AssertionError("Only support fusing BatchNorm2d with affine set to True")
    if not bn.track_running_stats:
        raise AssertionError("Only support fusing BatchNorm2d with tracking_running_stats set to True")


def fuse_conv_bn(is_qat, conv, bn):
    """Conv + BatchNorm: one conv with the normalisation folded in (evaluation), or a ``ConvBn`` (QAT)."""
    if conv.training != bn.training:
        raise AssertionError("Conv and BN both must be in the same mode (train or eval).")
    nni = _fused()
    classes = {nn.Conv1d: nni.ConvBn1d, nn.Conv2d: nni.ConvBn2d, nn.Conv3d: nni.ConvBn3d}
    if is_qat:
        _check_bn(bn, conv.out_channels, 'Conv2d')
        fused_class = classes.get(type(conv))
        if fused_class is None:
            raise NotImplementedError(f"Cannot fuse train modules: {(conv, bn)}")
        return fused_class(conv, bn)
    return fusion.fuse_conv_bn_eval(conv, bn)


def fuse_conv_bn_relu(is_qat, conv, bn, relu):
    """Conv + BatchNorm + ReLU: a ``ConvReLU`` over the folded conv (evaluation), or a ``ConvBnReLU`` (QAT)."""
    if not conv.training == bn.training == relu.training:
        raise AssertionError("Conv and BN both must be in the same mode (train or eval).")
    nni = _fused()
    if is_qat:
        classes = {nn.Conv1d: nni.ConvBnReLU1d, nn.Conv2d: nni.ConvBnReLU2d, nn.Conv3d: nni.ConvBnReLU3d}
        _check_bn(bn, conv.out_channels, 'Conv')
        fused_class = classes.get(type(conv))
        if fused_class is None:
            raise NotImplementedError(f"Cannot fuse train modules: {(conv, bn, relu)}")
        return fused_class(conv, bn, relu)
    classes = {nn.Conv1d: nni.ConvReLU1d, nn.Conv2d: nni.ConvReLU2d, nn.Conv3d: nni.ConvReLU3d}
    fused_class = classes.get(type(conv))
    if fused_class is None:
        raise NotImplementedError(f"Cannot fuse eval modules: {(conv, bn, relu)}")
    return fused_class(fusion.fuse_conv_bn_eval(conv, bn), relu)


def fuse_linear_bn(is_qat, linear, bn):
    """Linear + BatchNorm1d: one Linear with the normalisation folded in (evaluation), or a ``LinearBn1d``."""
    if linear.training != bn.training:
        raise AssertionError("Linear and BN both must be in the same mode (train or eval).")
    if is_qat:
        _check_bn(bn, linear.out_features, 'Linear')
        return _fused().LinearBn1d(linear, bn)
    return fusion.fuse_linear_bn_eval(linear, bn)


def fuse_convtranspose_bn(is_qat, convt, bn):
    """ConvTranspose + BatchNorm: one transposed conv with the normalisation folded in (evaluation only)."""
    if convt.training != bn.training:
        raise AssertionError("ConvTranspose and BN both must be in the same mode (train or eval).")
    if is_qat:
        raise Exception("Fusing ConvTranspose+BatchNorm not yet supported in QAT.")
    return fusion.fuse_conv_bn_eval(convt, bn, transpose=True)


def _sequential(name):
    def fuser_method(is_qat, m1, m2):
        return getattr(_fused(), name)(m1, m2)
    return fuser_method


_DEFAULT_OP_LIST_TO_FUSER_METHOD = {
    (nn.Conv1d, nn.BatchNorm1d): fuse_conv_bn,
    (nn.Conv1d, nn.BatchNorm1d, nn.ReLU): fuse_conv_bn_relu,
    (nn.Conv2d, nn.BatchNorm2d): fuse_conv_bn,
    (nn.Conv2d, nn.BatchNorm2d, nn.ReLU): fuse_conv_bn_relu,
    (nn.Conv3d, nn.BatchNorm3d): fuse_conv_bn,
    (nn.Conv3d, nn.BatchNorm3d, nn.ReLU): fuse_conv_bn_relu,
    (nn.Conv1d, nn.ReLU): _sequential('ConvReLU1d'),
    (nn.Conv2d, nn.ReLU): _sequential('ConvReLU2d'),
    (nn.Conv3d, nn.ReLU): _sequential('ConvReLU3d'),
    (nn.Linear, nn.BatchNorm1d): fuse_linear_bn,
    (nn.Linear, nn.ReLU): _sequential('LinearReLU'),
    (nn.BatchNorm2d, nn.ReLU): _sequential('BNReLU2d'),
    (nn.BatchNorm3d, nn.ReLU): _sequential('BNReLU3d'),
    (nn.ConvTranspose1d, nn.BatchNorm1d): fuse_convtranspose_bn,
    (nn.ConvTranspose2d, nn.BatchNorm2d): fuse_convtranspose_bn,
    (nn.ConvTranspose3d, nn.BatchNorm3d): fuse_convtranspose_bn,
}


def get_fuser_method(op_list, additional_fuser_method_mapping=None):
    """The function that fuses modules of the types ``op_list`` (a tuple of classes)."""
    mapping = {**_DEFAULT_OP_LIST_TO_FUSER_METHOD, **(additional_fuser_method_mapping or {})}
    fuser_method = mapping.get(op_list)
    if fuser_method is None:
        raise AssertionError(f"did not find fuser method for: {op_list} ")
    return fuser_method
