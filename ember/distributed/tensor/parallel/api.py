"""``parallelize_module``: apply tensor-parallel styles to a module and its submodules by name."""
import warnings
from fnmatch import fnmatch

from ember.distributed.tensor.parallel.style import ParallelStyle

__all__ = ['parallelize_module']


def parallelize_module(module, device_mesh=None, parallelize_plan=None, *, src_data_rank=0):
    """Split ``module`` over ``device_mesh`` as ``parallelize_plan`` says: one ``ParallelStyle`` for the module
    itself, or a dict from submodule paths to styles. A path's parts may be glob patterns (``'layers.*.mlp'``)
    matched against child names; the empty path is the module itself. ``src_data_rank`` is the rank whose
    values the split parameters take (None: every rank cuts its own). Returns ``module``, changed in place.

    Example::

        >>> from ember.distributed.tensor.parallel import parallelize_module, ColwiseParallel, RowwiseParallel
        >>> plan = {'layers.*.up': ColwiseParallel(), 'layers.*.down': RowwiseParallel()}
        >>> model = parallelize_module(model, mesh, plan)   # doctest: +SKIP
    """
    from ember.distributed.tensor._api import _default_mesh
    device_mesh = _default_mesh(device_mesh)
    if parallelize_plan is None:
        warnings.warn("No parallelize_plan is provided and auto-parallel is not supported at the moment, so this "
                      "parallelize_module call will do nothing.", stacklevel=2)
        return module
    if isinstance(parallelize_plan, ParallelStyle):
        parallelize_plan.src_data_rank = src_data_rank
        return parallelize_plan._apply(module, device_mesh)
    if not isinstance(parallelize_plan, dict):
        raise TypeError(f"Expect Union[ParallelStyle, Dict[str, ParallelStyle]] for parallelize_plan, "
                        f"{type(parallelize_plan)} found!")
    for path, style in parallelize_plan.items():
        if path == '':
            parallelize_module(module, device_mesh, style, src_data_rank=src_data_rank)
            continue
        token, _, rest = path.partition('.')
        children = [child for name, child in module.named_children() if fnmatch(name, token)]
        if not children:
            warnings.warn(f"Parallelize plan key '{path}' could not be resolved: no submodule matching token "
                          f"'{token}' in module {module}, skipping this plan entry.", stacklevel=2)
            continue
        for child in children:
            parallelize_module(child, device_mesh, {rest: style} if rest else style, src_data_rank=src_data_rank)
    return module
