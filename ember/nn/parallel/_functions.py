"""The pieces of single-process data parallelism across devices: scatter inputs, replicate the
module, apply each replica in its own thread, gather the outputs. All of it is written with
differentiable ember ops (``chunk``, ``to``, ``cat``), so gradients flow back to the original
parameters and inputs."""
import contextlib
import copy
import threading

from ember._device import device as as_device
from ember._tensor import Tensor


def _dev(d):
    if isinstance(d, int):
        return as_device('cuda', d)
    return as_device(d)


def _accelerator(d):
    """Device ``d`` of replicate/parallel_apply, checked as PyTorch checks them: an accelerator (None: the
    current one), never the CPU."""
    if d is None:
        from ember import cuda
        if not cuda.is_available():
            raise RuntimeError("Cannot access accelerator device when none is available.")
        return as_device('cuda', cuda.current_device())
    d = _dev(d)
    if d.type == 'cpu':
        raise ValueError(f"Expected a non cpu device, but got: {d}")
    return d


def scatter(inputs, target_gpus, dim=0):
    """Split the tensors in ``inputs`` along ``dim`` into one chunk per device (other objects are copied
    by reference): a list with one entry per chunk."""
    devices = [_dev(d) for d in target_gpus]

    def split(obj):
        if isinstance(obj, Tensor):
            for d in devices:
                if d.type == 'cpu':    # PyTorch scatters tensors to accelerators only
                    raise ValueError(f"Expected a non cpu device, but got: {d}")
            return [c.to(d) for c, d in zip(obj.chunk(len(devices), dim), devices)]
        if isinstance(obj, tuple) and len(obj) > 0:
            return list(zip(*map(split, obj)))
        if isinstance(obj, list) and len(obj) > 0:
            return [list(x) for x in zip(*map(split, obj))]
        if isinstance(obj, dict) and len(obj) > 0:
            return [type(obj)(x) for x in zip(*map(split, obj.items()))]
        return [obj for _ in devices]
    return split(inputs)


def scatter_kwargs(inputs, kwargs, target_gpus, dim=0):
    inputs = scatter(inputs, target_gpus, dim) if inputs else []
    kwargs = scatter(kwargs, target_gpus, dim) if kwargs else []
    if len(inputs) < len(kwargs):
        inputs.extend(() for _ in range(len(kwargs) - len(inputs)))
    elif len(kwargs) < len(inputs):
        kwargs.extend({} for _ in range(len(inputs) - len(kwargs)))
    return tuple(inputs), tuple(kwargs)


def replicate(network, devices, detach=False):
    """One copy of ``network`` per device whose parameters are differentiable copies of the original's
    (so their gradients reach the original parameters) and whose buffers are copies."""
    replicas = []
    for d in [_accelerator(x) for x in devices]:
        memo = {}
        replica = _copy_tree(network, memo)
        for module, twin in memo.items():
            for name, p in module._parameters.items():
                if p is not None:
                    moved = p.detach().to(d) if detach else p.to(d)
                    # NOTE: a replica's parameters are non-leaf views of the originals, as in PyTorch
                    twin._parameters[name] = moved
            for name, b in module._buffers.items():
                if b is not None:
                    twin._buffers[name] = b.to(d)
        replicas.append(replica)
    return replicas


def _copy_tree(module, memo):
    """A shallow copy of every module in the tree with its own parameter, buffer and child dicts."""
    if module in memo:
        return memo[module]
    twin = copy.copy(module)
    object.__setattr__(twin, '_parameters', dict(module._parameters))
    object.__setattr__(twin, '_buffers', dict(module._buffers))
    object.__setattr__(twin, '_modules', dict(module._modules))
    memo[module] = twin
    for name, child in module._modules.items():
        if child is not None:
            twin._modules[name] = _copy_tree(child, memo)
    return twin


def _cuda_available():
    from ember import cuda
    return cuda.is_available()


def get_a_var(obj):
    """The first tensor found in ``obj`` (a tensor, or lists, tuples and dicts holding some), else None."""
    if isinstance(obj, Tensor):
        return obj
    if isinstance(obj, (list, tuple)):
        items = obj
    elif isinstance(obj, dict):
        items = obj.items()
    else:
        return None
    for item in items:
        found = get_a_var(item)
        if found is not None:
            return found
    return None


def _cuda_device(index):
    from ember.cuda import device
    return device(index)


def parallel_apply(modules, inputs, kwargs_tup=None, devices=None):
    """Run ``modules[i](*inputs[i], **kwargs_tup[i])``, each in its own thread; the outputs in order."""
    if len(modules) != len(inputs):
        raise AssertionError(f"The number of modules {len(modules)} is not equal to the number of inputs "
                             f"{len(inputs)}")
    kwargs_tup = kwargs_tup if kwargs_tup is not None else ({},) * len(modules)
    if len(modules) != len(kwargs_tup):
        raise AssertionError(f"The number of modules {len(modules)} is not equal to the number of kwargs_tup "
                             f"{len(kwargs_tup)}")
    if devices is None:
        devices = [None] * len(modules)
    elif len(modules) != len(devices):
        raise AssertionError(f"The number of modules {len(modules)} is not equal to the number of devices "
                             f"{len(devices)}")
    for d in devices:
        if d is not None or not _cuda_available():    # (None on a GPU: each input's own device, below)
            _accelerator(d)
    results = [None] * len(modules)
    from ember.autograd import grad_mode
    enabled = grad_mode.is_grad_enabled()

    def work(i, module, inp, kw, dev):
        try:
            if dev is None:
                var = get_a_var(inp)
                dev = var.device if var is not None else None
            dev = _dev(dev) if dev is not None else None
            # each replica runs with its own device current, as ``ember.cuda.device(i)`` would set it
            current = _cuda_device(dev.index) if dev is not None and dev.type == 'cuda' else contextlib.nullcontext()
            with grad_mode.set_grad_enabled(enabled), current:
                if not isinstance(inp, (list, tuple)):
                    inp = (inp,)
                results[i] = module(*inp, **kw)
        except BaseException as e:  # noqa: BLE001 - re-raised in the caller's thread
            results[i] = e

    if len(modules) == 1:
        work(0, modules[0], inputs[0], kwargs_tup[0], devices[0])
    else:
        threads = [threading.Thread(target=work, args=(i, m, x, k, d))
                   for i, (m, x, k, d) in enumerate(zip(modules, inputs, kwargs_tup, devices))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    for r in results:
        if isinstance(r, BaseException):
            raise r
    return results


def gather(outputs, target_device, dim=0):
    """Concatenate the per-device outputs along ``dim`` on ``target_device``."""
    from ember.ops.shape import cat
    target = _dev(target_device)

    def join(outs):
        first = outs[0]
        if isinstance(first, Tensor):
            if any(o.device.type == 'cpu' for o in outs):   # as PyTorch's: gathering is between accelerators
                raise AssertionError("Gather function not implemented for CPU tensors")
            if first.dim() == 0:   # scalars (e.g. a loss per device) become a vector
                return cat([o.to(target).reshape(1) for o in outs], 0)
            return cat([o.to(target) for o in outs], dim)
        if first is None:
            return None
        if isinstance(first, dict):
            return type(first)((k, join([o[k] for o in outs])) for k in first)
        if isinstance(first, (list, tuple)):
            return type(first)(map(join, zip(*outs)))
        return outs
    return join(outputs)
