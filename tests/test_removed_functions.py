"""Functions PyTorch removed (1.9) still exist to explain their replacement: the same RuntimeError text
as PyTorch's (recorded below, with torch -> ember), so an old script learns what to call instead."""
import warnings

import pytest

import ember

# PyTorch 2.13's messages' first lines and replacement lines
CASES = [
    (lambda: ember.solve(ember.eye(2), ember.eye(2)), "`ember.solve` is deprecated in favor of `ember.linalg.solve`",
     "X = ember.linalg.solve(A, B)"),
    (lambda: ember.eye(2).solve(ember.eye(2)), "`ember.solve` is deprecated", "X = ember.linalg.solve(A, B)"),
    (lambda: ember.lstsq(ember.eye(2), ember.eye(2)), "`ember.lstsq` is deprecated in favor of `ember.linalg.lstsq`",
     "X = ember.linalg.lstsq(A, B).solution"),
    (lambda: ember.eig(ember.eye(2)), "`ember.linalg.eig` returns complex tensors",
     "L_complex, V_complex = ember.linalg.eig(A)"),
    (lambda: ember.eye(2).eig(True), "`ember.linalg.eig` returns complex tensors",
     "L_complex, V_complex = ember.linalg.eig(A)"),
    (lambda: ember.symeig(ember.eye(2)), "The default behavior has changed",
     "L, V = ember.linalg.eigh(A, UPLO='U' if upper else 'L')"),
    (lambda: ember.matrix_rank(ember.eye(2)), "Please use the `ember.linalg.matrix_rank` function instead.",
     "renamed in `ember.linalg.matrix_rank()` to 'hermitian'."),
]


@pytest.mark.parametrize('call, first, last', CASES)
def test_removed_functions_explain_their_replacement(call, first, last):
    with pytest.raises(RuntimeError) as info:
        call()
    text = str(info.value)
    assert text.startswith("This function was deprecated since version 1.9 and is now removed.")
    assert first in text and text.endswith(last)


def test_reinforce_and_volatile():
    with pytest.raises(RuntimeError, match=r'^reinforce\(\) was removed\.\nUse ember.distributions instead\.') as info:
        ember.ones(1).reinforce(1.0)
    assert str(info.value).endswith("loss = -m.log_prob(action) * reward\nloss.backward()\n")
    t = ember.ones(1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        assert t.volatile is False
        t.volatile = True
        assert t.volatile is False
    assert [str(w.message) for w in caught] == [
        'volatile was removed (Variable.volatile is always False)',
        'volatile was removed and now has no effect. Use `with ember.no_grad():` instead.',
        'volatile was removed (Variable.volatile is always False)']


@pytest.mark.skipif(not __import__('importlib').util.find_spec('torch'), reason='PyTorch is not installed')
def test_messages_equal_pytorchs():
    import torch
    pairs = [(lambda T: T.solve(T.eye(2), T.eye(2))), (lambda T: T.lstsq(T.eye(2), T.eye(2))),
             (lambda T: T.eig(T.eye(2))), (lambda T: T.symeig(T.eye(2))), (lambda T: T.matrix_rank(T.eye(2))),
             (lambda T: T.ones(1).reinforce(1.0))]
    for fn in pairs:
        texts = []
        for T in (torch, ember):
            with pytest.raises(RuntimeError) as info:
                fn(T)
            texts.append(str(info.value).replace('torch', 'ember'))
        assert texts[0] == texts[1]
