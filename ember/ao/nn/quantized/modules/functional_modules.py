"""``FloatFunctional`` (observed tensor arithmetic in a float model) and ``QFunctional``, what it becomes when
the model is converted: the same calls on quantized tensors, requantized to the observed scale."""
import ember
from ember import nn
from ember.quantized import _qops

__all__ = ['FloatFunctional', 'FXFloatFunctional', 'QFunctional']


class FloatFunctional(nn.Module):
    """Holds the tensor arithmetic of a model that is to be quantized (``add``, ``cat``, ``mul``,
    ``add_relu``, ``add_scalar``, ``mul_scalar``, ``matmul``), so that preparation can observe its outputs.

    Example::

        >>> f = ember.ao.nn.quantized.FloatFunctional()
        >>> f.add(ember.tensor([1.0]), ember.tensor([2.0]))
        tensor([3.])
    """

    def __init__(self):
        super().__init__()
        self.activation_post_process = nn.Identity()

    def forward(self, x):
        raise RuntimeError("FloatFunctional is not intended to use the 'forward'. Please use the underlying "
                           "operation")

    def add(self, x, y):
        return self.activation_post_process(ember.add(x, y))

    def add_scalar(self, x, y):
        # not observed: the quantized op derives its output parameters from the input's
        return ember.add(x, y)

    def mul(self, x, y):
        return self.activation_post_process(ember.mul(x, y))

    def mul_scalar(self, x, y):
        return ember.mul(x, y)

    def cat(self, x, dim=0):
        return self.activation_post_process(ember.cat(x, dim=dim))

    def add_relu(self, x, y):
        return self.activation_post_process(nn.functional.relu(ember.add(x, y)))

    def matmul(self, x, y):
        return self.activation_post_process(ember.matmul(x, y))


class FXFloatFunctional(nn.Module):
    """FloatFunctional without observation (for graph-mode preparation, which observes by itself)."""

    def forward(self, x):
        raise RuntimeError("FloatFunctional is not intended to use the 'forward'. Please use the underlying "
                           "operation")

    def add(self, x, y):
        return ember.add(x, y)

    def add_scalar(self, x, y):
        return ember.add(x, y)

    def mul(self, x, y):
        return ember.mul(x, y)

    def mul_scalar(self, x, y):
        return ember.mul(x, y)

    def cat(self, x, dim=0):
        return ember.cat(x, dim=dim)

    def add_relu(self, x, y):
        return nn.functional.relu(ember.add(x, y))

    def matmul(self, x, y):
        return ember.matmul(x, y)


class QFunctional(nn.Module):
    """Tensor arithmetic on quantized tensors, requantized to ``scale``/``zero_point`` (what a
    ``FloatFunctional`` becomes when its model is converted).

    Example::

        >>> f = ember.ao.nn.quantized.QFunctional()
        >>> f.scale, f.zero_point = 0.5, 0
        >>> a = ember.quantize_per_tensor(ember.tensor([1.0, 2.0]), 0.5, 0, ember.quint8)
        >>> f.add(a, a).dequantize()
        tensor([2., 4.])
    """

    def __init__(self):
        super().__init__()
        self.scale = 1.0
        self.zero_point = 0
        self.activation_post_process = nn.Identity()

    def _save_to_state_dict(self, destination, prefix, keep_vars):
        super()._save_to_state_dict(destination, prefix, keep_vars)
        destination[prefix + 'scale'] = ember.tensor(self.scale)
        destination[prefix + 'zero_point'] = ember.tensor(self.zero_point)

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        self.scale = float(state_dict.pop(prefix + 'scale'))
        self.zero_point = int(state_dict.pop(prefix + 'zero_point'))
        super()._load_from_state_dict(state_dict, prefix, local_metadata, False, missing_keys, unexpected_keys,
                                      error_msgs)

    def _get_name(self):
        return 'QFunctional'

    def extra_repr(self):
        return f"scale={self.scale}, zero_point={self.zero_point}"

    def forward(self, x):
        raise RuntimeError("Functional is not intended to use the 'forward'. Please use the underlying operation")

    def add(self, x, y):
        return self.activation_post_process(_qops.add(x, y, self.scale, self.zero_point))

    def add_scalar(self, x, y):
        return _qops.add_scalar(x, y)

    def mul(self, x, y):
        return self.activation_post_process(_qops.mul(x, y, self.scale, self.zero_point))

    def mul_scalar(self, x, y):
        return _qops.mul_scalar(x, y)

    def cat(self, x, dim=0):
        return self.activation_post_process(_qops.cat(x, self.scale, self.zero_point, dim))

    def add_relu(self, x, y):
        return self.activation_post_process(_qops.add_relu(x, y, self.scale, self.zero_point))

    def matmul(self, x, y):
        return self.activation_post_process(_qops.matmul(x, y, self.scale, self.zero_point))

    @classmethod
    def from_float(cls, mod, use_precomputed_fake_quant=False):
        if type(mod) is not FloatFunctional:
            raise AssertionError("QFunctional.from_float expects an instance of FloatFunctional")
        scale, zero_point = mod.activation_post_process.calculate_qparams()
        new_mod = QFunctional()
        new_mod.scale = float(scale)
        new_mod.zero_point = int(zero_point)
        return new_mod
