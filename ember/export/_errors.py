"""The errors export raises, under PyTorch's names."""


class GuardOnDataDependentSymNode(RuntimeError):
    """The traced program branched on a tensor's data (``if x.sum() > 0``), which an exported graph
    cannot capture."""


class UserError(Exception):
    """Export was called with arguments it cannot take."""


_ADVICE = ('\n\nThe error above occurred when calling ember.export.export. If you would like to view some more '
           'information about this error, and get a list of all other errors that may occur in your export '
           'call, you can replace your `export()` call with `draft_export()`.')
