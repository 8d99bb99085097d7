"""ember.nn.functional: the stateless functions behind the nn layers (PyTorch's ``torch.nn.functional``).

The math lives in ``ember.ops``; this module gathers it under PyTorch's names and adds the
argument handling that belongs to the functional API (implicit softmax dims, ``inplace=``).

>>> import ember.nn.functional as F
>>> F.relu(ember.tensor([-1., 2.]))
tensor([0., 2.])
"""
import warnings

from ember.ops import activation as _act
from ember.ops._registry import bind as _bind

_bind('F', globals())  # F.<op> for every op registered with the 'F' target

def _implicit_dim(name, ndim, stacklevel):
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X as "
                  "an argument.", stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """exp(x) / sum(exp(x)) along ``dim`` (numerically stable)."""
    if dim is None:
        dim = _implicit_dim('softmax', input.ndim, _stacklevel)
    return _act.softmax(input, dim, dtype=dtype)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """log(softmax(x)) along ``dim``, finite for any finite logits."""
    if dim is None:
        dim = _implicit_dim('log_softmax', input.ndim, _stacklevel)
    return _act.log_softmax(input, dim, dtype=dtype)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    """softmax(-x) along ``dim``."""
    if dim is None:
        dim = _implicit_dim('softmin', input.ndim, _stacklevel)
    return _act.softmin(input, dim, dtype=dtype)


def tanh(input):
    """Elementwise tanh (``input.tanh()``; ``ember.tanh`` also takes ``out=``)."""
    return input.tanh()


def sigmoid(input):
    """Elementwise logistic sigmoid (``input.sigmoid()``; ``ember.sigmoid`` also takes ``out=``)."""
    return input.sigmoid()


def tanh_(input):
    return input.tanh_()


def sigmoid_(input):
    return input.sigmoid_()
