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
    """Lays out the weight of every :class:`~ember.nn.Conv2d` and :class:`~ember.nn.ConvTranspose2d` in ``module``
    (itself and its descendants) in ``memory_format``, in place, and returns ``module``. Values, shapes and the
    Parameter objects stay the same.

    Args:
        module (nn.Module): the model.
        memory_format (ember.memory_format): usually ``ember.channels_last``.

    Example::

        >>> m = nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU())
        >>> m = nn.utils.convert_conv2d_weight_memory_format(m, ember.channels_last)
        >>> m[0].weight.is_contiguous(memory_format=ember.channels_last)
        True
    """
    return _convert(module, (Conv2d, ConvTranspose2d), memory_format)


def convert_conv3d_weight_memory_format(module, memory_format):
    """Lays out the weight of every :class:`~ember.nn.Conv3d` and :class:`~ember.nn.ConvTranspose3d` in ``module``
    (itself and its descendants) in ``memory_format``, in place, and returns ``module``. Values, shapes and the
    Parameter objects stay the same.

    Args:
        module (nn.Module): the model.
        memory_format (ember.memory_format): usually ``ember.channels_last_3d``.

    Example::

        >>> m = nn.Sequential(nn.Conv3d(3, 4, 3))
        >>> m = nn.utils.convert_conv3d_weight_memory_format(m, ember.channels_last_3d)
        >>> m[0].weight.is_contiguous(memory_format=ember.channels_last_3d)
        True
    """
    return _convert(module, (Conv3d, ConvTranspose3d), memory_format)
