"""Checked by mypy (tests/test_typing.py), never run: what a type checker infers from ember's public API.

``assert_type`` fails the check when the inferred type differs, including when it is ``Any``, so
each line pins a real annotation; the last lines pin that misuse is reported.
"""
from typing import Any, Iterator, Tuple, Union, assert_type

import numpy as np

import ember
from ember import nn

x = ember.zeros(2, 3)
assert_type(x, ember.Tensor)
assert_type(ember.ones(2), ember.Tensor)
assert_type(ember.empty(2), ember.Tensor)
assert_type(ember.tensor([1.0, 2.0]), ember.Tensor)
assert_type(ember.as_tensor([1.0]), ember.Tensor)
assert_type(ember.from_numpy(np.zeros(2)), ember.Tensor)
assert_type(ember.rand(2), ember.Tensor)
assert_type(ember.randn(2, 2), ember.Tensor)
assert_type(ember.cat([x, x]), ember.Tensor)
assert_type(ember.stack([x, x]), ember.Tensor)
assert_type(ember.matmul(x, x.T), ember.Tensor)

assert_type(x + 1, ember.Tensor)
assert_type(2 * x, ember.Tensor)
assert_type(x @ x, ember.Tensor)
assert_type(-x, ember.Tensor)
assert_type(x[0], ember.Tensor)
assert_type(x == x, ember.Tensor)
assert_type(x.shape, ember.Size)
assert_type(x.dtype, ember.dtype)
assert_type(x.device, ember.device)
assert_type(x.dim(), int)
assert_type(x.ndim, int)
assert_type(x.requires_grad, bool)
assert_type(x.grad, Union[ember.Tensor, None])
assert_type(x.detach(), ember.Tensor)
assert_type(x.to('cpu'), ember.Tensor)
assert_type(x.numpy(), np.ndarray)
assert_type(x.item(), Union[int, float, bool, complex])
assert_type(x.backward(), None)

model = nn.Linear(3, 2)
assert_type(model.train(), nn.Linear)          # the module's own class, so chained calls keep it
assert_type(model.eval(), nn.Linear)
assert_type(model.to('cpu'), nn.Linear)
assert_type(model.parameters(), Iterator[nn.Parameter])
assert_type(model.named_parameters(), Iterator[Tuple[str, nn.Parameter]])
assert_type(model.state_dict(), dict[str, Any])
assert_type(model(x), Any)
optimizer = ember.optim.SGD(model.parameters(), lr=0.1)
assert_type(optimizer.zero_grad(), None)

x.requires_grad = 'yes'         # E: Incompatible types in assignment
model.train(mode='no')          # E: Argument "mode" to "train" of "Module" has incompatible type
