"""Dropout after quantization: an identity (quantized models run in inference)."""
from ember import nn

__all__ = ['Dropout']


class Dropout(nn.Dropout):
    """Passes its quantized input through unchanged (dropout is off in inference).

    Args:
        p (float): the float module's drop probability (kept for printing and state).
        inplace (bool): the float module's flag.
    """

    def forward(self, input):
        return input

    def _get_name(self):
        return 'QuantizedDropout'

    @classmethod
    def from_float(cls, mod, use_precomputed_fake_quant=False):
        return cls(mod.p, mod.inplace)
