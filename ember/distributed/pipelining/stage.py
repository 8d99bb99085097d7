"""``PipelineStage``: one piece of a model split into consecutive stages, each on its own rank. It runs its
piece on a microbatch, receives its inputs from the previous stage and sends its outputs to the next, and
in the backward receives its outputs' gradients and sends its inputs' gradients back."""
import ember
from ember.distributed.pipelining._p2p import BACKWARD, FORWARD, recv_tensors, send_tensors

__all__ = ['PipelineStage']


def _as_tuple(value):
    if value is None:
        return None
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


class PipelineStage:
    """Stage ``stage_index`` of ``num_stages``: runs ``submodule`` on this rank (stage ``i`` lives on rank
    ``i % group size`` of ``group``, the whole job by default).

    ``input_args``/``output_args`` (example tensors), when given, are checked against each microbatch's
    received inputs and the outputs (shape and dtype). Schedules (``ScheduleGPipe``, ``Schedule1F1B``) drive
    the stage.

    Example::

        >>> from ember.distributed.pipelining import PipelineStage, ScheduleGPipe
        >>> stage = PipelineStage(my_half_of_the_model, rank, 2, ember.device('cpu'))   # doctest: +SKIP
        >>> schedule = ScheduleGPipe(stage, n_microbatches=4, loss_fn=loss_fn)          # doctest: +SKIP
        >>> schedule.step(x) if rank == 0 else schedule.step(target=y, losses=losses)  # doctest: +SKIP
    """

    def __init__(self, submodule, stage_index, num_stages, device, input_args=None, output_args=None,
                 output_grads=None, input_grads=None, group=None, dw_builder=None, get_mesh=None):
        import ember.distributed as dist
        if stage_index >= num_stages:
            raise ValueError(f"Stage index {stage_index} is out of range of {num_stages}")
        if dw_builder is not None:
            raise NotImplementedError("dw_builder: ember's pipelining runs no zero-bubble schedule that splits "
                                      "the weight gradients from the input gradients")
        if get_mesh is not None:
            raise NotImplementedError("get_mesh: ember's pipeline stages send plain tensors, not DTensors")
        self.submod = submodule
        self.stage_index, self.num_stages = stage_index, num_stages
        self.device = ember.device(device) if not isinstance(device, ember.device) else device
        self.group = group
        self.group_rank = dist.get_rank(group)
        self.group_size = dist.get_world_size(group)
        if self.group_size > num_stages:
            raise RuntimeError(f"Pipeline group size {self.group_size} cannot be larger than number of stages "
                               f"{num_stages}")
        self._example = {'inputs': _as_tuple(input_args), 'outputs': _as_tuple(output_args),
                         'input grads': _as_tuple(input_grads), 'output grads': _as_tuple(output_grads)}
        self.has_backward = False
        self.clear_runtime_states()

    # ------------------------------------------------------------------ where the neighbours are
    @property
    def is_first(self):
        return self.stage_index == 0

    @property
    def is_last(self):
        return self.stage_index == self.num_stages - 1

    def _rank_of(self, stage):
        import ember.distributed as dist
        from ember.distributed._group import get_global_rank
        group_rank = stage % self.group_size
        return group_rank if self.group is None or self.group is dist.group.WORLD else \
            get_global_rank(self.group, group_rank)

    def __repr__(self):
        return f"PipelineStage(stage_index={self.stage_index}, num_stages={self.num_stages})"

    # ------------------------------------------------------------------ one microbatch
    def clear_runtime_states(self):
        """Forget the microbatches of the last step (their inputs, outputs and pending sends)."""
        self._inputs, self._outputs, self.output_chunks, self._sends = {}, {}, [], []

    def _check(self, what, tensors):
        examples = self._example[what]
        if examples is None:
            return
        if len(examples) != len(tensors):
            raise RuntimeError(f"Stage {self.stage_index}: expected {len(examples)} {what} but got {len(tensors)}")
        for i, (e, t) in enumerate(zip(examples, tensors)):
            if isinstance(e, ember.Tensor) and isinstance(t, ember.Tensor) and \
                    (tuple(e.shape) != tuple(t.shape) or e.dtype != t.dtype):
                raise RuntimeError(f"Stage {self.stage_index}: {what} {i} is {t.dtype} of shape {list(t.shape)}, "
                                   f"expected {e.dtype} of shape {list(e.shape)}")

    def forward_one_chunk(self, mb_index, args=(), kwargs=None, save_forward_output=True):
        """Run the stage on microbatch ``mb_index`` (its inputs: ``args`` on the first stage, received from
        the previous stage otherwise) and send the outputs on; returns the outputs."""
        kwargs = kwargs or {}
        if self.is_first:
            inputs = tuple(args)
        else:
            inputs = tuple(recv_tensors(self._rank_of(self.stage_index - 1), self.group, FORWARD))
            if not self.has_backward:
                inputs = tuple(t.detach() if isinstance(t, ember.Tensor) else t for t in inputs)
            self._check('inputs', inputs)
        output = self.submod(*inputs, **kwargs)
        outputs = _as_tuple(output)
        self._check('outputs', outputs)
        if self.has_backward:
            self._inputs[mb_index], self._outputs[mb_index] = inputs, outputs
        if not self.is_last:
            self._sends += send_tensors(list(outputs), self._rank_of(self.stage_index + 1), self.group, FORWARD)
        elif save_forward_output:
            self.output_chunks.append(output)
        return output

    def backward_one_chunk(self, mb_index, loss=None, last_backward=False):
        """Backward of microbatch ``mb_index``: from ``loss`` on the last stage, from the output gradients
        the next stage sends otherwise; the gradients of received inputs go back to the previous stage."""
        if not self.has_backward:
            return
        outputs = self._outputs.pop(mb_index)
        inputs = self._inputs.pop(mb_index)
        if self.is_last:
            if loss is None:
                raise RuntimeError(f"Stage {self.stage_index}: the last stage needs a loss to run the backward")
            roots, grads = [loss], [None]
        else:
            received = recv_tensors(self._rank_of(self.stage_index + 1), self.group, BACKWARD)
            pairs = [(o, g) for o, g in zip(outputs, received)
                     if isinstance(o, ember.Tensor) and o.requires_grad and g is not None]
            roots, grads = [o for o, _ in pairs], [g for _, g in pairs]
        want = [t for t in inputs if isinstance(t, ember.Tensor) and t.requires_grad] if not self.is_first else []
        if roots:
            if want:
                for t in want:
                    t.retain_grad()
            ember.autograd.backward(roots, grads)
        if not self.is_first:
            back = [t.grad if isinstance(t, ember.Tensor) and t.requires_grad else None for t in inputs]
            self._sends += send_tensors(back, self._rank_of(self.stage_index - 1), self.group, BACKWARD)

    def scale_grads(self, grad_scale_factor):
        """Divide the stage's parameter gradients by ``grad_scale_factor`` (the number of microbatches when
        the loss takes each microbatch's mean)."""
        if grad_scale_factor != 1:
            for p in self.submod.parameters():
                if p.grad is not None:
                    p.grad.div_(grad_scale_factor)

    def _wait_sends(self):
        for work in self._sends:
            work.wait()
        self._sends = []
