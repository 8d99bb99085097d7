"""Recording a trace: ``ember.export``'s ATen program of one call (which records recurrent layers and attention
as one operator each and refuses computation it cannot see, ``ember.export._internal_calls``), with what
TorchScript tracing adds: tensors read as Python values warn and are frozen."""
import contextlib
import functools
import sys
import warnings

import ember
from ember.jit._trace_check import TracerWarning
from ember.jit._trace_code import TraceUnsupported


_PYTHON_VALUE_WARNING = ("Converting a tensor to a {} might cause the trace to be incorrect. We can't record "
                         "the data flow of Python values, so this value will be treated as a constant in the future. "
                         "This means that the trace might not generalize to other inputs!")


_CONSTANT_FACTORY_WARNING = ("{} results are registered as constants in the trace. You can safely ignore this "
                              "warning if you use this function to create tensors out of constant variables that "
                              "would be the same every time you call this function. In any other case, this might "
                              "cause the trace to be incorrect.")


@contextlib.contextmanager
def _factories_told():
    """While a trace records, the program's ``ember.tensor``/``as_tensor``/``from_numpy`` calls warn that their
    results are constants of the trace, as PyTorch's tracer warns (ember's own calls stay quiet)."""
    saved = {name: getattr(ember, name) for name in ('tensor', 'as_tensor', 'from_numpy')}

    def telling(name, fn):
        @functools.wraps(fn)
        def factory(*args, **kwargs):
            module = sys._getframe(1).f_globals.get('__name__', '')
            if module != 'ember' and not module.startswith('ember.'):
                warnings.warn(_CONSTANT_FACTORY_WARNING.format(f'ember.{name}'), TracerWarning, stacklevel=2)
            return fn(*args, **kwargs)
        return factory
    for name, fn in saved.items():
        setattr(ember, name, telling(name, fn))
    try:
        yield
    finally:
        for name, fn in saved.items():
            setattr(ember, name, fn)


def record(mod, args, kwargs, names=None, inputs_named=True, frames_up=0):
    """``ember.export``'s ATen program of ``mod(*args, **kwargs)``, refusing computation it cannot see;
    ``names`` (a list) gets the names PyTorch's tracer would give the values (``_trace_names``)."""
    from ember.jit._trace_names import value_names
    from ember.export._internal_calls import UntracedComputation
    from ember.export._normalize import Unsupported
    from ember.export._tracer import python_values_as_constants

    def python_value(kind):
        # told where the program read the value; reads inside ember's own code are its business (PyTorch
        # likewise silences these warnings from its library)
        frame, level = sys._getframe(1), 1
        while frame is not None and frame.f_globals.get('__name__', '').startswith(('ember.export', 'ember.jit')):
            frame, level = frame.f_back, level + 1
        module = frame.f_globals.get('__name__', '') if frame is not None else ''
        if module != 'ember' and not module.startswith('ember.'):
            what = kind if kind == 'NumPy array' else f'Python {kind}'
            warnings.warn(_PYTHON_VALUE_WARNING.format(what), TracerWarning, stacklevel=level + 1)

    state = ember.jit._trace_state
    state.depth = getattr(state, 'depth', 0) + 1
    try:
        with python_values_as_constants(python_value), _factories_told(), ember.enable_grad(), \
                value_names([] if names is None else names, inputs_named, frames_up):
            return ember.export.export(mod, tuple(args), kwargs)
    except UntracedComputation as e:
        raise TraceUnsupported(f"ember.jit.trace cannot record {e.op}{e.place}: ember computes it outside the "
                               "operators it can write as TorchScript, so this model cannot be traced by ember yet") \
            from None
    except Unsupported as e:
        raise TraceUnsupported(str(e).replace('ember.export cannot', 'ember.jit.trace cannot')) from None
    finally:
        state.depth -= 1
