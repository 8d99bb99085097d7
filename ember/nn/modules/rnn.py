"""Recurrent modules: RNN, LSTM, GRU and their single-step cells.

The modules hold PyTorch's parameters under PyTorch's names (``weight_ih_l0``, ``bias_hh_l1_reverse``,
``weight_hr_l0`` ...), so a PyTorch state_dict loads unchanged; the computation is in
ember.ops.rnn.

>>> import ember
>>> lstm = LSTM(10, 20, num_layers=2, batch_first=True)
>>> out, (h, c) = lstm(ember.randn(3, 5, 10))
>>> out.shape, h.shape
(ember.Size([3, 5, 20]), ember.Size([2, 3, 20]))
"""
import math
import numbers
import warnings

import ember       # the cells are called as ember.lstm_cell (PyTorch: _VF), where export records them
from ember.autograd.grad_mode import no_grad
from ember.nn.modules.module import Module
from ember.nn.parameter import Parameter
from ember.ops import rnn as _R
from ember.nn.modules import _packed_rnn as _packed
from ember.ops.creation import empty

__all__ = ['RNNBase', 'RNN', 'LSTM', 'GRU', 'RNNCellBase', 'RNNCell', 'LSTMCell', 'GRUCell']

_GATES = {'LSTM': 4, 'GRU': 3, 'RNN_TANH': 1, 'RNN_RELU': 1}


def apply_permutation(tensor, permutation, dim=1):
    """Reorder ``tensor`` along ``dim`` by the indices in ``permutation`` (what packed sequences use to
    sort a batch by length). Deprecated, as in PyTorch: call ``tensor.index_select(dim, permutation)``.

    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter('ignore')
    ...     apply_permutation(ember.tensor([[1, 2, 3]]), ember.tensor([2, 0, 1]))
    tensor([[3, 1, 2]])
    """
    warnings.warn("`apply_permutation` is deprecated, please use `tensor.index_select(dim, permutation)` instead",
                  FutureWarning, stacklevel=2)
    return tensor.index_select(dim, permutation)


class RNNBase(Module):
    """The base class of :class:`RNN`, :class:`LSTM` and :class:`GRU`: their parameters (named
    ``weight_ih_l{k}``, ``weight_hh_l{k}``, ``bias_ih_l{k}``, ``bias_hh_l{k}``, with ``_reverse`` for the second
    direction), their initialisation and argument checks. ``isinstance(m, nn.RNNBase)`` tells any of them.

    Args:
        mode (str): ``'RNN_TANH'``, ``'RNN_RELU'``, ``'LSTM'`` or ``'GRU'``.
        input_size (int): features of each input step.
        hidden_size (int): features of the hidden state.
        num_layers (int, optional): stacked layers. Default: ``1``.
        bias (bool, optional): use biases. Default: ``True``.
        batch_first (bool, optional): inputs are ``(N, L, *)`` instead of ``(L, N, *)``. Default: ``False``.
        dropout (float, optional): dropout between layers. Default: ``0``.
        bidirectional (bool, optional): run both directions. Default: ``False``.
        proj_size (int, optional): LSTM only: project the hidden state to this size. Default: ``0``.

    Example::

        >>> isinstance(nn.LSTM(2, 3), nn.RNNBase)
        True
        >>> [name for name, _ in nn.RNNBase('RNN_TANH', 2, 3).named_parameters()]
        ['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0']
    """
    __constants__ = ['mode', 'input_size', 'hidden_size', 'num_layers', 'bias', 'batch_first', 'dropout',
                     'bidirectional', 'proj_size']

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__()
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        if not isinstance(dropout, numbers.Number) or isinstance(dropout, bool) or not 0 <= dropout <= 1:
            raise ValueError('dropout should be a number in range [0, 1] representing the probability of an '
                             'element being zeroed')
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        num_directions = 2 if bidirectional else 1

        if dropout > 0 and num_layers == 1:
            warnings.warn('dropout option adds dropout after all but last recurrent layer, so non-zero dropout '
                          f'expects num_layers greater than 1, but got dropout={dropout} and num_layers={num_layers}',
                          stacklevel=3)
        if not isinstance(hidden_size, int):
            raise TypeError(f'hidden_size should be of type int, got: {type(hidden_size).__name__}')
        if hidden_size <= 0:
            raise ValueError('hidden_size must be greater than zero')
        if num_layers <= 0:
            raise ValueError('num_layers must be greater than zero')
        if proj_size < 0:
            raise ValueError('proj_size should be a positive integer or zero to disable projections')
        if proj_size >= hidden_size:
            raise ValueError('proj_size has to be smaller than hidden_size')
        if mode not in _GATES:
            raise ValueError(f'Unrecognized RNN mode: {mode}')
        gate_size = _GATES[mode] * hidden_size

        self._flat_weights_names = []
        self._all_weights = []
        real_hidden = proj_size if proj_size > 0 else hidden_size
        for layer in range(num_layers):
            for direction in range(num_directions):
                layer_input = input_size if layer == 0 else real_hidden * num_directions
                shapes = [('weight_ih', (gate_size, layer_input)), ('weight_hh', (gate_size, real_hidden))]
                if bias:
                    shapes += [('bias_ih', (gate_size,)), ('bias_hh', (gate_size,))]
                if proj_size > 0:
                    shapes += [('weight_hr', (proj_size, hidden_size))]
                suffix = '_reverse' if direction == 1 else ''
                names = []
                for base, shape in shapes:
                    name = f'{base}_l{layer}{suffix}'
                    setattr(self, name, Parameter(empty(*shape, dtype=dtype, device=device)))
                    names.append(name)
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    @property
    def _flat_weights(self):
        # looked up each time, so .to()/.double()/load_state_dict(assign=True) never leave it stale
        return [getattr(self, name) for name in self._flat_weights_names]

    @property
    def all_weights(self):
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def flatten_parameters(self):
        """A no-op: ember keeps no fused weight buffer (PyTorch's is for cuDNN)."""

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        with no_grad():
            for weight in self.parameters():
                weight.uniform_(-stdv, stdv)

    def _check_input(self, input, batch_sizes=None):
        if input.dtype is not self._flat_weights[0].dtype:
            w = self._flat_weights[0].dtype
            raise ValueError(f'RNN input dtype ({input.dtype}) does not match weight dtype ({w}). '
                             f'Convert input: input.to({w}), or convert model: model.to({input.dtype})')
        expected_dim = 3 if batch_sizes is None else 2      # packed data is (total steps, features)
        if input.dim() != expected_dim:
            raise RuntimeError(f'input must have {expected_dim} dimensions, got {input.dim()}')
        if self.input_size != input.size(-1):
            raise RuntimeError(f'input.size(-1) must be equal to input_size. Expected {self.input_size}, '
                               f'got {input.size(-1)}')
        if batch_sizes is None and input.size(0 if not self.batch_first else 1) == 0:
            raise RuntimeError('Expected sequence length to be larger than 0 in RNN')

    def _expected_hidden_size(self, input):
        mini_batch = input.size(0) if self.batch_first else input.size(1)
        num_directions = 2 if self.bidirectional else 1
        real_hidden = self.proj_size if self.proj_size > 0 else self.hidden_size
        return (self.num_layers * num_directions, mini_batch, real_hidden)

    @staticmethod
    def _check_hidden_size(hx, expected, msg='Expected hidden size {}, got {}'):
        if tuple(hx.shape) != expected:
            raise RuntimeError(msg.format(expected, list(hx.shape)))

    def _check_dims(self, input):
        if input.dim() not in (2, 3):
            raise ValueError(f'{self._get_name()}: Expected input to be 2D or 3D, got {input.dim()}D instead')
        return input.dim() == 3

    def extra_repr(self):
        s = '{input_size}, {hidden_size}'
        if self.proj_size != 0:
            s += ', proj_size={proj_size}'
        if self.num_layers != 1:
            s += ', num_layers={num_layers}'
        if self.bias is not True:
            s += ', bias={bias}'
        if self.batch_first is not False:
            s += ', batch_first={batch_first}'
        if self.dropout != 0:
            s += ', dropout={dropout}'
        if self.bidirectional is not False:
            s += ', bidirectional={bidirectional}'
        return s.format(**self.__dict__)

    def _zeros(self, input, size):
        # through ember's namespace, as PyTorch's torch.zeros: export records the call (aten.zeros) there
        return ember.zeros(*size, dtype=input.dtype, device=input.device)

    def _prepare(self, input, hx):
        """Batch an unbatched input; make or check the initial hidden state (RNN and GRU)."""
        batched = self._check_dims(input)
        batch_dim = 0 if self.batch_first else 1
        if not batched:
            input = input.unsqueeze(batch_dim)
            if hx is not None:
                if hx.dim() != 2:
                    raise RuntimeError(f'For unbatched 2-D input, hx should also be 2-D but got {hx.dim()}-D tensor')
                hx = hx.unsqueeze(1)
        elif hx is not None and hx.dim() != 3:
            raise RuntimeError(f'For batched 3-D input, hx should also be 3-D but got {hx.dim()}-D tensor')
        self._check_input(input)
        expected = self._expected_hidden_size(input)
        if hx is None:
            hx = self._zeros(input, expected)
        else:
            self._check_hidden_size(hx, expected)
        return input, hx, batched, batch_dim

    def _args(self):
        return (self._flat_weights, self.bias, self.num_layers, self.dropout, self.training, self.bidirectional,
                self.batch_first)


class RNN(RNNBase):
    """Elman RNN: h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh) (or ReLU).

    Arguments: input_size, hidden_size, num_layers=1, nonlinearity='tanh', bias=True,
    batch_first=False, dropout=0.0, bidirectional=False, device=None, dtype=None.

    Example::

        >>> rnn = nn.RNN(input_size=3, hidden_size=5, num_layers=2, batch_first=True)
        >>> output, h_n = rnn(ember.ones(4, 7, 3))
        >>> output.shape, h_n.shape
        (ember.Size([4, 7, 5]), ember.Size([2, 4, 5]))
    """

    def __init__(self, *args, **kwargs):
        if 'proj_size' in kwargs:
            raise ValueError('proj_size argument is only supported for LSTM, not RNN or GRU')
        if len(args) > 3:
            self.nonlinearity = args[3]
            args = args[:3] + args[4:]
        else:
            self.nonlinearity = kwargs.pop('nonlinearity', 'tanh')
        if self.nonlinearity == 'tanh':
            mode = 'RNN_TANH'
        elif self.nonlinearity == 'relu':
            mode = 'RNN_RELU'
        else:
            raise ValueError(f"Unknown nonlinearity '{self.nonlinearity}'. Select from 'tanh' or 'relu'.")
        super().__init__(mode, *args, **kwargs)

    def forward(self, input, hx=None):
        if _packed.is_packed(input):
            return _packed.packed_forward(self, input, hx)
        input, hx, batched, batch_dim = self._prepare(input, hx)
        fn = _R.rnn_tanh if self.mode == 'RNN_TANH' else _R.rnn_relu
        output, hidden = fn(input, hx, *self._args())
        if not batched:
            output, hidden = output.squeeze(batch_dim), hidden.squeeze(1)
        return output, hidden


class LSTM(RNNBase):
    """Long short-term memory; returns ``output, (h_n, c_n)``; ``proj_size`` projects h.

    Arguments: input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
    bidirectional=False, proj_size=0, device=None, dtype=None.

    Example::

        >>> lstm = nn.LSTM(input_size=3, hidden_size=5, batch_first=True)
        >>> output, (h_n, c_n) = lstm(ember.ones(4, 7, 3))
        >>> output.shape, h_n.shape, c_n.shape
        (ember.Size([4, 7, 5]), ember.Size([1, 4, 5]), ember.Size([1, 4, 5]))
    """

    def __init__(self, *args, **kwargs):
        super().__init__('LSTM', *args, **kwargs)

    def _expected_cell_size(self, input):
        mini_batch = input.size(0) if self.batch_first else input.size(1)
        return (self.num_layers * (2 if self.bidirectional else 1), mini_batch, self.hidden_size)

    def forward(self, input, hx=None):
        if _packed.is_packed(input):
            return _packed.packed_forward(self, input, hx)
        batched = self._check_dims(input)
        batch_dim = 0 if self.batch_first else 1
        if not batched:
            input = input.unsqueeze(batch_dim)
            if hx is not None:
                if hx[0].dim() != 2 or hx[1].dim() != 2:
                    raise RuntimeError('For unbatched 2-D input, hx and cx should also be 2-D but got '
                                       f'({hx[0].dim()}-D, {hx[1].dim()}-D) tensors')
                hx = (hx[0].unsqueeze(1), hx[1].unsqueeze(1))
        elif hx is not None and (hx[0].dim() != 3 or hx[1].dim() != 3):
            raise RuntimeError('For batched 3-D input, hx and cx should also be 3-D but got '
                               f'({hx[0].dim()}-D, {hx[1].dim()}-D) tensors')
        self._check_input(input)
        if hx is None:
            hx = (self._zeros(input, self._expected_hidden_size(input)),
                  self._zeros(input, self._expected_cell_size(input)))
        else:
            self._check_hidden_size(hx[0], self._expected_hidden_size(input), 'Expected hidden[0] size {}, got {}')
            self._check_hidden_size(hx[1], self._expected_cell_size(input), 'Expected hidden[1] size {}, got {}')
        output, h, c = _R.lstm(input, hx, *self._args())
        if not batched:
            output, h, c = output.squeeze(batch_dim), h.squeeze(1), c.squeeze(1)
        return output, (h, c)


class GRU(RNNBase):
    """Gated recurrent unit (PyTorch's gate order r, z, n).

    Arguments: input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
    bidirectional=False, device=None, dtype=None.

    Example::

        >>> gru = nn.GRU(input_size=3, hidden_size=5, bidirectional=True)
        >>> output, h_n = gru(ember.ones(7, 4, 3))
        >>> output.shape, h_n.shape
        (ember.Size([7, 4, 10]), ember.Size([2, 4, 5]))
    """

    def __init__(self, *args, **kwargs):
        if 'proj_size' in kwargs:
            raise ValueError('proj_size argument is only supported for LSTM, not RNN or GRU')
        super().__init__('GRU', *args, **kwargs)

    def forward(self, input, hx=None):
        if _packed.is_packed(input):
            return _packed.packed_forward(self, input, hx)
        input, hx, batched, batch_dim = self._prepare(input, hx)
        output, hidden = _R.gru(input, hx, *self._args())
        if not batched:
            output, hidden = output.squeeze(batch_dim), hidden.squeeze(1)
        return output, hidden


# ----------------------------------------------------------------------------------------------
# cells

class RNNCellBase(Module):
    """The base class of :class:`RNNCell`, :class:`LSTMCell` and :class:`GRUCell`: their parameters
    ``weight_ih`` ``(num_chunks * hidden_size, input_size)``, ``weight_hh`` ``(num_chunks * hidden_size,
    hidden_size)`` and, with ``bias``, ``bias_ih`` and ``bias_hh``, initialised uniformly in
    ``(-1/sqrt(hidden_size), 1/sqrt(hidden_size))``.

    Args:
        input_size (int): features of the input.
        hidden_size (int): features of the hidden state.
        bias (bool): use biases.
        num_chunks (int): the number of gates stacked in the weights (1 for RNNCell, 4 for LSTMCell, 3 for
            GRUCell).

    Example::

        >>> isinstance(nn.GRUCell(2, 3), nn.RNNCellBase)
        True
        >>> nn.RNNCellBase(2, 3, True, 4).weight_ih.shape
        ember.Size([12, 2])
    """
    __constants__ = ['input_size', 'hidden_size', 'bias']

    def __init__(self, input_size, hidden_size, bias, num_chunks, device=None, dtype=None):
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        self.weight_ih = Parameter(empty(num_chunks * hidden_size, input_size, dtype=dtype, device=device))
        self.weight_hh = Parameter(empty(num_chunks * hidden_size, hidden_size, dtype=dtype, device=device))
        if bias:
            self.bias_ih = Parameter(empty(num_chunks * hidden_size, dtype=dtype, device=device))
            self.bias_hh = Parameter(empty(num_chunks * hidden_size, dtype=dtype, device=device))
        else:
            self.register_parameter('bias_ih', None)
            self.register_parameter('bias_hh', None)
        self.reset_parameters()

    def extra_repr(self):
        s = '{input_size}, {hidden_size}'
        if 'bias' in self.__dict__ and self.bias is not True:
            s += ', bias={bias}'
        if 'nonlinearity' in self.__dict__ and self.nonlinearity != 'tanh':
            s += ', nonlinearity={nonlinearity}'
        return s.format(**self.__dict__)

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        with no_grad():
            for weight in self.parameters():
                weight.uniform_(-stdv, stdv)

    def _prepare(self, input, hx):
        if input.dim() not in (1, 2):
            raise ValueError(f'{self._get_name()}: Expected input to be 1D or 2D, got {input.dim()}D instead')
        if isinstance(hx, tuple) or (hx is not None and isinstance(self, LSTMCell)):
            for i, h in enumerate(hx):     # (PyTorch's LSTMCell iterates whatever hx is)
                if h.dim() not in (1, 2):
                    raise ValueError(f'{self._get_name()}: Expected hx[{i}] to be 1D or 2D, got {h.dim()}D instead')
        elif hx is not None and hx.dim() not in (1, 2):
            raise ValueError(f'{self._get_name()}: Expected hidden to be 1D or 2D, got {hx.dim()}D instead')
        batched = input.dim() == 2
        if not batched:
            input = input.unsqueeze(0)
        if input.size(1) != self.input_size:
            raise RuntimeError(f'input has inconsistent input_size: got {input.size(1)} expected {self.input_size}')
        if hx is None:
            z = ember.zeros(input.size(0), self.hidden_size, dtype=input.dtype, device=input.device)
            return input, (z, z) if isinstance(self, LSTMCell) else z, batched
        hs = tuple(hx) if isinstance(hx, (tuple, list)) else (hx,)
        if not batched:
            hs = tuple(h.unsqueeze(0) for h in hs)
        for i, h in enumerate(hs):
            if input.size(0) != h.size(0):
                raise RuntimeError(f"Input batch size {input.size(0)} doesn't match hidden{i} batch size {h.size(0)}")
            if h.size(1) != self.hidden_size:
                raise RuntimeError(f'hidden{i} has inconsistent hidden_size: got {h.size(1)}, expected '
                                   f'{self.hidden_size}')
        return input, hs if isinstance(hx, (tuple, list)) else hs[0], batched

    def _weights(self):
        return self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh


class RNNCell(RNNCellBase):
    """One Elman RNN step: h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh) (or ReLU).

    Example::

        >>> cell = nn.RNNCell(3, 5)
        >>> h = ember.zeros(4, 5)
        >>> for x in ember.ones(2, 4, 3):
        ...     h = cell(x, h)
        ...
        >>> h.shape
        ember.Size([4, 5])
    """
    __constants__ = ['input_size', 'hidden_size', 'bias', 'nonlinearity']

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity='tanh', device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=1, device=device, dtype=dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        input, hx, batched = self._prepare(input, hx)
        if self.nonlinearity == 'tanh':
            ret = ember.rnn_tanh_cell(input, hx, *self._weights())
        elif self.nonlinearity == 'relu':
            ret = ember.rnn_relu_cell(input, hx, *self._weights())
        else:
            raise RuntimeError(f'Unknown nonlinearity: {self.nonlinearity}')
        return ret if batched else ret.squeeze(0)


class LSTMCell(RNNCellBase):
    """One LSTM step; ``hx`` is ``(h, c)``; returns ``(h', c')``.

    Example::

        >>> cell = nn.LSTMCell(3, 5)
        >>> h, c = cell(ember.ones(4, 3))
        >>> h.shape, c.shape
        (ember.Size([4, 5]), ember.Size([4, 5]))
    """

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=4, device=device, dtype=dtype)

    def forward(self, input, hx=None):
        input, hx, batched = self._prepare(input, hx)
        h, c = ember.lstm_cell(input, hx, *self._weights())
        return (h, c) if batched else (h.squeeze(0), c.squeeze(0))


class GRUCell(RNNCellBase):
    """One GRU step.

    Example::

        >>> cell = nn.GRUCell(3, 5)
        >>> cell(ember.ones(4, 3)).shape
        ember.Size([4, 5])
    """

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=3, device=device, dtype=dtype)

    def forward(self, input, hx=None):
        input, hx, batched = self._prepare(input, hx)
        ret = ember.gru_cell(input, hx, *self._weights())
        return ret if batched else ret.squeeze(0)


def __getattr__(name):
    # PyTorch's rnn module also exports PackedSequence; imported on first use because importing
    # ember.nn.utils while ember.nn itself loads would shadow it with ember.nn.modules.utils
    if name == 'PackedSequence':
        from ember.nn.utils.rnn import PackedSequence
        return PackedSequence
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
