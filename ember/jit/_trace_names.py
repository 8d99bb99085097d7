"""Names PyTorch's tracer gives the values of a traced graph (``%x``, ``%input.1``): a tensor an operator takes is
named after the variable of the calling Python frame that holds it, the first time an operator takes it.

PyTorch looks in the frame that calls its C++ operator (``_get_trace_graph``: in the frame above it). That is the user's code for ``x * 2`` or ``torch.relu``,
but the body of ``torch.nn.functional``'s function for the functions PyTorch writes in Python (``F.relu``,
``F.max_pool2d``: the tensor is its ``input`` there); ember's are its own, so for those the tensor is named after
the function's parameter that takes it.
"""
import contextlib
import inspect
import sys

# torch.nn.functional's functions PyTorch writes in Python (PyTorch 2.13)
PYTHON_FUNCTIONALS = frozenset(
    ('adaptive_avg_pool2d', 'adaptive_avg_pool3d', 'adaptive_max_pool1d', 'adaptive_max_pool1d_with_indices',
    'adaptive_max_pool2d', 'adaptive_max_pool2d_with_indices', 'adaptive_max_pool3d',
    'adaptive_max_pool3d_with_indices', 'affine_grid', 'alpha_dropout', 'assert_int_or_pair', 'batch_norm',
    'binary_cross_entropy', 'binary_cross_entropy_with_logits', 'celu', 'cosine_embedding_loss', 'cross_entropy',
    'ctc_loss', 'dropout', 'dropout1d', 'dropout2d', 'dropout3d', 'elu', 'embedding', 'embedding_bag',
    'feature_alpha_dropout', 'fold', 'fractional_max_pool2d', 'fractional_max_pool2d_with_indices',
    'fractional_max_pool3d', 'fractional_max_pool3d_with_indices', 'gaussian_nll_loss', 'glu', 'grid_sample',
    'group_norm', 'grouped_mm', 'gumbel_softmax', 'hardsigmoid', 'hardswish', 'hardtanh', 'hinge_embedding_loss',
    'huber_loss', 'instance_norm', 'interpolate', 'kl_div', 'l1_loss', 'layer_norm', 'leaky_relu',
    'linear_cross_entropy', 'local_response_norm', 'log_softmax', 'lp_pool1d', 'lp_pool2d', 'lp_pool3d',
    'margin_ranking_loss', 'max_pool1d', 'max_pool1d_with_indices', 'max_pool2d', 'max_pool2d_with_indices',
    'max_pool3d', 'max_pool3d_with_indices', 'max_unpool1d', 'max_unpool2d', 'max_unpool3d', 'mish', 'mse_loss',
    'multi_head_attention_forward', 'multi_margin_loss', 'multilabel_margin_loss', 'multilabel_soft_margin_loss',
    'nll_loss', 'normalize', 'pad', 'poisson_nll_loss', 'relu', 'relu6', 'rms_norm', 'rrelu', 'scaled_grouped_mm',
    'scaled_mm', 'selu', 'sigmoid', 'silu', 'smooth_l1_loss', 'soft_margin_loss', 'softmax', 'softmin',
    'softsign', 'tanh', 'tanhshrink', 'threshold', 'triplet_margin_loss', 'triplet_margin_with_distance_loss',
    'unfold', 'upsample', 'upsample_bilinear', 'upsample_nearest')
)

# ember's own dispatch between the caller and the recording
_DISPATCH = ('ember.export._tracer', 'ember.overrides', 'ember._torch_function', 'ember._tensor_operators',
             'ember.jit._trace_names')


def _caller(frame):
    while frame is not None and frame.f_globals.get('__name__', '').startswith(_DISPATCH):
        frame = frame.f_back
    return frame


def _tensors(values):
    for v in values:
        if isinstance(v, (list, tuple)):
            yield from _tensors(v)
        else:
            yield v


def _functional_names(func, name, args, kwargs):
    """{id(tensor): parameter name} for a call of an ``F`` function PyTorch writes in Python (else None)."""
    import ember.nn.functional as F
    target = getattr(F, name, None)
    if name not in PYTHON_FUNCTIONALS or target is None or (func is not target and
                                                           getattr(func, '__wrapped__', None) is not target):
        return None
    try:
        bound = inspect.signature(target).bind(*args, **kwargs)
    except TypeError:
        return None
    return {id(v): k for k, v in bound.arguments.items()}


@contextlib.contextmanager
def value_names(events, inputs_named=True, frames_up=0):
    """While a trace records: ``events`` gets (recorded node, name) each time an operator first takes a tensor
    that a variable of its caller holds (``inputs_named``: the program's inputs have their names already;
    ``frames_up=1``: the variables of the caller's caller, where ``_get_trace_graph``'s tracer looks)."""
    named = set()
    from ember.export import _tracer
    original = _tracer.OpTracer.call

    def call(self, func, args, kwargs):
        frame = _caller(sys._getframe(1))
        from_functional = _functional_names(func, self._api_name(func)[0], args, kwargs)
        if frames_up and from_functional is not None:
            from_functional = None          # the functional's own frame is the one below: its caller's variables
        elif frames_up and frame is not None:
            frame = frame.f_back
        for t in _tensors(list(args) + list(kwargs.values())):
            entry = self.nodes.get(id(t))
            if entry is None or entry[0] is not t or entry[1] in named or \
                    inputs_named and entry[1].op == 'placeholder':
                continue
            if from_functional is not None:
                name = from_functional.get(id(t))
            else:
                name = next((k for k, v in (frame.f_locals.items() if frame is not None else ())
                             if v is t and k != 'self'), None)
            if name:
                named.add(entry[1])
                events.append((entry[1], name))
        return original(self, func, args, kwargs)

    quiet = _tracer._QUIET_DIRS
    _tracer.OpTracer.call = call
    _tracer._QUIET_DIRS = quiet + (__file__,)       # the lines recorded stay the program's
    try:
        yield
    finally:
        _tracer.OpTracer.call = original
        _tracer._QUIET_DIRS = quiet
