"""torch.func.rearrange (einops patterns; results and error texts recorded from PyTorch 2.13), functionalize
and debug_unwrap."""
import pytest

import ember
from ember.func import debug_unwrap, functionalize, grad, rearrange
from ember.func._rearrange import DimensionBindError

X = ember.arange(24.).reshape(2, 3, 4)


@pytest.mark.parametrize('pattern, lengths, shape, head', [
    ("a b c -> c a b", {}, (4, 2, 3), [0, 4, 8, 12, 16, 20, 1, 5]),
    ("a b (c d) -> a (b c) d", {'d': 2}, (2, 6, 2), [0, 1, 2, 3, 4, 5, 6, 7]),
    ("a b c -> a b c 1", {}, (2, 3, 4, 1), [0, 1, 2, 3, 4, 5, 6, 7]),
    ("a 1 c -> a c", {}, (2, 4), [12, 15, 18, 21, 48, 51, 54, 57]),  # PyTorch sums a left-hand unit axis
    ("... c -> c ...", {}, (4, 2, 3), [0, 4, 8, 12, 16, 20, 1, 5]),
    ("a ... -> (a ...)", {}, (24,), [0, 1, 2, 3, 4, 5, 6, 7]),
    ("a b c -> (a b c)", {}, (24,), [0, 1, 2, 3, 4, 5, 6, 7]),
    ("... -> ...", {}, (2, 3, 4), [0, 1, 2, 3, 4, 5, 6, 7]),
    ("a (c d) e -> (e a) d c", {"c": 3}, (8, 1, 3), [0, 4, 8, 12, 16, 20, 1, 5]),
])
def test_rearrange_values(pattern, lengths, shape, head):
    out = rearrange(X, pattern, **lengths)
    assert tuple(out.shape) == shape and out.flatten()[:8].tolist() == head


def test_rearrange_list_and_scalar():
    out = rearrange([X, X + 100], "n a b c -> a (n b) c")
    assert tuple(out.shape) == (2, 6, 4) and out[0, 3, 0].item() == 100.0
    assert rearrange(ember.tensor(3.), " -> ").item() == 3.0


def test_rearrange_is_differentiable():
    x = X.clone().requires_grad_()
    (rearrange(x, "a b (c d) -> d (a b) c", d=2) * ember.arange(24.).reshape(2, 6, 2)).sum().backward()
    assert tuple(x.grad.shape) == (2, 3, 4) and x.grad[0, 0].tolist() == [0.0, 12.0, 1.0, 13.0]


@pytest.mark.parametrize('pattern, lengths, error, message', [
    ("a b (c d) -> a (b c) d", {'d': 3}, DimensionBindError,
     "inferred dimension does not evenly fit into larger dimension: 4 vs ('?', 3)"),
    ("a b (c d) -> a b c d", {}, DimensionBindError, "cannot infer the sizes of two dimensions at once d2 and d3"),
    ("a b c -> a b (c)", {'c': 5}, DimensionBindError,
     "Dimension sizes to do not match (4 != 5) when matching dimension pack (d2,)"),
    ("a b -> a b", {}, ValueError,
     "Number of dimensions in pattern (2) must be equal to the number of dimensions in the tensor (3)"),
    ("a b c d ... -> a b c d ...", {}, ValueError,
     "Number of dimensions in pattern (4) must be less than or equal to the number of dimensions in the tensor (3)"),
    ("a b c", {}, ValueError, "Pattern must contain a single '->' separator"),
    ("a b c -> a b", {}, ValueError, "Identifiers only on one side of rearrange expression (should be on both): {'c'}"),
    ("a b c -> a b c", {'e': 2}, ValueError, "Identifiers not found in rearrange expression: {'e'}"),
    ("a b c -> a b c", {'c': 4.0}, TypeError, "rearrange axis lengths must be integers, got: <class 'float'>"),
    ("a b c -> a b 2 c", {}, ValueError, "rearrange only supports unnamed axes of size 1"),
    ("a a c -> a c", {}, ValueError, "Indexing expression contains duplicate dimension 'a'"),
    ("a (b c -> a b c", {}, ValueError, "Imbalanced parentheses in expression: 'a (b c '"),
    ("a b$ c -> a b c", {}, ValueError, "Unknown character '$'"),
    ("a ((b) c) -> a b c", {}, ValueError, "Axis composition is one-level (brackets inside brackets not allowed)"),
    ("_a b c -> _a b c", {}, ValueError,
     "Invalid axis identifier: _a\naxis name should should not start or end with underscore"),
    ("a ... -> ... a ...", {}, ValueError,
     "Expression may contain dots only inside ellipsis (...); only one ellipsis for tensor "),
    ("a b c -> a ... b c", {}, ValueError, "Ellipsis found in right side, but not left side of a pattern a b c -> a "
                                           "... b c"),
    ("a (b ...) -> a b", {}, ValueError, "Ellipsis is parenthesis in the left side is not allowed: a (b ...) -> a b"),
])
def test_rearrange_errors(pattern, lengths, error, message):
    with pytest.raises(error) as info:
        rearrange(X, pattern, **lengths)
    assert str(info.value) == message


def test_functionalize_keeps_results_and_input_updates():
    def f(a):
        b = a.clone()
        b.add_(1)
        a.mul_(2)
        return b.view(-1)
    x = ember.ones(2, 2)
    assert functionalize(f)(x).tolist() == [2.0] * 4 and x.tolist() == [[2.0, 2.0], [2.0, 2.0]]
    assert functionalize(f, remove='mutations_and_views')(x).tolist() == [3.0] * 4 and x[0, 0].item() == 4.0
    assert functionalize(f).__wrapped__ is f and functionalize(f).__name__ == 'f'
    g = grad(functionalize(lambda a: a.clone().sin_().sum()))(ember.zeros(2))
    assert g.tolist() == [1.0, 1.0]


def test_functionalize_views():
    x = ember.ones(4)
    out = functionalize(lambda a: a.view(2, 2))(x)
    assert out._base is x
    same, tail = functionalize(lambda a: (a, a[1:]), remove='mutations_and_views')(x)
    assert same is x and tail._base is None
    tail.add_(1)
    assert x.tolist() == [1.0] * 4


def test_functionalize_bad_remove():
    with pytest.raises(RuntimeError, match="functionalize\\(f, remove='mutations'\\): received invalid argument for "
                                           "remove=x. Valid options are:"):
        functionalize(lambda x: x, remove='x')


def test_debug_unwrap():
    x = ember.ones(2)
    assert debug_unwrap(x) is x and debug_unwrap(x, recurse=False) is x
