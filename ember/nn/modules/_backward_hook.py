"""Module-level backward hooks: identity nodes around a module's inputs and outputs.

The output node's backward sees the gradients with respect to the module's outputs (and runs the
backward pre-hooks); the input node's backward sees the gradients with respect to the module's
inputs and runs ``hook(module, grad_input, grad_output)``, whose result may replace them.
"""
from ember._tensor import Tensor
from ember.autograd.function import Primitive, mark_returned_inputs


class _Identity(Primitive):
    node_name = 'BackwardHookFunctionBackward'

    @staticmethod
    def forward(ctx, callback, *arrays):
        ctx.callback = callback
        return tuple(arrays)

    @staticmethod
    def backward(ctx, *grads):
        return (None,) + tuple(ctx.callback(grads))


class BackwardHook:
    def __init__(self, module, user_hooks, user_pre_hooks):
        self.module = module
        self.user_hooks = user_hooks
        self.user_pre_hooks = user_pre_hooks
        self.grad_outputs = None
        self.n_inputs = 0
        self.input_positions = None

    def _wrap(self, values, callback):
        """Replace the tensors that require grad in ``values`` by identity outputs."""
        positions = [i for i, v in enumerate(values) if isinstance(v, Tensor) and v.requires_grad]
        if not positions:
            return values, None
        inputs = [values[i] for i in positions]
        outs = _Identity.apply(callback, *inputs)
        # its outputs are its inputs returned as-is: views PyTorch does not let the module change in place
        mark_returned_inputs(inputs, [t._data for t in inputs], outs, 'BackwardHookFunctionBackward')
        values = list(values)
        for i, o in zip(positions, outs):
            values[i] = o
        return values, positions

    def _pack(self, grads, positions, n):
        full = [None] * n
        for i, g in zip(positions, grads):
            full[i] = g
        return tuple(full)

    def setup_input_hook(self, args):
        self.n_inputs = len(args)

        def on_input_grads(grads):
            grad_inputs = self._pack(grads, self.input_positions, self.n_inputs)
            for hook in self.user_hooks:
                res = hook(self.module, grad_inputs, self.grad_outputs)
                if res is None:
                    continue
                if not isinstance(res, (tuple, list)):
                    res = (res,)
                res = tuple(res)    # (a list of gradients is taken as PyTorch takes it)
                if len(res) != len(grad_inputs):
                    raise RuntimeError(f"Backward hook returned an invalid number of grad_input, got {len(res)}, "
                                       f"but expected {len(grad_inputs)}")
                grad_inputs = res
            return [grad_inputs[i] for i in self.input_positions]

        new_args, self.input_positions = self._wrap(args, on_input_grads)
        return tuple(new_args)

    def setup_output_hook(self, result):
        single = isinstance(result, Tensor)
        values = (result,) if single else result
        if not isinstance(values, (tuple, list)):
            return result

        def on_output_grads(grads):
            grad_outputs = self._pack(grads, positions, len(values))
            for hook in self.user_pre_hooks:
                res = hook(self.module, grad_outputs)
                if res is None:
                    continue
                if not isinstance(res, (tuple, list)):
                    res = (res,)
                res = tuple(res)    # (a list of gradients is taken as PyTorch takes it)
                if len(res) != len(grad_outputs):
                    raise RuntimeError(f"Backward pre hook returned an invalid number of grad_output, got "
                                       f"{len(res)}, but expected {len(grad_outputs)}")
                grad_outputs = res
            self.grad_outputs = grad_outputs
            if self.input_positions is None and self.user_hooks:
                # no input requires grad: the hook still runs, with no input gradients
                grad_inputs = (None,) * self.n_inputs
                for hook in self.user_hooks:
                    res = hook(self.module, grad_inputs, grad_outputs)
                    if res is not None and not (isinstance(res, tuple) and all(r is None for r in res)):
                        raise RuntimeError("Backward hook for Modules where no input requires gradient should "
                                           "always return None or None for all gradients.")
            return [grad_outputs[i] for i in positions]

        new_values, positions = self._wrap(values, on_output_grads)
        if positions is None:
            return result
        if single:
            return new_values[0]
        return type(values)(new_values) if isinstance(values, tuple) and type(values) is tuple else \
            (type(values)(new_values) if isinstance(values, list) else type(values)(*new_values))
