"""The ATen operator PyTorch's exporter would name for a recorded op it cannot write: the public op
the user called (``ember.linalg.pinv`` is ``aten::linalg_pinv``), as PyTorch's TorchScript tracer
records it, so the refusal reads as PyTorch's ``UnsupportedOperatorError``."""
import re

# a namespace's ATen prefix: torch.linalg.inv is aten::linalg_inv, torch.special.zeta aten::special_zeta
_PREFIX = {'ember': '', 'Tensor': '', 'F': '', 'linalg': 'linalg_', 'special': 'special_', 'fft': 'fft_'}
# public spellings PyTorch records as another operator (torch.inverse runs aten::linalg_inv)
_RENAMED = {'inverse': 'linalg_inv'}
# primitives that are one ATen operator whatever function ran them (F.interpolate with antialias)
_PRIMITIVES = {'UpsampleBilinear2DAa': '_upsample_bilinear2d_aa', 'UpsampleBicubic2DAa': '_upsample_bicubic2d_aa'}


def aten_name(node):
    """``'aten::<op>'`` for a node of a captured graph."""
    name = _PRIMITIVES.get(node.name)
    if name is None and node.caller is not None:
        namespace, public = node.caller
        name = _RENAMED.get(public) if namespace != 'linalg' else None
        name = name or _PREFIX[namespace] + public
    if name is None:    # the user's code ran the primitive itself: its name in ATen's spelling
        name = re.sub(r'(?<=[a-z0-9])(?=[A-Z])', '_', node.name.lstrip('_')).lower()
    return f'aten::{name}'
