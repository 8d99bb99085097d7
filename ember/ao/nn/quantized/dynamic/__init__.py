"""Dynamically quantized modules: int8 weights, float activations quantized per call."""
from ember.ao.nn.quantized.dynamic.linear import Linear  # noqa: F401
from ember.ao.nn.quantized.dynamic.rnn import LSTM, GRU, LSTMCell, GRUCell, RNNCell  # noqa: F401

__all__ = ['Linear', 'LSTM', 'GRU', 'LSTMCell', 'GRUCell', 'RNNCell']
