"""Scalars as TorchScript source: what traced and scripted code both write."""
import math

import ember
from ember.jit import _dtype_codes


def scalar_literal(value, point_float=False):
    """``value`` (None, a bool, number, string, dtype or device) as TorchScript source, or None for anything
    else. ``point_float`` writes whole floats as TorchScript's printer does (``1.``, not ``1.0``)."""
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, int):
        return repr(int(value))
    if isinstance(value, float):
        if math.isnan(value):
            return 'nan'
        if math.isinf(value):
            return 'inf' if value > 0 else '-inf'
        text = repr(value)
        return text[:-1] if point_float and text.endswith('.0') else text
    if isinstance(value, str):
        return '"' + value.replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n') + '"'
    if isinstance(value, ember.dtype):
        return str(_dtype_codes.code_of(value))
    if isinstance(value, ember.device):
        return f'torch.device("{value}")'
    return None
