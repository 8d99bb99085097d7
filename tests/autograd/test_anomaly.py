"""Anomaly detection: nan from a backward raises PyTorch's error naming the node, and a failing
backward is preceded by a warning with the forward call's stack (PyTorch's texts)."""
import warnings

import pytest

import ember
from ember.autograd import Function


class NanBackward(Function):
    @staticmethod
    def forward(ctx, x):
        return x.clone()

    @staticmethod
    def backward(ctx, g):
        return g * float('nan')


class FailingBackward(Function):
    @staticmethod
    def forward(ctx, x):
        return x.clone()

    @staticmethod
    def backward(ctx, g):
        raise ValueError("boom")


def test_detect_anomaly_warns_that_it_is_on_and_restores_the_mode():
    with pytest.warns(UserWarning, match="Anomaly Detection has been enabled. This mode will increase the runtime"):
        with ember.autograd.detect_anomaly(check_nan=False):
            assert ember.is_anomaly_enabled() and not ember.is_anomaly_check_nan_enabled()
    assert not ember.is_anomaly_enabled() and ember.is_anomaly_check_nan_enabled()


def test_nan_from_a_builtin_backward_names_the_node_and_the_forward_line():
    x = ember.tensor([0.0], requires_grad=True)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter('always')
        with ember.autograd.detect_anomaly():
            y = (x.sqrt() * 0).sum()   # the forward line the warning must show
            with pytest.raises(RuntimeError, match=r"^Function 'SqrtBackward0' returned nan values in its 0th "
                                                   r"output\.$"):
                y.backward()
    trace = [str(w.message) for w in seen if 'Error detected' in str(w.message)]
    assert len(trace) == 1
    assert trace[0].startswith("Error detected in SqrtBackward0. Traceback of forward call that caused the error:\n")
    assert 'y = (x.sqrt() * 0).sum()' in trace[0] and 'test_anomaly.py' in trace[0]
    assert '/ember/' not in trace[0].replace('\\', '/').split('test_anomaly.py')[-1]


def test_nan_from_a_custom_function_and_check_nan_off():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    with pytest.warns(UserWarning):
        with ember.autograd.detect_anomaly():
            with pytest.raises(RuntimeError, match="Function 'NanBackwardBackward' returned nan values in its 0th"):
                NanBackward.apply(x * 2).sum().backward()
    with pytest.warns(UserWarning):
        with ember.autograd.detect_anomaly(check_nan=False):
            NanBackward.apply(x * 2).sum().backward()
    assert ember.isnan(x.grad).all()


def test_an_error_in_backward_is_preceded_by_the_forward_stack():
    x = ember.tensor([1.0], requires_grad=True)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter('always')
        with ember.autograd.detect_anomaly():
            y = FailingBackward.apply(x * 2)
            with pytest.raises(ValueError, match='boom'):
                y.sum().backward()
    messages = [str(w.message) for w in seen]
    assert any(m.startswith('Error detected in FailingBackwardBackward.') and 'FailingBackward.apply' in m
               for m in messages)


def test_without_anomaly_mode_nan_gradients_pass_silently():
    x = ember.tensor([0.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        (x.sqrt() * 0).sum().backward()
    assert ember.isnan(x.grad).all()


def test_set_detect_anomaly_as_a_function_and_through_the_global_flag():
    ember.autograd.set_detect_anomaly(True)
    try:
        assert ember.is_anomaly_enabled()
    finally:
        ember.autograd.set_detect_anomaly(False)
    ember.set_anomaly_enabled(True, check_nan=False)
    try:
        assert ember.is_anomaly_enabled() and not ember.is_anomaly_check_nan_enabled()
    finally:
        ember.set_anomaly_enabled(False)
    assert not ember.is_anomaly_enabled()
