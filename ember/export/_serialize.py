"""``save``/``load``: an ExportedProgram as PyTorch's ``.pt2`` archive (``_pt2_write.py`` writes it,
``_pt2.py`` reads it), so that programs move between ember and PyTorch both ways."""


def save(ep, f, *, extra_files=None, opset_version=None, pickle_protocol=2):
    """Save an :class:`ExportedProgram` to ``f`` (a path or a writable binary file) as PyTorch's
    ``torch.export.save`` does: a ``.pt2`` archive that ``torch.export.load`` reads, dynamic
    dimensions written as PyTorch writes them (symbolic sizes and strides, range constraints).

    Args:
        ep (ExportedProgram): the program.
        f (str, os.PathLike or file): where to write it.
        extra_files (dict, optional): name -> text, stored alongside and given back by ``load``.

    Example:
        >>> import io
        >>> ep = ember.export.export(nn.Linear(2, 1), (ember.ones(1, 2),))
        >>> buf = io.BytesIO()
        >>> ember.export.save(ep, buf)
        >>> _ = buf.seek(0)
        >>> ember.export.load(buf).module()(ember.ones(1, 2)).shape
        ember.Size([1, 1])
    """
    from ember.export.exported_program import ExportedProgram
    if not isinstance(ep, ExportedProgram):
        raise TypeError(f'The \'ep\' parameter must be an instance of \'ExportedProgram\', got \'{type(ep).__name__}\' '
                        'instead.')
    if opset_version is not None:
        raise NotImplementedError('ember.export.save does not support opset_version')
    from ember.export._pt2_write import save_pt2
    save_pt2(ep, f, extra_files)


def load(f, *, extra_files=None, expected_opset_version=None):
    """Load an :class:`ExportedProgram` saved by :func:`save` or by PyTorch's ``torch.export.save`` (a
    ``.pt2`` archive), dynamic dimensions with their ranges included. ``extra_files`` (a dict of
    names) is filled in with the texts stored under those names."""
    if expected_opset_version is not None:
        raise NotImplementedError('ember.export.load does not support expected_opset_version')
    from ember.export._pt2 import is_pt2, load_pt2
    if not is_pt2(f):
        raise RuntimeError('ember.export.load: this file is not a program saved by ember.export.save or '
                           'torch.export.save')
    return load_pt2(f, extra_files)
