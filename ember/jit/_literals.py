"""Scalars as TorchScript source: what traced and scripted code both write."""
import math

import ember
from ember.jit import _dtype_codes


def scalar_literal(value):
    """``value`` (None, a bool, number, string, dtype or device) as TorchScript source, or None for anything
    else. Floats are written as TorchScript's printer writes them (``1.``, ``0.10000000000000001``)."""
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, int):
        return repr(int(value))
    if isinstance(value, float):
        if math.isnan(value):
            return 'nan'
        if math.isinf(value):
            return 'inf' if value > 0 else '-inf'
        # 17 significant digits, as PyTorch's printer writes doubles (0.1 is 0.10000000000000001), a point
        # added to a whole number (2.)
        text = f'{value:.17g}'
        return text if any(c in text for c in '.e') else text + '.'
    if isinstance(value, str):
        return '"' + value.replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n') + '"'
    if isinstance(value, ember.dtype):
        return str(_dtype_codes.code_of(value))
    if isinstance(value, ember.device):
        return f'torch.device("{value}")'
    return None
