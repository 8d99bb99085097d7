"""FX graph mode quantization's machinery (``torch.ao.quantization.fx``): tracing with module scopes,
fusion, observer insertion (prepare), and conversion to quantized ops (convert); the entry points are in
``ember.ao.quantization.quantize_fx``."""
from ember.ao.quantization.fx.prepare import prepare  # noqa: F401
from ember.ao.quantization.fx.convert import convert  # noqa: F401
from ember.ao.quantization.fx.fuse import fuse  # noqa: F401
