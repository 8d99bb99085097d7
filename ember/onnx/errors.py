"""The exceptions and warnings of ember's ONNX exporter, under the names PyTorch programs catch."""
from ember.onnx import OnnxExporterError

__all__ = ['OnnxExporterWarning', 'SymbolicValueError', 'UnsupportedOperatorError']


class OnnxExporterWarning(UserWarning):
    """A warning from the ONNX exporter."""


class UnsupportedOperatorError(OnnxExporterError):
    """An operator the exporter cannot write at the requested opset.

    Args:
        name (str): the operator, e.g. ``'aten::cumprod'``.
        version (int): the opset version asked for.
        supported_version (int, optional): the first opset version that has the operator, if any.

    Example::

        >>> str(UnsupportedOperatorError('aten::cumprod', 17, None))
        "Exporting the operator 'aten::cumprod' to ONNX opset version 17 is not supported"
    """

    def __init__(self, name, version, supported_version):
        where = f"Exporting the operator '{name}' to ONNX opset version {version} is not supported"
        if supported_version is not None:
            msg = (f"{where}. Support for this operator was added in version {supported_version}, try exporting "
                   "with this version")
        elif name.startswith(('aten::', 'prim::', 'quantized::')):
            msg = where
        else:
            msg = (f"ONNX export failed on an operator with unrecognized namespace {name}. If you are trying to "
                   "export a custom operator, make sure you registered it with the right domain and version.")
        super().__init__(msg)


class SymbolicValueError(OnnxExporterError):
    """An error about one value of the graph being exported; the message names the value.

    Args:
        msg (str): what went wrong.
        value: the graph value it concerns.
    """

    def __init__(self, msg, value):
        super().__init__(f"{msg}  [Caused by the value '{value}'.] ")
