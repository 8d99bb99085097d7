"""ember.torch_version: ``TorchVersion``, the class of ``ember.__version__`` (``torch.torch_version``)."""
from ember.version import TorchVersion, api_version

__all__ = ['TorchVersion', 'Version', 'InvalidVersion']

internal_version = api_version


class InvalidVersion(ValueError):
    """A version string that does not parse."""


def Version(text):
    """A comparable version: ember's :class:`TorchVersion` of ``text``."""
    return TorchVersion(text)
