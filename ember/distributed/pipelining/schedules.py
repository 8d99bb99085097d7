"""Pipeline schedules: the order in which a stage runs the forward and backward of each microbatch.

``ScheduleGPipe`` runs every forward, then every backward; ``Schedule1F1B`` runs a few forwards, then
alternates one backward and one forward, so that fewer microbatches' activations are alive at once. Both
give the same gradients (microbatch gradients accumulate in the same order)."""
import ember
from ember.distributed.pipelining.microbatch import TensorChunkSpec, merge_chunks, split_args_kwargs_into_chunks

__all__ = ['PipelineScheduleSingle', 'ScheduleGPipe', 'Schedule1F1B']

_TARGET = TensorChunkSpec(0)


class PipelineScheduleSingle:
    """A schedule for one stage per rank. ``loss_fn(output, target)`` is the loss of each microbatch on the
    last stage (None: forward only); with ``scale_grads`` the gradients are divided by ``n_microbatches``
    at the end of a step (right for a loss that averages over its microbatch). ``args_chunk_spec`` /
    ``kwargs_chunk_spec`` say how to cut the inputs, ``output_merge_spec`` how to join the outputs."""

    def __init__(self, stage, n_microbatches, loss_fn=None, args_chunk_spec=None, kwargs_chunk_spec=None,
                 output_merge_spec=None, scale_grads=True):
        self._stage = stage
        self._num_stages = stage.num_stages
        self._n_microbatches = n_microbatches
        self._loss_fn = loss_fn
        self.scale_grads = scale_grads
        self._args_chunk_spec, self._kwargs_chunk_spec = args_chunk_spec, kwargs_chunk_spec
        self._output_merge_spec = output_merge_spec
        self._has_backward = loss_fn is not None
        self._internal_losses = []

    def step(self, *args, target=None, losses=None, return_outputs=True, loss_kwargs=None, **kwargs):
        """One iteration on a whole batch: cut into microbatches, run by the schedule's order. The first
        stage takes the model's inputs, the last stage the ``target``; ``losses`` (a list) receives each
        microbatch's loss on the last stage. Returns the joined outputs on the last stage, None elsewhere."""
        if self._has_backward and not ember.is_grad_enabled():
            raise RuntimeError("step() requires gradients to be enabled for backward computation; it should not "
                               "be used under ember.no_grad() context. Please call eval() instead.")
        stage = self._stage
        stage.has_backward = self._has_backward
        stage.clear_runtime_states()
        if args or kwargs:
            arg_mbs, kwarg_mbs = split_args_kwargs_into_chunks(args, kwargs, self._n_microbatches,
                                                               self._args_chunk_spec, self._kwargs_chunk_spec)
        else:
            arg_mbs, kwarg_mbs = [()] * self._n_microbatches, [{}] * self._n_microbatches
        if len(arg_mbs) != self._n_microbatches:
            raise ValueError(f"Expecting {self._n_microbatches} arg_mbs but got {len(arg_mbs)}")
        target_mbs = list(ember.tensor_split(target, self._n_microbatches, _TARGET.split_dim)) \
            if target is not None else None
        if losses is not None and not isinstance(losses, list):
            raise TypeError(f"losses must be a list but got a {type(losses)}")
        self._internal_losses = []
        try:
            self._run(arg_mbs, kwarg_mbs, target_mbs, return_outputs, loss_kwargs or {})
        finally:
            stage._wait_sends()
        if stage.is_last and losses is not None and self._loss_fn is not None and target_mbs is not None:
            losses.clear()
            losses.extend(self._internal_losses)
        self._internal_losses = []
        if self._has_backward:
            stage.scale_grads(self._n_microbatches if self.scale_grads else 1)
        if stage.is_last and return_outputs:
            return merge_chunks(stage.output_chunks, self._output_merge_spec)
        return None

    def eval(self, *args, target=None, losses=None, **kwargs):
        """``step`` with forwards only (no backward, no gradients)."""
        keep = self._has_backward
        self._has_backward = False
        try:
            return self.step(*args, target=target, losses=losses, **kwargs)
        finally:
            self._has_backward = keep

    # ------------------------------------------------------------------ pieces the orders are made of
    def _forward(self, i, arg_mbs, kwarg_mbs, target_mbs, return_outputs, loss_kwargs):
        stage = self._stage
        output = stage.forward_one_chunk(i, arg_mbs[i], kwarg_mbs[i], save_forward_output=return_outputs)
        if stage.is_last and self._loss_fn is not None and target_mbs is not None:
            self._internal_losses.append(self._loss_fn(output, target_mbs[i], **loss_kwargs))

    def _backward(self, i):
        stage = self._stage
        loss = self._internal_losses[i] if stage.is_last and self._has_backward else None
        stage.backward_one_chunk(i, loss=loss, last_backward=i == self._n_microbatches - 1)

    def _run(self, arg_mbs, kwarg_mbs, target_mbs, return_outputs, loss_kwargs):
        raise NotImplementedError


class ScheduleGPipe(PipelineScheduleSingle):
    """Every microbatch's forward, then every microbatch's backward (fill, then drain)."""

    def _run(self, arg_mbs, kwarg_mbs, target_mbs, return_outputs, loss_kwargs):
        for i in range(self._n_microbatches):
            self._forward(i, arg_mbs, kwarg_mbs, target_mbs, return_outputs, loss_kwargs)
        if self._has_backward:
            for i in range(self._n_microbatches):
                self._backward(i)


class Schedule1F1B(PipelineScheduleSingle):
    """One forward, one backward: stage ``s`` of ``n`` first runs ``n - s`` forwards, then alternates a
    backward and a forward, then runs the remaining backwards. Needs at least as many microbatches as
    stages."""

    def __init__(self, stage, n_microbatches, loss_fn=None, args_chunk_spec=None, kwargs_chunk_spec=None,
                 output_merge_spec=None, scale_grads=True):
        super().__init__(stage, n_microbatches, loss_fn, args_chunk_spec, kwargs_chunk_spec, output_merge_spec,
                         scale_grads)
        if n_microbatches < self._num_stages:
            raise ValueError(f"Number of microbatches ({n_microbatches}) must be greater than or equal to the "
                             f"number of stages ({self._num_stages}).")

    def _run(self, arg_mbs, kwarg_mbs, target_mbs, return_outputs, loss_kwargs):
        n = self._n_microbatches
        if not self._has_backward:
            for i in range(n):
                self._forward(i, arg_mbs, kwarg_mbs, target_mbs, return_outputs, loss_kwargs)
            return
        warmup = min(n, self._num_stages - self._stage.stage_index)
        for i in range(warmup):
            self._forward(i, arg_mbs, kwarg_mbs, target_mbs, return_outputs, loss_kwargs)
        fwd = warmup
        for bwd in range(n):
            self._backward(bwd)
            if fwd < n:
                self._forward(fwd, arg_mbs, kwarg_mbs, target_mbs, return_outputs, loss_kwargs)
                fwd += 1
