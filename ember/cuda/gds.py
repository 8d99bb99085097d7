"""GPUDirect Storage (``torch.cuda.gds``): reading and writing files straight to GPU memory through cuFile.
CuPy, which runs ember's CUDA tensors, has no cuFile bindings, so these raise."""

__all__ = ['GdsFile', 'gds_deregister_buffer', 'gds_register_buffer']


def _unavailable(what):
    return RuntimeError(f"{what} is not supported in ember: GPUDirect Storage needs cuFile, which CuPy (ember's "
                        f"CUDA backend) does not bind")


def gds_register_buffer(s):
    raise _unavailable('gds_register_buffer')


def gds_deregister_buffer(s):
    raise _unavailable('gds_deregister_buffer')


class GdsFile:
    """A file opened for GPUDirect Storage; not available in ember (see the module)."""

    def __init__(self, filename, flags):
        raise _unavailable('GdsFile')
