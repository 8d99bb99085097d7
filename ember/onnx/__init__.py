"""ember.onnx: export a model to the ONNX format (needs the optional ``onnx`` package).

:func:`export` runs the model once on example inputs, records every ember op it calls (a real
graph capture, not a re-implementation of the model) and writes the equivalent ONNX graph, with the
model's parameters as named initializers. Ops without an ONNX translation raise an error naming the op.
"""
import enum

from ember._trace import TraceError

__all__ = ['ONNXProgram', 'OnnxExporterError', 'OperatorExportTypes', 'TrainingMode', 'errors', 'export',
           'is_in_onnx_export']


class OnnxExporterError(RuntimeError):
    """The model could not be exported."""


from ember.onnx import errors  # noqa: E402  (its errors derive from OnnxExporterError)


class TrainingMode(enum.IntEnum):
    """The mode the model is exported in: ``EVAL`` (default), ``PRESERVE`` (as it is) or ``TRAINING``."""
    EVAL = 0
    PRESERVE = 1
    TRAINING = 2


class OperatorExportTypes(enum.IntEnum):
    """How ops are exported; ember writes standard ONNX ops only (``ONNX``)."""
    ONNX = 0
    ONNX_ATEN = 1
    ONNX_ATEN_FALLBACK = 2
    ONNX_FALLTHROUGH = 3


def is_in_onnx_export():
    """Whether :func:`export` is running (the model's forward can check it).

    Example::

        >>> ember.onnx.is_in_onnx_export()
        False
    """
    from ._export import _state
    return _state['exporting']


class ONNXProgram:
    """What :func:`export` returns: the exported ``model_proto`` (an ``onnx.ModelProto``)."""

    def __init__(self, model_proto):
        self.model_proto = model_proto

    def save(self, destination, *, external_data=None):
        """Write the model to ``destination`` (a path or binary file); ``external_data=True`` puts the
        weights in ``<destination>.data`` beside it."""
        from ._export import save
        save(self.model_proto, destination, bool(external_data))

    def __repr__(self):
        return f"ONNXProgram(opset={self.model_proto.opset_import[0].version}, " \
               f"nodes={len(self.model_proto.graph.node)})"


def _refuse(name, value, default):
    if value != default and not (default is None and not value):
        raise NotImplementedError(f"ember.onnx.export: {name}={value!r} is not supported")


def export(model, args=(), f=None, *, kwargs=None, verbose=None, input_names=None, output_names=None,
           opset_version=None, dynamo=True, external_data=True, dynamic_shapes=None,
           custom_translation_table=None, report=False, optimize=True, verify=False, profile=False,
           dump_exported_program=False, artifacts_dir='.', export_params=True, keep_initializers_as_inputs=False,
           dynamic_axes=None, training=TrainingMode.EVAL, operator_export_type=OperatorExportTypes.ONNX,
           do_constant_folding=True, custom_opsets=None, export_modules_as_functions=False,
           autograd_inlining=True):
    r"""Export ``model`` to ONNX: run it once on ``args``, record its ops, write the ONNX graph to ``f``.

    ember has one exporter, a graph capture of ember's own ops: ``dynamo`` selects between PyTorch's
    two exporters and either value uses it. The model must run the same ops for every input
    (data-dependent Python control flow is frozen at the traced branch).

    Args:
        model (nn.Module or Callable): what to export.
        args (tuple or Tensor): example positional inputs; every tensor in them becomes a graph input.
        f (str, os.PathLike or file, optional): where to write the model. Default: not written (use the
            returned program's ``save``).
        kwargs (dict, optional): example keyword inputs.
        verbose (bool, optional): print the captured graph.
        input_names, output_names (list of str, optional): names of the graph's inputs and outputs.
            Default: the forward's parameter names, and ``output_0``, ``output_1``, ...
        opset_version (int, optional): ONNX opset, 17 to 21. Default: 18.
        external_data (bool): write the weights to ``<f>.data`` beside the model. Default: True.
        export_params (bool): store the parameters in the model; if False they become graph inputs.
        keep_initializers_as_inputs (bool): also list the stored parameters as graph inputs.
        dynamic_axes (dict, optional): ``{name: [axis, ...]}`` or ``{name: {axis: 'symbol'}}``: axes of
            inputs/outputs whose size may differ from the example's. The model is traced a second time
            with those input axes grown to find the shapes that follow them. Output axes that follow
            them are named even where not listed.
        dynamic_shapes (dict or tuple, optional): the same as PyTorch's newer form: per argument of
            the forward (a dict keyed by parameter names, or a tuple in order), ``{axis: name}`` or a
            list with a name (a string or a ``Dim``-like object with ``__name__``) or None per axis.
        training (TrainingMode): the mode to trace the model in. Default: ``TrainingMode.EVAL``.
        do_constant_folding (bool): precompute ops that read only parameters and constants
            (only constants with ``export_params=False``).
        optimize (bool): accepted; the graph is always written pruned of unused nodes.

    PyTorch's exporter diagnostics (``report``, ``verify``, ``profile``, ``dump_exported_program``,
    ``artifacts_dir``) are not produced by ember, and ``custom_translation_table``,
    ``custom_opsets``, ``export_modules_as_functions``, ``operator_export_type`` and
    ``autograd_inlining`` have no ember counterpart: only their default values are accepted.

    Returns:
        ONNXProgram: holding the ``onnx.ModelProto`` (checked with ``onnx.checker``).

    Raises:
        NotImplementedError: the model calls an op without an ONNX translation (the error names it).

    Example::

        >>> model = ember.nn.Sequential(ember.nn.Linear(4, 2), ember.nn.ReLU())
        >>> program = ember.onnx.export(model, (ember.randn(1, 4),), 'model.onnx',  # doctest: +SKIP
        ...                             input_names=['x'], dynamic_axes={'x': [0]})
    """
    from ember.nn import Module
    from . import _export
    for name, value, default in (('custom_translation_table', custom_translation_table, None),
                                 ('custom_opsets', custom_opsets, None), ('report', report, False),
                                 ('verify', verify, False), ('profile', profile, False),
                                 ('dump_exported_program', dump_exported_program, False),
                                 ('artifacts_dir', artifacts_dir, '.'),
                                 ('export_modules_as_functions', export_modules_as_functions, False),
                                 ('operator_export_type', operator_export_type, OperatorExportTypes.ONNX),
                                 ('autograd_inlining', autograd_inlining, True)):
        _refuse(name, value, default)
    opset = 18 if opset_version is None else int(opset_version)
    if not 17 <= opset <= 21:
        raise ValueError(f"ember.onnx.export: opset_version {opset} is not supported (17 to 21)")
    _export._require_onnx()
    if not isinstance(args, tuple):
        args = (args,)
    kwargs = dict(kwargs or {})
    was_training = model.training if isinstance(model, Module) else None
    if isinstance(model, Module) and training != TrainingMode.PRESERVE:
        model.train(training == TrainingMode.TRAINING)
    _export._state['exporting'] = True
    try:
        graph, names, dynamic, symbols = _export.trace_for_export(model, args, kwargs, input_names, output_names,
                                                                  dynamic_axes, dynamic_shapes)
    except TraceError as e:
        raise OnnxExporterError(f"ember.onnx.export: {e}") from e
    finally:
        _export._state['exporting'] = False
        if was_training is not None:
            model.train(was_training)
    if verbose:
        print(graph)
    if do_constant_folding:
        # parameters given as inputs (export_params=False) can change: nothing computed from them is folded
        _export._fold_constants(graph, fold_params=export_params, keep=dynamic.constants, sized=dynamic.args)
    proto = _export.build_model(graph, names, opset, dynamic, symbols, export_params, keep_initializers_as_inputs)
    program = ONNXProgram(proto)
    if f is not None:
        _export.save(proto, f, external_data)
    return program
