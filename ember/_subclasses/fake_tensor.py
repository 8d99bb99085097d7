"""``torch._subclasses.fake_tensor``: PyTorch's fake tensors carry shapes without data for its compilers'
tracing. ember traces with tensors on the ``meta`` device instead and has no fake tensors, so the question
libraries ask before touching data (kornia: "is this a fake tensor?") has one answer here."""


def is_fake(x):
    """Whether ``x`` is a fake tensor: never, in ember (see the module docstring).

    Example::

        >>> import ember
        >>> from ember._subclasses.fake_tensor import is_fake
        >>> is_fake(ember.zeros(2)), is_fake(ember.zeros(2, device='meta'))
        (False, False)
    """
    return False


class DynamicOutputShapeException(RuntimeError):
    """An operator whose results' shapes depend on its inputs' values in a way a trace cannot follow
    (``aten._ctc_loss``): ``ember.export`` refuses it, naming the operator, as PyTorch's export does.

    Example::

        >>> import ember
        >>> from ember._subclasses.fake_tensor import DynamicOutputShapeException
        >>> str(DynamicOutputShapeException('aten._ctc_loss.Tensor'))
        'aten._ctc_loss.Tensor'
    """

    def __init__(self, func):
        super().__init__(func)
        self.func = func


def __getattr__(name):
    if name in ('FakeTensor', 'FakeTensorMode', 'FakeTensorConverter', 'UnsupportedFakeTensorException'):
        raise AttributeError(f"ember has no fake tensors ('{name}'): it traces programs with tensors on the "
                             "'meta' device (ember.empty(..., device='meta')) instead")
    raise AttributeError(f"module 'ember._subclasses.fake_tensor' has no attribute '{name}'")
