"""ember.futures.Future as PyTorch's: completion, callbacks, errors, collect_all/wait_all (PyTorch's
messages recorded from torch 2.13)."""
import pytest

import ember
from ember.futures import Future, collect_all, wait_all


def test_then_runs_the_callback_once_the_value_is_set():
    fut = Future()
    seen = []
    doubled = fut.then(lambda f: f.value() * 2)
    fut.add_done_callback(lambda f: seen.append(f.value()))
    assert not fut.done() and not doubled.done()
    fut.set_result(ember.tensor([1., 2.]))
    assert fut.done() and doubled.done()
    assert doubled.wait().tolist() == [2., 4.] and seen[0].tolist() == [1., 2.]
    late = []
    fut.add_done_callback(lambda f: late.append(1))      # already complete: runs at once
    assert late == [1]


def test_completing_twice_and_bad_exceptions_raise_pytorchs_errors():
    fut = Future()
    fut.set_result(3)
    with pytest.raises(RuntimeError, match='^Attempting to mark a completed Future as complete again. Note that a '
                                           'Future can only be marked completed once.$'):
        fut.set_result(4)
    with pytest.raises(AssertionError, match=r"^3 is of type <class 'int'>, not an Exception.$"):
        Future().set_exception(3)
    assert fut.value() == 3


def test_errors_reach_wait_and_value_and_the_callbacks_children():
    bad = Future()
    bad.set_exception(ValueError('bad'))
    with pytest.raises(ValueError, match='^bad$'):
        bad.wait()
    with pytest.raises(ValueError, match='^bad$'):
        bad.value()
    parent = Future()
    child = parent.then(lambda f: 1 / 0)
    parent.set_result(1)
    with pytest.raises(RuntimeError, match='^Got the following error when running the callback: '
                                           'ZeroDivisionError: division by zero'):
        child.wait()


def test_value_before_completion_and_waiting_on_an_orphan_raise():
    with pytest.raises(RuntimeError, match='before the Future completed'):
        Future().value()
    with pytest.raises(RuntimeError, match='nobody will complete'):
        Future().wait()         # PyTorch would block forever here


def test_collect_all_and_wait_all():
    a, b = Future(), Future()
    both = collect_all([a, b])
    assert not both.done()
    a.set_result(1)
    b.set_exception(KeyError('x'))
    assert both.done() and both.wait() == [a, b]
    with pytest.raises(KeyError):
        wait_all([a, b])
    c = Future()
    c.set_result(5)
    assert wait_all([a, c]) == [1, 5]
    with pytest.raises(TypeError, match='collect_all expects a list of Futures'):
        collect_all([a, 3])


def test_a_driven_future_completes_when_its_operation_does():
    state = {'ready': False, 'runs': 0}

    def finish():
        state['runs'] += 1
        return 'value'

    fut = Future._driven_by(lambda: state['ready'], finish)
    chained = fut.then(lambda f: f.value().upper())
    assert not fut.done() and state['runs'] == 0
    state['ready'] = True
    assert chained.wait() == 'VALUE' and fut.done() and state['runs'] == 1


def test_futures_is_reachable_as_torch_futures_is():
    import ember.futures as futures_module
    assert ember.futures is futures_module and ember.futures.Future is Future
