"""ember.nn.functional: the stateless functions behind the nn layers (PyTorch's ``torch.nn.functional``).

The math lives in ``ember.ops``; this module gathers it under PyTorch's names and adds the
argument handling that belongs to the functional API (implicit softmax dims, ``inplace=``).

>>> import ember.nn.functional as F
>>> F.relu(ember.tensor([-1., 2.]))
tensor([0., 2.])
"""
import warnings

from ember.ops import activation as _act
from ember import _torch_function
from ember.ops._registry import bind as _bind
from ember.ops._util import python_reads as _python_reads
from ember._tensor import Tensor as _Tensor

_bind('F', globals())  # F.<op> for every op registered with the 'F' target

def _implicit_dim(name, ndim, stacklevel):
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X as "
                  "an argument.", stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """exp(x) / sum(exp(x)) along ``dim`` (numerically stable).

    Example::

        >>> F.softmax(ember.tensor([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]]), dim=1)
        tensor([[0.0900, 0.2447, 0.6652],
                [0.3333, 0.3333, 0.3333]])
    """
    if dim is None:
        dim = _implicit_dim('softmax', input.dim(), _stacklevel)
    _python_reads(input, 'softmax')     # (PyTorch's calls input.softmax(dim))
    return _act.softmax(input, dim, dtype=dtype)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """log(softmax(x)) along ``dim``, finite for any finite logits.

    Example::

        >>> F.log_softmax(ember.tensor([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]]), dim=1)
        tensor([[-2.4076, -1.4076, -0.4076],
                [-1.0986, -1.0986, -1.0986]])
    """
    if dim is None:
        dim = _implicit_dim('log_softmax', input.dim(), _stacklevel)
    _python_reads(input, 'log_softmax')     # (PyTorch's calls input.log_softmax(dim))
    return _act.log_softmax(input, dim, dtype=dtype)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    """softmax(-x) along ``dim``.

    Example::

        >>> F.softmin(ember.tensor([1.0, 2.0, 3.0]), dim=0)
        tensor([0.6652, 0.2447, 0.0900])
    """
    if dim is None:
        dim = _implicit_dim('softmin', input.dim(), _stacklevel)
    if not isinstance(input, _Tensor):
        -input      # PyTorch's softmin negates first: Python's TypeError for a non-tensor
    return _act.softmin(input, dim, dtype=dtype)


def tanh(input):
    """Elementwise tanh (``input.tanh()``; ``ember.tanh`` also takes ``out=``).

    Example::

        >>> F.tanh(ember.tensor([-1.0, 0.0, 1.0]))
        tensor([-0.7616,  0.0000,  0.7616])
    """
    return input.tanh()


def sigmoid(input):
    """Elementwise logistic sigmoid (``input.sigmoid()``; ``ember.sigmoid`` also takes ``out=``).

    Example::

        >>> F.sigmoid(ember.tensor([-2.0, 0.0, 2.0]))
        tensor([0.1192, 0.5000, 0.8808])
    """
    return input.sigmoid()


def tanh_(input):
    return input.tanh_()


def sigmoid_(input):
    return input.sigmoid_()


def assert_int_or_pair(arg, arg_name, message):
    """Raise ``AssertionError(message.format(arg_name))`` unless ``arg`` is an int or has two entries
    (the check PyTorch's fold/unfold apply to their size arguments).

    Example::

        >>> F.assert_int_or_pair((2, 3), 'kernel_size', '{} must be an int or a pair')
        >>> F.assert_int_or_pair((1, 2, 3), 'kernel_size', '{} must be an int or a pair')
        Traceback (most recent call last):
        ...
        AssertionError: kernel_size must be an int or a pair
    """
    if not (isinstance(arg, int) or len(arg) == 2):
        raise AssertionError(message.format(arg_name))


# PyTorch's F also carries these names: grid_sample's mode codes, the __torch_function__ helpers, and the
# module of convolution gradients (``F.grad.conv2d_input``)
GRID_SAMPLE_INTERPOLATION_MODES = {'bilinear': 0, 'nearest': 1, 'bicubic': 2}
GRID_SAMPLE_PADDING_MODES = {'zeros': 0, 'border': 1, 'reflection': 2}
from ember.overrides import (handle_torch_function, has_torch_function, has_torch_function_unary,  # noqa: E402,F401
                             has_torch_function_variadic)
from ember.nn import grad  # noqa: E402,F401


if _torch_function._active:   # a Tensor subclass switched __torch_function__ dispatch on before F was imported
    _torch_function.wrap_python_functionals(globals())
