"""Tensor-parallel styles: how ``parallelize_module`` splits a layer's parameters over a 1-D mesh and
converts its inputs and outputs (PyTorch's ``torch.distributed.tensor.parallel`` styles)."""
from functools import partial

import ember
from ember.distributed.tensor._module import distribute_module
from ember.distributed.tensor.placement_types import Placement, Replicate, Shard

__all__ = ['ParallelStyle', 'ColwiseParallel', 'RowwiseParallel', 'SequenceParallel', 'PrepareModuleInput',
           'PrepareModuleOutput', 'PrepareModuleInputOutput']


def _dtensor():
    from ember.distributed.tensor._api import DTensor
    return DTensor


def _distribute(param, mesh, placements, src_data_rank):
    from ember.distributed.tensor._api import distribute_tensor
    return ember.nn.Parameter(distribute_tensor(param, mesh, placements, src_data_rank=src_data_rank),
                              requires_grad=param.requires_grad)


def _as_dtensor(tensor, mesh, layouts, desired):
    """``tensor`` (a plain tensor laid out as ``layouts``, or a DTensor) laid out as ``desired``."""
    DTensor = _dtensor()
    if not isinstance(tensor, DTensor):
        tensor = DTensor.from_local(tensor, mesh, layouts, run_check=False)
    if tuple(layouts) != tuple(desired):
        tensor = tensor.redistribute(placements=desired, async_op=True)
    return tensor


def _output(outputs, layouts, use_local_output):
    if outputs.placements != tuple(layouts):
        outputs = outputs.redistribute(placements=layouts, async_op=True)
    return outputs.to_local() if use_local_output else outputs


class ParallelStyle:
    """How one module is parallelized; ``parallelize_module`` applies it. ``src_data_rank`` (set by
    ``parallelize_module``) is the rank whose values the split parameters take (None: each rank's own)."""
    src_data_rank = 0

    def _apply(self, module, device_mesh):
        raise NotImplementedError(f"{type(self).__name__} does not say how to parallelize a module")


class _LinearOrEmbeddingStyle(ParallelStyle):
    def __init__(self, *, input_layouts=None, output_layouts=None, use_local_output=True):
        super().__init__()
        self.input_layouts = (input_layouts or self._default_input,)
        self.output_layouts = (output_layouts or self._default_output,)
        self.use_local_output = use_local_output

    @staticmethod
    def _prepare_input(layouts, desired, module, inputs, mesh):
        return _as_dtensor(inputs[0], mesh, layouts, desired)

    @staticmethod
    def _prepare_output(layouts, use_local_output, module, outputs, mesh):
        return _output(outputs, layouts, use_local_output)

    def _apply(self, module, device_mesh):
        if isinstance(module, ember.nn.Linear):
            partition, desired = self._partition_linear, self._linear_input
        elif isinstance(module, ember.nn.Embedding):
            partition, desired = self._partition_embedding, (Replicate(),)
        else:
            raise NotImplementedError(f"{type(self).__name__} currently only support nn.Linear and nn.Embedding!")
        self.desired_input_layouts = desired
        return distribute_module(module, device_mesh, partition,
                                 partial(self._prepare_input, self.input_layouts, desired),
                                 partial(self._prepare_output, self.output_layouts, self.use_local_output))

    def __repr__(self):
        return (f"{type(self).__name__}(input_layouts={self.input_layouts}, output_layouts={self.output_layouts}, "
                f"use_local_output={self.use_local_output})")


class ColwiseParallel(_LinearOrEmbeddingStyle):
    """Split an ``nn.Linear`` by output features (weight and bias rows, ``Shard(0)``) or an ``nn.Embedding``
    by embedding dimensions (``Shard(1)``). The input is taken as ``input_layouts`` (Replicate by default)
    and replicated; the output is laid out as ``output_layouts`` (``Shard(-1)``: each rank holds its
    features) and returned as this rank's local tensor unless ``use_local_output=False``.

    Example::

        >>> from ember.distributed.tensor.parallel import parallelize_module, ColwiseParallel, RowwiseParallel
        >>> mlp = parallelize_module(mlp, mesh, {'up': ColwiseParallel(), 'down': RowwiseParallel()})  # doctest: +SKIP
    """
    _default_input, _default_output = Replicate(), Shard(-1)
    _linear_input = (Replicate(),)

    def __init__(self, *, input_layouts=None, output_layouts=None, use_local_output=True):
        super().__init__(input_layouts=input_layouts, output_layouts=output_layouts,
                         use_local_output=use_local_output)

    def _partition_linear(self, name, module, mesh):
        for pname, param in list(module.named_parameters(recurse=False)):
            module.register_parameter(pname, _distribute(param, mesh, [Shard(0)], self.src_data_rank))

    def _partition_embedding(self, name, module, mesh):
        for pname, param in list(module.named_parameters(recurse=False)):
            module.register_parameter(pname, _distribute(param, mesh, [Shard(1)], self.src_data_rank))


class RowwiseParallel(_LinearOrEmbeddingStyle):
    """Split an ``nn.Linear`` by input features (weight columns, ``Shard(1)``; the bias replicated) or an
    ``nn.Embedding`` by rows (``Shard(0)``). A linear layer's input is taken as ``input_layouts``
    (``Shard(-1)``: each rank holds its features, as a ``ColwiseParallel`` layer before it gives them); an
    embedding's is replicated. The ranks' partial results are summed into ``output_layouts`` (Replicate by
    default) and returned as this rank's local tensor unless ``use_local_output=False``.
    """
    _default_input, _default_output = Shard(-1), Replicate()
    _linear_input = (Shard(-1),)

    def __init__(self, *, input_layouts=None, output_layouts=None, use_local_output=True):
        super().__init__(input_layouts=input_layouts, output_layouts=output_layouts,
                         use_local_output=use_local_output)

    def _partition_linear(self, name, module, mesh):
        module.register_parameter('weight', _distribute(module.weight, mesh, [Shard(1)], self.src_data_rank))
        if getattr(module, 'bias', None) is not None:
            module.register_parameter('bias', _distribute(module.bias, mesh, [Replicate()], self.src_data_rank))

    def _partition_embedding(self, name, module, mesh):
        for pname, param in list(module.named_parameters(recurse=False)):
            module.register_parameter(pname, _distribute(param, mesh, [Shard(0)], self.src_data_rank))


class SequenceParallel(ParallelStyle):
    """Run a module whose computation is independent along the sequence (``LayerNorm``, ``RMSNorm``,
    ``Dropout``) on inputs split along ``sequence_dim``: its parameters are replicated, a plain input is
    taken as this rank's piece of the sequence, and the output stays a DTensor split the same way (a
    local tensor with ``use_local_output=True``)."""

    def __init__(self, *, sequence_dim=1, use_local_output=False):
        super().__init__()
        self.sequence_sharding = (Shard(sequence_dim),)
        self.use_local_output = use_local_output

    @staticmethod
    def _replicate_params(name, module, mesh):
        DTensor = _dtensor()
        for pname, param in list(module.named_parameters(recurse=False)):
            module.register_parameter(pname, ember.nn.Parameter(
                DTensor.from_local(param, mesh, [Replicate()], run_check=False), requires_grad=param.requires_grad))

    @staticmethod
    def _prepare_input(sharding, module, inputs, mesh):
        DTensor = _dtensor()
        x = inputs[0]
        if isinstance(x, DTensor):
            return x.redistribute(placements=sharding, async_op=True) if x.placements != sharding else x
        if isinstance(x, ember.Tensor):
            return DTensor.from_local(x, mesh, sharding, run_check=False)
        raise ValueError(f"expecting input of {module} to be a ember.Tensor or DTensor, but got {x}")

    @staticmethod
    def _prepare_output(use_local_output, module, outputs, mesh):
        return outputs.to_local() if use_local_output else outputs

    def _apply(self, module, device_mesh):
        return distribute_module(module, device_mesh, self._replicate_params,
                                 partial(self._prepare_input, self.sequence_sharding),
                                 partial(self._prepare_output, self.use_local_output))

    def __repr__(self):
        dim = f"sequence_dim={self.sequence_sharding[0].dim}, " if len(self.sequence_sharding) == 1 else ''
        return f"{type(self).__name__}({dim}use_local_output={self.use_local_output})"


def _as_tuple(layouts):
    return (layouts,) if isinstance(layouts, Placement) else layouts


class PrepareModuleInput(ParallelStyle):
    """Convert a module's inputs before its forward: each positional input with a layout in
    ``input_layouts`` (None: leave it) becomes a DTensor of that layout (a plain tensor is taken as this
    rank's piece), redistributed to the matching ``desired_input_layouts``; keyword inputs likewise by
    name. ``use_local_output=True`` hands the module local tensors."""

    def __init__(self, *, input_layouts=None, desired_input_layouts=None, input_kwarg_layouts=None,
                 desired_input_kwarg_layouts=None, use_local_output=False):
        self.input_layouts = _as_tuple(input_layouts)
        self.desired_input_layouts = _as_tuple(desired_input_layouts)
        self.use_local_output = use_local_output
        if self.input_layouts is not None:
            if self.desired_input_layouts is None:
                raise AssertionError("desired module inputs should not be None!")
            if len(self.input_layouts) != len(self.desired_input_layouts):
                raise AssertionError("input_layouts and desired_input_layouts should have same length!")
        self.with_kwargs = input_kwarg_layouts is not None
        self.input_kwarg_layouts = input_kwarg_layouts or {}
        self.desired_input_kwarg_layouts = desired_input_kwarg_layouts or {}
        if self.with_kwargs and len(self.input_kwarg_layouts) != len(self.desired_input_kwarg_layouts):
            raise AssertionError("input_kwarg_layouts and desired_input_kwarg_layouts should have same length!")

    def _one(self, value, mesh, layout, desired):
        if layout is None:
            return value
        if not isinstance(value, ember.Tensor):
            raise AssertionError("expecting input to be a ember.Tensor!")
        dt = _as_dtensor(value, mesh, (layout,), (desired,) if desired is not None else (layout,))
        return dt.to_local() if self.use_local_output else dt

    def _prepare(self, inputs, mesh):
        if self.input_layouts is None:
            return inputs
        if not isinstance(inputs, tuple):
            inputs = (inputs,)
        if len(inputs) != len(self.input_layouts):
            raise ValueError("module inputs and input_layouts should have same length!")
        return tuple(self._one(v, mesh, layout, desired)
                     for v, layout, desired in zip(inputs, self.input_layouts, self.desired_input_layouts))

    def _prepare_with_kwargs(self, inputs, kwargs, mesh):
        return (self._prepare(inputs, mesh),
                {k: self._one(v, mesh, self.input_kwarg_layouts.get(k), self.desired_input_kwarg_layouts.get(k))
                 for k, v in kwargs.items()})

    def _apply(self, module, device_mesh):
        if self.with_kwargs:
            module.register_forward_pre_hook(lambda _, inputs, kwargs: self._prepare_with_kwargs(inputs, kwargs,
                                                                                                  device_mesh),
                                             with_kwargs=True)
        else:
            module.register_forward_pre_hook(lambda _, inputs: self._prepare(inputs, device_mesh))
        return module

    def __repr__(self):
        return (f"{type(self).__name__}(input_layouts={self.input_layouts}, "
                f"desired_input_layouts={self.desired_input_layouts}, "
                f"input_kwarg_layouts={self.input_kwarg_layouts}, "
                f"desired_input_kwarg_layouts={self.desired_input_kwarg_layouts}, "
                f"use_local_output={self.use_local_output})")


class PrepareModuleOutput(ParallelStyle):
    """Convert a module's outputs after its forward: each output with a layout in ``output_layouts`` (None:
    leave it) becomes a DTensor of that layout, redistributed to the matching ``desired_output_layouts``,
    and is returned as a local tensor unless ``use_local_output=False``."""

    def __init__(self, *, output_layouts, desired_output_layouts, use_local_output=True):
        self.output_layouts = _as_tuple(output_layouts)
        self.desired_output_layouts = _as_tuple(desired_output_layouts)
        self.use_local_output = use_local_output
        if len(self.output_layouts) != len(self.desired_output_layouts):
            raise AssertionError("output_layouts and desired_output_layouts should have same length!")

    def _prepare(self, outputs, mesh):
        if not isinstance(outputs, tuple):
            outputs = (outputs,)
        if len(outputs) != len(self.output_layouts):
            raise ValueError("module outputs and output_layouts should have same length!")
        done = []
        for out, layout, desired in zip(outputs, self.output_layouts, self.desired_output_layouts):
            if layout is None:
                done.append(out)
                continue
            dt = _as_dtensor(out, mesh, (layout,), (desired,))
            done.append(dt.to_local() if self.use_local_output else dt)
        return done[0] if len(done) == 1 else tuple(done)

    def _apply(self, module, device_mesh):
        module.register_forward_hook(lambda _, inputs, outputs: self._prepare(outputs, device_mesh))
        return module

    def __repr__(self):
        return (f"{type(self).__name__}(output_layouts={self.output_layouts}, "
                f"desired_output_layouts={self.desired_output_layouts}, use_local_output={self.use_local_output})")


class PrepareModuleInputOutput(ParallelStyle):
    """``PrepareModuleInput`` and ``PrepareModuleOutput`` on one module (``use_local_input`` is the input
    side's ``use_local_output``)."""

    def __init__(self, *, input_layouts=None, desired_input_layouts=None, input_kwarg_layouts=None,
                 desired_input_kwarg_layouts=None, use_local_input=False, output_layouts,
                 desired_output_layouts, use_local_output=True):
        self.prepare_module_input = PrepareModuleInput(
            input_layouts=input_layouts, desired_input_layouts=desired_input_layouts,
            input_kwarg_layouts=input_kwarg_layouts, desired_input_kwarg_layouts=desired_input_kwarg_layouts,
            use_local_output=use_local_input)
        self.prepare_module_output = PrepareModuleOutput(
            output_layouts=output_layouts, desired_output_layouts=desired_output_layouts,
            use_local_output=use_local_output)

    def _apply(self, module, device_mesh):
        self.prepare_module_input._apply(module, device_mesh)
        self.prepare_module_output._apply(module, device_mesh)
        return module

    def __repr__(self):
        i, o = self.prepare_module_input, self.prepare_module_output
        return (f"{type(self).__name__}(input_layouts={i.input_layouts}, "
                f"desired_input_layouts={i.desired_input_layouts}, input_kwarg_layouts={i.input_kwarg_layouts}, "
                f"desired_input_kwarg_layouts={i.desired_input_kwarg_layouts}, use_local_input={i.use_local_output}, "
                f"output_layouts={o.output_layouts}, desired_output_layouts={o.desired_output_layouts}, "
                f"use_local_output={o.use_local_output})")
