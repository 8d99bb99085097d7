"""``GradScaler``: scales the loss so that small gradients survive lower-precision backward passes, unscales
the gradients before the optimizer step, skips steps whose gradients hold inf/NaN, and adapts the scale."""
import inspect
import warnings
from collections import abc, defaultdict
from enum import Enum

import numpy as np

import ember
from ember._dtype import float16, float32, int32
from ember._tensor import Tensor
from ember.autograd import grad_mode

__all__ = ['OptState', 'GradScaler']


class OptState(Enum):
    READY = 0
    UNSCALED = 1
    STEPPED = 2


def _refresh_per_optimizer_state():
    return {'stage': OptState.READY, 'found_inf_per_device': {}}


def _full(value, dtype, device):
    return ember.full((), value, dtype=dtype, device=device)


def _non_finite_check_and_unscale_(grads, found_inf, inv_scale):
    """Multiply each gradient by ``inv_scale`` in place; set ``found_inf`` to 1 if any holds inf or NaN."""
    inv = inv_scale.item()
    for g in grads:
        arr = g._data
        xp = g._xp
        if not bool(xp.isfinite(arr).all()):
            found_inf._data[...] = 1.0
        # NOTE: in the gradient's precision, with float32 arithmetic for half gradients (PyTorch's opmath)
        if arr.dtype == np.float16:
            arr[...] = (arr.astype(np.float32) * np.float32(inv)).astype(np.float16)
        else:
            xp.multiply(arr, arr.dtype.type(inv) if arr.dtype.kind in 'fV' else inv, out=arr, casting='unsafe')
        g._version_counter.value += 1


def _update_scale_(scale, growth_tracker, found_inf, growth_factor, backoff_factor, growth_interval):
    """PyTorch's ``_amp_update_scale_``: back off after an overflow, grow after ``growth_interval`` clean steps
    (when the grown scale stays finite); float32 arithmetic on the scale."""
    s = np.float32(scale.item())
    if found_inf.item():
        scale._data[...] = s * np.float32(backoff_factor)
        growth_tracker._data[...] = 0
    else:
        successful = int(growth_tracker.item()) + 1
        if successful == growth_interval:
            with np.errstate(over='ignore'):  # an infinite grown scale is expected and checked below
                grown = s * np.float32(growth_factor)
            if np.isfinite(grown):
                scale._data[...] = grown
            growth_tracker._data[...] = 0
        else:
            growth_tracker._data[...] = successful


class GradScaler:
    """Gradient scaling for mixed-precision training, like ``torch.amp.GradScaler``.

    Args:
        device (str): the device of the scale ('cuda' by default, as in PyTorch; 'cpu' works everywhere).
        init_scale (float): the first scale factor.
        growth_factor (float): multiplies the scale after ``growth_interval`` steps without inf/NaN.
        backoff_factor (float): multiplies the scale after a step with inf/NaN gradients (which is skipped).
        growth_interval (int): clean steps between growths.
        enabled (bool): False makes every method a pass-through.

    >>> import ember
    >>> w = ember.tensor([1.], requires_grad=True)
    >>> opt = ember.optim.SGD([w], lr=0.1)
    >>> scaler = ember.amp.GradScaler('cpu', init_scale=1024.)
    >>> scaler.scale((w * 2).sum()).backward()
    >>> scaler.step(opt); scaler.update()
    >>> w
    tensor([0.8000], requires_grad=True)
    """

    def __init__(self, device='cuda', init_scale=2.0 ** 16, growth_factor=2.0, backoff_factor=0.5,
                 growth_interval=2000, enabled=True):
        self._device = device
        self._enabled = enabled
        if self._device == 'cuda' and enabled and not ember.cuda.is_available():
            warnings.warn("torch.cuda.amp.GradScaler is enabled, but CUDA is not available.  Disabling.".replace(
                'torch.', 'ember.'), stacklevel=2)
            self._enabled = False
        if self._enabled:
            if growth_factor <= 1.0:
                raise AssertionError("The growth factor must be > 1.0.")
            if backoff_factor >= 1.0:
                raise AssertionError("The backoff factor must be < 1.0.")
            self._init_scale = init_scale
            self._scale = None
            self._growth_factor = growth_factor
            self._backoff_factor = backoff_factor
            self._growth_interval = growth_interval
            self._init_growth_tracker = 0
            self._growth_tracker = None
            self._per_optimizer_states = defaultdict(_refresh_per_optimizer_state)

    def _check_scale_growth_tracker(self, funcname):
        fix = "This may indicate your script did not use scaler.scale(loss or outputs) earlier in the iteration."
        if self._scale is None:
            raise AssertionError(f"Attempted {funcname} but _scale is None.  " + fix)
        if self._growth_tracker is None:
            raise AssertionError(f"Attempted {funcname} but _growth_tracker is None.  " + fix)
        return self._scale, self._growth_tracker

    def _lazy_init_scale_growth_tracker(self, dev):
        if self._growth_tracker is not None:
            raise AssertionError("_growth_tracker initialized before _scale")
        self._scale = _full(self._init_scale, float32, dev)
        self._growth_tracker = _full(self._init_growth_tracker, int32, dev)

    def scale(self, outputs):
        """``outputs`` (a tensor or an iterable of them) multiplied by the scale factor."""
        if not self._enabled:
            return outputs

        def apply_scale(val):
            if isinstance(val, Tensor):
                if self._scale is None:
                    self._lazy_init_scale_growth_tracker(val.device)
                return val * self._scale.to(device=val.device)
            if isinstance(val, abc.Iterable):
                iterable = map(apply_scale, val)
                return type(val)(iterable) if isinstance(val, (list, tuple)) else iterable
            raise ValueError("outputs must be a Tensor or an iterable of Tensors")
        return apply_scale(outputs)

    def _unscale_grads_(self, optimizer, inv_scale, found_inf, allow_fp16):
        per_device = defaultdict(lambda: defaultdict(list))
        with grad_mode.no_grad():
            for group in optimizer.param_groups:
                for param in group['params']:
                    if not isinstance(param, Tensor):
                        raise AssertionError(f"expected param to be ember.Tensor, got {type(param).__name__}")
                    if param.grad is None:
                        continue
                    if not allow_fp16 and param.grad.dtype is float16:
                        raise ValueError("Attempting to unscale FP16 gradients.")
                    per_device[str(param.grad.device)][param.grad.dtype].append(param.grad)
            found = {}
            for device, per_dtype in per_device.items():
                found[device] = found_inf.to(device, copy=True)
                for grads in per_dtype.values():
                    _non_finite_check_and_unscale_(grads, found[device], inv_scale.to(device))
        return found

    def unscale_(self, optimizer):
        """Divide ``optimizer``'s gradients by the scale in place (for gradient clipping before ``step``)."""
        if not self._enabled:
            return
        self._check_scale_growth_tracker('unscale_')
        optimizer_state = self._per_optimizer_states[id(optimizer)]
        if optimizer_state['stage'] is OptState.UNSCALED:
            raise RuntimeError("unscale_() has already been called on this optimizer since the last update().")
        if optimizer_state['stage'] is OptState.STEPPED:
            raise RuntimeError("unscale_() is being called after step().")
        # the reciprocal in float64, rounded to float32 (as PyTorch computes it)
        inv_scale = _full(float(np.float32(1.0 / self._scale.double().item())), float32, self._scale.device)
        found_inf = _full(0.0, float32, self._scale.device)
        optimizer_state['found_inf_per_device'] = self._unscale_grads_(optimizer, inv_scale, found_inf, False)
        optimizer_state['stage'] = OptState.UNSCALED

    def _maybe_opt_step(self, optimizer, optimizer_state, *args, **kwargs):
        if not sum(v.item() for v in optimizer_state['found_inf_per_device'].values()):
            return optimizer.step(*args, **kwargs)
        return None

    def step(self, optimizer, *args, **kwargs):
        """Unscale the gradients (unless ``unscale_`` already did) and step ``optimizer`` unless they hold
        inf or NaN. Returns what ``optimizer.step`` returned, or None when the step was skipped."""
        if not self._enabled:
            return optimizer.step(*args, **kwargs)
        if 'closure' in kwargs:
            raise RuntimeError("Closure use is not currently supported if GradScaler is enabled.")
        self._check_scale_growth_tracker('step')
        optimizer_state = self._per_optimizer_states[id(optimizer)]
        if optimizer_state['stage'] is OptState.STEPPED:
            raise RuntimeError("step() has already been called since the last update().")
        if getattr(optimizer, '_step_supports_amp_scaling', False):
            return self._step_scaling_optimizer(optimizer, optimizer_state, args, kwargs)
        if optimizer_state['stage'] is OptState.READY:
            self.unscale_(optimizer)
        if len(optimizer_state['found_inf_per_device']) == 0:
            raise AssertionError("No inf checks were recorded for this optimizer.")
        retval = self._maybe_opt_step(optimizer, optimizer_state, *args, **kwargs)
        optimizer_state['stage'] = OptState.STEPPED
        return retval

    def _step_scaling_optimizer(self, optimizer, optimizer_state, args, kwargs):
        """An optimizer that unscales itself gets ``grad_scale`` and ``found_inf`` as attributes for its step."""
        has_grad_scaler_kwarg = 'grad_scaler' in inspect.signature(optimizer.step).parameters
        if has_grad_scaler_kwarg:
            warnings.warn("GradScaler is going to stop passing itself as a keyword argument to the passed "
                          "optimizer. In the near future GradScaler registers `grad_scale: Tensor` and "
                          "`found_inf: Tensor` to the passed optimizer and let the optimizer use them directly.",
                          FutureWarning, stacklevel=3)
            kwargs = dict(kwargs, grad_scaler=self)
        else:
            if optimizer_state['stage'] is OptState.READY:
                self._check_inf_per_device(optimizer)
            scaler = self._scale
            found_inf = sum(t.to(scaler.device) for t in optimizer_state['found_inf_per_device'].values())
            optimizer.grad_scale = (getattr(optimizer, 'grad_scale', None)
                                    if optimizer_state['stage'] == OptState.UNSCALED
                                    else scaler * getattr(optimizer, 'grad_scale', 1))
            optimizer.found_inf = found_inf
        retval = optimizer.step(*args, **kwargs)
        optimizer_state['stage'] = OptState.STEPPED
        if not has_grad_scaler_kwarg:
            del optimizer.grad_scale
            del optimizer.found_inf
        return retval

    def update(self, new_scale=None):
        """Adapt the scale after a step (or set it to ``new_scale``) and reset the per-optimizer stages."""
        if not self._enabled:
            return
        _scale, _growth_tracker = self._check_scale_growth_tracker('update')
        if new_scale is not None:
            if isinstance(new_scale, float):
                self._scale.fill_(new_scale)
            else:
                reason = ("new_scale should be a float or a 1-element ember.cuda.FloatTensor or ember.FloatTensor "
                          "with requires_grad=False.")
                if not isinstance(new_scale, Tensor) or new_scale.device.type != self._scale.device.type \
                        or new_scale.numel() != 1 or new_scale.requires_grad:
                    raise AssertionError(reason)
                self._scale.copy_(new_scale)
        else:
            found_infs = [found_inf.to(device=_scale.device) for state in self._per_optimizer_states.values()
                          for found_inf in state['found_inf_per_device'].values()]
            if len(found_infs) == 0:
                raise AssertionError("No inf checks were recorded prior to update.")
            found_inf_combined = found_infs[0]
            for other in found_infs[1:]:
                found_inf_combined = found_inf_combined + other
            _update_scale_(_scale, _growth_tracker, found_inf_combined, self._growth_factor, self._backoff_factor,
                           self._growth_interval)
        self._per_optimizer_states = defaultdict(_refresh_per_optimizer_state)

    def _get_scale_async(self):
        return self._scale

    def get_scale(self):
        """The current scale as a Python float (1.0 when disabled)."""
        if self._enabled:
            return self._init_scale if self._scale is None else self._scale.item()
        return 1.0

    def get_growth_factor(self):
        return self._growth_factor

    def set_growth_factor(self, new_factor):
        self._growth_factor = new_factor

    def get_backoff_factor(self):
        return self._backoff_factor

    def set_backoff_factor(self, new_factor):
        self._backoff_factor = new_factor

    def get_growth_interval(self):
        return self._growth_interval

    def set_growth_interval(self, new_interval):
        self._growth_interval = new_interval

    def _get_growth_tracker(self):
        if self._enabled:
            return self._init_growth_tracker if self._growth_tracker is None else int(self._growth_tracker.item())
        return 0

    def is_enabled(self):
        return self._enabled

    def state_dict(self):
        """``scale``, ``growth_factor``, ``backoff_factor``, ``growth_interval``, ``_growth_tracker`` (empty when
        disabled), interchangeable with PyTorch's."""
        if self._enabled:
            return {'scale': self.get_scale(), 'growth_factor': self._growth_factor,
                    'backoff_factor': self._backoff_factor, 'growth_interval': self._growth_interval,
                    '_growth_tracker': self._get_growth_tracker()}
        return {}

    def load_state_dict(self, state_dict):
        if not self._enabled:
            return
        if len(state_dict) == 0:
            raise RuntimeError("The source state dict is empty, possibly because it was saved from a disabled "
                               "instance of GradScaler.")
        self._init_scale = state_dict['scale']
        if self._scale is not None:
            self._scale.fill_(state_dict['scale'])
        self._growth_factor = state_dict['growth_factor']
        self._backoff_factor = state_dict['backoff_factor']
        self._growth_interval = state_dict['growth_interval']
        self._init_growth_tracker = state_dict['_growth_tracker']
        if self._growth_tracker is not None:
            self._growth_tracker.fill_(state_dict['_growth_tracker'])

    def __getstate__(self):
        state = self.__dict__.copy()
        if self._enabled:
            if len(self._per_optimizer_states) != 0:
                raise AssertionError("A GradScaler instance may only be pickled at the beginning of an iteration, "
                                     "or at the end after scaler.update().")
            state['_init_scale'] = self.get_scale()
            state['_init_growth_tracker'] = self._get_growth_tracker()
            state['_scale'] = None
            state['_growth_tracker'] = None
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)

    def _check_inf_per_device(self, optimizer):
        _scale, _ = self._check_scale_growth_tracker('_check_inf_per_device')
        dummy_inv_scale = _full(1.0, float32, _scale.device)
        found_inf = _full(0.0, float32, _scale.device)
        self._per_optimizer_states[id(optimizer)]['found_inf_per_device'] = \
            self._unscale_grads_(optimizer, dummy_inv_scale, found_inf, True)
        return self._per_optimizer_states[id(optimizer)]['found_inf_per_device']

    def _found_inf_per_device(self, optimizer):
        return self._per_optimizer_states[id(optimizer)]['found_inf_per_device']
