"""Graph inspection and saved-tensor hooks (PyTorch's ``torch.autograd.graph``)."""
from ember.autograd.function import Node  # noqa: F401
from ember.autograd._saved_hooks import _pack_stack, _disabled

__all__ = ['Node', 'saved_tensors_hooks', 'save_on_cpu', 'disable_saved_tensors_hooks', 'increment_version']

class saved_tensors_hooks:
    """Within this context, every tensor an op saves for backward goes through ``pack_hook(tensor)``
    when it is saved and the stored object through ``unpack_hook(packed)`` when backward reads it.

    ``unpack_hook`` must return a tensor with the saved tensor's values (it may live elsewhere, be a
    recomputation, ...). Inner contexts take precedence over outer ones.
    """

    def __init__(self, pack_hook, unpack_hook):
        self.pack_hook = pack_hook
        self.unpack_hook = unpack_hook

    def __enter__(self):
        if _disabled:
            raise RuntimeError(_disabled[-1])
        _pack_stack.append((self.pack_hook, self.unpack_hook))

    def __exit__(self, *exc):
        _pack_stack.pop()


class save_on_cpu(saved_tensors_hooks):
    """Saved tensors are kept on the CPU during forward and moved back to their device for backward.

    ``pin_memory=True`` asks for page-locked host copies (only meaningful with a CUDA device).
    """

    def __init__(self, pin_memory=False, device_type='cuda'):
        def pack(tensor):
            # a copy even for CPU tensors, as PyTorch makes: later in-place changes must not reach it
            host = tensor.detach().to('cpu', copy=True)
            if pin_memory and tensor.device.type != 'cpu':
                host = host.pin_memory()
            return tensor.device, host

        def unpack(packed):
            device, host = packed
            return host.to(device)
        super().__init__(pack, unpack)


class disable_saved_tensors_hooks:
    """Within this context, entering ``saved_tensors_hooks`` raises ``RuntimeError(error_message)``."""

    def __init__(self, error_message):
        self.error_message = error_message

    def __enter__(self):
        _disabled.append(self.error_message)

    def __exit__(self, *exc):
        _disabled.pop()


def increment_version(tensor):
    """Mark ``tensor`` as modified in place (for changes ember did not see, e.g. through ``.numpy()``),
    so backward refuses to use a stale saved copy of it."""
    tensor._version_counter.value += 1
