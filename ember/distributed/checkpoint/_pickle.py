"""The ``.metadata`` file as PyTorch pickles it: ember's checkpoint classes are written under PyTorch's
names (``torch.distributed.checkpoint.metadata.Metadata``, ``torch.float32``, ``torch.Size``), and
PyTorch's names are read back as ember's classes."""
import io
import pickle

from ember import serialization
from ember._formats import layout as _layout

_PROTOCOL = 4   # the protocol PyTorch's own .metadata files use
_GET_LAYOUT = serialization._TorchName('torch.serialization', '_get_layout')


class _MetadataPickler(serialization._SavePickler):
    def reducer_override(self, obj):
        if isinstance(obj, _layout):
            return _GET_LAYOUT, (f'torch.{str(obj).split(".")[-1]}',)
        return super().reducer_override(obj)

    def save_global(self, obj, name=None):
        module = getattr(obj, '__module__', '') or ''
        if isinstance(obj, type) and module.startswith('ember.distributed.checkpoint'):
            obj = serialization._TorchName('torch' + module[len('ember'):], obj.__qualname__)
        return super().save_global(obj, name)


def dumps(metadata):
    """The bytes of a ``.metadata`` file holding ``metadata``."""
    buf = io.BytesIO()
    _MetadataPickler(buf, _PROTOCOL).dump(metadata)
    return buf.getvalue()


def loads(data):
    """The Metadata in a ``.metadata`` file written by ember or PyTorch."""
    def no_storages(pid):
        raise pickle.UnpicklingError('a checkpoint metadata file holds no tensor data')
    return serialization._Unpickler(io.BytesIO(data), no_storages).load()
