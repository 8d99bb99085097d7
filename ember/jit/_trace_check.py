"""The check ``ember.jit.trace(..., check_trace=True)`` runs, as PyTorch's: trace again on each check input
(a different program raises ``TracingCheckError``), and compare the traced program's outputs with the Python
function's (a difference warns, ``TracerWarning``, after naming the recorded random ops)."""
import difflib
import warnings

import ember


class TracerWarning(Warning):
    """A trace may not generalise: a tensor was read as a Python value, or the check found a difference."""


TracerWarning.__module__ = 'ember.jit._trace'


class TracingCheckError(Exception):
    """The traced program failed the check of ``trace(..., check_trace=True)``."""

    def __init__(self, graph_diff_error, tensor_compare_error, extra_msg=None):
        self.message = 'Tracing failed sanity checks!\n'
        if extra_msg is not None:
            self.message += extra_msg + '\n'
        if graph_diff_error is not None:
            self.message += 'ERROR: Graphs differed across invocations!\n' + _indent(graph_diff_error) + '\n'
        if tensor_compare_error is not None:
            self.message += ('ERROR: Tensor-valued Constant nodes differed in value across invocations. This often '
                             'indicates that the tracer has encountered untraceable code.\n'
                             + _indent(tensor_compare_error) + '\n')
        super().__init__(self.message)


def _indent(text):
    return '\n'.join('\t' + line for line in text.splitlines())


def check(traced, fn, call, forward, check_inputs, check_tolerance, strict, retrace):
    """PyTorch's trace check: trace again on each check input (the program must be the same), and run the
    traced program and the Python function on it (their outputs must agree, else a TracerWarning)."""
    for inputs in check_inputs:
        again = retrace(inputs)
        diff = None
        if again != forward:
            lines = difflib.ndiff(forward.splitlines(), again.splitlines())
            diff = 'Code diff:\n' + _indent('\n'.join(lines))
        traced_outs = _run(lambda: call(traced, inputs), 'trace', diff)
        fn_outs = _run(lambda: call(fn, inputs), 'Python function', diff)
        _compare(traced_outs, fn_outs, 'Python function', check_tolerance, traced.__dict__['_recorded_graph'])
        if diff is not None:
            raise TracingCheckError(diff, None)


def _run(thunk, what, diff):
    try:
        with ember.no_grad():
            out = thunk()
    except Exception as e:
        raise TracingCheckError(diff, None, extra_msg=f'encountered an exception while running the {what} with test '
                                f'inputs.\nException:\n{_indent(str(e))}') from e
    return [o for o in (out if isinstance(out, tuple) else (out,)) if isinstance(o, ember.Tensor)]


def _nondeterministic_nodes(graph):
    """The recorded calls whose results differ from run to run (random ops; dropout only in training)."""
    from ember.export._tracer import _RANDOM
    found = []
    for node in graph.nodes:
        packet = getattr(getattr(node.target, '_packet', None), '_name', None)
        if node.op != 'call_function' or packet not in _RANDOM:
            continue
        schema = node.target._schema
        train = next((i for i, a in enumerate(schema.args) if a.name == 'train'), None)
        if train is not None and train < len(node.args) and node.args[train] is False:
            continue
        found.append(node)
    return found


def _compare(original, reference, what, tolerance, graph):
    from ember.testing._comparison import _tolerances
    warned = False
    for i, (orig, ref) in enumerate(zip(original, reference)):
        try:
            cast = ember.cdouble if (orig.is_complex() or ref.is_complex()) else ember.double
            ember.testing.assert_close(orig.to(cast), ref.to(cast), rtol=tolerance,
                                       atol=_tolerances((orig.dtype, ref.dtype), None, None)[1], equal_nan=True)
        except AssertionError as e:
            nodes = [] if warned else _nondeterministic_nodes(graph)
            warned = True
            if nodes:
                warnings.warn('Trace had nondeterministic nodes. Did you forget call .eval() on your model? Nodes:\n'
                              + '\n'.join(_indent(n.format_node()) for n in nodes[:20])
                              + '\nThis may cause errors in trace checking. To disable trace checking, pass '
                              'check_trace=False to ember.jit.trace()', TracerWarning, stacklevel=5)
            warnings.warn(f'Output nr {i + 1}. of the traced function does not match the corresponding output of '
                          f'the {what}. Detailed error:\n{e}', TracerWarning, stacklevel=5)
