"""DataParallel: one process driving several devices (PyTorch's ``torch.nn.DataParallel``).

Without a GPU it simply runs the module, as PyTorch does. With CUDA devices it splits each batch
across ``device_ids``, runs a replica of the module on each, and gathers the outputs on
``output_device``.
"""
from ember import cuda
from ember.nn.modules.module import Module
from ember.nn.parallel._functions import gather, parallel_apply, replicate, scatter_kwargs


class DataParallel(Module):
    """Split the batch across the GPUs in ``device_ids`` (all of them by default); without GPUs, run
    the module unchanged.

    >>> model = DataParallel(nn.Linear(4, 2))   # no GPU: the same as the Linear itself
    >>> model(ember.ones(3, 4)).shape
    ember.Size([3, 2])
    """

    def __init__(self, module, device_ids=None, output_device=None, dim=0):
        super().__init__()
        if not cuda.is_available():
            self.module = module
            self.device_ids = []
            return
        if device_ids is None:
            device_ids = list(range(cuda.device_count()))
        if output_device is None:
            output_device = device_ids[0]
        self.dim = dim
        self.module = module
        self.device_ids = [_index(d) for d in device_ids]
        self.output_device = _index(output_device)
        from ember._device import device
        self.src_device_obj = device('cuda', self.device_ids[0])
        if len(self.device_ids) == 1:
            self.module.to(self.src_device_obj)

    def forward(self, *inputs, **kwargs):
        if not self.device_ids:
            return self.module(*inputs, **kwargs)
        for t in list(self.module.parameters()) + list(self.module.buffers()):
            if t.device != self.src_device_obj:
                raise RuntimeError(f"module must have its parameters and buffers on device {self.src_device_obj} "
                                   f"(device_ids[0]) but found one of them on device: {t.device}")
        inputs, module_kwargs = scatter_kwargs(inputs, kwargs, self.device_ids, self.dim)
        if not inputs and not module_kwargs:
            inputs, module_kwargs = ((),), ({},)
        if len(self.device_ids) == 1:
            return self.module(*inputs[0], **module_kwargs[0])
        replicas = replicate(self.module, self.device_ids[:len(inputs)])
        outputs = parallel_apply(replicas, inputs, module_kwargs, self.device_ids[:len(inputs)])
        return gather(outputs, self.output_device, self.dim)


def _index(d):
    if isinstance(d, int):
        return d
    from ember._device import device
    d = device(d)
    return d.index or 0


def data_parallel(module, inputs, device_ids=None, output_device=None, dim=0, module_kwargs=None):
    """The functional form of DataParallel: evaluate ``module(*inputs)`` split across ``device_ids``."""
    if not isinstance(inputs, tuple):
        inputs = (inputs,) if inputs is not None else ()
    if module_kwargs is None:
        module_kwargs = {}
    if not cuda.is_available():     # PyTorch's functional form needs an accelerator (the module does not)
        raise RuntimeError("device type could not be determined")
    if device_ids is None:
        device_ids = list(range(cuda.device_count()))
    if output_device is None:
        output_device = device_ids[0]
    device_ids = [_index(d) for d in device_ids]
    inputs, module_kwargs = scatter_kwargs(inputs, module_kwargs, device_ids, dim)
    if not inputs and not module_kwargs:
        inputs, module_kwargs = ((),), ({},)
    if len(device_ids) == 1:
        return module(*inputs[0], **module_kwargs[0])
    used = device_ids[:len(inputs)]
    replicas = replicate(module, used)
    return gather(parallel_apply(replicas, inputs, module_kwargs, used), _index(output_device), dim)
