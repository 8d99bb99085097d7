"""How an fx trace records a functional call: PyTorch's ``torch.nn.functional`` functions written in Python
hand their call on with the required parameters positional and every other parameter by keyword, defaults
filled in (``F.leaky_relu(x, 0.2)`` is recorded as ``leaky_relu(x, negative_slope = 0.2, inplace = False)``),
so a graph pass reads them by name."""
import functools
import inspect
import sys

from ember._torch_function import unwrapped

# PyTorch's functionals written in C take their arguments as given; the Python ones hand every parameter on,
# the required ones positionally and the others by keyword, so a trace records them in that form
_F_AS_GIVEN = frozenset({
    'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d', 'conv_tbc',
    'linear', 'bilinear', 'avg_pool1d', 'avg_pool2d', 'avg_pool3d', 'pixel_shuffle', 'pixel_unshuffle',
    'channel_shuffle', 'native_channel_shuffle', 'pdist', 'cosine_similarity', 'one_hot', 'hardtanh_',
    'elu_', 'leaky_relu_', 'rrelu_', 'threshold_', 'relu_', 'logsigmoid', 'hardshrink', 'softplus',
    'tanhshrink', 'softshrink', 'gelu', 'prelu', 'adaptive_avg_pool1d', 'adaptive_avg_pool2d',
    'adaptive_avg_pool3d', 'scaled_dot_product_attention', 'pad'})
# parameters a Python functional of PyTorch's does not hand on (l1_loss's weight, added after its dispatch line)
_NOT_HANDED_ON = {'l1_loss': ('weight',)}


def handed_on(fn, args, kwargs):
    """The ``(args, kwargs)`` an fx trace records for ``fn(*args, **kwargs)``: for ember.nn.functional's
    Python-style functionals, the required parameters positionally and every other one by keyword, with
    its default where not given, as PyTorch's hand them on; other calls as given."""
    name = getattr(fn, '__name__', None)
    functional = sys.modules.get('ember.nn.functional')
    fn = unwrapped(fn)
    if functional is None or name in _F_AS_GIVEN or unwrapped(getattr(functional, name or '', None)) is not fn:
        return args, kwargs
    import ember
    if unwrapped(getattr(ember, name, None)) is fn:
        return args, kwargs
    try:
        signature = _signature(fn)
        bound = signature.bind(*args, **kwargs)
    except (TypeError, ValueError):     # (a call the function itself refuses: recorded as written)
        return args, kwargs
    bound.apply_defaults()
    skipped = _NOT_HANDED_ON.get(name, ())
    positional, keywords = [], {}
    for p in signature.parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            return args, kwargs
        value = bound.arguments[p.name]
        if p.default is p.empty and p.kind is not p.KEYWORD_ONLY:
            positional.append(value)
        elif p.name not in skipped or value is not None:
            keywords[p.name] = value
    return tuple(positional), keywords


@functools.lru_cache(maxsize=None)
def _signature(fn):
    return inspect.signature(fn)
