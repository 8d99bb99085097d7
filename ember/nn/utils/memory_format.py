"""Converting the weights of a model's convolutions to a memory format (``channels_last`` ...).

Only the layout of the weights changes (their strides); values, shapes and the Parameter objects
stay, so optimizers holding them keep working.
"""
from ember.nn.modules.conv import Conv2d, Conv3d, ConvTranspose2d, ConvTranspose3d

__all__ = ['convert_conv2d_weight_memory_format', 'convert_conv3d_weight_memory_format']


def _convert(module, kinds, memory_format):
    if isinstance(module, kinds):
        module.weight.data = module.weight.detach().clone(memory_format=memory_format)
    for child in module.children():
        _convert(child, kinds, memory_format)
    return module


def convert_conv2d_weight_memory_format(module, memory_format):
    """Lay out the weight of every Conv2d/ConvTranspose2d in ``module`` (recursively) in ``memory_format``."""
    return _convert(module, (Conv2d, ConvTranspose2d), memory_format)


def convert_conv3d_weight_memory_format(module, memory_format):
    """Lay out the weight of every Conv3d/ConvTranspose3d in ``module`` (recursively) in ``memory_format``."""
    return _convert(module, (Conv3d, ConvTranspose3d), memory_format)
