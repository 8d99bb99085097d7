"""Signal processing (``ember.signal``), as ``torch.signal``: the window functions of ``windows``."""
from ember.signal import windows  # noqa: F401

__all__ = ['windows']
