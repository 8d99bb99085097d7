"""ember.types: the type aliases PyTorch's annotations use (``torch.types``)."""
import os
from typing import IO, Any, Sequence, Union  # noqa: F401

from ember._device import device as _device
from ember._tensor import Size, Tensor  # noqa: F401

Number = Union[int, float, bool]
Device = Union[_device, str, int, None]
FileLike = Union[str, os.PathLike, IO[bytes]]
# ember has no symbolic shapes: the Sym* aliases are the plain Python numbers they stand for
SymInt = int
SymFloat = float
SymBool = bool
IntLikeType = Union[int, SymInt]
FloatLikeType = Union[float, SymFloat]
BoolLikeType = Union[bool, SymBool]
py_sym_types = (SymInt, SymFloat, SymBool)
PySymType = Union[SymInt, SymFloat, SymBool]


def __getattr__(name):
    if name == 'Storage':   # loaded late: ember.storage imports ember.types' neighbours
        from ember.storage import UntypedStorage
        return UntypedStorage
    raise AttributeError(f"module 'ember.types' has no attribute '{name}'")
