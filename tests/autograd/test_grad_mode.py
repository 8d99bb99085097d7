"""no_grad / enable_grad / set_grad_enabled / inference_mode as context managers and decorators."""
import ember


def test_no_grad_context_and_decorator():
    x = ember.ones(2, requires_grad=True)
    with ember.no_grad():
        y = x * 2
        assert not ember.is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None
    assert ember.is_grad_enabled()

    @ember.no_grad()
    def f(t):
        return t * 2

    @ember.no_grad
    def g(t):
        return t * 2
    assert not f(x).requires_grad and not g(x).requires_grad


def test_enable_grad_inside_no_grad():
    x = ember.ones(2, requires_grad=True)
    with ember.no_grad():
        with ember.enable_grad():
            y = x * 2
    assert y.requires_grad


def test_set_grad_enabled_call_and_context():
    x = ember.ones(1, requires_grad=True)
    with ember.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert ember.is_grad_enabled()
    ember.set_grad_enabled(False)
    try:
        assert not ember.is_grad_enabled()
    finally:
        ember.set_grad_enabled(True)


def test_inference_mode():
    x = ember.ones(1, requires_grad=True)
    with ember.inference_mode():
        assert ember.is_inference_mode_enabled()
        assert not (x * 2).requires_grad
    assert not ember.is_inference_mode_enabled()

    @ember.inference_mode()
    def f(t):
        return t * 2
    assert not f(x).requires_grad


def test_generator_function_decorated():
    @ember.no_grad()
    def gen():
        yield ember.is_grad_enabled()
        yield ember.is_grad_enabled()
    assert list(gen()) == [False, False]
    assert ember.is_grad_enabled()


def test_inference_mode_makes_inference_tensors_with_pytorch_s_rules():
    import pytest as _pytest
    normal = ember.ones(2)
    with ember.inference_mode():
        y = ember.ones(3) * 2
        made = ember.zeros(2)
    assert y.is_inference() and made.is_inference() and y[:2].is_inference()
    assert not (y * 1).is_inference() and not y.clone().is_inference()
    w = ember.ones(3, requires_grad=True)
    with _pytest.raises(RuntimeError, match=r"^Inference tensors cannot be saved for backward\. Please do not use "
                                            r"Tensors created in inference mode"):
        y * w
    assert not (y + w).is_inference()          # add saves nothing: allowed
    with _pytest.raises(RuntimeError, match=r"^Inplace update to inference tensor outside InferenceMode is not "
                                            r"allowed\.You can make a clone"):
        y.add_(1)
    with _pytest.raises(RuntimeError, match=r"^Inplace update to inference tensor outside InferenceMode"):
        y[0] = 5.
    with _pytest.raises(RuntimeError, match=r"^Setting requires_grad=True on inference tensor outside "
                                            r"InferenceMode is not allowed\.$"):
        y.requires_grad_()
    with _pytest.raises(RuntimeError, match=r"^Setting requires_grad=True on inference tensor outside"):
        ember.nn.Parameter(y)
    assert y.tolist() == [2., 2., 2.]         # every refusal left it unchanged
    with ember.inference_mode():
        y.add_(1)                              # inside inference mode it is allowed
        assert not normal.view(2).is_inference()   # a view follows its base
    assert y.tolist() == [3., 3., 3.]
