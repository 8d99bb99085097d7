"""Dynamically quantized recurrent layers (LSTM, GRU) and cells (LSTMCell, GRUCell, RNNCell): int8 weights
(or float16 ones, whose products are float32 GEMMs), float inputs and states; every matrix product is FBGEMM's dynamic int8 linear (activations quantized per call
from their own range, 7-bit), the gates computed in float32, as PyTorch's CPU kernels do. As there, a layer's
input projection runs once over the whole sequence (one quantization range for all steps) and the hidden
projection once per step."""
import numpy as np

import ember
from ember import nn
from ember.quantized import _dtypes, _fp16_weights
from ember.ao.nn.quantized.dynamic.linear import _linear_dynamic
from ember.ao.nn.quantized.modules.utils import _quantize_weight

__all__ = ['PackedParameter', 'RNNBase', 'LSTM', 'GRU', 'RNNCellBase', 'RNNCell', 'LSTMCell', 'GRUCell']

_F32 = np.float32


def _sigmoid(x):
    return (_F32(1) / (_F32(1) + np.exp(-x))).astype(_F32)


def _dynamic_linear(x, packed):
    """``x @ w.T + b`` (NumPy float32 in and out) with the packed ``(weight, bias)``: a qint8 weight, or a
    float16-valued one (``dtype=float16``)."""
    weight, bias = packed
    x = ember.Tensor._make(np.ascontiguousarray(x, _F32))
    if not weight.is_quantized:
        return _fp16_weights.linear(x, weight, bias).detach().numpy()
    return _linear_dynamic(x, weight, bias).numpy()


def _quantize_and_pack(weight, bias, make_observer):
    observer = make_observer()
    observer(weight)
    # (the bias stays the float layer's Parameter, as in PyTorch's packed cell parameters: checkpoints save it as one)
    if observer.dtype is ember.float16:
        return (_fp16_weights.pack(weight.float()), bias)
    return (_quantize_weight(weight.float(), observer), bias)


def _empty_packed(rows, cols, bias, dtype):
    """Placeholder packed weights (zeros) of a layer built directly, before a state_dict is loaded."""
    from ember.quantized._qtensor import make
    if dtype is ember.float16:
        w = ember.zeros(rows, cols)
    else:
        w = make(np.zeros((rows, cols), np.int8), _dtypes.qint8, _dtypes.per_tensor_affine, 1.0, 0)
    return (w, ember.zeros(rows) if bias else None)


def _check_dtype(dtype):
    if dtype not in (_dtypes.qint8, ember.float16):
        raise ValueError(f"Unsupported dtype {dtype}: ember's dynamically quantized recurrent layers take "
                         "ember.qint8 or ember.float16")


def _weight_observer_of(mod):
    from ember.ao.quantization.qconfig import default_dynamic_qconfig
    qconfig = getattr(mod, 'qconfig', None)
    if qconfig is not None and qconfig.weight is not None:
        return qconfig.weight
    return default_dynamic_qconfig.weight


# ------------------------------------------------------------------ cell arithmetic (NumPy float32)
def _lstm_cell(igates, h, c, packed_hh):
    gates = _dynamic_linear(h, packed_hh) + igates
    i, f, g, o = np.split(gates, 4, axis=1)
    i, f, g, o = _sigmoid(i), _sigmoid(f), np.tanh(g), _sigmoid(o)
    c = (f * c + i * g).astype(_F32)
    return (o * np.tanh(c)).astype(_F32), c


def _gru_cell(igates, h, packed_hh):
    hgates = _dynamic_linear(h, packed_hh)
    ir, iz, inn = np.split(igates, 3, axis=1)
    hr, hz, hn = np.split(hgates, 3, axis=1)
    r = _sigmoid(hr + ir)
    z = _sigmoid(hz + iz)
    n = np.tanh(inn + hn * r)
    return ((h - n) * z + n).astype(_F32)


_CELL_PARAMS = '__torch__.torch.classes.rnn.CellParamsBase'
_LINEAR_PACKED = '__torch__.torch.classes.quantized.LinearPackedParamsBase'


def _as_cell_params(param):
    """A layer-direction's ``((w_ih, b_ih), (w_hh, b_hh))`` as the object PyTorch keeps in a state_dict (its
    ``CellParamsBase``: the kind, the biases, ``reduce_range`` and the two packed linear weights), so that
    checkpoints saved by ember load into PyTorch's quantized LSTM/GRU."""
    from ember.quantized._serialization import ScriptObject
    (w_ih, b_ih), (w_hh, b_hh) = param
    packed = [ScriptObject((w_ih, b_ih), _LINEAR_PACKED), ScriptObject((w_hh, b_hh), _LINEAR_PACKED)]
    if w_ih.is_quantized:
        return ScriptObject(('quantized_dynamic', [b_ih, b_hh], [], [1], packed), _CELL_PARAMS)
    return ScriptObject(('quantized_fp16', [], [], [], packed), _CELL_PARAMS)


def _from_cell_params(value):
    """The ``((w_ih, b_ih), (w_hh, b_hh))`` of a state_dict entry: PyTorch's ``CellParamsBase`` object (from
    a checkpoint or ember's own state_dict) or the tuple itself."""
    from ember.quantized._serialization import ScriptObject
    if not isinstance(value, ScriptObject):
        return value
    if value.qualified_name != _CELL_PARAMS or value.payload[0] not in ('quantized_dynamic', 'quantized_fp16'):
        raise RuntimeError(f"expected the packed weights of a dynamically quantized recurrent layer, got "
                           f"{value.qualified_name} ({value.payload[0]!r})")
    ih, hh = value.payload[4]
    return tuple(tuple(packed.payload) for packed in (ih, hh))


class PackedParameter(nn.Module):
    """Holds one layer-direction's packed weights: ``(w_ih, b_ih)`` and ``(w_hh, b_hh)`` (qint8 weights)."""

    def __init__(self, param):
        super().__init__()
        self.param = param

    def _save_to_state_dict(self, destination, prefix, keep_vars):
        super()._save_to_state_dict(destination, prefix, keep_vars)
        destination[prefix + 'param'] = _as_cell_params(self.param)

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        self.param = _from_cell_params(state_dict.pop(prefix + 'param'))
        super()._load_from_state_dict(state_dict, prefix, local_metadata, False, missing_keys, unexpected_keys,
                                      error_msgs)


class RNNBase(nn.Module):
    """Base of the dynamically quantized LSTM and GRU layers."""
    _version = 2
    _GATES = {'LSTM': 4, 'GRU': 3}

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, dtype=_dtypes.qint8):
        super().__init__()
        if mode not in self._GATES:
            raise AssertionError(f"Unrecognized RNN mode: {mode}")
        _check_dtype(dtype)
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.dtype = dtype
        self.version = 2
        self.training = False
        directions = 2 if bidirectional else 1
        gate_size = self._GATES[mode] * hidden_size
        params = []
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else hidden_size * directions
            for _ in range(directions):
                params.append(PackedParameter((_empty_packed(gate_size, layer_input, bias, dtype),
                                               _empty_packed(gate_size, hidden_size, bias, dtype))))
        self._all_weight_values = nn.ModuleList(params)

    def _get_name(self):
        return 'DynamicQuantizedRNN'

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s

    def __repr__(self):
        # the packed parameters are not shown, as in PyTorch
        return f"{self._get_name()}({self.extra_repr()})"

    def _run(self, input, hx):
        """The layers over ``input`` (T, B, I); ``hx`` a tuple of (layers * directions, B, H) states."""
        directions = 2 if self.bidirectional else 1
        layer_input = input
        finals = [[] for _ in hx]
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(directions):
                index = layer * directions + direction
                packed_ih, packed_hh = self._all_weight_values[index].param
                igates = _dynamic_linear(layer_input, packed_ih)      # the whole sequence at once
                states = [h[index] for h in hx]
                steps = range(len(igates)) if direction == 0 else reversed(range(len(igates)))
                out = [None] * len(igates)
                for t in steps:
                    if self.mode == 'LSTM':
                        states = list(_lstm_cell(igates[t], states[0], states[1], packed_hh))
                    else:
                        states = [_gru_cell(igates[t], states[0], packed_hh)]
                    out[t] = states[0]
                outputs.append(np.stack(out) if out else np.zeros((0,) + states[0].shape, _F32))
                for final, state in zip(finals, states):
                    final.append(state)
            layer_input = np.concatenate(outputs, axis=2) if directions == 2 else outputs[0]
        return layer_input, tuple(np.stack(f) for f in finals)

    def _forward(self, input, hx, n_states):
        if isinstance(input, nn.utils.rnn.PackedSequence):
            raise NotImplementedError("ember's dynamically quantized RNNs take padded tensors, not PackedSequence")
        if input.dim() != 3:
            raise RuntimeError(f"input must have 3 dimensions, got {input.dim()}")
        if input.size(-1) != self.input_size:
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected {self.input_size}, got "
                               f"{input.size(-1)}")
        x = input.detach().numpy().astype(_F32)
        if self.batch_first:
            x = x.transpose(1, 0, 2)
        directions = 2 if self.bidirectional else 1
        shape = (self.num_layers * directions, x.shape[1], self.hidden_size)
        if hx is None:
            states = tuple(np.zeros(shape, _F32) for _ in range(n_states))
        else:
            given = hx if isinstance(hx, tuple) else (hx,)
            states = tuple(h.detach().numpy().astype(_F32).reshape(shape) for h in given)
        out, finals = self._run(x, states)
        if self.batch_first:
            out = out.transpose(1, 0, 2)
        wrap = ember.Tensor._make
        finals = tuple(wrap(np.ascontiguousarray(f)) for f in finals)
        return wrap(np.ascontiguousarray(out)), finals if n_states == 2 else finals[0]

    @classmethod
    def from_float(cls, mod, use_precomputed_fake_quant=False):
        """The dynamically quantized layer for a float ``nn.LSTM``/``nn.GRU`` (with a qconfig): each weight
        quantized to qint8 with the qconfig's weight observer."""
        if type(mod) not in (nn.LSTM, nn.GRU):
            raise AssertionError("nn.quantized.dynamic.RNNBase.from_float only works for nn.LSTM and nn.GRU")
        if not hasattr(mod, 'qconfig'):
            raise AssertionError("Input float module must have qconfig defined")
        make_observer = _weight_observer_of(mod)
        dtype = make_observer().dtype
        if dtype not in (_dtypes.qint8, ember.float16):
            raise RuntimeError(f"Unsupported dtype for dynamic RNN quantization: {dtype}")
        if getattr(mod, 'proj_size', 0):
            raise NotImplementedError("ember's dynamically quantized LSTM takes no proj_size")
        quantized = {'LSTM': LSTM, 'GRU': GRU}[type(mod).__name__](
            mod.input_size, mod.hidden_size, mod.num_layers, mod.bias, mod.batch_first, mod.dropout,
            mod.bidirectional, dtype)
        params = []
        for layer in range(mod.num_layers):
            for direction in range(2 if mod.bidirectional else 1):
                suffix = f"_l{layer}" + ('_reverse' if direction else '')
                pair = []
                for kind in ('ih', 'hh'):
                    weight = getattr(mod, f'weight_{kind}{suffix}')
                    bias = getattr(mod, f'bias_{kind}{suffix}') if mod.bias else None
                    pair.append(_quantize_and_pack(weight, bias, make_observer))
                params.append(PackedParameter(tuple(pair)))
        quantized._all_weight_values = nn.ModuleList(params)
        return quantized


class LSTM(RNNBase):
    """A dynamically quantized LSTM (made from ``nn.LSTM`` by ``quantize_dynamic``); arguments and call as
    :class:`ember.nn.LSTM` (no ``proj_size``, no PackedSequence).

    Example::

        >>> import warnings; warnings.simplefilter('ignore', DeprecationWarning)
        >>> q = ember.ao.quantization.quantize_dynamic(nn.Sequential(nn.LSTM(4, 3)), dtype=ember.qint8)
        >>> q[0]
        DynamicQuantizedLSTM(4, 3)
        >>> out, (h, c) = q[0](ember.randn(5, 2, 4))
        >>> out.shape, h.shape
        (ember.Size([5, 2, 3]), ember.Size([1, 2, 3]))
    """

    def __init__(self, *args, **kwargs):
        super().__init__('LSTM', *args, **kwargs)

    def _get_name(self):
        return 'DynamicQuantizedLSTM'

    def forward(self, input, hx=None):
        return self._forward(input, hx, 2)


class GRU(RNNBase):
    """A dynamically quantized GRU (made from ``nn.GRU`` by ``quantize_dynamic``); arguments and call as
    :class:`ember.nn.GRU` (no PackedSequence)."""

    def __init__(self, *args, **kwargs):
        super().__init__('GRU', *args, **kwargs)

    def _get_name(self):
        return 'DynamicQuantizedGRU'

    def forward(self, input, hx=None):
        return self._forward(input, hx, 1)


class RNNCellBase(nn.Module):
    """Base of the dynamically quantized cells."""
    _GATES = {'LSTMCell': 4, 'GRUCell': 3, 'RNNCell': 1}

    def __init__(self, input_size, hidden_size, bias=True, num_chunks=4, dtype=_dtypes.qint8):
        super().__init__()
        _check_dtype(dtype)
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        self.weight_dtype = dtype
        self._packed_weight_ih = _empty_packed(num_chunks * hidden_size, input_size, bias, dtype)
        self._packed_weight_hh = _empty_packed(num_chunks * hidden_size, hidden_size, bias, dtype)

    def _get_name(self):
        return 'DynamicQuantizedRNNBase'

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if getattr(self, 'nonlinearity', 'tanh') != 'tanh':
            s += f", nonlinearity={self.nonlinearity}"
        return s

    def _save_to_state_dict(self, destination, prefix, keep_vars):
        super()._save_to_state_dict(destination, prefix, keep_vars)
        destination[prefix + '_packed_weight_ih'] = self._packed_weight_ih
        destination[prefix + '_packed_weight_hh'] = self._packed_weight_hh

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        self._packed_weight_ih = state_dict.pop(prefix + '_packed_weight_ih')
        self._packed_weight_hh = state_dict.pop(prefix + '_packed_weight_hh')
        super()._load_from_state_dict(state_dict, prefix, local_metadata, False, missing_keys, unexpected_keys,
                                      error_msgs)

    def check_forward_input(self, input):
        if input.size(1) != self.input_size:
            raise RuntimeError(f"input has inconsistent input_size: got {input.size(1)}, expected {self.input_size}")

    def _prepare(self, input, hx, n_states):
        self.check_forward_input(input)
        x = input.detach().numpy().astype(_F32)
        if hx is None:
            states = tuple(np.zeros((x.shape[0], self.hidden_size), _F32) for _ in range(n_states))
        else:
            given = hx if isinstance(hx, tuple) else (hx,)
            states = tuple(h.detach().numpy().astype(_F32) for h in given)
        return x, states

    def _finish(self, states):
        out = tuple(ember.Tensor._make(np.ascontiguousarray(s)) for s in states)
        return out if len(out) > 1 else out[0]

    @classmethod
    def from_float(cls, mod, use_precomputed_fake_quant=False):
        """The dynamically quantized cell for a float ``nn.LSTMCell``/``nn.GRUCell``/``nn.RNNCell``."""
        if type(mod) not in (nn.LSTMCell, nn.GRUCell, nn.RNNCell):
            raise AssertionError("nn.quantized.dynamic.RNNCellBase.from_float only works for nn.LSTMCell, "
                                 "nn.GRUCell and nn.RNNCell")
        if not hasattr(mod, 'qconfig'):
            raise AssertionError("Input float module must have qconfig defined")
        make_observer = _weight_observer_of(mod)
        dtype = make_observer().dtype
        if dtype not in (_dtypes.qint8, ember.float16):
            raise RuntimeError(f"Unsupported dtype for dynamic RNN quantization: {dtype}")
        if type(mod) is nn.RNNCell:
            cell = RNNCell(mod.input_size, mod.hidden_size, bias=mod.bias, nonlinearity=mod.nonlinearity,
                           dtype=dtype)
        else:
            cell = {'LSTMCell': LSTMCell, 'GRUCell': GRUCell}[type(mod).__name__](
                mod.input_size, mod.hidden_size, bias=mod.bias, dtype=dtype)
        if not mod.bias:
            raise AssertionError("mod.bias must be True")
        cell._packed_weight_ih = _quantize_and_pack(mod.weight_ih, mod.bias_ih if mod.bias else None, make_observer)
        cell._packed_weight_hh = _quantize_and_pack(mod.weight_hh, mod.bias_hh if mod.bias else None, make_observer)
        return cell


class LSTMCell(RNNCellBase):
    """A dynamically quantized LSTM cell; call as :class:`ember.nn.LSTMCell`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, num_chunks=4, **kwargs)

    def _get_name(self):
        return 'DynamicQuantizedLSTMCell'

    def forward(self, input, hx=None):
        x, (h, c) = self._prepare(input, hx, 2)
        igates = _dynamic_linear(x, self._packed_weight_ih)
        return self._finish(_lstm_cell(igates, h, c, self._packed_weight_hh))


class GRUCell(RNNCellBase):
    """A dynamically quantized GRU cell; call as :class:`ember.nn.GRUCell`."""

    def __init__(self, input_size, hidden_size, bias=True, dtype=_dtypes.qint8):
        super().__init__(input_size, hidden_size, bias, num_chunks=3, dtype=dtype)

    def _get_name(self):
        return 'DynamicQuantizedGRUCell'

    def forward(self, input, hx=None):
        x, (h,) = self._prepare(input, hx, 1)
        igates = _dynamic_linear(x, self._packed_weight_ih)
        return self._finish((_gru_cell(igates, h, self._packed_weight_hh),))


class RNNCell(RNNCellBase):
    """A dynamically quantized Elman RNN cell (tanh or relu); call as :class:`ember.nn.RNNCell`."""

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity='tanh', dtype=_dtypes.qint8):
        super().__init__(input_size, hidden_size, bias, num_chunks=1, dtype=dtype)
        self.nonlinearity = nonlinearity

    def _get_name(self):
        return 'DynamicQuantizedRNNCell'

    def forward(self, input, hx=None):
        x, (h,) = self._prepare(input, hx, 1)
        pre = _dynamic_linear(h, self._packed_weight_hh) + _dynamic_linear(x, self._packed_weight_ih)
        if self.nonlinearity == 'tanh':
            out = np.tanh(pre)
        elif self.nonlinearity == 'relu':
            out = np.maximum(pre, _F32(0))
        else:
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        return self._finish((out.astype(_F32),))
